//! Office files: reading and writing spreadsheets (xlsx). Knows nothing of
//! languages: callers pass headers and cells as text.

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

/// Read the first worksheet of an xlsx file.
pub fn read_xlsx(bytes: &[u8]) -> Result<Sheet, OfficeError> {
    // An xlsx file is a zip archive: check the signature before parsing.
    if bytes.len() < 4 || &bytes[..4] != b"PK\x03\x04" {
        return Err(OfficeError::NotXlsx);
    }
    let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes))
        .map_err(|e: calamine::XlsxError| OfficeError::Corrupt(e.to_string()))?;
    let range = wb.worksheet_range_at(0).ok_or(OfficeError::Empty)?.map_err(|e| OfficeError::Corrupt(e.to_string()))?;
    let (first_row, _) = range.start().ok_or(OfficeError::Empty)?;
    let mut rows = range.rows().enumerate();
    let headers: Vec<String> = rows.next().ok_or(OfficeError::Empty)?.1.iter().map(cell_text).collect();
    if headers.iter().all(String::is_empty) {
        return Err(OfficeError::Empty);
    }
    let mut out = Vec::new();
    for (i, r) in rows {
        let cells: Vec<String> = r.iter().map(cell_text).collect();
        if cells.iter().all(String::is_empty) {
            continue;
        }
        if out.len() == MAX_ROWS {
            return Err(OfficeError::TooManyRows(range.height().saturating_sub(1)));
        }
        out.push((first_row as usize + i + 1, cells));
    }
    Ok(Sheet { headers, rows: out })
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
    fn non_xlsx_and_corrupt_files_are_named() {
        assert_eq!(read_xlsx(b"code,name\nA,B\n"), Err(OfficeError::NotXlsx));
        assert!(matches!(read_xlsx(b"PK\x03\x04garbage"), Err(OfficeError::Corrupt(_))));
    }
}
