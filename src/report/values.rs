//! What the report contexts share: the school's heading, a term, and the words of tables.

use serde::Serialize;

use super::Words;
use super::chart::{Chart, MonthFigures, chart, figures, ledger_span, months};
use crate::findings::{Lang, Msg};
use crate::records::plan::Term;
use crate::records::{Month, Records};

/// What every report starts with: its language, the school, the committee, and whether names
/// are masked.
#[derive(Clone, Debug, Serialize)]
pub struct Heading {
    pub lang: &'static str,
    pub school: String,
    pub committee_chair: Option<String>,
    pub treasurer: Option<String>,
    pub masked: bool,
}

impl Heading {
    pub fn of(records: &Records, lang: Lang, masked: bool) -> Heading {
        let plan = records.plan.as_ref();
        let committee = plan.and_then(|p| p.committee.as_ref());
        Heading {
            lang: lang_code(lang),
            school: plan.map(|p| p.school.name.clone()).unwrap_or_default(),
            committee_chair: committee.map(|c| c.chair.clone()),
            treasurer: committee.map(|c| c.treasurer.clone()),
            masked,
        }
    }
}

/// The heading with the school's city and principal, as every report but the disclosure has it.
#[derive(Clone, Debug, Serialize)]
pub struct FullHeading {
    #[serde(flatten)]
    pub heading: Heading,
    pub city: String,
    pub principal: String,
}

impl FullHeading {
    pub fn of(records: &Records, lang: Lang, masked: bool) -> FullHeading {
        let school = records.plan.as_ref().map(|p| &p.school);
        FullHeading {
            heading: Heading::of(records, lang, masked),
            city: school.map(|s| s.city.clone()).unwrap_or_default(),
            principal: school.map(|s| s.principal.clone()).unwrap_or_default(),
        }
    }
}

/// The heading of an internal report (roster, staff, surveys): over one term, or the whole
/// ledger without one, with its money by month.
#[derive(Clone, Debug, Serialize)]
pub struct InternalHeading {
    #[serde(flatten)]
    pub heading: FullHeading,
    pub internal: bool,
    pub term: Option<TermInfo>,
    pub months: Vec<MonthFigures>,
}

impl InternalHeading {
    /// The heading, and the chart of its months.
    pub fn of(records: &Records, lang: Lang, t: Option<&Term>) -> (InternalHeading, Chart) {
        let span = match t {
            Some(t) => Some((Month::of(t.starts), Month::of(t.ends))),
            None => ledger_span(records),
        };
        let ms = span.map(|(a, b)| months(records, a, b)).unwrap_or_default();
        let heading = InternalHeading {
            heading: FullHeading::of(records, lang, false),
            internal: true,
            term: t.map(TermInfo::of),
            months: figures(&ms),
        };
        (heading, chart(&ms, lang))
    }
}

pub(super) fn lang_code(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "zh",
        Lang::En => "en",
    }
}

/// A term of plan.toml.
#[derive(Clone, Debug, Default, Serialize)]
pub struct TermInfo {
    pub id: String,
    pub name: String,
    pub starts: String,
    pub ends: String,
    pub settle_by: String,
}

impl TermInfo {
    pub fn of(t: &Term) -> TermInfo {
        TermInfo {
            id: t.id.clone(),
            name: t.name.clone(),
            starts: t.starts.to_string(),
            ends: t.ends.to_string(),
            settle_by: t.settle_by.v.to_string(),
        }
    }
}

/// The words for a key, or the key itself.
pub(super) fn word(t: &Words, key: &str) -> String {
    t.get(key).copied().unwrap_or(key).to_owned()
}

/// The words for keys, e.g. a table's headers.
pub(super) fn words(t: &Words, keys: &[&str]) -> Vec<String> {
    keys.iter().map(|k| word(t, k)).collect()
}

/// A report's data as indented JSON, the keys of each object sorted.
pub(super) fn pretty(data: &impl Serialize) -> Result<String, Msg> {
    serde_json::to_value(data)
        .and_then(|v| serde_json::to_string_pretty(&v))
        .map_err(|e| Msg::new(format!("无法写出 JSON：{e}"), format!("cannot write the JSON: {e}")))
}
