//! Bytes on disk to text and back, keeping what Excel and WPS care about:
//! UTF-8 with or without a byte-order mark, GB18030/GBK, LF, CRLF or CR.

use crate::findings::Msg;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Gb18030,
}

/// How a file was stored, so that a write can store it the same way.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Layout {
    pub encoding: Encoding,
    pub bom: bool,
    pub crlf: bool,
    /// Lines end with a carriage return alone, as Excel for the old Mac OS saves them.
    pub cr: bool,
}

impl Default for Layout {
    fn default() -> Self {
        Layout {
            encoding: Encoding::Utf8,
            bom: false,
            crlf: false,
            cr: false,
        }
    }
}

impl Layout {
    pub fn newline(&self) -> &'static str {
        match (self.crlf, self.cr) {
            (true, _) => "\r\n",
            (false, true) => "\r",
            (false, false) => "\n",
        }
    }
}

/// The line ends of a text, as (CRLF, CR alone): CRLF when it has one; CR when its first line
/// ends with a CR alone.
fn line_ends(text: &str) -> (bool, bool) {
    // Most files have no carriage return at all: one look for the byte says so.
    if !has_byte(text.as_bytes(), b'\r') {
        return (false, false);
    }
    let crlf = memchr::memmem::find(text.as_bytes(), b"\r\n").is_some();
    let cr = !crlf && text.find(['\r', '\n']).is_some_and(|i| text.as_bytes()[i] == b'\r');
    (crlf, cr)
}

#[derive(Debug)]
pub struct Decoded<T = String> {
    pub text: T,
    pub layout: Layout,
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Decodes a file's bytes. The error says, in both languages, what is wrong and what to do.
pub fn decode(bytes: &[u8]) -> Result<Decoded, Msg> {
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Err(Msg::new(
            "文件是 UTF-16 编码，请另存为 UTF-8（CSV 文件也可以是 GB18030）",
            "the file is UTF-16; save it as UTF-8 (a CSV file may also be GB18030)",
        ));
    }
    if has_byte(bytes, 0) {
        return Err(Msg::new(
            "文件含有二进制内容（NUL 字节），不是文本文件；请从 git 恢复或重新导出",
            "the file holds binary data (NUL bytes), not text; restore it from git or export it again",
        ));
    }
    let (body, bom) = match bytes.strip_prefix(BOM) {
        Some(rest) => (rest, true),
        None => (bytes, false),
    };
    let (text, encoding) = match std::str::from_utf8(body) {
        Ok(s) => (s.to_owned(), Encoding::Utf8),
        Err(_) if bom => {
            return Err(Msg::new(
                "文件以 UTF-8 BOM 开头，但内容不是有效的 UTF-8",
                "the file starts with a UTF-8 byte-order mark but is not valid UTF-8",
            ));
        }
        Err(_) => {
            let (s, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(body);
            if had_errors {
                return Err(Msg::new(
                    "文件既不是 UTF-8 也不是 GB18030/GBK 编码，请另存为 UTF-8",
                    "the file is neither UTF-8 nor GB18030/GBK; save it as UTF-8",
                ));
            }
            (s.into_owned(), Encoding::Gb18030)
        }
    };
    let (crlf, cr) = line_ends(&text);
    Ok(Decoded {
        text,
        layout: Layout { encoding, bom, crlf, cr },
    })
}

/// [`decode`] without copying UTF-8 text. On failure, the bytes come back with the error.
pub fn decode_owned(bytes: Vec<u8>) -> Result<Decoded, (Msg, Vec<u8>)> {
    let plain = !bytes.starts_with(b"\xFF\xFE") && !bytes.starts_with(b"\xFE\xFF") && !has_byte(&bytes, 0);
    let bytes = if plain {
        match String::from_utf8(bytes) {
            Ok(mut text) => {
                let bom = text.starts_with('\u{feff}');
                if bom {
                    text.drain(..'\u{feff}'.len_utf8());
                }
                let (crlf, cr) = line_ends(&text);
                return Ok(Decoded {
                    text,
                    layout: Layout {
                        encoding: Encoding::Utf8,
                        bom,
                        crlf,
                        cr,
                    },
                });
            }
            Err(e) => e.into_bytes(),
        }
    } else {
        bytes
    };
    match decode(&bytes) {
        Ok(d) => Ok(d),
        Err(m) => Err((m, bytes)),
    }
}

/// The text of a file's bytes without copying it, when it is UTF-8 (with or without a BOM):
/// what [`decode`] gives, borrowed. `None` for any other file.
pub fn as_utf8(bytes: &[u8]) -> Option<Decoded<&str>> {
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") || has_byte(bytes, 0) {
        return None;
    }
    let (body, bom) = match bytes.strip_prefix(BOM) {
        Some(rest) => (rest, true),
        None => (bytes, false),
    };
    let text = utf8(body)?;
    let (crlf, cr) = line_ends(text);
    Some(Decoded {
        text,
        layout: Layout {
            encoding: Encoding::Utf8,
            bom,
            crlf,
            cr,
        },
    })
}

