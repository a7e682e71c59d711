//! The seam for the composite's components besides the democratic score
//! (`scoring.md` §5): each is provided by a [`ComponentSource`] that yields
//! a value (0–100) per subject of a cycle; a source holds whatever it reads
//! them from. The results, the export and the
//! assessment pages read components only through the sources registered in
//! the services, so a module that computes one (on-site observation, 双报到)
//! registers its source with [`Services::with_component_source`] and edits
//! nothing here.

use crate::cycles::Cycle;
use crate::cycles::scheme::Component;
use crate::error::Result;
use crate::exact::Dec4;
use crate::ids::PersonId;
use crate::results::assessment::Assessment;
use crate::results::service::ResultService;
use async_trait::async_trait;
use std::collections::HashMap;
use std::sync::Arc;

/// Where one component's values come from.
#[async_trait]
pub trait ComponentSource: Send + Sync {
    /// The component it provides.
    fn component(&self) -> Component;

    /// Whether organizers enter it (the assessment page and sheet take it);
    /// a computed component is shown there, not entered.
    fn entered(&self) -> bool;

    /// The values for the subjects of `cycle` that have one. `entered`: the
    /// cycle's entered assessments, read once for all sources.
    async fn values(&self, cycle: &Cycle, entered: &[Assessment]) -> Result<HashMap<PersonId, Dec4>>;
}

/// A component entered by hand or imported (its column of the assessments).
pub struct Entered(pub Component);

#[async_trait]
impl ComponentSource for Entered {
    fn component(&self) -> Component {
        self.0
    }

    fn entered(&self) -> bool {
        true
    }

    async fn values(&self, _: &Cycle, entered: &[Assessment]) -> Result<HashMap<PersonId, Dec4>> {
        Ok(entered.iter().filter_map(|a| Some((a.subject, a.value(self.0)?))).collect())
    }
}

/// `all` with `source` in place of the one of its component, in component
/// order.
pub(crate) fn replace(
    all: &[Arc<dyn ComponentSource>],
    source: Arc<dyn ComponentSource>,
) -> Vec<Arc<dyn ComponentSource>> {
    let mut out: Vec<Arc<dyn ComponentSource>> =
        all.iter().filter(|s| s.component() != source.component()).cloned().collect();
    out.push(source);
    out.sort_by_key(|s| s.component());
    out
}

/// The sources until a module registers its own: every component entered.
pub fn entered_sources() -> Vec<Arc<dyn ComponentSource>> {
    Component::ALL
        .into_iter()
        .filter(|c| *c != Component::Democratic)
        .map(|c| Arc::new(Entered(c)) as Arc<dyn ComponentSource>)
        .collect()
}

impl ResultService {
    /// The registered sources, in component order.
    pub fn component_sources(&self) -> &[Arc<dyn ComponentSource>] {
        &self.components
    }

    /// Whether organizers enter `c` by hand.
    pub fn component_entered(&self, c: Component) -> bool {
        self.components.iter().any(|s| s.component() == c && s.entered())
    }

    /// Every component value of the cycle's subjects, from the sources.
    pub(crate) async fn component_values(
        &self,
        cycle: &Cycle,
        entered: &[Assessment],
    ) -> Result<HashMap<(PersonId, Component), Dec4>> {
        let mut out = HashMap::new();
        for s in self.components.iter() {
            for (p, v) in s.values(cycle, entered).await? {
                out.insert((p, s.component()), v);
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entered_sources_cover_every_component_but_the_democratic_score() {
        let got: Vec<Component> = entered_sources().iter().map(|s| s.component()).collect();
        assert_eq!(got, [Component::Routine, Component::Observation, Component::Service]);
        assert!(entered_sources().iter().all(|s| s.entered()));
    }
}
