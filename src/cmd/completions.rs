//! `care completions SHELL`: the shell's completion script on standard output.

use clap::CommandFactory;
use clap_complete::Shell;

use super::Outcome;
use super::explain::emit;
use crate::cli::Cli;

pub(super) fn script(shell: Shell) -> Vec<u8> {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "care", &mut out);
    out
}

pub(super) fn run(shell: Shell) -> Outcome {
    emit(&script(shell))
}
