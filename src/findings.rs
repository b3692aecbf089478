//! What `check` and the write commands report: a rule id, a severity, a place and a sentence.

use serde::Serialize;
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    /// `--lang`, else `CARE_LANG`, else `LANG` (Chinese when it starts with `zh`), else English.
    pub fn from_env(explicit: Option<Lang>) -> Lang {
        if let Some(l) = explicit {
            return l;
        }
        for var in ["CARE_LANG", "LANG"] {
            if let Ok(v) = std::env::var(var) {
                let v = v.trim().to_ascii_lowercase();
                if v.is_empty() {
                    continue;
                }
                if v.starts_with("zh") {
                    return Lang::Zh;
                }
                if var == "CARE_LANG" || v.starts_with("en") {
                    return Lang::En;
                }
                return Lang::En;
            }
        }
        Lang::En
    }

    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

/// A sentence in both languages; the reader's language is chosen when it is printed.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Msg {
    pub zh: String,
    pub en: String,
}

impl Msg {
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Msg {
        Msg {
            zh: zh.into(),
            en: en.into(),
        }
    }

    pub fn get(&self, lang: Lang) -> &str {
        lang.pick(&self.zh, &self.en)
    }

    /// Prefixes both languages, e.g. with the name of the column a value came from.
    pub fn prefixed(&self, zh: &str, en: &str) -> Msg {
        Msg::new(format!("{zh}{}", self.zh), format!("{en}{}", self.en))
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub rule: &'static str,
    pub severity: Severity,
    /// Path relative to the records directory, with `/` separators.
    pub file: String,
    /// 1-based; 0 when the finding is about a file as a whole.
    pub line: usize,
    pub message: Msg,
    pub hint: Msg,
}

impl Finding {
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Same rule, place and sentence: used to tell what a write would add.
    pub fn key(&self) -> (&'static str, &str, usize, &str) {
        (self.rule, &self.file, self.line, &self.message.en)
    }
}

/// The places of some findings, the first three and how many more: `ledger.csv:25, roster.csv:3 …（+2）`.
pub fn places<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> Option<String> {
    let all: Vec<String> = findings.into_iter().map(|f| format!("{}:{}", f.file, f.line)).collect();
    let shown = all.iter().take(3).cloned().collect::<Vec<_>>().join(", ");
    let more = if all.len() > 3 {
        format!(" …（+{}）", all.len() - 3)
    } else {
        String::new()
    };
    (!all.is_empty()).then(|| format!("{shown}{more}"))
}

/// Orders findings by file, line and rule, the order a reader goes through the files.
pub fn sort(findings: &mut [Finding]) {
    findings.sort_by(|a, b| (a.file.as_str(), a.line, a.rule, &a.message.en).cmp(&(b.file.as_str(), b.line, b.rule, &b.message.en)));
}

/// The ids of the rules whose findings reading a file makes (SPEC §7 format/*). They are here,
/// below the records, so that reading a file needs no rule; each of those rules declares the same
/// id, and a test in src/rules/format.rs holds the two equal.
pub mod ids {
    pub const FORMAT_PARSE: &str = "format/parse";
    pub const FORMAT_MISSING_COLUMN: &str = "format/missing-column";
    pub const FORMAT_UNKNOWN_COLUMN: &str = "format/unknown-column";
}
