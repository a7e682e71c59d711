//! Assessment cycles. The scheme is stored as JSON (exact values: decimals as
//! scaled integers, fractions as `"p/q"` strings).

pub(crate) mod entity;
mod rosters;

use crate::entity::{cycle, cycle_category, cycle_evaluator, cycle_subject, org_unit};
use crate::subtree::units_under;
use crate::{Db, db_err};
use async_trait::async_trait;
use kaoping_core::audit::AuditDraft;
use kaoping_core::cycles::feedback_settings::FeedbackSettings;
use kaoping_core::cycles::scheme::Scheme;
use kaoping_core::cycles::{BallotMode, Category, Cycle, CycleSettings, Phase, ResultsState, Visibility, VotingState};
use kaoping_core::error::{CoreError, Result};
use kaoping_core::ids::PersonId;
use kaoping_core::ids::{CycleId, OrgUnitId};
use kaoping_core::ports::{CycleStore, NewCycle};
use kaoping_core::time::{from_micros, to_micros};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder,
};
use std::collections::HashMap;

fn cycle_of(m: cycle::Model, unit: Option<org_unit::Model>, cats: Vec<cycle_category::Model>) -> Result<Cycle> {
    let bad = |what: &str| CoreError::Store(format!("cycle {}: bad {what}", m.id));
    let organizer_name = unit.map(|u| u.name).unwrap_or_default();
    Ok(Cycle {
        id: CycleId(m.id),
        organizer_id: OrgUnitId(m.organizer_id),
        organizer_name: organizer_name.clone(),
        phase: Phase::parse(&m.phase).ok_or_else(|| bad("phase"))?,
        ballot_mode: BallotMode::parse(&m.ballot_mode).ok_or_else(|| bad("ballot mode"))?,
        scheme: serde_json::from_str::<Scheme>(&m.scheme).map_err(|_| bad("scheme"))?,
        categories: cats.into_iter().map(|c| Category { code: c.code, name: c.name }).collect(),
        copied_from: m.copied_from.map(CycleId),
        settings: CycleSettings {
            report_deadline: m.report_deadline.map(from_micros),
            min_read_seconds: m.min_read_seconds,
            report_template: m.report_template.lines().map(str::to_string).collect(),
        },
        feedback: if m.feedback.is_empty() {
            FeedbackSettings { issuing_body: organizer_name.clone(), ..Default::default() }
        } else {
            serde_json::from_str(&m.feedback).map_err(|_| bad("feedback settings"))?
        },
        voting: VotingState {
            opened_at: m.voting_opened_at.map(from_micros),
            closed_at: m.voting_closed_at.map(from_micros),
            presenting: m.presenting_id.map(PersonId),
            live_tally: m.live_tally,
        },
        results: ResultsState {
            visibility: Visibility::parse(&m.results_visibility).ok_or_else(|| bad("results visibility"))?,
            published_at: m.results_published_at.map(from_micros),
        },
        created_at: from_micros(m.created_at),
        updated_at: from_micros(m.updated_at),
        name: m.name,
        year: m.year,
    })
}

fn scheme_json(s: &Scheme) -> String {
    serde_json::to_string(s).expect("a scheme serializes")
}

async fn categories_of(conn: &impl ConnectionTrait, ids: &[i64]) -> Result<HashMap<i64, Vec<cycle_category::Model>>> {
    let rows = cycle_category::Entity::find()
        .filter(cycle_category::Column::CycleId.is_in(ids.to_vec()))
        .order_by_asc(cycle_category::Column::SortOrder)
        .all(conn)
        .await
        .map_err(db_err)?;
    let mut out: HashMap<i64, Vec<cycle_category::Model>> = HashMap::new();
    for r in rows {
        out.entry(r.cycle_id).or_default().push(r);
    }
    Ok(out)
}

async fn replace_categories(txn: &DatabaseTransaction, id: CycleId, cats: &[Category]) -> Result<()> {
    cycle_category::Entity::delete_many()
        .filter(cycle_category::Column::CycleId.eq(id.0))
        .exec(txn)
        .await
        .map_err(db_err)?;
    for (i, c) in cats.iter().enumerate() {
        cycle_category::ActiveModel {
            cycle_id: Set(id.0),
            code: Set(c.code.clone()),
            name: Set(c.name.clone()),
            sort_order: Set(i as i32),
            ..Default::default()
        }
        .insert(txn)
        .await
        .map_err(db_err)?;
    }
    Ok(())
}

/// Copy last year's subject and evaluator rosters into a new cycle.
async fn copy_rosters(txn: &DatabaseTransaction, from: CycleId, to: CycleId) -> Result<()> {
    let subjects = cycle_subject::Entity::find()
        .filter(cycle_subject::Column::CycleId.eq(from.0))
        .all(txn)
        .await
        .map_err(db_err)?;
    for s in subjects {
        cycle_subject::ActiveModel {
            cycle_id: Set(to.0),
            person_id: Set(s.person_id),
            post: Set(s.post),
            org_unit_id: Set(s.org_unit_id),
            category: Set(s.category),
            mode: Set(s.mode),
            presentation_order: Set(s.presentation_order),
            ..Default::default()
        }
        .insert(txn)
        .await
        .map_err(db_err)?;
    }
    let evaluators = cycle_evaluator::Entity::find()
        .filter(cycle_evaluator::Column::CycleId.eq(from.0))
        .all(txn)
        .await
        .map_err(db_err)?;
    for e in evaluators {
        cycle_evaluator::ActiveModel {
            cycle_id: Set(to.0),
            person_id: Set(e.person_id),
            group_code: Set(e.group_code),
            ..Default::default()
        }
        .insert(txn)
        .await
        .map_err(db_err)?;
    }
    Ok(())
}

