//! plan.toml: school, leadership group, parents' committee, fee standard, terms, service.

use chrono::Weekday;

use super::date::{Date, parse_time};
use super::money::Money;
use super::roster::Pupil;
use super::table::{finding, parse_error};
use super::toml_doc::{At, Doc, Table};
use crate::findings::ids;
use crate::findings::{Finding, Msg, Severity};

pub const FILE: &str = "plan.toml";

#[derive(Clone, Debug, Default)]
pub struct Plan {
    pub policy: Policy,
    pub school: School,
    pub leadership: Option<Leadership>,
    pub committee: Option<Committee>,
    pub fees: Option<Fees>,
    pub service: Service,
    pub deadlines: Deadlines,
    pub renew_below: rust_decimal::Decimal,
    pub terms: Vec<Term>,
    pub forbidden_categories: Vec<String>,
    /// `[categories]`: the label reports print for a ledger category, by the category.
    pub categories: Vec<(String, String)>,
    pub banned_activities: Vec<String>,
    /// Line of the first `[[terms]]`, for findings about the terms as a whole.
    pub line_of_terms: usize,
    /// Sections with a key that could not be read: what they lack may only be unread, so the
    /// rules do not report it again.
    pub unread: Unread,
    /// Values that name none of the choices of their key; each is read as the key's default
    /// and reported by `plan/policy`.
    pub unknown: Vec<Unknown>,
}

/// A choice of plan.toml: the words it may be written as.
pub trait Choice: Copy + PartialEq + 'static {
    const NAMES: &'static [(&'static str, Self)];

    fn parse(s: &str) -> Option<Self> {
        Self::NAMES.iter().find(|(n, _)| *n == s).map(|(_, v)| *v)
    }

    fn as_str(self) -> &'static str {
        Self::NAMES.iter().find(|(_, v)| *v == self).map_or("", |(n, _)| n)
    }

    /// The words, quoted, for a message: `"paid", "days" or "standard"`.
    fn listed(or: &str) -> String {
        let words: Vec<String> = Self::NAMES.iter().map(|(n, _)| format!("\"{n}\"")).collect();
        match words.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} {or} {last}", rest.join(", ")),
            _ => words.join(""),
        }
    }
}

/// A value of a key of plan.toml that is none of its choices.
#[derive(Clone, Debug)]
pub struct Unknown {
    /// `[fees] basis`, `[policy] model`...
    pub key: &'static str,
    pub value: String,
    pub line: usize,
    /// The choices, in English and in Chinese.
    pub allowed: (String, String),
}

/// Who runs the money (SPEC §10).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Model {
    /// The parents' committee collects the fees and shares the costs (the seed: 一(三), 三(三)).
    #[default]
    Committee,
    /// The school collects a service fee at an approved standard (教基厅函〔2023〕26号).
    School,
}

impl Choice for Model {
    const NAMES: &'static [(&'static str, Self)] = &[("committee", Model::Committee), ("school", Model::School)];
}

/// `[policy]`.
#[derive(Clone, Copy, Debug, Default)]
pub struct Policy {
    pub model: Model,
    /// Line of `model` (of `[policy]` when it is left out; 0 without `[policy]`).
    pub line: usize,
}

#[derive(Clone, Copy, Debug, Default)]
pub struct Unread {
    pub leadership: bool,
    pub committee: bool,
    pub fees: bool,
    pub terms: bool,
}

#[derive(Clone, Debug, Default)]
pub struct School {
    pub name: String,
    pub city: String,
    pub principal: String,
    pub line: usize,
    /// A stable key for district reports and exports; the name when left out.
    pub code: String,
    /// All pupils of the school, for the participation rate.
    pub pupils: Option<u32>,
    /// Model `school`: who may take fees for the school (its finance office).
    pub finance: Vec<String>,
}

impl School {
    /// Whether `name` is someone of the finance office.
    pub fn is_finance(&self, name: &str) -> bool {
        let name = name.trim();
        !name.is_empty() && self.finance.iter().any(|f| f == name)
    }
}

#[derive(Clone, Debug)]
pub struct Leadership {
    pub head: At<String>,
    pub deputies: Vec<String>,
    pub members: Vec<String>,
}

