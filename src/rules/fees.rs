//! fees/*: the fee standard is published before fees are taken, nobody pays more, and families
//! get back what they are owed for leave and withdrawal (四(一), 一(三), 三(三)).

use super::context::Row;
use super::each_row::EachRow;
use super::per_pupil::{PerPupil, Who};
use super::{Context, Declared, Rule};
use crate::domain::calendar::{Period, in_care_during, is_payout};
use crate::domain::leave::by_pupil;
use crate::domain::owed::{Owed, Owing, standard};
use crate::findings::{Finding, Msg};
use crate::records::plan::{Basis, FILE as PLAN, Plan, Term};
use crate::records::{Date, Kind, Money, ledger};

rule! {
    Unpublished: "fees" / "unpublished", Error, reads PLAN | LEDGER by pupil, "四(一)、三(四)",
    "收费标准须先向家长公示再收费：在 [fees] published_on 填写公示日期，收费日期不得早于它",
    "post the fee standard to parents before taking fees: set [fees] published_on, and date no fee before it",
}

by_row!(Unpublished);

impl EachRow for Unpublished {
    /// The day the standard was published.
    type Before<'c> = Date;

    fn before<'c>(&'c self, cx: &'c Context<'_>, out: &mut Vec<Finding>) -> Option<Date> {
        let p = cx.plan().filter(|p| !p.unread.fees)?;
        let fees = || cx.records.entries.iter().filter(|e| e.kind == Kind::Fee);
        fees().next()?;
        let published = p.fees.as_ref().and_then(|f| f.published_on.as_ref());
        if published.is_none() {
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
        published.map(|d| d.v)
    }

    fn row(&self, _: &Context<'_>, published: &Date, row: &Row<'_>, out: &mut Vec<Finding>) {
        let e = row.entry;
        if e.kind == Kind::Fee && e.date < *published {
            out.push(self.finding(
                ledger::FILE,
                e.line,
                Msg::new(
                    format!("收费日期 {} 早于收费标准公示的 {}", e.date, published),
                    format!(
                        "a fee dated {}, before the fee standard was posted to parents on {}",
                        e.date, published
                    ),
                ),
            ));
        }
    }
}

/// What fees are summed over: a month (basis monthly) or a term (basis term).
#[derive(Clone, Copy)]
pub enum Key<'a> {
    Month(crate::records::Month),
    Term(&'a Term),
}

impl PartialEq for Key<'_> {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Key::Month(a), Key::Month(b)) => a == b,
            (Key::Term(a), Key::Term(b)) => a.id == b.id,
            _ => false,
        }
    }
}

impl Eq for Key<'_> {}

impl std::hash::Hash for Key<'_> {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        match self {
            Key::Month(m) => m.hash(h),
            Key::Term(t) => t.id.hash(h),
        }
    }
}

impl Key<'_> {
    /// Its first and last day.
    pub fn days(self) -> (Date, Date) {
        match self {
            Key::Month(m) => (m.first_day(), m.last_day()),
            Key::Term(t) => (t.starts, t.ends),
        }
    }
}

impl std::fmt::Display for Key<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Key::Month(m) => write!(f, "{m}"),
            Key::Term(t) => f.write_str(&t.id),
        }
    }
}

/// What a family paid for a period, net of refunds.
#[derive(Clone, Copy)]
pub struct Net<'a> {
    pub net: Money,
    /// The line of the last fee (of the first row, without a fee).
    pub line: usize,
    /// The term of the rows.
    pub term: Option<&'a Term>,
}

/// What a family paid for a period: whose, for which period, and how much net.
pub type NetPaid<'a> = ((Who<'a>, Key<'a>), Net<'a>);

/// Fees less refunds by pupil and period (SPEC §10: net paid): by month of `period` under basis
/// monthly (rows whose period is a term id are settlement payments, or `ledger/period`), by term
/// under basis term, leaving out a settled term's payouts. Worked out once per check for the
/// rules that need it.
pub fn net_paid<'c, 'a>(cx: &'c Context<'a>) -> impl Iterator<Item = NetPaid<'a>> + 'c {
    cx.net_paid.get_or_init(|| sum_net_paid(cx)).iter().map(|(k, &v)| (k, v))
}

