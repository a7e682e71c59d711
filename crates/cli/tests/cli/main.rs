//! The `kaoping` binary as an operator uses it: init, serve's schema check,
//! audit verify, and demo's refusal to touch real data.

mod crash;

use kaoping_store::{Db, Target};
use sea_orm::{ConnectionTrait, Statement};
use std::process::{Command, Output};

fn kaoping(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kaoping"))
        .args(args)
        .env_remove("KAOPING_DATABASE_URL")
        .env("KAOPING_LOG", "warn")
        .output()
        .expect("run kaoping")
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

async fn exec(dir: &std::path::Path, sql: &str) {
    let db = Db::connect(&Target::in_data_dir(dir)).await.unwrap();
    let c = db.connection();
    c.execute_raw(Statement::from_string(c.get_database_backend(), sql)).await.unwrap();
}

#[tokio::test]
async fn init_serve_check_and_audit_verify() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();

    let o = kaoping(&["serve", "--data", data, "--listen", "127.0.0.1:0"]);
    assert!(!o.status.success());
    assert!(text(&o).contains("run `kaoping init` first"), "{}", text(&o));

    let o = kaoping(&["init", "--data", data, "--org-code", "lg", "--org-name", "中共琅港市委"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("created the system administrator `admin`"));
    let o = kaoping(&["init", "--data", data, "--org-code", "LG2", "--org-name", "再来一次"]);
    assert!(!o.status.success(), "init only sets up an empty database");

    let o = kaoping(&["audit", "verify", "--data", data]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("audit log intact: 3 entries"), "{}", text(&o));
    assert!(text(&o).contains("no anchor file"), "{}", text(&o));

    // The log is append-only through the app's connection.
    let db = Db::connect(&Target::in_data_dir(dir.path())).await.unwrap();
    let c = db.connection();
    let refused = c.execute_raw(Statement::from_string(c.get_database_backend(), "DELETE FROM audit_log")).await;
    assert!(refused.unwrap_err().to_string().contains("append-only"));
    // Anchored at the head (#3) as `serve` does; an owner lifts the triggers
    // and removes the newest entry: the chain is whole, the anchor is not.
    let head: (i64, String) = {
        let row = c
            .query_one_raw(Statement::from_string(
                c.get_database_backend(),
                "SELECT seq, hash FROM audit_log ORDER BY seq DESC",
            ))
            .await
            .unwrap()
            .unwrap();
        (row.try_get("", "seq").unwrap(), row.try_get("", "hash").unwrap())
    };
    std::fs::write(dir.path().join("audit-anchors.log"), format!("2026-12-07T09:00:00Z {} {}\n", head.0, head.1))
        .unwrap();
    exec(dir.path(), "DROP TRIGGER audit_log_no_delete").await;
    exec(dir.path(), "DELETE FROM audit_log WHERE seq = 3").await;
    let o = kaoping(&["audit", "verify", "--data", data]);
    assert!(!o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("truncated: entry #3"), "{}", text(&o));
    std::fs::remove_file(dir.path().join("audit-anchors.log")).unwrap();

    exec(dir.path(), "DROP TRIGGER audit_log_no_update").await;
    exec(dir.path(), "UPDATE audit_log SET detail = 'forged' WHERE seq = 2").await;
    let o = kaoping(&["audit", "verify", "--data", data]);
    assert!(!o.status.success());
    assert!(text(&o).contains("audit log broken at entry #2"), "{}", text(&o));

    // A demo refuses a folder that holds real data.
    let o = kaoping(&["demo", "--data", data, "--listen", "127.0.0.1:0"]);
    assert!(!o.status.success());
    assert!(text(&o).contains("not a kaoping demo"), "{}", text(&o));

    // A schema from a newer binary: serve refuses and says what to do.
    exec(dir.path(), "INSERT INTO seaql_migrations (version, applied_at) VALUES ('m9999_future', 0)").await;
    let o = kaoping(&["serve", "--data", data, "--listen", "127.0.0.1:0"]);
    assert!(!o.status.success());
    assert!(text(&o).contains("newer than this binary"), "{}", text(&o));
    exec(dir.path(), "DELETE FROM seaql_migrations").await;
    let o = kaoping(&["serve", "--data", data, "--listen", "127.0.0.1:0"]);
    assert!(text(&o).contains("run `kaoping migrate`") || text(&o).contains("kaoping init"), "{}", text(&o));
}

#[test]
fn unknown_configuration_keys_are_warned_about() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("k.toml");
    std::fs::write(&cfg, "listen = \"127.0.0.1:0\"\nlisten_adress = \"typo\"\n").unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_kaoping"))
        .args(["--config", cfg.to_str().unwrap(), "serve", "--data", dir.path().to_str().unwrap()])
        .env_remove("KAOPING_DATABASE_URL")
        .output()
        .unwrap();
    assert!(text(&o).contains("unknown configuration key `listen_adress` ignored"), "{}", text(&o));
}

