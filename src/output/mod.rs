//! Rendering for people and machines: findings, tables; and the terminal they go to.

pub mod findings;
pub mod stdout;
pub mod table;
pub mod terminal;
pub mod usage;
