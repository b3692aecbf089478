//! What surrounds the core commands: `care explain` and the rule pages, shell completions, the
//! man page, `--version`, and the CI and pre-commit files a records repository gets.

use std::path::Path;
use std::process::Command as Process;

use assert_cmd::Command;
use care::findings::Severity;
use care::rules::REGISTRY;
use yaml_rust2::{Yaml, YamlLoader};

use crate::common::{self, Workdir};

fn care() -> Command {
    let mut c = Command::cargo_bin("care").unwrap();
    c.env_remove("CARE_TODAY").env_remove("CARE_LANG").env("NO_COLOR", "1");
    c
}

fn stdout(c: &mut Command) -> String {
    let out = c.output().unwrap();
    assert!(out.status.success(), "{c:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn repo_file(rel: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)).unwrap()
}

/// The value after `- **Label**` and its colon on the page, e.g. the policy clause.
fn field<'a>(page: &'a str, label: &str) -> &'a str {
    page.lines().find_map(|l| l.strip_prefix(&format!("- **{label}**"))).map_or_else(
        || panic!("no {label} line in\n{page}"),
        |rest| rest.trim_start_matches(['：', ':']).trim(),
    )
}

/// Rules whose findings come from reading the files carry the loader's own wording of the fix.
const LOADER_RULES: &[&str] = &["format/missing-column", "format/unknown-column"];

#[test]
fn explain_prints_every_rules_page_in_either_language() {
    for rule in REGISTRY {
        let m = rule.meta();
        let zh = stdout(care().args(["explain", m.id, "--lang", "zh"]));
        let en = stdout(care().args(["explain", m.id, "--lang", "en"]));
        assert!(zh.starts_with(&format!("# {}\n\n## 中文：", m.id)), "{zh}");
        assert!(en.starts_with(&format!("# {}\n\n## English: ", m.id)), "{en}");
        assert!(
            !zh.contains("## English") && !en.contains("## 中文"),
            "{}: one language per page",
            m.id
        );
        for (text, sev_label, policy_label) in [(&zh, "严重程度", "政策依据"), (&en, "Severity", "Policy")] {
            assert_eq!(field(text, policy_label), m.policy, "{}: the page's policy clause", m.id);
            let sev = field(text, sev_label);
            let expected = match m.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            assert!(sev.contains(expected), "{}: severity {sev:?}", m.id);
            for clause in m.policy.split('、') {
                assert!(text.contains(&format!("> **{clause}** ")), "{}: no quote of {clause}", m.id);
            }
            for heading in ["### ", "```text\n"] {
                assert!(text.matches(heading).count() >= 1, "{}: {heading:?}", m.id);
            }
        }
        assert!(
            zh.contains(&format!("错误[{}]", m.id)) || zh.contains(&format!("警告[{}]", m.id)),
            "{}: zh example",
            m.id
        );
        assert!(
            en.contains(&format!("{}[{}]", field(&en, "Severity").split(':').next().unwrap_or(""), m.id)),
            "{}: en example",
            m.id
        );
        if !LOADER_RULES.contains(&m.id) {
            assert!(
                zh.contains(&format!("  修改： {}\n", m.hint.0)),
                "{}: the zh example's fix is the rule's hint",
                m.id
            );
            assert!(
                en.contains(&format!("  fix: {}\n", m.hint.1)),
                "{}: the en example's fix is the rule's hint",
                m.id
            );
        }
    }
}

#[test]
fn explain_follows_care_lang_and_accepts_the_page_name() {
    let zh = stdout(care().env("CARE_LANG", "zh").args(["explain", "staff-unsigned"]));
    assert!(zh.starts_with("# staff/unsigned\n\n## 中文：聘用协议签订之前就上岗"), "{zh}");
}

#[test]
fn explain_without_a_rule_lists_them_all() {
    let list = stdout(care().args(["explain", "--lang", "en"]));
    for rule in REGISTRY {
        let m = rule.meta();
        assert!(list.contains(m.id) && list.contains(m.policy), "{} is not listed", m.id);
    }
}