/// A small export made with the library, as a server would publish it.
fn export() -> kaoping_core::results::export::Export {
    use kaoping_core::results::export::*;
    use kaoping_core::voting::ballot::{StoredMarks, marks_from_stored, receipt, seal};
    let ballots: Vec<BallotOut> = [("b01", "excellent"), ("b02", "good"), ("b03", "good"), ("b04", "poor")]
        .into_iter()
        .map(|(id, g)| {
            let marks: StoredMarks = [(7, Some([("overall".to_string(), g.to_string())].into_iter().collect()))].into();
            BallotOut {
                receipt: receipt(3, id, "all", &marks_from_stored(marks.clone())),
                id: id.into(),
                group: "all".into(),
                marks,
                evaluator: None,
            }
        })
        .collect();
    let receipts: Vec<String> = ballots.iter().map(|b| b.receipt.clone()).collect();
    let mut e = Export {
        format: FORMAT.into(),
        kind: "public".into(),
        cycle: CycleOut { id: 3, name: "2025".into(), year: 2025, ballot_mode: "named".into() },
        scheme: kaoping_core::cycles::scheme::Scheme::default_for(&["county".into()]),
        subjects: vec![SubjectOut { id: 7, name: "甲".into(), category: "county".into(), order: 1 }],
        ballots,
        seal: Some(seal(&receipts)),
        components: Default::default(),
        vetoes: vec![],
        routine_excellent: vec![],
        results: vec![],
        group_sizes: [("all".to_string(), 4)].into(),
        results_seal: None,
    };
    e.results = recompute(&e).unwrap();
    e.results_seal = Some(results_seal(&e));
    e
}

#[test]
fn tally_and_verify_recompute_an_export() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("export.json");
    let mut e = export();
    std::fs::write(&file, serde_json::to_vec(&e).unwrap()).unwrap();
    let path = file.to_str().unwrap();

    // (100 + 80 + 80 + 0) / 4 = 65, exactly.
    let o = kaoping(&["tally", path]);
    assert!(o.status.success(), "{}", text(&o));
    let out: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(out["results"][0]["democratic"]["exact"], "65");
    assert_eq!(out["results"][0]["grade"], "fair");

    let o = kaoping(&["verify", path]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("verified: 4 ballots"));
    // Against the seal published with the results.
    let sealed = e.results_seal.as_ref().unwrap().seal.clone();
    assert!(kaoping(&["verify", path, "--seal", &sealed]).status.success());
    let o = kaoping(&["verify", path, "--seal", &"ab".repeat(32)]);
    assert!(!o.status.success());
    assert!(text(&o).contains("is not the one given"), "{}", text(&o));

    // An invalid export is refused by both, naming the rule; nothing is computed.
    let mut bad = e.clone();
    bad.scheme.items[0].weight = kaoping_core::exact::Dec4(9_000);
    std::fs::write(&file, serde_json::to_vec(&bad).unwrap()).unwrap();
    for cmd in ["tally", "verify"] {
        let o = kaoping(&[cmd, path]);
        assert!(!o.status.success(), "{cmd}: {}", text(&o));
        assert!(text(&o).contains("scheme.items: err-scheme-item-weights-sum"), "{cmd}: {}", text(&o));
        assert!(!text(&o).contains("\"results\""), "{cmd}: nothing computed");
    }

    // A changed ballot and a changed result are both named.
    e.ballots[3].marks.insert(7, Some([("overall".to_string(), "good".to_string())].into_iter().collect()));
    e.results[0].rank = Some(2);
    std::fs::write(&file, serde_json::to_vec(&e).unwrap()).unwrap();
    let o = kaoping(&["verify", path]);
    assert!(!o.status.success());
    assert!(text(&o).contains("ballot b04: receipt"), "{}", text(&o));
    assert!(text(&o).contains("subject 7: published"), "{}", text(&o));

    let o = kaoping(&["verify", dir.path().join("nope.json").to_str().unwrap()]);
    assert!(!o.status.success() && text(&o).contains("nope.json"));
}
