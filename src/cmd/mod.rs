//! One file per subcommand, each thin: load, call the domain, render.

mod check;
mod completions;
mod enroll;
pub mod explain;
mod fmt;
mod hire;
mod import;
mod init;
mod ledger;
mod man;
mod pupil;
mod report;
mod settle;
mod status;
mod survey;
pub mod write;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;

use crate::cli::{Cli, ColorArg, Command, Global, HeadersArg, ImportCommand, LangArg, LedgerCommand, SurveyCommand};
use crate::findings::{Lang, Msg};
use crate::records::Date;

pub const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), " (", env!("CARE_GIT_COMMIT"), ")");

/// How a command ended when it did not succeed.
#[derive(Debug)]
pub enum Failure {
    /// Bad usage or no records directory: exit 2.
    Usage(Msg),
    /// Refused or failed: exit 1, nothing changed.
    Refused(Msg),
}

pub type Outcome = Result<ExitCode, Failure>;

/// What every command knows: where the records are, today's date, the reader's language.
pub struct Env {
    pub dir: PathBuf,
    pub today: Date,
    pub lang: Lang,
    /// The language was chosen (--lang, CARE_LANG or LANG) rather than defaulted.
    pub lang_explicit: bool,
    pub color: bool,
}

impl Env {
    fn new(g: &Global) -> Result<Env, Failure> {
        let lang = Lang::from_env(g.lang.map(|l| match l {
            LangArg::Zh => Lang::Zh,
            LangArg::En => Lang::En,
        }));
        let today = match g.today {
            Some(d) => d,
            None => match std::env::var("CARE_TODAY") {
                Ok(v) if !v.trim().is_empty() => {
                    crate::records::date::parse_date(&v).map_err(|m| Failure::Usage(m.prefixed("CARE_TODAY：", "CARE_TODAY: ")))?
                }
                _ => chrono::Local::now().date_naive(),
            },
        };
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let color = match g.color {
            ColorArg::Always => true,
            ColorArg::Never => false,
            ColorArg::Auto => !no_color && std::io::stdout().is_terminal(),
        };
        let lang_explicit = g.lang.is_some() || std::env::var("CARE_LANG").is_ok_and(|v| !v.trim().is_empty());
        Ok(Env {
            dir: g.dir.clone(),
            today,
            lang,
            lang_explicit,
            color,
        })
    }

    /// Reports are Chinese unless --lang or CARE_LANG asks otherwise.
    pub fn report_lang(&self) -> Lang {
        if self.lang_explicit { self.lang } else { Lang::Zh }
    }

    pub fn say(&self, m: &Msg) -> String {
        m.get(self.lang).to_owned()
    }

    /// Loads the records directory, or says why it is not one.
    pub fn records(&self) -> Result<crate::records::Records, Failure> {
        crate::records::check_dir(&self.dir).map_err(|e| Failure::Usage(e.0))?;
        Ok(crate::records::Records::load(&self.dir))
    }
}

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let env = match Env::new(&cli.global) {
        Ok(env) => env,
        Err(f) => return report(&Lang::from_env(None), f),
    };
    let result = match cli.command {
        Command::Init { dir, example, headers } => init::run(&env, dir, example, headers == HeadersArg::Zh),
        Command::Check { format, deny_warnings } => check::run(&env, format, deny_warnings),
        Command::Enroll(a) => enroll::run(&env, a),
        Command::Review { id, on } => pupil::review(&env, &id, on),
        Command::Agree { id, on, starts } => pupil::agree(&env, &id, on, starts),
        Command::Withdraw { id, on } => pupil::withdraw(&env, &id, on),
        Command::Hire(a) => hire::run(&env, a),
        Command::Report(a) => report::run(&env, a),
        Command::Ledger(LedgerCommand::Add(a)) => ledger::add::run(&env, a),
        Command::Ledger(LedgerCommand::Show { month, term }) => ledger::show::run(&env, month.as_deref(), term.as_deref()),
        Command::Ledger(LedgerCommand::Close { month, on }) => ledger::close::run(&env, &month, on),
        Command::Ledger(LedgerCommand::Reopen { month, reason }) => ledger::reopen::run(&env, &month, &reason),
        Command::Settle { term, on, record, dry_run } => settle::run(&env, &term, on, record, dry_run),
        Command::Survey(SurveyCommand::Add {
            contract,
            date,
            respondent,
            score,
            comment,
        }) => survey::add(&env, &contract, date, respondent, score, comment),
        Command::Import(ImportCommand::Roster { file, sheet, dry_run }) => import::roster(&env, &file, sheet.as_deref(), dry_run),
        Command::Status => status::run(&env),
        Command::Fmt { check } => fmt::run(&env, check),
        Command::Explain { rule } => explain::run(&env, rule.as_deref()),
        Command::Completions { shell } => completions::run(shell),
        Command::Man => man::run(),
    };
    match result {
        Ok(code) => code,
        Err(f) => report(&env.lang, f),
    }
}

fn report(lang: &Lang, f: Failure) -> ExitCode {
    let (prefix, m, code) = match &f {
        Failure::Usage(m) => (lang.pick("用法错误", "error"), m, 2),
        Failure::Refused(m) => (lang.pick("已拒绝", "refused"), m, 1),
    };
    eprintln!("care: {prefix}: {}", m.get(*lang));
    ExitCode::from(code)
}
