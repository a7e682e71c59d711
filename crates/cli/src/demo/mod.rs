//! `kaoping demo`: a realistic fictional city (琅港市) modelled on the
//! article, with accounts for every role, served at once.

mod ballots;
mod feedback;
mod reports;

use crate::config::Config;
use crate::server;
use kaoping_core::accounts::auth;
use kaoping_core::accounts::{Role, RoleGrant};
use kaoping_core::ids::{OrgUnitId, PersonId};
use kaoping_core::org::OrgUnitInput;
use kaoping_core::people::PersonInput;
use kaoping_core::ports::{AccountStore, MetaStore, NewAccount};
use kaoping_core::services::Services;
use kaoping_store::{Db, SchemaState, Target};
use reports::Outcome;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::PathBuf;

const CITY: &str = include_str!("city.json");
const DEMO_KEY: &str = "demo";
const LOGINS_KEY: &str = "demo_logins";

#[derive(Deserialize)]
struct City {
    city: String,
    org_units: Vec<Unit>,
    people: Vec<Person>,
}

#[derive(Deserialize)]
struct Unit {
    code: String,
    name: String,
    #[serde(rename = "type")]
    kind: String,
    parent: Option<String>,
}

#[derive(Deserialize)]
struct Person {
    name: String,
    org: Option<String>,
    post: String,
    phone: Option<String>,
}

/// One demo login, as printed and written with `--logins-json`.
#[derive(Serialize, Deserialize, Clone)]
pub struct Login {
    pub role: String,
    pub username: String,
    pub password: String,
    pub name: String,
    pub what: String,
}

/// The demo accounts: username, person's name, role, scope unit code, what to try.
const ACCOUNTS: &[(&str, &str, Role, Option<&str>, &str)] = &[
    ("admin", "信息中心管理员", Role::SystemAdmin, None, "everything; audit log"),
    (
        "zzb",
        "王建国",
        Role::OrganizerAdmin,
        Some("LG"),
        "city organization department: the whole tree; 2025 results, 2026 meeting console and big screen",
    ),
    ("jggw", "滕德胜", Role::OrganizerAdmin, Some("LG-JG"), "organs work committee: municipal departments"),
    ("zhishan", "汤林", Role::OrganizerAdmin, Some("LG-ZS"), "Zhishan district organization department"),
    (
        "shuji",
        "贾传峰",
        Role::Subject,
        None,
        "a district party secretary (subject): 2026 report draft, 2025 result card and feedback sheet (plan not started)",
    ),
    ("pingyi", "邹志强", Role::Evaluator, None, "a party congress deputy (evaluator)"),
    ("shequ", "郝敬东", Role::CommunityAdmin, Some("LG-ZS-XY-01"), "a community secretary (community admin)"),
    ("dangyuan", "贾晓东", Role::PartyMember, None, "a party member"),
    ("guanmo", "孙欣怡", Role::Observer, None, "an observer"),
];