#[derive(Clone, Debug)]
pub struct Committee {
    pub line: usize,
    pub established_on: At<Date>,
    pub chair: String,
    pub treasurer: String,
    pub members: Vec<String>,
}

impl Committee {
    /// Chair and treasurer count as members whether listed or not.
    pub fn is_member(&self, name: &str) -> bool {
        let name = name.trim();
        !name.is_empty() && (self.chair == name || self.treasurer == name || self.members.iter().any(|m| m == name))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Basis {
    #[default]
    Monthly,
    Term,
}

impl Choice for Basis {
    const NAMES: &'static [(&'static str, Self)] = &[("monthly", Basis::Monthly), ("term", Basis::Term)];
}

/// How a term is settled (SPEC §6).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum RefundBasis {
    #[default]
    Paid,
    Days,
    /// Each family pays the standard for the care it received (SPEC §10).
    Standard,
}

impl Choice for RefundBasis {
    const NAMES: &'static [(&'static str, Self)] = &[
        ("paid", RefundBasis::Paid),
        ("days", RefundBasis::Days),
        ("standard", RefundBasis::Standard),
    ];
}

impl RefundBasis {
    pub fn as_str(self) -> &'static str {
        Choice::as_str(self)
    }

    pub fn parse(s: &str) -> Option<RefundBasis> {
        Choice::parse(s)
    }
}

/// What a family is owed back for leave and withdrawal (SPEC §10).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum RefundRule {
    /// The full standard for a month (term) with a care day.
    #[default]
    None,
    /// By the day: standard × attended / service days.
    Daily,
    /// By half month: 1–15 and 16–end.
    HalfMonth,
    /// By month.
    Month,
}

impl Choice for RefundRule {
    const NAMES: &'static [(&'static str, Self)] = &[
        ("none", RefundRule::None),
        ("daily", RefundRule::Daily),
        ("half-month", RefundRule::HalfMonth),
        ("month", RefundRule::Month),
    ];
}

#[derive(Clone, Debug)]
pub struct Fees {
    pub line: usize,
    pub decided_on: At<Date>,
    pub published_on: Option<At<Date>>,
    pub basis: Basis,
    pub amount: At<Money>,
    pub refund_basis: RefundBasis,
    /// Line of `refund_basis` (of `[fees]` when it is left out).
    pub refund_basis_line: usize,
    pub refund_rule: RefundRule,
    /// A leave counts once it covers this many service days.
    pub leave_min_days: u32,
    /// Model `school`: the price authority's approval of the standard (文号).
    pub approval: Option<At<String>>,
}

#[derive(Clone, Debug)]
pub struct Service {
    pub days: Vec<Weekday>,
    pub starts: String,
    pub ends: String,
    pub venues: Vec<String>,
    pub activities: At<Vec<String>>,
}

impl Default for Service {
    fn default() -> Self {
        Service {
            days: vec![Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri],
            starts: String::new(),
            ends: String::new(),
            venues: Vec::new(),
            activities: At { v: Vec::new(), line: 0 },
        }
    }
}

#[derive(Clone, Copy, Debug)]
pub struct Deadlines {
    pub close_within_days: i64,
    pub refund_within_days: i64,
}

impl Default for Deadlines {
    fn default() -> Self {
        Deadlines {
            close_within_days: 10,
            refund_within_days: 15,
        }
    }
}

#[derive(Clone, Debug)]
pub struct Term {
    pub line: usize,
    pub id: String,
    pub name: String,
    pub starts: Date,
    pub ends: Date,
    pub settle_by: At<Date>,
    pub holidays: Vec<At<Date>>,
    /// Make-up working days (调休): days outside the service weekdays that are service days.
    pub workdays: Vec<At<Date>>,
}

impl Term {
    pub fn contains(&self, d: Date) -> bool {
        self.starts <= d && d <= self.ends
    }

    pub fn is_holiday(&self, d: Date) -> bool {
        self.holidays.iter().any(|h| h.v == d)
    }

    pub fn is_workday(&self, d: Date) -> bool {
        self.workdays.iter().any(|w| w.v == d)
    }
}

impl Plan {
    pub fn term(&self, id: &str) -> Option<&Term> {
        self.terms.iter().find(|t| t.id == id)
    }

