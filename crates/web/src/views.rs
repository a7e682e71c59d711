//! The page frame shared by every HTML page: language, user, navigation,
//! breadcrumbs, flash message and asset URLs; and the error page.

use crate::AppState;
use crate::ctx::Ctx;
use crate::error::ErrorInfo;
use crate::i18n::Lang;
use askama::Template;
use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use kaoping_core::accounts::Role;
use kaoping_core::error::FieldError;
use std::collections::BTreeMap;
use std::sync::Arc;

/// URLs of the embedded assets (content-hashed in release builds).
pub struct Assets {
    css: String,
    css2: String,
    js: String,
    htmx: String,
    echarts: String,
}

impl Assets {
    pub fn load() -> Self {
        let m = serve().manifest();
        let url = |r: &str| format!("/assets{}", m.get(r).unwrap_or(r));
        Self {
            css: url("/app.css"),
            css2: url("/reading.css"),
            js: url("/app.js"),
            htmx: url("/vendor/htmx-2.0.11.min.js"),
            echarts: url("/vendor/echarts-6.1.0.min.js"),
        }
    }
}

/// The embedded assets, served under `/assets`.
pub fn serve() -> memory_serve::MemoryServe {
    memory_serve::load!().enable_hashed_routes(true).index_file(None)
}

pub struct NavItem {
    pub href: &'static str,
    pub label: String,
    pub active: bool,
}

pub struct NavSection {
    pub title: String,
    pub items: Vec<NavItem>,
}

pub struct Crumb {
    pub label: String,
    pub href: Option<String>,
}

pub struct UserView {
    pub name: String,
    pub username: String,
}

/// The frame of every page.
pub struct Page {
    pub lang: Lang,
    pub title: String,
    pub user: Option<UserView>,
    pub nav: Vec<NavSection>,
    pub crumbs: Vec<Crumb>,
    pub flash: Option<String>,
    pub path: String,
    pub assets: Arc<Assets>,
}

impl Page {
    /// A page frame for the request, titled by a catalog key.
    pub fn new(state: &AppState, ctx: &Ctx, title_key: &str) -> Self {
        let lang = ctx.lang;
        let full = ctx.session.as_ref().filter(|s| !s.mfa_pending && !s.must_change_password);
        let user = ctx
            .session
            .as_ref()
            .map(|s| UserView { name: s.actor.display_name.clone(), username: s.actor.username.clone() });
        let nav = full.map(|s| nav(lang, &s.actor.roles, &ctx.path)).unwrap_or_default();
        Self {
            lang,
            title: lang.t(title_key),
            user,
            nav,
            crumbs: Vec::new(),
            flash: None,
            path: ctx.path.clone(),
            assets: state.assets.clone(),
        }
    }

    pub fn crumb(mut self, key: &str, href: Option<&str>) -> Self {
        self.crumbs.push(Crumb { label: self.lang.t(key), href: href.map(str::to_string) });
        self
    }

    pub fn crumb_text(mut self, label: impl Into<String>, href: Option<&str>) -> Self {
        self.crumbs.push(Crumb { label: label.into(), href: href.map(str::to_string) });
        self
    }

    /// Show a flash message named by `flash-<name>` in the catalog.
    pub fn flash(mut self, name: Option<&str>) -> Self {
        if let Some(n) = name.filter(|n| n.chars().all(|c| c.is_ascii_lowercase() || c == '-')) {
            let key = format!("flash-{n}");
            if self.lang.has(&key) {
                self.flash = Some(self.lang.t(&key));
            }
        }
        self
    }

    pub fn title_text(mut self, title: impl Into<String>) -> Self {
        self.title = title.into();
        self
    }

    pub fn t(&self, key: &str) -> String {
        self.lang.t(key)
    }

    /// The message `prefix-code` (e.g. `ballot-mode-named`).
    pub fn tp(&self, prefix: &str, code: &str) -> String {
        self.lang.t(&format!("{prefix}-{}", code.replace('_', "-")))
    }

    pub fn t1(&self, key: &str, name: &str, value: impl ToString) -> String {
        self.lang.t_args(key, &[(name, value.to_string())])
    }

    pub fn lang_code(&self) -> &'static str {
        self.lang.code()
    }

    pub fn langs(&self) -> [Lang; 2] {
        Lang::ALL
    }

    pub fn css(&self) -> &str {
        &self.assets.css
    }

    pub fn css2(&self) -> &str {
        &self.assets.css2
    }

    pub fn js(&self) -> &str {
        &self.assets.js
    }

    pub fn htmx(&self) -> &str {
        &self.assets.htmx
    }

    pub fn echarts(&self) -> &str {
        &self.assets.echarts
    }

    /// A readable name for an audit action code (the code itself if unknown).
    pub fn action_label(&self, action: &str) -> String {
        let key = format!("action-{}", action.replace(['.', '_'], "-"));
        if self.lang.has(&key) { self.lang.t(&key) } else { action.to_string() }
    }

    pub fn result_name(&self, r: &str) -> String {
        self.lang.t(&format!("audit-result-{r}"))
    }

    pub fn result_label(&self, r: &kaoping_core::audit::AuditResult) -> String {
        self.lang.t(&format!("audit-result-{}", r.as_str()))
    }

    pub fn datetime(&self, t: &chrono::DateTime<chrono::Utc>) -> String {
        self.lang.datetime(*t)
    }
}

