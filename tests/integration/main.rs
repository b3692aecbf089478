//! The integration tests, in one binary so that the crate is linked once: each module drives
//! `care` (or the library) over one area. A new area is a new file in this folder and one `mod`
//! line below; `cargo test --test integration AREA::` runs one area.

// Tests unwrap what they set up themselves: a failure is the test's.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

mod check;
mod consent;
mod district;
mod ecosystem;
mod guide;
mod markdown;
mod money;
mod money_models;
mod reliability;
mod report;
mod robustness;
mod sandbox;
mod settle_props;
mod sheets;
mod templates;
mod write;

/// A file in this folder without its `mod` line would be neither compiled nor run.
#[test]
fn every_file_here_is_a_module() {
    let here = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/integration");
    let main = std::fs::read_to_string(here.join("main.rs")).unwrap();
    for entry in std::fs::read_dir(&here).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if let Some(stem) = name.strip_suffix(".rs").filter(|s| *s != "main") {
            assert!(
                main.contains(&format!("\nmod {stem};\n")),
                "tests/integration/{name} has no `mod {stem};` in main.rs"
            );
        }
    }
}
