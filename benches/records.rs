//! Benchmarks of loading, checking, closing and settling, on a records directory written by
//! examples/synth.rs (5,000 pupils, 100 contracts, 100,000 ledger rows, two closed months).
//!
//! `cargo bench` runs them; `cargo bench -- load` one of them. The district-sized figures of
//! docs/performance.md come from the `care` binary on the full-size repo (bench/commands.sh).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::sync::OnceLock;

use care::domain::close::MonthTotals;
use care::domain::settle::settle;
use care::records::date::parse_date;
use care::records::{Date, Month, Records, closes};

#[path = "../examples/synth.rs"]
#[allow(dead_code)]
mod synth;

fn main() {
    divan::main();
}

/// The generated records directory, written once for all benchmarks.
fn repo() -> &'static PathBuf {
    static DIR: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &DIR.get_or_init(|| {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let path = dir.path().join("records");
        let o = synth::Options {
            pupils: 5_000,
            contracts: 100,
            rows: 100_000,
            ..synth::Options::default()
        };
        synth::generate(&o, &path, None).expect("the synthetic records");
        (dir, path)
    })
    .1
}

fn records() -> &'static Records {
    static R: OnceLock<Records> = OnceLock::new();
    R.get_or_init(|| Records::load(repo()))
}

fn today() -> Date {
    parse_date(synth::TODAY).expect("the generator's date")
}

#[divan::bench(sample_count = 20)]
fn load() -> Records {
    Records::load(divan::black_box(repo()))
}

#[divan::bench(sample_count = 20)]
fn check(b: divan::Bencher) {
    let r = records();
    b.bench(|| care::rules::check(divan::black_box(r), today()));
}

/// What `care ledger close` computes for a month: its totals, digest and close file.
#[divan::bench(sample_count = 20)]
fn close(b: divan::Bencher) {
    let r = records();
    let month = Month::parse("2026-11").expect("a month");
    b.bench(|| {
        let opening = care::report::disclosure::opening(r, month);
        let t = MonthTotals::of(month, divan::black_box(&r.entries));
        closes::render(month, today(), opening, &t)
    });
}

#[divan::bench(sample_count = 20)]
fn settle_term(b: divan::Bencher) {
    let r = records();
    let plan = r.plan.as_ref().expect("the plan");
    let term = plan.terms.first().expect("a term");
    b.bench(|| {
        settle(
            plan,
            term,
            Default::default(),
            today(),
            divan::black_box(&r.entries),
            &r.pupils,
            &r.leave,
        )
        .expect("a settlement")
    });
}

/// The clean fixture's plan.toml with `n` holidays in its term, one a line.
fn plan_with_holidays(n: usize) -> String {
    let plan = include_str!("../tests/fixtures/clean/plan.toml");
    let start = parse_date("2026-09-01").expect("a date");
    let holidays: Vec<String> = (0..n).map(|i| (start + chrono::Days::new((i % 120) as u64)).to_string()).collect();
    let at = plan.find("holidays = [").expect("the fixture's holidays");
    format!("{}holidays = [\n{}\n]\n", &plan[..at], holidays.join(",\n"))
}

/// Reading plan.toml grows with its lines, not with their square: each value's line is looked
/// up among line ends found once (counting from the start each time took 8.6 s for 200,000).
#[divan::bench(args = [100_000, 200_000, 400_000], sample_count = 5)]
fn plan_holidays(b: divan::Bencher, n: usize) {
    let text = plan_with_holidays(n);
    b.bench(|| {
        let mut out = Vec::new();
        let plan = care::records::plan::load(divan::black_box(&text), &mut out);
        assert!(out.is_empty(), "{out:?}");
        plan
    });
}
