//! The contract between the report contexts and the templates: docs/templates.md lists every
//! variable of every kind's context, and the contexts have exactly those.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use care::findings::Lang;
use care::records::date::parse_date;
use care::records::{Month, Records};
use care::report::{Context, Data, Kind, annual, disclosure, notices, roster, settlement, staff, surveys};
use serde_json::Value;

use crate::common;

/// The variables of a context as paths: `a.b` for a field of an object, `a[]` for the elements
/// of a list. The words (`t`, `chart.t`) are one variable each.
fn paths(v: &Value, at: &str, out: &mut BTreeSet<String>) {
    match v {
        Value::Object(m) if at != "t" && at != "chart.t" => {
            for (k, v) in m {
                let next = if at.is_empty() { k.clone() } else { format!("{at}.{k}") };
                paths(v, &next, out);
            }
        }
        Value::Array(items) if !items.is_empty() => {
            for item in items {
                paths(item, &format!("{at}[]"), out);
            }
        }
        Value::Array(_) => {
            out.insert(format!("{at}[]"));
        }
        _ => {
            out.insert(at.to_owned());
        }
    }
}

fn add<D: Data>(seen: &mut BTreeMap<&'static str, BTreeSet<String>>, ctx: &Context<D>) {
    let v = serde_json::to_value(ctx).unwrap();
    paths(&v, "", seen.entry(D::KIND.name()).or_default());
}

/// Every kind's variables over the example schools (the committee's and the school-collected
/// one): every month, with and without a term, a year with terms and one without, so that lists
/// and optional parts are filled at least once.
fn seen() -> BTreeMap<&'static str, BTreeSet<String>> {
    let mut seen = BTreeMap::new();
    for dir in [common::example_dir(), common::school_example_dir()] {
        let r = Records::load(&dir);
        let term = r.plan.as_ref().unwrap().terms.first().unwrap();
        let today = parse_date("2026-11-29").unwrap();
        for lang in [Lang::Zh, Lang::En] {
            for m in ["2025-08", "2025-09", "2025-10", "2025-11", "2025-12", "2026-01", "2026-02"] {
                add(&mut seen, &disclosure::context(&r, Month::parse(m).unwrap(), None, lang, false));
            }
            add(&mut seen, &settlement::context(&r, &term.id, lang, true).unwrap());
            add(&mut seen, &notices::context(&r, &term.id, lang, true).unwrap());
            for t in [None, Some(term)] {
                add(&mut seen, &roster::context(&r, t, today, lang));
                add(&mut seen, &staff::context(&r, t, lang));
                add(&mut seen, &surveys::context(&r, t, lang));
            }
            for year in [2024, 2025, 2026] {
                add(&mut seen, &annual::context(&r, year, today, lang, true));
            }
        }
    }
    seen
}

/// The kinds a heading or an `in` cell of docs/templates.md names: `every kind`, `all but KIND`,
/// or kinds by name.
fn kinds_named(text: &str) -> BTreeSet<&'static str> {
    let named: BTreeSet<&'static str> = text
        .split(|c: char| !c.is_ascii_alphabetic())
        .filter_map(|w| Kind::ALL.iter().map(|k| k.name()).find(|n| *n == w))
        .collect();
    let all: BTreeSet<&'static str> = Kind::ALL.iter().map(|k| k.name()).collect();
    if text.contains("every kind") {
        all
    } else if text.contains("all but") {
        all.difference(&named).copied().collect()
    } else {
        named
    }
}

/// The code spans of a table cell.
fn spans(cell: &str) -> Vec<String> {
    cell.split('`').skip(1).step_by(2).map(str::to_owned).collect()
}

/// The variables docs/templates.md lists for each kind: the paths in the first column of the
/// tables under "The variables", for the kinds of the row's `in` column, else of its heading.
fn documented() -> BTreeMap<&'static str, BTreeSet<String>> {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/templates.md")).unwrap();
    let text = &text[text
        .find("### The variables")
        .expect("docs/templates.md has a section The variables")..];
    let mut out: BTreeMap<&'static str, BTreeSet<String>> = BTreeMap::new();
    let mut heading = String::new();
    let mut in_column = None;
    for line in text.lines() {
        if line.starts_with('#') {
            heading = line.to_owned();
            in_column = None;
        } else if let Some(row) = line.strip_prefix('|') {
            let cells: Vec<&str> = row.trim_end_matches('|').split('|').map(str::trim).collect();
            if cells[0] == "variable" {
                in_column = cells.iter().position(|c| *c == "in");
            } else if !cells[0].starts_with("---") {
                let kinds = kinds_named(in_column.map_or(heading.as_str(), |i| cells[i]));
                assert!(!kinds.is_empty(), "docs/templates.md: no kind for the row {line}");
                for k in kinds {
                    out.entry(k).or_default().extend(spans(cells[0]));
                }
            }
        }
    }
    out
}

#[test]
fn docs_list_every_variable_of_every_context() {
    let documented = documented();
    for (kind, seen) in seen() {
        let listed = &documented[kind];
        // A null object or an empty list shows as its own path; the docs list what it holds.
        let undocumented: Vec<&String> = seen
            .iter()
            .filter(|p| {
                !listed.contains(*p)
                    && !listed
                        .iter()
                        .any(|d| d.starts_with(&format!("{p}.")) || d.starts_with(&format!("{p}[]")))
            })
            .collect();
        let missing: Vec<&String> = listed.iter().filter(|d| !seen.contains(*d)).collect();
        assert!(undocumented.is_empty(), "{kind}: docs/templates.md does not list {undocumented:?}");
        assert!(
            missing.is_empty(),
            "{kind}: docs/templates.md lists {missing:?}, which the context does not have"
        );
    }
}
