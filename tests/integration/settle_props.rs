//! Properties of the settlement maths over random families, payments and costs (SPEC §6):
//! allocations add up exactly, each is within one fen of its exact quota, and neither the
//! order of the rows nor the order of the families changes anything.

use std::path::Path;

use care::domain::settle::{allocate, settle};
use care::records::date::parse_date;
use care::records::plan::RefundBasis;
use care::records::{Entry, Kind, Money, Pupil, Records, Short, Source};
use proptest::prelude::*;

const PLAN: &str = include_str!("../fixtures/clean/plan.toml");

fn plan_records() -> Records {
    Records::load_from(&Source::new(Path::new("/nonexistent")).with("plan.toml", PLAN.as_bytes().to_vec()))
}

fn entry(kind: Kind, fen: i64, pupil: Option<String>, day: u32) -> Entry {
    Entry {
        line: 0,
        date: parse_date(&format!("2026-09-{:02}", 1 + day % 28)).unwrap(),
        kind,
        amount: Money::from_fen(i128::from(fen)),
        pupil_id: pupil.map(Short::from),
        period: matches!(kind, Kind::Fee | Kind::Refund).then(|| Short::new("2026-09")),
        collected_by: None,
        receipt: None,
        memo: None,
        apart: None,
    }
    .with_apart(
        (kind == Kind::Pay).then(|| Short::new("C001")),
        (kind == Kind::Expense).then(|| Short::new("materials")),
    )
}

fn pupil(i: usize, start_day: u32, end_day: Option<u32>) -> Pupil {
    Pupil {
        line: i + 2,
        id: format!("P{i:04}"),
        name: "某".into(),
        grade: 1,
        class: "1".into(),
        guardian: "某".into(),
        phone: None,
        applied_on: parse_date("2026-08-01").unwrap(),
        signed_by: "某".into(),
        reviewed_on: None,
        agreed_on: None,
        starts: Some(parse_date(&format!("2026-09-{:02}", 1 + start_day % 28)).unwrap()),
        ends: end_day.map(|d| parse_date(&format!("2026-10-{:02}", 1 + d % 28)).unwrap()),
        note: None,
        term: None,
        waiver: None,
        waiver_reason: None,
    }
}

/// Families' payments in fen (each paid at least once) and costs in fen.
fn scenario() -> impl Strategy<Value = (Vec<Vec<i64>>, Vec<i64>, u64)> {
    (
        prop::collection::vec(prop::collection::vec(1i64..50_000, 1..4), 1..25),
        prop::collection::vec(1i64..400_000, 0..8),
        any::<u64>(),
    )
}

fn shuffle<T>(v: &mut [T], mut seed: u64) {
    for i in (1..v.len()).rev() {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
        v.swap(i, (seed >> 33) as usize % (i + 1));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn allocate_adds_up_and_stays_within_a_fen(total in -10_000_000i128..10_000_000, weights in prop::collection::vec(0i128..100_000, 1..40)) {
        let sum: i128 = weights.iter().sum();
        prop_assume!(sum > 0);
        let parts = allocate(total, &weights).unwrap();
        prop_assert_eq!(parts.iter().sum::<i128>(), total);
        for (p, w) in parts.iter().zip(&weights) {
            // |p − total·w/sum| < 1  ⇔  |p·sum − total·w| < sum
            prop_assert!((p * sum - total * w).abs() < sum);
        }
    }

    #[test]
    fn basis_paid_refunds_add_up_to_the_surplus((payments, costs, seed) in scenario()) {
        let r = plan_records();
        let plan = r.plan.as_ref().unwrap();
        let term = &plan.terms[0];
        let mut entries = Vec::new();
        for (i, fams) in payments.iter().enumerate() {
            for (k, fen) in fams.iter().enumerate() {
                entries.push(entry(Kind::Fee, *fen, Some(format!("P{i:04}")), k as u32));
            }
        }
        for (k, fen) in costs.iter().enumerate() {
            entries.push(entry(if k % 2 == 0 { Kind::Pay } else { Kind::Expense }, *fen, None, k as u32));
        }
        let on = parse_date("2026-12-20").unwrap();
        let a = settle(plan, term, RefundBasis::Paid, on, &entries, &[], &[]).unwrap();
        let refunds: Money = a.families.iter().map(|f| f.refund).sum();
        prop_assert_eq!(refunds, a.surplus);
        prop_assert_eq!(a.surplus, a.paid - a.costs);
        let p = a.paid.to_fen().unwrap();
        let s = a.surplus.to_fen().unwrap();
        for f in &a.families {
            prop_assert!((f.refund.to_fen().unwrap() * p - s * f.paid.to_fen().unwrap()).abs() < p);
            prop_assert_eq!(f.share + f.refund, f.paid);
        }
        shuffle(&mut entries, seed);
        let b = settle(plan, term, RefundBasis::Paid, on, &entries, &[], &[]).unwrap();
        prop_assert_eq!(a, b);
    }

    #[test]
    fn basis_days_shares_add_up_to_the_costs(spans in prop::collection::vec((0u32..27, prop::option::of(0u32..27)), 1..20), costs in prop::collection::vec(1i64..400_000, 1..6), seed in any::<u64>()) {
        let r = plan_records();
        let plan = r.plan.as_ref().unwrap();
        let term = &plan.terms[0];
        let mut pupils: Vec<Pupil> = spans.iter().enumerate().map(|(i, (s, e))| pupil(i, *s, *e)).collect();
        let mut entries: Vec<Entry> = pupils.iter().map(|p| entry(Kind::Fee, 28_000, Some(p.id.clone()), 0)).collect();
        for (k, fen) in costs.iter().enumerate() {
            entries.push(entry(Kind::Expense, *fen, None, k as u32));
        }
        let on = parse_date("2026-12-20").unwrap();
        let a = settle(plan, term, RefundBasis::Days, on, &entries, &pupils, &[]).unwrap();
        let shares: Money = a.families.iter().map(|f| f.share).sum();
        prop_assert_eq!(shares, a.costs);
        let c = a.costs.to_fen().unwrap();
        let w: i128 = a.families.iter().map(|f| i128::from(f.days)).sum();
        for f in &a.families {
            prop_assert!((f.share.to_fen().unwrap() * w - c * i128::from(f.days)).abs() < w);
            prop_assert_eq!(f.paid - f.share, f.refund);
        }
        shuffle(&mut entries, seed);
        shuffle(&mut pupils, seed ^ 0x5555);
        let b = settle(plan, term, RefundBasis::Days, on, &entries, &pupils, &[]).unwrap();
        prop_assert_eq!(a, b);
    }
}
