//! Uploaded documents (.docx, .pdf): the type is decided by the content,
//! never by the name alone; the text of a .docx is extracted for reading and
//! search. Nothing uploaded is ever executed or rendered as HTML.

use kaoping_core::Msg;
use quick_xml::events::Event;
use std::io::{Cursor, Read};

/// The kinds of report file accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocKind {
    Docx,
    Pdf,
}

impl DocKind {
    pub fn media_type(self) -> &'static str {
        match self {
            Self::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Self::Pdf => "application/pdf",
        }
    }
}

/// A document that passed the checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedDoc {
    pub kind: DocKind,
    /// Text of a .docx, paragraphs separated by newlines (empty for PDFs).
    pub text: String,
}

/// Most bytes a .docx may unpack to, all parts together (against zip bombs).
const UNPACKED_MAX: u64 = 64 * 1024 * 1024;
/// Most bytes of text kept from a .docx (a duty report is some 20 KB; this
/// is sent with every evaluator's reading page).
pub const TEXT_MAX: usize = 1024 * 1024;

/// Check an upload: its name must end in .docx or .pdf and its content must
/// be that kind of file; macro-enabled documents are refused.
pub fn check_document(name: &str, data: &[u8], max_bytes: usize) -> Result<CheckedDoc, Msg> {
    if data.is_empty() {
        return Err(Msg::new("err-upload-empty"));
    }
    if data.len() > max_bytes {
        return Err(Msg::new("err-upload-too-large").arg("max", max_bytes / (1024 * 1024)));
    }
    let lower = name.to_lowercase();
    let claimed = if lower.ends_with(".docx") {
        DocKind::Docx
    } else if lower.ends_with(".pdf") {
        DocKind::Pdf
    } else {
        return Err(Msg::new("err-upload-type").arg("name", name));
    };
    let actual = if data.starts_with(b"%PDF-") {
        Some(DocKind::Pdf)
    } else if data.starts_with(b"PK\x03\x04") {
        Some(DocKind::Docx)
    } else {
        None
    };
    if actual != Some(claimed) {
        return Err(Msg::new("err-upload-content").arg("name", name));
    }
    match claimed {
        DocKind::Pdf => Ok(CheckedDoc { kind: DocKind::Pdf, text: String::new() }),
        DocKind::Docx => docx_text(data).map(|text| CheckedDoc { kind: DocKind::Docx, text }).map_err(|e| match e {
            "macro" => Msg::new("err-upload-macro"),
            "unpacked" => Msg::new("err-upload-unpacked").arg("name", name).arg("max", UNPACKED_MAX / (1024 * 1024)),
            "ratio" => Msg::new("err-upload-ratio").arg("name", name).arg("max", crate::MAX_RATIO),
            "text" => Msg::new("err-upload-text").arg("name", name).arg("max", TEXT_MAX / 1024),
            _ => Msg::new("err-upload-content").arg("name", name),
        }),
    }
}

/// Check an evidence file of a progress report: a JPEG or PNG photo, a PDF
/// or a .docx, decided by its content and matching its name; the media
/// type to serve it with.
pub fn check_evidence(name: &str, data: &[u8], max_bytes: usize) -> Result<&'static str, Msg> {
    let lower = name.to_lowercase();
    let image = if lower.ends_with(".jpg") || lower.ends_with(".jpeg") {
        Some(("image/jpeg", data.starts_with(b"\xFF\xD8\xFF")))
    } else if lower.ends_with(".png") {
        Some(("image/png", data.starts_with(b"\x89PNG\r\n\x1a\n")))
    } else {
        None
    };
    match image {
        None => check_document(name, data, max_bytes)
            .map(|d| d.kind.media_type())
            .map_err(|m| if m.key == "err-upload-type" { Msg::new("err-evidence-type").arg("name", name) } else { m }),
        Some(_) if data.is_empty() => Err(Msg::new("err-upload-empty")),
        Some(_) if data.len() > max_bytes => {
            Err(Msg::new("err-upload-too-large").arg("max", max_bytes / (1024 * 1024)))
        }
        Some((media, true)) => Ok(media),
        Some((_, false)) => Err(Msg::new("err-evidence-content").arg("name", name)),
    }
}

