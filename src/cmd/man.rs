//! `care man`: the manual page, in roff, on standard output.

use clap::CommandFactory;

use super::Outcome;
use super::explain::emit;
use crate::cli::Cli;
use crate::findings::Msg;

pub(super) fn page() -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    clap_mangen::Man::new(Cli::command()).render(&mut out)?;
    Ok(out)
}

pub(super) fn run() -> Outcome {
    let roff = page().map_err(|e| {
        super::Failure::Refused(Msg::new(
            format!("无法生成手册页：{e}"),
            format!("cannot render the manual page: {e}"),
        ))
    })?;
    emit(&roff)
}
