//! The lock file that keeps two runs of `care` from interleaving their writes. It exists only
//! while a command runs.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::findings::Msg;

pub(crate) const LOCK_FILE: &str = ".care.lock";

/// How long a second run waits for the first: `CARE_LOCK_WAIT` seconds, default 10.
fn wait() -> Duration {
    let secs = std::env::var("CARE_LOCK_WAIT")
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .unwrap_or(10);
    Duration::from_secs(secs)
}

#[derive(Debug)]
pub(crate) struct Lock {
    path: PathBuf,
    file: File,
}

impl Lock {
    pub(crate) fn acquire(dir: &Path) -> Result<Lock, Msg> {
        let path = dir.join(LOCK_FILE);
        let deadline = Instant::now() + wait();
        loop {
            let file = OpenOptions::new()
                .create(true)
                .truncate(false)
                .write(true)
                .open(&path)
                .map_err(|e| {
                    Msg::new(
                        format!("无法创建锁文件 {}：{e}", path.display()),
                        format!("cannot create the lock file {}: {e}", path.display()),
                    )
                })?;
            match file.try_lock() {
                Ok(()) => {
                    // The holder before us may have removed the file after we opened it; a lock
                    // on a removed file protects nothing, so try again on the new one.
                    if same_file(&file, &path) {
                        return Ok(Lock { path, file });
                    }
                }
                Err(std::fs::TryLockError::WouldBlock) => {}
                Err(std::fs::TryLockError::Error(e)) => {
                    return Err(Msg::new(
                        format!("无法锁定 {}：{e}", path.display()),
                        format!("cannot lock {}: {e}", path.display()),
                    ));
                }
            }
            if Instant::now() >= deadline {
                return Err(Msg::new(
                    format!(
                        "另一个 care 正在写入记录（锁文件 {}）；请等它结束后重试。若没有其他 care 在运行，可删除该锁文件",
                        path.display()
                    ),
                    format!(
                        "another care is writing the records (lock file {}); try again when it is done. If no other care is running, delete the lock file",
                        path.display()
                    ),
                ));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

#[cfg(unix)]
fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.ino() == b.ino() && a.dev() == b.dev(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_file: &File, path: &Path) -> bool {
    path.exists()
}

impl Drop for Lock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
        let _ = self.file.unlock();
    }
}
