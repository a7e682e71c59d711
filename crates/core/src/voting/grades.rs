//! A subject's grades on a ballot: a grade code per item code.

use compact_str::CompactString;
use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use smallvec::SmallVec;
use std::fmt;

/// A subject's grade code per item code, sorted by item code; in JSON an
/// object, as a map would be (a key given twice keeps its last value).
///
/// Every final ballot holds one per subject (66 in a large meeting), parsed,
/// checked, hashed and dropped by the request. Schemes have few items
/// (usually one) and codes are short, so both are kept inline: a subject's
/// grades cost no allocation, where a map of strings cost three.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Grades(SmallVec<[Entry; 1]>);

/// An item code and its grade code.
type Entry = (CompactString, CompactString);

impl Grades {
    pub fn new() -> Self {
        Self::default()
    }

    /// The grade given for `item`.
    pub fn get(&self, item: &str) -> Option<&str> {
        self.find(item).ok().map(|i| self.0[i].1.as_str())
    }

    /// Set the grade for `item`, replacing any given before (one change;
    /// build from many with `collect`).
    pub fn insert(&mut self, item: impl Into<CompactString>, grade: impl Into<CompactString>) {
        let (item, grade) = (item.into(), grade.into());
        match self.find(&item) {
            Ok(i) => self.0[i].1 = grade,
            Err(i) => self.0.insert(i, (item, grade)),
        }
    }

    /// (item, grade), in item order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.into_iter()
    }

    /// The items graded, in order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(i, _)| i.as_str())
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn clear(&mut self) {
        self.0.clear();
    }

    /// Entries in the order given, sorted by item; of a repeated item the
    /// last given is kept.
    fn from_entries(mut entries: SmallVec<[Entry; 1]>) -> Self {
        // Stable: of equal keys, the last given comes last and is kept.
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        entries.dedup_by(|later, kept| {
            let same = later.0 == kept.0;
            if same {
                std::mem::swap(&mut kept.1, &mut later.1);
            }
            same
        });
        Self(entries)
    }

    fn find(&self, item: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|(i, _)| i.as_str().cmp(item))
    }
}

impl<K: Into<CompactString>, V: Into<CompactString>> FromIterator<(K, V)> for Grades {
    /// A key given twice keeps its last value. Sorted once at the end: a
    /// request can send many keys in any order (inserting each in place
    /// would take quadratic time).
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        Self::from_entries(iter.into_iter().map(|(k, v)| (k.into(), v.into())).collect())
    }
}

impl<'a> IntoIterator for &'a Grades {
    type Item = (&'a str, &'a str);
    type IntoIter = std::iter::Map<std::slice::Iter<'a, Entry>, fn(&'a Entry) -> (&'a str, &'a str)>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|(i, g)| (i.as_str(), g.as_str()))
    }
}

impl Serialize for Grades {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (item, grade) in self.iter() {
            m.serialize_entry(item, grade)?;
        }
        m.end()
    }
}

impl<'de> Deserialize<'de> for Grades {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Grades;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object of grade codes by item code")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Grades, A::Error> {
                // Inline for the usual one item: no allocation.
                let mut entries: SmallVec<[Entry; 1]> = SmallVec::new();
                while let Some(entry) = map.next_entry::<CompactString, CompactString>()? {
                    entries.push(entry);
                }
                Ok(Grades::from_entries(entries))
            }
        }
        d.deserialize_map(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn json_is_a_map_sorted_by_item_and_the_last_of_a_repeated_key_wins() {
        let g: Grades = serde_json::from_str(r#"{"work":"fair","overall":"good","work":"poor"}"#).unwrap();
        assert_eq!(g.iter().collect::<Vec<_>>(), [("overall", "good"), ("work", "poor")]);
        assert_eq!(g.get("work"), Some("poor"));
        assert_eq!(g.get("other"), None);
        let as_map: BTreeMap<String, String> =
            serde_json::from_str(r#"{"work":"fair","overall":"good","work":"poor"}"#).unwrap();
        assert_eq!(serde_json::to_string(&g).unwrap(), serde_json::to_string(&as_map).unwrap());
        assert!(serde_json::from_str::<Grades>(r#"["overall","good"]"#).is_err());
        assert!(serde_json::from_str::<Grades>(r#"{"overall":3}"#).is_err());
    }

    #[test]
    fn many_keys_in_any_order_read_as_a_map_reads_them() {
        // Reverse order and repeats: sorted once (inserting each in place
        // would be quadratic on a large body).
        let mut json = String::from("{");
        for i in (0..50_000).rev() {
            json.push_str(&format!("\"k{i:05}\":\"g{i}\",\"k{:05}\":\"x\",", i % 7));
        }
        json.push_str("\"k00003\":\"last\"}");
        let g: Grades = serde_json::from_str(&json).unwrap();
        let m: BTreeMap<String, String> = serde_json::from_str(&json).unwrap();
        assert_eq!(g.len(), m.len());
        assert!(g.iter().eq(m.iter().map(|(k, v)| (k.as_str(), v.as_str()))));
        assert_eq!(g.get("k00003"), Some("last"));
        assert_eq!(serde_json::to_string(&g).unwrap(), serde_json::to_string(&m).unwrap());
    }

    proptest::proptest! {
        #[test]
        fn json_is_the_json_of_a_map(pairs in proptest::collection::vec(("[a-zA-Z0-9_\\-\"\\\\ 好差]{0,30}", "[a-z\"\\\\\n了解]{0,30}"), 0..6)) {
            let m: BTreeMap<String, String> = pairs.iter().cloned().collect();
            let g: Grades = pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            proptest::prop_assert_eq!(serde_json::to_string(&g).unwrap(), serde_json::to_string(&m).unwrap());
            let back: Grades = serde_json::from_str(&serde_json::to_string(&m).unwrap()).unwrap();
            proptest::prop_assert_eq!(&back, &g);
            for (k, v) in &m {
                proptest::prop_assert_eq!(g.get(k), Some(v.as_str()));
            }
        }
    }

    #[test]
    fn codes_longer_than_inline_are_kept_whole() {
        let long = "a-very-long-item-code-beyond-twenty-four-bytes".repeat(3);
        let g: Grades = [(long.as_str(), "极好"), ("overall", "good")].into_iter().collect();
        assert_eq!(g.get(&long), Some("极好"));
        assert_eq!(
            g.keys().collect::<Vec<_>>(),
            ["a-very-long-item-code-beyond-twenty-four-bytes".repeat(3).as_str(), "overall"]
        );
        assert_eq!(g.len(), 2);
    }
}
