//! Standard output and standard error. A reader may close standard output early
//! (`care ledger show | head -1`): the output stops there, quietly, and the command ends as if SIGPIPE had stopped it (status 141), as
//! git and the shell's own tools do, so that a pipeline under `set -o pipefail` sees it. Any
//! other failure to write also stops the output; the command then fails saying why.

use std::io::Write;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU8, Ordering};

const OPEN: u8 = 0;
const CLOSED: u8 = 1;
const FAILED: u8 = 2;

static STATE: AtomicU8 = AtomicU8::new(OPEN);
static ERROR: OnceLock<String> = OnceLock::new();

/// How standard output ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum State {
    Open,
    /// The reader went away.
    Closed,
    /// Writing failed otherwise (a full disk): the error.
    Failed(&'static str),
}

pub(crate) fn state() -> State {
    match STATE.load(Ordering::Relaxed) {
        OPEN => State::Open,
        CLOSED => State::Closed,
        _ => State::Failed(ERROR.get().map_or("", String::as_str)),
    }
}

/// Writes bytes to standard output, unless it has already ended.
pub(crate) fn write(bytes: &[u8]) {
    if state() != State::Open {
        return;
    }
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_all(bytes).and_then(|()| out.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            STATE.store(CLOSED, Ordering::Relaxed);
        } else {
            let _ = ERROR.set(e.to_string());
            STATE.store(FAILED, Ordering::Relaxed);
        }
    }
}

pub(crate) fn print(text: &str) {
    write(text.as_bytes());
}

pub(crate) fn println(text: &str) {
    let mut line = String::with_capacity(text.len() + 1);
    line.push_str(text);
    line.push('\n');
    write(line.as_bytes());
}

/// A line on standard error. If that cannot be written either, there is no one to tell.
pub(crate) fn note(text: &str) {
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(text.as_bytes()).and_then(|()| err.write_all(b"\n"));
}
