//! The records repo's own templates run in a sandbox: no environment, no file outside
//! templates/, no endless recursion or loop, no unbounded output. Each breach is refused with
//! exit 1, naming the template and saying what to do, and `ledger close`, which renders the
//! disclosure while it holds the lock, changes nothing and leaves no lock behind.

use std::fs::File;
use std::process::Output;
use std::time::{Duration, Instant};

use crate::common::Workdir;

const CLOSE: &[&str] = &["ledger", "close", "--month", "2026-09", "--on", "2026-10-05"];

/// The clean fixture with its own `disclosure.md.tera`.
fn with_template(text: &str) -> Workdir {
    let w = Workdir::fixture("clean").today("2026-10-05");
    w.write("templates/disclosure.md.tera", text);
    w
}

/// Runs care, killing it if it has not finished within a minute (a template that loops without
/// end must fail the test, not hang it). Its output goes to files, which never fill up as a pipe
/// does.
fn run(w: &Workdir, args: &[&str]) -> Output {
    let dir = tempfile::tempdir().unwrap();
    let (out, err) = (dir.path().join("out"), dir.path().join("err"));
    let mut child = w
        .process(args)
        .stdout(File::create(&out).unwrap())
        .stderr(File::create(&err).unwrap())
        .spawn()
        .unwrap();
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > Duration::from_secs(60) {
            child.kill().unwrap();
            panic!("care {args:?} ran for more than a minute");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    Output {
        status,
        stdout: std::fs::read(out).unwrap(),
        stderr: std::fs::read(err).unwrap(),
    }
}

/// A report refused with exit 1, its message on standard error containing every word; and
/// `ledger close` refused the same way, every file as it was and no lock file left.
fn refused(w: &Workdir, words: &[&str]) {
    let out = run(w, &["report", "disclosure", "--month", "2026-09"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(out.stdout.is_empty(), "printed {}", String::from_utf8_lossy(&out.stdout));
    for word in words {
        assert!(err.contains(word), "want {word:?} in:\n{err}");
    }
    let before = w.snapshot();
    let out = run(w, CLOSE);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    for word in words {
        assert!(err.contains(word), "want {word:?} in:\n{err}");
    }
    assert!(!w.file(".care.lock").exists(), "ledger close left its lock file");
    assert!(w.snapshot() == before, "a refused close changed files");
}

#[test]
fn a_template_cannot_read_the_environment() {
    let w = with_template("secret: {{ get_env(name=\"CARE_TEST_SECRET\") }}\n");
    let out = w
        .care(&["report", "disclosure", "--month", "2026-09"])
        .env("CARE_TEST_SECRET", "hunter2")
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&out.stdout).contains("hunter2"));
    assert!(!String::from_utf8_lossy(&out.stderr).contains("hunter2"));
    refused(&w, &["disclosure.md.tera", "get_env", "delete it"]);
}

#[cfg(unix)]
#[test]
fn a_template_cannot_be_a_link_out_of_templates() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.tera"), "outside the records\n").unwrap();
    let w = Workdir::fixture("clean").today("2026-10-05");
    std::fs::create_dir_all(w.file("templates")).unwrap();
    std::os::unix::fs::symlink(outside.path().join("secret.tera"), w.file("templates/disclosure.md.tera")).unwrap();
    refused(&w, &["templates/disclosure.md.tera", "outside templates/"]);
    // /etc/passwd through a link is refused the same way, whatever its name.
    std::fs::remove_file(w.file("templates/disclosure.md.tera")).unwrap();
    std::os::unix::fs::symlink("/etc/passwd", w.file("templates/passwd.tera")).unwrap();
    w.write("templates/disclosure.md.tera", "{% include \"passwd.tera\" %}\n");
    refused(&w, &["templates/passwd.tera", "outside templates/"]);
    // A link to another file in templates/ is a file in templates/.
    std::fs::remove_file(w.file("templates/passwd.tera")).unwrap();
    std::fs::remove_file(w.file("templates/disclosure.md.tera")).unwrap();
    w.write("templates/mine.tera", "closing {{ closing }}\n");
    std::os::unix::fs::symlink("mine.tera", w.file("templates/disclosure.md.tera")).unwrap();
    assert_eq!(w.ok(&["report", "disclosure", "--month", "2026-09"]), "closing 419.50\n");
    // templates/ itself may not lead out of the records.
    std::fs::remove_file(w.file("templates/disclosure.md.tera")).unwrap();
    std::fs::remove_file(w.file("templates/mine.tera")).unwrap();
    std::fs::remove_dir(w.file("templates")).unwrap();
    std::fs::write(outside.path().join("disclosure.md.tera"), "outside the records\n").unwrap();
    std::os::unix::fs::symlink(outside.path(), w.file("templates")).unwrap();
    refused(&w, &["templates", "outside"]);
}