#[async_trait]
impl CycleStore for Db {
    async fn cycle_list(&self, under: Option<&[String]>) -> Result<Vec<Cycle>> {
        let mut q = cycle::Entity::find()
            .find_also_related(org_unit::Entity)
            .order_by_desc(cycle::Column::Year)
            .order_by_desc(cycle::Column::Id);
        if let Some(paths) = under {
            if paths.is_empty() {
                return Ok(Vec::new());
            }
            q = q.filter(cycle::Column::OrganizerId.in_subquery(units_under(paths)));
        }
        let rows = q.all(&self.conn).await.map_err(db_err)?;
        let mut cats = categories_of(&self.conn, &rows.iter().map(|(c, _)| c.id).collect::<Vec<_>>()).await?;
        rows.into_iter().map(|(c, u)| cycle_of(c.clone(), u, cats.remove(&c.id).unwrap_or_default())).collect()
    }

    async fn cycle_get(&self, id: CycleId) -> Result<Option<Cycle>> {
        let row = cycle::Entity::find_by_id(id.0)
            .find_also_related(org_unit::Entity)
            .one(&self.conn)
            .await
            .map_err(db_err)?;
        match row {
            None => Ok(None),
            Some((c, u)) => {
                let mut cats = categories_of(&self.conn, &[c.id]).await?;
                let cats = cats.remove(&c.id).unwrap_or_default();
                cycle_of(c, u, cats).map(Some)
            }
        }
    }

    async fn cycle_create(&self, new: &NewCycle, audit: &AuditDraft) -> Result<Cycle> {
        let txn = self.write().await?;
        let now = self.now_micros();
        let m = cycle::ActiveModel {
            organizer_id: Set(new.organizer_id.0),
            name: Set(new.fields.name.clone()),
            year: Set(new.fields.year),
            phase: Set(Phase::Preparation.as_str().into()),
            ballot_mode: Set(new.fields.ballot_mode.as_str().into()),
            scheme: Set(scheme_json(&new.scheme)),
            copied_from: Set(new.copied_from.map(|c| c.0)),
            report_deadline: Set(new.settings.report_deadline.map(to_micros)),
            min_read_seconds: Set(new.settings.min_read_seconds),
            report_template: Set(new.settings.report_template.join("\n")),
            feedback: Set(serde_json::to_string(&new.feedback).expect("settings serialize")),
            voting_opened_at: Set(None),
            voting_closed_at: Set(None),
            presenting_id: Set(None),
            live_tally: Set(false),
            results_visibility: Set(Visibility::Organizer.as_str().into()),
            results_published_at: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await
        .map_err(db_err)?;
        let id = CycleId(m.id);
        replace_categories(&txn, id, &new.categories).await?;
        if let Some(src) = new.copied_from {
            copy_rosters(&txn, src, id).await?;
        }
        self.append_audit(&txn, &audit.clone().with_object(format!("cycle:{id}"))).await?;
        Db::commit(txn).await?;
        self.cycle_get(id).await?.ok_or(CoreError::NotFound("cycle"))
    }

    async fn cycle_set_scheme(
        &self,
        id: CycleId,
        scheme: &Scheme,
        categories: &[Category],
        audit: &AuditDraft,
    ) -> Result<()> {
        let txn = self.write().await?;
        let r = cycle::Entity::update_many()
            .col_expr(cycle::Column::Scheme, Expr::value(scheme_json(scheme)))
            .col_expr(cycle::Column::UpdatedAt, Expr::value(self.now_micros()))
            .filter(cycle::Column::Id.eq(id.0))
            // The scheme is frozen once evaluation opens, even against a race.
            .filter(cycle::Column::Phase.is_in([Phase::Preparation.as_str(), Phase::Reporting.as_str()]))
            .exec(&txn)
            .await
            .map_err(db_err)?;
        if r.rows_affected != 1 {
            return Err(CoreError::Conflict(kaoping_core::Msg::new("err-scheme-frozen")));
        }
        replace_categories(&txn, id, categories).await?;
        self.append_audit(&txn, audit).await?;
        Db::commit(txn).await
    }

    async fn cycle_set_settings(&self, id: CycleId, s: &CycleSettings, audit: &AuditDraft) -> Result<()> {
        let txn = self.write().await?;
        let r = cycle::Entity::update_many()
            .col_expr(cycle::Column::ReportDeadline, Expr::value(s.report_deadline.map(to_micros)))
            .col_expr(cycle::Column::MinReadSeconds, Expr::value(s.min_read_seconds))
            .col_expr(cycle::Column::ReportTemplate, Expr::value(s.report_template.join("\n")))
            .col_expr(cycle::Column::UpdatedAt, Expr::value(self.now_micros()))
            .filter(cycle::Column::Id.eq(id.0))
            .exec(&txn)
            .await
            .map_err(db_err)?;
        if r.rows_affected != 1 {
            return Err(CoreError::NotFound("cycle"));
        }
        self.append_audit(&txn, audit).await?;
        Db::commit(txn).await
    }

    async fn cycle_set_phase(&self, id: CycleId, from: Phase, to: Phase, audit: &AuditDraft) -> Result<bool> {
        let txn = self.write().await?;
        let r = cycle::Entity::update_many()
            .col_expr(cycle::Column::Phase, Expr::value(to.as_str()))
            .col_expr(cycle::Column::UpdatedAt, Expr::value(self.now_micros()))
            .filter(cycle::Column::Id.eq(id.0))
            .filter(cycle::Column::Phase.eq(from.as_str()))
            .exec(&txn)
            .await
            .map_err(db_err)?;
        if r.rows_affected != 1 {
            return Ok(false);
        }
        self.append_audit(&txn, audit).await?;
        Db::commit(txn).await?;
        Ok(true)
    }
}
