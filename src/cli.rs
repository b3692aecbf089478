//! The command line of SPEC §8.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::records::Date;
use crate::records::date::parse_date;

#[derive(Parser, Debug)]
#[command(name = "care", version = crate::cmd::VERSION, about = "课后服务记录的检查、记账与报表 / records, checks and reports for after-school care")]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Args, Debug, Clone)]
pub struct Global {
    /// The records directory
    #[arg(short = 'C', long = "dir", global = true, default_value = ".", value_name = "DIR")]
    pub dir: PathBuf,
    /// The date time-dependent rules use (YYYY-MM-DD); default: CARE_TODAY, else the system date
    #[arg(long, global = true, value_parser = date_arg, value_name = "DATE")]
    pub today: Option<Date>,
    /// Language of messages and reports (default: CARE_LANG, then LANG)
    #[arg(long, global = true, value_enum)]
    pub lang: Option<LangArg>,
    /// Colour in human output
    #[arg(long, global = true, value_enum, default_value_t = ColorArg::Auto)]
    pub color: ColorArg,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum LangArg {
    Zh,
    En,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColorArg {
    Auto,
    Always,
    Never,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum CheckFormat {
    Human,
    Json,
    Github,
}

pub fn date_arg(s: &str) -> Result<Date, String> {
    parse_date(s).map_err(|m| m.en)
}

pub fn money_arg(s: &str) -> Result<crate::records::Money, String> {
    crate::records::Money::parse(s).map_err(|m| m.en)
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Create a records repository (blank, or a complete example term with --example)
    Init {
        /// Where to create it (default: the -C directory)
        dir: Option<PathBuf>,
        /// Fill it with a complete, valid, realistic past term
        #[arg(long)]
        example: bool,
    },
    /// Check the records against every rule
    Check {
        #[arg(long, value_enum, default_value_t = CheckFormat::Human)]
        format: CheckFormat,
        /// Exit 1 on warnings too
        #[arg(long)]
        deny_warnings: bool,
    },
}
