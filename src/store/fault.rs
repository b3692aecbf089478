//! Stopping a commit part way, for the tests that show a cut-off write is finished or undone.
//!
//! Each change a commit makes on disk (a temporary file written, a backup linked, the journal
//! written, a file renamed or removed) is a numbered point. In a debug build, `CARE_FAULT_AFTER=k`
//! ends the process right after point k as a kill would: no destructor runs, so the lock file,
//! the journal and the temporary files stay where they are. `CARE_FAULT_SLEEP=k` stops there
//! instead, saying so on standard error, for a test that kills the process itself. A release
//! build reads neither variable.

/// Marks one point of a commit.
pub(crate) fn point() {
    #[cfg(debug_assertions)]
    hook::point();
}

#[cfg(debug_assertions)]
mod hook {
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// The exit status of a process stopped by `CARE_FAULT_AFTER`.
    const STOPPED: i32 = 86;

    static PASSED: AtomicUsize = AtomicUsize::new(0);

    fn var(name: &str) -> Option<usize> {
        std::env::var(name).ok()?.trim().parse().ok()
    }

    pub(super) fn point() {
        let n = PASSED.fetch_add(1, Ordering::SeqCst) + 1;
        if var("CARE_FAULT_AFTER") == Some(n) {
            std::process::exit(STOPPED);
        }
        if var("CARE_FAULT_SLEEP") == Some(n) {
            eprintln!("care: stopped after point {n} of the commit");
            std::thread::sleep(std::time::Duration::from_secs(600));
        }
    }
}
