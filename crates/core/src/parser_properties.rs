//! Property tests of the parsers that read what users and files send: a
//! ballot's marks (JSON), the scheme (JSON), cycle exports, fractions and
//! decimals. 100,000 cases each: none may panic, and what parses behaves.

use crate::cycles::scheme::Scheme;
use crate::exact::{Dec4, Frac};
use crate::results::export::Export;
use crate::voting::ballot::{MarkInput, ScopeSubject, check_final};
use proptest::prelude::*;

const CASES: u32 = 100_000;

/// Text that looks like the input more often than not.
fn numberish() -> impl Strategy<Value = String> {
    prop_oneof!["[-+]?[0-9]{0,25}(\\.[0-9]{0,8})?(/[-+]?[0-9]{0,25})?", "[-0-9./ eE+]{0,30}", any::<String>(),]
}

/// JSON-ish text around the shapes the parsers expect.
fn jsonish() -> impl Strategy<Value = String> {
    let atom = prop_oneof![
        Just("null".to_string()),
        Just("true".to_string()),
        "-?[0-9]{1,22}",
        "\"[a-z_好差 \\\\\"]{0,12}\"",
        Just("\"overall\"".to_string()),
        Just("\"good\"".to_string()),
    ];
    atom.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(|v| format!("[{}]", v.join(","))),
            prop::collection::vec(
                (
                    prop_oneof![
                        Just("subject".to_string()),
                        Just("grades".to_string()),
                        Just("abstain".to_string()),
                        Just("remark".to_string()),
                        Just("points".to_string()),
                        Just("weight".to_string()),
                        "[a-z_]{1,10}",
                    ],
                    inner
                ),
                0..6
            )
            .prop_map(|v| format!(
                "{{{}}}",
                v.iter().map(|(k, x)| format!("\"{k}\":{x}")).collect::<Vec<_>>().join(",")
            )),
        ]
    })
}

fn scope() -> Vec<ScopeSubject> {
    (1..=5)
        .map(|id| ScopeSubject {
            id,
            name: format!("s{id}"),
            category: if id % 2 == 0 { "county".into() } else { "department".into() },
            category_name: String::new(),
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: CASES, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn fractions_parse_without_panic_and_round_trip(s in numberish()) {
        if let Ok(f) = Frac::parse(&s) {
            prop_assert_eq!(Frac::parse(&f.to_string()), Ok(f));
            // Comparisons of parsed values never overflow.
            let _ = f < Frac::ONE && f > Frac::ZERO;
        }
    }

    #[test]
    fn decimals_parse_without_panic_and_round_trip(s in numberish()) {
        if let Ok(d) = Dec4::parse(&s) {
            prop_assert_eq!(Dec4::parse(&d.to_string()), Ok(d));
        }
    }

    #[test]
    fn ballot_json_is_parsed_and_checked_without_panic(json in jsonish()) {
        let scheme = Scheme::default_for(&["county".into(), "department".into()]);
        if let Ok(marks) = serde_json::from_str::<Vec<MarkInput>>(&json)
            && let Ok(checked) = check_final(&scheme, &scope(), marks)
        {
            // Whatever passes the checks covers the scope exactly.
            prop_assert_eq!(checked.marks.len(), scope().len());
        }
    }

    #[test]
    fn scheme_and_export_json_are_validated_without_panic(json in jsonish(), weight in any::<i64>(), points in any::<i64>()) {
        if let Ok(s) = serde_json::from_str::<Scheme>(&json) {
            let _ = s.validate(&["county".into()]);
        }
        if let Ok(e) = serde_json::from_str::<Export>(&json) {
            let _ = crate::results::export::validate(&e);
        }
        // Any numbers in a well-formed scheme: validated, never overflowing.
        let mut s = Scheme::default_for(&["county".into()]);
        s.items[0].weight = Dec4(weight);
        s.grades[0].points = Dec4(points);
        s.groups[0].weight = Dec4(weight);
        let valid = s.validate(&["county".into()]).is_ok();
        prop_assert!(!valid || (weight == 10_000 && (0..=1_000_000).contains(&points)));
    }
}
