//! Satisfaction ratings (满意度测评), internal: the mean score and count per contract, flagged
//! under `renew_below`, the basis for renewing or ending a contract (三(三)).

use rust_decimal::Decimal;
use serde::Serialize;

use super::sheet::{Cell, Sheet, ToCell, Typed};
use super::values::{InternalHeading, word, words};
use super::{Context, Data, Kind, Words, labels_with};
use crate::domain::ratings::Mean;
use crate::findings::Lang;
use crate::records::plan::Term;
use crate::records::{Records, Survey};

#[derive(Clone, Debug, Serialize)]
pub struct Surveys {
    #[serde(flatten)]
    pub heading: InternalHeading,
    pub renew_below: String,
    /// All valid ratings.
    pub count: usize,
    pub mean: Option<String>,
    /// Scores that are not 1–5, left out.
    pub invalid: usize,
    /// How many contracts are under the renewal line.
    pub flagged: usize,
    pub contracts: Vec<Rated>,
}

/// A contract's ratings: means are exact decimals shown with two places.
#[derive(Clone, Debug, Serialize)]
pub struct Rated {
    pub contract_id: String,
    pub name: String,
    pub role: String,
    pub kind_label: String,
    #[serde(flatten)]
    pub ratings: Ratings,
    /// The exact mean is under `renew_below`.
    pub flagged: bool,
    pub comments: Vec<Comment>,
}

/// The count and mean of some ratings: all, pupils' and parents'.
#[derive(Clone, Debug, Serialize)]
pub struct Ratings {
    pub count: usize,
    pub mean: Option<String>,
    pub pupil_count: usize,
    pub pupil_mean: Option<String>,
    pub parent_count: usize,
    pub parent_mean: Option<String>,
    /// The mean of all, exact.
    #[serde(skip)]
    pub exact: Option<Decimal>,
}

impl Ratings {
    pub fn of(surveys: &[&Survey]) -> Ratings {
        let by = |who: &str| Mean::of(surveys.iter().copied().filter(|s| s.respondent == who));
        Ratings::of_means(&Mean::of(surveys.iter().copied()), &by("pupil"), &by("parent"))
    }

