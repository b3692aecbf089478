//! Aligned tables that fit Chinese text (comfy-table measures display width).

use comfy_table::{Cell, CellAlignment, Table, presets};

use super::terminal::clean;

/// A table with a header row; the columns in `right` are right-aligned (money). A value holding
/// a control character or line break is shown escaped, on its one line.
pub(crate) fn render(headers: &[&str], rows: &[Vec<String>], right: &[usize]) -> String {
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

#[cfg(test)]
mod tests {
    #[test]
    fn a_value_stays_on_its_line_and_is_not_obeyed() {
        let t = super::render(&["name"], &[vec!["a\nb\u{1b}[2J".into()]], &[]);
        assert_eq!(t.lines().count(), 5, "{t}");
        assert!(t.contains("a\\nb\\u{1b}[2J") && !t.contains('\u{1b}'), "{t}");
    }
}
