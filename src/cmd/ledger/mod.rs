//! `care ledger add|show|close|reopen`.

pub mod add;
pub mod close;
pub mod reopen;
pub mod show;
