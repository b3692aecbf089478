//! The money and calendar logic, with no I/O: which term a row belongs to, care days, deadlines,
//! month closes, digests, term settlement and what was paid out after it, and the year's figures.

pub mod annual;
pub mod calendar;
pub mod category;
pub mod close;
pub mod deadlines;
pub mod digest;
pub mod district;
pub mod leave;
pub mod owed;
pub mod payouts;
pub mod ratings;
pub mod settle;
pub mod staff;
