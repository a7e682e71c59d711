//! The other assessment inputs (the components organizers enter, such as
//! the routine score 日常考核, beside those their modules compute; the
//! routine grade for the gate; veto 一票否决 with its reason), and the
//! result cards: one subject's
//! result for the organizer, a subject's own published results, and the
//! public summary.

use crate::AppState;
use crate::ctx::{Auth, OrgAdmin};
use crate::error::AppResult;
use crate::form::Form;
use crate::views::{FormErrors, Page, render};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kaoping_core::cycles::Cycle;
use kaoping_core::cycles::roster::Subject;
use kaoping_core::cycles::scheme::Component;
use kaoping_core::error::{CoreError, FieldError, Msg};
use kaoping_core::exact::Dec4;
use kaoping_core::ids::{CycleId, PersonId};
use kaoping_core::results::assessment::Assessment;
use kaoping_core::results::tally::{RoutineGrade, round2};
use kaoping_core::services::{ResultCard, Summary};

/// A form row: the subject, a cell per component of the scheme, the
/// routine grade code and the veto reason.
struct FormRow {
    subject: Subject,
    cells: Vec<Cell>,
    grade: String,
    veto: String,
}

impl FormRow {
    fn is_grade(&self, code: &str) -> bool {
        self.grade == code
    }
}

/// One component's value: an input where organizers enter it, else shown.
struct Cell {
    /// The form field (`r_12`: routine of person 12).
    field: String,
    label: &'static str,
    value: String,
    entered: bool,
}

/// The form field of a component's value for a person.
fn field(c: Component, p: i64) -> String {
    format!("{}_{p}", &c.as_str()[..1])
}

/// The non-democratic components, in order; those of the scheme are shown.
fn components() -> impl Iterator<Item = Component> {
    Component::ALL.into_iter().filter(|c| *c != Component::Democratic)
}

fn in_scheme(cycle: &Cycle, c: Component) -> bool {
    cycle.scheme.components.iter().any(|(x, _)| *x == c)
}

#[derive(Template)]
#[template(path = "results/assessments.html")]
struct AssessmentsView {
    page: Page,
    cycle: Cycle,
    rows: Vec<FormRow>,
    grades: Vec<(&'static str, &'static str)>,
    errors: FormErrors,
}

