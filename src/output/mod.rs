//! Rendering for people and machines: findings, tables.

pub mod findings;
pub mod table;