    /// The term whose dates contain `d`.
    pub fn term_on(&self, d: Date) -> Option<&Term> {
        self.terms.iter().find(|t| t.contains(d))
    }

    /// The term a roster row is an application for (SPEC §3): its `term`, else the term that
    /// contains `starts`, else `agreed_on`, else `applied_on`, else the first term that starts
    /// after `applied_on` (a family applies in the summer for the autumn term). `None` when
    /// `term` names no term of the plan, or no term fits.
    pub fn term_of_pupil(&self, p: &Pupil) -> Option<&Term> {
        if let Some(id) = &p.term {
            return self.term(id);
        }
        [p.starts, p.agreed_on, Some(p.applied_on)]
            .into_iter()
            .flatten()
            .find_map(|d| self.term_on(d))
            .or_else(|| self.terms.iter().filter(|t| t.starts > p.applied_on).min_by_key(|t| t.starts))
    }

    /// What to say of a term id the plan does not have.
    pub fn no_such_term(&self, id: &str) -> Msg {
        let ids = self.terms.iter().map(|t| t.id.as_str()).collect::<Vec<_>>().join(", ");
        Msg::new(
            format!("学期“{id}”不是 plan.toml 中的学期；请改为其中之一：{ids}"),
            format!("term “{id}” is not a term of plan.toml; use one of: {ids}"),
        )
    }

    /// Whether a roster row names a term the plan does not have (a finding at the row), when
    /// every term of the plan could be read.
    pub fn names_no_term(&self, p: &Pupil) -> bool {
        !self.unread.terms && p.term.as_deref().is_some_and(|id| self.term(id).is_none())
    }
}

pub const DEFAULT_FORBIDDEN: &[&str] = &[
    "venue",
    "rent",
    "utilities",
    "water",
    "electricity",
    "场地",
    "租金",
    "水电",
    "水费",
    "电费",
];
pub const DEFAULT_BANNED: &[&str] = &["补课", "新课", "学科培训", "tutoring"];

fn weekday(s: &str) -> Option<Weekday> {
    Some(match s.to_ascii_lowercase().as_str() {
        "mon" => Weekday::Mon,
        "tue" => Weekday::Tue,
        "wed" => Weekday::Wed,
        "thu" => Weekday::Thu,
        "fri" => Weekday::Fri,
        "sat" => Weekday::Sat,
        "sun" => Weekday::Sun,
        _ => return None,
    })
}

/// How many problems reading the plan has found so far.
fn problems(doc: &Doc, out: &[Finding]) -> usize {
    doc.problems.len() + out.len()
}

/// The keys of each table of plan.toml (`""` the top level, `terms` each `[[terms]]`).
const KEYS: &[(&str, &[&str])] = &[
    (
        "",
        &[
            "policy",
            "school",
            "leadership",
            "committee",
            "fees",
            "service",
            "deadlines",
            "surveys",
            "rules",
            "categories",
            "terms",
        ],
    ),
    ("policy", &["model"]),
    ("school", &["name", "city", "principal", "code", "pupils", "finance"]),
    ("leadership", &["head", "deputies", "members"]),
    ("committee", &["established_on", "chair", "treasurer", "members"]),
    (
        "fees",
        &[
            "decided_on",
            "published_on",
            "basis",
            "amount",
            "refund_basis",
            "refund_rule",
            "leave_min_days",
            "approval",
        ],
    ),
    ("service", &["days", "starts", "ends", "venues", "activities"]),
    ("deadlines", &["close_within_days", "refund_within_days"]),
    ("surveys", &["renew_below"]),
    ("rules", &["forbidden_categories", "banned_activities"]),
    ("terms", &["id", "name", "starts", "ends", "settle_by", "holidays", "workdays"]),
];

