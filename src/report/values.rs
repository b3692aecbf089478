//! Small helpers the context builders share: the school's heading, terms as JSON, and reading
//! figures back out of a context for the csv table.

use serde_json::{Map, Value, json};

use super::chart::{chart, ledger_span, months, months_json};
use crate::findings::Lang;
use crate::records::plan::Term;
use crate::records::{Month, Records};

/// What every report starts with: its language, the school and the committee.
pub fn heading(records: &Records, lang: Lang, masked: bool) -> Map<String, Value> {
    let plan = records.plan.as_ref();
    let committee = plan.and_then(|p| p.committee.as_ref());
    let mut m = Map::new();
    m.insert("lang".into(), json!(lang_code(lang)));
    m.insert("school".into(), json!(plan.map(|p| p.school.name.clone()).unwrap_or_default()));
    m.insert("city".into(), json!(plan.map(|p| p.school.city.clone()).unwrap_or_default()));
    m.insert(
        "principal".into(),
        json!(plan.map(|p| p.school.principal.clone()).unwrap_or_default()),
    );
    m.insert("committee_chair".into(), json!(committee.map(|c| c.chair.clone())));
    m.insert("treasurer".into(), json!(committee.map(|c| c.treasurer.clone())));
    m.insert("masked".into(), json!(masked));
    m
}

/// The heading of an internal report (roster, staff, surveys): over one term, or the whole
/// ledger without one, with its money by month and the chart of it.
pub fn internal_heading(records: &Records, lang: Lang, t: Option<&Term>) -> Map<String, Value> {
    let span = match t {
        Some(t) => Some((Month::of(t.starts), Month::of(t.ends))),
        None => ledger_span(records),
    };
    let ms = span.map(|(a, b)| months(records, a, b)).unwrap_or_default();
    let mut m = heading(records, lang, false);
    m.insert("internal".into(), json!(true));
    m.insert("term".into(), t.map(term).unwrap_or(Value::Null));
    m.insert("months".into(), months_json(&ms));
    m.insert("chart".into(), chart(&ms, lang));
    m
}

pub fn lang_code(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "zh",
        Lang::En => "en",
    }
}

pub fn term(t: &Term) -> Value {
    json!({
        "id": t.id,
        "name": t.name,
        "starts": t.starts.to_string(),
        "ends": t.ends.to_string(),
        "settle_by": t.settle_by.v.to_string(),
    })
}

/// A value as a table cell: strings as they are, numbers as written, nothing as empty.
pub fn cell(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        other => other.to_string(),
    }
}

/// `cell` of a dotted path, e.g. `term.id`.
pub fn at(v: &Value, path: &str) -> String {
    cell(path.split('.').fold(v, |v, k| &v[k]))
}

/// The elements of a list in the context (none when it is not a list).
pub fn list<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v[key].as_array().map_or(&[], Vec::as_slice)
}

/// The words of the context for a key, or the key itself.
pub fn word(v: &Value, key: &str) -> String {
    v["t"][key].as_str().unwrap_or(key).to_owned()
}

pub fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_else(|_| v.to_string())
}