fn nav(lang: Lang, roles: &std::collections::BTreeSet<Role>, path: &str) -> Vec<NavSection> {
    let item = |href: &'static str, key: &str| NavItem {
        href,
        label: lang.t(key),
        active: if href == "/" { path == "/" } else { path.starts_with(href) },
    };
    let mut out = vec![NavSection { title: lang.t("nav-section-work"), items: vec![item("/", "nav-home")] }];
    if roles.contains(&Role::SystemAdmin) || roles.contains(&Role::OrganizerAdmin) {
        out.push(NavSection {
            title: lang.t("nav-section-admin"),
            items: vec![
                item("/admin/cycles", "nav-cycles"),
                item("/admin/org", "nav-org"),
                item("/admin/people", "nav-people"),
                item("/admin/accounts", "nav-accounts"),
                item("/admin/audit", "nav-audit"),
            ],
        });
    }
    let mut me = Vec::new();
    if roles.contains(&Role::Subject) {
        me.push(item("/my/reports", "my-reports-title"));
        me.push(item("/my/results", "my-results-title"));
        me.push(item("/my/feedback", "my-feedback-title"));
    }
    me.push(item("/account", "nav-account"));
    out.push(NavSection { title: lang.t("nav-section-me"), items: me });
    out
}

/// Field errors, translated, by field name.
#[derive(Default)]
pub struct FormErrors {
    pub by_field: BTreeMap<String, Vec<String>>,
    pub general: Vec<String>,
}

impl FormErrors {
    pub fn from_fields(lang: Lang, errs: &[FieldError]) -> Self {
        let mut f = Self::default();
        for e in errs {
            f.by_field.entry(e.field.clone()).or_default().push(lang.msg(&e.msg));
        }
        f
    }

    pub fn general(lang: Lang, msg: &kaoping_core::error::Msg) -> Self {
        Self { general: vec![lang.msg(msg)], ..Default::default() }
    }

    pub fn has(&self, field: &str) -> bool {
        self.by_field.contains_key(field)
    }

    pub fn get(&self, field: &str) -> Vec<String> {
        self.by_field.get(field).cloned().unwrap_or_default()
    }

    pub fn any(&self) -> bool {
        !self.by_field.is_empty() || !self.general.is_empty()
    }

    pub fn all(&self) -> Vec<String> {
        self.general.iter().chain(self.by_field.values().flatten()).cloned().collect()
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorView<'a> {
    page: Page,
    status: u16,
    details: &'a [String],
}

/// Render an error for the request: a page, or problem JSON for the API.
pub fn error_response(state: &AppState, ctx: &Ctx, info: &ErrorInfo) -> Response {
    let lang = ctx.lang;
    let mut details: Vec<String> = info.details.iter().map(|m| lang.msg(m)).collect();
    details.extend(info.fields.iter().map(|f| {
        let msg = lang.msg(&f.msg);
        match f.row {
            Some(r) => {
                lang.t_args("import-row-error", &[("row", r.to_string()), ("field", f.field.clone()), ("message", msg)])
            }
            None => format!("{}: {msg}", f.field),
        }
    }));
    let mut res = if ctx.is_api {
        let body = serde_json::json!({
            "type": "about:blank",
            "title": lang.t(info.title),
            "status": info.status.as_u16(),
            "detail": details.join("; "),
            "errors": info.fields.iter().map(|f| serde_json::json!({
                "field": f.field, "row": f.row, "code": f.msg.key, "message": lang.msg(&f.msg),
            })).collect::<Vec<_>>(),
            "request_id": ctx.request_id,
        });
        let mut r = Json(body).into_response();
        r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
        r
    } else {
        let page = Page::new(state, ctx, info.title);
        let view = ErrorView { page, status: info.status.as_u16(), details: &details };
        match view.render() {
            Ok(html) => Html(html).into_response(),
            Err(e) => {
                tracing::error!(error = %e, "error page failed to render");
                (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
            }
        }
    };
    *res.status_mut() = info.status;
    res
}

/// Render a template into a response (a failure becomes a 500 page).
pub fn render<T: Template>(t: &T) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed to render");
            crate::error::AppError::status(StatusCode::INTERNAL_SERVER_ERROR, "error-internal").into_response()
        }
    }
}

/// The `?flash=` a page shows once, after a redirect.
#[derive(serde::Deserialize)]
pub struct FlashQuery {
    pub flash: Option<String>,
}
