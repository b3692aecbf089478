//! The guides (docs/guide.zh.md, docs/guide.en.md) show real commands and their real output; this
//! runs them in order in a scratch directory and compares.
//!
//! What a guide may contain, so that this stays simple:
//! - ```` ```console ```` blocks: `$ ` lines are commands, the lines after one are its output
//!   (standard output, then standard error). A line `...` stands for any number of lines. The
//!   commands are `care ...`, `cd DIR`, `export NAME=VALUE` and `cat FILE`. A command is expected
//!   to exit 0 unless a trailing comment names another status: `# exit 1` or `# 退出码 1`.
//! - a fenced block whose info string has `file=PATH` (e.g. ```` ```toml file=plan.toml ````): the
//!   file as the reader edits it; it is written to PATH.
//! - any other block is prose and is not run.
//!
//! `UPDATE_GUIDES=1 cargo test --test integration guide::` writes the actual output into the guides instead.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

struct Step {
    /// Line index of the `$ ` line in the guide.
    at: usize,
    command: String,
    /// Line indexes of the expected output: `at + 1 .. end`.
    end: usize,
}

enum Block {
    Console(Vec<Step>),
    File { path: String, text: String },
}

fn parse(lines: &[&str]) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let Some(info) = lines[i].strip_prefix("```") else {
            i += 1;
            continue;
        };
        let start = i + 1;
        let mut end = start;
        while end < lines.len() && lines[end] != "```" {
            end += 1;
        }
        assert!(end < lines.len(), "a fenced block opened at line {} is not closed", i + 1);
        let body = &lines[start..end];
        if info.split_whitespace().next() == Some("console") {
            let mut steps: Vec<Step> = Vec::new();
            for (k, l) in body.iter().enumerate() {
                if let Some(cmd) = l.strip_prefix("$ ") {
                    steps.push(Step {
                        at: start + k,
                        command: cmd.to_owned(),
                        end: start + k + 1,
                    });
                } else {
                    let last = steps
                        .last_mut()
                        .unwrap_or_else(|| panic!("line {}: output before any command", start + k + 1));
                    last.end = start + k + 1;
                }
            }
            blocks.push(Block::Console(steps));
        } else if let Some(path) = info.split_whitespace().find_map(|w| w.strip_prefix("file=")) {
            blocks.push(Block::File {
                path: path.to_owned(),
                text: body.iter().map(|l| format!("{l}\n")).collect(),
            });
        }
        i = end + 1;
    }
    blocks
}

/// Splits a command line into words; double or single quotes group words, a trailing `# ...` is a
/// comment. Returns the words and the exit status the comment names (0 without one).
fn split(command: &str) -> (Vec<String>, i32) {
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut quote: Option<char> = None;
    let mut comment = "";
    for (i, c) in command.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => word.get_or_insert_with(String::new).push(c),
            (None, '"' | '\'') => {
                quote = Some(c);
                word.get_or_insert_with(String::new);
            }
            (None, '#') if word.is_none() => {
                comment = &command[i..];
                break;
            }
            (None, c) if c.is_whitespace() => words.extend(word.take()),
            (None, c) => word.get_or_insert_with(String::new).push(c),
        }
    }
    assert!(quote.is_none(), "unclosed quote in {command:?}");
    words.extend(word);
    let status = ["exit", "退出码"]
        .iter()
        .find_map(|k| comment.find(k).map(|at| &comment[at + k.len()..]))
        .map_or(0, |rest| {
            let digits: String = rest.trim_start().chars().take_while(char::is_ascii_digit).collect();
            digits.parse().unwrap_or_else(|_| panic!("no status after “exit” in {command:?}"))
        });
    (words, status)
}

fn normalise(text: &str) -> Vec<String> {
    let mut lines: Vec<String> = text.lines().map(|l| l.trim_end().to_owned()).collect();
    while lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    lines
}

/// Whether the output matches the expected lines, where a `...` line matches any lines.
fn matches(expected: &[String], actual: &[String]) -> bool {
    match expected.split_first() {
        None => actual.is_empty(),
        Some((e, rest)) if e == "..." => (0..=actual.len()).any(|skip| matches(rest, &actual[skip..])),
        Some((e, rest)) => actual.split_first().is_some_and(|(a, more)| a == e && matches(rest, more)),
    }
}

struct Shell {
    cwd: PathBuf,
    env: BTreeMap<String, String>,
}