pub async fn run(mut cfg: Config, explicit: bool, logins_json: Option<PathBuf>) -> Result<(), String> {
    // Demo accounts log in with a password alone (serve requires TOTP of admins).
    cfg.auth.require_totp_for_admins = false;
    // Without --data or --database-url: a fresh folder, removed on exit.
    let _tmp = if explicit {
        None
    } else {
        let dir = tempfile::Builder::new().prefix("kaoping-demo-").tempdir().map_err(|e| e.to_string())?;
        cfg.data = dir.path().to_path_buf();
        cfg.database_url.0.clear();
        Some(dir)
    };
    let target = if cfg.database_url.0.is_empty() {
        Target::in_data_dir(&cfg.data)
    } else {
        Target::Postgres(cfg.database_url.0.clone())
    };
    let key = crate::key::load_or_create(&cfg)?;
    let db = Db::connect(&target)
        .await
        .map_err(|e| format!("cannot open the database {target:?}: {e}"))?
        .with_server_key(key);
    let logins = match db.schema_state().await.map_err(|e| e.to_string())? {
        SchemaState::Empty => {
            db.migrate().await.map_err(|e| e.to_string())?;
            let started = std::time::Instant::now();
            let logins = seed(&cfg, db.clone()).await?;
            tracing::info!(elapsed_ms = started.elapsed().as_millis() as u64, "demo data built");
            logins
        }
        state => {
            let marker = db.meta_get(DEMO_KEY).await.map_err(|e| e.to_string())?;
            if marker.as_deref() != Some("1") {
                return Err(format!(
                    "{target:?} holds data that is not a kaoping demo; refusing to touch it (use `kaoping serve` for real data)"
                ));
            }
            if state != SchemaState::Current {
                db.migrate().await.map_err(|e| e.to_string())?;
            }
            let raw = db.meta_get(LOGINS_KEY).await.map_err(|e| e.to_string())?.unwrap_or_default();
            serde_json::from_str(&raw).map_err(|e| format!("the demo's logins are unreadable: {e}"))?
        }
    };
    let listener = tokio::net::TcpListener::bind(&cfg.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", cfg.listen))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let url = format!("http://{addr}/");
    if let Some(path) = &logins_json {
        let body = serde_json::json!({ "url": url, "logins": logins });
        std::fs::write(path, serde_json::to_vec_pretty(&body).expect("json"))
            .map_err(|e| format!("{}: {e}", path.display()))?;
    }
    let where_ = match &target {
        Target::Sqlite(p) => p.display().to_string(),
        Target::Postgres(u) => kaoping_store::redact_url(u),
    };
    println!(
        "\nkaoping demo — 琅港市 (a fictional city)\n  data: {where_}{}",
        if explicit { "" } else { " (removed on exit)" }
    );
    println!("  open: {url}\n");
    println!("  {:<10} {:<18} {:<14} role / what to try", "username", "password", "name");
    for l in logins.iter().filter(|l| !l.username.is_empty()) {
        println!("  {:<10} {:<18} {:<14} {} — {}", l.username, l.password, l.name, l.role, l.what);
    }
    for l in logins.iter().filter(|l| l.username.is_empty()) {
        println!(
            "\n  {} ({}), e.g. on a phone-sized window:\n  {}{}",
            l.what,
            l.name,
            url.trim_end_matches('/'),
            l.password
        );
    }
    println!("\n  Note: a second factor (TOTP) is not required of admins in the demo; `kaoping serve` requires it.");
    println!("\n  Ctrl-C stops the server.\n");
    server::serve_on(&cfg, db, listener, || tracing::info!(%addr, "kaoping demo is listening")).await
}

/// Who is on the demo's rosters: subjects with their category, evaluators
/// with their group.
struct Rosters<'a> {
    subjects: &'a [(PersonId, &'a str)],
    evaluators: &'a [(PersonId, &'a str)],
}

