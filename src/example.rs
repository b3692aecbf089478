//! The example records of `care init --example` and examples/demo-school: one complete past
//! term of a realistic school, valid under every rule on any later date. Generated from a fixed
//! seed, so the same version of care always writes the same files.

use std::collections::BTreeMap;
use std::path::Path;

use crate::domain::calendar::service_days;
use crate::domain::close::MonthTotals;
use crate::domain::settle::settle;
use crate::findings::{Lang, Msg};
use crate::records::contracts::{Contracts, StaffKind};
use crate::records::date::parse_date;
use crate::records::file::RecordFile;
use crate::records::ledger::Ledger;
use crate::records::plan::RefundBasis;
use crate::records::roster::Roster;
use crate::records::surveys::Surveys;
use crate::records::{Contract, Date, Entry, Kind, Money, Month, Pupil, Records, Source, Survey, closes, settlements};
use crate::report::{disclosure, render_template};

pub mod school;

pub const NAME: &str = "demo-school";

pub const PLAN: &str = r#"# 示例学校：2025年秋季学期的课后服务记录（care init --example 生成）
# Example school: the records of one past term of after-school care.

[school]
name = "阳光路小学"
city = "XX市"
principal = "王建国"

[leadership]
head = "王建国"
deputies = ["李红"]
members = ["赵敏", "钱亮", "孙丽", "郑伟"]

[committee]
established_on = 2025-06-15
chair = "陈静"
treasurer = "周强"
members = ["陈静", "周强", "吴芳", "冯磊"]

[fees]
decided_on = 2025-08-10
published_on = 2025-08-12
basis = "monthly"
amount = "160.00"
refund_basis = "paid"

[service]
days = ["mon", "tue", "wed", "thu", "fri"]
starts = "16:00"
ends = "17:30"
venues = ["教室", "操场", "图书室"]
activities = ["作业辅导", "自主阅读", "体育", "艺术", "科普", "娱乐游戏"]

[deadlines]
close_within_days = 10
refund_within_days = 15

[surveys]
renew_below = "3.0"

[[terms]]
id = "2025-autumn"
name = "2025年秋季学期"
starts = 2025-09-01
ends = 2026-01-16
settle_by = 2026-01-09
holidays = [2025-10-01, 2025-10-02, 2025-10-03, 2025-10-06, 2025-10-07, 2025-10-08]
"#;

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林", "罗", "欧阳",
];
const GIVEN: &[&str] = &[
    "子涵", "欣怡", "梓轩", "浩然", "雨桐", "宇航", "诗琪", "俊杰", "思远", "佳怡", "一诺", "明轩", "若曦", "天佑", "可欣", "博文", "语嫣",
    "志强", "晨", "悦",
];
const PARENT_GIVEN: &[&str] = &["建军", "丽华", "国强", "秀英", "海涛", "桂芳", "志刚", "红梅", "永明", "淑珍"];

/// A small fixed-seed generator, so the example is the same every time.
struct Seed(u64);
impl Seed {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((self.0 >> 33) % n as u64) as usize
    }
}

fn d(s: &str) -> Date {
    parse_date(s).unwrap_or_default()
}

/// A date that may be left empty.
fn opt_d(s: &str) -> Option<Date> {
    (!s.is_empty()).then(|| d(s))
}

/// Text that may be left empty.
fn opt_text<S: for<'s> From<&'s str>>(s: &str) -> Option<S> {
    (!s.is_empty()).then(|| S::from(s))
}

fn money(s: &str) -> Money {
    Money::parse(s).unwrap_or_default()
}

struct Applicant {
    id: String,
    enrolled: bool,
    ends: Option<&'static str>,
}

