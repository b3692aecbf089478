//! `care`: records, checks and reports for a primary school's after-school care service
//! (课后服务 / 课后在校托管), kept as TOML and CSV files in a git repository.

pub mod cli;
pub mod cmd;
pub mod district;
pub mod domain;
pub mod example;
pub mod export;
pub mod findings;
pub mod output;
pub mod records;
pub mod report;
pub mod rules;
pub mod store;
