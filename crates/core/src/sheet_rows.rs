//! The rows of an import sheet read into checked values. Pure functions,
//! apart from the database look-ups the services make around them, so every
//! rule is tested without a database (and on 100,000 random sheets each in
//! `sheet_row_properties`). Each returns every problem with its row, or the
//! values of a clean sheet.
//!
//! Each feature reads its own sheet (`<feature>/sheet_rows.rs`); this file
//! holds what they share.

use crate::error::FieldError;
use std::collections::HashMap;

pub type Checked<T> = Result<Vec<T>, Vec<FieldError>>;

pub fn finish<T>(out: Vec<T>, mut errs: Vec<FieldError>) -> Checked<T> {
    if errs.is_empty() {
        Ok(out)
    } else {
        errs.sort_by_key(|e| e.row);
        Err(errs)
    }
}

/// A sheet row of the assessment import: its number and the cell under
/// each column the sheet has (a column it lacks is absent).
#[derive(Debug, Clone)]
pub struct CellRow {
    pub row: usize,
    pub cells: HashMap<&'static str, String>,
}
