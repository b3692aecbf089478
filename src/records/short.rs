//! Short text kept inside the record that holds it.
//!
//! A ledger row's text fields are mostly a few bytes (`P00003`, `2026-09`, a receipt number, a
//! collector's name). As `String`s, a district's million rows made four million allocations and
//! a quarter of a gigabyte of memory that the machine had to fault in; as `Short`s they take
//! 16 bytes each in the row, with no allocation for anything up to 14 bytes.

use std::borrow::Borrow;
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;

/// Bytes held inline; longer text goes to the heap.
const INLINE: usize = 14;

#[derive(Clone)]
pub struct Short(Repr);

#[derive(Clone)]
enum Repr {
    Inline { len: u8, bytes: [u8; INLINE] },
    // Boxed twice so that the pointer is thin and the whole value stays 16 bytes.
    Heap(Box<Box<str>>),
}

impl Short {
    pub fn new(s: &str) -> Short {
        let b = s.as_bytes();
        if b.len() <= INLINE {
            let mut bytes = [0; INLINE];
            bytes[..b.len()].copy_from_slice(b);
            Short(Repr::Inline { len: b.len() as u8, bytes })
        } else {
            Short(Repr::Heap(Box::new(s.into())))
        }
    }

    /// The text's bytes, without checking them again: comparing and hashing need no more (a
    /// `str` compares and hashes as its bytes do).
    pub fn as_bytes(&self) -> &[u8] {
        match &self.0 {
            Repr::Inline { len, bytes } => bytes.get(..*len as usize).unwrap_or_default(),
            Repr::Heap(s) => s.as_bytes(),
        }
    }

    pub fn as_str(&self) -> &str {
        match &self.0 {
            // Inline bytes are always a whole `&str` copied in `new`, so this never fails; the
            // empty fallback only keeps the function total.
            Repr::Inline { len, bytes } => std::str::from_utf8(&bytes[..*len as usize]).unwrap_or_default(),
            Repr::Heap(s) => s,
        }
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
        self.as_bytes() == other.as_bytes()
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

    #[test]
    fn fits_in_sixteen_bytes_even_as_an_option() {
        assert_eq!(std::mem::size_of::<Short>(), 16);
        assert_eq!(std::mem::size_of::<Option<Short>>(), 16);
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
