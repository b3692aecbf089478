//! Term settlement (SPEC §6, policy 三(三): 每学期结束前结算，结余部分及时退还).

use std::collections::BTreeMap;

use rayon::prelude::*;

use super::calendar::{TermOfRuns, applications, is_payout};
use super::digest::digest;
use super::leave::by_pupil;
use super::owed::{Owing, waiver_of};
use crate::findings::Msg;
use crate::records::fast_hash::FastMap;
use crate::records::plan::{Plan, RefundBasis, Term};
use crate::records::settlements::Summary;
use crate::records::{Date, Entry, Kind, Leave, Money, Pupil, Short};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Family {
    pub pupil_id: String,
    pub paid: Money,
    pub share: Money,
    /// Negative: money the family owes (`due`).
    pub refund: Money,
    pub days: u32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    pub term: String,
    pub settled_on: Date,
    pub basis: RefundBasis,
    pub paid: Money,
    /// G: money from outside the families.
    pub grants: Money,
    /// C: pay and expenses less grants.
    pub costs: Money,
    pub surplus: Money,
    /// Basis `standard`: S − Σ refund, what stays with whoever runs the service.
    pub retained: Option<Money>,
    pub digest: String,
    pub families: Vec<Family>,
}

impl Outcome {
    /// The settlement with the digest of the rows it covers (those it was worked out from), as
    /// a settlement file keeps it.
    pub fn with_digest_of(self, rows: &[&Entry]) -> Outcome {
        Outcome {
            digest: digest(rows.iter().copied()),
            ..self
        }
    }

    /// The totals as settlements/TERM.toml keeps them.
    pub fn summary(&self) -> Summary<'_> {
        Summary {
            term: &self.term,
            settled_on: self.settled_on,
            basis: self.basis,
            paid: self.paid,
            grants: self.grants,
            costs: self.costs,
            surplus: self.surplus,
            retained: self.retained,
            families: self.families.len(),
            digest: &self.digest,
        }
    }
}

/// The rows a settlement of `term` on `on` covers: the term's rows, less its payouts.
pub fn term_rows<'a>(plan: &Plan, term: &Term, on: Date, entries: &'a [Entry]) -> Vec<&'a Entry> {
    // On both cores, in the rows' order: a district's million rows' terms, one after another,
    // were a tenth of a settlement with the other core waiting.
    entries
        .par_chunks(1 << 14)
        .flat_map_iter(|chunk| {
            let mut terms = TermOfRuns::new(plan);
            chunk.iter().filter(move |e| covers(e, terms.of(e), term, on))
        })
        .collect()
}

/// [`term_rows`], given each ledger row with its term (as `check` has them already).
pub fn covered_rows<'a, 'p>(rows: impl IntoIterator<Item = (&'a Entry, Option<&'p Term>)>, term: &Term, on: Date) -> Vec<&'a Entry> {
    rows.into_iter().filter(|(e, t)| covers(e, *t, term, on)).map(|(e, _)| e).collect()
}

/// Whether a settlement of `term` on `on` covers a row of term `of`.
fn covers(e: &Entry, of: Option<&Term>, term: &Term, on: Date) -> bool {
    of.is_some_and(|t| t.id == term.id) && !is_payout(e, term, on)
}

/// P, G and C of a settlement's rows: fees less refunds, grants, and pay and expenses less
/// grants (a grant lowers the costs the families carry).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    pub paid: Money,
    pub grants: Money,
    pub costs: Money,
}

pub fn totals(rows: &[&Entry]) -> Totals {
    let mut t = Totals::default();
    for e in rows {
        match e.kind {
            Kind::Fee | Kind::Refund => t.paid += e.signed(),
            Kind::Pay | Kind::Expense => t.costs += e.amount,
            Kind::Grant => {
                t.grants += e.amount;
                t.costs -= e.amount;
            }
        }
    }
    t
}

/// Splits `total` fen in proportion to `weights` by the largest-remainder method: every quota
/// rounded toward zero, then the remaining fen one each to the largest remainders (in the
/// direction of what remains), ties to the earlier key. Keys must be in byte order.
/// Exact: quotas are compared as integer fractions over the common denominator. `None` when the
/// weights add up to nothing, or when the products do not fit in 128 bits.
pub fn allocate(total: i128, weights: &[i128]) -> Option<Vec<i128>> {
    let mut den: i128 = weights.iter().try_fold(0i128, |sum, &w| sum.checked_add(w))?;
    if den == 0 {
        return if total == 0 { Some(vec![0; weights.len()]) } else { None };
    }
    let flip = if den < 0 { -1 } else { 1 };
    den *= flip;
    let mut parts = Vec::with_capacity(weights.len());
    let mut rems = Vec::with_capacity(weights.len());
    for &w in weights {
        let num = total.checked_mul(w.checked_mul(flip)?)?;
        parts.push(num / den);
        rems.push(num % den);
    }
    let left = total - parts.iter().sum::<i128>();
    let mut order: Vec<usize> = (0..weights.len()).collect();
    if left > 0 {
        order.sort_by(|&a, &b| rems[b].cmp(&rems[a]).then(a.cmp(&b)));
    } else {
        order.sort_by(|&a, &b| rems[a].cmp(&rems[b]).then(a.cmp(&b)));
    }
    let step = left.signum();
    for &i in order.iter().take(left.unsigned_abs() as usize) {
        parts[i] += step;
    }
    Some(parts)
}

