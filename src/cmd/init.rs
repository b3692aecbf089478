//! `care init [DIR] [--example]`.

use std::path::PathBuf;
use std::process::ExitCode;

use super::{Env, Failure, Outcome};
use crate::findings::Msg;

pub fn run(_env: &Env, _dir: Option<PathBuf>, _example: bool) -> Outcome {
    Err(Failure::Refused(Msg::new("尚未实现", "not implemented yet")))
        .map(|()| ExitCode::SUCCESS)
}
