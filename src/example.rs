//! The example records of `care init --example` and examples/demo-school: two complete past
//! terms of a realistic school, the second with the families who applied again, one that did
//! not and a new one, valid under every rule on any later date. Generated from a fixed seed, so
//! the same version of care always writes the same files.

use std::collections::BTreeMap;
use std::path::Path;

use crate::domain::calendar::{applications, service_days};
use crate::domain::close::MonthTotals;
use crate::domain::settle::settle;
use crate::findings::{Lang, Msg};
use crate::records::contracts::{Contracts, StaffKind};
use crate::records::date::parse_date;
use crate::records::file::{RecordFile, natural};
use crate::records::ledger::Ledger;
use crate::records::plan::{Plan, RefundBasis, Term};
use crate::records::roster::Roster;
use crate::records::surveys::Surveys;
use crate::records::{Contract, Date, Entry, Kind, Money, Month, Pupil, Records, Source, Survey, closes, settlements};
use crate::report::{disclosure, render_template};

pub(crate) mod school;

pub(crate) const PLAN: &str = r#"# 示例学校：2025年秋季和2026年春季两个学期的课后服务记录（care init --example 生成）
# Example school: the records of two past terms of after-school care.

[school]
name = "阳光路小学"
city = "XX市"
principal = "王建国"
pupils = 360

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
workdays = [2025-09-28, 2025-10-11]

[[terms]]
id = "2026-spring"
name = "2026年春季学期"
starts = 2026-03-02
ends = 2026-07-03
settle_by = 2026-06-26
holidays = [2026-04-06, 2026-05-01, 2026-05-04, 2026-05-05, 2026-06-19]
workdays = [2026-05-09]
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

/// One term of the example: its applications' care, the fees, pay and costs, the ratings, the
/// settlement and its payouts.
struct TermPlan<'a> {
    /// Months with the day fees are taken and the amount.
    fees: &'a [(&'a str, &'a str, &'a str)],
    /// (date, amount, category, memo).
    expenses: &'a [(&'a str, &'a str, &'a str, &'a str)],
    /// Pay: (date, from, to), for the service days from `from` to `to`.
    pay: &'a [(&'a str, &'a str, &'a str)],
    /// The contracts of the term and the first of their ids.
    contracts: (&'a str, &'a str, &'a str, &'a str, &'a str, usize),
    /// The day of the first ratings.
    surveys_from: &'a str,
    settled_on: &'a str,
    /// The day the settlement's refunds are paid out.
    paid_out_on: &'a str,
}

const AUTUMN: TermPlan = TermPlan {
    fees: &[
        ("2025-09", "2025-09-01", "160.00"),
        ("2025-10", "2025-10-09", "160.00"),
        ("2025-11", "2025-11-03", "160.00"),
        ("2025-12", "2025-12-01", "160.00"),
        ("2026-01", "2026-01-05", "80.00"),
    ],
    expenses: &[
        ("2025-09-03", "120.00", "materials", "作业本、文具"),
        ("2025-10-10", "400.00", "insurance", "学生意外险 40 人"),
        ("2025-10-20", "260.50", "activities", "科普实验材料"),
        ("2025-11-12", "186.00", "materials", "美术颜料、画纸"),
        ("2025-12-10", "235.80", "activities", "体育器材：跳绳、毽子"),
        ("2025-12-22", "98.00", "材料费", "期末阅读书签"),
    ],
    // Pay at each month's end for that month's service days; January's is paid before the
    // settlement, for the days to the end of the term.
    pay: &[
        ("2025-09-30", "2025-09-01", "2025-09-30"),
        ("2025-10-31", "2025-10-01", "2025-10-31"),
        ("2025-11-28", "2025-11-01", "2025-11-30"),
        ("2025-12-31", "2025-12-01", "2025-12-31"),
        ("2026-01-08", "2026-01-01", "2026-01-16"),
    ],
    contracts: ("2025-08-25", "2025-09-01", "2026-01-16", "2025-08-24", "2025-08-22", 1),
    surveys_from: "2025-12-15",
    settled_on: "2026-01-09",
    paid_out_on: "2026-01-09",
};