/// A key care does not know is not read: a warning, as an unknown CSV column is. A misspelt
/// optional key (`holiday`, `close_within_day`) would otherwise leave a default in its place.
fn unknown_keys(doc: &Doc, root: &Table, out: &mut Vec<Finding>) {
    use toml::de::DeValue;
    let known = |table: &str| KEYS.iter().find(|(t, _)| *t == table).map_or(&[][..], |(_, keys)| *keys);
    let mut check = |table: &str, t: &Table| {
        for (key, at) in Doc::keys(t) {
            let names = known(table);
            if names.contains(&key) {
                continue;
            }
            let place = match table {
                "" => String::new(),
                "terms" => "[[terms]] ".to_owned(),
                _ => format!("[{table}] "),
            };
            let like = names.iter().find(|n| near(n, key));
            out.push(finding(
                ids::FORMAT_UNKNOWN_COLUMN,
                Severity::Warning,
                FILE,
                doc.line(at..at),
                Msg::new(
                    format!(
                        "{place}“{key}”不是 care 认识的设置项，不会被读取{}",
                        like.map(|n| format!("（是不是“{n}”？）")).unwrap_or_default()
                    ),
                    format!(
                        "{place}“{key}” is not a key care knows; it is not read{}",
                        like.map(|n| format!(" (did you mean “{n}”?)")).unwrap_or_default()
                    ),
                ),
                Msg::new(
                    "改正拼写，或删去这一项；各项设置见 docs/records.md",
                    "correct the spelling or remove the key; docs/records.md lists the keys",
                ),
            ));
        }
    };
    check("", root);
    for (name, _) in KEYS.iter().skip(1) {
        let Some(v) = Doc::get(root, name) else { continue };
        match v.get_ref() {
            DeValue::Table(t) => check(name, t),
            DeValue::Array(items) => {
                for item in items {
                    if let DeValue::Table(t) = item.get_ref() {
                        check(name, t);
                    }
                }
            }
            _ => {}
        }
    }
}

/// A count that must be a positive whole number; `None` when it is left out, or is not one (a
/// finding that says what the count is).
fn positive<'a>(doc: &mut Doc<'a>, t: &Table<'a>, key: &str, place: &str, what: (&str, &str), out: &mut Vec<Finding>) -> Option<u32> {
    let a = doc.integer(t, key, place)?;
    let n = u32::try_from(a.v).ok().filter(|n| *n > 0);
    if n.is_none() {
        out.push(parse_error(
            FILE,
            a.line,
            Msg::new(
                format!("{place} 应为正整数：{}", what.0),
                format!("{place} must be a positive whole number: {}", what.1),
            ),
        ));
    }
    n
}

/// A key whose value is one of `T`'s choices. A value that is none of them is kept for
/// `plan/policy` and read as the default.
fn choice<'a, T: Choice + Default>(
    doc: &mut Doc<'a>,
    t: &Table<'a>,
    key: &str,
    place: &'static str,
    at: usize,
    required: bool,
    unknown: &mut Vec<Unknown>,
) -> Option<At<T>> {
    let a = doc.string(t, key, place, at, required)?;
    let v = T::parse(&a.v).unwrap_or_else(|| {
        unknown.push(Unknown {
            key: place,
            value: a.v.clone(),
            line: a.line,
            allowed: (T::listed("or"), T::listed("或")),
        });
        T::default()
    });
    Some(At { v, line: a.line })
}

/// Whether two keys are at most two edits apart (a misspelling).
fn near(a: &str, b: &str) -> bool {
    strsim::levenshtein(a, b) <= 2
}

