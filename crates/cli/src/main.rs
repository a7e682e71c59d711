//! `kaoping`: the web server and the command-line tool. Wiring only: the
//! rules live in `kaoping-core`.

mod anchors;
mod config;
mod demo;
mod key;
mod server;

use clap::{Args, Parser, Subcommand};
use config::{Config, Secret};
use kaoping_store::{Db, SchemaState, Target};
use std::path::PathBuf;
use std::process::ExitCode;

/// mimalloc: many small allocations from many threads (request handling,
/// the SQLite worker threads) are markedly cheaper than with glibc malloc.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "kaoping", version, about = "考评 kaoping — duty-report review and assessment of party secretaries")]
struct Cli {
    /// TOML configuration file.
    #[arg(long, global = true, env = "KAOPING_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Clone, Default)]
struct Place {
    /// Data folder for the embedded SQLite database.
    #[arg(long, env = "KAOPING_DATA")]
    data: Option<PathBuf>,
    /// PostgreSQL URL (postgres://user:password@host/db); overrides --data.
    #[arg(long, env = "KAOPING_DATABASE_URL", hide_env_values = true)]
    database_url: Option<String>,
}

#[derive(Args, Clone, Default)]
struct Listen {
    /// Address and port to listen on [default: 127.0.0.1:8080].
    #[arg(long, env = "KAOPING_LISTEN")]
    listen: Option<String>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server on a realistic demo database (a fresh temporary one
    /// unless --data or --database-url names one); prints the URL and logins.
    Demo {
        #[command(flatten)]
        place: Place,
        #[command(flatten)]
        listen: Listen,
        /// Also write the URL and logins as JSON to this file.
        #[arg(long)]
        logins_json: Option<PathBuf>,
    },
    /// Run the server.
    Serve {
        #[command(flatten)]
        place: Place,
        #[command(flatten)]
        listen: Listen,
    },
    /// Create the database and the first system administrator.
    Init {
        #[command(flatten)]
        place: Place,
        /// Code of the top org unit to create (e.g. the city committee).
        #[arg(long)]
        org_code: String,
        /// Name of the top org unit.
        #[arg(long)]
        org_name: String,
        /// Username of the first system administrator.
        #[arg(long, default_value = "admin")]
        admin_username: String,
        /// The administrator's name.
        #[arg(long, default_value = "系统管理员")]
        admin_name: String,
    },
    /// Apply pending schema migrations.
    Migrate {
        #[command(flatten)]
        place: Place,
    },
    /// Copy a running SQLite database, consistently, to a new file (for
    /// PostgreSQL use pg_dump; docs/operations.md). The server key is not
    /// in the copy: back it up apart.
    Backup {
        /// The file to write (must not exist).
        #[arg(long)]
        to: PathBuf,
        #[command(flatten)]
        place: Place,
    },
    /// Audit log tools.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Recompute the results of a cycle export (its published results are
    /// ignored) and print them as JSON.
    Tally {
        /// A cycle export (JSON, docs/export-format.md).
        file: PathBuf,
    },
    /// Recompute a cycle export and check it: every result, every receipt
    /// and the seal. Names each difference; exits with 1 if there is any.
    Verify {
        /// A cycle export (JSON, docs/export-format.md).
        file: PathBuf,
        /// The results seal published with the results (e.g. on the
        /// public results page): the export's must be this one.
        #[arg(long)]
        seal: Option<String>,
        /// With --data or --database-url: compare with the results seal in
        /// that database's audit log.
        #[command(flatten)]
        place: Place,
    },
}

fn read_export(file: &std::path::Path) -> Result<kaoping_core::results::export::Export, String> {
    let raw = std::fs::read(file).map_err(|e| format!("{}: {e}", file.display()))?;
    serde_json::from_slice(&raw).map_err(|e| format!("{}: not a cycle export: {e}", file.display()))
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Recompute the SM3 hash chain and name the first broken entry.
    Verify {
        #[command(flatten)]
        place: Place,
    },
}

fn apply(cfg: &mut Config, place: &Place, listen: Option<&Listen>) {
    if let Some(d) = &place.data {
        cfg.data = d.clone();
    }
    if let Some(u) = &place.database_url {
        cfg.database_url = Secret(u.clone());
    }
    if let Some(l) = listen.and_then(|l| l.listen.clone()) {
        cfg.listen = l;
    }
}

fn target(cfg: &Config) -> Target {
    if cfg.database_url.0.is_empty() {
        Target::in_data_dir(&cfg.data)
    } else {
        Target::Postgres(cfg.database_url.0.clone())
    }
}

async fn open(cfg: &Config) -> Result<Db, String> {
    let t = target(cfg);
    let key = key::load_or_create(cfg)?;
    Ok(Db::connect(&t).await.map_err(|e| format!("cannot open the database {t:?}: {e}"))?.with_server_key(key))
}

/// Refuse a database whose schema is not exactly this binary's.
async fn require_current(db: &Db) -> Result<(), String> {
    match db.schema_state().await.map_err(|e| e.to_string())? {
        SchemaState::Current => Ok(()),
        SchemaState::Empty => {
            Err("the database is empty: run `kaoping init` first (or `kaoping demo` for a demo)".into())
        }
        SchemaState::Older { pending } => Err(format!(
            "the database schema is older than this binary ({} migration(s) pending: {}); back up the data, then run `kaoping migrate`",
            pending.len(),
            pending.join(", ")
        )),
        SchemaState::Newer { unknown } => Err(format!(
            "the database schema is newer than this binary (it has migrations this binary does not know: {}); run the newer kaoping version",
            unknown.join(", ")
        )),
    }
}

async fn run(cli: Cli) -> Result<(), String> {
    let (mut cfg, warnings) = config::load(cli.config.as_deref())?;
    server::init_logging(&cfg);
    for w in warnings {
        tracing::warn!("{w}");
    }
    match cli.command {
        Command::Serve { place, listen } => {
            apply(&mut cfg, &place, Some(&listen));
            let db = open(&cfg).await?;
            require_current(&db).await?;
            server::serve(&cfg, db).await
        }
        Command::Demo { place, listen, logins_json } => {
            apply(&mut cfg, &place, Some(&listen));
            demo::run(cfg, place.data.is_some() || place.database_url.is_some(), logins_json).await
        }
        Command::Migrate { place } => {
            apply(&mut cfg, &place, None);
            let db = open(&cfg).await?;
            let applied = db.migrate().await.map_err(|e| e.to_string())?;
            if applied.is_empty() {
                println!("the schema is up to date");
            } else {
                println!("applied {} migration(s): {}", applied.len(), applied.join(", "));
            }
            Ok(())
        }
        Command::Backup { to, place } => {
            apply(&mut cfg, &place, None);
            let db = open(&cfg).await?;
            require_current(&db).await?;
            db.backup_to(&to).await.map_err(|e| e.to_string())?;
            println!("backed up to {}", to.display());
            println!(
                "the server key ({}) is not in the backup: keep a copy of it apart from the database's backups",
                key::key_path(&cfg).display()
            );
            Ok(())
        }
        Command::Init { place, org_code, org_name, admin_username, admin_name } => {
            apply(&mut cfg, &place, None);
            let db = open(&cfg).await?;
            db.migrate().await.map_err(|e| e.to_string())?;
            let (user, password) = server::init(&cfg, db, &org_code, &org_name, &admin_username, &admin_name).await?;
            println!("created the system administrator `{user}` with the one-time password:\n\n    {password}\n");
            println!("log in and choose a new password; it is not shown again.");
            Ok(())
        }
        Command::Tally { file } => {
            let e = read_export(&file)?;
            let results = kaoping_core::results::export::recompute(&e)?;
            let out = serde_json::json!({ "format": kaoping_core::results::export::FORMAT, "cycle": e.cycle.id, "results": results });
            println!("{}", serde_json::to_string_pretty(&out).expect("json"));
            Ok(())
        }
        Command::Verify { file, seal, place } => {
            let e = read_export(&file)?;
            let mut problems = kaoping_core::results::export::verify(&e);
            let stated = e.results_seal.as_ref().map(|s| s.seal.clone()).unwrap_or_default();
            let mut expected = seal.map(|s| (s.trim().to_lowercase(), "the one given".to_string()));
            if place.data.is_some() || place.database_url.is_some() {
                apply(&mut cfg, &place, None);
                let db = open(&cfg).await?;
                require_current(&db).await?;
                let svc = server::services(&cfg, db);
                let cycle = kaoping_core::ids::CycleId(e.cycle.id);
                match svc.results.results_seal_recorded(cycle).await.map_err(|e| e.to_string())? {
                    Some(s) => expected = Some((s, "the one in the audit log".into())),
                    None => problems.push(format!("the audit log has no results seal for cycle {}", e.cycle.id)),
                }
            }
            if let Some((want, whence)) = expected
                && want != stated
            {
                problems.push(format!("the export's results seal {stated:?} is not {whence} ({want})"));
            }
            if problems.is_empty() {
                println!(
                    "verified: {} ballots, their receipts and the seal; {} results recomputed exactly; the results seal holds",
                    e.ballots.len(),
                    e.results.len()
                );
                Ok(())
            } else {
                for p in &problems {
                    println!("{p}");
                }
                Err(format!("{} difference(s) in {}", problems.len(), file.display()))
            }
        }
        Command::Audit { command: AuditCommand::Verify { place } } => {
            apply(&mut cfg, &place, None);
            let db = open(&cfg).await?;
            require_current(&db).await?;
            let svc = server::services(&cfg, db);
            let n = match svc.audit.audit_verify().await.map_err(|e| e.to_string())? {
                Ok(n) => n,
                Err(b) => return Err(format!("audit log broken at entry #{}: {}", b.seq, b.reason)),
            };
            println!("audit log intact: {n} entries, SM3 chain verified");
            let path = anchors::anchor_path(&cfg);
            if !path.exists() {
                println!(
                    "no anchor file at {}: entries removed from the end of the log cannot be detected",
                    path.display()
                );
                return Ok(());
            }
            let list = anchors::read(&path)?;
            match svc.audit.audit_check_anchors(&list).await.map_err(|e| e.to_string())? {
                Ok(k) => {
                    println!("{k} anchors in {} match the log", path.display());
                    Ok(())
                }
                Err(b) => Err(b.to_string()),
            }
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let rt = match kaoping_web::runtime() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("kaoping: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match rt.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("kaoping: {e}");
            ExitCode::FAILURE
        }
    }
}
