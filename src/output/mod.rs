//! Rendering for people and machines: findings, tables; and the terminal they go to.

pub mod console;
pub mod findings;
pub mod table;
pub mod terminal;
pub mod usage;
