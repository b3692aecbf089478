//! Parquet files through the `parquet` crate's column writers (no Arrow): each chunk of a table
//! is a row group, columns typed as SPEC §12 says.

use std::fs::File;
use std::io::{self, BufWriter};
use std::path::Path;
use std::sync::Arc;

use bytes::Bytes;
use parquet::basic::Compression;
use parquet::data_type::{ByteArray, ByteArrayType, Int32Type, Int64Type};
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::parser::parse_message_type;

use super::{Cells, Sink, Table};
use crate::records::file::{Field, Type};

/// The Parquet schema of a table: every column optional (an empty value is NULL).
pub fn message(name: &str, fields: &[Field]) -> String {
    let mut s = format!("message {name} {{\n");
    for f in fields {
        let ty = match f.ty {
            Type::Text => "binary {} (UTF8)",
            Type::Date => "int32 {} (DATE)",
            Type::Money => "int64 {} (DECIMAL(12,2))",
            Type::Count => "int32 {}",
        };
        s.push_str(&format!("  optional {};\n", ty.replace("{}", f.name)));
    }
    s.push('}');
    s
}

fn other(e: impl std::error::Error + Send + Sync + 'static) -> io::Error {
    io::Error::other(e)
}

struct ParquetSink {
    w: SerializedFileWriter<BufWriter<File>>,
}

/// A Parquet file at `path` for a table's rows.
pub fn create(path: &Path, name: &str, fields: &[Field]) -> io::Result<Box<dyn Sink>> {
    let schema = parse_message_type(&message(name, fields)).map_err(other)?;
    let props = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .set_created_by(format!("care {}", crate::cmd::VERSION))
        .build();
    let file = BufWriter::with_capacity(1 << 20, File::create(path)?);
    let w = SerializedFileWriter::new(file, Arc::new(schema), Arc::new(props)).map_err(other)?;
    Ok(Box::new(ParquetSink { w }))
}

/// Definition levels (1: a value, 0: NULL) and the values that are there.
fn levels<T: Copy>(v: &[Option<T>]) -> (Vec<T>, Vec<i16>) {
    let values = v.iter().flatten().copied().collect();
    let defs = v.iter().map(|x| i16::from(x.is_some())).collect();
    (values, defs)
}

impl Sink for ParquetSink {
    fn rows(&mut self, t: &Table) -> io::Result<()> {
        let mut rg = self.w.next_row_group().map_err(other)?;
        for cells in &t.columns {
            let Some(mut col) = rg.next_column().map_err(other)? else {
                break;
            };
            match cells {
                Cells::Text { bytes, ends, present } => {
                    // One buffer for the chunk; each value is a slice of it.
                    let buf = Bytes::copy_from_slice(bytes);
                    let mut values = Vec::with_capacity(ends.len());
                    let mut defs = Vec::with_capacity(ends.len());
                    let mut start = 0;
                    for (&end, &there) in ends.iter().zip(present) {
                        if there {
                            values.push(ByteArray::from(buf.slice(start..end)));
                        }
                        defs.push(i16::from(there));
                        start = end;
                    }
                    col.typed::<ByteArrayType>()
                        .write_batch(&values, Some(&defs), None)
                        .map_err(other)?;
                }
                Cells::Date(v) | Cells::Count(v) => {
                    let (values, defs) = levels(v);
                    col.typed::<Int32Type>().write_batch(&values, Some(&defs), None).map_err(other)?;
                }
                Cells::Money(v) => {
                    let (values, defs) = levels(v);
                    col.typed::<Int64Type>().write_batch(&values, Some(&defs), None).map_err(other)?;
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
