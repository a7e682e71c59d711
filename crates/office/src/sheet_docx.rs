//! The problem feedback sheet (问题反馈单) as a .docx in a formal A4 layout
//! after GB/T 9704: margins 37/35/28/26 mm, the title in the title font
//! (方正小标宋 by default) at 二号, the number line and body in the body font
//! (仿宋_GB2312 三号 by default) on a fixed 28-point line, headings in 黑体,
//! the page number centred at the foot as "— 1 —". Word and WPS use the
//! reader's fonts, so nothing is embedded.

use docx_rs::{
    AlignmentType, Docx, Footer, LineSpacing, LineSpacingType, PageMargin, PageNum, Paragraph, Run, RunFonts,
    SpecialIndentType, Table, TableCell, TableRow, WidthType,
};
use kaoping_core::feedback::SheetContent;

/// The words printed around the content, in the reader's language.
#[derive(Debug, Clone, Default)]
pub struct SheetLabels {
    pub subject: String,
    pub post: String,
    pub unit: String,
    pub category: String,
    /// Section headings, numbered as printed (e.g. 一、存在问题).
    pub problems: String,
    pub requirements: String,
    /// The note after each problem (tag, severity, source), in problem order.
    pub notes: Vec<String>,
    /// The issue date as written on the sheet (e.g. 2026年12月1日).
    pub issued_on: String,
}

const HEITI: &str = "黑体";
/// A4 in twentieths of a point.
const A4: (u32, u32) = (11906, 16838);
const MM: f64 = 1440.0 / 25.4;

fn mm(v: f64) -> i32 {
    (v * MM).round() as i32
}

struct Style<'a> {
    body_font: &'a str,
    body_size: usize,
}

impl Style<'_> {
    fn run(&self, text: &str, font: &str, size: usize) -> Run {
        Run::new().add_text(text).size(size).fonts(RunFonts::new().east_asia(font).ascii(font).hi_ansi(font))
    }

    fn body(&self, text: &str) -> Run {
        self.run(text, self.body_font, self.body_size)
    }

    /// A paragraph on the fixed 28-point line.
    fn para(&self) -> Paragraph {
        Paragraph::new().line_spacing(LineSpacing::new().line_rule(LineSpacingType::Exact).line(560))
    }

    /// A body paragraph with a two-character first-line indent.
    fn indented(&self, runs: Vec<Run>) -> Paragraph {
        let indent = (self.body_size * 10 * 2) as i32;
        runs.into_iter()
            .fold(self.para().indent(None, Some(SpecialIndentType::FirstLine(indent)), None, None), Paragraph::add_run)
    }

    fn heading(&self, text: &str) -> Paragraph {
        self.indented(vec![self.run(text, HEITI, self.body_size)])
    }
}

fn cell(p: Paragraph, width: usize) -> TableCell {
    TableCell::new().add_paragraph(p).width(width, WidthType::Dxa)
}

/// The sheet as .docx bytes.
pub fn feedback_sheet_docx(c: &SheetContent, l: &SheetLabels) -> Result<Vec<u8>, crate::OfficeError> {
    let st = Style { body_font: &c.body_font, body_size: c.body_size_half_points as usize };
    let title = st
        .para()
        .line_spacing(LineSpacing::new().line_rule(LineSpacingType::Exact).line(700).after(200))
        .align(AlignmentType::Center)
        .add_run(st.run(&c.title, &c.title_font, 44));
    let number = st.para().align(AlignmentType::Center).add_run(st.body(&c.number));
    let blank = st.para();

    // Who the sheet is for: a bordered two-by-four grid.
    let label = |t: &str| st.para().align(AlignmentType::Center).add_run(st.run(t, HEITI, st.body_size));
    let value = |t: &str| st.para().add_run(st.body(t));
    let widths = [1600, 2900, 1600, 2900];
    let row = |a: &str, b: &str, c2: &str, d: &str| {
        TableRow::new(vec![
            cell(label(a), widths[0]),
            cell(value(b), widths[1]),
            cell(label(c2), widths[2]),
            cell(value(d), widths[3]),
        ])
    };
    let who = Table::new(vec![
        row(&l.subject, &c.subject_name, &l.post, &c.post),
        row(&l.unit, &c.unit, &l.category, &c.category),
    ])
    .set_grid(widths.to_vec())
    .width(widths.iter().sum(), WidthType::Dxa);

    let mut doc = Docx::new()
        .page_size(A4.0, A4.1)
        .page_margin(
            PageMargin::new()
                .top(mm(37.0))
                .bottom(mm(35.0))
                .left(mm(28.0))
                .right(mm(26.0))
                .header(mm(15.0))
                .footer(mm(25.0)),
        )
        .footer(
            Footer::new().add_paragraph(
                Paragraph::new()
                    .align(AlignmentType::Center)
                    .add_run(st.run("— ", &c.body_font, 28))
                    .add_page_num(PageNum::new())
                    .add_run(st.run(" —", &c.body_font, 28)),
            ),
        )
        .add_paragraph(title)
        .add_paragraph(number)
        .add_paragraph(blank.clone())
        .add_table(who)
        .add_paragraph(blank)
        .add_paragraph(st.heading(&l.problems));
    for (i, p) in c.problems.iter().enumerate() {
        let note = l.notes.get(i).map_or("", |n| n.as_str());
        doc = doc.add_paragraph(st.indented(vec![st.body(&format!("{}. {}", i + 1, p.text)), st.body(note)]));
    }
    doc = doc.add_paragraph(st.heading(&l.requirements));
    for (i, r) in c.requirements.iter().enumerate() {
        doc = doc.add_paragraph(st.indented(vec![st.body(&format!("{}. {r}", i + 1))]));
    }
    let right =
        |t: &str| st.para().align(AlignmentType::Right).indent(None, None, Some(mm(8.0)), None).add_run(st.body(t));
    doc = doc
        .add_paragraph(st.para())
        .add_paragraph(st.para())
        .add_paragraph(right(&c.issuing_body))
        .add_paragraph(right(&l.issued_on));
    let mut out = std::io::Cursor::new(Vec::new());
    doc.build().pack(&mut out).map_err(|e| crate::OfficeError::Write(e.to_string()))?;
    Ok(out.into_inner())
}

/// Files packed into one zip (e.g. a category's sheets for printing).
pub fn zip_files(files: &[(String, Vec<u8>)]) -> Result<Vec<u8>, crate::OfficeError> {
    use std::io::Write;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    // .docx files are zips already: store them as they are.
    let o = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let err = |e: &dyn std::fmt::Display| crate::OfficeError::Write(e.to_string());
    for (name, bytes) in files {
        w.start_file(name.as_str(), o).map_err(|e| err(&e))?;
        w.write_all(bytes).map_err(|e| err(&e))?;
    }
    Ok(w.finish().map_err(|e| err(&e))?.into_inner())
}