/// Encodes text for a file of the given layout. Text must already use the layout's line ends.
/// Fails when a character has no GB18030 form (GB18030 covers all of Unicode, so only in theory).
pub fn encode(text: &str, layout: Layout) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() + 3);
    if layout.bom {
        out.extend_from_slice(BOM);
    }
    match layout.encoding {
        Encoding::Utf8 => out.extend_from_slice(text.as_bytes()),
        Encoding::Gb18030 => {
            let (bytes, _, _) = encoding_rs::GB18030.encode(text);
            out.extend_from_slice(&bytes);
        }
    }
    out
}

/// A large file that is UTF-8 without carriage returns, quotes or NUL bytes (as a ledger that
/// care writes is), checked as [`plain_utf8_in_halves`]: its two halves and whether it had a
/// byte-order mark. `None` for anything else, which [`decode_owned`] reads.
pub fn plain_utf8_halves(bytes: &[u8]) -> Option<(&str, &str, bool)> {
    let ((first, ()), (second, ()), bom) = plain_utf8_halves_with(bytes, |_| ())?;
    Some((first, second, bom))
}

/// Text without carriage returns, quotes or NUL bytes, cut at the line end nearest its middle
/// (or not at all, when its second half has none) and checked a half on each core. Checking
/// it on one core kept the other one waiting.
pub fn plain_utf8_in_halves(body: &[u8]) -> Option<(&str, &str)> {
    let ((first, ()), (second, ())) = plain_utf8_in_halves_with(body, |_| ())?;
    Some((first, second))
}

/// [`plain_utf8_halves`], and how many line ends the bytes hold, counted as the halves are
/// checked (a write that adds rows to a large file wants both: one pass over it, not two).
pub fn plain_utf8_halves_and_lines(bytes: &[u8]) -> Option<(&str, &str, bool, usize)> {
    let ((first, a), (second, b), bom) = plain_utf8_halves_with(bytes, count_lines)?;
    Some((first, second, bom, a + b))
}

/// [`plain_utf8_halves`], each half also given to `also` on the core that checks it.
pub fn plain_utf8_halves_with<T: Send>(bytes: &[u8], also: impl Fn(&[u8]) -> T + Sync) -> Option<(Half<'_, T>, Half<'_, T>, bool)> {
    let (body, bom) = match bytes.strip_prefix(BOM) {
        Some(rest) => (rest, true),
        None => (bytes, false),
    };
    let (first, second) = plain_utf8_in_halves_with(body, also)?;
    Some((first, second, bom))
}

/// A half of a text as checked, and what was worked out from it beside.
pub type Half<'a, T> = (&'a str, T);

/// [`plain_utf8_in_halves`], each half also given to `also` on the core that checks it.
pub fn plain_utf8_in_halves_with<T: Send>(body: &[u8], also: impl Fn(&[u8]) -> T + Sync) -> Option<(Half<'_, T>, Half<'_, T>)> {
    let mid = body.len() / 2;
    let cut = memchr::memchr(b'\n', &body[mid..]).map_or(body.len(), |at| mid + at + 1);
    let (first, second) = body.split_at(cut);
    let check = |part| {
        let text = if is_plain(part) { utf8(part) } else { None }?;
        Some((text, also(part)))
    };
    let (first, second) = rayon::join(|| check(first), || check(second));
    Some((first?, second?))
}

/// The bytes as text, when they are UTF-8: what `std::str::from_utf8` says, checked with SIMD
/// instructions (`simdutf8`). A ledger's names and memos are Chinese, which the standard
/// library checks a byte at a time: 55 MB of the district's ledger took about 40 ms, and a write
/// checks a large file up to four times.
pub fn utf8(bytes: &[u8]) -> Option<&str> {
    simdutf8::basic::from_utf8(bytes).ok()
}

/// Whether the bytes hold `b`: `memchr`'s vector search (the standard library's `contains` goes a
/// word at a time, and a write looked over a 55 MB ledger for NUL bytes and carriage returns
/// several times: 6% of `ledger add`'s samples).
pub fn has_byte(bytes: &[u8], b: u8) -> bool {
    memchr::memchr(b, bytes).is_some()
}

/// Whether the bytes hold no `\r`, `"` or NUL.
pub fn is_plain(bytes: &[u8]) -> bool {
    memchr::memchr3(b'\r', b'"', 0, bytes).is_none()
}

/// The 1-based line of a byte offset in text.
pub fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    count_lines(&text.as_bytes()[..end]) + 1
}