/// Reads the plan. Returns `None` only when the TOML itself cannot be parsed; a bad key is a
/// finding and the rest of the plan is still read.
pub fn load(text: &str, out: &mut Vec<Finding>) -> Option<Plan> {
    let mut doc = Doc::new(FILE, text);
    let root = match doc.parse() {
        Ok(r) => r,
        Err(f) => {
            out.push(*f);
            return None;
        }
    };
    let root = root.get_ref();
    unknown_keys(&doc, root, out);
    let mut plan = Plan::default();

    if let Some((t, line)) = doc.table(root, "policy") {
        let model = choice(&mut doc, t, "model", "[policy] model", line, false, &mut plan.unknown);
        plan.policy = Policy {
            model: model.as_ref().map_or_else(Model::default, |m| m.v),
            line: model.map_or(line, |m| m.line),
        };
    }

    match doc.table(root, "school") {
        Some((t, line)) => {
            let name = doc.string(t, "name", "[school] name", line, true).map(|a| a.v).unwrap_or_default();
            let pupils = positive(
                &mut doc,
                t,
                "pupils",
                "[school] pupils",
                ("全校学生人数", "all pupils of the school"),
                out,
            );
            plan.school = School {
                code: doc
                    .string(t, "code", "[school] code", line, false)
                    .map_or_else(|| name.clone(), |a| a.v),
                name,
                city: doc.string(t, "city", "[school] city", line, false).map(|a| a.v).unwrap_or_default(),
                principal: doc
                    .string(t, "principal", "[school] principal", line, true)
                    .map(|a| a.v)
                    .unwrap_or_default(),
                line,
                pupils,
                finance: doc.strings(t, "finance", "[school] finance").map(|a| a.v).unwrap_or_default(),
            }
        }
        None => out.push(parse_error(
            FILE,
            1,
            Msg::new(
                "缺少 [school] 表（学校名称、校长）",
                "the [school] table (name, principal) is missing",
            ),
        )),
    }

    let before = problems(&doc, out);
    if let Some((t, line)) = doc.table(root, "leadership") {
        plan.leadership = Some(Leadership {
            head: doc
                .string(t, "head", "[leadership] head", line, false)
                .unwrap_or(At { v: String::new(), line }),
            deputies: doc.strings(t, "deputies", "[leadership] deputies").map(|a| a.v).unwrap_or_default(),
            members: doc.strings(t, "members", "[leadership] members").map(|a| a.v).unwrap_or_default(),
        });
    }
    plan.unread.leadership = problems(&doc, out) > before;

    let before = problems(&doc, out);
    if let Some((t, line)) = doc.table(root, "committee") {
        let established_on = doc.date(t, "established_on", "[committee] established_on", line, true);
        let chair = doc
            .string(t, "chair", "[committee] chair", line, false)
            .map(|a| a.v)
            .unwrap_or_default();
        let treasurer = doc
            .string(t, "treasurer", "[committee] treasurer", line, false)
            .map(|a| a.v)
            .unwrap_or_default();
        let members = doc.strings(t, "members", "[committee] members").map(|a| a.v).unwrap_or_default();
        if let Some(established_on) = established_on {
            plan.committee = Some(Committee {
                line,
                established_on,
                chair,
                treasurer,
                members,
            });
        }
    }
    plan.unread.committee = problems(&doc, out) > before;

    let before = problems(&doc, out);
    if let Some((t, line)) = doc.table(root, "fees") {
        let decided_on = doc.date(t, "decided_on", "[fees] decided_on", line, true);
        let published_on = doc.date(t, "published_on", "[fees] published_on", line, false);
        let amount = doc.money(t, "amount", "[fees] amount", line, true);
        let basis = choice(&mut doc, t, "basis", "[fees] basis", line, true, &mut plan.unknown);
        let refund_basis = choice(&mut doc, t, "refund_basis", "[fees] refund_basis", line, false, &mut plan.unknown);
        let refund_rule = choice(&mut doc, t, "refund_rule", "[fees] refund_rule", line, false, &mut plan.unknown);
        let leave_min_days = positive(
            &mut doc,
            t,
            "leave_min_days",
            "[fees] leave_min_days",
            (
                "请假连续覆盖几个托管日才计入",
                "how many service days a leave covers before it counts",
            ),
            out,
        )
        .unwrap_or(1);
        let approval = doc.string(t, "approval", "[fees] approval", line, false);
        if let (Some(decided_on), Some(amount), Some(basis)) = (decided_on, amount, basis) {
            plan.fees = Some(Fees {
                line,
                decided_on,
                published_on,
                basis: basis.v,
                amount,
                refund_basis: refund_basis.as_ref().map_or_else(RefundBasis::default, |b| b.v),
                refund_basis_line: refund_basis.map_or(line, |b| b.line),
                refund_rule: refund_rule.map_or_else(RefundRule::default, |r| r.v),
                leave_min_days,
                approval,
            });
        }
    }
    plan.unread.fees = problems(&doc, out) > before;

    if let Some((t, line)) = doc.table(root, "service") {
        if let Some(days) = doc.strings(t, "days", "[service] days") {
            let mut parsed = Vec::new();
            for d in &days.v {
                match weekday(d) {
                    Some(w) if !parsed.contains(&w) => parsed.push(w),
                    Some(_) => {}
                    None => out.push(parse_error(
                        FILE,
                        days.line,
                        Msg::new(
                            format!("[service] days 中的“{d}”无效，应为 mon、tue、wed、thu、fri、sat 或 sun"),
                            format!("[service] days: “{d}” must be one of mon, tue, wed, thu, fri, sat, sun"),
                        ),
                    )),
                }
            }
            plan.service.days = parsed;
        }
        for key in ["starts", "ends"] {
            if let Some(a) = doc.string(t, key, &format!("[service] {key}"), line, false) {
                match parse_time(&a.v) {
                    Ok(_) => {
                        if key == "starts" {
                            plan.service.starts = a.v;
                        } else {
                            plan.service.ends = a.v;
                        }
                    }
                    Err(m) => out.push(parse_error(
                        FILE,
                        a.line,
                        m.prefixed(&format!("[service] {key}："), &format!("[service] {key}: ")),
                    )),
                }
            }
        }
        plan.service.venues = doc.strings(t, "venues", "[service] venues").map(|a| a.v).unwrap_or_default();
        if let Some(a) = doc.strings(t, "activities", "[service] activities") {
            plan.service.activities = a;
        }
    }

    if let Some((t, _)) = doc.table(root, "deadlines") {
        if let Some(a) = doc.integer(t, "close_within_days", "[deadlines] close_within_days") {
            plan.deadlines.close_within_days = a.v;
        }
        if let Some(a) = doc.integer(t, "refund_within_days", "[deadlines] refund_within_days") {
            plan.deadlines.refund_within_days = a.v;
        }
    }

    plan.renew_below = rust_decimal::Decimal::new(30, 1);
    if let Some((t, _)) = doc.table(root, "surveys")
        && let Some(a) = doc.decimal(t, "renew_below", "[surveys] renew_below")
    {
        plan.renew_below = a.v;
    }

    plan.forbidden_categories = DEFAULT_FORBIDDEN.iter().map(|s| s.to_string()).collect();
    plan.banned_activities = DEFAULT_BANNED.iter().map(|s| s.to_string()).collect();
    if let Some((t, _)) = doc.table(root, "rules") {
        if let Some(a) = doc.strings(t, "forbidden_categories", "[rules] forbidden_categories") {
            plan.forbidden_categories = a.v;
        }
        if let Some(a) = doc.strings(t, "banned_activities", "[rules] banned_activities") {
            plan.banned_activities = a.v;
        }
    }

    if let Some((t, _)) = doc.table(root, "categories") {
        let codes: Vec<String> = Doc::keys(t).map(|(k, _)| k.to_owned()).collect();
        for code in codes {
            if let Some(label) = doc.string(t, &code, &format!("[categories] {code}"), 0, false) {
                plan.categories.push((code.trim().to_owned(), label.v));
            }
        }
    }

    let before = problems(&doc, out);
    plan.line_of_terms = Doc::get(root, "terms").map_or(1, |v| doc.line(v.span()));
    for (t, line) in doc.tables(root, "terms") {
        let id = doc.string(t, "id", "[[terms]] id", line, true);
        let name = doc.string(t, "name", "[[terms]] name", line, false);
        let starts = doc.date(t, "starts", "[[terms]] starts", line, true);
        let ends = doc.date(t, "ends", "[[terms]] ends", line, true);
        let settle_by = doc.date(t, "settle_by", "[[terms]] settle_by", line, true);
        let holidays = doc.dates(t, "holidays", "[[terms]] holidays");
        let workdays = doc.dates(t, "workdays", "[[terms]] workdays");
        if let Some(id) = &id
            && id.v.contains(|c: char| c.is_whitespace() || c == ',')
        {
            out.push(parse_error(
                FILE,
                id.line,
                Msg::new(
                    format!("学期 id“{}”含有空格或逗号", id.v),
                    format!("term id “{}” contains a space or comma", id.v),
                ),
            ));
            continue;
        }
        if let (Some(id), Some(starts), Some(ends), Some(settle_by)) = (id, starts, ends, settle_by) {
            plan.terms.push(Term {
                line,
                name: name.map_or_else(|| id.v.clone(), |n| n.v),
                id: id.v,
                starts: starts.v,
                ends: ends.v,
                settle_by,
                holidays,
                workdays,
            });
        }
    }
    plan.unread.terms = problems(&doc, out) > before;

    out.append(&mut doc.problems);
    Some(plan)
}