/// The example's files, by path relative to the records directory.
pub fn files() -> Result<BTreeMap<String, String>, Msg> {
    let mut seed = Seed(20250901);
    let mut out = BTreeMap::new();
    out.insert("plan.toml".to_owned(), PLAN.to_owned());

    // 44 applications over all six grades: 40 enrolled, one of them withdrawn in November,
    // two still waiting for review and two reviewed without an agreement yet.
    let mut roster = Vec::new();
    let mut pupils = Vec::new();
    for i in 1..=44usize {
        let surname = SURNAMES[seed.next(SURNAMES.len())];
        let name = format!("{surname}{}", GIVEN[seed.next(GIVEN.len())]);
        let guardian = format!("{surname}{}", PARENT_GIVEN[seed.next(PARENT_GIVEN.len())]);
        let grade = 1 + (i - 1) % 6;
        let class = 1 + seed.next(3);
        let phone = format!("139{:08}", 10_000_000 + i * 7919);
        let applied = format!("2025-08-{:02}", 15 + (i % 12));
        let id = format!("P{i:04}");
        let (reviewed, agreed, starts, ends, note) = match i {
            41 | 42 => ("", "", "", "", "等待审核"),
            43 | 44 => ("2025-08-29", "", "", "", "已审核，待签协议"),
            17 => ("2025-08-29", "2025-08-30", "2025-09-01", "2025-11-14", "家长11月中旬接回，自愿退出"),
            _ => ("2025-08-29", "2025-08-30", "2025-09-01", "", ""),
        };
        roster.push(Pupil {
            line: 0,
            id: id.clone(),
            name,
            grade: grade as u8,
            class: class.to_string(),
            guardian: guardian.clone(),
            phone: Some(phone),
            applied_on: d(&applied),
            signed_by: guardian,
            reviewed_on: opt_d(reviewed),
            agreed_on: opt_d(agreed),
            starts: opt_d(starts),
            ends: opt_d(ends),
            note: opt_text(note),
            term: None,
            waiver: None,
            waiver_reason: None,
        });
        pupils.push(Applicant {
            id,
            enrolled: !agreed.is_empty(),
            ends: (!ends.is_empty()).then_some(ends),
        });
    }
    out.insert("roster.csv".into(), Roster::text(&roster));

    // Staff of every kind; (id, name, kind, role, rate per hour, hours per service day).
    let staff: [(&str, &str, &str, &str, &str, &str); 4] = [
        ("C001", "赵敏", "school", "作业辅导", "60.00", "1.5"),
        ("C002", "冯磊", "parent", "体育", "30.00", "1.5"),
        ("C003", "沈晓燕", "professional", "艺术", "80.00", "0.9"),
        ("C004", "韩东", "professional", "科普", "70.00", "0.9"),
    ];
    let contracts: Vec<Contract> = staff
        .iter()
        .map(|(id, name, kind, role, rate, _)| Contract {
            line: 0,
            id: (*id).into(),
            name: (*name).into(),
            kind: StaffKind::parse(kind).unwrap_or(StaffKind::School),
            role: (*role).into(),
            signed_on: d("2025-08-25"),
            starts: d("2025-09-01"),
            ends: d("2026-01-16"),
            qualified_on: Some(d("2025-08-24")),
            background_on: (*kind != "school").then(|| d("2025-08-22")),
            rate: Some(money(rate)),
            unit: Some("hour".into()),
            note: None,
        })
        .collect();
    out.insert("contracts.csv".into(), Contracts::text(&contracts));

    // The ledger: fees on the first service day of each month, pay and expenses through it.
    let plan_records = Records::load_from(&Source::new(Path::new("/nonexistent-care-example")).with("plan.toml", PLAN.as_bytes().to_vec()));
    let plan = plan_records
        .plan
        .as_ref()
        .ok_or_else(|| Msg::new("示例计划无法读取", "the example plan cannot be read"))?;
    let term = plan
        .terms
        .first()
        .ok_or_else(|| Msg::new("示例计划没有学期", "the example plan has no term"))?;
    let collectors = ["周强", "陈静"];
    let mut ledger: Vec<Entry> = Vec::new();
    let mut receipt = 0;
    let fee_days = [
        ("2025-09", "2025-09-01", "160.00"),
        ("2025-10", "2025-10-09", "160.00"),
        ("2025-11", "2025-11-03", "160.00"),
        ("2025-12", "2025-12-01", "160.00"),
        ("2026-01", "2026-01-05", "80.00"),
    ];
    for (period, date, amount) in fee_days {
        for (n, p) in pupils.iter().filter(|p| p.enrolled).enumerate() {
            if p.ends
                .is_some_and(|e| Month::of(d(e)) < Month::parse(period).unwrap_or(Month { year: 0, month: 1 }))
            {
                continue;
            }
            receipt += 1;
            ledger.push(Entry {
                pupil_id: Some(p.id.as_str().into()),
                period: Some(period.into()),
                collected_by: Some(collectors[n % 2].into()),
                receipt: Some(format!("R{receipt:04}").into()),
                ..Entry::new(d(date), Kind::Fee, money(amount))
            });
        }
    }
    let expenses = [
        ("2025-09-03", "320.00", "materials", "作业本、文具"),
        ("2025-10-10", "400.00", "insurance", "学生意外险 40 人"),
        ("2025-10-20", "260.50", "activities", "科普实验材料"),
        ("2025-11-12", "186.00", "materials", "美术颜料、画纸"),
        ("2025-12-10", "235.80", "activities", "体育器材：跳绳、毽子"),
        ("2025-12-22", "98.00", "材料费", "期末阅读书签"),
    ];
    for (date, amount, cat, memo) in expenses {
        ledger.push(Entry {
            category: Some(cat.into()),
            memo: Some(memo.into()),
            ..Entry::new(d(date), Kind::Expense, money(amount))
        });
    }
    // Pay at each month's end for that month's service days; January's is paid before the
    // settlement, for the days to the end of the term.
    let pay_months = [
        ("2025-09-30", "2025-09-01", "2025-09-30"),
        ("2025-10-31", "2025-10-01", "2025-10-31"),
        ("2025-11-28", "2025-11-01", "2025-11-30"),
        ("2025-12-31", "2025-12-01", "2025-12-31"),
        ("2026-01-08", "2026-01-01", "2026-01-16"),
    ];
    for (date, from, to) in pay_months {
        let days = service_days(plan, term, d(from), d(to));
        for (id, _, _, _, rate, hours) in &staff {
            let amount = (money(rate).decimal() * money(hours).decimal() * rust_decimal::Decimal::from(days)).round_dp(2);
            ledger.push(Entry {
                contract_id: Some((*id).into()),
                memo: Some(format!("{} 个托管日", days).into()),
                ..Entry::new(d(date), Kind::Pay, Money::from(amount))
            });
        }
    }
    ledger.sort_by_key(|e| e.date);

    // Surveys in December: three parents and three pupils rate each staff member.
    let mut surveys = Vec::new();
    for (i, (id, ..)) in staff.iter().enumerate() {
        for k in 0..6 {
            let who = if k < 3 { "parent" } else { "pupil" };
            let score = 3 + seed.next(3);
            let comment = ["孩子很喜欢", "作业辅导认真", "希望多些户外活动", "", "老师很耐心", ""][seed.next(6)];
            surveys.push(Survey {
                line: 0,
                contract_id: (*id).into(),
                date: d(&format!("2025-12-{:02}", 15 + i)),
                respondent: who.into(),
                score: score.to_string(),
                comment: opt_text(comment),
            });
        }
    }
    out.insert("surveys.csv".into(), Surveys::text(&surveys));

    // Close September to December, settle on 9 January with the refunds paid the same day,
    // then close January.
    let mut ledger_text = Ledger::text(&ledger);
    let load = |ledger_text: &str, extra: &BTreeMap<String, String>| {
        let mut src = Source::new(Path::new("/nonexistent-care-example"));
        for (k, v) in extra {
            src = src.with(k, v.clone().into_bytes());
        }
        Records::load_from(&src.with("ledger.csv", ledger_text.as_bytes().to_vec()))
    };
    let close_month = |out: &mut BTreeMap<String, String>, ledger_text: &str, m: &str, on: &str| -> Result<(), Msg> {
        let month = Month::parse(m).ok_or_else(|| Msg::new("月份无效", "bad month"))?;
        let r = load(ledger_text, out);
        let opening = disclosure::opening(&r, month);
        let t = MonthTotals::of(month, &r.entries);
        let text = closes::render(month, d(on), opening, &t);
        out.insert(closes::path(month), text);
        let r = load(ledger_text, out);
        let ctx = disclosure::context(&r, month, Some(d(on)), Lang::Zh, false);
        out.insert(
            format!("reports/disclosure-{month}.md"),
            render_template(None, "disclosure.md.tera", &ctx)?,
        );
        Ok(())
    };
    out.insert("ledger.csv".into(), ledger_text.clone());
    for (m, on) in [
        ("2025-09", "2025-10-09"),
        ("2025-10", "2025-11-05"),
        ("2025-11", "2025-12-04"),
        ("2025-12", "2026-01-06"),
    ] {
        close_month(&mut out, &ledger_text, m, on)?;
    }
    let settled_on = d("2026-01-09");
    let r = load(&ledger_text, &out);
    let o = settle(plan, term, RefundBasis::Paid, settled_on, &r.entries, &r.pupils, &r.leave)?;
    out.insert(settlements::toml_path(&term.id), settlements::render_toml(&o.summary()));
    out.insert(
        settlements::csv_path(&term.id),
        settlements::render_csv(o.families.iter().map(|f| (f.pupil_id.as_str(), f.paid, f.share, f.refund))),
    );
    for f in o.families.iter().filter(|f| f.refund.is_positive()) {
        let payout = Entry {
            pupil_id: Some(f.pupil_id.as_str().into()),
            period: Some(term.id.as_str().into()),
            memo: Some("学期结算退费".into()),
            ..Entry::new(settled_on, Kind::Refund, f.refund)
        };
        ledger_text.push_str(&Ledger::line(&payout));
        ledger_text.push('\n');
    }
    out.insert("ledger.csv".into(), ledger_text.clone());
    close_month(&mut out, &ledger_text, "2026-01", "2026-02-03")?;

    out.insert(".gitignore".into(), include_str!("../assets/init/gitignore").into());
    out.insert(".github/workflows/care.yml".into(), include_str!("../assets/init/care.yml").into());
    out.insert(".gitlab-ci.yml".into(), include_str!("../assets/init/gitlab-ci.yml").into());
    Ok(out)
}
