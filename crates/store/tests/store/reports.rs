//! Personal links, written reports and reading, through the services.

use crate::{input, organizer, root, world};
use kaoping_core::accounts::Role;
use kaoping_core::accounts::scope::Actor;
use kaoping_core::cycles::roster::SubjectInput;
use kaoping_core::cycles::{CycleInput, CycleSettingsInput, Phase};
use kaoping_core::error::CoreError;
use kaoping_core::ids::{AccountId, PersonId};
use kaoping_core::people::PersonInput;
use kaoping_core::reports::{AttachmentChange, NewAttachment, ReportStatus};
use kaoping_core::services::{Caller, IssueFor, ReportSave};

fn person_caller(id: PersonId, role: Role) -> Caller {
    Caller {
        actor: Actor {
            account_id: AccountId(0),
            person_id: id,
            username: format!("p{id}"),
            display_name: format!("person {id}"),
            post: String::new(),
            unit_name: None,
            roles: [role].into(),
            scopes: vec![],
        },
        client: Some("10.0.0.9".into()),
    }
}

fn save(body: &str, submit: bool) -> ReportSave {
    ReportSave { body_html: body.into(), attachment: AttachmentChange::Keep, submit }
}

#[tokio::test]
async fn reports_are_written_submitted_reviewed_and_read_within_scope() {
    let w = world().await;
    let c = root();
    let city = w.svc.org.org_create(&c, None, &input("LG", "琅港市委", "city_committee")).await.unwrap();
    let a = w.svc.org.org_create(&c, Some(city.id), &input("A", "甲区委", "county_committee")).await.unwrap();
    let mk = |name: &str| PersonInput { name: name.into(), org_unit_id: Some(a.id.to_string()), ..Default::default() };
    let sec_a = w.svc.people.person_create(&c, &mk("甲书记"), None).await.unwrap();
    let sec_b = w.svc.people.person_create(&c, &mk("乙书记"), None).await.unwrap();
    let deputy = w
        .svc
        .people
        .person_create(&c, &PersonInput { name: "党代表甲".into(), ..Default::default() }, Some(city.id))
        .await
        .unwrap();
    let zzb = organizer(&[&city]);
    let ao = organizer(&[&a]);
    let cy = w
        .svc
        .cycles
        .cycle_create(&zzb, city.id, &CycleInput { name: "2026".into(), year: "2026".into(), ballot_mode: None }, None)
        .await
        .unwrap();
    for s in [&sec_a, &sec_b] {
        let si = SubjectInput { person_id: s.id.to_string(), category: "county".into(), mode: None, post: None };
        w.svc.cycles.subject_add(&zzb, cy.id, &si).await.unwrap();
    }
    // Secretary B also evaluates: never themself.
    w.svc.cycles.evaluator_add(&zzb, cy.id, &deputy.id.to_string(), "all").await.unwrap();
    w.svc.cycles.evaluator_add(&zzb, cy.id, &sec_b.id.to_string(), "all").await.unwrap();
    let settings = CycleSettingsInput {
        report_deadline: "2026-12-20".into(),
        min_read_seconds: "45".into(),
        report_template: "一、职责\n二、成效".into(),
    };
    w.svc.reports.cycle_set_settings(&zzb, cy.id, &settings).await.unwrap();
    assert!(matches!(w.svc.reports.cycle_set_settings(&ao, cy.id, &settings).await, Err(CoreError::Forbidden)));

    // The subject writes (script stripped), saves a draft, then submits.
    let me = person_caller(sec_a.id, Role::Subject);
    let other = person_caller(deputy.id, Role::Subject);
    assert!(matches!(w.svc.reports.my_report(&other, cy.id).await, Err(CoreError::Forbidden)));
    let r = w
        .svc
        .reports
        .report_save(&me, cy.id, save("<h3>一、职责</h3><p>抓<script>x()</script>党建</p>", false))
        .await
        .unwrap();
    assert_eq!((r.status, r.version, r.body_html.as_str()), (ReportStatus::Draft, 1, "<h3>一、职责</h3><p>抓党建</p>"));
    let e = w.svc.reports.report_save(&me, cy.id, save("<p> </p>", true)).await.unwrap_err();
    assert!(matches!(e, CoreError::Invalid(ref f) if f[0].msg.key == "err-report-empty"), "{e:?}");
    let file = NewAttachment {
        digest: "ab".repeat(32),
        name: "述职报告.pdf".into(),
        media_type: "application/pdf".into(),
        data: b"%PDF-1.4 test".to_vec(),
        text: String::new(),
    };
    let upload = ReportSave {
        body_html: "<p>抓党建促发展</p>".into(),
        attachment: AttachmentChange::Replace(file),
        submit: true,
    };
    let r = w.svc.reports.report_save(&me, cy.id, upload).await.unwrap();
    assert_eq!((r.status, r.version), (ReportStatus::Submitted, 2));
    assert!(r.submitted_at.is_some());
    assert!(matches!(
        w.svc.reports.report_save(&me, cy.id, save("<p>改</p>", false)).await,
        Err(CoreError::Conflict(_))
    ));
    let (name, blob) = w.svc.reports.report_file(&me, cy.id, sec_a.id).await.unwrap();
    assert_eq!((name.as_str(), blob.data.as_slice()), ("述职报告.pdf", b"%PDF-1.4 test".as_slice()));

    // The organizer returns it with a comment; it can be revised and resubmitted, then accepted.
    assert!(matches!(w.svc.reports.report_review(&zzb, cy.id, sec_a.id, false, " ").await, Err(CoreError::Invalid(_))));
    assert!(matches!(w.svc.reports.report_review(&ao, cy.id, sec_a.id, true, "").await, Err(CoreError::Forbidden)));
    let r = w.svc.reports.report_review(&zzb, cy.id, sec_a.id, false, "请补充存在问题").await.unwrap();
    assert_eq!((r.status, r.review_comment.as_deref()), (ReportStatus::Returned, Some("请补充存在问题")));
    w.svc.reports.report_save(&me, cy.id, save("<p>抓党建促发展。存在问题：……</p>", true)).await.unwrap();
    let r = w.svc.reports.report_review(&zzb, cy.id, sec_a.id, true, "").await.unwrap();
    assert_eq!((r.status, r.version), (ReportStatus::Accepted, 5));
    assert_eq!(r.attachment.as_ref().map(|a| a.size), Some(13));
    let mine = w.svc.reports.my_report(&me, cy.id).await.unwrap();
    assert_eq!(mine.versions.iter().map(|v| v.version).collect::<Vec<_>>(), [5, 4, 3, 2, 1]);
    assert_eq!(mine.versions[2].comment.as_deref(), Some("请补充存在问题"));
    let subs = w.svc.reports.submissions(&zzb, cy.id).await.unwrap();
    assert_eq!(subs.rows.len(), 2);
    assert!(subs.rows[1].1.is_none());

    // Links: issued once per evaluator, exchanged for reader sessions, revocable.
    let issued = w.svc.reports.links_issue(&zzb, cy.id, IssueFor::Missing).await.unwrap();
    assert_eq!(issued.len(), 2);
    assert!(issued.iter().all(|l| l.token.len() == 40));
    assert!(w.svc.reports.links_issue(&zzb, cy.id, IssueFor::Missing).await.unwrap().is_empty());
    assert!(matches!(w.svc.reports.links_issue(&ao, cy.id, IssueFor::All).await, Err(CoreError::Forbidden)));
    let b_token = &issued.iter().find(|l| l.person_id == sec_b.id).unwrap().token;
    let (session, cid) = w.svc.reports.link_exchange(b_token, None).await.unwrap();
    assert_eq!(cid, cy.id);
    // Reusable: WeChat may have opened it first.
    w.svc.reports.link_exchange(b_token, None).await.unwrap();
    assert!(matches!(w.svc.reports.link_exchange("f".repeat(40).as_str(), None).await, Err(CoreError::NotFound(_))));
    let reader = w.svc.reports.reader_from_link(&session, None).await.unwrap().unwrap();
    assert_eq!(reader.person_id, sec_b.id);

    // B reads A (in scope) but never themself.
    let list = w.svc.reports.reading_list(&reader).await.unwrap();
    assert_eq!(list.subjects.iter().map(|s| s.person_id).collect::<Vec<_>>(), [sec_a.id]);
    assert!(matches!(w.svc.reports.reading_page(&reader, sec_b.id).await, Err(CoreError::Forbidden)));
    let page = w.svc.reports.reading_page(&reader, sec_a.id).await.unwrap();
    assert!(page.report.is_some());
    w.svc.reports.reading_ping(&reader, sec_a.id, 25).await.unwrap();
    w.svc.reports.reading_ping(&reader, sec_a.id, 999).await.unwrap();
    let n = w.svc.reports.note_add(&reader, sec_a.id, "抓党建促发展", "具体成效不足").await.unwrap();
    w.svc.reports.note_add(&reader, sec_a.id, "", "总体较好").await.unwrap();
    assert!(matches!(w.svc.reports.note_add(&reader, sec_a.id, " ", " ").await, Err(CoreError::Invalid(_))));
    w.svc.reports.note_update(&reader, n.id, "具体成效举例不足").await.unwrap();
    let (_, notes) = w.svc.reports.my_notes(&reader).await.unwrap();
    assert_eq!(notes[0].1.len(), 2);
    assert_eq!(notes[0].1[0].body, "具体成效举例不足");

    // Another evaluator cannot touch B's notes.
    let (s2, _) = w
        .svc
        .reports
        .link_exchange(&issued.iter().find(|l| l.person_id == deputy.id).unwrap().token, None)
        .await
        .unwrap();
    let deputy_reader = w.svc.reports.reader_from_link(&s2, None).await.unwrap().unwrap();
    assert!(matches!(w.svc.reports.note_delete(&deputy_reader, n.id).await, Err(CoreError::NotFound(_))));
    assert!(w.svc.reports.my_notes(&deputy_reader).await.unwrap().1.is_empty());

    // Coverage: B opened and read A's report for 55 s ≥ 45 s; the deputy has not.
    let (_, cov) = w.svc.reports.reading_coverage(&zzb, cy.id).await.unwrap();
    let b = cov.iter().find(|c| c.person_id == sec_b.id).unwrap();
    assert_eq!((b.available, b.opened, b.read, b.notes, b.seconds), (1, 1, 1, 2, 55));
    let d = cov.iter().find(|c| c.person_id == deputy.id).unwrap();
    assert_eq!((d.available, d.opened, d.read), (1, 0, 0));

    // Re-issuing revokes the old link and its sessions.
    w.svc.reports.links_issue(&zzb, cy.id, IssueFor::One(sec_b.id)).await.unwrap();
    assert!(w.svc.reports.reader_from_link(&session, None).await.unwrap().is_none());
    let e = w.svc.reports.link_exchange(b_token, None).await.unwrap_err();
    assert!(matches!(e, CoreError::Conflict(ref m) if m.key == "err-link-revoked"));
    w.svc.reports.link_revoke(&zzb, cy.id, deputy.id).await.unwrap();
    assert!(w.svc.reports.reader_from_link(&s2, None).await.unwrap().is_none());
    assert!(matches!(w.svc.reports.link_revoke(&zzb, cy.id, deputy.id).await, Err(CoreError::NotFound(_))));

    // Links expire when the cycle leaves evaluation.
    let fresh = w.svc.reports.links_issue(&zzb, cy.id, IssueFor::One(deputy.id)).await.unwrap();
    w.svc.cycles.cycle_advance(&zzb, cy.id, Phase::Reporting).await.unwrap();
    w.svc.cycles.cycle_advance(&zzb, cy.id, Phase::Evaluation).await.unwrap();
    let (s3, _) = w.svc.reports.link_exchange(&fresh[0].token, None).await.unwrap();
    assert!(matches!(
        w.svc.reports.report_save(&me, cy.id, save("<p>x</p>", false)).await,
        Err(CoreError::Conflict(_))
    ));
    w.svc.cycles.cycle_advance(&zzb, cy.id, Phase::Tally).await.unwrap();
    assert!(w.svc.reports.reader_from_link(&s3, None).await.unwrap().is_none());
    let e = w.svc.reports.link_exchange(&fresh[0].token, None).await.unwrap_err();
    assert!(matches!(e, CoreError::Conflict(ref m) if m.key == "err-link-expired"));
}

