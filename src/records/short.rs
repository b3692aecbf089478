//! Short text kept inside the record that holds it.
//!
//! A ledger row's text fields are mostly a few bytes (`P00003`, `2026-09`, a receipt number, a
//! collector's name). As `String`s, a district's million rows made four million allocations and
//! a quarter of a gigabyte of memory that the machine had to fault in. A `Short` takes 11 bytes
//! in the row, as does an `Option<Short>`: text of up to 10 bytes is held in them, and longer
//! text (a memo, a four-character name, a term id) is kept once for the whole run in [`KEPT`]
//! and named by its place there. With them a ledger row is 112 bytes instead of 144, and 96
//! with the two that most rows leave empty kept apart (see `ledger::Apart`).

use std::borrow::Borrow;
use std::cmp::Ordering;
use std::collections::HashMap;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;
use std::sync::{LazyLock, PoisonError, RwLock};

/// Bytes held inline; longer text is kept in [`KEPT`].
const INLINE: usize = 10;

#[derive(Clone)]
pub struct Short {
    len: Len,
    /// The text, or for [`Len::Kept`] its place in [`KEPT`] as a little-endian `u64`.
    bytes: [u8; INLINE],
}

/// The length of inline text, or that the text is kept. An enum rather than a `u8` so that an
/// `Option<Short>` takes no more room than a `Short`: its `None` is a value no `Len` has.
#[derive(Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
enum Len {
    L0,
    L1,
    L2,
    L3,
    L4,
    L5,
    L6,
    L7,
    L8,
    L9,
    L10,
    Kept,
}

impl Len {
    const INLINE: [Len; INLINE + 1] = [
        Len::L0,
        Len::L1,
        Len::L2,
        Len::L3,
        Len::L4,
        Len::L5,
        Len::L6,
        Len::L7,
        Len::L8,
        Len::L9,
        Len::L10,
    ];
}

/// Text longer than [`INLINE`] bytes, each once, for as long as care runs: a row holds its place.
/// Such text is rare in a ledger and mostly repeats (a memo, a collector's full name), so what
/// it takes stays small; it is never given back, which for a command that ends is no loss.
static KEPT: LazyLock<RwLock<Kept>> = LazyLock::new(Default::default);

#[derive(Default)]
struct Kept {
    texts: Vec<&'static str>,
    places: HashMap<&'static str, u64>,
}

impl Kept {
    fn place(text: &str) -> u64 {
        if let Some(&p) = KEPT.read().unwrap_or_else(PoisonError::into_inner).places.get(text) {
            return p;
        }
        let mut kept = KEPT.write().unwrap_or_else(PoisonError::into_inner);
        if let Some(&p) = kept.places.get(text) {
            return p;
        }
        let text: &'static str = Box::leak(text.into());
        let p = kept.texts.len() as u64;
        kept.texts.push(text);
        kept.places.insert(text, p);
        p
    }

    fn text(place: u64) -> &'static str {
        let kept = KEPT.read().unwrap_or_else(PoisonError::into_inner);
        usize::try_from(place)
            .ok()
            .and_then(|p| kept.texts.get(p))
            .copied()
            .unwrap_or_default()
    }
}

impl Short {
    pub fn new(s: &str) -> Short {
        let b = s.as_bytes();
        let mut bytes = [0; INLINE];
        match Len::INLINE.get(b.len()) {
            Some(&len) => {
                copy_short(b, &mut bytes);
                Short { len, bytes }
            }
            None => {
                bytes[..8].copy_from_slice(&Kept::place(s).to_le_bytes());
                Short { len: Len::Kept, bytes }
            }
        }
    }

    /// The text's bytes, without checking them again: comparing and hashing need no more (a
    /// `str` compares and hashes as its bytes do).
    pub fn as_bytes(&self) -> &[u8] {
        match self.len {
            Len::Kept => self.as_str().as_bytes(),
            len => &self.bytes[..len as usize],
        }
    }

    pub fn as_str(&self) -> &str {
        match self.len {
            Len::Kept => {
                let mut place = [0; 8];
                place.copy_from_slice(&self.bytes[..8]);
                Kept::text(u64::from_le_bytes(place))
            }
            // Inline bytes are always a whole `&str` copied in `new`, so this never fails; the
            // empty fallback only keeps the function total.
            len => std::str::from_utf8(&self.bytes[..len as usize]).unwrap_or_default(),
        }
    }
}

/// Copies up to [`INLINE`] bytes to the front of `to` with copies of fixed size, two of them
/// overlapping where the length is between two sizes (a copy of a length known only at run time
/// is a call to `memcpy`, and a district's seven million values made that call 3% of a check).
fn copy_short(b: &[u8], to: &mut [u8; INLINE]) {
    let n = b.len();
    if n >= 8 {
        to[..8].copy_from_slice(&b[..8]);
        to[n - 8..n].copy_from_slice(&b[n - 8..]);
    } else if n >= 4 {
        to[..4].copy_from_slice(&b[..4]);
        to[n - 4..n].copy_from_slice(&b[n - 4..]);
    } else if n > 0 {
        to[0] = b[0];
        to[n / 2] = b[n / 2];
        to[n - 1] = b[n - 1];
    }
}

impl Default for Short {
    fn default() -> Short {
        Short::new("")
    }
}

