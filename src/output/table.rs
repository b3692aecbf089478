//! Aligned tables that fit Chinese text (comfy-table measures display width).

use comfy_table::{Cell, CellAlignment, Table, presets};

use std::borrow::Cow;

use super::terminal::clean;

/// A table with a header row; the columns in `right` are right-aligned (money). A value holding
/// a control character or line break is shown escaped, on its one line.
pub(crate) fn render(headers: &[&str], rows: &[Vec<String>], right: &[usize]) -> String {
    if rows.len() > LARGE
        && let Some(t) = drawn(headers, || rows.iter(), right)
    {
        return t;
    }
    comfy(headers, rows, right)
}

/// [`render`] of `count` rows that `rows` makes, each time it is called, without holding them
/// all: a large table's rows are made twice (to measure the columns, then to draw them). A
/// settlement's 50,000 families as rows of text took 18 MB at its peak.
pub(crate) fn render_made<I, R, S>(headers: &[&str], count: usize, rows: impl Fn() -> I, right: &[usize]) -> String
where
    I: Iterator<Item = R>,
    R: AsRef<[S]>,
    S: AsRef<str>,
{
    if count > LARGE
        && let Some(t) = drawn(headers, &rows, right)
    {
        return t;
    }
    let rows: Vec<Vec<String>> = rows().map(|r| r.as_ref().iter().map(|v| v.as_ref().to_owned()).collect()).collect();
    comfy(headers, &rows, right)
}

/// Tables of more rows than this are drawn by [`drawn`]: comfy-table keeps each cell as a vector
/// of lines and measures, pads and joins each one apart, about 0.1 s of CPU for the 50,000
/// families of a district's settlement.
const LARGE: usize = 2_000;

/// The table as comfy-table draws it.
fn comfy(headers: &[&str], rows: &[Vec<String>], right: &[usize]) -> String {
    let mut t = Table::new();
    t.load_preset(presets::UTF8_FULL_CONDENSED);
    t.set_header(headers.iter().map(|h| Cell::new(clean(h))));
    for row in rows {
        t.add_row(row.iter().enumerate().map(|(i, v)| {
            let c = Cell::new(clean(v));
            if right.contains(&i) {
                c.set_alignment(CellAlignment::Right)
            } else {
                c
            }
        }));
    }
    t.to_string()
}

/// The table as [`comfy`] draws it, for rows each as long as the header (`None` otherwise), in
/// two passes over the rows `rows` gives: the same borders (`UTF8_FULL_CONDENSED`), a space
/// either side of each cell, columns as wide as their widest value in display width (a Chinese
/// character counts two), and at least one.
fn drawn<I, R, S>(headers: &[&str], rows: impl Fn() -> I, right: &[usize]) -> Option<String>
where
    I: Iterator<Item = R>,
    R: AsRef<[S]>,
    S: AsRef<str>,
{
    use unicode_width::UnicodeWidthStr;
    let head: Vec<Cow<str>> = headers.iter().map(|h| clean(h)).collect();
    // A column is at least one character wide. Each value is cleaned again to be drawn: held
    // for all 50,000 families of a settlement, the cleaned values took 8 MB at its peak.
    let mut widths: Vec<usize> = head.iter().map(|h| h.width().max(1)).collect();
    let mut count = 0;
    for row in rows() {
        let row = row.as_ref();
        if row.len() != headers.len() {
            return None;
        }
        for (w, v) in widths.iter_mut().zip(row) {
            *w = (*w).max(clean(v.as_ref()).width());
        }
        count += 1;
    }
    let line_len = widths.iter().map(|w| w * 3 + 8).sum::<usize>() + 4;
    let mut out = String::with_capacity(line_len * (count + 4));
    let border = |out: &mut String, [left, fill, cross, end]: [char; 4]| {
        out.push(left);
        for (i, w) in widths.iter().enumerate() {
            if i > 0 {
                out.push(cross);
            }
            out.extend(std::iter::repeat_n(fill, w + 2));
        }
        out.push(end);
    };
    let line = |out: &mut String, row: &mut dyn Iterator<Item = Cow<str>>, right: &[usize]| {
        out.push('\n');
        out.push('│');
        for (i, (c, w)) in row.zip(&widths).enumerate() {
            if i > 0 {
                out.push('┆');
            }
            let pad = w - c.width();
            out.push(' ');
            if right.contains(&i) {
                out.extend(std::iter::repeat_n(' ', pad));
                out.push_str(&c);
            } else {
                out.push_str(&c);
                out.extend(std::iter::repeat_n(' ', pad));
            }
            out.push(' ');
        }
        out.push('│');
    };
    border(&mut out, ['┌', '─', '┬', '┐']);
    line(&mut out, &mut head.into_iter(), &[]);
    out.push('\n');
    border(&mut out, ['╞', '═', '╪', '╡']);
    for row in rows() {
        line(&mut out, &mut row.as_ref().iter().map(|v| clean(v.as_ref())), right);
    }
    out.push('\n');
    border(&mut out, ['└', '─', '┴', '┘']);
    Some(out)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    proptest! {
        /// A large table is drawn as comfy-table draws it: Chinese and wide characters, empty
        /// values, control characters, values wider than their header and narrower.
        #[test]
        fn a_large_table_is_drawn_as_comfy_table_draws_it(
            headers in proptest::collection::vec("[a-z 学生姓名已交]{0,6}", 1..6),
            rows in proptest::collection::vec(proptest::collection::vec("[a-z0-9.\\- 李子涵😀\u{1b}\n\t]{0,9}", 6), 0..12),
            right in proptest::collection::vec(0usize..6, 0..3),
        ) {
            let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
            let rows: Vec<Vec<String>> = rows.into_iter().map(|mut r| { r.truncate(headers.len()); r }).collect();
            let comfy = super::comfy(&headers, &rows, &right);
            prop_assert_eq!(super::drawn(&headers, || rows.iter(), &right), Some(comfy.clone()));
            let made = super::render_made(&headers, super::LARGE + 1, || rows.iter().cloned(), &right);
            prop_assert_eq!(made, comfy);
        }
    }

    #[test]
    fn rows_shorter_than_the_header_are_drawn_by_comfy_table() {
        let rows = vec![vec!["P0001".to_owned()], vec!["P0002".to_owned(), "李四".to_owned()]];
        assert_eq!(super::drawn(&["id", "name"], || rows.iter(), &[]), None);
        let made = super::render_made(&["id", "name"], super::LARGE + 1, || rows.iter().cloned(), &[]);
        assert_eq!(made, super::comfy(&["id", "name"], &rows, &[]));
    }

    #[test]
    fn a_value_stays_on_its_line_and_is_not_obeyed() {
        let t = super::render(&["name"], &[vec!["a\nb\u{1b}[2J".into()]], &[]);
        assert_eq!(t.lines().count(), 5, "{t}");
        assert!(t.contains("a\\nb\\u{1b}[2J") && !t.contains('\u{1b}'), "{t}");
    }
}
