//! The money and calendar logic, with no I/O: which term a row belongs to, care days, month
//! closes, digests and term settlement.

pub mod calendar;
pub mod close;
pub mod digest;
pub mod settle;
