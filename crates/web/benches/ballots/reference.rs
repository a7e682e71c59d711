//! The minimal reference endpoint of issue 4, measured in the same run so
//! the ratio holds on any machine: `POST /ref` takes the same form body as
//! the real ballot endpoint, parses its marks and stores them as 66 rows in
//! SQLite (WAL, `synchronous=FULL`), one writer putting up to 64 queued
//! ballots in one transaction with a savepoint per ballot. No
//! authentication, validation, idempotency, receipt or audit.

use axum::extract::State;
use axum::{Form, Router, routing::post};
use sea_orm::sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sea_orm::sqlx::{self, SqlitePool};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use tokio::sync::{mpsc, oneshot};

type Job = (Vec<(i64, String)>, oneshot::Sender<bool>);

#[derive(Clone)]
struct Ref {
    queue: mpsc::UnboundedSender<Job>,
}

async fn writer(pool: SqlitePool, mut rx: mpsc::UnboundedReceiver<Job>) {
    static NEXT: AtomicI64 = AtomicI64::new(1);
    let mut jobs = Vec::new();
    while rx.recv_many(&mut jobs, 64).await > 0 {
        let mut conn = pool.acquire().await.expect("reference connection");
        sqlx::query("BEGIN IMMEDIATE").execute(&mut *conn).await.expect("begin");
        let mut oks = Vec::with_capacity(jobs.len());
        for (marks, _) in &jobs {
            sqlx::query("SAVEPOINT b").execute(&mut *conn).await.expect("savepoint");
            let id = NEXT.fetch_add(1, Ordering::Relaxed);
            let mut q = sqlx::QueryBuilder::new("INSERT INTO mark (ballot, subject, grade) ");
            q.push_values(marks, |mut row, (s, g)| {
                row.push_bind(id).push_bind(*s).push_bind(g);
            });
            let ok = q.build().execute(&mut *conn).await.is_ok();
            let end = if ok { "RELEASE b" } else { "ROLLBACK TO b" };
            sqlx::query(end).execute(&mut *conn).await.expect("savepoint end");
            oks.push(ok);
        }
        sqlx::query("COMMIT").execute(&mut *conn).await.expect("commit");
        for ((_, reply), ok) in jobs.drain(..).zip(oks) {
            let _ = reply.send(ok);
        }
    }
}

async fn submit(
    State(r): State<Arc<Ref>>,
    Form(f): Form<Vec<(String, String)>>,
) -> (axum::http::StatusCode, &'static str) {
    let marks = f.iter().find(|(k, _)| k == "marks").map(|(_, v)| v.as_str()).unwrap_or("[]");
    let marks: Vec<serde_json::Value> = serde_json::from_str(marks).unwrap_or_default();
    let rows: Vec<(i64, String)> = marks
        .iter()
        .map(|m| {
            let s = m["subject"].as_i64().unwrap_or(0);
            let g = m["grades"]["overall"].as_str().unwrap_or("").to_string();
            (s, g)
        })
        .collect();
    let (tx, rx) = oneshot::channel();
    if rows.is_empty() || r.queue.send((rows, tx)).is_err() {
        return (axum::http::StatusCode::UNPROCESSABLE_ENTITY, "bad");
    }
    match rx.await {
        Ok(true) => (axum::http::StatusCode::OK, "ok"),
        _ => (axum::http::StatusCode::INTERNAL_SERVER_ERROR, "failed"),
    }
}

/// The reference router on a new SQLite file in `dir`, and its pool.
pub async fn router(dir: &std::path::Path) -> (Router, SqlitePool) {
    let opts = SqliteConnectOptions::new()
        .filename(dir.join("reference.db"))
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full);
    let pool = SqlitePoolOptions::new().max_connections(2).connect_with(opts).await.expect("reference db");
    sqlx::query("CREATE TABLE mark (ballot INTEGER NOT NULL, subject INTEGER NOT NULL, grade TEXT NOT NULL)")
        .execute(&pool)
        .await
        .expect("reference table");
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(writer(pool.clone(), rx));
    (Router::new().route("/ref", post(submit)).with_state(Arc::new(Ref { queue: tx })), pool)
}
