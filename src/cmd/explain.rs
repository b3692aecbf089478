//! `care explain [RULE]`: a rule's page from docs/rules, in the reader's language; without a
//! rule, the list of every rule.

use std::process::ExitCode;

use strsim::levenshtein;

use super::{Env, Failure, Outcome};
use crate::findings::{Lang, Msg};
use crate::output::table;
use crate::rules::{REGISTRY, find};

const MARK_ZH: &str = "<!-- lang: zh -->";
const MARK_EN: &str = "<!-- lang: en -->";

/// A rule's page of docs/rules, embedded so that `care explain` works without the docs at hand.
pub(crate) fn page(id: &str) -> Option<&'static str> {
    find(id).map(|r| r.meta().page)
}

/// The page's heading and the part in one language, without the language markers.
pub(crate) fn section(page: &str, lang: Lang) -> String {
    let heading = page.lines().next().unwrap_or_default();
    let (Some(zh), Some(en)) = (page.find(MARK_ZH), page.find(MARK_EN)) else {
        return page.to_owned();
    };
    let part = match lang {
        Lang::Zh if zh < en => &page[zh + MARK_ZH.len()..en],
        Lang::Zh => &page[zh + MARK_ZH.len()..],
        Lang::En if en < zh => &page[en + MARK_EN.len()..zh],
        Lang::En => &page[en + MARK_EN.len()..],
    };
    format!("{heading}\n\n{}\n", part.trim())
}

/// The rule's title in one language: the text of its `## 中文：` or `## English: ` heading.
pub(crate) fn title(page: &str, lang: Lang) -> &str {
    let prefix = lang.pick("## 中文：", "## English: ");
    page.lines().find_map(|l| l.strip_prefix(prefix)).map(str::trim).unwrap_or_default()
}

/// `consent-unsigned` (the page's file name) and `Consent/Unsigned` name `consent/unsigned`.
fn normalise(query: &str) -> String {
    let q = query.trim().trim_end_matches(".md").to_lowercase();
    if q.contains('/') || page(&q).is_some() {
        return q;
    }
    let slashed = q.replacen('-', "/", 1);
    if page(&slashed).is_some() { slashed } else { q }
}

/// The rule ids closest to what was asked for: those containing it, else those a small typo
/// away, else those of the same family or with the same name.
pub(crate) fn close_ids(query: &str) -> Vec<&'static str> {
    let q = normalise(query);
    let (family, name) = q.split_once('/').unwrap_or((q.as_str(), q.as_str()));
    let scored: Vec<(usize, &'static str)> = REGISTRY
        .iter()
        .map(|r| r.meta().id)
        .filter_map(|id| {
            let (f, n) = id.split_once('/').unwrap_or((id, id));
            let typo = levenshtein(&q, id).min(levenshtein(name, n) + usize::from(f != family));
            let score = if !q.is_empty() && id.contains(q.as_str()) {
                0
            } else if typo <= 3 {
                1 + typo
            } else if f == family || n == name || f == q || n == q {
                5
            } else {
                return None;
            };
            Some((score, id))
        })
        .collect();
    let best = scored.iter().map(|(s, _)| *s).min();
    scored.into_iter().filter(|(s, _)| Some(*s) == best).map(|(_, id)| id).collect()
}

/// Writes to standard output (a reader that stopped reading ends the command quietly).
pub(super) fn emit(bytes: &[u8]) -> Outcome {
    crate::output::console::write(bytes);
    Ok(ExitCode::SUCCESS)
}

fn list(lang: Lang) -> String {
    let rows: Vec<Vec<String>> = REGISTRY
        .iter()
        .map(|r| {
            let m = r.meta();
            let sev = match m.severity {
                crate::findings::Severity::Error => lang.pick("错误", "error"),
                crate::findings::Severity::Warning => lang.pick("警告", "warning"),
            };
            let title = page(m.id).map(|p| title(p, lang)).unwrap_or_default();
            vec![m.id.to_owned(), sev.to_owned(), m.policy.to_owned(), title.to_owned()]
        })
        .collect();
    let headers = [
        lang.pick("规则", "rule"),
        lang.pick("严重程度", "severity"),
        lang.pick("政策依据", "policy"),
        lang.pick("内容", "what"),
    ];
    format!(
        "{}\n{}\n",
        table::render(&headers, &rows, &[]),
        lang.pick("查看一条规则：care explain 规则", "for one rule: care explain RULE")
    )
}

