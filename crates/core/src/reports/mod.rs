//! Written duty reports (书面述职报告): a rich-text body in a safe subset of
//! HTML and/or one uploaded .docx or .pdf, moving between draft, submitted,
//! returned and accepted; every save is kept as a version.

pub mod links;
pub mod port;
pub mod reading;
pub mod reading_service;
pub mod service;

use crate::ids::{CycleId, PersonId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportStatus {
    /// 草稿: the subject is writing.
    Draft,
    /// 已提交: waiting for the organizer.
    Submitted,
    /// 已退回: returned with comments; the subject revises and resubmits.
    Returned,
    /// 已通过: accepted by the organizer.
    Accepted,
}

impl ReportStatus {
    pub const ALL: [ReportStatus; 4] = [Self::Draft, Self::Submitted, Self::Returned, Self::Accepted];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Submitted => "submitted",
            Self::Returned => "returned",
            Self::Accepted => "accepted",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }

    pub fn label_key(self) -> String {
        format!("report-status-{}", self.as_str())
    }

    /// Whether the subject has handed the report in (evaluators may read it).
    pub fn handed_in(self) -> bool {
        matches!(self, Self::Submitted | Self::Accepted)
    }

    /// Whether the subject may still change it.
    pub fn editable(self) -> bool {
        matches!(self, Self::Draft | Self::Returned)
    }
}

/// An uploaded file, stored once by its digest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AttachmentRef {
    /// SM3 of the content (hex).
    pub digest: String,
    pub name: String,
    pub media_type: String,
    pub size: i64,
}

/// The current state of one subject's report in a cycle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    pub id: i64,
    pub cycle_id: CycleId,
    pub person_id: PersonId,
    pub status: ReportStatus,
    /// Sanitized HTML (see [`sanitize_html`]).
    pub body_html: String,
    pub attachment: Option<AttachmentRef>,
    /// Text extracted from an uploaded .docx, for reading and search.
    pub attachment_text: String,
    pub version: i32,
    pub updated_at: DateTime<Utc>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub reviewed_at: Option<DateTime<Utc>>,
    /// The organizer's comment when returning or accepting.
    pub review_comment: Option<String>,
}

impl Report {
    /// Characters of readable text (body and extracted attachment text).
    pub fn text_chars(&self) -> usize {
        html_to_text(&self.body_html).chars().count() + self.attachment_text.chars().count()
    }
}

/// A row of the submission list (no bodies).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportSummary {
    pub person_id: PersonId,
    pub status: ReportStatus,
    pub version: i32,
    pub updated_at: DateTime<Utc>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub has_attachment: bool,
}

/// One kept version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportVersion {
    pub version: i32,
    pub status: ReportStatus,
    pub body_html: String,
    pub attachment_name: Option<String>,
    pub comment: Option<String>,
    pub author: String,
    pub created_at: DateTime<Utc>,
}

/// What happens to the attachment on a save.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttachmentChange {
    Keep,
    Remove,
    Replace(NewAttachment),
}

/// A checked upload, ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAttachment {
    pub digest: String,
    pub name: String,
    pub media_type: String,
    pub data: Vec<u8>,
    /// Extracted text (empty for PDFs).
    pub text: String,
}

pub use crate::files::{Blob, content_digest};

/// Longest body, in characters of HTML.
pub const BODY_MAX: usize = 200_000;
/// Longest review comment.
pub const COMMENT_MAX: usize = 2_000;

/// The tags a report body may use; no attributes at all, so no styles,
/// links, images or event handlers survive.
const TAGS: [&str; 15] =
    ["p", "br", "strong", "b", "em", "i", "u", "h3", "h4", "ul", "ol", "li", "blockquote", "div", "span"];

/// Sanitize HTML from the browser (whatever it sends) to the report subset.
pub fn sanitize_html(input: &str) -> String {
    let tags: HashSet<&str> = TAGS.into_iter().collect();
    ammonia::Builder::empty()
        .tags(tags)
        .clean_content_tags(["script", "style", "template", "iframe", "object"].into_iter().collect())
        .clean(input)
        .to_string()
        .trim()
        .to_string()
}

/// The text of sanitized HTML (tags dropped, entities decoded), for length
/// checks and search.
pub fn html_to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    let mut entity = String::new();
    let mut in_entity = false;
    for c in html.chars() {
        match c {
            '<' if !in_entity => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                if !out.ends_with(['\n', ' ']) && !out.is_empty() {
                    out.push(' ');
                }
            }
            _ if in_tag => {}
            '&' => {
                in_entity = true;
                entity.clear();
            }
            ';' if in_entity => {
                in_entity = false;
                out.push_str(match entity.as_str() {
                    "lt" => "<",
                    "gt" => ">",
                    "amp" => "&",
                    "quot" => "\"",
                    "#39" | "apos" => "'",
                    "nbsp" => " ",
                    _ => "",
                });
            }
            _ if in_entity => entity.push(c),
            _ => out.push(c),
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Text made safe to put into report HTML.
pub fn escape_text(s: &str) -> String {
    ammonia::clean_text(s)
}

/// A starting body for a new report: one heading and an empty paragraph per
/// section (headings escaped by the sanitizer's rules).
pub fn template_body(sections: &[String]) -> String {
    let mut out = String::new();
    for s in sections {
        let s = s.trim();
        if s.is_empty() {
            continue;
        }
        out.push_str("<h3>");
        out.push_str(&ammonia::clean_text(s));
        out.push_str("</h3><p></p>");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_and_event_handlers_are_removed() {
        let dirty = r#"<p onclick="alert(1)">好<script>alert(2)</script></p><img src=x onerror=alert(3)><a href="javascript:x">链接</a><style>p{}</style><h3 style="color:red">二</h3>"#;
        let clean = sanitize_html(dirty);
        assert_eq!(clean, "<p>好</p>链接<h3>二</h3>");
        assert!(!clean.contains("alert"));
    }

    #[test]
    fn the_allowed_subset_survives() {
        let html =
            "<h3>一、职责</h3><p><strong>抓</strong>落实<br><em>成效</em></p><ul><li>一</li></ul><ol><li>二</li></ol>";
        assert_eq!(sanitize_html(html), html);
    }

    #[test]
    fn text_is_extracted_from_html() {
        assert_eq!(html_to_text("<h3>一、职责</h3><p>抓&amp;管 &lt;好&gt;</p>"), "一、职责 抓&管 <好>");
    }

    #[test]
    fn statuses_round_trip_and_template_headings_are_escaped() {
        for s in ReportStatus::ALL {
            assert_eq!(ReportStatus::parse(s.as_str()), Some(s));
        }
        assert!(ReportStatus::Returned.editable() && !ReportStatus::Submitted.editable());
        assert_eq!(template_body(&["a<b".into(), " ".into()]), "<h3>a&lt;b</h3><p></p>");
    }
}