/// The number of line ends (`\n`) in the bytes.
pub fn count_lines(bytes: &[u8]) -> usize {
    memchr::memchr_iter(b'\n', bytes).count()
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    proptest! {
        /// The SIMD check of UTF-8 says what the standard library says, on text and on bytes
        /// cut anywhere (a character split, a stray continuation byte).
        #[test]
        fn utf8_is_what_the_standard_library_says(text in "[a-z,0-9\n周强吴芳😀]{0,80}", cut in 0usize..400, junk in any::<u8>()) {
            let mut bytes = text.into_bytes();
            prop_assert_eq!(super::utf8(&bytes), std::str::from_utf8(&bytes).ok());
            bytes.truncate(cut.min(bytes.len()));
            prop_assert_eq!(super::utf8(&bytes), std::str::from_utf8(&bytes).ok());
            bytes.push(junk);
            prop_assert_eq!(super::utf8(&bytes), std::str::from_utf8(&bytes).ok());
        }
    }

    #[test]
    fn is_plain_finds_a_cr_quote_or_nul_anywhere() {
        let text = "2026-09-01,fee,40.00,P00003,,,2026-09,吴芳,R0000001,\n".repeat(5);
        assert!(super::is_plain(text.as_bytes()));
        for at in 0..text.len() {
            for odd in [b'\r', b'"', 0] {
                let mut t = text.clone().into_bytes();
                t[at] = odd;
                assert!(!super::is_plain(&t), "{odd} at {at}");
            }
        }
    }

    #[test]
    fn plain_utf8_halves_cut_at_a_line_end_and_refuse_anything_else() {
        let text = "date,kind\n".to_owned() + &"2026-09-01,fee,张三\n".repeat(1000);
        let (a, b, bom) = super::plain_utf8_halves(text.as_bytes()).unwrap();
        assert!(!bom && a.ends_with('\n') && !b.is_empty());
        assert_eq!(format!("{a}{b}"), text);
        let with_bom = format!("\u{feff}{text}");
        let (a, b, bom) = super::plain_utf8_halves(with_bom.as_bytes()).unwrap();
        assert!(bom);
        assert_eq!(format!("{a}{b}"), text);
        for odd in ["\r\n", "\"", "\0"] {
            for at in [3, text.len() - 1] {
                let mut t = text.clone();
                t.insert_str(at, odd);
                assert!(super::plain_utf8_halves(t.as_bytes()).is_none(), "{odd:?} at {at}");
            }
        }
        let mut gbk = text.clone().into_bytes();
        let at = gbk.len() - 4;
        gbk[at] = 0xD5;
        assert!(super::plain_utf8_halves(&gbk).is_none());
        // Without a line end in its second half, text is one half (the last block of a file).
        assert_eq!(super::plain_utf8_halves(b"a\nno line end"), Some(("a\nno line end", "", false)));
    }
    #[test]
    fn count_lines_counts_every_line_end() {
        let mut text = Vec::new();
        for i in 0..500usize {
            text.extend(std::iter::repeat_n(b'x', i % 70));
            text.push(b'\n');
            if i % 3 == 0 {
                text.extend_from_slice("中文\r\n".as_bytes());
            }
        }
        for end in [0, 1, 63, 64, 65, 127, 128, 1000, text.len()] {
            let plain = text[..end].iter().filter(|&&b| b == b'\n').count();
            assert_eq!(super::count_lines(&text[..end]), plain, "{end}");
        }
        assert_eq!(super::count_lines(&[b'\n'; 64 * 5]), 320);
    }

    use super::*;

    #[test]
    fn utf8_with_bom_and_crlf() {
        let d = decode(b"\xEF\xBB\xBFa,b\r\n1,2\r\n").unwrap();
        assert_eq!(d.text, "a,b\r\n1,2\r\n");
        assert!(d.layout.bom && d.layout.crlf);
        assert_eq!(d.layout.encoding, Encoding::Utf8);
    }

    #[test]
    fn gb18030_round_trip() {
        let (gbk, _, _) = encoding_rs::GB18030.encode("姓名,王小明\r\n");
        let d = decode(&gbk).unwrap();
        assert_eq!(d.text, "姓名,王小明\r\n");
        assert_eq!(d.layout.encoding, Encoding::Gb18030);
        assert_eq!(encode(&d.text, d.layout), gbk.into_owned());
    }

    #[test]
    fn binary_and_utf16_are_refused() {
        assert!(decode(b"a\0b").is_err());
        assert!(decode(b"\xFF\xFEa\0").is_err());
        assert!(decode(b"\x80\x80\xFF\xFF\xFE").is_err());
    }

    #[test]
    fn line_ends_lf_crlf_or_cr_alone() {
        let ends = |t: &[u8]| {
            let l = decode(t).unwrap().layout;
            assert_eq!(Some(l), as_utf8(t).map(|d| d.layout));
            l.newline()
        };
        assert_eq!(ends(b"a,b\n1,2\n"), "\n");
        assert_eq!(ends(b"a,b\r\n1,2\r\n"), "\r\n");
        assert_eq!(ends(b"a,b\r1,2\r"), "\r");
        assert_eq!(ends(b"a,b"), "\n");
        assert!(!decode(b"a,b\n\"x\ry\"\n").unwrap().layout.cr);
    }

    #[test]
    fn lines() {
        assert_eq!(line_of("a\nb\nc", 0), 1);
        assert_eq!(line_of("a\nb\nc", 2), 2);
        assert_eq!(line_of("a\nb\nc", 99), 3);
    }
}
