//! Damaged files never panic the loader or the rules (issue 2, "Bad input"): random bytes,
//! truncations and corruptions of every kind of file, fed in memory through the library.
//! Every finding still names a file and a line.

use std::path::{Path, PathBuf};

use care::records::date::parse_date;
use care::records::{Records, Source};
use proptest::prelude::*;

use crate::common;

/// The files and the records directory each is taken from: the clean fixture for the main
/// files, the example for a close, a settlement and their neighbours.
fn files() -> Vec<(PathBuf, &'static str)> {
    let clean = common::fixture_dir("clean");
    let example = common::example_dir();
    vec![
        (clean.clone(), "plan.toml"),
        (clean.clone(), "roster.csv"),
        (clean.clone(), "contracts.csv"),
        (clean.clone(), "ledger.csv"),
        (clean, "surveys.csv"),
        (example.clone(), "closes/2025-10.toml"),
        (example.clone(), "settlements/2025-autumn.toml"),
        (example, "settlements/2025-autumn.csv"),
    ]
}

/// Loads the directory with `file` replaced by `bytes`, checks it, and returns a description of
/// any finding without a place.
fn check_with(dir: &Path, file: &str, bytes: Vec<u8>) -> Result<(), TestCaseError> {
    // Lines end as care reads them: at `\n`, and at a carriage return alone (a file saved with
    // old Mac line ends has no `\n` at all).
    let ends = bytes
        .iter()
        .enumerate()
        .filter(|&(i, &b)| b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')))
        .count();
    let lines = ends + 1;
    let records = Records::load_from(&Source::new(dir).with(file, bytes));
    let today = parse_date("2027-03-01").unwrap();
    let findings = care::rules::check(&records, today);
    for f in &findings {
        prop_assert!(!f.file.is_empty(), "{f:?}");
        prop_assert!(f.line >= 1, "{f:?}");
        if f.file == file {
            prop_assert!(f.line <= lines, "{f:?} in a file of {lines} lines");
        }
    }
    Ok(())
}

fn original(dir: &Path, file: &str) -> Vec<u8> {
    std::fs::read(dir.join(file)).unwrap()
}

/// A few bytes of the file overwritten with bytes that matter to the parsers.
fn corrupt(mut bytes: Vec<u8>, edits: &[(usize, u8)]) -> Vec<u8> {
    const SPECIAL: &[u8] = b",\"\n\r=[]#.-0123456789 \x00\xEF\xBB\xBF\xFF\xD6\xD0";
    for &(at, b) in edits {
        if bytes.is_empty() {
            break;
        }
        let i = at % bytes.len();
        bytes[i] = if b % 2 == 0 {
            SPECIAL[usize::from(b) / 2 % SPECIAL.len()]
        } else {
            b
        };
    }
    bytes
}

/// `cases` per test, enough for a few seconds; `PROPTEST_CASES=10000` for a deeper search.
fn config(cases: u32) -> ProptestConfig {
    let deeper = std::env::var("PROPTEST_CASES").is_ok();
    let default = ProptestConfig::default();
    ProptestConfig {
        cases: if deeper { default.cases } else { cases },
        failure_persistence: None,
        ..default
    }
}

proptest! {
    #![proptest_config(config(48))]

    #[test]
    fn random_bytes_never_panic(which in 0..8usize, bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        let (dir, file) = &files()[which];
        check_with(dir, file, bytes)?;
    }

    #[test]
    fn random_text_never_panics(which in 0..8usize, text in "[a-z0-9 ,\"=\\[\\]\\n.:-]{0,400}") {
        let (dir, file) = &files()[which];
        check_with(dir, file, text.into_bytes())?;
    }

    #[test]
    fn truncations_never_panic(which in 0..8usize, cut in any::<prop::sample::Index>()) {
        let (dir, file) = &files()[which];
        let bytes = original(dir, file);
        let at = cut.index(bytes.len() + 1);
        check_with(dir, file, bytes[..at].to_vec())?;
    }

    #[test]
    fn corruptions_never_panic(which in 0..8usize, edits in prop::collection::vec((any::<usize>(), any::<u8>()), 1..6)) {
        let (dir, file) = &files()[which];
        check_with(dir, file, corrupt(original(dir, file), &edits))?;
    }
}

/// Every cut of the small files, not just a sample: each ends a line, a field or a
/// multi-byte character somewhere.
#[test]
fn every_truncation_of_the_clean_files() {
    for (dir, file) in files().into_iter().filter(|(d, _)| d.ends_with("clean")) {
        let bytes = original(&dir, file);
        for at in 0..=bytes.len() {
            if let Err(e) = check_with(&dir, file, bytes[..at].to_vec()) {
                panic!("{file} cut at {at}: {e}");
            }
        }
    }
}
