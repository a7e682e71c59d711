//! The web crate's house rules (docs/architecture.md, "The house"): every
//! source file is shared infrastructure or inside a feature folder, none is
//! over 500 lines, no two features import each other, directly or round a
//! longer circle, and none reaches the store but through the services.

#[path = "support/files.rs"]
mod files;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The shared infrastructure at the top of `src`; everything else is a feature folder.
const SHARED: &[&str] = &[
    "lib.rs",
    "app.rs",
    "ctx.rs",
    "error.rs",
    "i18n.rs",
    "middleware.rs",
    "serve.rs",
    "sheet.rs",
    "table.rs",
    "urlform.rs",
    "views.rs",
    "api",
];
const MAX_LINES: usize = 500;

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    files::files(dir, "rs")
}

fn features() -> Vec<String> {
    std::fs::read_dir(src())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .filter(|n| !SHARED.contains(&n.as_str()))
        .collect()
}

#[test]
fn every_file_is_shared_infrastructure_or_in_a_feature_folder() {
    for e in std::fs::read_dir(src()).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        if p.is_dir() {
            assert!(SHARED.contains(&name.as_str()) || p.join("mod.rs").exists(), "{name}/ has no mod.rs");
        } else {
            assert!(SHARED.contains(&name.as_str()), "{name} is neither listed as shared nor in a feature folder");
        }
    }
    assert!(features().len() >= 10, "{:?}", features());
}

#[test]
fn no_source_file_is_over_500_lines() {
    for f in rust_files(&src()) {
        let lines = std::fs::read_to_string(&f).unwrap().lines().count();
        assert!(lines <= MAX_LINES, "{} has {lines} lines", f.display());
    }
}

/// Which features each feature's files name (`crate::<feature>::`).
fn imports() -> BTreeMap<String, BTreeSet<String>> {
    let features = features();
    let mut g = BTreeMap::new();
    for f in &features {
        let mut uses = BTreeSet::new();
        for file in rust_files(&src().join(f)) {
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

#[test]
fn shared_infrastructure_uses_no_feature() {
    let features = features();
    // The registry (app.rs, lib.rs) is the one shared place that names features.
    for file in rust_files(&src()) {
        let rel = file.strip_prefix(src()).unwrap();
        let top = rel.components().next().unwrap().as_os_str().to_string_lossy().into_owned();
        if !SHARED.contains(&top.as_str()) || top == "app.rs" || top == "lib.rs" {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        for f in &features {
            assert!(!text.contains(&format!("crate::{f}::")), "{} (shared) uses the feature {f}", rel.display());
        }
    }
}

#[test]
fn features_do_not_import_each_other_in_a_circle() {
    let g = imports();
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
    let mut done = BTreeSet::new();
    for n in g.keys() {
        if let Some(circle) = visit(n, &g, &mut Vec::new(), &mut done) {
            panic!("features import each other in a circle: {}", circle.join(" → "));
        }
    }
}

#[test]
fn pages_and_the_api_reach_the_store_only_through_the_services() {
    for f in rust_files(&src()) {
        let text = std::fs::read_to_string(&f).unwrap();
        assert!(!text.contains("services.store"), "{} uses the store directly", f.display());
    }
}
