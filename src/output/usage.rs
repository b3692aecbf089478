//! The command line's own errors (an unknown option, a missing one, a bad value) in Chinese
//! for a Chinese reader; clap writes them in English.

use clap::error::{ContextKind, ContextValue, ErrorKind};

use crate::findings::{Lang, Msg};

/// The reader's language before the command line is understood: `--lang` as typed, else the
/// environment.
pub(crate) fn lang_of(args: &[String]) -> Lang {
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let v = match a.strip_prefix("--lang") {
            Some("") => it.next().map(String::as_str),
            Some(rest) => rest.strip_prefix('='),
            None => None,
        };
        match v {
            Some("zh") => return Lang::Zh,
            Some("en") => return Lang::En,
            _ => {}
        }
    }
    Lang::from_env(None)
}

fn text(v: Option<&ContextValue>) -> String {
    match v {
        Some(ContextValue::String(s)) => s.clone(),
        Some(ContextValue::Strings(v)) => v.join("、"),
        Some(ContextValue::StyledStr(s)) => s.to_string(),
        _ => String::new(),
    }
}

/// The error in Chinese, or `None` for a kind that is rare enough to stay in English.
pub(crate) fn chinese(e: &clap::Error) -> Option<String> {
    let arg = || text(e.get(ContextKind::InvalidArg));
    let value = || text(e.get(ContextKind::InvalidValue));
    let mut out = String::from("错误：");
    match e.kind() {
        ErrorKind::UnknownArgument => out.push_str(&format!("未知的参数 '{}'", arg())),
        ErrorKind::InvalidSubcommand => out.push_str(&format!("未知的子命令 '{}'", text(e.get(ContextKind::InvalidSubcommand)))),
        ErrorKind::InvalidValue if value().is_empty() => out.push_str(&format!("'{}' 需要一个值", arg())),
        ErrorKind::InvalidValue => {
            out.push_str(&format!("'{}' 不是 '{}' 的有效值", value(), arg()));
            let valid = text(e.get(ContextKind::ValidValue));
            if !valid.is_empty() {
                out.push_str(&format!("\n  [可选的值：{valid}]"));
            }
        }
        ErrorKind::ValueValidation => {
            let why = std::error::Error::source(e)
                .map(|s| match s.downcast_ref::<ArgError>() {
                    Some(a) => a.0.zh.clone(),
                    None => s.to_string(),
                })
                .unwrap_or_default();
            out.push_str(&format!("'{}' 不是 '{}' 的有效值：{why}", value(), arg()));
        }
        ErrorKind::MissingRequiredArgument => {
            out.push_str("缺少必需的参数：");
            if let Some(ContextValue::Strings(v)) = e.get(ContextKind::InvalidArg) {
                for a in v {
                    out.push_str(&format!("\n  {a}"));
                }
            }
        }
        ErrorKind::ArgumentConflict => out.push_str(&format!(
            "参数 '{}' 不能与 '{}' 一起使用",
            arg(),
            text(e.get(ContextKind::PriorArg))
        )),
        _ => return None,
    }
    let similar = [
        (ContextKind::SuggestedSubcommand, "子命令"),
        (ContextKind::SuggestedArg, "参数"),
        (ContextKind::SuggestedValue, "值"),
    ];
    let mut first = true;
    for (kind, what) in similar {
        let s = text(e.get(kind));
        if !s.is_empty() {
            out.push_str(if first { "\n\n" } else { "\n" });
            first = false;
            out.push_str(&format!("  提示：有相近的{what}：'{s}'"));
        }
    }
    let usage = text(e.get(ContextKind::Usage));
    if let Some(u) = usage.strip_prefix("Usage:") {
        out.push_str(&format!("\n\n用法：{}", u.trim_start()));
    }
    out.push_str("\n\n更多信息请运行 '--help'。\n");
    Some(out)
}

/// A value the command line refuses, with the reason in both languages (clap shows the English
/// one; [`chinese`] the other).
#[derive(Debug)]
pub(crate) struct ArgError(pub Msg);

impl std::fmt::Display for ArgError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0.en)
    }
}

impl std::error::Error for ArgError {}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn zh(args: &[&str]) -> String {
        let e = crate::cli::Cli::try_parse_from(args).unwrap_err();
        chinese(&e).unwrap_or_else(|| panic!("no Chinese for {:?}", e.kind()))
    }

    #[test]
    fn the_common_errors_in_chinese() {
        let s = zh(&["care", "check", "--formt", "json"]);
        assert!(
            s.starts_with("错误：未知的参数 '--formt'\n\n  提示：有相近的参数：'--format'"),
            "{s}"
        );
        assert!(
            s.contains("\n\n用法：care check") && s.ends_with("更多信息请运行 '--help'。\n"),
            "{s}"
        );
        let s = zh(&["care", "chek"]);
        assert!(s.starts_with("错误：未知的子命令 'chek'\n\n  提示：有相近的子命令：'check'"), "{s}");
        let s = zh(&["care", "check", "--format", "jsn"]);
        assert!(
            s.starts_with("错误：'jsn' 不是 '--format <FORMAT>' 的有效值\n  [可选的值：human、json、github]"),
            "{s}"
        );
        let s = zh(&["care", "ledger", "add"]);
        assert!(
            s.starts_with("错误：缺少必需的参数：\n  --date <DATE>\n  --amount <AMOUNT>\n  <KIND>"),
            "{s}"
        );
        let s = zh(&["care", "ledger", "add", "fee", "--date", "2026-13-01", "--amount", "1"]);
        assert!(
            s.starts_with("错误：'2026-13-01' 不是 '--date <DATE>' 的有效值：日期“2026-13-01”无效"),
            "{s}"
        );
        assert!(!s.contains("is not a date"), "{s}");
    }

    #[test]
    fn the_language_as_typed() {
        let v = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(lang_of(&v(&["care", "--lang", "zh", "chek"])), Lang::Zh);
        assert_eq!(lang_of(&v(&["care", "chek", "--lang=zh"])), Lang::Zh);
        assert_eq!(lang_of(&v(&["care", "--lang", "en"])), Lang::En);
    }
}
