//! What the database keeps of anonymous ballots and of drafts, under the
//! server key (`kaoping_core::secrets`), and the opening of a cycle's sealed
//! ballots when its voting closes (`scoring.md` §7, m0011).
//!
//! - An anonymous ballot is stored sealed beside its participation record
//!   (durable before it is acknowledged); its idempotency record holds a
//!   keyed digest of the request and the receipt masked, so neither can be
//!   matched with a published ballot without the key.
//! - Drafts (an evaluator's marks so far) are sealed in every mode.
//! - Closing voting opens the sealed ballots and writes them in a random
//!   order, with their vote counts, rewrites their idempotency records in
//!   another random order and deletes the sealed rows and every draft of
//!   the cycle, in the closing transaction; then the SQLite WAL is truncated
//!   (deleted content is zeroed: `secure_delete`).

use crate::db_err;
use crate::entity::{ballot, ballot_draft, ballot_sealed, cycle, idempotency};
use crate::voting::ballot_writer::rows::{add_counts, ballot_row};
use data_encoding::BASE64;
use kaoping_core::cycles::scheme::Scheme;
use kaoping_core::error::{CoreError, Result};
use kaoping_core::secrets::{ServerKey, padded};
use kaoping_core::voting::ballot::{NewBallot, StoredMarks, SubmitOutcome, marks_from_stored};
use rand::seq::SliceRandom;
use sea_orm::ActiveValue::Set;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, EntityTrait, QueryFilter,
    Statement,
};
use serde::{Deserialize, Serialize};

const BALLOT: &str = "kaoping/ballot";
const DRAFT: &str = "kaoping/draft";
const TOTP: &str = "kaoping/totp-secret";
const REQUEST: &str = "kaoping/idempotency-request";
const RECEIPT: &str = "kaoping/idempotency-receipt";
/// Sealed text starts with this; anything else was stored before sealing
/// was used (a draft's plain JSON, a TOTP secret in base32).
const SEALED_PREFIX: &str = "sealed:";
/// Sealed ballots are padded to a power of two of at least this many bytes.
const PAD: usize = 4096;
/// Rows a statement writes at most when a cycle's ballots are opened
/// (SQLite binds at most 32,766 values a statement).
const ROWS: usize = 1_000;

pub(crate) fn no_key() -> CoreError {
    CoreError::Store(
        "anonymous ballots and drafts need the server key; configure `key_file` (see docs/security.md)".into(),
    )
}

fn unopenable() -> CoreError {
    CoreError::Store("sealed data cannot be opened with this server key (another key file?)".into())
}

/// An anonymous ballot as sealed until voting closes.
#[derive(Serialize, Deserialize)]
struct Pending {
    id: String,
    group: String,
    marks: String,
    remarks: String,
    receipt: String,
    paper: bool,
    key_hash: String,
}

/// Whether a ballot is kept sealed until voting closes (anonymous mode:
/// it names no evaluator).
pub(crate) fn is_sealed(b: &NewBallot) -> bool {
    b.evaluator.is_none()
}

/// Refuse an anonymous ballot when there is no key to seal it with.
pub(crate) fn require_key(b: &NewBallot, key: Option<&ServerKey>) -> Result<()> {
    if is_sealed(b) && key.is_none() { Err(no_key()) } else { Ok(()) }
}

/// The sealed row of an anonymous ballot.
pub(crate) fn sealed_row(b: &NewBallot, key: &ServerKey) -> ballot_sealed::ActiveModel {
    let p = Pending {
        id: b.id.clone(),
        group: b.group.clone(),
        marks: b.marks.clone(),
        remarks: b.remarks.clone(),
        receipt: b.receipt.clone(),
        paper: b.paper,
        key_hash: b.key_hash.clone(),
    };
    let json = serde_json::to_vec(&p).expect("a pending ballot serializes");
    ballot_sealed::ActiveModel {
        cycle_id: Set(b.cycle),
        sealed: Set(key.seal(BALLOT, &padded(json, PAD))),
        ..Default::default()
    }
}

