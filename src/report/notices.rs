//! Refund notices (退费通知单): one per family after a term's settlement, with what the family
//! paid, its share of the costs, and the refund or the amount it owes.

use serde::Serialize;

use super::privacy::Privacy;
use super::settlement::{Family, Settled, settled};
use super::sheet::{Sheet, ToCell, Typed};
use super::values::{word, words};
use super::{Context, Data, Kind, Words, words_for};
use crate::findings::{Lang, Msg};
use crate::records::Records;

#[derive(Clone, Debug, Serialize)]
pub struct Notices {
    #[serde(flatten)]
    pub settled: Settled,
    pub notices: Vec<Family>,
}

pub fn context(records: &Records, term_id: &str, lang: Lang, mask: bool) -> Result<Context<Notices>, Msg> {
    let privacy = Privacy::new(records, mask);
    let (settled, families, chart) = settled(records, term_id, lang, &privacy)?;
    Ok(Context {
        data: Notices {
            settled,
            notices: families.into_iter().map(|f| f.row).collect(),
        },
        chart,
        t: words_for(records, lang, LABELS, SCHOOL),
    })
}

impl Data for Notices {
    const KIND: Kind = Kind::Notices;

    /// One row per notice.
    fn sheets(&self, t: &Words) -> Vec<Sheet> {
        vec![Sheet {
            name: format!("{} {}", word(t, "sheet"), self.settled.term.id),
            headers: words(
                t,
                &[
                    "pupil_id",
                    "name",
                    "grade",
                    "class",
                    "guardian",
                    "paid_col",
                    "share_col",
                    "refund_col",
                    "due_col",
                    "paid_out",
                    "paid_out_on",
                ],
            ),
            rows: self
                .notices
                .iter()
                .map(|n| {
                    vec![
                        n.pupil_id.cell(),
                        n.name.cell(),
                        n.grade.cell(),
                        n.class.cell(),
                        n.guardian.cell(),
                        n.paid.money(),
                        n.share.money(),
                        n.refund.money(),
                        n.due.money(),
                        n.paid_out.money(),
                        n.paid_out_on.date(),
                    ]
                })
                .collect(),
        }]
    }
}

const LABELS: &[(&str, &str, &str)] = &[
    ("title", "课后服务学期结算退费通知单", "After-school care: settlement notice"),
    ("sheet", "退费通知", "Notices"),
    ("cover", "退费通知单汇总", "Notices: summary"),
    ("dear", "尊敬的", "Dear "),
    ("dear_after", "家长：", ","),
    (
        "intro",
        "本学期课后服务已结算。按照《课后服务工作实施方案》三(三)，结余部分退还各家庭。您家庭的结算如下：",
        "The term's after-school care has been settled. Under section 三(三) of the policy, the surplus is returned to the families. Your family's part:",
    ),
    ("paid_col", "本学期已交", "Paid this term"),
    ("share_col", "分摊支出", "Share of costs"),
    ("refund_col", "应退金额", "Refund"),
    ("due_col", "应补交金额", "Amount due"),
    ("days", "托管天数", "Care days"),
    ("refund_text", "应退还您", "We owe you"),
    ("due_text", "请您补交", "Please pay"),
    ("even_text", "收支相抵，无需退补。", "Nothing to refund or pay."),
    ("paid_out", "已退付", "Paid out"),
    ("paid_out_on", "退付日期", "Paid out on"),
    ("refunded", "已于 {date} 退还。", "Refunded on {date}."),
    ("refund_by", "将于以下日期前退还：", "To be refunded by:"),
    ("due_by", "请于以下日期前交家委会：", "Please pay the committee by:"),
    ("yuan", "元", "yuan"),
    ("term_totals", "学期收支", "The term's money"),
    ("paid", "家长交费合计（P）", "Paid by families (P)"),
    ("costs", "支出合计（C）", "Costs (C)"),
    ("surplus", "结余（S）", "Surplus (S)"),
    ("settled_on", "结算日期", "Settled on"),
    ("families", "通知份数", "Notices"),
    ("refunds_total", "应退合计", "Refunds"),
    ("due_total", "应补合计", "Owed"),
    ("contact", "如有疑问，请联系家委会", "Questions go to the parents' committee"),
    ("chair", "主任", "chair"),
    ("treasurer", "财务", "treasurer"),
    ("committee", "家长委员会", "Parents' committee"),
    ("signature", "家长签收：", "Received by (guardian):"),
];

/// The words under model `school`: the school settles on the standard and takes what is due.
const SCHOOL: &[(&str, &str, &str)] = &[
    (
        "intro",
        "本学期课后服务已结算。每个家庭按经批准的收费标准为实际得到的服务付费，请假、退出多交的部分退还。您家庭的结算如下：",
        "The term's after-school care has been settled. Each family pays the approved standard for the care it received; what it paid beyond that is returned. Your family's part:",
    ),
    ("share_col", "应交（按标准和实际服务）", "Owed (the standard for the care received)"),
    ("due_by", "请于以下日期前交学校财务：", "Please pay the school's finance office by:"),
    ("contact", "如有疑问，请联系学校财务", "Questions go to the school's finance office"),
];
