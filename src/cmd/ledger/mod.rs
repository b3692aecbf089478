//! `care ledger add|show|close|reopen`.

pub(super) mod add;
pub(super) mod close;
pub(super) mod reopen;
pub(super) mod show;
