//! fees/*: the fee standard is published before fees are taken, and nobody pays more (四(一), 一(三)).

use super::per_pupil::{PerPupil, Who};
use super::{Context, Declared, Rule};
use crate::domain::calendar::Period;
use crate::findings::{Finding, Msg};
use crate::records::plan::{Basis, FILE as PLAN};
use crate::records::{Kind, Money, ledger};

rule! {
    Unpublished: "fees" / "unpublished", Error, "四(一)、三(四)",
    "收费标准须先向家长公示再收费：在 [fees] published_on 填写公示日期，收费日期不得早于它",
    "post the fee standard to parents before taking fees: set [fees] published_on, and date no fee before it",
}

impl Rule for Unpublished {
    fn check(&self, cx: &Context, out: &mut Vec<Finding>) {
        let Some(p) = cx.plan().filter(|p| !p.unread.fees) else {
            return;
        };
        let fees = || cx.records.entries.iter().filter(|e| e.kind == Kind::Fee);
        if fees().next().is_none() {
            return;
        }
        match p.fees.as_ref().and_then(|f| f.published_on.as_ref().map(|d| (f, d))) {
            None => {
                let line = p.fees.as_ref().map_or(1, |f| f.line);
                out.push(self.finding(
                    PLAN,
                    line,
                    Msg::new(
                        format!("账上有 {} 笔收费，但收费标准没有公示日期 published_on", fees().count()),
                        format!(
                            "the ledger has {} fees but the fee standard has no published_on date",
                            fees().count()
                        ),
                    ),
                ));
            }
            Some((_, published)) => {
                for e in fees().filter(|e| e.date < published.v) {
                    out.push(self.finding(
                        ledger::FILE,
                        e.line,
                        Msg::new(
                            format!("收费日期 {} 早于收费标准公示的 {}", e.date, published.v),
                            format!(
                                "a fee dated {}, before the fee standard was posted to parents on {}",
                                e.date, published.v
                            ),
                        ),
                    ));
                }
            }
        }
    }
}

/// What fees are summed over: a month (basis monthly) or a term (basis term), by id.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Key<'a> {
    Month(crate::records::Month),
    Term(&'a str),
}

rule! {
    OverStandard: "fees" / "over-standard", Error, "一(三)、三(四)",
    "每个学生每月（或每学期）净收费不得超过收费标准：多收的部分用 refund 行退还，或改正金额或 period",
    "no pupil pays more, net of refunds, than the standard for a month (or term): return the excess with a refund row, or correct the amount or period",
}

impl Rule for OverStandard {
    fn check(&self, cx: &Context, out: &mut Vec<Finding>) {
        let Some(p) = cx.plan() else { return };
        let Some(f) = &p.fees else { return };
        // A refund in a row that could not be read would lower the sums.
        if !cx.records.ledger_complete {
            return;
        }
        // (pupil, period) → (net paid, line of the last fee).
        let mut net: PerPupil<Key, (Money, usize)> = PerPupil::new(cx.records.pupils.len());
        for row in cx.rows() {
            let e = row.entry;
            if !matches!(e.kind, Kind::Fee | Kind::Refund) {
                continue;
            }
            let Some(id) = e.pupil_id.as_deref() else { continue };
            let pupil = match row.pupil {
                Some(place) => Who::Known(place),
                None => Who::Unknown(id),
            };
            let key = match (f.basis, row.period) {
                (Basis::Monthly, Some(Period::Month(m))) => Key::Month(m),
                (Basis::Term, _) => match row.term {
                    Some(t) => Key::Term(t.id.as_str()),
                    None => continue,
                },
                _ => continue,
            };
            let slot = net.entry(pupil, key, || (Money::ZERO, e.line));
            slot.0 += e.signed();
            if e.kind == Kind::Fee {
                slot.1 = slot.1.max(e.line);
            }
        }
        let mut over: Vec<_> = net.into_values().filter(|(_, (m, _))| *m > f.amount.v).collect();
        over.sort_by_key(|(_, (_, line))| *line);
        let std = f.amount.v;
        for ((who, key), (paid, line)) in over {
            let pupil = match who {
                Who::Known(place) => cx.pupil(place).id.as_str(),
                Who::Unknown(id) => id,
            };
            let period = match key {
                Key::Month(m) => m.to_string(),
                Key::Term(t) => t.to_owned(),
            };
            out.push(self.finding(
                ledger::FILE,
                line,
                Msg::new(
                    format!("{pupil} 在 {period} 净交费 {paid} 元，超过收费标准 {std} 元"),
                    format!("{pupil} paid {paid} net for {period}, more than the standard of {std}"),
                ),
            ));
        }
    }
}

