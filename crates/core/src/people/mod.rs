//! People (人员). A person may belong to an org unit, or come from outside
//! the tree (党代表, 群众代表); either way the record is managed under one org
//! unit, which decides who may see and change it.

pub mod port;
pub mod service;

use crate::error::{FieldError, Msg, required_text};
use crate::ids::{OrgUnitId, PersonId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub const NAME_MAX: usize = 50;
pub const POST_MAX: usize = 100;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Person {
    pub id: PersonId,
    pub name: String,
    pub name_sort: String,
    /// The org unit the person belongs to, if any.
    pub org_unit_id: Option<OrgUnitId>,
    /// The org unit under whose administration the record falls.
    pub managed_by: OrgUnitId,
    /// Post or title (职务).
    pub post: String,
    pub phone: Option<String>,
    pub active: bool,
    pub created_at: DateTime<Utc>,
}

impl Person {
    /// The phone number as shown in lists: `138****5678`.
    pub fn masked_phone(&self) -> Option<String> {
        self.phone.as_deref().map(mask_phone)
    }
}

/// Mask the middle of a phone number, keeping the first 3 and last 4 digits.
pub fn mask_phone(p: &str) -> String {
    let chars: Vec<char> = p.chars().collect();
    if chars.len() <= 7 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..3].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 7))
}

/// Validated person fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonFields {
    pub name: String,
    pub org_unit_id: Option<OrgUnitId>,
    pub post: String,
    pub phone: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct PersonInput {
    pub name: String,
    pub org_unit_id: Option<String>,
    pub post: Option<String>,
    pub phone: Option<String>,
}

impl PersonInput {
    pub fn validate(&self) -> Result<PersonFields, Vec<FieldError>> {
        let mut errs = Vec::new();
        let name = required_text("name", &self.name, NAME_MAX).unwrap_or_else(|e| {
            errs.push(e);
            String::new()
        });
        let post = self.post.as_deref().unwrap_or("").trim().to_string();
        if post.chars().count() > POST_MAX {
            errs.push(FieldError::new("post", Msg::new("err-too-long").arg("max", POST_MAX)));
        }
        let phone = self.phone.as_deref().map(str::trim).filter(|s| !s.is_empty());
        if let Some(p) = phone
            && (p.len() < 7 || p.len() > 20 || !p.chars().all(|c| c.is_ascii_digit() || c == '-'))
        {
            errs.push(FieldError::new("phone", Msg::new("err-phone")));
        }
        let org_unit_id = match self.org_unit_id.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(s) => match s.parse::<i64>() {
                Ok(n) => Some(OrgUnitId(n)),
                Err(_) => {
                    errs.push(FieldError::new("org_unit_id", Msg::new("err-org-unknown")));
                    None
                }
            },
        };
        if errs.is_empty() {
            Ok(PersonFields { name, org_unit_id, post, phone: phone.map(str::to_string) })
        } else {
            Err(errs)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_are_masked() {
        assert_eq!(mask_phone("13805351234"), "138****1234");
        assert_eq!(mask_phone("123"), "***");
    }

    #[test]
    fn person_validation() {
        let ok = PersonInput {
            name: " 王建国 ".into(),
            org_unit_id: Some("7".into()),
            post: Some("部长".into()),
            phone: Some("13805351234".into()),
        };
        let f = ok.validate().unwrap();
        assert_eq!(f.name, "王建国");
        assert_eq!(f.org_unit_id, Some(OrgUnitId(7)));
        let bad = PersonInput { name: "".into(), phone: Some("abc".into()), ..Default::default() };
        assert_eq!(bad.validate().unwrap_err().len(), 2);
    }
}