impl serde::Serialize for Short {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl Deref for Short {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Short {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl Borrow<str> for Short {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl From<&str> for Short {
    fn from(s: &str) -> Short {
        Short::new(s)
    }
}

impl From<String> for Short {
    fn from(s: String) -> Short {
        Short::new(&s)
    }
}

impl From<&Short> for String {
    fn from(s: &Short) -> String {
        s.as_str().to_owned()
    }
}

impl PartialEq for Short {
    fn eq(&self, other: &Short) -> bool {
        // Inline text is padded with zeros, kept text is kept once (two kept texts are equal
        // when their places are) and is longer than any inline text: the same text is the same
        // length and bytes. Compared as the fixed-size fields, with no call to compare slices
        // (hash lookups of pupil ids made that call 4% of a check's samples).
        self.len == other.len && self.bytes == other.bytes
    }
}

impl Eq for Short {}

impl PartialEq<str> for Short {
    fn eq(&self, other: &str) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl PartialEq<&str> for Short {
    fn eq(&self, other: &&str) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl PartialOrd for Short {
    fn partial_cmp(&self, other: &Short) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Short {
    fn cmp(&self, other: &Short) -> Ordering {
        self.as_bytes().cmp(other.as_bytes())
    }
}

/// As `str` hashes (its bytes, then 0xff), so that a map of `Short`s is looked up by `&str`.
impl Hash for Short {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write(self.as_bytes());
        state.write_u8(0xff);
    }
}

impl fmt::Debug for Short {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Short {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.as_str(), f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn keeps_the_text_at_every_length() {
        for s in [
            "",
            "P0001",
            "1234567890",
            "12345678901",
            "2026-autumn",
            "12345678901234",
            "123456789012345",
            "作业本、文具和剪刀",
            "李老师498",
        ] {
            let v = Short::new(s);
            assert_eq!(v.as_str(), s);
            assert_eq!(v.len(), s.len());
            assert_eq!(format!("{v}"), s);
            assert_eq!(format!("{v:?}"), format!("{s:?}"));
        }
    }

    /// Every inline length is copied whole and padded with zeros, which equality relies on.
    #[test]
    fn inline_text_of_every_length_is_copied_and_padded() {
        let text = "abcdefghijk";
        for n in 0..=INLINE {
            let v = Short::new(&text[..n]);
            assert_eq!(v.as_str(), &text[..n]);
            assert!(v.bytes[n..].iter().all(|b| *b == 0), "{n}");
            let other = Short::new(&"bcdefghijkl"[..n]);
            assert_eq!(v == other, n == 0, "{n}");
        }
    }

    #[test]
    fn fits_in_eleven_bytes_even_as_an_option() {
        assert_eq!(std::mem::size_of::<Short>(), 11);
        assert_eq!(std::mem::size_of::<Option<Short>>(), 11);
        assert_eq!(std::mem::size_of::<crate::records::Entry>(), 96);
    }

    #[test]
    fn text_kept_from_many_threads_is_kept_once_each() {
        let texts: Vec<String> = (0..200).map(|i| format!("a memo of row {}", i % 50)).collect();
        let shorts: Vec<Vec<Short>> = std::thread::scope(|s| {
            let workers: Vec<_> = (0..4)
                .map(|_| s.spawn(|| texts.iter().map(|t| Short::new(t)).collect::<Vec<_>>()))
                .collect();
            workers.into_iter().map(|w| w.join().unwrap()).collect()
        });
        for got in &shorts {
            assert_eq!(got.iter().map(Short::as_str).collect::<Vec<_>>(), texts);
            assert_eq!(got, &shorts[0]);
        }
        assert_eq!(shorts[0][0].bytes, shorts[3][50].bytes);
    }

    #[test]
    fn compares_and_hashes_as_its_text() {
        let long = "a memo longer than fourteen bytes";
        assert_eq!(Short::new(long), Short::new(long));
        assert!(Short::new("P0002") > Short::new("P0001"));
        assert!(Short::new("P00010") < Short::new(long));
        let mut m = HashMap::new();
        m.insert(Short::new("P0001"), 1);
        m.insert(Short::new(long), 2);
        assert_eq!(m.get("P0001"), Some(&1));
        assert_eq!(m.get(long), Some(&2));
        // Looked up by another `Short` of the same text: kept texts compare by their places.
        assert_eq!(m.get(&Short::new(long)), Some(&2));
        assert_eq!(m.get(&Short::new("P0001")), Some(&1));
        assert_eq!(m.get(&Short::new("a memo longer than fourteen bytez")), None);
        assert_ne!(Short::new(long), Short::new("a memo longer than fourteen bytez"));
        assert_ne!(Short::new("12345678901"), Short::new("1234567890"));
        // Hashed as its text is, by any hasher (the records' maps use rustc-hash).
        for s in ["", "P0001", "作业本、文具和剪刀", long] {
            let hash = |h: &dyn Fn(&mut rustc_hash::FxHasher)| {
                let mut state = rustc_hash::FxHasher::default();
                h(&mut state);
                state.finish()
            };
            assert_eq!(hash(&|st| Short::new(s).hash(st)), hash(&|st| s.hash(st)), "{s}");
        }
        let mut v: Vec<Short> = ["b", "a", "作业", "P10", "P9", ""].map(Short::new).to_vec();
        v.sort();
        let mut t = ["b", "a", "作业", "P10", "P9", ""];
        t.sort();
        assert_eq!(v.iter().map(Short::as_str).collect::<Vec<_>>(), t);
    }
}
