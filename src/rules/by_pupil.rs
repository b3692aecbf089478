//! Which changes can be checked on the ledger rows of the pupils they are about alone.

use super::{Inputs, REGISTRY};
use crate::records::{Appended, Records};

/// The pupils a change is about, when it can be checked on their ledger rows alone: it appends
/// `rows` to one file, each naming a pupil, and every rule that reads both the ledger's rows and
/// what the change changes goes by pupil ([`Meta::by_pupil`](super::Meta::by_pupil)). `None`
/// otherwise; the rows are given back either way. `before` are the records before the change
/// (of the ledger, any rows).
pub fn pupils_of_change(before: &mut Records, rows: Appended) -> (Option<Vec<String>>, Appended) {
    let undo = before.append(rows);
    let pupils = undo.pupils(before);
    let parts = Inputs::of_appended(before, undo.file(), undo.at());
    let rows = before.unappend(undo);
    let others = REGISTRY
        .iter()
        .map(|r| r.meta())
        .any(|m| m.reads.meets(parts) && m.reads.meets(Inputs::LEDGER_ROWS) && !m.by_pupil);
    (pupils.filter(|_| !others), rows)
}
