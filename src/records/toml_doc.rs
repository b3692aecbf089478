//! Typed, line-numbered reading of a TOML file, with every problem as a `format/parse` finding.

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::date::{Date, parse_date};
use super::money::Money;
use super::table::parse_error;
use crate::findings::{Finding, Msg};
use std::cell::OnceCell;

pub type Table<'i> = DeTable<'i>;
type Value<'i> = Spanned<DeValue<'i>>;

/// A TOML type's name with its article: "an integer", "a string".
fn a(kind: &str) -> String {
    if kind.starts_with(['a', 'e', 'i', 'o', 'u']) {
        format!("an {kind}")
    } else {
        format!("a {kind}")
    }
}

pub struct Doc<'a> {
    pub file: &'a str,
    text: &'a str,
    /// Where each line end is, found once: a value's line is then a binary search, where
    /// counting from the start for each of 400,000 holidays took minutes.
    line_ends: OnceCell<Vec<usize>>,
    pub problems: Vec<Finding>,
}

/// A value and the line it stands on.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct At<T> {
    pub v: T,
    pub line: usize,
}

impl<'a> Doc<'a> {
    pub fn new(file: &'a str, text: &'a str) -> Self {
        Doc {
            file,
            text,
            line_ends: OnceCell::new(),
            problems: Vec::new(),
        }
    }

