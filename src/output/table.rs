//! Aligned tables that fit Chinese text (comfy-table measures display width).

use comfy_table::{Cell, CellAlignment, Table, presets};

/// A table with a header row; the columns in `right` are right-aligned (money).
pub fn render(headers: &[&str], rows: &[Vec<String>], right: &[usize]) -> String {
    let mut t = Table::new();
    t.load_preset(presets::UTF8_FULL_CONDENSED);
    t.set_header(headers.iter().map(Cell::new));
    for row in rows {
        t.add_row(row.iter().enumerate().map(|(i, v)| {
            let c = Cell::new(v);
            if right.contains(&i) {
                c.set_alignment(CellAlignment::Right)
            } else {
                c
            }
        }));
    }
    t.to_string()
}
