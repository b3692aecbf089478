//! Aligned tables that fit Chinese text (comfy-table measures display width).

use comfy_table::{Cell, CellAlignment, Table, presets};

use std::borrow::Cow;

use super::terminal::clean;

/// A table with a header row; the columns in `right` are right-aligned (money). A value holding
/// a control character or line break is shown escaped, on its one line.
pub(crate) fn render(headers: &[&str], rows: &[Vec<String>], right: &[usize]) -> String {
    if rows.len() > LARGE && rows.iter().all(|r| r.len() == headers.len()) {
        return drawn(headers, rows, right);
    }
    comfy(headers, rows, right)
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

/// The table as [`comfy`] draws it, for rows each as long as the header, in one pass over the
/// cells: the same borders (`UTF8_FULL_CONDENSED`), a space either side of each cell, columns
/// as wide as their widest value in display width (a Chinese character counts two), and at
/// least one.
fn drawn(headers: &[&str], rows: &[Vec<String>], right: &[usize]) -> String {
    use unicode_width::UnicodeWidthStr;
    let head: Vec<Cow<str>> = headers.iter().map(|h| clean(h)).collect();
    let cells: Vec<Vec<Cow<str>>> = rows.iter().map(|r| r.iter().map(|v| clean(v)).collect()).collect();
    // A column is at least one character wide.
    let mut widths: Vec<usize> = head.iter().map(|h| h.width().max(1)).collect();
    for row in &cells {
        for (w, c) in widths.iter_mut().zip(row) {
            *w = (*w).max(c.width());
        }
    }
    let line_len = widths.iter().map(|w| w * 3 + 8).sum::<usize>() + 4;
    let mut out = String::with_capacity(line_len * (rows.len() + 4));
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
    let line = |out: &mut String, row: &[Cow<str>], right: &[usize]| {
        out.push('\n');
        out.push('│');
        for (i, (c, w)) in row.iter().zip(&widths).enumerate() {
            if i > 0 {
                out.push('┆');
            }
            let pad = w - c.width();
            out.push(' ');
            if right.contains(&i) {
                out.extend(std::iter::repeat_n(' ', pad));
                out.push_str(c);
            } else {
                out.push_str(c);
                out.extend(std::iter::repeat_n(' ', pad));
            }
            out.push(' ');
        }
        out.push('│');
    };
    border(&mut out, ['┌', '─', '┬', '┐']);
    line(&mut out, &head, &[]);
    out.push('\n');
    border(&mut out, ['╞', '═', '╪', '╡']);
    for row in &cells {
        line(&mut out, row, right);
    }
    out.push('\n');
    border(&mut out, ['└', '─', '┴', '┘']);
    out
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
            prop_assert_eq!(super::drawn(&headers, &rows, &right), super::comfy(&headers, &rows, &right));
        }
    }

    #[test]
    fn a_value_stays_on_its_line_and_is_not_obeyed() {
        let t = super::render(&["name"], &[vec!["a\nb\u{1b}[2J".into()]], &[]);
        assert_eq!(t.lines().count(), 5, "{t}");
        assert!(t.contains("a\\nb\\u{1b}[2J") && !t.contains('\u{1b}'), "{t}");
    }
}
