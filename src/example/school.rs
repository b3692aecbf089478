//! The example of `care init --example --model school` and examples/school-collected: one
//! complete past term of a school that takes its service fee itself (SPEC §10, 教基厅函〔2023〕
//! 26号): its finance office collects an approved standard, leave and withdrawal are refunded by
//! the day, one family's fee is waived and one's halved, the district pays a grant, and the term
//! is settled on the standard and disclosed month by month. Valid under every rule on any later
//! date; generated from a fixed seed.

use std::collections::BTreeMap;
use std::path::Path;

use super::{GIVEN, PARENT_GIVEN, SURNAMES, Seed, close_month, d, load, money, opt_text};
use crate::domain::calendar::service_days;
use crate::domain::owed::{owed, standard};
use crate::domain::settle::settle;
use crate::findings::Msg;
use crate::records::contracts::{Contracts, StaffKind};
use crate::records::file::RecordFile;
use crate::records::leave::Leaves;
use crate::records::ledger::Ledger;
use crate::records::plan::RefundBasis;
use crate::records::roster::Roster;
use crate::records::surveys::Surveys;
use crate::records::{Contract, Entry, Kind, Leave, Month, Pupil, Records, Source, Survey, settlements};
use crate::rules::Context;
use crate::rules::fees::{Key, dues};

pub(crate) const PLAN: &str = r#"# 示例学校（学校收费模式）：2025年秋季学期的课后服务记录（care init --example --model school 生成）
# Example school that collects its own service fee (model "school"): the records of one past term.

# 收费模式：学校按价格主管部门批准的标准收取服务费，不通过家委会或第三方收取（教基厅函〔2023〕26号）
[policy]
model = "school"

[school]
name = "明德路小学"
city = "XX市"
principal = "林海"
code = "420100-0456"
pupils = 860
finance = ["刘会计", "何出纳"]

[leadership]
head = "林海"
deputies = ["高敏"]
members = ["唐静", "许刚", "邓丽"]

[fees]
decided_on = 2025-07-20
published_on = 2025-08-15
basis = "monthly"
amount = "200.00"
approval = "X发改价格〔2025〕36号"
refund_basis = "standard"
refund_rule = "daily"
leave_min_days = 3

[service]
days = ["mon", "tue", "wed", "thu", "fri"]
starts = "16:30"
ends = "18:00"
venues = ["教室", "操场", "阅览室"]
activities = ["作业辅导", "自主阅读", "体育", "艺术", "科普"]

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
holidays = [2025-10-01, 2025-10-02, 2025-10-03, 2025-10-06, 2025-10-07, 2025-10-08, 2026-01-01, 2026-01-02]
workdays = [2025-09-28, 2025-10-11, 2026-01-04]
"#;

/// The finance office, who take the fees in turn.
const FINANCE: [&str; 2] = ["刘会计", "何出纳"];

