//! The notification port: reminders and overdue flags for progress reports
//! go out through a [`Notifier`], so that e-mail, SMS or a government
//! messaging app can be plugged in. The app itself always shows them on
//! the subject's pages; the default notifier only writes a log line (with
//! ids, never contact details or links).

use crate::error::Result;
use crate::ids::{CycleId, PersonId};
use async_trait::async_trait;
use chrono::NaiveDate;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeKind {
    /// A progress report falls due soon.
    ProgressDue,
    /// A period ended without its progress report.
    ProgressOverdue,
}

impl NoticeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            NoticeKind::ProgressDue => "progress_due",
            NoticeKind::ProgressOverdue => "progress_overdue",
        }
    }
}

/// One notice to one person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub to: PersonId,
    pub cycle: CycleId,
    pub kind: NoticeKind,
    /// The period concerned, e.g. `2026Q4`.
    pub period: String,
    /// When the report is (or was) due.
    pub due: NaiveDate,
}

#[async_trait]
pub trait Notifier: Send + Sync {
    async fn notify(&self, n: &Notice) -> Result<()>;
}

/// Writes each notice to the log.
pub struct LogNotifier;

#[async_trait]
impl Notifier for LogNotifier {
    async fn notify(&self, n: &Notice) -> Result<()> {
        tracing::info!(kind = n.kind.as_str(), person = n.to.0, cycle = n.cycle.0, period = %n.period, due = %n.due, "notice");
        Ok(())
    }
}