#[tokio::test]
async fn copying_a_cycle_copies_its_rosters_and_settings_but_not_the_deadline() {
    let w = world().await;
    let c = root();
    let city = w.svc.org.org_create(&c, None, &input("LG", "琅港市委", "city_committee")).await.unwrap();
    let p = w
        .svc
        .people
        .person_create(&c, &PersonInput { name: "甲".into(), ..Default::default() }, Some(city.id))
        .await
        .unwrap();
    let zzb = organizer(&[&city]);
    let ci = |y: &str| CycleInput { name: y.into(), year: y.into(), ballot_mode: None };
    let old = w.svc.cycles.cycle_create(&zzb, city.id, &ci("2025"), None).await.unwrap();
    let si = SubjectInput { person_id: p.id.to_string(), category: "county".into(), mode: None, post: None };
    w.svc.cycles.subject_add(&zzb, old.id, &si).await.unwrap();
    w.svc.cycles.evaluator_add(&zzb, old.id, &p.id.to_string(), "all").await.unwrap();
    let settings = CycleSettingsInput {
        report_deadline: "2025-12-20".into(),
        min_read_seconds: "120".into(),
        report_template: "甲\n乙".into(),
    };
    w.svc.reports.cycle_set_settings(&zzb, old.id, &settings).await.unwrap();
    let p2 = w
        .svc
        .people
        .person_create(&c, &PersonInput { name: "乙".into(), ..Default::default() }, Some(city.id))
        .await
        .unwrap();
    let si2 = SubjectInput { person_id: p2.id.to_string(), category: "county".into(), mode: None, post: None };
    w.svc.cycles.subject_add(&zzb, old.id, &si2).await.unwrap();
    // Reorder by hand: 乙 first.
    let second = w.svc.cycles.subjects_list(&zzb, old.id).await.unwrap()[1].id;
    w.svc.cycles.subject_move(&zzb, old.id, second, true).await.unwrap();
    w.svc.cycles.subject_move(&zzb, old.id, second, true).await.unwrap(); // already first: no change
    let names: Vec<String> =
        w.svc.cycles.subjects_list(&zzb, old.id).await.unwrap().into_iter().map(|s| s.person_name).collect();
    assert_eq!(names, ["乙", "甲"]);
    let new = w.svc.cycles.cycle_create(&zzb, city.id, &ci("2026"), Some(old.id)).await.unwrap();
    let copied: Vec<String> =
        w.svc.cycles.subjects_list(&zzb, new.id).await.unwrap().into_iter().map(|s| s.person_name).collect();
    assert_eq!(copied, ["乙", "甲"], "the order is copied too");
    assert_eq!(w.svc.cycles.evaluators_list(&zzb, new.id).await.unwrap().len(), 1);
    assert_eq!((new.settings.min_read_seconds, new.settings.report_template.len()), (120, 2));
    assert_eq!(new.settings.report_deadline, None);
}
