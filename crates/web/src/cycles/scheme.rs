//! The scheme editor: one form for the categories and everything of
//! `scoring.md` §1. Rows left blank are dropped; two blank rows per table
//! let the organizer add more. Saved only when the whole scheme is valid.

use crate::AppState;
use crate::ctx::OrgAdmin;
use crate::error::AppResult;
use crate::views::{FormErrors, Page, render};
use askama::Template;
use axum::extract::{Path, RawForm, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kaoping_core::cycles::scheme::{Band, Component, Grade, Group, Item, Scheme};
use kaoping_core::cycles::{Category, Cycle};
use kaoping_core::error::{CoreError, FieldError, Msg};
use kaoping_core::exact::{Dec4, Frac};
use kaoping_core::ids::CycleId;

/// Blank rows offered for additions in each table.
const SPARE: usize = 2;

/// The form as text, row by row, so that a refused form comes back as typed.
#[derive(Default, Clone)]
pub struct Draft {
    pub categories: Vec<(String, String)>,
    pub grades: Vec<(String, String, String)>,
    pub items: Vec<(String, String, String, bool)>,
    /// code, label, weight, category codes
    pub groups: Vec<(String, String, String, Vec<String>)>,
    pub trim: String,
    pub ballot_quota: String,
    pub components: Vec<(Component, String)>,
    pub veto_grade: String,
    pub poor_threshold: String,
    pub excellent_quota: String,
    pub gate: bool,
    pub bands: Vec<(String, String)>,
}

impl Draft {
    fn of(c: &Cycle) -> Self {
        let s = &c.scheme;
        let frac = |f: Option<Frac>| f.map(|f| f.to_string()).unwrap_or_default();
        Draft {
            categories: c.categories.iter().map(|c| (c.code.clone(), c.name.clone())).collect(),
            grades: s.grades.iter().map(|g| (g.code.clone(), g.label.clone(), g.points.to_string())).collect(),
            items: s.items.iter().map(|i| (i.code.clone(), i.label.clone(), i.weight.to_string(), i.overall)).collect(),
            groups: s
                .groups
                .iter()
                .map(|g| (g.code.clone(), g.label.clone(), g.weight.to_string(), g.categories.clone()))
                .collect(),
            trim: s.trim.to_string(),
            ballot_quota: frac(s.ballot_quota),
            components: Component::ALL.iter().map(|c| (*c, s.weight_of(*c).to_string())).collect(),
            veto_grade: s.rules.veto_grade.clone(),
            poor_threshold: frac(s.rules.poor_vote_threshold),
            excellent_quota: frac(s.rules.excellent_quota),
            gate: s.rules.gate,
            bands: s.rules.bands.iter().map(|b| (b.threshold.to_string(), b.grade.clone())).collect(),
        }
    }

    fn from_form(body: &[u8]) -> Self {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(body).unwrap_or_default();
        let all = |k: &str| pairs.iter().filter(|(n, _)| n == k).map(|(_, v)| v.trim().to_string()).collect::<Vec<_>>();
        let one = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.trim().to_string()).unwrap_or_default();
        let col = |k: &str, i: usize| all(k).get(i).cloned().unwrap_or_default();
        let rows = |k: &str| all(k).len();
        let overall = one("item_overall");
        Draft {
            categories: (0..rows("cat_code")).map(|i| (col("cat_code", i), col("cat_name", i))).collect(),
            grades: (0..rows("grade_code"))
                .map(|i| (col("grade_code", i), col("grade_label", i), col("grade_points", i)))
                .collect(),
            items: (0..rows("item_code"))
                .map(|i| (col("item_code", i), col("item_label", i), col("item_weight", i), overall == i.to_string()))
                .collect(),
            groups: (0..rows("group_code"))
                .map(|i| {
                    (
                        col("group_code", i),
                        col("group_label", i),
                        col("group_weight", i),
                        all(&format!("group_cats_{i}")),
                    )
                })
                .collect(),
            trim: one("trim"),
            ballot_quota: one("ballot_quota"),
            components: Component::ALL.iter().map(|c| (*c, one(&format!("comp_{}", c.as_str())))).collect(),
            veto_grade: one("veto_grade"),
            poor_threshold: one("poor_threshold"),
            excellent_quota: one("excellent_quota"),
            gate: one("gate") == "1",
            bands: (0..rows("band_threshold")).map(|i| (col("band_threshold", i), col("band_grade", i))).collect(),
        }
    }

    /// Parse into categories and a scheme; every unreadable value named.
    fn parse(&self) -> Result<(Vec<Category>, Scheme), Vec<FieldError>> {
        let mut errs = Vec::new();
        let mut dec = |field: &str, v: &str| {
            Dec4::parse(v).unwrap_or_else(|m| {
                errs.push(FieldError::new(field, m));
                Dec4::ZERO
            })
        };
        let categories: Vec<Category> = self
            .categories
            .iter()
            .filter(|(c, n)| !c.is_empty() || !n.is_empty())
            .map(|(c, n)| Category { code: c.clone(), name: n.clone() })
            .collect();
        let grades: Vec<Grade> = self
            .grades
            .iter()
            .filter(|(c, l, p)| !(c.is_empty() && l.is_empty() && p.is_empty()))
            .map(|(c, l, p)| Grade { code: c.clone(), label: l.clone(), points: dec("grades", p) })
            .collect();
        let items: Vec<Item> = self
            .items
            .iter()
            .filter(|(c, l, w, _)| !(c.is_empty() && l.is_empty() && w.is_empty()))
            .map(|(c, l, w, o)| Item { code: c.clone(), label: l.clone(), weight: dec("items", w), overall: *o })
            .collect();
        let groups: Vec<Group> = self
            .groups
            .iter()
            .filter(|(c, l, w, _)| !(c.is_empty() && l.is_empty() && w.is_empty()))
            .map(|(c, l, w, cats)| Group {
                code: c.clone(),
                label: l.clone(),
                weight: dec("groups", w),
                categories: cats.clone(),
            })
            .collect();
        let components: Vec<(Component, Dec4)> = self
            .components
            .iter()
            .map(|(c, w)| (*c, if w.is_empty() { Dec4::ZERO } else { dec("components", w) }))
            .collect();
        let bands: Vec<Band> = self
            .bands
            .iter()
            .filter(|(t, g)| !(t.is_empty() && g.is_empty()))
            .map(|(t, g)| Band { threshold: dec("rules", t), grade: g.clone() })
            .collect();
        let mut frac = |field: &str, v: &str| -> Option<Frac> {
            if v.is_empty() {
                return None;
            }
            Frac::parse(v).map_err(|m| errs.push(FieldError::new(field, m))).ok()
        };
        let ballot_quota = frac("ballot_quota", &self.ballot_quota);
        let poor = frac("rules", &self.poor_threshold);
        let quota = frac("rules", &self.excellent_quota);
        let trim = self.trim.parse::<u32>().unwrap_or_else(|_| {
            errs.push(FieldError::new(
                "trim",
                Msg::new("err-integer-range").arg("min", 0).arg("max", kaoping_core::cycles::scheme::TRIM_MAX),
            ));
            0
        });
        let scheme = Scheme {
            grades,
            items,
            groups,
            trim,
            ballot_quota,
            components,
            rules: kaoping_core::cycles::scheme::GradeRules {
                veto_grade: self.veto_grade.clone(),
                poor_vote_threshold: poor,
                bands,
                excellent_quota: quota,
                gate: self.gate,
            },
        };
        if errs.is_empty() { Ok((categories, scheme)) } else { Err(errs) }
    }

    fn with_spare_rows(mut self) -> Self {
        for _ in 0..SPARE {
            self.categories.push(Default::default());
            self.grades.push(Default::default());
            self.items.push(Default::default());
            self.groups.push(Default::default());
            self.bands.push(Default::default());
        }
        self
    }

    pub fn has_cat(&self, group: &&usize, code: &str) -> bool {
        self.groups.get(**group).is_some_and(|g| g.3.iter().any(|c| c == code))
    }
}

