//! The org tree pages: list, create, edit, move, (de)activate, import and
//! export.

use crate::AppState;
use crate::ctx::{Auth, OrgAdmin};
use crate::error::{AppError, AppResult};
use crate::form::Form;
use crate::i18n::Lang;
use crate::sheet::{self, ImportView, ReportRow, xlsx};
use crate::views::FlashQuery;
use crate::views::{FormErrors, Page, render};
use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kaoping_core::error::{CoreError, Msg};
use kaoping_core::ids::OrgUnitId;
use kaoping_core::org::{OrgUnit, OrgUnitInput, OrgUnitType};
use kaoping_core::services::{OrgImportInput, OrgImportRowInput};
use kaoping_office::Column;
use serde::Deserialize;

/// A unit as a row of the tree.
pub struct TreeRow {
    pub unit: OrgUnit,
    pub indent: usize,
    pub kind_label: String,
}

impl TreeRow {
    /// Whether this row is the unit `id` (for selected options).
    pub fn is(&self, id: &Option<OrgUnitId>) -> bool {
        *id == Some(self.unit.id)
    }

    /// Whether this row's id is the text `id` (form values).
    pub fn is_text(&self, id: Option<&str>) -> bool {
        id.is_some_and(|s| s.trim() == self.unit.id.to_string())
    }
}

pub(crate) fn rows(lang: Lang, units: Vec<OrgUnit>) -> Vec<TreeRow> {
    let base = units.iter().map(|u| u.depth()).min().unwrap_or(0);
    units
        .into_iter()
        .map(|u| TreeRow { indent: u.depth() - base, kind_label: lang.t(&u.kind.label_key()), unit: u })
        .collect()
}

pub struct KindOption {
    pub value: &'static str,
    pub label: String,
}

fn kinds(lang: Lang) -> Vec<KindOption> {
    OrgUnitType::ALL.iter().map(|k| KindOption { value: k.as_str(), label: lang.t(&k.label_key()) }).collect()
}

#[derive(Deserialize)]
pub struct ListQuery {
    pub inactive: Option<String>,
    pub flash: Option<String>,
}

#[derive(Template)]
#[template(path = "org/org_list.html")]
struct ListView {
    page: Page,
    rows: Vec<TreeRow>,
    show_inactive: bool,
}

pub async fn list(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Query(q): Query<ListQuery>,
) -> AppResult<Response> {
    let show_inactive = q.inactive.is_some();
    let units = state.services.org.org_tree(&a.caller, show_inactive).await?;
    let page = Page::new(&state, &a.ctx, "org-title").crumb("nav-org", None).flash(q.flash.as_deref());
    Ok(render(&ListView { page, rows: rows(a.ctx.lang, units), show_inactive }))
}

#[derive(Deserialize, Default)]
pub struct UnitForm {
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub kind: String,
    pub sort_order: Option<String>,
    pub parent_id: Option<String>,
}

impl UnitForm {
    fn input(&self) -> OrgUnitInput {
        OrgUnitInput {
            code: self.code.clone(),
            name: self.name.clone(),
            kind: self.kind.clone(),
            sort_order: self.sort_order.clone(),
        }
    }
}

fn parse_parent(s: Option<&str>) -> Result<Option<OrgUnitId>, CoreError> {
    match s.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => v
            .parse()
            .map(|n| Some(OrgUnitId(n)))
            .map_err(|_| CoreError::invalid("parent_id", Msg::new("err-org-unknown"))),
    }
}

#[derive(Template)]
#[template(path = "org/org_form.html")]
struct FormView {
    page: Page,
    /// `None` for a new unit.
    unit: Option<OrgUnit>,
    form: UnitForm,
    kinds: Vec<KindOption>,
    parents: Vec<TreeRow>,
    allow_root: bool,
    errors: FormErrors,
}

#[derive(Deserialize)]
pub struct NewQuery {
    pub parent: Option<String>,
}