#[test]
fn a_template_that_includes_itself_is_refused_not_a_crash() {
    let w = with_template("{% include \"disclosure.md.tera\" %}\n");
    refused(&w, &["disclosure.md.tera", "itself", "delete it"]);
    // Through another template.
    w.write("templates/a.tera", "{% include \"disclosure.md.tera\" %}\n");
    w.write("templates/disclosure.md.tera", "{% include \"a.tera\" %}\n");
    refused(&w, &["disclosure.md.tera", "a.tera", "itself"]);
}

#[test]
fn a_recursive_macro_is_refused_not_a_crash() {
    let w = with_template("{% macro down(n) %}{{ self::down(n=n - 1) }}{% endmacro down %}{{ self::down(n=3) }}\n");
    refused(&w, &["disclosure.md.tera", "down", "itself"]);
    // Two macros calling each other.
    w.write(
        "templates/disclosure.md.tera",
        "{% macro down(n) %}{{ self::up(n=n) }}{% endmacro down %}{% macro up(n) %}{{ self::down(n=n) }}{% endmacro up %}{{ self::down(n=3) }}\n",
    );
    refused(&w, &["down", "up", "itself"]);
    // A macro of an imported file.
    w.write("templates/m.tera", "{% macro again() %}{{ self::again() }}{% endmacro again %}");
    w.write("templates/disclosure.md.tera", "{% import \"m.tera\" as m %}{{ m::again() }}\n");
    refused(&w, &["m.tera::again", "itself"]);
    // Two files importing each other.
    w.write("templates/m.tera", "{% import \"disclosure.md.tera\" as d %}");
    w.write("templates/disclosure.md.tera", "{% import \"m.tera\" as m %}x\n");
    refused(&w, &["disclosure.md.tera", "m.tera", "imports itself"]);
}

#[test]
fn includes_nest_only_so_deep() {
    let w = with_template("{% include \"t1.tera\" %}\n");
    for i in 1..40 {
        w.write(&format!("templates/t{i}.tera"), format!("{{% include \"t{}.tera\" %}}", i + 1));
    }
    w.write("templates/t40.tera", "end");
    refused(&w, &["disclosure.md.tera", "deeper than"]);
    // A few levels are fine.
    w.write("templates/t5.tera", "end");
    assert_eq!(w.ok(&["report", "disclosure", "--month", "2026-09"]), "end\n");
}

#[test]
fn a_huge_range_is_refused_not_an_abort() {
    let w = with_template("{% for i in range(end=10000000000) %}{{ i }}{% endfor %}\n");
    refused(&w, &["disclosure.md.tera", "range", "delete it"]);
    let w = with_template("{% for i in range(end=10, step_by=0) %}{{ i }}{% endfor %}\n");
    refused(&w, &["disclosure.md.tera", "step_by"]);
}

#[test]
fn nested_ranges_stop() {
    let w = with_template(
        "{% for a in range(end=100000) %}{% for b in range(end=100000) %}{% for c in range(end=100000) %}{% endfor %}{% endfor %}{% endfor %}\n",
    );
    refused(&w, &["disclosure.md.tera", "range"]);
}

#[test]
fn a_report_cannot_grow_without_bound() {
    let line = "x".repeat(1000);
    let w = with_template(&format!("{{% for a in range(end=100000) %}}{line}\n{{% endfor %}}"));
    refused(&w, &["disclosure.md.tera", "MiB"]);
}

#[test]
fn deeply_nested_tags_are_refused_not_a_crash() {
    let n = 1_500;
    let w = with_template(&format!("{{{{ {}1{} }}}}\n", "(".repeat(n), ")".repeat(n)));
    refused(&w, &["disclosure.md.tera", "nest deeper than"]);
    let n = 20_000;
    w.write(
        "templates/disclosure.md.tera",
        format!("{}x{}", "{% if true %}".repeat(n), "{% endif %}".repeat(n)),
    );
    refused(&w, &["disclosure.md.tera", "nest deeper than"]);
    w.write(
        "templates/disclosure.md.tera",
        format!("{{{{ {} }}}}", vec!["1"; 50_000].join(" + ")),
    );
    refused(&w, &["disclosure.md.tera", "longer than"]);
}