    /// Parses the text; a syntax error is a finding at its line.
    pub fn parse(&self) -> Result<Spanned<Table<'a>>, Box<Finding>> {
        DeTable::parse(self.text).map_err(|e| {
            let line = e.span().map_or(1, |s| self.line(s));
            let detail = e.message().trim().to_owned();
            Box::new(parse_error(
                self.file,
                line,
                Msg::new(format!("TOML 无法解析：{detail}"), format!("not valid TOML: {detail}")),
            ))
        })
    }

    /// The 1-based line a span starts on.
    pub fn line(&self, span: std::ops::Range<usize>) -> usize {
        let ends = self.line_ends.get_or_init(|| {
            self.text
                .bytes()
                .enumerate()
                .filter_map(|(i, b)| (b == b'\n').then_some(i))
                .collect()
        });
        ends.partition_point(|&end| end < span.start) + 1
    }

    fn problem(&mut self, line: usize, place: &str, zh: String, en: String) {
        self.problems.push(parse_error(
            self.file,
            line,
            Msg::new(format!("{place}：{zh}"), format!("{place}: {en}")),
        ));
    }

    pub fn get<'t>(t: &'t Table<'a>, key: &str) -> Option<&'t Value<'a>> {
        t.iter().find(|(k, _)| k.get_ref().as_ref() == key).map(|(_, v)| v)
    }

    pub fn keys<'t>(t: &'t Table<'a>) -> impl Iterator<Item = (&'t str, usize)> + 't
    where
        'a: 't,
    {
        t.iter().map(|(k, _)| (k.get_ref().as_ref(), k.span().start))
    }

    fn missing(&mut self, line: usize, place: &str, required: bool) {
        if required {
            self.problem(line, place, "缺少此项，必须填写".into(), "missing; it is required".into());
        }
    }

    /// A sub-table: `[section]`.
    pub fn table<'t>(&mut self, t: &'t Table<'a>, key: &str) -> Option<(&'t Table<'a>, usize)> {
        let v = Self::get(t, key)?;
        match v.get_ref() {
            DeValue::Table(inner) => Some((inner, self.line(v.span()))),
            other => {
                let line = self.line(v.span());
                self.problem(
                    line,
                    key,
                    format!("应为表，实际是 {}", other.type_str()),
                    format!("must be a table, not {}", a(other.type_str())),
                );
                None
            }
        }
    }

    /// An array of tables: `[[section]]`.
    pub fn tables<'t>(&mut self, t: &'t Table<'a>, key: &str) -> Vec<(&'t Table<'a>, usize)> {
        let Some(v) = Self::get(t, key) else { return Vec::new() };
        match v.get_ref() {
            DeValue::Array(items) => items
                .iter()
                .filter_map(|item| match item.get_ref() {
                    DeValue::Table(inner) => Some((inner, self.line(item.span()))),
                    _ => {
                        let line = self.line(item.span());
                        self.problem(line, key, "每一项都应为表".into(), "every item must be a table".into());
                        None
                    }
                })
                .collect(),
            _ => {
                let line = self.line(v.span());
                self.problem(
                    line,
                    key,
                    "应写成 [[...]] 表数组".into(),
                    "must be an array of tables, [[...]]".into(),
                );
                Vec::new()
            }
        }
    }

    pub fn string(&mut self, t: &Table<'a>, key: &str, place: &str, at: usize, required: bool) -> Option<At<String>> {
        let Some(v) = Self::get(t, key) else {
            self.missing(at, place, required);
            return None;
        };
        let line = self.line(v.span());
        match v.get_ref() {
            DeValue::String(s) if !s.trim().is_empty() || !required => Some(At {
                v: s.trim().to_owned(),
                line,
            }),
            DeValue::String(_) => {
                self.problem(line, place, "不能为空".into(), "must not be empty".into());
                None
            }
            other => {
                self.problem(
                    line,
                    place,
                    format!("应为字符串，实际是 {}", other.type_str()),
                    format!("must be a string, not {}", a(other.type_str())),
                );
                None
            }
        }
    }

    pub fn date(&mut self, t: &Table<'a>, key: &str, place: &str, at: usize, required: bool) -> Option<At<Date>> {
        let Some(v) = Self::get(t, key) else {
            self.missing(at, place, required);
            return None;
        };
        let line = self.line(v.span());
        self.date_value(v, place, line).map(|d| At { v: d, line })
    }

    fn date_value(&mut self, v: &Value<'a>, place: &str, line: usize) -> Option<Date> {
        let text = match v.get_ref() {
            DeValue::String(s) => s.to_string(),
            DeValue::Datetime(dt) if dt.date.is_some() && dt.time.is_none() && dt.offset.is_none() => dt.to_string(),
            other => {
                self.problem(
                    line,
                    place,
                    format!("应为日期（如 2026-09-01），实际是 {}", other.type_str()),
                    format!("must be a date such as 2026-09-01, not {}", a(other.type_str())),
                );
                return None;
            }
        };
        match parse_date(&text) {
            Ok(d) => Some(d),
            Err(m) => {
                self.problems.push(parse_error(
                    self.file,
                    line,
                    m.prefixed(&format!("{place}："), &format!("{place}: ")),
                ));
                None
            }
        }
    }

    pub fn dates(&mut self, t: &Table<'a>, key: &str, place: &str) -> Vec<At<Date>> {
        let Some(v) = Self::get(t, key) else { return Vec::new() };
        let line = self.line(v.span());
        match v.get_ref() {
            DeValue::Array(items) => items
                .iter()
                .filter_map(|item| {
                    let l = self.line(item.span());
                    self.date_value(item, place, l).map(|d| At { v: d, line: l })
                })
                .collect(),
            _ => {
                self.problem(line, place, "应为日期数组".into(), "must be an array of dates".into());
                Vec::new()
            }
        }
    }

    pub fn strings(&mut self, t: &Table<'a>, key: &str, place: &str) -> Option<At<Vec<String>>> {
        let v = Self::get(t, key)?;
        let line = self.line(v.span());
        match v.get_ref() {
            DeValue::Array(items) => {
                let mut out = Vec::new();
                for item in items.iter() {
                    match item.get_ref() {
                        DeValue::String(s) => out.push(s.trim().to_owned()),
                        other => {
                            let l = self.line(item.span());
                            self.problem(
                                l,
                                place,
                                format!("每一项都应为字符串，实际有 {}", other.type_str()),
                                format!("every item must be a string, found {}", a(other.type_str())),
                            );
                        }
                    }
                }
                Some(At { v: out, line })
            }
            other => {
                self.problem(
                    line,
                    place,
                    format!("应为字符串数组，实际是 {}", other.type_str()),
                    format!("must be an array of strings, not {}", a(other.type_str())),
                );
                None
            }
        }
    }

    /// Money as a string (or a whole number); a float is refused with the way to write it. Money
    /// in TOML is a fee standard or a total written by care, so it may be as long as a total.
    pub fn money(&mut self, t: &Table<'a>, key: &str, place: &str, at: usize, required: bool) -> Option<At<Money>> {
        let Some(v) = Self::get(t, key) else {
            self.missing(at, place, required);
            return None;
        };
        let line = self.line(v.span());
        let text = match v.get_ref() {
            DeValue::String(s) => s.to_string(),
            DeValue::Integer(i) if i.radix() == 10 => i.as_str().replace('_', ""),
            DeValue::Float(f) => {
                self.problem(
                    line,
                    place,
                    format!("金额不能写成 TOML 浮点数 {f}；请写成带引号的字符串，如 {key} = \"{f}\""),
                    format!("money must not be a TOML float ({f}); write it as a quoted string, e.g. {key} = \"{f}\""),
                );
                return None;
            }
            other => {
                self.problem(
                    line,
                    place,
                    format!("金额应为字符串，如 \"280.00\"，实际是 {}", other.type_str()),
                    format!("money must be a string such as \"280.00\", not {}", a(other.type_str())),
                );
                return None;
            }
        };
        match Money::parse_total(&text) {
            Ok(m) => Some(At { v: m, line }),
            Err(m) => {
                self.problems.push(parse_error(
                    self.file,
                    line,
                    m.prefixed(&format!("{place}："), &format!("{place}: ")),
                ));
                None
            }
        }
    }

    pub fn integer(&mut self, t: &Table<'a>, key: &str, place: &str) -> Option<At<i64>> {
        let v = Self::get(t, key)?;
        let line = self.line(v.span());
        match v.get_ref() {
            DeValue::Integer(i) => match i64::from_str_radix(&i.as_str().replace('_', ""), i.radix()) {
                Ok(n) if n >= 0 => Some(At { v: n, line }),
                _ => {
                    self.problem(
                        line,
                        place,
                        "应为不小于 0 的整数".into(),
                        "must be a whole number, 0 or more".into(),
                    );
                    None
                }
            },
            other => {
                self.problem(
                    line,
                    place,
                    format!("应为整数，实际是 {}", other.type_str()),
                    format!("must be a whole number, not {}", a(other.type_str())),
                );
                None
            }
        }
    }

    /// A decimal that is not money (e.g. a score); a float is refused like money.
    pub fn decimal(&mut self, t: &Table<'a>, key: &str, place: &str) -> Option<At<rust_decimal::Decimal>> {
        self.money(t, key, place, 0, false).map(|m| At {
            v: m.v.decimal(),
            line: m.line,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::text::line_of;

    #[test]
    fn lines_are_found_as_counting_from_the_start_finds_them() {
        let text = "a = 1\r\n\n[t]\nb.c.d = [\n  1,\n  2,\n]\nx = 2";
        let doc = Doc::new("f.toml", text);
        for at in 0..=text.len() + 2 {
            assert_eq!(doc.line(at..at), line_of(text, at), "{at}");
        }
    }

    #[test]
    fn a_deep_dotted_key_is_at_its_own_line() {
        let text = "[deadlines]\nclose_within_days = 10\n\nfoo.bar.baz.qux = 1\n";
        let doc = Doc::new("plan.toml", text);
        let root = doc.parse().unwrap();
        let Some(DeValue::Table(t)) = Doc::get(root.get_ref(), "deadlines").map(|v| v.get_ref()) else {
            panic!("no table")
        };
        let lines: Vec<(&str, usize)> = Doc::keys(t).map(|(k, at)| (k, doc.line(at..at))).collect();
        assert_eq!(lines, vec![("close_within_days", 2), ("foo", 4)]);
        let Some(DeValue::Table(foo)) = Doc::get(t, "foo").map(|v| v.get_ref()) else {
            panic!("no foo")
        };
        let inner: Vec<(&str, usize)> = Doc::keys(foo).map(|(k, at)| (k, doc.line(at..at))).collect();
        assert_eq!(inner, vec![("bar", 4)]);
    }
}