    /// From the means of all ratings, the pupils' and the parents'.
    pub fn of_means(all: &Mean, pupils: &Mean, parents: &Mean) -> Ratings {
        Ratings {
            count: all.count,
            mean: all.shown(),
            pupil_count: pupils.count,
            pupil_mean: pupils.shown(),
            parent_count: parents.count,
            parent_mean: parents.shown(),
            exact: all.exact,
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Comment {
    pub date: String,
    pub respondent: String,
    pub respondent_label: String,
    /// As written in surveys.csv.
    pub score: String,
    pub comment: String,
}

/// With a term: the ratings dated in it, and the contracts that share a day with it.
pub fn context(records: &Records, term: Option<&Term>, lang: Lang) -> Context<Surveys> {
    let renew_below = records.plan.as_ref().map_or(Decimal::new(30, 1), |p| p.renew_below);
    let in_scope: Vec<&Survey> = records.surveys.iter().filter(|s| term.is_none_or(|t| t.contains(s.date))).collect();
    let mut contracts: Vec<_> = records
        .contracts
        .iter()
        .filter(|c| term.is_none_or(|t| c.starts <= t.ends && c.ends >= t.starts) || in_scope.iter().any(|s| s.contract_id == c.id))
        .collect();
    contracts.sort_by(|a, b| a.id.cmp(&b.id));
    let rows: Vec<Rated> = contracts
        .iter()
        .map(|c| {
            let mine: Vec<&Survey> = in_scope.iter().copied().filter(|s| s.contract_id == c.id).collect();
            let ratings = Ratings::of(&mine);
            let comments = mine
                .iter()
                .filter_map(|s| {
                    s.comment.as_ref().map(|text| Comment {
                        date: s.date.to_string(),
                        respondent: s.respondent.clone(),
                        respondent_label: match s.respondent.as_str() {
                            "pupil" => lang.pick("学生", "pupil"),
                            "parent" => lang.pick("家长", "parent"),
                            other => other,
                        }
                        .to_owned(),
                        score: s.score.clone(),
                        comment: text.clone(),
                    })
                })
                .collect();
            Rated {
                contract_id: c.id.clone(),
                name: c.name.clone(),
                role: c.role.clone(),
                kind_label: c.kind.label().get(lang).to_owned(),
                flagged: ratings.exact.is_some_and(|m| m < renew_below),
                ratings,
                comments,
            }
        })
        .collect();
    let overall = Mean::of(in_scope.iter().copied().filter(|s| records.contract(&s.contract_id).is_some()));
    let (heading, chart) = InternalHeading::of(records, lang, term);
    let data = Surveys {
        heading,
        renew_below: renew_below.to_string(),
        count: overall.count,
        mean: overall.shown(),
        invalid: in_scope.iter().filter(|s| s.score().is_none()).count(),
        flagged: rows.iter().filter(|r| r.flagged).count(),
        contracts: rows,
    };
    Context {
        data,
        chart,
        t: labels_with(lang, LABELS),
    }
}

impl Data for Surveys {
    const KIND: Kind = Kind::Surveys;

    /// The contracts, without the comments.
    fn sheets(&self, t: &Words) -> Vec<Sheet> {
        vec![Sheet {
            name: word(t, "sheet"),
            headers: words(
                t,
                &[
                    "contract_id",
                    "name",
                    "role",
                    "count",
                    "mean",
                    "pupil_count",
                    "pupil_mean",
                    "parent_count",
                    "parent_mean",
                    "flagged",
                ],
            ),
            rows: self
                .contracts
                .iter()
                .map(|c| {
                    vec![
                        c.contract_id.cell(),
                        c.name.cell(),
                        c.role.cell(),
                        c.ratings.count.cell(),
                        c.ratings.mean.number(),
                        c.ratings.pupil_count.cell(),
                        c.ratings.pupil_mean.number(),
                        c.ratings.parent_count.cell(),
                        c.ratings.parent_mean.number(),
                        Cell::Text(word(t, if c.flagged { "yes" } else { "no" })),
                    ]
                })
                .collect(),
        }]
    }
}

const LABELS: &[(&str, &str, &str)] = &[
    ("title", "课后服务满意度测评", "After-school care: satisfaction ratings"),
    ("sheet", "满意度测评", "Surveys"),
    ("contract_id", "协议编号", "Contract"),
    ("role", "服务内容", "Role"),
    ("count", "评价份数", "Ratings"),
    ("mean", "平均分", "Mean score"),
    ("pupil_count", "学生评价份数", "Pupils' ratings"),
    ("pupil_mean", "学生平均分", "Pupils' mean"),
    ("parent_count", "家长评价份数", "Parents' ratings"),
    ("parent_mean", "家长平均分", "Parents' mean"),
    ("flagged", "低于续聘线", "Under the renewal line"),
    (
        "renew_below",
        "续聘线（平均分低于此值须复核续聘）",
        "Renewal line (a renewal under this mean is reviewed)",
    ),
    ("overall", "全部评价", "All ratings"),
    ("invalid", "无效评分（不计入）", "Invalid scores (not counted)"),
    ("comments", "意见", "Comments"),
    ("respondent", "评价人", "Respondent"),
    ("score", "评分", "Score"),
    ("by_contract", "各服务人员", "By contract"),
    ("no_ratings", "尚无评价", "no ratings yet"),
    (
        "basis",
        "依据《课后服务工作实施方案》三(三)，满意度测评结果是续签、解除聘用协议的重要依据。",
        "Under section 三(三) of the policy, ratings are the main basis for renewing or ending a hiring agreement.",
    ),
];
