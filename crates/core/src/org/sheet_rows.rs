//! The rows of an org unit import sheet (see `crate::sheet_rows`).

use crate::error::{FieldError, Msg};
use crate::org::OrgUnitInput;
use crate::ports::OrgImportRow;
use crate::services::OrgImportRowInput;
use std::collections::HashMap;

/// 是/否 and its synonyms; blank is "not given".
fn parse_active(s: &str) -> Result<Option<bool>, ()> {
    match s.trim().to_lowercase().as_str() {
        "" => Ok(None),
        "是" | "启用" | "yes" | "y" | "true" | "1" | "active" => Ok(Some(true)),
        "否" | "停用" | "no" | "n" | "false" | "0" | "inactive" => Ok(Some(false)),
        _ => Err(()),
    }
}

/// Org units: each row's fields, 是/否, a code given once, not its own
/// parent. Returns the rows that pass and the problems of the others, as
/// parents and scope are checked against the database afterwards.
pub fn org_rows(input: &[OrgImportRowInput]) -> (Vec<OrgImportRow>, Vec<FieldError>) {
    let mut errs = Vec::new();
    let mut rows = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for r in input {
        let sort = r.sort_order.as_deref().map(str::trim).filter(|v| !v.is_empty());
        let fields = OrgUnitInput {
            code: r.code.clone(),
            name: r.name.clone(),
            kind: r.kind.clone(),
            sort_order: sort.map(str::to_string),
        }
        .validate();
        let active = parse_active(r.active.as_deref().unwrap_or(""));
        if active.is_err() {
            let value = r.active.as_deref().unwrap_or("").trim();
            errs.push(FieldError::new("active", Msg::new("err-yes-no").arg("value", value)).at_row(r.row));
        }
        let fields = match fields {
            Err(e) => {
                errs.extend(e.into_iter().map(|e| e.at_row(r.row)));
                continue;
            }
            Ok(f) => f,
        };
        if let Some(first) = seen.insert(fields.code.clone(), r.row) {
            let m = Msg::new("err-import-duplicate-code").arg("code", &fields.code).arg("row", first);
            errs.push(FieldError::new("code", m).at_row(r.row));
            continue;
        }
        let parent_code = r.parent_code.as_deref().map(|p| p.trim().to_ascii_uppercase()).filter(|p| !p.is_empty());
        if parent_code.as_deref() == Some(fields.code.as_str()) {
            errs.push(FieldError::new("parent_code", Msg::new("err-org-move-self")).at_row(r.row));
            continue;
        }
        rows.push(OrgImportRow {
            row: r.row,
            fields,
            parent_code,
            active: active.unwrap_or(None),
            keep_sort: sort.is_none(),
        });
    }
    (rows, errs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn active_cells() {
        assert_eq!(parse_active("是"), Ok(Some(true)));
        assert_eq!(parse_active(""), Ok(None));
        assert_eq!(parse_active("否"), Ok(Some(false)));
        assert_eq!(parse_active("maybe"), Err(()));
    }
}
