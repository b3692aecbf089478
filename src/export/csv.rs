//! CSV files: UTF-8 with a header, money with two decimals, dates `YYYY-MM-DD`, NULL as an empty
//! cell; text that a spreadsheet would run as a formula is neutralised as in every CSV `care`
//! writes.

use std::fs::File;
use std::io::{self, BufWriter};
use std::path::Path;

use super::{Cells, Sink, Table, date_of};
use crate::records::Money;
use crate::records::file::Field;
use crate::report::csv::neutralise;

struct CsvSink {
    w: csv::Writer<BufWriter<File>>,
}

/// A CSV file at `path` for a table's rows, its header written.
pub fn create(path: &Path, fields: &[Field]) -> io::Result<Box<dyn Sink>> {
    let file = BufWriter::with_capacity(1 << 20, File::create(path)?);
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::Any(b'\n')).from_writer(file);
    w.write_record(fields.iter().map(|f| f.name))?;
    Ok(Box::new(CsvSink { w }))
}

/// Row `i` of a column as a cell.
fn cell(cells: &Cells, i: usize) -> String {
    match cells {
        Cells::Text { bytes, ends, present } => {
            let start = if i == 0 { 0 } else { ends[i - 1] };
            if present[i] {
                neutralise(&String::from_utf8_lossy(&bytes[start..ends[i]]))
            } else {
                String::new()
            }
        }
        Cells::Date(v) => v[i].map(|d| date_of(d).to_string()).unwrap_or_default(),
        Cells::Money(v) => v[i].map(|f| Money::from_fen(i128::from(f)).to_string()).unwrap_or_default(),
        Cells::Count(v) => v[i].map(|n| n.to_string()).unwrap_or_default(),
    }
}

impl Sink for CsvSink {
    fn rows(&mut self, t: &Table) -> io::Result<()> {
        let mut record = Vec::with_capacity(t.columns.len());
        for i in 0..t.rows {
            record.clear();
            record.extend(t.columns.iter().map(|c| cell(c, i)));
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