fn text(d: Option<Dec4>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

async fn view(
    state: &AppState,
    a: &Auth,
    id: CycleId,
    entered: Option<Vec<FormRow>>,
    errors: FormErrors,
    flash: Option<&str>,
) -> AppResult<AssessmentsView> {
    let (cycle, list) = state.services.results.assessments(&a.caller, id).await?;
    let rows = entered.unwrap_or_else(|| {
        list.into_iter()
            .map(|(s, x)| {
                let cells = components()
                    .filter(|c| in_scheme(&cycle, *c))
                    .map(|c| Cell {
                        field: field(c, s.person_id.0),
                        label: c.label_key(),
                        value: text(x.value(c)),
                        entered: state.services.results.component_entered(c),
                    })
                    .collect();
                let grade = x.routine_grade.map(|g| g.as_str().to_string()).unwrap_or_default();
                FormRow { subject: s, cells, grade, veto: x.veto_reason.unwrap_or_default() }
            })
            .collect()
    });
    let page = Page::new(state, &a.ctx, "assessments-title")
        .crumb("nav-cycles", Some("/admin/cycles"))
        .crumb_text(cycle.name.clone(), Some(&format!("/admin/cycles/{id}")))
        .crumb("assessments-title", None)
        .flash(flash);
    let grades = RoutineGrade::ALL.iter().map(|g| (g.as_str(), g.zh())).collect();
    Ok(AssessmentsView { page, cycle, rows, grades, errors })
}

pub async fn show(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path(id): Path<CycleId>,
    Query(q): Query<crate::views::FlashQuery>,
) -> AppResult<Response> {
    Ok(render(&view(&state, &a, id, None, FormErrors::default(), q.flash.as_deref()).await?))
}

/// Fields `r_{person}`, `o_{person}`, `s_{person}` (the components entered),
/// `g_{person}`, `v_{person}`.
pub async fn save(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path(id): Path<CycleId>,
    Form(fields): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let (cycle, list) = state.services.results.assessments(&a.caller, id).await?;
    let get = |k: String| fields.iter().find(|(n, _)| *n == k).map(|(_, v)| v.trim().to_string()).unwrap_or_default();
    let mut errs: Vec<FieldError> = Vec::new();
    let mut rows = Vec::new();
    let mut echo = Vec::new();
    for (s, stored) in list {
        let p = s.person_id.0;
        let (g, v) = (get(format!("g_{p}")), get(format!("v_{p}")));
        let mut num = |field: &str, t: &str| -> Option<Dec4> {
            if t.is_empty() {
                return None;
            }
            match Dec4::parse(t) {
                Ok(d) => Some(d),
                Err(m) => {
                    errs.push(FieldError::new(
                        field.to_string(),
                        Msg::new("err-assessment-row")
                            .arg("name", s.person_name.clone())
                            .arg("problem", a.ctx.lang.msg(&m)),
                    ));
                    None
                }
            }
        };
        let mut x = Assessment::new(PersonId(p));
        let mut cells = Vec::new();
        for c in components() {
            let entered = state.services.results.component_entered(c);
            let name = field(c, p);
            let value = if entered { get(name.clone()) } else { text(stored.value(c)) };
            if entered {
                x.set(c, num(&name, &value));
            }
            if in_scheme(&cycle, c) {
                cells.push(Cell { field: name, label: c.label_key(), value, entered });
            }
        }
        x.routine_grade = RoutineGrade::parse(&g);
        x.veto_reason = (!v.is_empty()).then(|| v.clone());
        rows.push(x);
        echo.push(FormRow { subject: s, cells, grade: g, veto: v });
    }
    let result = if errs.is_empty() {
        state.services.results.assessments_save(&a.caller, id, rows).await.map(|_| ())
    } else {
        Err(CoreError::Invalid(errs))
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/admin/cycles/{id}/assessments?flash=saved")).into_response()),
        Err(CoreError::Invalid(errs)) => {
            let errors = FormErrors::from_fields(a.ctx.lang, &errs);
            let v = view(&state, &a, id, Some(echo), errors, None).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&v)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// A result card, ready to show.
pub struct Card {
    pub cycle: String,
    pub name: String,
    pub post: String,
    pub category: String,
    pub rank: String,
    pub composite: String,
    pub democratic: String,
    pub grade: String,
    pub grade_index: usize,
    pub rule: String,
    /// (grade label, votes)
    pub votes: Vec<(String, u64)>,
    pub abstain: u64,
    /// (group label, mean, n)
    pub groups: Vec<(String, String, u64)>,
    /// Why there are no per-group figures (a group with too few votes).
    pub groups_note: String,
    pub routine: String,
    pub veto: String,
}

fn card(lang: crate::i18n::Lang, c: &ResultCard) -> Card {
    let s = &c.cycle.scheme;
    let r = &c.result;
    let (grade, grade_index, rule) = match &r.grade {
        Some((g, rule)) => {
            let i = s.grades.iter().position(|x| &x.code == g).unwrap_or(0);
            (s.grades[i].label.clone(), i + 1, lang.t(&format!("rule-{}", rule.as_str().replace('_', "-"))))
        }
        None => (lang.t("results-no-votes"), 0, String::new()),
    };
    Card {
        cycle: c.cycle.name.clone(),
        name: c.subject.person_name.clone(),
        post: c.subject.post.clone(),
        category: c.cycle.category_name(&c.subject.category),
        rank: r.rank.map(|x| format!("{x}/{}", c.of)).unwrap_or_default(),
        composite: r.composite.as_ref().map(round2).unwrap_or_default(),
        democratic: r.democratic.as_ref().map(round2).unwrap_or_default(),
        grade,
        grade_index,
        rule,
        votes: s.grades.iter().zip(&r.counts.per_grade).map(|(g, n)| (g.label.clone(), *n)).collect(),
        abstain: r.counts.abstain,
        groups: r
            .groups
            .iter()
            .map(|g| (s.group_label(&g.group), g.mean.as_ref().map(round2).unwrap_or_default(), g.n))
            .collect(),
        groups_note: c
            .groups_withheld
            .map(|k| lang.t_args("card-groups-withheld", &[("k", k.to_string())]))
            .unwrap_or_default(),
        routine: c.assessment.as_ref().and_then(|a| a.routine).map(|d| d.to_string()).unwrap_or_default(),
        veto: c.assessment.as_ref().and_then(|a| a.veto_reason.clone()).unwrap_or_default(),
    }
}

#[derive(Template)]
#[template(path = "results/result_cards.html")]
struct CardsView {
    page: Page,
    cards: Vec<Card>,
}

/// One subject's card, for the organizer (results closed; not audited:
/// no evaluator is named).
pub async fn organizer_card(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path((id, pid)): Path<(CycleId, PersonId)>,
) -> AppResult<Response> {
    let c = state.services.results.result_card(&a.caller, id, pid).await?;
    let page = Page::new(&state, &a.ctx, "card-title")
        .crumb("nav-cycles", Some("/admin/cycles"))
        .crumb_text(c.cycle.name.clone(), Some(&format!("/admin/cycles/{id}")))
        .crumb("results-title", Some(&format!("/admin/cycles/{id}/results")))
        .crumb_text(c.subject.person_name.clone(), None);
    Ok(render(&CardsView { page, cards: vec![card(a.ctx.lang, &c)] }))
}

/// A subject's own published results.
pub async fn mine(State(state): State<AppState>, a: Auth) -> AppResult<Response> {
    let cards = state.services.results.my_results(&a.caller).await?.iter().map(|c| card(a.ctx.lang, c)).collect();
    let page = Page::new(&state, &a.ctx, "my-results-title");
    Ok(render(&CardsView { page, cards }))
}

#[derive(Template)]
#[template(path = "results/results_public.html")]
struct PublicView {
    page: Page,
    cycle: Cycle,
    summary: Summary,
}

/// The public summary (公示): grades by category, no scores or votes.
pub async fn public(
    State(state): State<AppState>,
    ctx: crate::ctx::Ctx,
    Path(id): Path<CycleId>,
) -> AppResult<Response> {
    let (cycle, summary) = state.services.results.results_public(id).await?;
    let page = Page::new(&state, &ctx, "public-results-title");
    Ok(render(&PublicView { page, cycle, summary }))
}
