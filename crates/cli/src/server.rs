//! Wiring: logging, services, the HTTP server, and `init`.

use crate::config::Config;
use kaoping_core::accounts::auth;
use kaoping_core::accounts::scope::Actor;
use kaoping_core::accounts::{Role, RoleGrant};
use kaoping_core::audit::AuditDraft;
use kaoping_core::ids::AccountId;
use kaoping_core::org::OrgUnitInput;
use kaoping_core::people::PersonInput;
use kaoping_core::ports::{AccountStore, MetaStore, NewAccount};
use kaoping_core::services::{Caller, Services};
use kaoping_store::Db;
use std::sync::Arc;
use std::time::Duration;
use tracing_subscriber::EnvFilter;

pub fn init_logging(cfg: &Config) {
    let mut filter = EnvFilter::try_from_env("KAOPING_LOG").unwrap_or_else(|_| EnvFilter::new(&cfg.log));
    // Whatever the operator asks for: never the lines that print full URLs.
    for cap in kaoping_web::LOG_CAPS {
        filter = filter.add_directive(cap.parse().expect("a valid directive"));
    }
    let b = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    let _ = if cfg.log_format == "json" { b.json().try_init() } else { b.compact().try_init() };
}

pub fn services(cfg: &Config, db: Db) -> Services {
    Services::new(Arc::new(db), cfg.auth.clone())
}

/// The caller used by the command line for setup work.
pub fn system_caller(name: &str) -> Caller {
    Caller {
        actor: Actor {
            account_id: AccountId(0),
            person_id: kaoping_core::ids::PersonId(0),
            username: name.into(),
            display_name: name.into(),
            post: String::new(),
            unit_name: None,
            roles: [Role::SystemAdmin].into(),
            scopes: vec![],
        },
        client: None,
    }
}

/// Serve until Ctrl-C or SIGTERM.
pub async fn serve(cfg: &Config, db: Db) -> Result<(), String> {
    let listener = tokio::net::TcpListener::bind(&cfg.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", cfg.listen))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    serve_on(cfg, db, listener, || {
        tracing::info!(%addr, "kaoping is listening");
    })
    .await
}

pub async fn serve_on(
    cfg: &Config,
    db: Db,
    listener: tokio::net::TcpListener,
    ready: impl FnOnce(),
) -> Result<(), String> {
    let metrics = metrics_exporter_prometheus::PrometheusBuilder::new().install_recorder().ok();
    let syslog = Some(cfg.audit_anchor_syslog.clone()).filter(|p| !p.as_os_str().is_empty());
    let anchors = crate::anchors::AnchorFile::new(crate::anchors::anchor_path(cfg), syslog);
    let svc = services(cfg, db).with_anchor_sink(Arc::new(anchors));
    // The head of the audit chain, outside the database, every minute (and
    // at every seal, by the services).
    let anchor = svc.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(60));
        loop {
            tick.tick().await;
            anchor.audit.audit_anchor().await;
        }
    });
    let purge = svc.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(600));
        loop {
            tick.tick().await;
            match purge.accounts.purge_sessions().await {
                Ok(n) if n > 0 => tracing::info!(sessions = n, "expired sessions removed"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "session purge failed"),
            }
        }
    });
    // Progress reminders and overdue flags, once per subject and period
    // (several nodes may run this: the notice table keeps each one once).
    let remind = svc.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(3600));
        loop {
            tick.tick().await;
            match remind.rectification.send_reminders().await {
                Ok(n) if n > 0 => tracing::info!(notices = n, "progress reminders sent"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "progress reminders failed"),
            }
        }
    });
    let state = kaoping_web::AppState::new(svc, cfg.web.clone(), metrics);
    let app = kaoping_web::app(state);
    ready();
    kaoping_web::serve::serve(listener, app, (&cfg.web).into(), shutdown()).await.map_err(|e| e.to_string())
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down");
}

/// Create the top org unit and the first system administrator, with a
/// one-time password that must be changed at first login.
pub async fn init(
    cfg: &Config,
    db: Db,
    org_code: &str,
    org_name: &str,
    username: &str,
    name: &str,
) -> Result<(String, String), String> {
    let svc = services(cfg, db.clone());
    if !db.is_empty().await.map_err(|e| e.to_string())? {
        return Err("the database already holds data; `kaoping init` only sets up an empty one".into());
    }
    let caller = system_caller("init");
    let show = |e: kaoping_core::CoreError| match e {
        kaoping_core::CoreError::Invalid(errs) => {
            errs.iter().map(|f| format!("{}: {}", f.field, f.msg)).collect::<Vec<_>>().join("; ")
        }
        other => other.to_string(),
    };
    let input =
        OrgUnitInput { code: org_code.into(), name: org_name.into(), kind: "city_committee".into(), sort_order: None };
    let unit = svc.org.org_create(&caller, None, &input).await.map_err(show)?;
    let person = PersonInput {
        name: name.into(),
        org_unit_id: Some(unit.id.to_string()),
        post: Some(String::new()),
        phone: None,
    };
    let person = svc.people.person_create(&caller, &person, None).await.map_err(show)?;
    if !kaoping_core::accounts::valid_username(username) {
        return Err(format!("`{username}` is not a valid username (3–64 letters, digits, . _ -)"));
    }
    let password = auth::generate_password();
    let account = NewAccount {
        person_id: person.id,
        username: username.into(),
        password_hash: auth::hash_password(&password),
        must_change_password: true,
        grants: vec![RoleGrant { role: Role::SystemAdmin, org_unit_id: None }],
    };
    let audit = AuditDraft::new(None, "init", None, "account.create", format!("person:{}", person.id)).detail(username);
    db.account_create(&account, &audit).await.map_err(show)?;
    Ok((username.into(), password))
}