const SPRING: TermPlan = TermPlan {
    fees: &[
        ("2026-03", "2026-03-02", "160.00"),
        ("2026-04", "2026-04-01", "160.00"),
        ("2026-05", "2026-05-06", "160.00"),
        ("2026-06", "2026-06-01", "160.00"),
        ("2026-07", "2026-06-22", "40.00"),
    ],
    expenses: &[
        ("2026-03-04", "150.00", "materials", "作业本、文具"),
        ("2026-04-08", "390.00", "insurance", "学生意外险 39 人"),
        ("2026-04-15", "210.00", "activities", "春季运动会器材"),
        ("2026-05-20", "150.00", "材料费", "美术材料"),
        ("2026-06-10", "120.00", "other", "期末汇报演出"),
    ],
    // June's pay covers the days to the end of the term and is paid before the settlement.
    pay: &[
        ("2026-03-31", "2026-03-01", "2026-03-31"),
        ("2026-04-30", "2026-04-01", "2026-04-30"),
        ("2026-05-29", "2026-05-01", "2026-05-31"),
        ("2026-06-24", "2026-06-01", "2026-07-03"),
    ],
    contracts: ("2026-02-24", "2026-03-02", "2026-07-03", "2026-02-23", "2026-02-20", 5),
    surveys_from: "2026-06-08",
    settled_on: "2026-06-26",
    paid_out_on: "2026-07-02",
};

/// Staff of every kind, the same people both terms; (name, kind, role, rate per hour, hours per
/// service day).
const STAFF: [(&str, &str, &str, &str, &str); 4] = [
    ("赵敏", "school", "作业辅导", "60.00", "1.5"),
    ("冯磊", "parent", "体育", "30.00", "1.5"),
    ("沈晓燕", "professional", "艺术", "80.00", "0.9"),
    ("韩东", "professional", "科普", "70.00", "0.9"),
];

/// A new application, as the families' own forms give it.
fn application(seed: &mut Seed, i: usize, applied: &str, term: &str) -> Pupil {
    let surname = SURNAMES[seed.next(SURNAMES.len())];
    let name = format!("{surname}{}", GIVEN[seed.next(GIVEN.len())]);
    let guardian = format!("{surname}{}", PARENT_GIVEN[seed.next(PARENT_GIVEN.len())]);
    Pupil {
        line: 0,
        id: format!("P{i:04}"),
        name,
        grade: (1 + (i - 1) % 6) as u8,
        class: (1 + seed.next(3)).to_string(),
        guardian: guardian.clone(),
        phone: Some(format!("139{:08}", 10_000_000 + i * 7919)),
        applied_on: d(applied),
        signed_by: guardian,
        reviewed_on: None,
        agreed_on: None,
        starts: None,
        ends: None,
        note: None,
        term: Some(term.to_owned()),
        waiver: None,
        waiver_reason: None,
    }
}

/// The records as the files hold them so far, read from memory.
fn load(files: &BTreeMap<String, String>) -> Records {
    let mut src = Source::new(Path::new("/nonexistent-care-example"));
    for (k, v) in files {
        src = src.with(k, v.clone().into_bytes());
    }
    Records::load_from(&src)
}

/// The term's contracts, fees, expenses and pay, in date order.
fn term_ledger(plan: &Plan, term: &Term, t: &TermPlan, roster: &[Pupil], contracts: &[Contract]) -> Vec<Entry> {
    let collectors = ["周强", "陈静"];
    let mut ledger: Vec<Entry> = Vec::new();
    let in_care: Vec<&Pupil> = applications(plan, term, roster).filter(|p| p.starts.is_some()).collect();
    for (period, date, amount) in t.fees {
        let month = Month::parse(period).unwrap_or(Month { year: 0, month: 1 });
        for (n, p) in in_care.iter().enumerate() {
            if p.ends.is_some_and(|e| Month::of(e) < month) {
                continue;
            }
            ledger.push(Entry {
                pupil_id: Some(p.id.as_str().into()),
                period: Some((*period).into()),
                collected_by: Some(collectors[n % 2].into()),
                ..Entry::new(d(date), Kind::Fee, money(amount))
            });
        }
    }
    for (date, amount, cat, memo) in t.expenses {
        ledger.push(
            Entry {
                memo: Some((*memo).into()),
                ..Entry::new(d(date), Kind::Expense, money(amount))
            }
            .with_apart(None, Some((*cat).into())),
        );
    }
    for (date, from, to) in t.pay {
        let days = service_days(plan, term, d(from), d(to));
        for (c, (_, _, _, rate, hours)) in contracts.iter().zip(STAFF) {
            let amount = (money(rate).decimal() * money(hours).decimal() * rust_decimal::Decimal::from(days)).round_dp(2);
            ledger.push(
                Entry {
                    memo: Some(format!("{days} 个托管日").into()),
                    ..Entry::new(d(date), Kind::Pay, Money::from(amount))
                }
                .with_apart(Some(c.id.as_str().into()), None),
            );
        }
    }
    ledger.sort_by_key(|e| e.date);
    ledger
}

