//! settlements/TERM.toml (the term's totals) and settlements/TERM.csv (one row per family).

use super::date::Date;
use super::fields::Fields;
use super::file::{Put, RecordFile, Sort};
use super::money::Money;
use super::plan::RefundBasis;
use super::table::{columns, parse_error};
use super::toml_doc::{At, Doc};
use crate::findings::{Finding, Msg};

pub const DIR: &str = "settlements";

columns! {
    /// The columns of settlements/TERM.csv, which only `care settle` writes.
    pub enum Families {
        PupilId: req("pupil_id"),
        Paid: req("paid"),
        Share: req("share"),
        Refund: req("refund"),
    }
}

pub fn toml_path(term: &str) -> String {
    format!("{DIR}/{term}.toml")
}
pub fn csv_path(term: &str) -> String {
    format!("{DIR}/{term}.csv")
}

#[derive(Clone, Debug)]
pub struct Settlement {
    pub file: String,
    pub term: At<String>,
    pub settled_on: At<Date>,
    pub basis: RefundBasis,
    pub paid: Money,
    /// G; zero when the file has no `grants`.
    pub grants: Money,
    pub costs: Money,
    pub surplus: Money,
    /// Basis `standard`: what stays with whoever runs the service.
    pub retained: Option<Money>,
    pub families: u64,
    pub digest: At<String>,
    /// From settlements/TERM.csv; empty when that file is missing or unreadable.
    pub rows: Vec<FamilyRow>,
    /// Every row of settlements/TERM.csv could be read.
    pub rows_complete: bool,
    pub csv_file: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FamilyRow {
    pub line: usize,
    pub pupil_id: String,
    pub paid: Money,
    pub share: Money,
    pub refund: Money,
}

pub fn load(file: &str, text: &str, out: &mut Vec<Finding>) -> Option<Settlement> {
    let mut doc = Doc::new(file, text);
    let root = match doc.parse() {
        Ok(r) => r,
        Err(f) => {
            out.push(*f);
            return None;
        }
    };
    let t = root.get_ref();
    let term = doc.string(t, "term", "term", 1, true);
    let settled_on = doc.date(t, "settled_on", "settled_on", 1, true);
    let basis_at = doc.string(t, "basis", "basis", 1, true);
    let paid = doc.money(t, "paid", "paid", 1, true);
    let grants = doc.money(t, "grants", "grants", 1, false);
    let costs = doc.money(t, "costs", "costs", 1, true);
    let retained = doc.money(t, "retained", "retained", 1, false);
    let surplus = doc.money(t, "surplus", "surplus", 1, true);
    let families = doc.integer(t, "families", "families");
    let digest = doc.string(t, "digest", "digest", 1, true);
    out.append(&mut doc.problems);
    let basis_at = basis_at?;
    let Some(basis) = RefundBasis::parse(&basis_at.v) else {
        out.push(parse_error(
            file,
            basis_at.line,
            Msg::new("basis 应为 paid、days 或 standard", "basis must be paid, days or standard"),
        ));
        return None;
    };
    let term = term?;
    let named = file.strip_prefix("settlements/").and_then(|n| n.strip_suffix(".toml"));
    if named.is_some_and(|n| n != term.v) {
        out.push(parse_error(
            file,
            term.line,
            Msg::new(
                format!("term“{}”与文件名不符", term.v),
                format!("term “{}” does not match the file name", term.v),
            ),
        ));
        return None;
    }
    Some(Settlement {
        file: file.to_owned(),
        csv_file: csv_path(&term.v),
        term,
        settled_on: settled_on?,
        basis,
        paid: paid?.v,
        grants: grants.map_or(Money::ZERO, |g| g.v),
        costs: costs?.v,
        surplus: surplus?.v,
        retained: retained.map(|r| r.v),
        families: families.map_or(0, |f| f.v as u64),
        digest: digest?,
        rows: Vec::new(),
        rows_complete: false,
    })
}

/// A settlement's rows are kept with it ([`Settlement::rows`]), one file per term.
impl RecordFile for Families {
    type Row = FamilyRow;
    /// The file of the term `TERM`: see [`csv_path`].
    const FILE: &'static str = "settlements/TERM.csv";
    const REQUIRED: bool = true;
    const KEY: Option<Self> = Some(Families::PupilId);
    const MONEY: &'static [Self] = &[Families::Paid, Families::Share, Families::Refund];
    const ORDER: &'static [(Self, Sort)] = &[];

    fn read(mut f: Fields<'_, Families>, out: &mut Vec<Finding>) -> Option<FamilyRow> {
        let r = FamilyRow {
            line: f.line,
            pupil_id: f.id(Families::PupilId),
            paid: f.money(Families::Paid).unwrap_or_default(),
            share: f.money(Families::Share).unwrap_or_default(),
            refund: f.money(Families::Refund).unwrap_or_default(),
        };
        f.finish(r, out)
    }

    fn write(r: &FamilyRow, col: Families, out: &mut dyn Put) {
        let FamilyRow {
            line: _,
            pupil_id,
            paid,
            share,
            refund,
        } = r;
        match col {
            Families::PupilId => out.text(pupil_id),
            Families::Paid => out.money(*paid),
            Families::Share => out.money(*share),
            Families::Refund => out.money(*refund),
        }
    }
}

/// A term's totals as settlements/TERM.toml keeps them.
#[derive(Clone, Debug)]
pub struct Summary<'a> {
    pub term: &'a str,
    pub settled_on: Date,
    pub basis: RefundBasis,
    pub paid: Money,
    pub grants: Money,
    pub costs: Money,
    pub surplus: Money,
    pub retained: Option<Money>,
    pub families: usize,
    pub digest: &'a str,
}

/// The text of settlements/TERM.toml, as `care settle` writes it. `grants` only when there are
/// any, and `retained` only under basis `standard`, so that settlements written before read the
/// same.
pub fn render_toml(s: &Summary) -> String {
    let Summary {
        term,
        settled_on,
        basis,
        paid,
        grants,
        costs,
        surplus,
        retained,
        families,
        digest,
    } = s;
    let grants = if grants.is_zero() {
        String::new()
    } else {
        format!("grants = \"{grants}\"\n")
    };
    let retained = retained.map(|r| format!("retained = \"{r}\"\n")).unwrap_or_default();
    format!(
        "# 学期结算，由 care settle 写入，请勿手工修改 / written by care settle; do not edit\n\
         term = \"{term}\"\nsettled_on = {settled_on}\nbasis = \"{}\"\npaid = \"{paid}\"\n{grants}costs = \"{costs}\"\nsurplus = \"{surplus}\"\n{retained}families = {families}\ndigest = \"{digest}\"\n",
        basis.as_str()
    )
}

/// The text of settlements/TERM.csv: `pupil_id,paid,share,refund`, one row per family. Written
/// whole like the settlement's TOML file, its values as they are, unquoted.
pub fn render_csv<'a>(rows: impl IntoIterator<Item = (&'a str, Money, Money, Money)>) -> String {
    let mut s = Families::header().join(",");
    s.push('\n');
    for (id, paid, share, refund) in rows {
        s.push_str(&format!("{id},{paid},{share},{refund}\n"));
    }
    s
}
