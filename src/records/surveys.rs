//! surveys.csv: satisfaction ratings of staff (满意度测评), one rating per row.

use super::Records;
use super::date::Date;
use super::fields::Fields;
use super::file::{Kept, Put, RecordFile, Sort, put_text};
use super::load::Loaded;
use super::table::columns;
use crate::findings::Finding;

pub const FILE: &str = "surveys.csv";

columns! {
    /// The columns of surveys.csv.
    pub enum Surveys {
        ContractId: req("contract_id", "合同编号"),
        Date: req("date", "日期"),
        Respondent: req("respondent", "评价人"),
        Score: req("score", "评分"),
        Comment: opt("comment", "意见"),
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
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

impl RecordFile for Surveys {
    type Row = Survey;
    const FILE: &'static str = FILE;
    const REQUIRED: bool = true;
    const KEY: Option<Self> = None;
    const MONEY: &'static [Self] = &[];
    const ORDER: &'static [(Self, Sort)] = &[(Surveys::Date, Sort::Text), (Surveys::ContractId, Sort::Natural)];
    const TABLE: Option<&'static str> = Some("surveys");
    const DATES: &'static [Self] = &[Surveys::Date];
    const COUNTS: &'static [Self] = &[Surveys::Score];
    const PRIVATE: &'static [Self] = &[Surveys::Comment];

    fn read(mut f: Fields<'_, Surveys>, out: &mut Vec<Finding>) -> Option<Survey> {
        let s = Survey {
            line: f.line,
            contract_id: f.req(Surveys::ContractId),
            date: f.date(Surveys::Date).unwrap_or_default(),
            respondent: f.text(Surveys::Respondent).to_owned(),
            score: f.text(Surveys::Score).to_owned(),
            comment: f.opt(Surveys::Comment),
        };
        f.finish(s, out)
    }

    fn write(s: &Survey, col: Surveys, out: &mut dyn Put) {
        let Survey {
            line: _,
            contract_id,
            date,
            respondent,
            score,
            comment,
        } = s;
        match col {
            Surveys::ContractId => out.text(contract_id),
            Surveys::Date => out.date(*date),
            Surveys::Respondent => out.text(respondent),
            Surveys::Score => out.text(score),
            Surveys::Comment => put_text(comment, out),
        }
    }
}

impl Kept for Surveys {
    fn rows(r: &Records) -> &[Survey] {
        &r.surveys
    }

    fn rows_mut(r: &mut Records) -> &mut Vec<Survey> {
        &mut r.surveys
    }

    fn keep(r: &mut Records, loaded: Option<Loaded<Survey>>) {
        if let Some(l) = loaded {
            r.surveys_complete = l.complete();
            r.surveys = l.items;
        }
    }
}
