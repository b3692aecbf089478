//! `care survey add`: a satisfaction rating of a staff member (满意度测评, 三(三)).

use super::write::Write;
use super::{Env, Outcome};
use crate::cli::RespondentArg;
use crate::findings::Msg;
use crate::records::surveys::Surveys;
use crate::records::{Date, Survey};

pub(super) fn add(env: &Env, contract: &str, date: Date, respondent: RespondentArg, score: u8, comment: Option<String>) -> Outcome {
    let mut w = Write::begin(env)?;
    let who = match respondent {
        RespondentArg::Pupil => "pupil",
        RespondentArg::Parent => "parent",
    };
    w.append::<Surveys>(&Survey {
        line: 0,
        contract_id: contract.trim().to_owned(),
        date,
        respondent: who.to_owned(),
        score: score.to_string(),
        comment,
    })?;
    w.finish(
        Msg::new(
            format!("已记录对 {contract} 的评分 {score}（{date}）"),
            format!("recorded a score of {score} for {contract} on {date}"),
        ),
        &[],
    )
}