/// The example's files, by path relative to the records directory.
pub(crate) fn files() -> Result<BTreeMap<String, String>, Msg> {
    let mut seed = Seed(20250901);
    let mut out = BTreeMap::new();
    out.insert("plan.toml".to_owned(), PLAN.to_owned());
    let plan_records = load(&out);
    let plan = plan_records
        .plan
        .as_ref()
        .ok_or_else(|| Msg::new("示例计划无法读取", "the example plan cannot be read"))?;
    let (Some(autumn), Some(spring)) = (plan.term("2025-autumn"), plan.term("2026-spring")) else {
        return Err(Msg::new("示例计划缺少学期", "the example plan lacks its terms"));
    };

    // Autumn: 44 applications over all six grades: 40 enrolled, one of them withdrawn in
    // November, two still waiting for review and two reviewed without an agreement yet.
    let mut roster = Vec::new();
    for i in 1..=44usize {
        let applied = format!("2025-08-{:02}", 15 + (i % 12));
        let (reviewed, agreed, starts, ends, note) = match i {
            41 | 42 => ("", "", "", "", "等待审核"),
            43 | 44 => ("2025-08-29", "", "", "", "已审核，待签协议"),
            17 => ("2025-08-29", "2025-08-30", "2025-09-01", "2025-11-14", "家长11月中旬接回，自愿退出"),
            _ => ("2025-08-29", "2025-08-30", "2025-09-01", "", ""),
        };
        roster.push(Pupil {
            reviewed_on: opt_d(reviewed),
            agreed_on: opt_d(agreed),
            starts: opt_d(starts),
            ends: opt_d(ends),
            note: opt_text(note),
            ..application(&mut seed, i, &applied, &autumn.id)
        });
    }
    // Autumn's ratings, in December: three parents and three pupils rate each staff member.
    let mut surveys = ratings(&mut seed, &AUTUMN, AUTUMN.contracts.5);

    // Spring: every family whose child stayed to the end of autumn applies again in January
    // but one; a new family applies in February. Consent is per term: each is a new row.
    let mut renewals: Vec<Pupil> = roster
        .iter()
        .filter(|p| p.agreed_on.is_some() && p.ends.is_none() && p.id != "P0023")
        .enumerate()
        .map(|(n, p)| Pupil {
            applied_on: d(&format!("2026-01-{:02}", 12 + n % 5)),
            term: Some(spring.id.clone()),
            note: None,
            ..p.clone()
        })
        .collect();
    renewals.push(Pupil {
        note: Some("新报名".into()),
        ..application(&mut seed, 45, "2026-02-20", &spring.id)
    });
    for p in &mut renewals {
        p.reviewed_on = Some(d("2026-02-25"));
        p.agreed_on = Some(d("2026-02-27"));
        p.starts = Some(spring.starts);
    }
    roster.extend(renewals);
    // In the order `care fmt` keeps: by id, each pupil's applications in turn.
    roster.sort_by(|a, b| natural(&a.id, &b.id));
    surveys.extend(ratings(&mut seed, &SPRING, SPRING.contracts.5));
    out.insert("roster.csv".into(), Roster::text(&roster));

    // The same staff each term, on a new contract.
    let contracts_of = |t: &TermPlan| -> Vec<Contract> {
        let (signed, starts, ends, qualified, background, first) = t.contracts;
        STAFF
            .iter()
            .enumerate()
            .map(|(i, (name, kind, role, rate, _))| Contract {
                line: 0,
                id: format!("C{:03}", first + i),
                name: (*name).into(),
                kind: StaffKind::parse(kind).unwrap_or(StaffKind::School),
                role: (*role).into(),
                signed_on: d(signed),
                starts: d(starts),
                ends: d(ends),
                qualified_on: Some(d(qualified)),
                background_on: (*kind != "school").then(|| d(background)),
                rate: Some(money(rate)),
                unit: Some("hour".into()),
                note: None,
            })
            .collect()
    };
    let (autumn_staff, spring_staff) = (contracts_of(&AUTUMN), contracts_of(&SPRING));
    let contracts: Vec<Contract> = autumn_staff.iter().chain(&spring_staff).cloned().collect();
    out.insert("contracts.csv".into(), Contracts::text(&contracts));
    out.insert("surveys.csv".into(), Surveys::text(&surveys));

    // Each term's money, its settlement and the payouts of its refunds, with receipts
    // numbered across the terms.
    let mut ledger_text = Ledger::text(std::iter::empty());
    let mut receipt = 0;
    for (term, t, staff) in [(autumn, &AUTUMN, &autumn_staff), (spring, &SPRING, &spring_staff)] {
        for mut e in term_ledger(plan, term, t, &roster, staff) {
            if e.kind == Kind::Fee {
                receipt += 1;
                e.receipt = Some(format!("R{receipt:04}").into());
            }
            ledger_text.push_str(&Ledger::line(&e));
            ledger_text.push('\n');
        }
        out.insert("ledger.csv".into(), ledger_text.clone());
        let settled_on = d(t.settled_on);
        let r = load(&out);
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
                ..Entry::new(d(t.paid_out_on), Kind::Refund, f.refund)
            };
            ledger_text.push_str(&Ledger::line(&payout));
            ledger_text.push('\n');
        }
        out.insert("ledger.csv".into(), ledger_text.clone());
    }

    // Every month with money closed and disclosed early in the month after.
    for (m, on) in [
        ("2025-09", "2025-10-09"),
        ("2025-10", "2025-11-05"),
        ("2025-11", "2025-12-04"),
        ("2025-12", "2026-01-06"),
        ("2026-01", "2026-02-03"),
        ("2026-03", "2026-04-03"),
        ("2026-04", "2026-05-08"),
        ("2026-05", "2026-06-03"),
        ("2026-06", "2026-07-06"),
        ("2026-07", "2026-08-04"),
    ] {
        close_month(&mut out, m, on)?;
    }

    out.insert(".gitignore".into(), include_str!("../assets/init/gitignore").into());
    out.insert(".github/workflows/care.yml".into(), include_str!("../assets/init/care.yml").into());
    out.insert(".gitlab-ci.yml".into(), include_str!("../assets/init/gitlab-ci.yml").into());
    Ok(out)
}

