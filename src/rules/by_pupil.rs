//! Which changes can be checked on the ledger rows of the pupils they are about alone.

use super::{Inputs, REGISTRY};
use crate::records::{Records, Source};

/// The pupils a change is about, when it can be checked on their ledger rows alone: it appends
/// rows to one file, each naming a pupil, and every rule that reads both the ledger and what
/// the change changes goes by pupil ([`Meta::by_pupil`](super::Meta::by_pupil)). `None`
/// otherwise. `before` are the records before the change, read from the same directory as
/// `after` (of the ledger, any rows); `changed` the files the change writes.
pub fn pupils_of_change(before: &mut Records, after: &Source, changed: &[&str]) -> Option<Vec<String>> {
    let rows = before.appended_rows(after, changed)?;
    let undo = before.append(rows);
    let pupils = undo.pupils(before);
    let parts = Inputs::of_appended(before, undo.file(), undo.at());
    before.unappend(undo);
    let others = REGISTRY
        .iter()
        .map(|r| r.meta())
        .any(|m| m.reads.meets(parts) && m.reads.meets(Inputs::LEDGER_ROWS) && !m.by_pupil);
    if others { None } else { pupils }
}
