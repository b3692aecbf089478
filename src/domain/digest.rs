//! Digests of ledger rows in a canonical form: reordering the file, writing `200` for `200.00`
//! or reformatting it does not change a digest; adding, removing or editing a row does.

use sha2::{Digest, Sha256};

use crate::records::Entry;

/// One row as text with its meaning only: every named column, money with two decimals, ISO
/// dates. Unknown columns are not part of it.
pub fn canonical(e: &Entry) -> String {
    let o = |v: &Option<String>| v.clone().unwrap_or_default();
    [
        e.date.to_string(),
        e.kind.as_str().to_owned(),
        e.amount.to_string(),
        o(&e.pupil_id),
        o(&e.contract_id),
        o(&e.category),
        o(&e.period),
        o(&e.collected_by),
        o(&e.receipt),
        o(&e.memo),
    ]
    .join("\u{1f}")
}

/// `sha256:` and the hex digest of the sorted canonical rows.
pub fn digest<'a>(rows: impl IntoIterator<Item = &'a Entry>) -> String {
    let mut lines: Vec<String> = rows.into_iter().map(canonical).collect();
    lines.sort_unstable();
    let mut h = Sha256::new();
    for l in &lines {
        h.update(l.as_bytes());
        h.update(b"\n");
    }
    let bytes = h.finalize();
    let mut s = String::with_capacity(7 + 64);
    s.push_str("sha256:");
    for b in bytes {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::date::parse_date;
    use crate::records::{Kind, Money};

    fn row(amount: &str, memo: Option<&str>) -> Entry {
        Entry {
            line: 2,
            date: parse_date("2026-09-03").unwrap(),
            kind: Kind::Expense,
            amount: Money::parse(amount).unwrap(),
            pupil_id: None,
            contract_id: None,
            category: Some("materials".into()),
            period: None,
            collected_by: None,
            receipt: None,
            memo: memo.map(Into::into),
        }
    }

    #[test]
    fn order_and_money_spelling_do_not_matter() {
        let a = [row("200", None), row("5.5", Some("x"))];
        let b = [row("5.50", Some("x")), row("200.00", None)];
        assert_eq!(digest(&a), digest(&b));
    }

    #[test]
    fn edits_do() {
        let a = [row("200", None)];
        assert_ne!(digest(&a), digest(&[row("200.01", None)]));
        assert_ne!(digest(&a), digest(&[row("200", Some("m"))]));
        assert_ne!(digest(&a), digest(&[row("200", None), row("200", None)]));
    }
}