pub(crate) fn run(env: &Env, rule: Option<&str>) -> Outcome {
    let Some(query) = rule else {
        return emit(list(env.lang).as_bytes());
    };
    if let Some(p) = page(&normalise(query)) {
        return emit(section(p, env.lang).as_bytes());
    }
    let close = close_ids(query);
    let (zh, en) = if close.is_empty() {
        (
            "；运行 care explain 列出全部规则".to_owned(),
            "; run care explain to list every rule".to_owned(),
        )
    } else {
        (
            format!("；相近的规则：{}", close.join("、")),
            format!("; close ones: {}", close.join(", ")),
        )
    };
    Err(Failure::Usage(Msg::new(
        format!("没有规则“{query}”{zh}"),
        format!("there is no rule “{query}”{en}"),
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_has_a_page_headed_by_its_id() {
        for r in REGISTRY {
            let id = r.meta().id;
            let p = page(id).unwrap_or_else(|| panic!("no page for {id}"));
            assert_eq!(p.lines().next(), Some(format!("# {id}").as_str()));
        }
    }

    /// The tables of docs/rules/README.md, one row per registered rule in registry order.
    fn index_table(lang: Lang) -> String {
        let mut t = lang
            .pick("| 规则 | 严重程度 | 政策依据 | 内容 |\n", "| rule | severity | policy | what |\n")
            .to_owned();
        t.push_str("|---|---|---|---|\n");
        for r in REGISTRY {
            let m = r.meta();
            let sev = match m.severity {
                crate::findings::Severity::Error => lang.pick("错误", "error"),
                crate::findings::Severity::Warning => lang.pick("警告", "warning"),
            };
            let file = m.id.replace('/', "-");
            t.push_str(&format!(
                "| [`{}`]({file}.md) | {sev} | {} | {} |\n",
                m.id,
                m.policy,
                title(m.page, lang)
            ));
        }
        t
    }

    #[test]
    fn the_rules_index_is_the_registry() {
        let index = include_str!("../../docs/rules/README.md");
        for (lang, heading) in [(Lang::Zh, "## 中文\n\n"), (Lang::En, "## English\n\n")] {
            let expected = format!("{heading}{}", index_table(lang));
            assert!(
                index.contains(&expected),
                "docs/rules/README.md must list every rule in registry order:\n\n{expected}"
            );
        }
    }

    #[test]
    fn sections_hold_one_language() {
        let p = page(crate::rules::consent::Unsigned::ID).unwrap_or_default();
        let zh = section(p, Lang::Zh);
        let en = section(p, Lang::En);
        assert!(
            zh.starts_with("# consent/unsigned\n\n## 中文：") && !zh.contains("## English"),
            "{zh}"
        );
        assert!(
            en.starts_with("# consent/unsigned\n\n## English: ") && !en.contains("## 中文"),
            "{en}"
        );
        assert!(!zh.contains("<!--") && !en.contains("<!--"));
    }

    #[test]
    fn close_ids_by_family_name_and_typo() {
        assert_eq!(close_ids("consent/unsign"), vec!["consent/unsigned"]);
        assert_eq!(close_ids("unsigned"), vec!["consent/unsigned", "staff/unsigned"]);
        assert!(close_ids("settlement").len() == 4);
        assert_eq!(close_ids("survey/scor"), vec!["survey/score"]);
        assert_eq!(close_ids("consnet/order"), vec!["consent/order"]);
        assert_eq!(close_ids("staff/unsigend"), vec!["staff/unsigned"]);
        assert_eq!(close_ids("staff/whatever").len(), 4);
        assert!(close_ids("zzzzzzzzzzzz").is_empty());
        assert_eq!(normalise("consent-unsigned"), "consent/unsigned");
        assert_eq!(normalise("Staff/Unsigned"), "staff/unsigned");
    }
}
