//! The command line of SPEC §8.

use std::path::PathBuf;

use clap::builder::PossibleValue;
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::findings::Msg;
use crate::output::usage::ArgError;
use crate::records::Date;
use crate::records::date::parse_date;

#[derive(Parser, Debug)]
#[command(name = "care", version = crate::cmd::VERSION, about = "课后服务记录的检查、记账与报表 / records, checks and reports for after-school care")]
pub(crate) struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Args, Debug, Clone)]
pub(crate) struct Global {
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
pub(crate) enum LangArg {
    Zh,
    En,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum HeadersArg {
    En,
    Zh,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ColorArg {
    Auto,
    Always,
    Never,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ModelArg {
    Committee,
    School,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CheckFormat {
    Human,
    Json,
    Github,
}

pub(crate) fn date_arg(s: &str) -> Result<Date, ArgError> {
    parse_date(s).map_err(ArgError)
}

pub(crate) fn money_arg(s: &str) -> Result<crate::records::Money, ArgError> {
    crate::records::Money::parse(s).map_err(ArgError)
}

/// The amount of a ledger row: never negative, since its kind says which way the money goes.
pub(crate) fn amount_arg(s: &str) -> Result<crate::records::Money, ArgError> {
    let m = money_arg(s)?;
    if m.is_negative() {
        return Err(ArgError(Msg::new(
            "金额总是正数，收支方向由类型决定：退给家庭的钱记一行 refund，如 care ledger add refund --amount 1 ...",
            "amounts are positive, the kind gives the direction: money paid back is a refund row, e.g. care ledger add refund --amount 1 ...",
        )));
    }
    Ok(m)
}

#[derive(Subcommand, Debug)]
pub(crate) enum Command {
    /// Create a records repository (blank, or a complete example term with --example)
    Init {
        /// Where to create it (default: the -C directory)
        dir: Option<PathBuf>,
        /// Fill it with complete, valid, realistic past terms
        #[arg(long)]
        example: bool,
        /// The example's model: the parents' committee collects (committee), or the school does (school)
        #[arg(long, value_enum, requires = "example", default_value_t = ModelArg::Committee)]
        model: ModelArg,
        /// The column names of the CSV files: en (pupil_id, name, ...) or zh (学号, 姓名, ...)
        #[arg(long, value_enum, default_value_t = HeadersArg::En)]
        headers: HeadersArg,
    },
    /// Check the records against every rule
    Check {
        #[arg(long, value_enum, default_value_t = CheckFormat::Human)]
        format: CheckFormat,
        /// Exit 1 on warnings too
        #[arg(long)]
        deny_warnings: bool,
    },
    /// Record a pupil's written application (申请表); prints the id assigned
    Enroll(EnrollArgs),
    /// The school and committee reviewed and registered an application (审核登记)
    Review {
        id: String,
        #[arg(long, value_parser = date_arg)]
        on: Date,
        /// The term of the application (default: the pupil's latest application)
        #[arg(long)]
        term: Option<String>,
    },
    /// The care agreement is signed (托管协议); care starts on --starts
    Agree {
        id: String,
        #[arg(long, value_parser = date_arg)]
        on: Date,
        /// First day of care (default: the next service day of the term on or after --on)
        #[arg(long, value_parser = date_arg)]
        starts: Option<Date>,
        /// The term of the application (default: the pupil's latest application)
        #[arg(long)]
        term: Option<String>,
    },
    /// The family withdraws; care ends on --on
    Withdraw {
        id: String,
        #[arg(long, value_parser = date_arg)]
        on: Date,
        /// The term of the application (default: the pupil's latest application)
        #[arg(long)]
        term: Option<String>,
    },
    /// Record a staff hiring agreement (聘用协议); prints the id assigned
    Hire(HireArgs),
    /// Render a report: disclosure, settlement, notices, roster, staff, surveys or annual
    Report(ReportArgs),
    /// Money: add rows, show, close a month, reopen it
    #[command(subcommand)]
    Ledger(LedgerCommand),
    /// Settle a term: split the surplus among the families
    Settle {
        #[arg(long)]
        term: String,
        /// Date of the settlement (default: today)
        #[arg(long, value_parser = date_arg)]
        on: Option<Date>,
        /// Also append the refund rows that pay each family out, dated --on
        #[arg(long)]
        record: bool,
        /// Print the settlement, write nothing
        #[arg(long)]
        dry_run: bool,
    },
    /// A district's report over many schools' records, one row each, and their tables with --export
    District(DistrictArgs),
    /// Write the records as tables (Parquet or CSV) for DuckDB, Spark, Trino, pandas or a spreadsheet
    Export {
        /// The folder to write the tables into, one file each
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        #[arg(long, value_enum, default_value_t = ExportFormat::Parquet)]
        format: ExportFormat,
        /// Write into a folder that is not empty, replacing the files an earlier export wrote
        /// there (no other file is touched)
        #[arg(long)]
        force: bool,
    },
    /// Pupils' leave (请假): what a family is owed back for it depends on [fees] refund_rule
    #[command(subcommand)]
    Leave(LeaveCommand),
    /// What each family is owed back for leave and withdrawal, and booking those refunds
    Refunds {
        /// A month, YYYY-MM (basis monthly)
        #[arg(long, conflicts_with = "term", required_unless_present = "term")]
        month: Option<String>,
        /// A term id: every month of it (basis monthly), or the term (basis term)
        #[arg(long)]
        term: Option<String>,
        /// The date of the refund rows (default: today)
        #[arg(long, value_parser = date_arg)]
        on: Option<Date>,
        /// Append a refund row for each family owed money, dated --on
        #[arg(long)]
        record: bool,
    },
    /// Satisfaction ratings of staff (满意度测评)
    #[command(subcommand)]
    Survey(SurveyCommand),
    /// Record a spreadsheet the school already keeps: a class list as applications
    #[command(subcommand)]
    Import(ImportCommand),
    /// Terms, pupils by status, balance, open months and the next deadlines
    Status,
    /// Rewrite files in canonical form without changing their meaning
    Fmt {
        /// Change nothing; exit 1 and name each file that would change
        #[arg(long)]
        check: bool,
    },
    /// Explain a rule of care check: what fires it, the policy clause, how to fix it
    Explain {
        /// A rule id, e.g. consent/unsigned; without it, every rule is listed
        rule: Option<String>,
    },
    /// Print shell completions, e.g. care completions bash > /etc/bash_completion.d/care
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), e.g. care man > care.1
    Man,
}

#[derive(Args, Debug)]
pub(crate) struct DistrictArgs {
    /// Records directories, or folders whose subdirectories are records directories
    #[arg(required = true, value_name = "DIR")]
    pub dirs: Vec<PathBuf>,
    /// A calendar year (default: each school's current term)
    #[arg(long, conflicts_with = "month")]
    pub year: Option<i32>,
    /// A month, YYYY-MM
    #[arg(long)]
    pub month: Option<String>,
    /// md, html, csv, json or xlsx (default: from the --out file's extension, else md); xlsx
    /// needs --out
    #[arg(long, value_enum)]
    pub format: Option<crate::report::Format>,
    /// Write the report to this file instead of standard output
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Also write every school's tables into this folder, one folder per table, by school
    #[arg(long, value_name = "DIR")]
    pub export: Option<PathBuf>,
    /// The format of the tables of --export
    #[arg(long, value_enum, default_value_t = ExportFormat::Parquet, requires = "export")]
    pub export_format: ExportFormat,
    /// Write the export into a folder that is not empty, replacing the files an earlier export
    /// wrote there (no other file is touched)
    #[arg(long, requires = "export")]
    pub force: bool,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ExportFormat {
    Parquet,
    Csv,
}

impl From<ExportFormat> for crate::export::Format {
    fn from(f: ExportFormat) -> Self {
        match f {
            ExportFormat::Parquet => crate::export::Format::Parquet,
            ExportFormat::Csv => crate::export::Format::Csv,
        }
    }
}

#[derive(Args, Debug)]
pub(crate) struct EnrollArgs {
    /// The family of this pupil applies again, for --term: a new row with the same id, the
    /// details copied from its latest application unless given
    #[arg(long, value_name = "ID", requires = "term", conflicts_with_all = ["name", "id"])]
    pub renew: Option<String>,
    #[arg(long, required_unless_present = "renew")]
    pub name: Option<String>,
    #[arg(long, value_parser = clap::value_parser!(u8).range(1..=6), required_unless_present = "renew")]
    pub grade: Option<u8>,
    #[arg(long, required_unless_present = "renew")]
    pub class: Option<String>,
    #[arg(long, required_unless_present = "renew")]
    pub guardian: Option<String>,
    #[arg(long)]
    pub phone: Option<String>,
    #[arg(long, value_parser = date_arg)]
    pub applied_on: Date,
    /// Who signed the application; must be the guardian
    #[arg(long)]
    pub signed_by: String,
    /// The term applied for (default: the term of --applied-on, else the next to start)
    #[arg(long)]
    pub term: Option<String>,
    /// The id to use (default: the next P number)
    #[arg(long)]
    pub id: Option<String>,
    #[arg(long)]
    pub note: Option<String>,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum StaffKindArg {
    Parent,
    Professional,
    School,
}

#[derive(Args, Debug)]
pub(crate) struct HireArgs {
    #[arg(long)]
    pub name: String,
    #[arg(long, value_enum)]
    pub kind: StaffKindArg,
    #[arg(long)]
    pub role: String,
    #[arg(long, value_parser = date_arg)]
    pub signed_on: Date,
    #[arg(long, value_parser = date_arg)]
    pub starts: Date,
    #[arg(long, value_parser = date_arg)]
    pub ends: Date,
    #[arg(long, value_parser = date_arg)]
    pub qualified_on: Option<Date>,
    #[arg(long, value_parser = date_arg)]
    pub background_on: Option<Date>,
    #[arg(long, value_parser = money_arg, requires = "unit")]
    pub rate: Option<crate::records::Money>,
    #[arg(long, requires = "rate")]
    pub unit: Option<String>,
    /// The id to use (default: the next C number)
    #[arg(long)]
    pub id: Option<String>,
    #[arg(long)]
    pub note: Option<String>,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum KindArg {
    Fee,
    Refund,
    Pay,
    Expense,
    /// Money from outside the families (财政补助, 专项经费, a donation); --category names the source
    Grant,
}

#[derive(Subcommand, Debug)]
pub(crate) enum LedgerCommand {
    /// Append a row of money
    Add(LedgerAddArgs),
    /// The rows and totals of a month or term, as a table
    Show {
        #[arg(long, conflicts_with = "term")]
        month: Option<String>,
        #[arg(long)]
        term: Option<String>,
    },
    /// Close a month: closes/YYYY-MM.toml and the disclosure reports/disclosure-YYYY-MM.md
    Close {
        #[arg(long)]
        month: String,
        /// Date of the close (default: today)
        #[arg(long, value_parser = date_arg)]
        on: Option<Date>,
    },
    /// Reopen the latest closed month, recording why in closes/reopened.csv
    Reopen {
        #[arg(long)]
        month: String,
        #[arg(long)]
        reason: String,
    },
}

#[derive(Args, Debug)]
pub(crate) struct LedgerAddArgs {
    #[arg(value_enum)]
    pub kind: KindArg,
    #[arg(long, value_parser = date_arg)]
    pub date: Date,
    #[arg(long, value_parser = amount_arg, allow_negative_numbers = true)]
    pub amount: crate::records::Money,
    #[arg(long)]
    pub pupil: Option<String>,
    #[arg(long)]
    pub contract: Option<String>,
    #[arg(long)]
    pub category: Option<String>,
    #[arg(long)]
    pub period: Option<String>,
    #[arg(long)]
    pub collected_by: Option<String>,
    #[arg(long)]
    pub receipt: Option<String>,
    #[arg(long)]
    pub memo: Option<String>,
}

#[derive(Subcommand, Debug)]
pub(crate) enum LeaveCommand {
    /// Append a leave to leave.csv (made with its header when missing)
    Add {
        #[arg(long)]
        pupil: String,
        /// First day away
        #[arg(long, value_parser = date_arg)]
        from: Date,
        /// Last day away (inclusive)
        #[arg(long, value_parser = date_arg)]
        to: Date,
        /// Why, e.g. 病假 (internal: never in a public report)
        #[arg(long)]
        reason: Option<String>,
    },
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RespondentArg {
    Pupil,
    Parent,
}

#[derive(Subcommand, Debug)]
pub(crate) enum SurveyCommand {
    /// Append a rating
    Add {
        #[arg(long)]
        contract: String,
        #[arg(long, value_parser = date_arg)]
        date: Date,
        #[arg(long, value_enum)]
        respondent: RespondentArg,
        #[arg(long, value_parser = clap::value_parser!(u8).range(1..=5))]
        score: u8,
        #[arg(long)]
        comment: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
pub(crate) enum ImportCommand {
    /// A class list (.xlsx or .csv, Chinese or English column names): one application per row,
    /// all or nothing; rows already in the roster (same name, guardian and term) are skipped
    Roster {
        /// The class list: an .xlsx workbook or a .csv file
        file: PathBuf,
        /// The workbook's sheet to read (default: the first)
        #[arg(long, value_name = "NAME")]
        sheet: Option<String>,
        /// Show what would be added; write nothing
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Args, Debug)]
pub(crate) struct ReportArgs {
    #[arg(value_enum)]
    pub kind: crate::report::Kind,
    /// The month of a disclosure (YYYY-MM)
    #[arg(long, conflicts_with_all = ["term", "year"])]
    pub month: Option<String>,
    /// The term of a settlement or notices; for roster, staff and surveys, limits them to it
    #[arg(long, conflicts_with = "year")]
    pub term: Option<String>,
    /// The year of the annual report (default: the year of --today)
    #[arg(long)]
    pub year: Option<i32>,
    /// md, html, csv, json or xlsx (default: from the --out file's extension, else md); xlsx needs --out
    #[arg(long, value_enum)]
    pub format: Option<crate::report::Format>,
    /// Write the report to this file instead of standard output
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Show names in full in a public report (internal use only)
    #[arg(long)]
    pub no_mask: bool,
}

/// The report kinds as the command line names and explains them.
impl ValueEnum for crate::report::Kind {
    fn value_variants<'a>() -> &'a [Self] {
        crate::report::Kind::ALL
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        use crate::report::Kind;
        let help = match self {
            Kind::Disclosure => "收支公示: a month's money (--month)",
            Kind::Settlement => "结算公示: a term's settlement (--term)",
            Kind::Notices => "退费通知单: one notice per family (--term)",
            Kind::Roster => "学生名册 (internal)",
            Kind::Staff => "服务人员 (internal)",
            Kind::Surveys => "满意度测评 (internal)",
            Kind::Annual => "绩效报告: the year's performance report (--year)",
            Kind::District => "区域汇总: many schools at once (care district)",
        };
        Some(PossibleValue::new(self.name()).help(help))
    }
}

impl ValueEnum for crate::report::Format {
    fn value_variants<'a>() -> &'a [Self] {
        crate::report::Format::ALL
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(PossibleValue::new(self.ext()))
    }
}
