//! surveys.csv: satisfaction ratings of staff (满意度测评), one rating per row.

use super::date::Date;
use super::fields::Fields;
use super::table::{Column, Table, opt, req};
use crate::findings::Finding;

pub const FILE: &str = "surveys.csv";
pub const COLUMNS: &[Column] = &[req("contract_id"), req("date"), req("respondent"), req("score"), opt("comment")];

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Survey {
    pub line: usize,
    pub contract_id: String,
    pub date: Date,
    /// As written; `survey/score` judges it.
    pub respondent: String,
    /// As written; `survey/score` judges it, `score()` reads it.
    pub score: String,
    pub comment: Option<String>,
}

impl Survey {
    /// The score when it is a whole number from 1 to 5.
    pub fn score(&self) -> Option<u8> {
        self.score.parse::<u8>().ok().filter(|s| (1..=5).contains(s))
    }

    pub fn respondent_ok(&self) -> bool {
        matches!(self.respondent.as_str(), "pupil" | "parent")
    }
}

pub fn load(table: &Table, out: &mut Vec<Finding>) -> Vec<Survey> {
    table.rows.iter().filter_map(|row| read(Fields::new(table, row), out)).collect()
}

/// One row; `None`, with the findings that say why, when it cannot be read.
pub fn read(mut f: Fields<'_>, out: &mut Vec<Finding>) -> Option<Survey> {
    let s = Survey {
        line: f.line,
        contract_id: f.req("contract_id"),
        date: f.date("date").unwrap_or_default(),
        respondent: f.text("respondent").to_owned(),
        score: f.text("score").to_owned(),
        comment: f.opt("comment"),
    };
    f.finish(s, out)
}
