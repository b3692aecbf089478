//! Rules that judge each ledger row on its own, gone over together.
//!
//! A district's million ledger rows take 96 MB of memory, more than any cache: a rule's pass over
//! them took 8 ms reading them whatever it did with them, and nine rules each made one. A rule
//! whose findings about the rows each come from one row alone ([`EachRow`]) is instead given
//! the rows a stretch at a time, every such rule the same stretch while it is in the cache
//! ([`Together::stretches`]), so that the rows are read from memory once for all of them. On their own
//! (a test, a write's check of one rule) they go over the rows as any rule does ([`alone`]).

use std::ops::Range;

use super::context::Row;
use super::{Context, Rule};
use crate::findings::Finding;

/// A rule whose findings about ledger rows each come from one row and what the rule worked out
/// before the rows, never from another row.
pub(super) trait EachRow: Rule {
    /// What the rule works out once before it looks at the rows (a plan's dates, the members
    /// of a committee).
    type Before<'c>: Sync
    where
        Self: 'c;

    /// What it looks at each row with, or `None` when it has nothing to look for in the rows;
    /// its findings that are not about a ledger row go to `out`.
    fn before<'c>(&'c self, cx: &'c Context<'_>, out: &mut Vec<Finding>) -> Option<Self::Before<'c>>;

    /// Its findings about one row.
    fn row(&self, cx: &Context<'_>, before: &Self::Before<'_>, row: &Row<'_>, out: &mut Vec<Finding>);

    /// Its findings that are not about a ledger row, after those that are.
    fn after(&self, _cx: &Context<'_>, _out: &mut Vec<Finding>) {}
}

/// [`Rule::check`] of a rule that goes by row: the rows one after another.
pub(super) fn alone<R: EachRow>(rule: &R, cx: &Context<'_>, out: &mut Vec<Finding>) {
    if let Some(before) = rule.before(cx, out) {
        for row in cx.rows() {
            rule.row(cx, &before, &row, out);
        }
    }
    rule.after(cx, out);
}

/// An [`EachRow`] rule as the registry holds it ([`Rule::each_row`]).
pub trait ByRow: Sync {
    /// The rule ready to look at rows (its [`EachRow::before`] worked out), or `None`.
    fn ready<'c>(&'c self, cx: &'c Context<'_>, out: &mut Vec<Finding>) -> Option<Box<dyn Ready + 'c>>;

    /// [`EachRow::after`].
    fn after(&self, cx: &Context<'_>, out: &mut Vec<Finding>);
}

/// A rule ready to look at rows.
pub trait Ready: Sync {
    fn rows(&self, cx: &Context<'_>, rows: &[Row<'_>], out: &mut Vec<Finding>);
}

struct Readied<'c, R: EachRow + 'c> {
    rule: &'c R,
    before: R::Before<'c>,
}

impl<'c, R: EachRow + 'c> Ready for Readied<'c, R> {
    fn rows(&self, cx: &Context<'_>, rows: &[Row<'_>], out: &mut Vec<Finding>) {
        for row in rows {
            self.rule.row(cx, &self.before, row, out);
        }
    }
}

impl<R: EachRow> ByRow for R {
    fn ready<'c>(&'c self, cx: &'c Context<'_>, out: &mut Vec<Finding>) -> Option<Box<dyn Ready + 'c>> {
        let before = self.before(cx, out)?;
        Some(Box::new(Readied { rule: self, before }))
    }

    fn after(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        EachRow::after(self, cx, out);
    }
}

/// Rows a worker takes at a time: a district's million in eight parts, so that the two cores
/// share them out as they come free.
pub(super) const PART: usize = 1 << 17;

/// Rows every rule looks at before the next: 2,048 rows and what the context worked out for
/// them take about 300 KB, which stays in a core's 1 MB cache.
pub(super) const STRETCH: usize = 1 << 11;

/// The parts of `rows` rows (see [`PART`]).
pub(super) fn parts(rows: usize, part: usize) -> Vec<Range<usize>> {
    let part = part.max(1);
    (0..rows.div_ceil(part)).map(|k| k * part..rows.min((k + 1) * part)).collect()
}

/// The rules by row of a check, readied, and their findings so far: those of
/// [`EachRow::before`], then those about the parts of the rows in the order they are added.
pub(super) struct Together<'c> {
    /// Each rule by its place in the registry, with its findings.
    rules: Vec<(usize, Vec<Finding>)>,
    /// The rules that look at rows, each with its place in `rules`.
    ready: Vec<(usize, Box<dyn Ready + 'c>)>,
}

impl<'c> Together<'c> {
    /// Takes the rules by row out of `order` (places in the registry) and readies them.
    pub(super) fn take(cx: &'c Context<'_>, order: &mut Vec<usize>) -> Self {
        let mut t = Together {
            rules: Vec::new(),
            ready: Vec::new(),
        };
        order.retain(|&i| {
            let Some(rule) = super::REGISTRY[i].each_row() else { return true };
            let mut out = Vec::new();
            if let Some(r) = rule.ready(cx, &mut out) {
                t.ready.push((t.rules.len(), r));
            }
            t.rules.push((i, out));
            false
        });
        t
    }

    /// No rule looks at rows.
    pub(super) fn is_empty(&self) -> bool {
        self.ready.is_empty()
    }

    /// The findings of each rule that looks at rows about the rows at `range`, in the order of
    /// the rules: every rule over a stretch of `stretch` rows before the next stretch.
    pub(super) fn stretches(&self, cx: &Context<'_>, range: Range<usize>, stretch: usize) -> Vec<Vec<Finding>> {
        let mut found: Vec<Vec<Finding>> = self.ready.iter().map(|_| Vec::new()).collect();
        let stretch = stretch.max(1);
        let mut rows: Vec<Row<'_>> = Vec::with_capacity(stretch.min(range.len()));
        let mut from = range.start;
        while from < range.end {
            let to = range.end.min(from + stretch);
            rows.clear();
            rows.extend(cx.rows_in(from..to));
            for ((_, rule), out) in self.ready.iter().zip(&mut found) {
                rule.rows(cx, &rows, out);
            }
            from = to;
        }
        found
    }

    /// Adds the findings of [`Together::stretches`] about the next part of the rows.
    pub(super) fn add(&mut self, found: Vec<Vec<Finding>>) {
        for ((r, _), f) in self.ready.iter().zip(found) {
            if let Some((_, out)) = self.rules.get_mut(*r) {
                out.extend(f);
            }
        }
    }

    /// Each rule's findings, by its place in the registry, with those of [`EachRow::after`].
    pub(super) fn finish(mut self, cx: &Context<'_>) -> Vec<(usize, Vec<Finding>)> {
        for (i, out) in &mut self.rules {
            if let Some(rule) = super::REGISTRY[*i].each_row() {
                rule.after(cx, out);
            }
        }
        self.rules
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_cover_every_row_once_in_order() {
        assert_eq!(parts(0, 4), Vec::<Range<usize>>::new());
        assert_eq!(parts(3, 4), vec![0..3]);
        assert_eq!(parts(8, 4), vec![0..4, 4..8]);
        assert_eq!(parts(9, 4), vec![0..4, 4..8, 8..9]);
        assert_eq!(parts(2, 0), vec![0..1, 1..2]);
    }
}
