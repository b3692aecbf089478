//! CSV files: UTF-8 with a header, money with two decimals, dates `YYYY-MM-DD`, NULL as an empty
//! cell; text that a spreadsheet would run as a formula is neutralised as in every CSV `care`
//! writes.

use std::fs::File;
use std::io::{self, BufWriter};
use std::path::Path;

use super::{Cells, Sink, Table, Values, date_of};
use crate::records::Money;
use crate::records::file::{Field, Type};
use crate::report::csv::neutralise;

struct CsvSink {
    w: csv::Writer<BufWriter<File>>,
}

/// A CSV file at `path` for a table's rows, its header written.
pub(crate) fn create(path: &Path, fields: &[Field]) -> io::Result<Box<dyn Sink>> {
    let file = BufWriter::with_capacity(1 << 16, File::create(path)?);
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::Any(b'\n')).from_writer(file);
    w.write_record(fields.iter().map(|f| f.name))?;
    Ok(Box::new(CsvSink { w }))
}

/// The next value of a column as a cell, from where `at` says the column's values have got to.
fn cell(ty: Type, cells: &Cells, row: usize, at: &mut usize) -> String {
    if cells.defs[row] == 0 {
        return String::new();
    }
    let i = *at;
    *at += 1;
    match &cells.values {
        Values::Text { bytes, ends } => {
            let start = if i == 0 { 0 } else { ends[i - 1] };
            neutralise(bytes.get(start..ends[i]).unwrap_or_default())
        }
        Values::Int32(v) if ty == Type::Date => date_of(v[i]).to_string(),
        Values::Int32(v) => v[i].to_string(),
        Values::Int64(v) => Money::from_fen(i128::from(v[i])).to_string(),
        Values::Same(v) => neutralise(v),
    }
}

impl Sink for CsvSink {
    fn rows(&mut self, t: &Table) -> io::Result<()> {
        let mut at = vec![0; t.columns.len()];
        let mut record = Vec::with_capacity(t.columns.len());
        for row in 0..t.rows {
            record.clear();
            for ((cells, field), at) in t.columns.iter().zip(&t.fields).zip(&mut at) {
                record.push(cell(field.ty, cells, row, at));
            }
            self.w.write_record(&record)?;
        }
        Ok(())
    }

    fn finish(self: Box<Self>) -> io::Result<()> {
        let file = self.w.into_inner().map_err(|e| e.into_error())?;
        file.into_inner().map_err(|e| e.into_error())?;
        Ok(())
    }
}