/// The text of a .docx: `w:t` runs, tabs, breaks and paragraphs.
fn docx_text(data: &[u8]) -> Result<String, &'static str> {
    crate::unpack::check(data, UNPACKED_MAX, crate::MAX_RATIO).map_err(|r| match r {
        crate::unpack::Refusal::NotZip => "zip",
        crate::unpack::Refusal::TooLarge(_) => "unpacked",
        crate::unpack::Refusal::Ratio(_) => "ratio",
    })?;
    let mut zip = zip::ZipArchive::new(Cursor::new(data)).map_err(|_| "zip")?;
    if zip.by_name("[Content_Types].xml").is_err() {
        return Err("content types");
    }
    if zip.file_names().filter_map(Result::ok).any(|n| n.to_lowercase().ends_with("vbaproject.bin")) {
        return Err("macro");
    }
    let mut xml = Vec::new();
    zip.by_name("word/document.xml")
        .map_err(|_| "document")?
        .take(UNPACKED_MAX)
        .read_to_end(&mut xml)
        .map_err(|_| "read")?;
    let mut reader = quick_xml::Reader::from_reader(xml.as_slice());
    let mut out = String::new();
    let mut in_text = false;
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf).map_err(|_| "xml")? {
            Event::Start(e) if e.name().into_inner() == "w:t" => in_text = true,
            Event::End(e) if e.name().into_inner() == "w:t" => in_text = false,
            Event::End(e) if e.name().into_inner() == "w:p" => out.push('\n'),
            Event::Empty(e) if e.name().into_inner() == "w:tab" => out.push('\t'),
            Event::Empty(e) if e.name().into_inner() == "w:br" => out.push('\n'),
            Event::Text(t) if in_text => out.push_str(&t.xml10_content()),
            Event::GeneralRef(r) if in_text => {
                if let Ok(Some(ch)) = r.resolve_char_ref() {
                    out.push(ch);
                }
                out.push_str(match &*r {
                    "lt" => "<",
                    "gt" => ">",
                    "amp" => "&",
                    "quot" => "\"",
                    "apos" => "'",
                    _ => "",
                });
            }
            Event::Eof => break,
            _ => {}
        }
        if out.len() > TEXT_MAX {
            return Err("text");
        }
        buf.clear();
    }
    let lines: Vec<&str> = out.lines().map(str::trim_end).collect();
    Ok(lines.join("\n").trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// A minimal .docx made with the zip writer.
    pub fn docx(body: &str, extra: Option<&str>) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let o = zip::write::SimpleFileOptions::default();
        w.start_file("[Content_Types].xml", o).unwrap();
        w.write_all(b"<?xml version=\"1.0\"?><Types/>").unwrap();
        w.start_file("word/document.xml", o).unwrap();
        write!(w, "<?xml version=\"1.0\"?><w:document><w:body>{body}</w:body></w:document>").unwrap();
        if let Some(e) = extra {
            w.start_file(e, o).unwrap();
            w.write_all(b"x").unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn evidence_is_a_photo_pdf_or_docx_by_content() {
        let jpeg = b"\xFF\xD8\xFF\xE0rest";
        assert_eq!(check_evidence("现场.JPG", jpeg, 100), Ok("image/jpeg"));
        assert_eq!(check_evidence("a.png", b"\x89PNG\r\n\x1a\nrest", 100), Ok("image/png"));
        assert_eq!(check_evidence("a.pdf", b"%PDF-1.7", 100), Ok("application/pdf"));
        assert_eq!(check_evidence("a.png", jpeg, 100).unwrap_err().key, "err-evidence-content");
        assert_eq!(check_evidence("a.exe", b"MZ", 100).unwrap_err().key, "err-evidence-type");
        assert_eq!(check_evidence("a.jpg", jpeg, 4).unwrap_err().key, "err-upload-too-large");
        assert_eq!(check_evidence("a.pdf", b"MZ", 100).unwrap_err().key, "err-upload-content");
    }

    #[test]
    fn docx_text_is_extracted() {
        let d = docx(
            "<w:p><w:r><w:t>一、履行职责</w:t></w:r></w:p><w:p><w:r><w:t>抓党建</w:t><w:tab/><w:t xml:space=\"preserve\"> &amp; 促发展</w:t></w:r></w:p>",
            None,
        );
        let c = check_document("述职报告.DOCX", &d, 1 << 20).unwrap();
        assert_eq!((c.kind, c.text.as_str()), (DocKind::Docx, "一、履行职责\n抓党建\t & 促发展"));
    }

    #[test]
    fn a_docx_that_unpacks_too_far_or_holds_too_much_text_is_refused() {
        let mut text = String::from("<w:p><w:r><w:t>");
        // Varied characters (repeated ones would be refused by their ratio).
        let mut x: u32 = 1;
        for _ in 0..TEXT_MAX / 3 + 1 {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            text.push(char::from_u32(0x4E00 + (x >> 16) % 20_000).unwrap());
        }
        text.push_str("</w:t></w:r></w:p>");
        let d = docx(&text, None);
        assert_eq!(check_document("a.docx", &d, 1 << 24).unwrap_err().key, "err-upload-text");
        let mut bomb = crate::unpack::tests::bomb("word/document.xml", 80 * 1024 * 1024);
        assert!(bomb.len() < 1 << 20);
        let e = check_document("a.docx", &bomb, 1 << 24).unwrap_err();
        assert_eq!(e.key, "err-upload-ratio", "{e:?}");
        bomb = crate::unpack::tests::bomb("word/document.xml", 2 * 1024 * 1024);
        assert_eq!(check_document("a.docx", &bomb, 1 << 24).unwrap_err().key, "err-upload-ratio");
    }

    #[test]
    fn wrong_content_macros_and_sizes_are_refused() {
        let exe = b"MZ\x90\x00\x03 this is a program";
        assert_eq!(check_document("report.docx", exe, 1 << 20).unwrap_err().key, "err-upload-content");
        assert_eq!(check_document("report.exe", exe, 1 << 20).unwrap_err().key, "err-upload-type");
        assert_eq!(check_document("a.pdf", &docx("", None), 1 << 20).unwrap_err().key, "err-upload-content");
        assert_eq!(check_document("a.docx", b"%PDF-1.7", 1 << 20).unwrap_err().key, "err-upload-content");
        assert_eq!(check_document("a.docx", b"PK\x03\x04broken", 1 << 20).unwrap_err().key, "err-upload-content");
        let m = docx("<w:p/>", Some("word/vbaProject.bin"));
        assert_eq!(check_document("a.docx", &m, 1 << 20).unwrap_err().key, "err-upload-macro");
        assert_eq!(check_document("a.pdf", b"%PDF-1.7 xxxx", 4).unwrap_err().key, "err-upload-too-large");
        assert_eq!(check_document("a.pdf", b"", 4).unwrap_err().key, "err-upload-empty");
        assert_eq!(check_document("a.pdf", b"%PDF-1.7", 1 << 20).unwrap().kind, DocKind::Pdf);
    }
}
