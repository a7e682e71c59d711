//! Office files: reading and writing spreadsheets (xlsx), the feedback
//! sheet as .docx, checking uploaded documents. Knows nothing of
//! languages: callers pass headers and cells as text.

pub mod docs;
pub mod sheet_docx;
pub mod unpack;

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use rust_xlsxwriter::{DataValidation, Format, FormatBorder, Workbook};
use std::io::Cursor;

/// The most data rows an import may have.
pub const MAX_ROWS: usize = 20_000;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum OfficeError {
    /// The bytes are not an xlsx file (wrong type, e.g. a renamed file).
    #[error("not an xlsx file")]
    NotXlsx,
    /// An xlsx file that cannot be read.
    #[error("corrupt xlsx file: {0}")]
    Corrupt(String),
    /// No worksheet, or no header row.
    #[error("empty workbook")]
    Empty,
    #[error("too many rows ({0})")]
    TooManyRows(usize),
    /// It unpacks to more than this many MiB.
    #[error("unpacks to more than {0} MiB")]
    TooLarge(u64),
    /// A part of it is compressed more than this ratio (a zip bomb).
    #[error("compressed more than {0} to 1")]
    Ratio(u64),
    #[error("cannot write xlsx: {0}")]
    Write(String),
}

/// One sheet as read: the header row and the data rows with their 1-based
/// row numbers as Excel shows them. Blank rows are skipped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sheet {
    pub headers: Vec<String>,
    pub rows: Vec<(usize, Vec<String>)>,
}

fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => {
            if *b {
                "TRUE".into()
            } else {
                "FALSE".into()
            }
        }
        other => other.to_string().trim().to_string(),
    }
}

/// The widest sheet read; cells further right are ignored.
pub const MAX_COLS: u32 = 64;

/// The most an xlsx import may unpack to, all parts together (MiB): far
/// more than [`MAX_ROWS`] rows of an import's columns take.
pub const XLSX_UNPACKED_MIB: u64 = 32;
/// The highest compression ratio of a part over 1 MiB.
pub const MAX_RATIO: u64 = 200;

/// Read the first worksheet of an xlsx file.
///
/// Cells are streamed rather than loaded as one dense range, so that a file
/// with a single far-away cell (say `XFD1048576`) cannot make us allocate
/// billions of cells; rows past [`MAX_ROWS`] stop the read.
pub fn read_xlsx(bytes: &[u8]) -> Result<Sheet, OfficeError> {
    // An xlsx file is a zip archive: check the signature before parsing.
    if bytes.len() < 4 || &bytes[..4] != b"PK\x03\x04" {
        return Err(OfficeError::NotXlsx);
    }
    // Before calamine, which reads the shared strings whole: one cell of
    // 800 MB fits in an upload of 800 KB.
    unpack::check(bytes, XLSX_UNPACKED_MIB * 1024 * 1024, MAX_RATIO).map_err(|r| match r {
        unpack::Refusal::NotZip => OfficeError::Corrupt("not a zip archive".into()),
        unpack::Refusal::TooLarge(_) => OfficeError::TooLarge(XLSX_UNPACKED_MIB),
        unpack::Refusal::Ratio(r) => OfficeError::Ratio(r),
    })?;
    let corrupt = |e: calamine::XlsxError| OfficeError::Corrupt(e.to_string());
    let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).map_err(corrupt)?;
    let first = wb.sheet_names().into_iter().next().ok_or(OfficeError::Empty)?;
    let mut reader = wb.worksheet_cells_reader(&first).map_err(corrupt)?;
    // Row number (0-based) → cells by column.
    let mut rows: Vec<(u32, Vec<String>)> = Vec::new();
    let mut seen_cells: u64 = 0;
    // Every cell of the widest allowed sheet, blank ones included.
    let cell_budget = (MAX_ROWS as u64 + 1) * u64::from(MAX_COLS);
    while let Some(cell) = reader.next_cell().map_err(corrupt)? {
        seen_cells += 1;
        if seen_cells > cell_budget {
            return Err(OfficeError::TooManyRows(MAX_ROWS + 1));
        }
        let (r, c) = cell.get_position();
        if c >= MAX_COLS {
            continue;
        }
        let text = cell_text(&Data::from(cell.get_value().clone()));
        if text.is_empty() {
            continue;
        }
        if rows.last().is_none_or(|(last, _)| *last != r) {
            if rows.len() > MAX_ROWS {
                return Err(OfficeError::TooManyRows(rows.len()));
            }
            rows.push((r, Vec::new()));
        }
        let cells = &mut rows.last_mut().expect("a row was pushed").1;
        if cells.len() <= c as usize {
            cells.resize(c as usize + 1, String::new());
        }
        cells[c as usize] = text;
    }
    let mut it = rows.into_iter();
    let (_, headers) = it.next().ok_or(OfficeError::Empty)?;
    let rows: Vec<(usize, Vec<String>)> = it.map(|(r, cells)| (r as usize + 1, cells)).collect();
    if rows.len() > MAX_ROWS {
        return Err(OfficeError::TooManyRows(rows.len()));
    }
    Ok(Sheet { headers, rows })
}

