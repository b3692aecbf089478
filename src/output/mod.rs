//! Rendering for people and machines: findings, tables; and the terminal they go to.

pub(crate) mod console;
pub(crate) mod findings;
pub(crate) mod table;
pub(crate) mod terminal;
pub(crate) mod usage;
