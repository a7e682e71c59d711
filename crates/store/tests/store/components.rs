//! The seam for score components: a source registered in the services
//! gives a component's values to the results, the export and the
//! assessment pages, with no change to the results code.

use kaoping_core::cycles::Cycle;
use kaoping_core::cycles::scheme::Component;
use kaoping_core::error::Result;
use kaoping_core::exact::Dec4;
use kaoping_core::ids::PersonId;
use kaoping_core::ports::RosterStore;
use kaoping_core::results::assessment::Assessment;
use kaoping_core::results::components::ComponentSource;
use std::collections::HashMap;
use std::sync::Arc;

/// An observation score computed elsewhere: 77.5 for every subject on the
/// cycle's roster, read from the store the source holds.
struct Observed(kaoping_store::Db);

#[async_trait::async_trait]
impl ComponentSource for Observed {
    fn component(&self) -> Component {
        Component::Observation
    }

    fn entered(&self) -> bool {
        false
    }

    async fn values(&self, cycle: &Cycle, _: &[Assessment]) -> Result<HashMap<PersonId, Dec4>> {
        let subjects = self.0.subject_list(cycle.id).await?;
        Ok(subjects.into_iter().map(|s| (s.person_id, Dec4::parse("77.5").unwrap())).collect())
    }
}

#[tokio::test]
async fn a_registered_source_gives_its_component_to_results_and_pages() {
    let (w, zzb, cy, s, sessions) = crate::voting::setup_n("named", 2).await;
    let svc = w.svc.clone().with_component_source(Arc::new(Observed(w.t.db.clone())));
    assert!(
        !svc.results.component_entered(Component::Observation) && svc.results.component_entered(Component::Routine)
    );
    // Entered values are taken; a value typed for the computed one is not.
    let mut a = Assessment::new(PersonId(s[0]));
    a.set(Component::Routine, Some(Dec4::from_int(88)));
    a.set(Component::Observation, Some(Dec4::from_int(10)));
    svc.results.assessments_save(&zzb, cy, vec![a]).await.unwrap();
    let (_, rows) = svc.results.assessments(&zzb, cy).await.unwrap();
    for (subject, x) in &rows {
        assert_eq!(x.value(Component::Observation), Some(Dec4::parse("77.5").unwrap()), "{}", subject.person_name);
    }
    let first = rows.iter().find(|(sub, _)| sub.person_id.0 == s[0]).unwrap();
    assert_eq!(first.1.value(Component::Routine), Some(Dec4::from_int(88)));
    // The services without the source still see what was entered by hand.
    let (_, plain) = w.svc.results.assessments(&zzb, cy).await.unwrap();
    assert!(plain.iter().all(|(_, x)| x.value(Component::Observation).is_none()));
    // The export (and so the results) carry the computed values.
    w.svc.voting.voting_set(&zzb, cy, true).await.unwrap();
    for (i, t) in sessions.iter().enumerate() {
        let r = w.svc.reports.reader_from_link(t, None).await.unwrap().unwrap();
        let m = crate::voting::marks(&[(s[0], "good"), (s[1], "fair")]);
        w.svc.voting.ballot_submit(&r, &format!("components-key-{i:04}"), m).await.unwrap();
    }
    w.svc.voting.voting_set(&zzb, cy, false).await.unwrap();
    let e = svc.results.cycle_export(&zzb, cy, false).await.unwrap();
    let observed = &e.components["observation"];
    assert_eq!(observed.len(), rows.len());
    assert!(observed.values().all(|v| *v == Dec4::parse("77.5").unwrap().as_frac()));
    assert_eq!(e.components["routine"].len(), 1);
}
