//! Masking names of pupils and guardians in public reports (privacy of minors).

/// Two-character surnames, so that 欧阳娜娜 becomes 欧阳*娜 and not 欧**娜.
const COMPOUND_SURNAMES: &[&str] = &[
    "欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒", "夏侯", "轩辕", "令狐", "钟离", "端木",
    "独孤", "南宫", "西门", "百里", "呼延", "万俟", "澹台", "公冶", "太史", "申屠", "闻人", "东郭", "拓跋", "赫连", "左丘", "谷梁", "第五",
];

/// 王小明 → 王*明, 李想 → 李*, 欧阳娜娜 → 欧阳*娜, 欧阳娜 → 欧阳*. A name in Latin letters
/// keeps the first letter of each word: Tom Lee → T** L**.
///
/// ```
/// assert_eq!(care::report::mask::mask("王小明"), "王*明");
/// assert_eq!(care::report::mask::mask("欧阳娜娜"), "欧阳*娜");
/// ```
pub fn mask(name: &str) -> String {
    let name = name.trim();
    if name.is_empty() {
        return String::new();
    }
    if name.is_ascii() {
        return name
            .split_whitespace()
            .map(|w| {
                let mut c = w.chars();
                let first = c.next().map(String::from).unwrap_or_default();
                format!("{first}{}", "*".repeat(c.count().max(1)))
            })
            .collect::<Vec<_>>()
            .join(" ");
    }
    let chars: Vec<char> = name.chars().collect();
    let surname_len = if chars.len() >= 3 && COMPOUND_SURNAMES.iter().any(|s| name.starts_with(s)) {
        2
    } else {
        1
    };
    let surname: String = chars[..surname_len].iter().collect();
    let given = &chars[surname_len..];
    match given.len() {
        0 => format!("{surname}*"),
        1 => format!("{surname}*"),
        n => format!("{surname}{}{}", "*".repeat(n - 1), given[n - 1]),
    }
}

#[cfg(test)]
mod tests {
    use super::mask;

    #[test]
    fn masks() {
        assert_eq!(mask("王小明"), "王*明");
        assert_eq!(mask("李想"), "李*");
        assert_eq!(mask("欧阳娜娜"), "欧阳*娜");
        assert_eq!(mask("欧阳娜"), "欧阳*");
        assert_eq!(mask("王一二三"), "王**三");
        assert_eq!(mask("Tom Lee"), "T** L**");
        assert_eq!(mask("<script>"), "<*******");
        assert_eq!(mask(""), "");
    }
}