impl Shell {
    /// Runs one command: its exit status and what it printed.
    fn run(&mut self, words: &[String]) -> (i32, String) {
        let (name, args) = words.split_first().expect("an empty command");
        match name.as_str() {
            "care" => {
                let mut c = Command::new(env!("CARGO_BIN_EXE_care"));
                c.args(args).current_dir(&self.cwd);
                c.env_remove("CARE_TODAY")
                    .env_remove("CARE_LANG")
                    .env("LANG", "C.UTF-8")
                    .env("NO_COLOR", "1");
                c.envs(&self.env);
                let out = c.output().expect("run care");
                let mut text = String::from_utf8(out.stdout).expect("UTF-8 output");
                text.push_str(&String::from_utf8(out.stderr).expect("UTF-8 errors"));
                (out.status.code().unwrap_or(-1), text)
            }
            "cd" => {
                self.cwd = self.cwd.join(&args[0]);
                (0, String::new())
            }
            "export" => {
                let (k, v) = args[0].split_once('=').expect("export NAME=VALUE");
                self.env.insert(k.to_owned(), v.to_owned());
                (0, String::new())
            }
            "cat" => (0, std::fs::read_to_string(self.cwd.join(&args[0])).expect("cat a file")),
            other => panic!("the guide's console blocks run care, cd, export and cat, not {other}"),
        }
    }
}

fn check_guide(rel: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
    let text = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let blocks = parse(&lines);
    let steps = blocks
        .iter()
        .map(|b| if let Block::Console(s) = b { s.len() } else { 0 })
        .sum::<usize>();
    assert!(steps >= 40, "{rel} has only {steps} commands");

    let scratch = tempfile::tempdir().unwrap();
    let mut shell = Shell {
        cwd: scratch.path().to_path_buf(),
        env: BTreeMap::new(),
    };
    let update = std::env::var_os("UPDATE_GUIDES").is_some();
    let mut replaced: BTreeMap<usize, (usize, Vec<String>)> = BTreeMap::new();
    let mut failures = Vec::new();
    for block in &blocks {
        match block {
            Block::File { path, text } => std::fs::write(shell.cwd.join(path), text).unwrap(),
            Block::Console(steps) => {
                for step in steps {
                    let (words, status) = split(&step.command);
                    let (code, out) = shell.run(&words);
                    let expected: Vec<String> = lines[step.at + 1..step.end].iter().map(|l| l.trim_end().to_owned()).collect();
                    let expected = normalise(&expected.join("\n"));
                    let actual = normalise(&out);
                    if code != status {
                        failures.push(format!(
                            "{rel}:{}: `{}` exited {code}, the guide says {status}\n{out}",
                            step.at + 1,
                            step.command
                        ));
                    }
                    if !matches(&expected, &actual) {
                        assert!(
                            !update || !actual.iter().any(|l| l.starts_with("```")),
                            "{rel}:{}: the output holds a fenced block; show it in the guide shortened with `...`",
                            step.at + 1
                        );
                        replaced.insert(step.at + 1, (step.end, actual.clone()));
                        failures.push(format!(
                            "{rel}:{}: `{}` printed\n{}\n--- the guide shows ---\n{}",
                            step.at + 1,
                            step.command,
                            actual.join("\n"),
                            expected.join("\n")
                        ));
                    }
                }
            }
        }
    }
    if update && !replaced.is_empty() {
        let mut out = Vec::new();
        let mut i = 0;
        while i < lines.len() {
            if let Some((end, actual)) = replaced.get(&i) {
                out.extend(actual.iter().cloned());
                if *end > i {
                    i = *end;
                    continue;
                }
            }
            out.push(lines[i].to_owned());
            i += 1;
        }
        std::fs::write(&path, out.join("\n") + "\n").unwrap();
        return;
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn the_english_guide_runs_as_shown() {
    check_guide("docs/guide.en.md");
}

#[test]
fn the_chinese_guide_runs_as_shown() {
    check_guide("docs/guide.zh.md");
}

#[test]
fn commands_split_like_a_shell() {
    assert_eq!(
        split(r#"care ledger reopen --month 2026-09 --reason "a late receipt"   # exit 1"#),
        (
            ["care", "ledger", "reopen", "--month", "2026-09", "--reason", "a late receipt"]
                .map(String::from)
                .to_vec(),
            1
        )
    );
    assert_eq!(split("care check   # 退出码 1").1, 1);
    assert_eq!(split("care check # see below").1, 0);
    assert_eq!(split("care survey add --comment 'a#b'").0.last().map(String::as_str), Some("a#b"));
    let lines = |s: &str| s.lines().map(String::from).collect::<Vec<_>>();
    assert!(matches(&lines("a\n...\nd"), &lines("a\nb\nc\nd")));
    assert!(matches(&lines("a\n...\nd"), &lines("a\nd")));
    assert!(!matches(&lines("a\n...\nd"), &lines("a\nb")));
}