/// The idempotency record of a ballot: as computed for a named one; for an
/// anonymous one a keyed digest of the request and the receipt masked.
pub(crate) fn key_row(b: &NewBallot, key: Option<&ServerKey>) -> idempotency::ActiveModel {
    let (request_hash, receipt) = match key.filter(|_| is_sealed(b)) {
        Some(k) => (stored_request_hash(b, k), mask_receipt(k, &b.key_hash, &b.receipt)),
        None => (b.request_hash.clone(), b.receipt.clone()),
    };
    idempotency::ActiveModel {
        key_hash: Set(b.key_hash.clone()),
        request_hash: Set(request_hash),
        receipt: Set(receipt),
    }
}

fn stored_request_hash(b: &NewBallot, k: &ServerKey) -> String {
    hex::encode(k.mac(REQUEST, b.request_hash.as_bytes()))
}

/// The receipt (64 hex digits) XOR a pad from the key and the key hash
/// (unique per record), as 64 hex digits; applied again, the receipt.
fn mask_receipt(k: &ServerKey, key_hash: &str, receipt: &str) -> String {
    match hex::decode(receipt) {
        Ok(bytes) => hex::encode(k.mask(RECEIPT, key_hash.as_bytes(), &bytes)),
        Err(_) => receipt.to_string(),
    }
}

/// The answer to a ballot whose key was seen before.
pub(crate) fn replay_answer(seen: &idempotency::Model, b: &NewBallot, key: Option<&ServerKey>) -> SubmitOutcome {
    let (request_hash, receipt) = match key.filter(|_| is_sealed(b)) {
        Some(k) => (stored_request_hash(b, k), mask_receipt(k, &seen.key_hash, &seen.receipt)),
        None => (b.request_hash.clone(), seen.receipt.clone()),
    };
    if seen.request_hash == request_hash { SubmitOutcome::Replayed(receipt) } else { SubmitOutcome::KeyReused }
}

/// A draft's marks or remarks as stored (sealed when there is a key).
pub(crate) fn seal_draft(key: Option<&ServerKey>, text: &str) -> String {
    seal_text(key, DRAFT, text)
}

/// A stored draft's marks or remarks as written.
pub(crate) fn open_draft(key: Option<&ServerKey>, stored: &str) -> Result<String> {
    open_text(key, DRAFT, stored)
}

/// A TOTP secret as stored (sealed when there is a key: the database alone
/// gives no second factor away).
pub(crate) fn seal_totp(key: Option<&ServerKey>, secret: &str) -> String {
    seal_text(key, TOTP, secret)
}

/// A stored TOTP secret as enrolled.
pub(crate) fn open_totp(key: Option<&ServerKey>, stored: &str) -> Result<String> {
    open_text(key, TOTP, stored)
}

fn seal_text(key: Option<&ServerKey>, purpose: &str, text: &str) -> String {
    match key {
        Some(k) => format!("{SEALED_PREFIX}{}", BASE64.encode(&k.seal(purpose, text.as_bytes()))),
        None => text.to_string(),
    }
}

/// Text stored by [`seal_text`]; text stored before sealing was used is
/// returned as it is.
fn open_text(key: Option<&ServerKey>, purpose: &str, stored: &str) -> Result<String> {
    let Some(sealed) = stored.strip_prefix(SEALED_PREFIX) else {
        return Ok(stored.to_string());
    };
    let k = key.ok_or_else(no_key)?;
    let bytes = BASE64.decode(sealed.as_bytes()).map_err(|_| unopenable())?;
    String::from_utf8(k.open(purpose, &bytes).map_err(|_| unopenable())?).map_err(|_| unopenable())
}

