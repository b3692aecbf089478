//! Parquet files through the `parquet` crate's column writers (no Arrow): each chunk of a table
//! is a row group, columns typed as SPEC §12 says.

use std::fs::File;
use std::io::{self, BufWriter};
use std::path::Path;
use std::sync::Arc;

use bytes::Bytes;
use parquet::basic::Compression;
use parquet::data_type::{ByteArray, ByteArrayType, Int32Type, Int64Type};
use parquet::file::properties::{EnabledStatistics, WriterProperties};
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::parser::parse_message_type;
use parquet::schema::types::ColumnPath;

use super::{Sink, Table, Values};
use crate::records::file::{Field, Type};

/// The Parquet schema of a table: every column optional (an empty value is NULL).
pub(crate) fn message(name: &str, fields: &[Field]) -> String {
    let mut s = format!("message {name} {{\n");
    for f in fields {
        let ty = match f.ty {
            Type::Text => "binary {} (UTF8)",
            Type::Date => "int32 {} (DATE)",
            Type::Money => "int64 {} (DECIMAL(12,2))",
            Type::Count => "int32 {}",
            Type::Percent => "int64 {} (DECIMAL(5,2))",
        };
        s.push_str(&format!("  optional {};\n", ty.replace("{}", f.name)));
    }
    s.push('}');
    s
}

fn other(e: impl std::error::Error + Send + Sync + 'static) -> io::Error {
    io::Error::other(e)
}

/// Text values handed to the column writer at a time.
const BATCH: usize = 4096;

struct ParquetSink {
    w: SerializedFileWriter<BufWriter<File>>,
}

/// A Parquet file at `path` for a table's rows.
pub(crate) fn create(path: &Path, name: &str, fields: &[Field]) -> io::Result<Box<dyn Sink>> {
    let schema = parse_message_type(&message(name, fields)).map_err(other)?;
    // Dates, money and counts keep their minimum and maximum per page (a reader skips what a
    // query does not need); text keeps none: working them out took a tenth of the export. No
    // dictionaries: they made the files a sixth smaller and the export a third slower
    // (docs/performance.md).
    let mut props = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .set_dictionary_enabled(false)
        .set_created_by(format!("care {}", crate::cmd::VERSION));
    for f in fields.iter().filter(|f| f.ty == Type::Text) {
        props = props.set_column_statistics_enabled(ColumnPath::from(f.name), EnabledStatistics::None);
    }
    // The school's code is the same in every row: a dictionary of one and a run of zeros.
    props = props.set_column_dictionary_enabled(ColumnPath::from(super::tables::SCHOOL.name), true);
    let props = props.build();
    let file = BufWriter::with_capacity(1 << 16, File::create(path)?);
    let w = SerializedFileWriter::new(file, Arc::new(schema), Arc::new(props)).map_err(other)?;
    Ok(Box::new(ParquetSink { w }))
}

impl Sink for ParquetSink {
    fn rows(&mut self, t: &Table) -> io::Result<()> {
        let mut rg = self.w.next_row_group().map_err(other)?;
        for cells in &t.columns {
            let Some(mut col) = rg.next_column().map_err(other)? else {
                break;
            };
            let defs = Some(cells.defs.as_slice());
            match &cells.values {
                Values::Text { bytes, ends } => {
                    // One buffer for the chunk; each value is a slice of it, handed over a few
                    // thousand at a time.
                    let buf = Bytes::copy_from_slice(bytes.as_bytes());
                    let w = col.typed::<ByteArrayType>();
                    let mut values = Vec::with_capacity(BATCH);
                    let (mut start, mut value) = (0, 0);
                    for defs in cells.defs.chunks(BATCH) {
                        values.clear();
                        let there = defs.iter().filter(|&&d| d == 1).count();
                        for &end in &ends[value..value + there] {
                            values.push(ByteArray::from(buf.slice(start..end)));
                            start = end;
                        }
                        value += there;
                        w.write_batch(&values, Some(defs), None).map_err(other)?;
                    }
                }
                Values::Same(v) => {
                    // One value, handed over as the same slice for every few thousand rows.
                    let same = vec![ByteArray::from(v.as_bytes().to_vec()); BATCH];
                    let w = col.typed::<ByteArrayType>();
                    for defs in cells.defs.chunks(BATCH) {
                        let there = defs.iter().filter(|&&d| d == 1).count();
                        w.write_batch(&same[..there], Some(defs), None).map_err(other)?;
                    }
                }
                Values::Int32(v) => {
                    col.typed::<Int32Type>().write_batch(v, defs, None).map_err(other)?;
                }
                Values::Int64(v) => {
                    col.typed::<Int64Type>().write_batch(v, defs, None).map_err(other)?;
                }
            }
            col.close().map_err(other)?;
        }
        rg.close().map_err(other)?;
        Ok(())
    }

    fn finish(self: Box<Self>) -> io::Result<()> {
        let file = self.w.into_inner().map_err(other)?;
        file.into_inner().map_err(|e| e.into_error())?;
        Ok(())
    }
}
