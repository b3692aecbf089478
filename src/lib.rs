//! `care`: records, checks and reports for a primary school's after-school care service
//! (课后服务 / 课后在校托管), kept as TOML and CSV files in a git repository.

mod cli;
mod cmd;
mod district;
pub mod domain;
mod example;
mod export;
pub mod findings;
mod output;
pub mod records;
pub mod report;
pub mod rules;
mod store;

pub use cmd::main;