/// A column of a sheet to write.
pub struct Column {
    pub header: String,
    /// Width in characters.
    pub width: f64,
    /// Allowed values (a drop-down in Excel), if the column has a fixed list.
    pub choices: Vec<String>,
    /// Right-align as a number.
    pub numeric: bool,
}

impl Column {
    pub fn new(header: impl Into<String>, width: f64) -> Self {
        Self { header: header.into(), width, choices: Vec::new(), numeric: false }
    }

    pub fn choices(mut self, c: Vec<String>) -> Self {
        self.choices = c;
        self
    }

    pub fn numeric(mut self) -> Self {
        self.numeric = true;
        self
    }
}

/// Write one sheet: a bold, frozen header row, then the rows. Numeric
/// columns get numbers where the text parses as one.
pub fn write_xlsx(sheet_name: &str, columns: &[Column], rows: &[Vec<String>]) -> Result<Vec<u8>, OfficeError> {
    let err = |e: rust_xlsxwriter::XlsxError| OfficeError::Write(e.to_string());
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(sheet_name).map_err(err)?;
    let head = Format::new().set_bold().set_background_color("F2F2F2").set_border_bottom(FormatBorder::Thin);
    for (c, col) in columns.iter().enumerate() {
        let c = c as u16;
        ws.write_string_with_format(0, c, &col.header, &head).map_err(err)?;
        ws.set_column_width(c, col.width).map_err(err)?;
        if !col.choices.is_empty() {
            let choices: Vec<&str> = col.choices.iter().map(String::as_str).collect();
            let dv = DataValidation::new().allow_list_strings(&choices).map_err(err)?;
            ws.add_data_validation(1, c, (MAX_ROWS as u32).min(1_048_575), c, &dv).map_err(err)?;
        }
    }
    ws.set_freeze_panes(1, 0).map_err(err)?;
    for (r, row) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, value) in row.iter().enumerate() {
            let numeric = columns.get(c).is_some_and(|col| col.numeric);
            match value.parse::<f64>() {
                Ok(n) if numeric => ws.write_number(r, c as u16, n).map_err(err)?,
                _ => ws.write_string(r, c as u16, value).map_err(err)?,
            };
        }
    }
    wb.save_to_buffer().map_err(err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_workbook_that_unpacks_too_far_is_refused_before_parsing() {
        // 40 MiB of one cell's text, deflated ~1,000 to 1 (ratio left aside).
        let bomb = unpack::tests::bomb("xl/sharedStrings.xml", 40 * 1024 * 1024);
        assert_eq!(
            unpack::check(&bomb, XLSX_UNPACKED_MIB * 1024 * 1024, u64::MAX),
            Err(unpack::Refusal::TooLarge(32 << 20))
        );
        assert_eq!(read_xlsx(&bomb), Err(OfficeError::Ratio(MAX_RATIO)));
    }

    #[test]
    fn written_sheets_read_back() {
        let cols = vec![
            Column::new("代码", 12.0),
            Column::new("名称", 30.0),
            Column::new("类型", 20.0).choices(vec!["县市区委".into(), "其他".into()]),
            Column::new("排序", 8.0).numeric(),
        ];
        let rows = vec![
            vec!["LG".into(), "琅港市委".into(), "其他".into(), "10".into()],
            vec!["".into(), "".into(), "".into(), "".into()],
            vec!["LG-A".into(), "甲".into(), "县市区委".into(), "2".into()],
        ];
        let bytes = write_xlsx("组织机构", &cols, &rows).unwrap();
        let sheet = read_xlsx(&bytes).unwrap();
        assert_eq!(sheet.headers, ["代码", "名称", "类型", "排序"]);
        assert_eq!(sheet.rows.len(), 2, "the blank row is skipped");
        assert_eq!(sheet.rows[0], (2, vec!["LG".into(), "琅港市委".into(), "其他".into(), "10".into()]));
        assert_eq!(sheet.rows[1].0, 4);
    }

    #[test]
    fn a_far_away_cell_is_not_a_memory_bomb() {
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        ws.write_string(0, 0, "代码").unwrap();
        ws.write_string(1, 0, "A").unwrap();
        ws.write_string(1_048_575, 16_383, "far").unwrap();
        let bytes = wb.save_to_buffer().unwrap();
        let sheet = read_xlsx(&bytes).unwrap();
        assert_eq!(sheet.headers, ["代码"]);
        assert_eq!(sheet.rows, vec![(2, vec!["A".to_string()])]);
    }

    #[test]
    fn too_many_rows_are_refused() {
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        for r in 0..=(MAX_ROWS as u32 + 1) {
            ws.write_number(r, 0, f64::from(r)).unwrap();
        }
        assert!(matches!(read_xlsx(&wb.save_to_buffer().unwrap()), Err(OfficeError::TooManyRows(_))));
    }

    #[test]
    fn non_xlsx_and_corrupt_files_are_named() {
        assert_eq!(read_xlsx(b"code,name\nA,B\n"), Err(OfficeError::NotXlsx));
        assert!(matches!(read_xlsx(b"PK\x03\x04garbage"), Err(OfficeError::Corrupt(_))));
    }
}
