//! One file per subcommand, each thin: load, call the domain, render.

mod check;
mod completions;
mod district;
mod enroll;
pub(crate) mod explain;
mod export;
mod fmt;
mod hire;
mod import;
mod init;
mod leave;
mod ledger;
mod man;
mod pupil;
mod refunds;
mod report;
mod settle;
mod status;
mod survey;
pub(crate) mod write;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;

use crate::cli::{Cli, ColorArg, Command, Global, HeadersArg, ImportCommand, LangArg, LeaveCommand, LedgerCommand, SurveyCommand};
use crate::findings::{Finding, Lang, Msg};
use crate::output::{console, terminal, usage};
use crate::records::Date;
use crate::store;

pub(crate) const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), " (", env!("CARE_GIT_COMMIT"), ")");

/// How a command ended when it did not succeed.
#[derive(Debug)]
pub(crate) enum Failure {
    /// Bad usage or no records directory: exit 2.
    Usage(Msg),
    /// Refused or failed: exit 1, nothing changed.
    Refused(Msg),
}

pub(crate) type Outcome = Result<ExitCode, Failure>;

/// What every command knows: where the records are, today's date, the reader's language.
pub(crate) struct Env {
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
    pub(crate) fn report_lang(&self) -> Lang {
        if self.lang_explicit { self.lang } else { Lang::Zh }
    }

    /// A one-line message in the reader's language, values from the records in it escaped.
    pub(crate) fn say(&self, m: &Msg) -> String {
        terminal::clean(m.get(self.lang)).into_owned()
    }

    /// Says on standard error what was done before the command: a cut-off write finished or
    /// undone, temporary files removed.
    pub(crate) fn note(&self, notes: &[Msg]) {
        for m in notes {
            console::note(&format!("care: {}", self.say(m)));
        }
    }

    /// Checks the records directory, and finishes or undoes a write that was cut off (SPEC §8)
    /// before reading it. A journal that could not be carried out is a finding.
    pub(crate) fn readable(&self) -> Result<Option<Finding>, Failure> {
        crate::records::check_dir(&self.dir).map_err(|e| Failure::Usage(e.0))?;
        let (notes, unresolved) = store::recover::before_reading(&self.dir);
        self.note(&notes);
        Ok(unresolved.map(|u| u.finding()))
    }

    /// Loads the records directory, or says why it is not one.
    pub(crate) fn records(&self) -> Result<crate::records::Records, Failure> {
        let unresolved = self.readable()?;
        let mut r = crate::records::Records::load(&self.dir);
        r.problems.extend(unresolved);
        Ok(r)
    }
}

pub fn main() -> ExitCode {
    let args: Vec<String> = std::env::args_os().map(|a| a.to_string_lossy().into_owned()).collect();
    let code = run(&args);
    match console::state() {
        console::State::Open => code,
        // The reader went away: the status of a process stopped by SIGPIPE (128 + 13).
        console::State::Closed => ExitCode::from(141),
        console::State::Failed(e) => report(
            &usage::lang_of(&args),
            Failure::Refused(Msg::new(
                format!("无法写入标准输出：{e}"),
                format!("cannot write to standard output: {e}"),
            )),
        ),
    }
}

fn run(args: &[String]) -> ExitCode {
    let cli = match Cli::try_parse_from(std::env::args_os()) {
        Ok(c) => c,
        Err(e) => {
            let zh = (usage::lang_of(args) == Lang::Zh && e.use_stderr())
                .then(|| usage::chinese(&e))
                .flatten();
            match zh {
                Some(text) => console::note(text.trim_end()),
                None => {
                    let _ = e.print();
                }
            }
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let env = match Env::new(&cli.global) {
        Ok(env) => env,
        Err(f) => return report(&Lang::from_env(None), f),
    };
    let result = match cli.command {
        Command::Init {
            dir,
            example,
            model,
            headers,
        } => init::run(&env, dir, example, model, headers == HeadersArg::Zh),
        Command::Check { format, deny_warnings } => check::run(&env, format, deny_warnings),
        Command::Enroll(a) => enroll::run(&env, a),
        Command::Review { id, on, term } => pupil::review(&env, &id, on, term.as_deref()),
        Command::Agree { id, on, starts, term } => pupil::agree(&env, &id, on, starts, term.as_deref()),
        Command::Withdraw { id, on, term } => pupil::withdraw(&env, &id, on, term.as_deref()),
        Command::Hire(a) => hire::run(&env, a),
        Command::Report(a) => report::run(&env, a),
        Command::Ledger(LedgerCommand::Add(a)) => ledger::add::run(&env, a),
        Command::Ledger(LedgerCommand::Show { month, term }) => ledger::show::run(&env, month.as_deref(), term.as_deref()),
        Command::Ledger(LedgerCommand::Close { month, on }) => ledger::close::run(&env, &month, on),
        Command::Ledger(LedgerCommand::Reopen { month, reason }) => ledger::reopen::run(&env, &month, &reason),
        Command::Settle { term, on, record, dry_run } => settle::run(&env, &term, on, record, dry_run),
        Command::Leave(LeaveCommand::Add { pupil, from, to, reason }) => leave::add(&env, &pupil, from, to, reason),
        Command::Refunds { month, term, on, record } => refunds::run(&env, month.as_deref(), term.as_deref(), on, record),
        Command::Survey(SurveyCommand::Add {
            contract,
            date,
            respondent,
            score,
            comment,
        }) => survey::add(&env, &contract, date, respondent, score, comment),
        Command::District(a) => district::run(&env, a),
        Command::Export { out, format, force } => export::run(&env, &out, format.into(), force),
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
    console::note(&format!("care: {prefix}: {}", terminal::clean_lines(m.get(*lang))));
    ExitCode::from(code)
}
