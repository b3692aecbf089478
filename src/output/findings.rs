//! Findings as human text, JSON (SPEC §8) or GitHub Actions workflow commands.

use std::collections::BTreeSet;

use super::terminal::clean;
use crate::findings::{Finding, Lang, Severity};

fn paint(on: bool, code: &str, s: &str) -> String {
    if on { format!("\x1b[{code}m{s}\x1b[0m") } else { s.to_owned() }
}

/// `roster.csv:8: error[consent/unsigned]: ...`, the fix under it, and a summary line. Values
/// from the records in a message are shown escaped, so that each finding is its two lines.
pub(crate) fn human(findings: &[Finding], lang: Lang, color: bool) -> String {
    let mut out = String::new();
    for f in findings {
        let sev = match f.severity {
            Severity::Error => paint(color, "1;31", lang.pick("错误", "error")),
            Severity::Warning => paint(color, "1;33", lang.pick("警告", "warning")),
        };
        let place = paint(color, "1", &format!("{}:{}", clean(&f.file), f.line));
        out.push_str(&format!("{place}: {sev}[{}]: {}\n", f.rule, clean(f.message.get(lang))));
        out.push_str(&format!(
            "  {} {}\n",
            paint(color, "36", lang.pick("修改：", "fix:")),
            clean(f.hint.get(lang))
        ));
    }
    out.push_str(&summary(findings, lang));
    out.push('\n');
    out
}

/// "2 errors, 1 warning in 3 files" / "3 个文件中有 2 个错误、1 个警告".
pub(crate) fn summary(findings: &[Finding], lang: Lang) -> String {
    let errors = findings.iter().filter(|f| f.is_error()).count();
    let warnings = findings.len() - errors;
    let files = findings.iter().map(|f| f.file.as_str()).collect::<BTreeSet<_>>().len();
    if findings.is_empty() {
        return lang.pick("未发现问题", "no problems found").to_owned();
    }
    match lang {
        Lang::Zh => format!("{files} 个文件中有 {errors} 个错误、{warnings} 个警告"),
        Lang::En => {
            let s = |n: usize, w: &str| if n == 1 { format!("{n} {w}") } else { format!("{n} {w}s") };
            format!("{}, {} in {}", s(errors, "error"), s(warnings, "warning"), s(files, "file"))
        }
    }
}

pub(crate) fn json(findings: &[Finding], lang: Lang) -> String {
    let items: Vec<serde_json::Value> = findings
        .iter()
        .map(|f| {
            serde_json::json!({
                "rule": f.rule,
                "severity": f.severity,
                "file": f.file,
                "line": f.line,
                "message": f.message.get(lang),
            })
        })
        .collect();
    let mut s = serde_json::to_string_pretty(&items).unwrap_or_else(|_| "[]".to_owned());
    s.push('\n');
    s
}

fn escape_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// `::error file=roster.csv,line=8,title=consent/unsigned::...`
pub(crate) fn github(findings: &[Finding], lang: Lang) -> String {
    let mut out = String::new();
    for f in findings {
        let level = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        out.push_str(&format!(
            "::{level} file={},line={},title={}::{}\n",
            escape_property(&f.file),
            f.line,
            escape_property(f.rule),
            escape_data(&format!("{} ({})", f.message.get(lang), f.hint.get(lang)))
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::findings::Msg;

    fn f(sev: Severity, file: &str) -> Finding {
        Finding {
            rule: "consent/unsigned",
            severity: sev,
            file: file.into(),
            line: 8,
            message: Msg::new("未签字", "not signed, 100%"),
            hint: Msg::new("签字", "sign it"),
        }
    }

    #[test]
    fn summary_counts() {
        let v = [f(Severity::Error, "a"), f(Severity::Error, "b"), f(Severity::Warning, "b")];
        assert_eq!(summary(&v, Lang::En), "2 errors, 1 warning in 2 files");
        assert_eq!(summary(&v, Lang::Zh), "2 个文件中有 2 个错误、1 个警告");
        assert_eq!(summary(&[], Lang::En), "no problems found");
    }

    #[test]
    fn github_escapes() {
        let s = github(&[f(Severity::Error, "roster.csv")], Lang::En);
        assert_eq!(
            s,
            "::error file=roster.csv,line=8,title=consent/unsigned::not signed, 100%25 (sign it)\n"
        );
    }

    #[test]
    fn values_cannot_forge_lines_or_reach_the_terminal_raw() {
        let mut bad = f(Severity::Error, "roster.csv");
        bad.message = Msg::new("x", "name \u{1b}]8;;http://evil\u{7}\nroster.csv:1: error[fake]: forged\r");
        let s = human(&[bad.clone()], Lang::En, false);
        assert_eq!(s.lines().count(), 3, "{s}");
        assert!(!s.contains('\u{1b}') && !s.contains('\u{7}') && !s.contains('\r'), "{s}");
        assert!(s.contains("name \\u{1b}]8;;http://evil\\u{7}\\nroster.csv:1"), "{s}");
        // JSON and GitHub output escape in their own way.
        let j = json(&[bad.clone()], Lang::En);
        assert!(
            j.contains("\\u001b]8;;http://evil\\u0007\\nroster.csv") && !j.contains('\u{1b}'),
            "{j}"
        );
        let g = github(&[bad], Lang::En);
        assert_eq!(g.lines().count(), 1, "{g}");
        assert!(g.contains("%0Aroster.csv:1: error[fake]: forged%0D"), "{g}");
    }

    #[test]
    fn human_line() {
        let s = human(&[f(Severity::Error, "roster.csv")], Lang::En, false);
        assert!(
            s.starts_with("roster.csv:8: error[consent/unsigned]: not signed, 100%\n  fix: sign it\n"),
            "{s}"
        );
    }
}