fn fen(m: Money) -> Result<i128, Msg> {
    m.to_fen().ok_or_else(|| {
        Msg::new(
            format!("金额 {m} 超过两位小数"),
            format!("the amount {m} has more than two decimals"),
        )
    })
}

/// The amounts of a term are so large that splitting them exactly overflows 128 bits: no real
/// term's are, so one of them was typed wrong.
fn too_large(term: &Term) -> Msg {
    Msg::new(
        format!("{} 学期的金额太大，无法精确分摊；请检查账中是否有输错的金额", term.id),
        format!(
            "the amounts of term {} are too large to split exactly; look in the ledger for an amount typed wrong",
            term.id
        ),
    )
}

/// Settles a term on a date. Fails, with a sentence that says why, when there is nothing to
/// divide by (no payments, or no care days, with costs to share).
pub fn settle(
    plan: &Plan,
    term: &Term,
    basis: RefundBasis,
    on: Date,
    entries: &[Entry],
    pupils: &[Pupil],
    leaves: &[Leave],
) -> Result<Outcome, Msg> {
    let rows = term_rows(plan, term, on, entries);
    Ok(settle_figures(plan, term, basis, on, &rows, pupils, leaves)?.with_digest_of(&rows))
}

/// [`settle`] of the rows it covers (what [`term_rows`] gives), its `digest` left empty: what a
/// dry run shows; [`Outcome::with_digest_of`] the same rows makes it a settlement to write (the
/// digest of a district's term was a sixth of `settle --dry-run`'s time).
pub fn settle_figures(
    plan: &Plan,
    term: &Term,
    basis: RefundBasis,
    on: Date,
    rows: &[&Entry],
    pupils: &[Pupil],
    leaves: &[Leave],
) -> Result<Outcome, Msg> {
    let Totals {
        paid: total_paid,
        grants,
        costs,
    } = totals(rows);
    // Summed in a hash map and sorted once: a district's million rows looked up in a sorted map
    // were a tenth of a settlement's time. The map holds copies of the ids (eleven bytes each)
    // rather than references into the rows: comparing a key then reads no row far away.
    let mut sums: FastMap<Short, Money> = FastMap::default();
    for e in rows.iter().filter(|e| matches!(e.kind, Kind::Fee | Kind::Refund)) {
        *sums.entry(e.pupil_id.clone().unwrap_or_default()).or_default() += e.signed();
    }
    let mut paid: BTreeMap<&str, Money> = sums.iter().map(|(id, m)| (id.as_str(), *m)).collect();
    // Each pupil's care days (less counted leave), its waiver and what it owes for the term.
    let mut days: BTreeMap<&str, (u32, i128, Money)> = BTreeMap::new();
    if basis != RefundBasis::Paid {
        let leave = by_pupil(leaves);
        let mut owing = Owing::new(plan);
        for p in applications(plan, term, pupils) {
            let mine = leave.get(p.id.as_str()).into_iter().flatten().copied();
            let o = owing.owed_in_term(term, p, mine);
            if o.attended > 0 || o.owed.is_positive() {
                days.insert(&p.id, (o.attended, waiver_of(p), o.owed));
                paid.entry(&p.id).or_default();
            }
        }
    }
    let surplus = total_paid - costs;
    let ids: Vec<&str> = paid.keys().copied().collect();
    let paid_fen: Vec<i128> = paid.values().map(|m| fen(*m)).collect::<Result<_, _>>()?;

    let (shares, refunds): (Vec<i128>, Vec<i128>) = match basis {
        RefundBasis::Paid => {
            let refunds = allocate(fen(surplus)?, &paid_fen).ok_or_else(|| {
                if total_paid.is_zero() {
                    Msg::new(
                        format!("{} 学期没有家庭交费（P = 0），但有 {costs} 元支出要分摊；无法按交费比例结算", term.id),
                        format!("term {} has no payments from families (P = 0) but {costs} of costs to share; it cannot be settled in proportion to payments", term.id),
                    )
                } else {
                    too_large(term)
                }
            })?;
            (paid_fen.iter().zip(&refunds).map(|(p, r)| p - r).collect(), refunds)
        }
        RefundBasis::Days => {
            let weights: Vec<i128> = ids
                .iter()
                .map(|id| days.get(id).map_or(0, |(d, waived, _)| i128::from(*d) * (10_000 - waived)))
                .collect();
            let shares = allocate(fen(costs)?, &weights).ok_or_else(|| {
                if weights.iter().any(|w| *w != 0) {
                    return too_large(term);
                }
                Msg::new(
                    format!("{} 学期没有托管天数，但有 {costs} 元支出要分摊；无法按天数结算", term.id),
                    format!(
                        "term {} has no care days but {costs} of costs to share; it cannot be settled by days",
                        term.id
                    ),
                )
            })?;
            (shares.clone(), paid_fen.iter().zip(&shares).map(|(p, s)| p - s).collect())
        }
        RefundBasis::Standard => {
            let shares: Vec<i128> = ids
                .iter()
                .map(|id| days.get(id).map_or(Ok(0), |(_, _, owed)| fen(*owed)))
                .collect::<Result<_, _>>()?;
            (shares.clone(), paid_fen.iter().zip(&shares).map(|(p, s)| p - s).collect())
        }
    };
    let families: Vec<Family> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| Family {
            pupil_id: id.to_string(),
            paid: Money::from_fen(paid_fen[i]),
            share: Money::from_fen(shares[i]),
            refund: Money::from_fen(refunds[i]),
            days: if basis == RefundBasis::Days {
                days.get(id).map_or(0, |(d, ..)| *d)
            } else {
                0
            },
        })
        .collect();
    let retained = (basis == RefundBasis::Standard).then(|| surplus - families.iter().map(|f| f.refund).sum::<Money>());
    Ok(Outcome {
        term: term.id.clone(),
        settled_on: on,
        basis,
        paid: total_paid,
        grants,
        costs,
        surplus,
        retained,
        digest: String::new(),
        families,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_figures_shown_are_the_settlement_but_its_digest_and_with_it_the_settlement() {
        let r = crate::records::Records::load(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/clean"));
        let plan = r.plan.as_ref().unwrap();
        let term = &plan.terms[0];
        for basis in [RefundBasis::Paid, RefundBasis::Days, RefundBasis::Standard] {
            let all = settle(plan, term, basis, term.ends, &r.entries, &r.pupils, &r.leave).unwrap();
            let rows = term_rows(plan, term, term.ends, &r.entries);
            let shown = settle_figures(plan, term, basis, term.ends, &rows, &r.pupils, &r.leave).unwrap();
            assert!(all.digest.starts_with("sha256:") && shown.digest.is_empty());
            assert!(!all.families.is_empty());
            assert_eq!(
                Outcome {
                    digest: String::new(),
                    ..all.clone()
                },
                shown
            );
            // The command writes what it showed, with the digest of the same rows.
            assert_eq!(shown.with_digest_of(&rows), all);
        }
    }

    #[test]
    fn remainder_goes_to_largest_then_smaller_id() {
        // 100 fen in three equal parts: 33 each, one left for the first id.
        assert_eq!(allocate(100, &[1, 1, 1]).unwrap(), vec![34, 33, 33]);
        // Quotas 0.5, 0.5: one fen for the first id.
        assert_eq!(allocate(1, &[1, 1]).unwrap(), vec![1, 0]);
        // Quotas 33.33.., 66.66..: the larger remainder wins.
        assert_eq!(allocate(100, &[1, 2]).unwrap(), vec![33, 67]);
    }

    #[test]
    fn deficits_round_toward_zero_then_take_the_rest() {
        assert_eq!(allocate(-100, &[1, 1, 1]).unwrap(), vec![-34, -33, -33]);
        assert_eq!(allocate(-100, &[1, 2]).unwrap(), vec![-33, -67]);
    }

    #[test]
    fn nothing_to_divide_by() {
        assert_eq!(allocate(0, &[0, 0]).unwrap(), vec![0, 0]);
        assert!(allocate(5, &[0, 0]).is_none());
        assert!(allocate(5, &[]).is_none());
    }

    #[test]
    fn amounts_too_large_to_split_are_not_mistaken_for_nothing_to_divide_by() {
        let big = 10i128.pow(20);
        assert!(allocate(big, &[big, big]).is_none());
        assert!(allocate(1, &[i128::MAX, 1]).is_none());
        // 200 fees of fifteen nines from two families: 1e36 fen squared does not fit in 128 bits.
        let mut ledger = String::from("date,kind,amount,pupil_id,contract_id,category,period,collected_by,receipt,memo\n");
        for i in 0..200 {
            ledger.push_str(&format!("2026-09-01,fee,999999999999999,P000{},,,2026-09,周强,,\n", 1 + i % 2));
        }
        let clean = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/clean");
        let r = crate::records::Records::load_from(&crate::records::Source::new(&clean).with("ledger.csv", ledger.into_bytes()));
        let plan = r.plan.as_ref().unwrap();
        let term = &plan.terms[0];
        let m = settle(plan, term, RefundBasis::Paid, term.ends, &r.entries, &r.pupils, &[]).unwrap_err();
        assert!(m.en.contains("too large to split exactly") && !m.en.contains("P = 0"), "{}", m.en);
    }
}