#[derive(Template)]
#[template(path = "cycles/scheme_edit.html")]
struct EditView {
    page: Page,
    cycle: Cycle,
    d: Draft,
    components: Vec<(String, String, String)>,
    errors: FormErrors,
}

fn edit_view(state: &AppState, a: &crate::ctx::Auth, cycle: Cycle, d: Draft, errors: FormErrors) -> EditView {
    let lang = a.ctx.lang;
    let components = d
        .components
        .iter()
        .map(|(c, w)| (format!("comp_{}", c.as_str()), lang.t(&format!("component-{}", c.as_str())), w.clone()))
        .collect();
    let page = Page::new(state, &a.ctx, "scheme-edit")
        .crumb("nav-cycles", Some("/admin/cycles"))
        .crumb_text(cycle.name.clone(), Some(&format!("/admin/cycles/{}", cycle.id)))
        .crumb("scheme-edit", None);
    EditView { page, cycle, d: d.with_spare_rows(), components, errors }
}

pub async fn edit_form(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path(id): Path<CycleId>,
) -> AppResult<Response> {
    let cycle = state.services.cycles.cycle_get(&a.caller, id).await?;
    if cycle.phase.scheme_frozen() {
        return Ok(Redirect::to(&format!("/admin/cycles/{id}")).into_response());
    }
    let d = Draft::of(&cycle);
    Ok(render(&edit_view(&state, &a, cycle, d, FormErrors::default())))
}

pub async fn save(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path(id): Path<CycleId>,
    RawForm(body): RawForm,
) -> AppResult<Response> {
    let cycle = state.services.cycles.cycle_get(&a.caller, id).await?;
    let d = Draft::from_form(&body);
    let result = match d.parse() {
        Ok((cats, scheme)) => state.services.cycles.cycle_set_scheme(&a.caller, id, &scheme, &cats).await,
        Err(errs) => Err(CoreError::Invalid(errs)),
    };
    let refused = |status: StatusCode, errors: FormErrors| {
        (status, render(&edit_view(&state, &a, cycle.clone(), d.clone(), errors))).into_response()
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/admin/cycles/{id}?flash=scheme-saved")).into_response()),
        Err(CoreError::Invalid(errs)) => {
            Ok(refused(StatusCode::UNPROCESSABLE_ENTITY, FormErrors::from_fields(a.ctx.lang, &errs)))
        }
        Err(CoreError::Conflict(m)) => Ok(refused(StatusCode::CONFLICT, FormErrors::general(a.ctx.lang, &m))),
        Err(e) => Err(e.into()),
    }
}