/// The sums kept as they were added up, a pupil's place in the roster their place in a vector
/// (a district's 150,000 as a list took 12 MB more).
pub(super) type NetSums<'a> = PerPupil<'a, Key<'a>, Net<'a>>;

fn sum_net_paid<'a>(cx: &Context<'a>) -> NetSums<'a> {
    let mut net: NetSums = PerPupil::new(cx.records.pupils.len());
    let Some(f) = cx.plan().and_then(|p| p.fees.as_ref()) else {
        return net;
    };
    for row in cx.rows() {
        let e = row.entry;
        if !matches!(e.kind, Kind::Fee | Kind::Refund) {
            continue;
        }
        let Some(id) = e.pupil_id.as_ref() else { continue };
        let pupil = match row.pupil {
            Some(place) => Who::Known(place),
            None => Who::Unknown(id.as_str()),
        };
        let key = match (f.basis, row.period) {
            (Basis::Monthly, Some(Period::Month(m))) => Key::Month(m),
            (Basis::Term, _) => match row.term {
                Some(t) if !cx.records.settlement(&t.id).is_some_and(|s| is_payout(e, t, s.settled_on.v)) => Key::Term(t),
                _ => continue,
            },
            _ => continue,
        };
        let slot = net.entry(pupil, key, || Net {
            net: Money::ZERO,
            line: e.line,
            term: row.term,
        });
        slot.net += e.signed();
        if e.kind == Kind::Fee {
            slot.line = slot.line.max(e.line);
        }
    }
    net
}

/// The name of whose money it is.
fn pupil_id<'a>(cx: &Context<'a>, who: Who<'a>) -> &'a str {
    match who {
        Who::Known(place) => cx.pupil(place).id.as_str(),
        Who::Unknown(id) => id,
    }
}

rule! {
    OverStandard: "fees" / "over-standard", Error, reads PLAN | ROSTER | LEDGER | SETTLEMENTS by pupil, "一(三)、三(四)",
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
        let cap = |who: Who| match who {
            Who::Known(place) => standard(p, cx.pupil(place)),
            Who::Unknown(_) => f.amount.v,
        };
        let mut over: Vec<_> = net_paid(cx).filter(|((who, _), n)| n.net > cap(*who)).collect();
        over.sort_by_key(|(_, n)| n.line);
        for ((who, key), n) in over {
            let pupil = pupil_id(cx, who);
            let (paid, std) = (n.net, cap(who));
            out.push(self.finding(
                ledger::FILE,
                n.line,
                Msg::new(
                    format!("{pupil} 在 {key} 净交费 {paid} 元，超过收费标准 {std} 元"),
                    format!("{pupil} paid {paid} net for {key}, more than the standard of {std}"),
                ),
            ));
        }
    }
}

/// What a family paid for a period, what it owes, and the refund due (net − owed; none when
/// not positive).
pub struct Due<'a> {
    /// The pupil row, by its place in the roster.
    pub pupil: usize,
    pub key: Key<'a>,
    pub term: &'a Term,
    pub paid: Net<'a>,
    pub owed: Owed,
}

impl Due<'_> {
    pub fn refund(&self) -> Money {
        (self.paid.net - self.owed.owed).max(Money::ZERO)
    }
}

/// What each family of the roster paid and owes for each period it paid for, in ledger order of
/// the last fee. Empty while a ledger or leave row cannot be read (either may change the figures).
pub fn dues<'a>(cx: &Context<'a>) -> Vec<Due<'a>> {
    dues_where(cx, |_| true)
}