rule! {
    PrepaidAcrossTerms: "fees" / "prepaid-across-terms", Error, "三(四)",
    "不得跨学期预收：下学期的费用等下学期开始后再收；已经预收的用 refund 行退还，改在下学期记收费",
    "fees are not taken ahead across terms: take a later term's fee once that term has begun; return one taken ahead with a refund row and record it again in its term",
}

impl Rule for PrepaidAcrossTerms {
    fn check(&self, cx: &Context, out: &mut Vec<Finding>) {
        let Some(p) = cx.plan() else { return };
        for row in cx.rows().filter(|r| r.entry.kind == Kind::Fee) {
            let e = row.entry;
            let (Some(now), Some(later)) = (p.term_on(e.date), row.term) else {
                continue;
            };
            if later.starts > now.ends {
                let period = e.period.as_deref().unwrap_or_default();
                out.push(self.finding(
                    ledger::FILE,
                    e.line,
                    Msg::new(
                        format!(
                            "{} 在学期 {} 内收取了学期 {} 的费用（period {period}）：不得跨学期预收",
                            e.date, now.id, later.id
                        ),
                        format!(
                            "a fee dated {} in term {} for {period} of term {}: fees are not taken ahead across terms",
                            e.date, now.id, later.id
                        ),
                    ),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::context::fixture::{SPRING, at, clean};
    use super::*;

    #[test]
    fn unpublished() {
        let f = clean().replace("plan.toml", "published_on = 2026-08-18", "published_on = 2026-09-02");
        assert_eq!(f.fired(Unpublished::ID), vec![("ledger.csv".into(), 2), ("ledger.csv".into(), 3)]);
        let f = clean().replace("plan.toml", "published_on = 2026-08-18\n", "");
        assert_eq!(f.fired(Unpublished::ID), at("plan.toml", 17));
    }

    #[test]
    fn over_standard_net_of_refunds() {
        let f = clean().append("ledger.csv", "2026-09-20,fee,10.00,P0001,,,2026-09,周强,,");
        assert_eq!(f.fired(OverStandard::ID), at("ledger.csv", 7));
        let f = f.append("ledger.csv", "2026-09-21,refund,10.00,P0001,,,2026-09,,,");
        assert!(f.fired(OverStandard::ID).is_empty());
    }

    #[test]
    fn over_standard_in_many_months_and_for_pupils_the_roster_lacks() {
        // More periods than are summed by place, a pupil of the roster and one it lacks: every
        // month over the standard is found once, at its row.
        let mut f = clean();
        let mut expected = Vec::new();
        let first = clean().records().entries.len() + 2;
        for (i, m) in (1..=super::super::per_pupil::DENSE_KEYS as u32 + 6).enumerate() {
            let month = format!("{}-{:02}", 2027 + m / 12, 1 + m % 12);
            f = f.append("ledger.csv", &format!("2026-09-20,fee,300.00,P0001,,,{month},周强,,"));
            expected.push(("ledger.csv".to_owned(), first + 2 * i));
            f = f.append("ledger.csv", &format!("2026-09-20,fee,300.00,P9999,,,{month},周强,,"));
            expected.push(("ledger.csv".to_owned(), first + 2 * i + 1));
        }
        assert_eq!(f.fired(OverStandard::ID), expected);
    }

    #[test]
    fn prepaid_across_terms() {
        let f = clean().append("plan.toml", SPRING);
        // A December fee for March, or for the spring term by its id.
        let g = f
            .append("ledger.csv", "2026-12-15,fee,280.00,P0001,,,2027-03,周强,,")
            .append("ledger.csv", "2026-12-16,fee,280.00,P0002,,,2027-spring,周强,,");
        assert_eq!(
            g.fired(PrepaidAcrossTerms::ID),
            vec![("ledger.csv".into(), 7), ("ledger.csv".into(), 8)]
        );
        // Taken between the terms, or within the term it is for, it is not ahead across terms.
        let g = f
            .append("ledger.csv", "2027-02-01,fee,280.00,P0001,,,2027-03,周强,,")
            .append("ledger.csv", "2026-09-20,fee,280.00,P0001,,,2026-10,周强,,");
        assert!(g.fired(PrepaidAcrossTerms::ID).is_empty());
    }
}