/// Ratings of each contract of a term (ids from `first`): three parents and three pupils each.
fn ratings(seed: &mut Seed, t: &TermPlan, first: usize) -> Vec<Survey> {
    let mut surveys = Vec::new();
    for i in 0..STAFF.len() {
        for k in 0..6 {
            let who = if k < 3 { "parent" } else { "pupil" };
            let score = 3 + seed.next(3);
            let comment = ["孩子很喜欢", "作业辅导认真", "希望多些户外活动", "", "老师很耐心", ""][seed.next(6)];
            surveys.push(Survey {
                line: 0,
                contract_id: format!("C{:03}", first + i),
                date: d(t.surveys_from) + chrono::Days::new(i as u64),
                respondent: who.into(),
                score: score.to_string(),
                comment: opt_text(comment),
            });
        }
    }
    surveys
}

/// Closes month `m` on `on` and writes its disclosure, over the files so far.
fn close_month(out: &mut BTreeMap<String, String>, m: &str, on: &str) -> Result<(), Msg> {
    let month = Month::parse(m).ok_or_else(|| Msg::new("月份无效", "bad month"))?;
    let r = load(out);
    let opening = disclosure::opening(&r, month);
    let t = MonthTotals::of(month, &r.entries);
    out.insert(closes::path(month), closes::render(month, d(on), opening, &t));
    let r = load(out);
    let ctx = disclosure::context(&r, month, Some(d(on)), Lang::Zh, false);
    out.insert(
        format!("reports/disclosure-{month}.md"),
        render_template(None, "disclosure.md.tera", &ctx)?,
    );
    Ok(())
}
