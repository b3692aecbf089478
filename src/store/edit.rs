//! Line-level edits of a CSV file's bytes. Other lines keep their bytes exactly: a `git diff`
//! shows only the new or changed line, and the file keeps its encoding, BOM and line ends.

use crate::findings::Msg;
use crate::records::text::{Layout, as_utf8, decode, encode};

/// The file's layout, read from its bytes.
pub(crate) fn layout(bytes: &[u8]) -> Layout {
    if let Some(d) = as_utf8(bytes) {
        return d.layout;
    }
    decode(bytes).map(|d| d.layout).unwrap_or_default()
}

/// The byte that ends a line of the file: LF, or CR in a file whose lines end with CR alone.
fn line_end(l: Layout) -> u8 {
    if l.cr { b'\r' } else { b'\n' }
}

/// Appends a line in the file's encoding and line ends (to the bytes themselves: a ledger is
/// tens of megabytes).
/// `l` is the bytes' [`layout`], which the caller has already worked out (finding it checks
/// every byte of a ledger).
pub(crate) fn append_line(bytes: Vec<u8>, line: &str, l: Layout) -> Vec<u8> {
    let mut out = bytes;
    if !out.is_empty() && !out.ends_with(&[line_end(l)]) {
        out.extend_from_slice(l.newline().as_bytes());
    }
    let body = Layout { bom: false, ..l };
    out.extend_from_slice(&encode(line, body));
    out.extend_from_slice(l.newline().as_bytes());
    out
}

/// Replaces line `line` (1-based) with new text, keeping that line's own line end.
/// `\n` and `\r` never occur inside a multi-byte UTF-8 or GB18030 character, so lines split
/// cleanly.
pub(crate) fn replace_line(bytes: &[u8], line: usize, text: &str) -> Result<Vec<u8>, Msg> {
    let l = layout(bytes);
    let end = line_end(l);
    let mut out = Vec::with_capacity(bytes.len() + text.len());
    let mut found = false;
    for (i, chunk) in bytes.split_inclusive(|&b| b == end).enumerate() {
        if i + 1 != line {
            out.extend_from_slice(chunk);
            continue;
        }
        found = true;
        let ending: &[u8] = if chunk.ends_with(b"\r\n") {
            b"\r\n"
        } else if chunk.ends_with(&[end]) {
            &chunk[chunk.len() - 1..]
        } else {
            b""
        };
        let keep_bom = i == 0 && l.bom;
        out.extend_from_slice(&encode(text, Layout { bom: keep_bom, ..l }));
        out.extend_from_slice(ending);
    }
    if found {
        Ok(out)
    } else {
        Err(Msg::new(format!("文件中没有第 {line} 行"), format!("the file has no line {line}")))
    }
}

/// The text of line `line` (1-based), decoded.
pub(crate) fn line_text(bytes: &[u8], line: usize) -> Option<String> {
    let end = line_end(layout(bytes));
    let chunk = bytes.split_inclusive(|&b| b == end).nth(line.checked_sub(1)?)?;
    let d = decode(chunk).ok()?;
    Some(d.text.trim_end_matches(['\r', '\n']).to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn append_line(bytes: Vec<u8>, line: &str) -> Vec<u8> {
        let l = layout(&bytes);
        super::append_line(bytes, line, l)
    }

    #[test]
    fn append_keeps_crlf_and_gb18030() {
        let (gbk, _, _) = encoding_rs::GB18030.encode("name,note\r\n王小明,x\r\n");
        let out = append_line(gbk.into_owned(), "李想,\"a,b\"");
        let (expected, _, _) = encoding_rs::GB18030.encode("name,note\r\n王小明,x\r\n李想,\"a,b\"\r\n");
        assert_eq!(out, expected.into_owned());
    }

    #[test]
    fn append_after_a_missing_final_newline() {
        assert_eq!(append_line(b"\xEF\xBB\xBFa\nb".to_vec(), "c"), b"\xEF\xBB\xBFa\nb\nc\n".to_vec());
    }

    #[test]
    fn lines_ended_by_a_cr_alone_stay_so() {
        assert_eq!(append_line(b"h\rx\r".to_vec(), "y"), b"h\rx\ry\r".to_vec());
        assert_eq!(append_line(b"h\rx".to_vec(), "y"), b"h\rx\ry\r".to_vec());
        assert_eq!(replace_line(b"h\rx\ry\r", 2, "z").unwrap(), b"h\rz\ry\r".to_vec());
        assert_eq!(line_text(b"h\rx\ry", 3).unwrap(), "y");
    }

    #[test]
    fn replace_one_line_only() {
        let out = replace_line(b"h\r\nx\r\ny", 2, "z").unwrap();
        assert_eq!(out, b"h\r\nz\r\ny".to_vec());
        assert!(replace_line(b"h\n", 5, "z").is_err());
        assert_eq!(line_text(b"h\r\nx\r\n", 2).unwrap(), "x");
    }
}
