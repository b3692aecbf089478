//! Reports of SPEC §9: built-in tera templates, embedded in the binary; a file of the same name
//! in the records repo's templates/ replaces one, and every template renders in a sandbox
//! ([`template`]). Each kind's context is a typed struct built by a pure function of the
//! records: md and html come from templates over it, json is its data, and its tables
//! ([`sheet::Sheet`]) are what csv (the main table) and xlsx (every table) write.

pub mod annual;
pub mod chart;
pub mod csv;
pub mod disclosure;
pub mod district;
pub mod markdown;
pub mod mask;
mod nesting;
pub mod notices;
pub mod privacy;
pub mod roster;
pub mod settlement;
pub mod sheet;
pub mod staff;
pub mod surveys;
pub mod template;
mod values;
pub mod xlsx;

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;

use crate::findings::{Lang, Msg};
use crate::records::{Date, Records};
pub use template::render_template;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Md,
    Html,
    Csv,
    Json,
    Xlsx,
}

impl Format {
    pub const ALL: &[Format] = &[Format::Md, Format::Html, Format::Csv, Format::Json, Format::Xlsx];

    pub fn ext(self) -> &'static str {
        match self {
            Format::Md => "md",
            Format::Html => "html",
            Format::Csv => "csv",
            Format::Json => "json",
            Format::Xlsx => "xlsx",
        }
    }

    /// The format a file name asks for by its extension (`.htm` too).
    pub fn of_path(path: &Path) -> Option<Format> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "md" | "markdown" => Some(Format::Md),
            "html" | "htm" => Some(Format::Html),
            "csv" => Some(Format::Csv),
            "json" => Some(Format::Json),
            "xlsx" => Some(Format::Xlsx),
            _ => None,
        }
    }

    /// A format that is not text: it goes to a file, never to a terminal.
    pub fn is_binary(self) -> bool {
        self == Format::Xlsx
    }
}

/// What a report is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Disclosure,
    Settlement,
    Notices,
    Roster,
    Staff,
    Surveys,
    Annual,
    /// Many schools at once (`care district`), not a kind of `care report`.
    District,
}

impl Kind {
    /// The kinds of `care report`.
    pub const ALL: &[Kind] = &[
        Kind::Disclosure,
        Kind::Settlement,
        Kind::Notices,
        Kind::Roster,
        Kind::Staff,
        Kind::Surveys,
        Kind::Annual,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Kind::Disclosure => "disclosure",
            Kind::Settlement => "settlement",
            Kind::Notices => "notices",
            Kind::Roster => "roster",
            Kind::Staff => "staff",
            Kind::Surveys => "surveys",
            Kind::Annual => "annual",
            Kind::District => "district",
        }
    }

    /// Public reports go to parents or the authorities: names masked, phones never shown.
    /// The others are the committee's working lists and name people in full.
    pub fn is_public(self) -> bool {
        matches!(
            self,
            Kind::Disclosure | Kind::Settlement | Kind::Notices | Kind::Annual | Kind::District
        )
    }

    pub fn template(self, format: Format) -> String {
        format!("{}.{}.tera", self.name(), format.ext())
    }
}

/// The built-in templates, by file name. `base.html.tera` is the page every HTML report extends
/// and `chart.html.tera` the money chart they include.
pub const BUILT_IN: &[(&str, &str)] = &[
    ("base.html.tera", include_str!("../../templates/base.html.tera")),
    ("chart.html.tera", include_str!("../../templates/chart.html.tera")),
    ("disclosure.md.tera", include_str!("../../templates/disclosure.md.tera")),
    ("disclosure.html.tera", include_str!("../../templates/disclosure.html.tera")),
    ("settlement.md.tera", include_str!("../../templates/settlement.md.tera")),
    ("settlement.html.tera", include_str!("../../templates/settlement.html.tera")),
    ("notices.md.tera", include_str!("../../templates/notices.md.tera")),
    ("notices.html.tera", include_str!("../../templates/notices.html.tera")),
    ("roster.md.tera", include_str!("../../templates/roster.md.tera")),
    ("roster.html.tera", include_str!("../../templates/roster.html.tera")),
    ("staff.md.tera", include_str!("../../templates/staff.md.tera")),
    ("staff.html.tera", include_str!("../../templates/staff.html.tera")),
    ("surveys.md.tera", include_str!("../../templates/surveys.md.tera")),
    ("surveys.html.tera", include_str!("../../templates/surveys.html.tera")),
    ("annual.md.tera", include_str!("../../templates/annual.md.tera")),
    ("annual.html.tera", include_str!("../../templates/annual.html.tera")),
    ("district.md.tera", include_str!("../../templates/district.md.tera")),
    ("district.html.tera", include_str!("../../templates/district.html.tera")),
];

