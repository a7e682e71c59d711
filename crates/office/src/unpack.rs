//! A guard against zip bombs: an xlsx or .docx is a zip archive, and a small
//! upload can unpack to gigabytes. Every entry is unpacked once, counted and
//! thrown away before any parser sees the file, so neither a false size in a
//! header nor an extreme compression ratio gets past it.

use std::io::{Cursor, Read};

/// Why an archive was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Not a readable zip archive.
    NotZip,
    /// It unpacks to more than the limit (bytes).
    TooLarge(u64),
    /// An entry of more than [`RATIO_FLOOR`] bytes unpacks to more than
    /// the ratio times its packed size.
    Ratio(u64),
}

/// Entries smaller than this are not judged by their ratio (a run of empty
/// cells compresses very well and is harmless when small).
pub const RATIO_FLOOR: u64 = 1024 * 1024;

/// Unpack every entry of `data`, refusing past `max_total` bytes in all or
/// an entry over [`RATIO_FLOOR`] whose ratio exceeds `max_ratio`.
pub fn check(data: &[u8], max_total: u64, max_ratio: u64) -> Result<(), Refusal> {
    let mut zip = zip::ZipArchive::new(Cursor::new(data)).map_err(|_| Refusal::NotZip)?;
    let mut total: u64 = 0;
    let mut buf = vec![0u8; 64 * 1024];
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).map_err(|_| Refusal::NotZip)?;
        let packed = entry.compressed_size().max(1);
        let mut unpacked: u64 = 0;
        loop {
            let n = entry.read(&mut buf).map_err(|_| Refusal::NotZip)?;
            if n == 0 {
                break;
            }
            unpacked += n as u64;
            if total + unpacked > max_total {
                return Err(Refusal::TooLarge(max_total));
            }
            if unpacked > RATIO_FLOOR && unpacked / packed > max_ratio {
                return Err(Refusal::Ratio(max_ratio));
            }
        }
        total += unpacked;
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::io::Write;

    /// A zip with one entry of `n` bytes of `b'a'` (deflated: ~1,000 to 1).
    pub(crate) fn bomb(name: &str, n: usize) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        w.start_file(name, opts).unwrap();
        let chunk = vec![b'a'; 1024 * 1024];
        let mut left = n;
        while left > 0 {
            let k = left.min(chunk.len());
            w.write_all(&chunk[..k]).unwrap();
            left -= k;
        }
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn a_bomb_is_refused_by_size_or_ratio_and_small_files_pass() {
        let b = bomb("x.xml", 40 * 1024 * 1024);
        assert!(b.len() < 200 * 1024, "{}", b.len());
        assert_eq!(check(&b, 32 * 1024 * 1024, u64::MAX), Err(Refusal::TooLarge(32 * 1024 * 1024)));
        assert_eq!(check(&b, u64::MAX, 100), Err(Refusal::Ratio(100)));
        assert_eq!(check(&bomb("x.xml", 100_000), 32 * 1024 * 1024, 100), Ok(()));
        assert_eq!(check(b"not a zip", 1, 1), Err(Refusal::NotZip));
    }
}