/// Open the cycle's sealed ballots and publish them (inside the closing
/// transaction): ballots and vote counts in a random order, their
/// idempotency records rewritten in another, the sealed rows and the
/// cycle's drafts deleted. How many ballots were opened.
pub(crate) async fn publish(txn: &DatabaseTransaction, key: Option<&ServerKey>, cycle_id: i64) -> Result<usize> {
    let rows = ballot_sealed::Entity::find()
        .filter(ballot_sealed::Column::CycleId.eq(cycle_id))
        .all(txn)
        .await
        .map_err(db_err)?;
    ballot_draft::Entity::delete_many()
        .filter(ballot_draft::Column::CycleId.eq(cycle_id))
        .exec(txn)
        .await
        .map_err(db_err)?;
    if rows.is_empty() {
        return Ok(0);
    }
    let k = key.ok_or_else(no_key)?;
    let c = cycle::Entity::find_by_id(cycle_id).one(txn).await.map_err(db_err)?.ok_or(CoreError::NotFound("cycle"))?;
    let scheme: Scheme = serde_json::from_str(&c.scheme).map_err(|_| CoreError::Store("cycle scheme".into()))?;
    let session_at = c.voting_opened_at.unwrap_or_default();
    let mut ballots = Vec::with_capacity(rows.len());
    for r in &rows {
        let plain = k.open(BALLOT, &r.sealed).map_err(|_| unopenable())?;
        let p: Pending = serde_json::from_slice(&plain).map_err(|_| unopenable())?;
        let stored: StoredMarks = serde_json::from_str(&p.marks).map_err(|_| unopenable())?;
        let contributions = kaoping_core::voting::counts::contributions(&scheme, &p.group, &marks_from_stored(stored));
        ballots.push(NewBallot {
            cycle: cycle_id,
            id: p.id,
            group: p.group,
            evaluator: None,
            participant: 0,
            marks: p.marks,
            remarks: p.remarks,
            receipt: p.receipt,
            paper: p.paper,
            contributions,
            key_hash: p.key_hash,
            request_hash: String::new(),
        });
    }
    ballots.shuffle(&mut rand::rng());
    for part in ballots.chunks(ROWS) {
        ballot::Entity::insert_many(part.iter().map(|b| ballot_row(b, session_at)))
            .exec_without_returning(txn)
            .await
            .map_err(db_err)?;
    }
    add_counts(txn, ballots.iter()).await?;

    // The idempotency records were written with the participation records:
    // rewritten in a random order, they keep no trace of arrival.
    let mut keys: Vec<idempotency::Model> = Vec::with_capacity(ballots.len());
    for part in ballots.chunks(ROWS) {
        let hashes: Vec<String> = part.iter().map(|b| b.key_hash.clone()).collect();
        keys.extend(
            idempotency::Entity::find()
                .filter(idempotency::Column::KeyHash.is_in(hashes.clone()))
                .all(txn)
                .await
                .map_err(db_err)?,
        );
        idempotency::Entity::delete_many()
            .filter(idempotency::Column::KeyHash.is_in(hashes))
            .exec(txn)
            .await
            .map_err(db_err)?;
    }
    keys.shuffle(&mut rand::rng());
    for part in keys.chunks(ROWS) {
        idempotency::Entity::insert_many(part.iter().map(|m| idempotency::ActiveModel {
            key_hash: Set(m.key_hash.clone()),
            request_hash: Set(m.request_hash.clone()),
            receipt: Set(m.receipt.clone()),
        }))
        .exec_without_returning(txn)
        .await
        .map_err(db_err)?;
    }
    ballot_sealed::Entity::delete_many()
        .filter(ballot_sealed::Column::CycleId.eq(cycle_id))
        .exec(txn)
        .await
        .map_err(db_err)?;
    Ok(ballots.len())
}

/// After a cycle's sealed ballots were published: leave no earlier page
/// versions behind. SQLite: the WAL is checkpointed and truncated (deleted
/// content was zeroed by `secure_delete`). PostgreSQL: the sealed table is
/// rewritten (`VACUUM FULL`), so its old file with the sealed rows goes.
pub(crate) async fn wipe(conn: &DatabaseConnection) -> Result<()> {
    let backend = conn.get_database_backend();
    if backend == DbBackend::Postgres {
        // Not in a transaction block: the simple query protocol.
        conn.execute_unprepared("VACUUM FULL ballot_sealed").await.map_err(db_err)?;
        return Ok(());
    }
    let row =
        conn.query_one_raw(Statement::from_string(backend, "PRAGMA wal_checkpoint(TRUNCATE)")).await.map_err(db_err)?;
    // (busy, WAL frames, frames checkpointed): busy when a reader held an
    // older snapshot; the WAL then keeps its frames until a later checkpoint.
    let busy: i64 = row.and_then(|r| r.try_get_by_index::<i64>(0).ok()).unwrap_or(0);
    if busy != 0 {
        return Err(CoreError::Store("the WAL could not be truncated: a reader held an older snapshot".into()));
    }
    Ok(())
}
