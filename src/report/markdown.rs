//! Escaping for Markdown: every value a `.md.tera` template prints goes through [`escape`], as
//! every value of a `.html.tera` one goes through HTML escaping, so that what a record holds
//! reads as text where the template puts it: never a new table cell or row, a heading, a list,
//! a quote, a link or an image, nor HTML.

/// The value as Markdown text:
/// - a line break (CR, LF or both) becomes a space: a value is one line of its table or
///   paragraph;
/// - `|` (a table cell's end), `\`, `[` and `]` (links and images) get a backslash;
/// - `<`, `>` and `&` become `&lt;`, `&gt;` and `&amp;`, so no HTML and no entity gets through;
/// - a sign that starts a block when it starts a line (`#`, `-`, `+`, `*`, `=`, `_`, `~`, a
///   backquote, or a number followed by `.` or `)`) gets a backslash when it starts the value,
///   unless `-` or `+` is the sign of a number such as `-12.50`.
///
/// ```
/// use care::report::markdown::escape;
/// assert_eq!(escape("a | b\n# c"), r"a \| b # c");
/// assert_eq!(escape("<b>1. x</b>"), "&lt;b&gt;1. x&lt;/b&gt;");
/// assert_eq!(escape("1. x"), r"1\. x");
/// assert_eq!(escape("-12.50"), "-12.50");
/// ```
pub fn escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 8);
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                chars.next_if_eq(&'\n');
                out.push(' ');
            }
            '\n' => out.push(' '),
            '|' | '\\' | '[' | ']' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            _ => out.push(c),
        }
    }
    guard_line_start(out)
}

/// A backslash before the sign that would make the text a block if it started a line.
fn guard_line_start(text: String) -> String {
    let start = text.len() - text.trim_start().len();
    let rest = &text[start..];
    let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let sign = match rest[digits..].chars().next() {
        Some('.' | ')') if (1..=9).contains(&digits) => {
            let after = &rest[digits + 1..];
            (after.is_empty() || after.starts_with(char::is_whitespace)).then_some(start + digits)
        }
        Some('-' | '+') if digits == 0 && rest[1..].starts_with(|c: char| c.is_ascii_digit()) => None,
        Some('#' | '-' | '+' | '*' | '=' | '_' | '~' | '`') if digits == 0 => Some(start),
        _ => None,
    };
    match sign {
        Some(at) => format!("{}\\{}", &text[..at], &text[at..]),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn structure_becomes_text() {
        assert_eq!(escape("a|b"), r"a\|b");
        assert_eq!(escape("a\r\nb\rc\nd"), "a b c d");
        assert_eq!(escape("# x"), r"\# x");
        assert_eq!(escape("  ## x"), r"  \## x");
        assert_eq!(escape("- x"), r"\- x");
        assert_eq!(escape("+ x"), r"\+ x");
        assert_eq!(escape("* x"), r"\* x");
        assert_eq!(escape("---"), r"\---");
        assert_eq!(escape("==="), r"\===");
        assert_eq!(escape("```"), r"\```");
        assert_eq!(escape("12) x"), r"12\) x");
        assert_eq!(escape("12."), r"12\.");
        assert_eq!(escape("> x"), "&gt; x");
        assert_eq!(escape("[a](http://x)"), r"\[a\](http://x)");
        assert_eq!(escape("![a](http://x)"), r"!\[a\](http://x)");
        assert_eq!(escape("&amp; <!-- x -->"), "&amp;amp; &lt;!-- x --&gt;");
        assert_eq!(escape(r"a\"), r"a\\");
    }

    #[test]
    fn ordinary_values_stay_as_they_are() {
        for v in [
            "",
            "-12.50",
            "+3",
            "1289.50",
            "2025.10",
            "2025-10-08",
            "王*明",
            "欧阳**娜",
            "R0001",
            "sha256:0a1b",
            "作业本、文具",
            "x - y",
        ] {
            assert_eq!(escape(v), v);
        }
    }
}
