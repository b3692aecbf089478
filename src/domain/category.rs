//! What a ledger category is called in reports (SPEC §9): the label of plan.toml's
//! `[categories]`, else the built-in vocabulary in the report's language, else the category as
//! written. Categories with the same label are one line in every report.

use crate::findings::Lang;
use crate::records::plan::Plan;

/// The built-in vocabulary: a code, its Chinese label, its English label.
pub const BUILT_IN: &[(&str, &str, &str)] = &[
    ("materials", "材料费", "materials"),
    ("insurance", "保险费", "insurance"),
    ("activities", "活动费", "activities"),
    ("training", "培训费", "training"),
    ("food", "餐点费", "food"),
    ("transport", "交通费", "transport"),
    ("other", "其他", "other"),
];

/// The label a report prints for a category. A category written as a built-in code or as one
/// of its labels (`materials`, `材料费`) is that entry of the vocabulary, so that `materials`
/// and `材料费` are one line in either language.
pub fn label(plan: Option<&Plan>, category: &str, lang: Lang) -> String {
    let written = category.trim();
    if let Some(l) = plan.and_then(|p| p.categories.iter().find(|(code, _)| code == written)) {
        return l.1.clone();
    }
    let built_in = BUILT_IN
        .iter()
        .find(|(code, zh, en)| [code, zh, en].iter().any(|w| w.eq_ignore_ascii_case(written)));
    match built_in {
        Some((_, zh, en)) => lang.pick(zh, en).to_owned(),
        None => written.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_plan_s_label_else_the_built_in_one_else_as_written() {
        let plan = Plan {
            categories: vec![("books".into(), "图书".into()), ("materials".into(), "文具材料".into())],
            ..Plan::default()
        };
        let zh = |c| label(Some(&plan), c, Lang::Zh);
        assert_eq!(zh("books"), "图书");
        assert_eq!(zh("materials"), "文具材料");
        assert_eq!(zh("insurance"), "保险费");
        assert_eq!(zh("保险费"), "保险费");
        assert_eq!(zh("场地费"), "场地费");
        let en = |c| label(None, c, Lang::En);
        assert_eq!(en("材料费"), "materials");
        assert_eq!(en("Materials"), "materials");
        assert_eq!(en("food"), "food");
        assert_eq!(label(None, "材料费", Lang::Zh), label(None, "materials", Lang::Zh));
    }
}
