//! Values from the records on a terminal: shown, never obeyed. A name or memo may hold escape
//! sequences (colours, OSC 8 links, a title change), a bell, a carriage return that overwrites
//! the line, a line break that forges another finding, or marks that reorder what follows.

use std::borrow::Cow;
use std::fmt::Write;

/// Whether a character would act on the terminal instead of being shown: control characters
/// (C0, DEL, C1) and the marks that change the direction of text (`U+202A`–`U+202E`,
/// `U+2066`–`U+2069`, `U+200E`, `U+200F`, `U+061C`).
fn acts(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{61c}')
}

/// The text with each such character written as Rust writes it in a string: `\n`, `\r`, `\t`,
/// else `\u{1b}`. Text without one is returned as it is.
pub(crate) fn clean(s: &str) -> Cow<'_, str> {
    if !s.chars().any(acts) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if acts(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// [`clean`] for text whose line breaks are its own (a refusal that lists findings, each of
/// which is cleaned where it is made): each line cleaned, the breaks kept.
pub(crate) fn clean_lines(s: &str) -> String {
    s.split('\n').map(clean).collect::<Vec<_>>().join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_shown_escaped() {
        assert_eq!(clean("王小明"), "王小明");
        assert!(matches!(clean("plain"), Cow::Borrowed(_)));
        assert_eq!(clean("a\x1b[31mred\x1b[0m"), "a\\u{1b}[31mred\\u{1b}[0m");
        assert_eq!(
            clean("\x1b]8;;http://x\x07link\x1b]8;;\x07"),
            "\\u{1b}]8;;http://x\\u{7}link\\u{1b}]8;;\\u{7}"
        );
        assert_eq!(clean("a\r\nb\tc\u{7f}\u{9b}"), "a\\r\\nb\\tc\\u{7f}\\u{9b}");
        assert_eq!(clean("abc\u{202e}fed"), "abc\\u{202e}fed");
        assert_eq!(clean(&clean("x\x1b")), clean("x\x1b"), "cleaning twice changes nothing");
        assert_eq!(clean_lines("head\n  a\x07\n  b"), "head\n  a\\u{7}\n  b");
    }
}
