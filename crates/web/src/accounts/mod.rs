//! Logging in and out, the second factor, one's own account, and the administration of accounts.

pub(crate) mod account;
pub(crate) mod admin;
pub(crate) mod api;
pub(crate) mod auth;

use crate::AppState;
use crate::table::Table;
use axum::handler::Handler;
use axum::routing::{get, post};
use utoipa_axum::router::UtoipaMethodRouterExt;
use utoipa_axum::routes;

pub fn routes(login_limit: &crate::app::LoginLimit) -> Table<AppState> {
    Table::new()
        .route("/login", get(auth::login_form).post(auth::login_submit.layer(login_limit.clone())))
        .route("/login/totp", get(auth::totp_form).post(auth::totp_submit.layer(login_limit.clone())))
        .route("/logout", post(auth::logout))
        .route("/lang", post(auth::set_lang))
        .route("/account", get(account::show))
        .route("/account/password", get(account::password_form).post(account::password_submit))
        .route("/account/totp", get(account::totp_form).post(account::totp_submit))
        .route("/account/totp/disable", post(account::totp_disable))
        .route("/account/logout-all", post(account::logout_all))
        .route("/admin/accounts", get(admin::list))
        .route("/admin/accounts/{id}/grants", post(admin::set_grants))
        .route("/admin/accounts/{id}/reset-password", post(admin::reset_password))
        .route("/admin/accounts/{id}/unlock", post(admin::unlock))
        .route("/admin/accounts/{id}/active", post(admin::set_active))
        .api(routes!(api::me, api::logout))
        .api(routes!(api::login).layer(login_limit.clone()))
        .api(routes!(api::totp).layer(login_limit.clone()))
}
