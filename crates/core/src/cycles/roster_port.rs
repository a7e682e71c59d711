//! The port for a cycle's rosters: its subjects (述职人) in presentation
//! order and its evaluators (评议人) by group.

use crate::audit::AuditDraft;
use crate::cycles::roster::{Evaluator, Subject};
use crate::error::Result;
use crate::ids::{CycleId, OrgUnitId, PersonId};
use async_trait::async_trait;

/// The cycles a person is on the rosters of, newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RosterCycles {
    pub subject: Vec<CycleId>,
    pub evaluator: Vec<CycleId>,
}

/// A subject to add, with the facts copied from the person.
pub struct NewSubject {
    pub person_id: PersonId,
    pub post: String,
    pub org_unit_id: Option<OrgUnitId>,
    pub category: String,
    pub mode: crate::cycles::roster::ReportingMode,
}

#[async_trait]
pub trait RosterStore: Send + Sync {
    /// The subjects of a cycle in presentation order.
    async fn subject_list(&self, cycle: CycleId) -> Result<Vec<Subject>>;
    /// Add a subject at the end of the presentation order; a person is a
    /// subject at most once per cycle.
    async fn subject_add(&self, cycle: CycleId, s: &NewSubject, audit: &AuditDraft) -> Result<Subject>;
    async fn subject_remove(&self, cycle: CycleId, id: i64, audit: &AuditDraft) -> Result<()>;
    /// Swap a subject with the one before (`up`) or after it in the
    /// presentation order; false if it is already first/last.
    async fn subject_move(&self, cycle: CycleId, id: i64, up: bool, audit: &AuditDraft) -> Result<bool>;
    async fn evaluator_list(&self, cycle: CycleId) -> Result<Vec<Evaluator>>;
    async fn evaluator_get(&self, cycle: CycleId, person: PersonId) -> Result<Option<Evaluator>>;
    /// Add an evaluator; a person is in at most one group per cycle.
    async fn evaluator_add(&self, cycle: CycleId, person: PersonId, group: &str, audit: &AuditDraft) -> Result<()>;
    async fn evaluator_remove(&self, cycle: CycleId, id: i64, audit: &AuditDraft) -> Result<()>;
    /// Replace the evaluator roster in one transaction: (person, group code).
    async fn evaluator_replace(&self, cycle: CycleId, rows: &[(PersonId, String)], audit: &AuditDraft) -> Result<()>;
    /// The cycles in which a person is a subject or an evaluator.
    async fn roster_cycles(&self, person: PersonId) -> Result<RosterCycles>;
    /// Replace the whole roster, in the given order, in one transaction.
    async fn subject_replace(&self, cycle: CycleId, subjects: &[NewSubject], audit: &AuditDraft) -> Result<()>;
}