/// [`dues`], only those `keep` keeps: a district's dues are 150,000 and most are not kept.
fn dues_where<'a>(cx: &Context<'a>, keep: impl Fn(&Due<'a>) -> bool) -> Vec<Due<'a>> {
    let Some(p) = cx.plan() else { return Vec::new() };
    if !cx.records.ledger_complete || !cx.records.leave_complete() {
        return Vec::new();
    }
    let leave = by_pupil(&cx.records.leave);
    let mut owing = Owing::new(p);
    let mut out: Vec<Due> = net_paid(cx)
        .filter_map(|((who, key), paid)| {
            let (Who::Known(place), Some(term)) = (who, paid.term) else {
                return None;
            };
            let pupil = cx.pupil(place);
            let mine = leave.get(pupil.id.as_str()).into_iter().flatten().copied();
            Some(Due {
                pupil: place,
                key,
                term,
                owed: owing.owed(term, pupil, key.days(), mine),
                paid,
            })
        })
        .filter(|d| keep(d))
        .collect();
    out.sort_by_key(|d| (d.paid.line, d.pupil));
    out
}

/// The refunds due and not booked for periods that have ended (what `fees/refund-due` reports):
/// not where a family paid over the standard (`fees/over-standard` says so), nor where it had no
/// care in the period at all (`consent/fee-without-agreement` says so).
pub fn refunds_due<'c, 'a>(cx: &'c Context<'a>) -> &'c [Due<'a>] {
    cx.refunds_due.get_or_init(|| work_out_refunds_due(cx))
}

fn work_out_refunds_due<'a>(cx: &Context<'a>) -> Vec<Due<'a>> {
    let Some(p) = cx.plan() else { return Vec::new() };
    dues_where(cx, |d| {
        let (from, to) = d.key.days();
        let pupil = cx.pupil(d.pupil);
        cx.today > to && d.refund().is_positive() && d.paid.net <= standard(p, pupil) && in_care_during(d.term, pupil, from, to)
    })
}

rule! {
    RefundDue: "fees" / "refund-due", Error, reads PLAN | ROSTER | LEDGER | SETTLEMENTS | LEAVE by pupil, "三(三)、三(四)",
    "请假、退出的家庭按退费规则应退的钱要及时退还：运行 care refunds --month 月份 --record（按学期收费用 --term 学期id）记下退费",
    "pay families back what they are owed for leave and withdrawal under the refund rule: run care refunds --month M --record (--term T under a term standard) to book the refunds",
}

impl Rule for RefundDue {
    fn check(&self, cx: &Context, out: &mut Vec<Finding>) {
        let Some(rule) = cx.plan().and_then(|p| p.fees.as_ref()).map(|f| f.refund_rule) else {
            return;
        };
        let rule = crate::records::plan::Choice::as_str(rule);
        for d in refunds_due(cx) {
            let pupil = &cx.pupil(d.pupil).id;
            let (key, net, owed, refund) = (d.key, d.paid.net, d.owed.owed, d.refund());
            let (attended, service) = (d.owed.attended, d.owed.service);
            out.push(self.finding(
                ledger::FILE,
                d.paid.line,
                Msg::new(
                    format!(
                        "{pupil} 在 {key} 净交费 {net} 元，按退费规则 {rule}（{service} 个托管日中在托 {attended} 天）应交 {owed} 元：应退 {refund} 元，尚未退还"
                    ),
                    format!(
                        "{pupil} paid {net} net for {key} and owed {owed} under refund rule {rule} ({attended} of {service} service days in care): a refund of {refund} is due and not booked"
                    ),
                ),
            ));
        }
    }
}

rule! {
    PrepaidAcrossTerms: "fees" / "prepaid-across-terms", Error, reads PLAN | LEDGER by pupil, "三(四)",
    "不得跨学期预收：下学期的费用等下学期开始后再收；已经预收的用 refund 行退还，改在下学期记收费",
    "fees are not taken ahead across terms: take a later term's fee once that term has begun; return one taken ahead with a refund row and record it again in its term",
}

by_row!(PrepaidAcrossTerms);

impl EachRow for PrepaidAcrossTerms {
    type Before<'c> = &'c Plan;

    fn before<'c>(&'c self, cx: &'c Context<'_>, _: &mut Vec<Finding>) -> Option<&'c Plan> {
        cx.plan()
    }

    fn row(&self, _: &Context<'_>, p: &&Plan, row: &Row<'_>, out: &mut Vec<Finding>) {
        let e = row.entry;
        if e.kind != Kind::Fee {
            return;
        }
        let (Some(now), Some(later)) = (p.term_on(e.date), row.term) else {
            return;
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