/// A template's words in the reader's language, by key.
pub type Words = BTreeMap<&'static str, &'static str>;

/// A report's context, as templates see it: the kind's data, the chart of its money by month
/// (`chart`) and its words (`t`).
#[derive(Clone, Debug, Serialize)]
pub struct Context<D> {
    #[serde(flatten)]
    pub data: D,
    pub chart: chart::Chart,
    pub t: Words,
}

/// The data of a report kind: what json prints, and the tables that csv and xlsx write.
pub trait Data: Serialize {
    const KIND: Kind;

    /// The report's tables, the main one first, with headers in the words `t`: csv writes the
    /// main table, xlsx a sheet for each.
    fn sheets(&self, t: &Words) -> Vec<sheet::Sheet>;
}

/// Renders a report in a format: md and html through templates, json and csv from the data,
/// xlsx as a workbook that says it was made on `today`.
pub fn render<D: Data>(dir: Option<&Path>, format: Format, context: &Context<D>, today: Date) -> Result<Vec<u8>, Msg> {
    let text = match format {
        Format::Md | Format::Html => render_template(dir, &D::KIND.template(format), context)?,
        Format::Json => format!("{}\n", values::pretty(&context.data)?),
        Format::Csv => {
            let main = context.data.sheets(&context.t).into_iter().next().unwrap_or_default();
            csv::write(&main)
        }
        Format::Xlsx => return xlsx::workbook(&context.data.sheets(&context.t), today),
    };
    Ok(text.into_bytes())
}

/// A template's words in the reader's language, from `(key, Chinese, English)`.
pub fn labels(lang: Lang, items: &[(&'static str, &'static str, &'static str)]) -> Words {
    items.iter().map(|(k, zh, en)| (*k, lang.pick(zh, en))).collect()
}

/// A report's words for the records' model: under model `school` (SPEC §10) the school, not the
/// parents' committee, runs the money, and the words `school` give say so.
pub fn words_for(
    records: &Records,
    lang: Lang,
    own: &[(&'static str, &'static str, &'static str)],
    school: &[(&'static str, &'static str, &'static str)],
) -> Words {
    let mut words = labels_with(lang, own);
    if records
        .plan
        .as_ref()
        .is_some_and(|p| p.policy.model == crate::records::plan::Model::School)
    {
        words.extend(labels(lang, school));
    }
    words
}

/// Words several reports share, under each report's own.
pub fn labels_with(lang: Lang, own: &[(&'static str, &'static str, &'static str)]) -> Words {
    let mut words = labels(lang, COMMON);
    words.extend(labels(lang, own));
    words
}

const COMMON: &[(&str, &str, &str)] = &[
    ("none", "无", "None"),
    ("total", "合计", "Total"),
    ("amount", "金额（元）", "Amount (yuan)"),
    ("date", "日期", "Date"),
    ("term", "学期", "Term"),
    ("pupil_id", "编号", "Id"),
    ("pupil", "学生", "Pupil"),
    ("name", "姓名", "Name"),
    ("grade", "年级", "Grade"),
    ("class", "班级", "Class"),
    ("guardian", "家长", "Guardian"),
    ("note", "备注", "Note"),
    (
        "internal",
        "内部资料：含个人信息，仅供学校和家委会工作使用，请勿公开或转发。",
        "Internal: contains personal data, for the school's and the committee's work only; do not publish or forward.",
    ),
    (
        "masked",
        "为保护未成年人隐私，学生和家长姓名已隐去部分字。",
        "To protect minors' privacy, pupils' and guardians' names are partly hidden.",
    ),
    (
        "unmasked",
        "内部版本：姓名未隐去，请勿公开。",
        "Internal copy: names are not hidden; do not publish.",
    ),
    ("money_by_month", "每月收支", "Money by month"),
    ("month", "月份", "Month"),
    ("fees", "收费", "Fees"),
    ("refunds", "退费", "Refunds"),
    ("pay", "劳务费", "Staff pay"),
    ("expenses", "其他支出", "Other expenses"),
    ("balance", "月末余额", "Balance at month end"),
    ("yes", "是", "yes"),
    ("no", "否", "no"),
    // Punctuation, so that one template reads right in either language.
    ("colon", "：", ": "),
    ("comma", "，", ", "),
    ("stop", "。", ". "),
    ("semi", "；", "; "),
    ("sep", "、", ", "),
    ("lp", "（", " ("),
    ("rp", "）", ")"),
    ("gap", "　", " · "),
    ("range", "～", " – "),
];