/// Last year's cycle with a typical local scheme (five weighted evaluator
/// groups, at most 30% 好 per ballot, the 1/3 poor-vote rule), and this
/// year's, copied from it.
async fn seed_cycles(
    svc: &Services,
    db: &Db,
    caller: &kaoping_core::services::Caller,
    city: OrgUnitId,
    rosters: Rosters<'_>,
    shuji: PersonId,
    link_for: Option<PersonId>,
) -> kaoping_core::Result<(String, String)> {
    use kaoping_core::cycles::roster::SubjectInput;
    use kaoping_core::cycles::scheme::Group;
    use kaoping_core::cycles::{CycleInput, Phase, default_categories};
    use kaoping_core::exact::{Dec4, Frac};
    let Rosters { subjects, evaluators } = rosters;
    let input = |name: &str, year: &str| CycleInput { name: name.into(), year: year.into(), ballot_mode: None };
    let last =
        svc.cycles.cycle_create(caller, city, &input("2025年度抓基层党建工作述职评议考核", "2025"), None).await?;
    let cats = default_categories();
    let all: Vec<String> = cats.iter().map(|c| c.code.clone()).collect();
    let group = |code: &str, label: &str, w: i64| Group {
        code: code.into(),
        label: label.into(),
        weight: Dec4(w),
        categories: all.clone(),
    };
    let mut scheme = last.scheme.clone();
    scheme.groups = vec![
        group("leaders", "市级领导", 3_000),
        group("unit_heads", "县市区和市直部门主要负责人", 2_000),
        group("deputies", "党代表", 2_000),
        group("representatives", "人大代表、政协委员", 1_500),
        group("grassroots", "基层党员群众代表", 1_500),
    ];
    scheme.ballot_quota = Some(Frac::new(3, 10));
    scheme.rules.poor_vote_threshold = Some(Frac::new(1, 3));
    svc.cycles.cycle_set_scheme(caller, last.id, &scheme, &cats).await?;
    // Seeded today, so last year gets no deadline (every report would look late).
    reports::settings(svc, caller, last.id, "").await?;
    for (i, (person, category)) in subjects.iter().enumerate() {
        let mode = if *category == "county" || i % 4 == 0 { "on_stage" } else { "written" };
        let s = SubjectInput {
            person_id: person.to_string(),
            category: (*category).into(),
            mode: Some(mode.into()),
            post: None,
        };
        svc.cycles.subject_add(caller, last.id, &s).await?;
    }
    for (person, group) in evaluators {
        svc.cycles.evaluator_add(caller, last.id, &person.to_string(), group).await?;
    }
    // Last year: every report accepted and most of them read.
    svc.cycles.cycle_advance(caller, last.id, Phase::Reporting).await?;
    reports::write_reports(svc, caller, last.id, 2025, |_, _| Outcome::Accepted).await?;
    svc.cycles.cycle_advance(caller, last.id, Phase::Evaluation).await?;
    reports::read_reports(svc, db, caller, last.id, 85).await?;
    ballots::vote(svc, caller, last.id).await?;
    svc.cycles.cycle_advance(caller, last.id, Phase::Tally).await?;
    // Published to the subjects: each finds their card under 我的评议结果.
    svc.results.results_publish(caller, last.id, kaoping_core::cycles::Visibility::Subjects).await?;
    // Feedback: critiques, problems and a sheet for every subject.
    svc.cycles.cycle_advance(caller, last.id, Phase::Feedback).await?;
    feedback::seed(svc, db, caller, last.id, shuji).await?;
    svc.cycles.cycle_advance(caller, last.id, Phase::Rectification).await?;
    feedback::rectify(svc, db, caller, last.id, shuji).await?;
    // This year: copied from last year (scheme, categories, rosters), in reporting.
    let this = svc
        .cycles
        .cycle_create(caller, city, &input("2026年度抓基层党建工作述职评议考核", "2026"), Some(last.id))
        .await?;
    reports::settings(svc, caller, this.id, "2026-12-10").await?;
    svc.cycles.cycle_advance(caller, this.id, Phase::Reporting).await?;
    reports::write_reports(svc, caller, this.id, 2026, |i, s| {
        if s.person_id == shuji {
            return Outcome::Draft;
        }
        match i % 10 {
            0..=3 => Outcome::Submitted,
            4 | 5 => Outcome::Accepted,
            6 => Outcome::Returned,
            7 | 8 => Outcome::Draft,
            _ => Outcome::None,
        }
    })
    .await?;
    reports::read_reports(svc, db, caller, this.id, 40).await?;
    reports::links(svc, caller, this.id, link_for).await
}