pub async fn new_form(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Query(q): Query<NewQuery>,
) -> AppResult<Response> {
    let parents = state.services.org.org_tree(&a.caller, false).await?;
    let form = UnitForm { parent_id: q.parent, kind: "other".into(), ..Default::default() };
    let page = Page::new(&state, &a.ctx, "org-new").crumb("nav-org", Some("/admin/org")).crumb("org-new", None);
    Ok(render(&FormView {
        page,
        unit: None,
        form,
        kinds: kinds(a.ctx.lang),
        parents: rows(a.ctx.lang, parents),
        allow_root: a.caller.actor.is_system_admin(),
        errors: FormErrors::default(),
    }))
}

pub async fn create(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Form(f): Form<UnitForm>,
) -> AppResult<Response> {
    let result = match parse_parent(f.parent_id.as_deref()) {
        Ok(parent) => state.services.org.org_create(&a.caller, parent, &f.input()).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(u) => Ok(Redirect::to(&format!("/admin/org/{}?flash=org-created", u.id)).into_response()),
        Err(CoreError::Invalid(errs)) => {
            let parents = state.services.org.org_tree(&a.caller, false).await?;
            let page = Page::new(&state, &a.ctx, "org-new").crumb("nav-org", Some("/admin/org")).crumb("org-new", None);
            let view = FormView {
                page,
                unit: None,
                form: f,
                kinds: kinds(a.ctx.lang),
                parents: rows(a.ctx.lang, parents),
                allow_root: a.caller.actor.is_system_admin(),
                errors: FormErrors::from_fields(a.ctx.lang, &errs),
            };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&view)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

async fn edit_view(
    state: &AppState,
    a: &Auth,
    id: OrgUnitId,
    form: Option<UnitForm>,
    errors: FormErrors,
) -> AppResult<FormView> {
    let unit = state.services.org.org_get(&a.caller, id).await?;
    // A unit can move anywhere in scope except into its own subtree.
    let parents: Vec<OrgUnit> =
        state.services.org.org_tree(&a.caller, false).await?.into_iter().filter(|p| !unit.contains(p)).collect();
    let form = form.unwrap_or_else(|| UnitForm {
        code: unit.code.clone(),
        name: unit.name.clone(),
        kind: unit.kind.as_str().to_string(),
        sort_order: Some(unit.sort_order.to_string()),
        parent_id: unit.parent_id.map(|p| p.to_string()),
    });
    let page = Page::new(state, &a.ctx, "org-edit")
        .title_text(unit.name.clone())
        .crumb("nav-org", Some("/admin/org"))
        .crumb_text(unit.name.clone(), None);
    Ok(FormView {
        page,
        unit: Some(unit),
        form,
        kinds: kinds(a.ctx.lang),
        parents: rows(a.ctx.lang, parents),
        allow_root: a.caller.actor.is_system_admin(),
        errors,
    })
}

pub async fn edit_form(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path(id): Path<OrgUnitId>,
    Query(q): Query<FlashQuery>,
) -> AppResult<Response> {
    let mut view = edit_view(&state, &a, id, None, FormErrors::default()).await?;
    view.page = view.page.flash(q.flash.as_deref());
    Ok(render(&view))
}

pub async fn update(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path(id): Path<OrgUnitId>,
    Form(f): Form<UnitForm>,
) -> AppResult<Response> {
    match state.services.org.org_update(&a.caller, id, &f.input()).await {
        Ok(_) => Ok(Redirect::to(&format!("/admin/org/{id}?flash=org-saved")).into_response()),
        Err(CoreError::Invalid(errs)) => {
            let view = edit_view(&state, &a, id, Some(f), FormErrors::from_fields(a.ctx.lang, &errs)).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&view)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct MoveForm {
    pub parent_id: Option<String>,
}

pub async fn move_unit(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path(id): Path<OrgUnitId>,
    Form(f): Form<MoveForm>,
) -> AppResult<Response> {
    let result = match parse_parent(f.parent_id.as_deref()) {
        Ok(parent) => state.services.org.org_move(&a.caller, id, parent).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/admin/org/{id}?flash=org-moved")).into_response()),
        Err(CoreError::Invalid(errs)) => {
            let view = edit_view(&state, &a, id, None, FormErrors::from_fields(a.ctx.lang, &errs)).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&view)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct ActiveForm {
    pub active: String,
}

pub async fn set_active(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path(id): Path<OrgUnitId>,
    Form(f): Form<ActiveForm>,
) -> AppResult<Response> {
    let active = f.active == "1";
    match state.services.org.org_set_active(&a.caller, id, active).await {
        Ok(_) => {
            let flash = if active { "org-activated" } else { "org-deactivated" };
            Ok(Redirect::to(&format!("/admin/org/{id}?flash={flash}")).into_response())
        }
        Err(CoreError::Conflict(m)) => {
            let view = edit_view(&state, &a, id, None, FormErrors::general(a.ctx.lang, &m)).await?;
            Ok((StatusCode::CONFLICT, render(&view)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

// ---- import and export ----

/// The import columns: field name and catalog key of the header.
const COLUMNS: [(&str, &str); 6] = [
    ("code", "org-col-code"),
    ("name", "org-col-name"),
    ("kind", "org-col-type"),
    ("parent_code", "org-col-parent"),
    ("sort_order", "org-col-sort"),
    ("active", "org-col-active"),
];

fn columns(lang: Lang) -> Vec<Column> {
    let kinds: Vec<String> = OrgUnitType::ALL.iter().map(|k| lang.t(&k.label_key())).collect();
    vec![
        Column::new(lang.t("org-col-code"), 16.0),
        Column::new(lang.t("org-col-name"), 36.0),
        Column::new(lang.t("org-col-type"), 24.0).choices(kinds),
        Column::new(lang.t("org-col-parent"), 16.0),
        Column::new(lang.t("org-col-sort"), 8.0).numeric(),
        Column::new(lang.t("org-col-active"), 8.0).choices(vec![lang.t("yes"), lang.t("no")]),
    ]
}

pub async fn template(State(state): State<AppState>, OrgAdmin(a): OrgAdmin) -> AppResult<Response> {
    state.services.org.org_tree(&a.caller, false).await?; // access check
    let lang = a.ctx.lang;
    let example = vec![
        vec![
            "LG-ZS".into(),
            lang.t("org-example-county"),
            lang.t("org-type-county-committee"),
            "LG".into(),
            "1".into(),
            lang.t("yes"),
        ],
        vec![
            "LG-ZS-01".into(),
            lang.t("org-example-township"),
            lang.t("org-type-township-committee"),
            "LG-ZS".into(),
            "1".into(),
            lang.t("yes"),
        ],
    ];
    let bytes = kaoping_office::write_xlsx(&lang.t("org-sheet-name"), &columns(lang), &example)
        .map_err(|_| AppError::status(StatusCode::INTERNAL_SERVER_ERROR, "error-internal"))?;
    Ok(xlsx(bytes, "org-units-template.xlsx"))
}

pub async fn export(State(state): State<AppState>, OrgAdmin(a): OrgAdmin) -> AppResult<Response> {
    let lang = a.ctx.lang;
    let units = state.services.org.org_tree(&a.caller, true).await?;
    // The parents of the caller's top units lie outside the scope; their codes
    // are still exported so that the file imports back as it is.
    let parents: Vec<OrgUnitId> = units.iter().filter_map(|u| u.parent_id).collect();
    let mut codes = state.services.org.org_codes(&a.caller, &parents).await?;
    codes.extend(units.iter().map(|u| (u.id, u.code.clone())));
    let data: Vec<Vec<String>> = units
        .iter()
        .map(|u| {
            vec![
                u.code.clone(),
                u.name.clone(),
                lang.t(&u.kind.label_key()),
                u.parent_id.and_then(|p| codes.get(&p).cloned()).unwrap_or_default(),
                u.sort_order.to_string(),
                lang.t(if u.active { "yes" } else { "no" }),
            ]
        })
        .collect();
    let bytes = kaoping_office::write_xlsx(&lang.t("org-sheet-name"), &columns(lang), &data)
        .map_err(|_| AppError::status(StatusCode::INTERNAL_SERVER_ERROR, "error-internal"))?;
    state.services.org.org_exported(&a.caller, data.len()).await?;
    Ok(xlsx(bytes, "org-units.xlsx"))
}

fn import_view(state: &AppState, a: &Auth, report: Vec<ReportRow>, summary: Option<String>) -> ImportView {
    ImportView {
        page: Page::new(state, &a.ctx, "org-import").crumb("nav-org", Some("/admin/org")).crumb("org-import", None),
        action: "/admin/org/import".into(),
        intro: "org-import-intro",
        download: "/admin/org/template.xlsx".into(),
        download_label: "download-template",
        report,
        summary,
    }
}

pub async fn import_form(State(state): State<AppState>, OrgAdmin(a): OrgAdmin) -> AppResult<Response> {
    state.services.org.org_tree(&a.caller, false).await?; // access check
    Ok(render(&import_view(&state, &a, Vec::new(), None)))
}

/// Map a type cell (code, or the label in either language) to its code.
fn kind_code(cell: &str) -> String {
    let c = cell.trim();
    OrgUnitType::ALL
        .iter()
        .find(|k| k.as_str() == c || Lang::ALL.iter().any(|l| l.t(&k.label_key()) == c))
        .map(|k| k.as_str().to_string())
        .unwrap_or_else(|| c.to_string())
}

pub async fn import_submit(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    mut mp: Multipart,
) -> AppResult<Response> {
    let lang = a.ctx.lang;
    let fail = |report: Vec<ReportRow>| {
        let view = import_view(&state, &a, report, Some(lang.t("import-failed")));
        (StatusCode::UNPROCESSABLE_ENTITY, render(&view)).into_response()
    };
    let (sheet, map) = match sheet::read_upload(&mut mp, lang, &COLUMNS, &["code", "name", "kind"]).await? {
        Ok(x) => x,
        Err(report) => return Ok(fail(report)),
    };
    let rows = sheet
        .rows
        .iter()
        .map(|(n, cells)| {
            let mut r = OrgImportRowInput { row: *n, ..Default::default() };
            for (i, field) in map.iter().enumerate() {
                let v = cells.get(i).cloned().unwrap_or_default();
                match field {
                    Some("code") => r.code = v,
                    Some("name") => r.name = v,
                    Some("kind") => r.kind = kind_code(&v),
                    Some("parent_code") => r.parent_code = Some(v),
                    Some("sort_order") => r.sort_order = Some(v),
                    Some("active") => r.active = Some(v),
                    _ => {}
                }
            }
            r
        })
        .collect();
    match state.services.org.org_import(&a.caller, &OrgImportInput { rows }).await {
        Ok(out) => {
            let summary = lang
                .t_args("import-done", &[("created", out.created.to_string()), ("updated", out.updated.to_string())]);
            Ok(render(&import_view(&state, &a, Vec::new(), Some(summary))))
        }
        Err(CoreError::Invalid(errs)) => Ok(fail(sheet::report_for(lang, &COLUMNS, &errs))),
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_match_in_either_language_and_by_alias() {
        let h = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            sheet::map_headers(&h(&["编号", "名称"]), &COLUMNS, &["code", "name", "kind"]),
            Err(vec!["org-col-code", "org-col-type"])
        );
        let m = sheet::map_headers(&h(&["Code", "组织名称", "类型", "上级代码"]), &COLUMNS, &["code", "name", "kind"])
            .unwrap();
        assert_eq!(m, vec![Some("code"), Some("name"), Some("kind"), Some("parent_code")]);
        assert_eq!(kind_code("乡镇(街道)党(工)委"), "township_committee");
        assert_eq!(kind_code("Stationed unit"), "stationed_unit");
    }
}
