//! Files replaced so that a crash leaves the old bytes or the new, never a mix: a temporary
//! file beside the target, synced to disk, renamed over it; then the folder synced, so that
//! the rename itself survives a power cut.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Temporary files of a write are `.care-XXXXXX.tmp`, beside their target.
const TEMP_PREFIX: &str = ".care-";
const TEMP_SUFFIX: &str = ".tmp";

/// Whether a file name is that of one of care's temporary files.
pub(crate) fn is_temp(name: &str) -> bool {
    name.len() > TEMP_PREFIX.len() + TEMP_SUFFIX.len() && name.starts_with(TEMP_PREFIX) && name.ends_with(TEMP_SUFFIX)
}

/// The folder a file is in (`.` for a bare name).
pub(crate) fn folder(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// The file a write to `path` changes: when `path` is a symbolic link, the file it points to
/// (followed to the end), so that the link stays a link. A missing file is its own answer.
pub(crate) fn resolve_links(path: &Path) -> io::Result<PathBuf> {
    let mut p = path.to_path_buf();
    // As many links as Linux follows before it gives up (ELOOP).
    for _ in 0..40 {
        match fs::symlink_metadata(&p) {
            Ok(m) if m.file_type().is_symlink() => {
                let to = fs::read_link(&p)?;
                p = if to.is_absolute() { to } else { folder(&p).join(to) };
            }
            Ok(_) => return Ok(p),
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(p),
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::other(format!("{}: too many levels of symbolic links", path.display())))
}

fn builder() -> tempfile::Builder<'static, 'static> {
    let mut b = tempfile::Builder::new();
    b.prefix(TEMP_PREFIX).suffix(TEMP_SUFFIX);
    // A new file gets the mode any program would give it (0666 less the umask), not a
    // temporary file's 0600.
    #[cfg(unix)]
    b.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    b
}

/// A temporary file beside `target` holding `bytes`, synced to disk, with the target's mode
/// when the target exists. It is removed when dropped, unless kept or persisted.
pub(crate) fn temp_beside(target: &Path, bytes: &[u8]) -> io::Result<tempfile::TempPath> {
    let mut tmp = builder().tempfile_in(folder(target))?;
    tmp.write_all(bytes)?;
    if let Ok(meta) = fs::metadata(target) {
        let _ = fs::set_permissions(tmp.path(), meta.permissions());
    }
    tmp.as_file().sync_all()?;
    Ok(tmp.into_temp_path())
}

/// The target as it is, under a temporary name beside it, for a commit to go back to: a second
/// link to the same file (no copy), or a synced copy where the file system has no hard links.
pub(crate) fn backup(target: &Path) -> io::Result<tempfile::TempPath> {
    match builder().make_in(folder(target), |p| fs::hard_link(target, p)) {
        Ok(linked) => Ok(linked.into_temp_path()),
        Err(_) => temp_beside(target, &fs::read(target)?),
    }
}

/// Makes a rename or removal in `dir` durable. A file system that cannot sync a folder (some
/// network file systems say so) is taken at its word; on Windows a rename is durable once made.
pub(crate) fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    match fs::File::open(dir).and_then(|d| d.sync_all()) {
        Err(e) if matches!(e.kind(), io::ErrorKind::InvalidInput | io::ErrorKind::Unsupported) => Ok(()),
        other => other,
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

/// Creates `dir` and its missing parents; the folders it created, outermost first.
pub(crate) fn create_dirs(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut missing = Vec::new();
    let mut p = dir;
    while !p.as_os_str().is_empty() && fs::symlink_metadata(p).is_err() {
        missing.push(p.to_path_buf());
        match p.parent() {
            Some(up) => p = up,
            None => break,
        }
    }
    missing.reverse();
    for d in &missing {
        match fs::create_dir(d) {
            Err(e) if e.kind() != io::ErrorKind::AlreadyExists => return Err(e),
            _ => {}
        }
    }
    Ok(missing)
}

/// Removes a file; one already gone is not an error.
pub(crate) fn remove(path: &Path) -> io::Result<()> {
    match fs::remove_file(path) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

/// Whether a file (or anything) is at `path`, a dangling link included.
pub(crate) fn exists(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporary_names() {
        assert!(is_temp(".care-a1B2c3.tmp"));
        assert!(!is_temp(".care-.tmp"));
        assert!(!is_temp(".care.lock"));
        assert!(!is_temp("care-a.tmp"));
    }

    #[cfg(unix)]
    #[test]
    fn links_are_followed_to_the_file() {
        let d = tempfile::tempdir().unwrap();
        let real = d.path().join("real.csv");
        fs::write(&real, "x").unwrap();
        std::os::unix::fs::symlink("real.csv", d.path().join("a")).unwrap();
        std::os::unix::fs::symlink(d.path().join("a"), d.path().join("b")).unwrap();
        assert_eq!(resolve_links(&d.path().join("b")).unwrap(), real);
        assert_eq!(resolve_links(&real).unwrap(), real);
        let new = d.path().join("new.csv");
        assert_eq!(resolve_links(&new).unwrap(), new);
        std::os::unix::fs::symlink("loop", d.path().join("loop")).unwrap();
        assert!(resolve_links(&d.path().join("loop")).is_err());
    }

    #[test]
    fn a_backup_holds_the_old_bytes_after_the_target_is_replaced() {
        let d = tempfile::tempdir().unwrap();
        let target = d.path().join("ledger.csv");
        fs::write(&target, "old").unwrap();
        let b = backup(&target).unwrap();
        temp_beside(&target, b"new").unwrap().persist(&target).unwrap();
        assert_eq!(fs::read(&b).unwrap(), b"old");
        assert_eq!(fs::read(&target).unwrap(), b"new");
    }

    #[test]
    fn folders_are_created_and_named() {
        let d = tempfile::tempdir().unwrap();
        let made = create_dirs(&d.path().join("a/b/c")).unwrap();
        assert_eq!(made, vec![d.path().join("a"), d.path().join("a/b"), d.path().join("a/b/c")]);
        assert!(create_dirs(&d.path().join("a/b")).unwrap().is_empty());
        sync_dir(&d.path().join("a/b")).unwrap();
    }
}