async fn seed(cfg: &Config, db: Db) -> Result<Vec<Login>, String> {
    let city: City = serde_json::from_str(CITY).map_err(|e| format!("demo data: {e}"))?;
    let svc: Services = server::services(cfg, db.clone());
    let caller = server::system_caller("demo");
    let err = |e: kaoping_core::CoreError| format!("demo data: {e}");
    let mut units: HashMap<String, OrgUnitId> = HashMap::new();
    for (i, u) in city.org_units.iter().enumerate() {
        let parent = u.parent.as_ref().map(|p| units[p]);
        let input = OrgUnitInput {
            code: u.code.clone(),
            name: u.name.clone(),
            kind: u.kind.clone(),
            sort_order: Some((i + 1).to_string()),
        };
        let created = svc.org.org_create(&caller, parent, &input).await.map_err(err)?;
        units.insert(u.code.clone(), created.id);
    }
    let org_dept = units["LG-ZZB"];
    let mut people: HashMap<String, PersonId> = HashMap::new();
    let admin =
        Person {
            name: "信息中心管理员".into(), org: Some("LG-ZZB".into()), post: "系统管理员".into(), phone: None
        };
    for p in city.people.iter().chain(std::iter::once(&admin)) {
        let input = PersonInput {
            name: p.name.clone(),
            org_unit_id: p.org.as_ref().map(|o| units[o].to_string()),
            post: Some(p.post.clone()),
            phone: p.phone.clone(),
        };
        let created = svc.people.person_create(&caller, &input, Some(org_dept)).await.map_err(err)?;
        people.insert(p.name.clone(), created.id);
    }
    let mut logins = Vec::new();
    for (username, name, role, scope, what) in ACCOUNTS {
        let password = auth::generate_password();
        let person = *people.get(*name).ok_or_else(|| format!("demo data: no person named {name}"))?;
        let grant = RoleGrant { role: *role, org_unit_id: scope.map(|s| units[s]) };
        let account = NewAccount {
            person_id: person,
            username: (*username).into(),
            password_hash: auth::hash_password(&password),
            must_change_password: false,
            grants: vec![grant],
        };
        let audit = caller.audit("account.create", format!("person:{person}")).detail(*username);
        db.account_create(&account, &audit).await.map_err(err)?;
        logins.push(Login {
            role: role.as_str().into(),
            username: (*username).into(),
            password,
            name: (*name).into(),
            what: (*what).into(),
        });
    }
    // The city cycle's subjects: the secretaries of the counties and
    // districts, the municipal departments, the organs work committee and
    // the stationed units.
    let kind_of: HashMap<&str, &str> = city.org_units.iter().map(|u| (u.code.as_str(), u.kind.as_str())).collect();
    let subjects: Vec<(PersonId, &str)> = city
        .people
        .iter()
        .filter(|p| p.post.contains("书记") && !p.post.contains("副书记") && !p.post.starts_with("副"))
        .filter_map(|p| {
            let category = match *kind_of.get(p.org.as_deref()?)? {
                "county_committee" => "county",
                "department_party_group" => "department",
                "organs_work_committee" => "direct",
                "stationed_unit" => "stationed",
                _ => return None,
            };
            Some((people[&p.name], category))
        })
        .collect();
    // Evaluators by group: city leaders, the county organization department
    // heads, and the deputies and representatives from outside the tree.
    let evaluators: Vec<(PersonId, &str)> = city
        .people
        .iter()
        .filter_map(|p| {
            let group = match p.org.as_deref() {
                Some("LG") => "leaders",
                Some(o) if kind_of.get(o) == Some(&"county_committee") && p.post.contains("组织部部长") => {
                    "unit_heads"
                }
                None if p.post.starts_with("市党代表") || p.post.contains("党代表") => "deputies",
                None if p.post.contains("人大代表") || p.post.contains("政协委员") => "representatives",
                None => "grassroots",
                _ => return None,
            };
            Some((people[&p.name], group))
        })
        .collect();
    // A grassroots evaluator without an account tries the personal link.
    let link_for = evaluators.iter().find(|(_, g)| *g == "grassroots").map(|(p, _)| *p);
    let (link_name, token) = seed_cycles(
        &svc,
        &db,
        &caller,
        units["LG"],
        Rosters { subjects: &subjects, evaluators: &evaluators },
        people["贾传峰"],
        link_for,
    )
    .await
    .map_err(err)?;
    logins.push(Login {
        role: "evaluator_link".into(),
        username: String::new(),
        password: format!("/k/{token}"),
        name: link_name,
        what: "a personal link (一人一码): open it on a phone".into(),
    });
    db.meta_set(DEMO_KEY, "1").await.map_err(err)?;
    db.meta_set(LOGINS_KEY, &serde_json::to_string(&logins).expect("json")).await.map_err(err)?;
    tracing::info!(city = %city.city, units = units.len(), people = people.len(), "demo data ready");
    Ok(logins)
}
