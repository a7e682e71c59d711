//! The house rules (docs/architecture.md, "The house") for the crates
//! built by feature — `core`, `store` and `web`: every source file is shared
//! infrastructure or inside a feature folder, none is over 500 lines, no two
//! features import each other, directly or round a longer circle, and no web
//! page or API reaches the store but through the services.

#[path = "support/files.rs"]
mod files;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A crate built by feature: its name and the shared infrastructure at the
/// top of its `src` (files and folders); everything else is a feature folder.
struct House {
    name: &'static str,
    shared: &'static [&'static str],
}

const HOUSES: &[House] = &[
    House {
        name: "core",
        shared: &[
            "lib.rs",
            "error.rs",
            "exact.rs",
            "files.rs",
            "ids.rs",
            "notify.rs",
            "parser_properties.rs",
            "ports.rs",
            "secrets.rs",
            "services",
            "sheet_row_properties.rs",
            "sheet_rows.rs",
            "sortkey.rs",
            "time.rs",
        ],
    },
    House {
        name: "store",
        shared: &[
            "lib.rs",
            "convert.rs",
            "entity.rs",
            "events.rs",
            "meta.rs",
            "migration",
            "subtree.rs",
            "testing.rs",
            "txn.rs",
        ],
    },
    House {
        name: "web",
        shared: &[
            "lib.rs",
            "app.rs",
            "ctx.rs",
            "error.rs",
            "form.rs",
            "i18n.rs",
            "middleware.rs",
            "serve.rs",
            "sheet.rs",
            "table.rs",
            "views.rs",
            "api",
        ],
    },
];
const MAX_LINES: usize = 500;

impl House {
    fn src(&self) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(self.name).join("src")
    }

    fn features(&self) -> Vec<String> {
        std::fs::read_dir(self.src())
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_dir())
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .filter(|n| !self.shared.contains(&n.as_str()))
            .collect()
    }

    /// Which features each feature's files name (`crate::<feature>`).
    fn imports(&self) -> BTreeMap<String, BTreeSet<String>> {
        let features = self.features();
        let mut g = BTreeMap::new();
        for f in &features {
            let mut uses = BTreeSet::new();
            for file in rust_files(&self.src().join(f)) {
                let text = std::fs::read_to_string(&file).unwrap();
                for part in text.split("crate::").skip(1) {
                    let name: String = part.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
                    if name != *f && features.contains(&name) {
                        uses.insert(name);
                    }
                }
            }
            g.insert(f.clone(), uses);
        }
        g
    }
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    files::files(dir, "rs")
}

#[test]
fn every_file_is_shared_infrastructure_or_in_a_feature_folder() {
    for house in HOUSES {
        for e in std::fs::read_dir(house.src()).unwrap() {
            let p = e.unwrap().path();
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            let shared = house.shared.contains(&name.as_str());
            if p.is_dir() {
                assert!(shared || p.join("mod.rs").exists(), "{}: {name}/ has no mod.rs", house.name);
            } else {
                assert!(shared, "{}: {name} is neither listed as shared nor in a feature folder", house.name);
            }
        }
        assert!(house.features().len() >= 9, "{}: {:?}", house.name, house.features());
        for name in house.shared {
            assert!(house.src().join(name).exists(), "{}: the shared {name} does not exist", house.name);
        }
    }
}

#[test]
fn no_source_file_is_over_500_lines() {
    for house in HOUSES {
        for f in rust_files(&house.src()) {
            let lines = std::fs::read_to_string(&f).unwrap().lines().count();
            assert!(lines <= MAX_LINES, "{} has {lines} lines", f.display());
        }
    }
}

#[test]
fn shared_infrastructure_uses_no_feature() {
    // The registries (lib.rs, and app.rs, ports.rs, entity.rs and the
    // services' facade) are the shared places that name features, and the
    // property tests (test builds only) read every feature's parsers.
    const REGISTRIES: &[&str] =
        &["lib.rs", "app.rs", "ports.rs", "entity.rs", "services", "parser_properties.rs", "sheet_row_properties.rs"];
    for house in HOUSES {
        let features = house.features();
        for file in rust_files(&house.src()) {
            let rel = file.strip_prefix(house.src()).unwrap();
            let top = rel.components().next().unwrap().as_os_str().to_string_lossy().into_owned();
            if !house.shared.contains(&top.as_str()) || REGISTRIES.contains(&top.as_str()) {
                continue;
            }
            let text = std::fs::read_to_string(&file).unwrap();
            for f in &features {
                assert!(
                    !text.contains(&format!("crate::{f}::")),
                    "{}: {} (shared) uses the feature {f}",
                    house.name,
                    rel.display()
                );
            }
        }
    }
}

#[test]
fn features_do_not_import_each_other_in_a_circle() {
    // Depth-first search for a back edge; the path to it is the circle.
    fn visit(
        n: &str,
        g: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(i) = path.iter().position(|p| p == n) {
            let mut circle = path[i..].to_vec();
            circle.push(n.to_string());
            return Some(circle);
        }
        if done.contains(n) {
            return None;
        }
        path.push(n.to_string());
        for m in &g[n] {
            if let Some(c) = visit(m, g, path, done) {
                return Some(c);
            }
        }
        path.pop();
        done.insert(n.to_string());
        None
    }
    for house in HOUSES {
        let g = house.imports();
        let mut done = BTreeSet::new();
        for n in g.keys() {
            if let Some(circle) = visit(n, &g, &mut Vec::new(), &mut done) {
                panic!("{}: features import each other in a circle: {}", house.name, circle.join(" → "));
            }
        }
    }
}

#[test]
fn pages_and_the_api_reach_the_store_only_through_the_services() {
    // The services keep the store private; `web` builds without the store
    // crate and names no port, so a page cannot go around a service.
    let manifest = std::fs::read_to_string(HOUSES[2].src().join("../Cargo.toml")).unwrap();
    let deps = manifest.split("[dependencies]").nth(1).unwrap().split("\n[").next().unwrap();
    assert!(!deps.contains("kaoping-store"), "web depends on the store crate");
    for f in rust_files(&HOUSES[2].src()) {
        let text = std::fs::read_to_string(&f).unwrap();
        let port = text
            .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
            .find(|w| w.len() > 5 && w.ends_with("Store") && w.starts_with(|c: char| c.is_ascii_uppercase()));
        assert!(!text.contains("ports::Store"), "{} names the store", f.display());
        assert!(port.is_none(), "{} names the storage port {port:?}", f.display());
    }
}