#[test]
fn explain_an_unknown_rule_exits_2_naming_close_ones() {
    let out = care().args(["explain", "consent/unsign", "--lang", "en"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(
        err.trim_end(),
        "care: error: there is no rule “consent/unsign”; close ones: consent/unsigned"
    );

    let out = care().args(["explain", "settlement", "--lang", "en"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    for id in [
        "settlement/missing",
        "settlement/late",
        "settlement/stale",
        "settlement/refund-mismatch",
    ] {
        assert!(err.contains(id), "{err}");
    }

    let out = care().args(["explain", "no-such-thing-at-all", "--lang", "zh"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("没有规则“no-such-thing-at-all”") && err.contains("care explain"),
        "{err}"
    );
}

#[test]
fn the_rules_index_links_every_page_and_no_other() {
    let index = repo_file("docs/rules/README.md");
    let mut pages: Vec<String> = std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "README.md")
        .collect();
    pages.sort();
    let mut ids: Vec<String> = REGISTRY.iter().map(|r| format!("{}.md", r.meta().id.replace('/', "-"))).collect();
    ids.sort();
    assert_eq!(pages, ids, "docs/rules holds one page per rule");
    for rule in REGISTRY {
        let m = rule.meta();
        let link = format!("[`{}`]({}.md)", m.id, m.id.replace('/', "-"));
        assert_eq!(index.matches(&link).count(), 2, "{} in both tables of docs/rules/README.md", m.id);
    }
}

#[test]
fn completions_generate_for_every_shell() {
    for (shell, marker) in [
        ("bash", "_care()"),
        ("zsh", "#compdef care"),
        ("fish", "complete -c care"),
        ("powershell", "Register-ArgumentCompleter"),
        ("elvish", "edit:completion:arg-completer[care]"),
    ] {
        let script = stdout(care().args(["completions", shell]));
        assert!(script.contains(marker), "{shell}: {marker}");
        for sub in ["check", "enroll", "ledger", "settle", "explain", "completions"] {
            assert!(script.contains(sub), "{shell} completes {sub}");
        }
    }
    let bash = stdout(care().args(["completions", "bash"]));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("care.bash");
    std::fs::write(&file, bash).unwrap();
    let syntax = Process::new("bash").arg("-n").arg(&file).status().unwrap();
    assert!(syntax.success(), "the bash completions are valid bash");

    let out = care().args(["completions", "tcsh"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn man_prints_a_roff_page_naming_every_command() {
    let roff = stdout(care().arg("man"));
    assert!(roff.contains(".TH care 1"), "{}", &roff[..roff.len().min(300)]);
    for sub in [
        "init",
        "check",
        "enroll",
        "ledger",
        "settle",
        "status",
        "fmt",
        "explain",
        "completions",
        "man",
    ] {
        assert!(
            roff.contains(&format!("care\\-{sub}")) || roff.contains(&format!("\\fB{sub}\\fR")),
            "man page lacks {sub}"
        );
    }
}

#[test]
fn version_names_the_commit() {
    let v = stdout(care().arg("--version"));
    let v = v.trim_end();
    let rest = v
        .strip_prefix(&format!("care {} (", env!("CARGO_PKG_VERSION")))
        .unwrap_or_else(|| panic!("{v}"));
    let commit = rest.strip_suffix(')').unwrap_or_else(|| panic!("{v}"));
    if commit == "unknown commit" {
        return;
    }
    assert!(commit.len() == 12 && commit.chars().all(|c| c.is_ascii_hexdigit()), "{v}");
    let known = Process::new("git")
        .args(["cat-file", "-e", &format!("{commit}^{{commit}}")])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .status();
    if let Ok(status) = known {
        assert!(status.success(), "{commit} is a commit of this repository");
    }
}

fn yaml(text: &str) -> Yaml {
    let mut docs = YamlLoader::load_from_str(text).unwrap_or_else(|e| panic!("not YAML: {e}\n{text}"));
    assert_eq!(docs.len(), 1);
    docs.remove(0)
}

fn strings(v: &Yaml) -> Vec<&str> {
    v.as_vec()
        .unwrap_or_else(|| panic!("not a list: {v:?}"))
        .iter()
        .filter_map(Yaml::as_str)
        .collect()
}

#[test]
fn init_writes_ci_for_github_and_gitlab_that_runs_care_check() {
    let w = Workdir::empty();
    let out = w.care(&["init"]).arg(w.file("records")).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let gh = yaml(&w.read("records/.github/workflows/care.yml"));
    assert!(gh["on"]["push"].is_null() && gh["on"]["pull_request"].is_null(), "{gh:?}");
    let job = &gh["jobs"]["check"];
    assert_eq!(job["runs-on"].as_str(), Some("ubuntu-latest"));
    let steps = job["steps"].as_vec().unwrap();
    assert!(steps.iter().all(|s| s["uses"].as_str().is_some() || s["run"].as_str().is_some()));
    assert_eq!(steps.last().unwrap()["run"].as_str(), Some("care check --format github"));
    assert!(steps.iter().any(|s| {
        s["run"]
            .as_str()
            .is_some_and(|r| r.contains("cargo install --locked --git \"$CARE_GIT\""))
    }));

    let gl = yaml(&w.read("records/.gitlab-ci.yml"));
    let job = &gl["care-check"];
    assert!(job["image"].as_str().is_some());
    let script = strings(&job["script"]);
    assert!(
        script
            .iter()
            .any(|l| l.starts_with(".care/bin/care check --format json > care-findings.json")),
        "{script:?}"
    );
    assert_eq!(script.last(), Some(&".care/bin/care check"));
    assert_eq!(strings(&job["artifacts"]["paths"]), ["care-findings.json"]);
    assert_eq!(strings(&job["cache"]["paths"]), [".care/"]);
    assert!(w.read("records/.gitignore").lines().any(|l| l == ".care/"));

    // The example school carries the same files.
    let example = common::example_dir();
    for f in [".github/workflows/care.yml", ".gitlab-ci.yml", ".gitignore"] {
        assert_eq!(
            std::fs::read_to_string(example.join(f)).unwrap(),
            w.read(&format!("records/{f}")),
            "{f}"
        );
    }
}

#[test]
fn pre_commit_hooks_run_care_check_on_the_records() {
    let hooks = yaml(&repo_file(".pre-commit-hooks.yaml"));
    let hooks = hooks.as_vec().unwrap();
    let languages: Vec<&str> = hooks.iter().filter_map(|h| h["language"].as_str()).collect();
    assert_eq!(languages, ["rust", "system"]);
    for h in hooks {
        assert!(h["id"].as_str().is_some_and(|id| id.starts_with("care-check")), "{h:?}");
        assert_eq!(h["entry"].as_str(), Some("care check"));
        assert_eq!(h["pass_filenames"].as_bool(), Some(false));
        let files = h["files"].as_str().unwrap();
        for name in ["plan\\.toml", "roster\\.csv", "ledger\\.csv", "closes/", "settlements/"] {
            assert!(files.contains(name), "{files} covers {name}");
        }
    }
}

#[test]
fn docs_ci_shows_the_files_init_writes() {
    let doc = repo_file("docs/ci.md");
    for asset in ["assets/init/care.yml", "assets/init/gitlab-ci.yml"] {
        let shown: String = repo_file(asset)
            .lines()
            .filter(|l| !l.trim_start().starts_with('#'))
            .map(|l| format!("{l}\n"))
            .collect();
        assert!(
            doc.contains(&format!("```yaml\n{shown}```")),
            "docs/ci.md shows {asset} without its comments"
        );
    }
}

/// `care check` under a pseudo-terminal (util-linux `script`), as a treasurer runs it.
fn check_on_a_terminal(w: &Workdir, no_color: bool) -> String {
    let line = format!(
        "'{}' -C '{}' --today 2026-09-25 --lang en check",
        env!("CARGO_BIN_EXE_care"),
        w.path().display()
    );
    let mut c = Process::new("script");
    c.args(["-qec", &line, "/dev/null"])
        .env_remove("CARE_LANG")
        .env_remove("CARE_TODAY");
    if no_color {
        c.env("NO_COLOR", "1");
    } else {
        c.env_remove("NO_COLOR");
    }
    let out = c.output().expect("script(1) from util-linux runs care on a pseudo-terminal");
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn check_colours_a_terminal_unless_no_color() {
    let w = Workdir::fixture("clean");
    w.replace("roster.csv", "2026-08-22,欧阳峰,", "2026-08-22,欧阳克,");
    let coloured = check_on_a_terminal(&w, false);
    assert!(coloured.contains("\x1b[1;31merror\x1b[0m[consent/unsigned]"), "{coloured:?}");
    assert!(coloured.contains("\x1b[36mfix:\x1b[0m "), "{coloured:?}");
    let plain = check_on_a_terminal(&w, true);
    assert!(
        plain.contains("roster.csv:4: error[consent/unsigned]: ") && !plain.contains('\x1b'),
        "{plain:?}"
    );
    assert!(
        plain.contains("\n  fix: the application must be signed by the guardian"),
        "{plain:?}"
    );
    assert!(plain.contains("1 error, 0 warnings in 1 file"), "{plain:?}");
}
