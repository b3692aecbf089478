//! `care check`: every rule of SPEC §7 over the records.

use std::process::ExitCode;

use super::{Env, Outcome};
use crate::cli::CheckFormat;
use crate::output::findings as render;

pub(super) fn run(env: &Env, format: CheckFormat, deny_warnings: bool) -> Outcome {
    let records = env.records()?;
    let findings = crate::rules::check(&records, env.today);
    let text = match format {
        CheckFormat::Human => render::human(&findings, env.lang, env.color),
        CheckFormat::Json => render::json(&findings, env.lang),
        CheckFormat::Github => render::github(&findings, env.lang),
    };
    crate::output::console::print(&text);
    let failed = findings.iter().any(|f| f.is_error() || deny_warnings);
    // The command ends here: a large ledger's rows are left to the operating system instead of
    // being freed one by one.
    std::mem::forget(records);
    Ok(if failed { ExitCode::from(1) } else { ExitCode::SUCCESS })
}
