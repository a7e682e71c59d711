//! The workbooks we write are real files that LibreOffice opens: each is
//! converted to CSV by `soffice --headless` and compared with what was written.
//! `./scripts/test` installs LibreOffice and sets KAOPING_REQUIRE_LIBREOFFICE,
//! so there the test cannot pass without it.

mod sheet;

use kaoping_office::{Column, write_xlsx};
use std::process::Command;

fn soffice() -> Option<&'static str> {
    ["soffice", "libreoffice"]
        .into_iter()
        .find(|c| Command::new(c).arg("--version").output().is_ok_and(|o| o.status.success()))
}

/// LibreOffice, or None (and a note) where it is not installed and not required.
pub(crate) fn soffice_or_skip() -> Option<&'static str> {
    let bin = soffice();
    if bin.is_none() {
        assert!(
            std::env::var("KAOPING_REQUIRE_LIBREOFFICE").is_err(),
            "LibreOffice (soffice) is required here but not installed"
        );
        eprintln!("LibreOffice is not installed: the conversion check did not run");
    }
    bin
}

#[test]
fn libreoffice_opens_our_workbooks() {
    let Some(bin) = soffice_or_skip() else { return };
    let dir = tempfile::tempdir().unwrap();
    let cols = vec![
        Column::new("组织代码", 16.0),
        Column::new("组织名称", 36.0),
        Column::new("组织类型", 24.0).choices(vec!["县市区委".into(), "其他".into()]),
        Column::new("排序", 8.0).numeric(),
    ];
    let rows = vec![
        vec!["LG".to_string(), "中共琅港市委员会".into(), "其他".into(), "1".into()],
        vec!["LG-ZS".to_string(), "琅港市芝山区委".into(), "县市区委".into(), "2".into()],
    ];
    let xlsx = dir.path().join("units.xlsx");
    std::fs::write(&xlsx, write_xlsx("组织机构", &cols, &rows).unwrap()).unwrap();
    let profile = format!("-env:UserInstallation=file://{}/profile", dir.path().display());
    let out = Command::new(bin)
        .args([profile.as_str(), "--headless", "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir"])
        .arg(dir.path())
        .arg(&xlsx)
        .output()
        .unwrap();
    assert!(out.status.success(), "soffice failed: {}", String::from_utf8_lossy(&out.stderr));
    let csv = std::fs::read_to_string(dir.path().join("units.csv")).expect("LibreOffice wrote the CSV");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines,
        ["组织代码,组织名称,组织类型,排序", "LG,中共琅港市委员会,其他,1", "LG-ZS,琅港市芝山区委,县市区委,2"]
    );
}