/// The example's files, by path relative to the records directory.
pub(crate) fn files() -> Result<BTreeMap<String, String>, Msg> {
    let mut seed = Seed(20250915);
    let mut out = BTreeMap::new();
    out.insert("plan.toml".to_owned(), PLAN.to_owned());
    let plan_only = Records::load_from(&Source::new(Path::new("/nonexistent-care-example")).with("plan.toml", PLAN.as_bytes().to_vec()));
    let plan = plan_only
        .plan
        .as_ref()
        .ok_or_else(|| Msg::new("示例计划无法读取", "the example plan cannot be read"))?;
    let term = plan
        .terms
        .first()
        .ok_or_else(|| Msg::new("示例计划没有学期", "the example plan has no term"))?;

    // 24 families for the autumn term: P0005's fee is waived (低保), P0009's halved (建档立卡),
    // P0012 withdraws in mid-November, P0024 joins on 15 September.
    let mut roster = Vec::new();
    for i in 1..=24usize {
        let surname = SURNAMES[seed.next(SURNAMES.len())];
        let guardian = format!("{surname}{}", PARENT_GIVEN[seed.next(PARENT_GIVEN.len())]);
        let (applied, reviewed, agreed, starts) = match i {
            24 => ("2025-09-10".to_owned(), "2025-09-12", "2025-09-12", "2025-09-15"),
            _ => (format!("2025-08-{:02}", 18 + i % 8), "2025-08-28", "2025-08-29", "2025-09-01"),
        };
        let (waiver, reason) = match i {
            5 => (Some("100"), "低保家庭，全免"),
            9 => (Some("50"), "建档立卡家庭，减半"),
            _ => (None, ""),
        };
        roster.push(Pupil {
            line: 0,
            id: format!("P{i:04}"),
            name: format!("{surname}{}", GIVEN[seed.next(GIVEN.len())]),
            grade: (1 + (i - 1) % 6) as u8,
            class: (1 + seed.next(2)).to_string(),
            guardian: guardian.clone(),
            phone: Some(format!("137{:08}", 20_000_000 + i * 6151)),
            applied_on: d(&applied),
            signed_by: guardian,
            reviewed_on: Some(d(reviewed)),
            agreed_on: Some(d(agreed)),
            starts: Some(d(starts)),
            ends: (i == 12).then(|| d("2025-11-14")),
            note: opt_text(if i == 12 { "家长工作调动，11月14日后退出" } else { "" }),
            term: Some(term.id.clone()),
            waiver: waiver.and_then(|w| w.parse().ok()),
            waiver_reason: opt_text(reason),
        });
    }
    out.insert("roster.csv".into(), Roster::text(&roster));

    // Leave: five days of sick leave, three days (leave_min_days) and two days, which do not
    // count; and the halved family away for a week in December.
    let leave = [
        ("P0003", "2025-10-20", "2025-10-24", "病假"),
        ("P0007", "2025-12-08", "2025-12-10", "事假"),
        ("P0009", "2025-12-15", "2025-12-19", "回老家"),
        ("P0010", "2025-11-03", "2025-11-04", "病假"),
    ]
    .map(|(id, from, to, reason)| Leave {
        line: 0,
        pupil_id: id.into(),
        from: d(from),
        to: d(to),
        reason: Some(reason.into()),
    });
    out.insert("leave.csv".into(), Leaves::text(&leave));

    // Staff the school hires; (id, name, kind, role, rate per hour, hours per service day).
    let staff: [(&str, &str, StaffKind, &str, &str, &str); 3] = [
        ("C001", "唐静", StaffKind::School, "作业辅导", "60.00", "1.5"),
        ("C002", "孟凡", StaffKind::Professional, "体育", "80.00", "1"),
        ("C003", "白雪", StaffKind::Professional, "艺术", "80.00", "0.5"),
    ];
    let contracts: Vec<Contract> = staff
        .iter()
        .map(|&(id, name, kind, role, rate, _)| Contract {
            line: 0,
            id: id.into(),
            name: name.into(),
            kind,
            role: role.into(),
            signed_on: d("2025-08-25"),
            starts: d("2025-09-01"),
            ends: d("2026-01-16"),
            qualified_on: Some(d("2025-08-22")),
            background_on: (kind != StaffKind::School).then(|| d("2025-08-20")),
            rate: Some(money(rate)),
            unit: Some("hour".into()),
            note: None,
        })
        .collect();
    out.insert("contracts.csv".into(), Contracts::text(&contracts));

    // Fees on the first service day of each month: the standard less the family's waiver; a
    // family that joins during a month pays that month by the day, from its first day of care.
    let mut ledger: Vec<Entry> = Vec::new();
    let mut receipt = 0;
    for (period, date) in [
        ("2025-09", "2025-09-01"),
        ("2025-10", "2025-10-09"),
        ("2025-11", "2025-11-03"),
        ("2025-12", "2025-12-01"),
        ("2026-01", "2026-01-05"),
    ] {
        let month = Month::parse(period).ok_or_else(|| Msg::new("月份无效", "bad month"))?;
        for (n, p) in roster.iter().enumerate() {
            let withdrawn = p.ends.is_some_and(|e| Month::of(e) < month);
            let (date, amount) = match p.starts {
                Some(s) if month.contains(s) && s > d(date) => (s, owed(plan, term, p, (month.first_day(), month.last_day()), &[]).owed),
                _ => (d(date), standard(plan, p)),
            };
            if withdrawn || amount.is_zero() {
                continue;
            }
            receipt += 1;
            ledger.push(Entry {
                pupil_id: Some(p.id.as_str().into()),
                period: Some(period.into()),
                collected_by: Some(FINANCE[n % 2].into()),
                receipt: Some(format!("SF{receipt:04}").into()),
                ..Entry::new(date, Kind::Fee, amount)
            });
        }
    }
    ledger.push(
        Entry {
            receipt: Some("CZ2025-118".into()),
            memo: Some("区财政课后服务专项补助（秋季学期）".into()),
            ..Entry::new(d("2025-09-26"), Kind::Grant, money("4800.00"))
        }
        .with_apart(None, Some("财政补助".into())),
    );
    for (date, amount, cat, memo) in [
        ("2025-09-04", "286.00", "materials", "作业本、文具"),
        ("2025-09-20", "480.00", "insurance", "学生意外险 24 人"),
        ("2025-11-06", "365.50", "activities", "体育器材：跳绳、篮球"),
        ("2025-12-12", "218.00", "materials", "美术颜料、画纸"),
    ] {
        ledger.push(
            Entry {
                memo: Some(memo.into()),
                ..Entry::new(d(date), Kind::Expense, money(amount))
            }
            .with_apart(None, Some(cat.into())),
        );
    }
    for (date, from, to) in [
        ("2025-09-30", "2025-09-01", "2025-09-30"),
        ("2025-10-31", "2025-10-01", "2025-10-31"),
        ("2025-11-28", "2025-11-01", "2025-11-30"),
        ("2025-12-31", "2025-12-01", "2025-12-31"),
        ("2026-01-08", "2026-01-01", "2026-01-16"),
    ] {
        let days = service_days(plan, term, d(from), d(to));
        for (id, _, _, _, rate, hours) in &staff {
            let amount = (money(rate).decimal() * money(hours).decimal() * rust_decimal::Decimal::from(days)).round_dp(2);
            ledger.push(
                Entry {
                    memo: Some(format!("{days} 个托管日").into()),
                    ..Entry::new(d(date), Kind::Pay, crate::records::Money::from(amount))
                }
                .with_apart(Some((*id).into()), None),
            );
        }
    }

    // Surveys in December: two parents and two pupils rate each staff member.
    let mut surveys = Vec::new();
    for (i, (id, ..)) in staff.iter().enumerate() {
        for k in 0..4 {
            surveys.push(Survey {
                line: 0,
                contract_id: (*id).into(),
                date: d(&format!("2025-12-{:02}", 16 + i)),
                respondent: if k < 2 { "parent" } else { "pupil" }.into(),
                score: (3 + seed.next(3)).to_string(),
                comment: opt_text(["老师很负责", "", "孩子喜欢体育课", ""][seed.next(4)]),
            });
        }
    }
    out.insert("surveys.csv".into(), Surveys::text(&surveys));

    // Each month's refunds for leave and withdrawal, booked when the month is closed (as
    // `care refunds --month M --record --on DATE` does).
    let closes_on = [
        ("2025-09", "2025-10-09"),
        ("2025-10", "2025-11-05"),
        ("2025-11", "2025-12-04"),
        ("2025-12", "2026-01-06"),
    ];
    ledger.sort_by_key(|e| e.date);
    out.insert("ledger.csv".into(), Ledger::text(&ledger));
    let r = load(&out);
    let cx = Context::new(&r, d("2026-02-20"));
    for due in dues(&cx).iter().filter(|x| x.refund().is_positive()) {
        let Key::Month(m) = due.key else { continue };
        let Some((_, on)) = closes_on.iter().find(|(month, _)| *month == m.to_string()) else {
            continue;
        };
        ledger.push(Entry {
            pupil_id: Some(r.pupils[due.pupil].id.as_str().into()),
            period: Some(m.to_string().as_str().into()),
            memo: Some("请假、退出退费".into()),
            ..Entry::new(d(on), Kind::Refund, due.refund())
        });
    }
    ledger.sort_by_key(|e| e.date);
    out.insert("ledger.csv".into(), Ledger::text(&ledger));

    // Close September to December, settle on 9 January on the standard, close January.
    for (m, on) in closes_on {
        close_month(&mut out, m, on)?;
    }
    let settled_on = d("2026-01-09");
    let r = load(&out);
    let o = settle(plan, term, RefundBasis::Standard, settled_on, &r.entries, &r.pupils, &r.leave)?;
    out.insert(settlements::toml_path(&term.id), settlements::render_toml(&o.summary()));
    out.insert(
        settlements::csv_path(&term.id),
        settlements::render_csv(o.families.iter().map(|f| (f.pupil_id.as_str(), f.paid, f.share, f.refund))),
    );
    close_month(&mut out, "2026-01", "2026-02-03")?;

    out.insert(".gitignore".into(), include_str!("../../assets/init/gitignore").into());
    out.insert(
        ".github/workflows/care.yml".into(),
        include_str!("../../assets/init/care.yml").into(),
    );
    out.insert(".gitlab-ci.yml".into(), include_str!("../../assets/init/gitlab-ci.yml").into());
    Ok(out)
}
