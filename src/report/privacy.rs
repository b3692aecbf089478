//! Privacy of minors in public reports: pupils' and guardians' names masked, phone numbers never
//! shown, also where a clerk typed them into free text such as a memo.

use super::mask::mask;
use crate::records::Records;
use crate::records::fast_hash::FastSet;

pub struct Privacy {
    on: bool,
    /// Full names of pupils and guardians, longest first so that 欧阳娜娜 is replaced before a
    /// shorter name inside it. Each is masked when a text holds it: most never appear in one.
    names: Vec<String>,
    phones: Vec<String>,
    name_lookup: Lookup,
    phone_lookup: Lookup,
}

/// Which of many strings a text may contain, by their first few characters: a district's roster
/// has tens of thousands of names and phone numbers, a memo a few characters. Names are looked up
/// by their first two characters; phone numbers by their first five, since most start with the
/// same two digits.
struct Lookup {
    width: usize,
    /// The key of each string's first `width` characters, and where the string is; sorted, so
    /// that the strings a start may begin are found by a binary search (no allocation a string:
    /// a report or an export builds this for every school).
    by_start: Vec<(Start, usize)>,
    /// Strings to try on any text: those shorter than `width` characters, those whose start is
    /// too long for a key, and those starting with `*` or a space, which masking itself writes
    /// into the text.
    always: Vec<usize>,
    /// The first character of every key: a place in a text where none of them stands starts
    /// no string (a receipt number starts no name, nor, mostly, any phone number), and is not
    /// looked up.
    firsts: FastSet<char>,
}

/// The bytes of a string's first characters, as a number, and how many there are.
type Start = (u128, usize);

/// The key of `start`; `None` when it is longer than a key holds.
fn start_key(start: &str) -> Option<Start> {
    let b = start.as_bytes();
    let mut k = [0u8; 16];
    k.get_mut(..b.len())?.copy_from_slice(b);
    Some((u128::from_be_bytes(k), b.len()))
}

impl Lookup {
    fn new<'a>(width: usize, items: impl Iterator<Item = &'a str>) -> Lookup {
        let mut l = Lookup {
            width,
            by_start: Vec::new(),
            always: Vec::new(),
            firsts: FastSet::default(),
        };
        for (i, s) in items.enumerate() {
            let end = s.char_indices().nth(width).map_or(s.len(), |(at, _)| at);
            let start = &s[..end];
            let key = (start.chars().count() == width && !start.contains(['*', ' ']))
                .then(|| start_key(start))
                .flatten();
            match key {
                Some(k) => {
                    l.by_start.push((k, i));
                    l.firsts.extend(start.chars().next());
                }
                None => l.always.push(i),
            }
        }
        l.by_start.sort_unstable();
        l
    }

    /// The positions, in order, of the strings that can be in `text`, or in it after masks (which
    /// add only `*`, spaces and characters already there) replace some of them.
    fn candidates(&self, text: &str) -> Vec<usize> {
        let bounds: Vec<usize> = text.char_indices().map(|(i, _)| i).chain([text.len()]).collect();
        let mut v = self.always.clone();
        for w in bounds.windows(self.width + 1) {
            let start = &text[w[0]..w[self.width]];
            if !start.chars().next().is_some_and(|c| self.firsts.contains(&c)) {
                continue;
            }
            let Some(key) = start_key(start) else {
                continue;
            };
            let from = self.by_start.partition_point(|(k, _)| *k < key);
            v.extend(self.by_start[from..].iter().take_while(|(k, _)| *k == key).map(|&(_, i)| i));
        }
        v.sort_unstable();
        v.dedup();
        v
    }
}

impl Privacy {
    /// `on`: mask (public reports, unless --no-mask).
    pub fn new(records: &Records, on: bool) -> Privacy {
        // Each name once (a district's roster repeats many), longest first, names of one length
        // in byte order; sorted as borrowed text and then copied.
        let mut seen: FastSet<&str> = FastSet::default();
        let mut by_length: Vec<(std::cmp::Reverse<usize>, &str)> = records
            .pupils
            .iter()
            .flat_map(|p| [p.name.trim(), p.guardian.trim()])
            .filter(|n| seen.insert(n))
            .map(|n| (std::cmp::Reverse(n.chars().count()), n))
            .filter(|(std::cmp::Reverse(chars), _)| *chars >= 2)
            .collect();
        by_length.sort_unstable();
        let names: Vec<String> = by_length.into_iter().map(|(_, n)| n.to_owned()).collect();
        let phones: Vec<String> = records
            .pupils
            .iter()
            .filter_map(|p| p.phone.as_deref())
            .map(str::trim)
            .filter(|p| p.len() >= 5)
            .map(str::to_owned)
            .collect();
        let name_lookup = Lookup::new(2, names.iter().map(String::as_str));
        let phone_lookup = Lookup::new(5, phones.iter().map(String::as_str));
        Privacy {
            on,
            names,
            phones,
            name_lookup,
            phone_lookup,
        }
    }

    pub fn is_on(&self) -> bool {
        self.on
    }

    /// A pupil's or guardian's name as the report shows it.
    pub fn name(&self, full: &str) -> String {
        if self.on { mask(full) } else { full.to_owned() }
    }

    /// Free text (a memo, a category) with the names of pupils and guardians masked and phone
    /// numbers hidden.
    pub fn text(&self, free: &str) -> String {
        if !self.on {
            return free.to_owned();
        }
        let mut s = free.to_owned();
        for i in self.name_lookup.candidates(&s) {
            let full = &self.names[i];
            if s.contains(full.as_str()) {
                s = s.replace(full.as_str(), &mask(full));
            }
        }
        for i in self.phone_lookup.candidates(&s) {
            let phone = &self.phones[i];
            if s.contains(phone.as_str()) {
                s = s.replace(phone.as_str(), "***");
            }
        }
        hide_mobile_numbers(&s)
    }

    pub fn opt_text(&self, free: Option<&str>) -> Option<String> {
        free.map(|f| self.text(f))
    }
}

/// Any run of 11 digits that starts with 1 (a mainland mobile number) becomes `***`. Digits
/// are ASCII, so a run starts and ends on a character's boundary; text without such a run (a
/// district's disclosure masks tens of thousands of receipts and memos) is copied once.
fn hide_mobile_numbers(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let (mut kept, mut i) = (0, 0);
    while i < b.len() {
        if !b[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i - start == 11 && b[start] == b'1' {
            out.push_str(&s[kept..start]);
            out.push_str("***");
            kept = i;
        }
    }
    out.push_str(&s[kept..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::Pupil;

    fn records() -> Records {
        let p = Pupil {
            id: "P0001".into(),
            name: "欧阳娜娜".into(),
            grade: 1,
            class: "1".into(),
            guardian: "欧阳建".into(),
            phone: Some("13910007919".into()),
            signed_by: "欧阳建".into(),
            ..crate::records::roster::tests::pupil("P0001")
        };
        Records {
            pupils: vec![p],
            ..Default::default()
        }
    }

    #[test]
    fn names_and_phones_in_free_text() {
        let p = Privacy::new(&records(), true);
        assert_eq!(p.name("欧阳娜娜"), "欧阳*娜");
        assert_eq!(p.text("退欧阳娜娜学费，联系欧阳建 13910007919"), "退欧阳*娜学费，联系欧阳* ***");
        assert_eq!(
            p.text("电话 13800138000；凭证 R0001；金额 28560.00"),
            "电话 ***；凭证 R0001；金额 28560.00"
        );
        // Numbers that are not mobile numbers are hidden when the roster has them, wherever they
        // stand in the text; five characters are enough to be looked up.
        let mut r = records();
        let mut other = r.pupils[0].clone();
        other.phone = Some("0571-8765432".into());
        let mut short = r.pupils[0].clone();
        short.phone = Some("12345".into());
        r.pupils.extend([other, short]);
        let p = Privacy::new(&r, true);
        assert_eq!(p.text("家长电话0571-8765432，分机12345"), "家长电话***，分机***");
        assert_eq!(p.text("0571-876543"), "0571-876543");
        let off = Privacy::new(&records(), false);
        assert_eq!(off.text("欧阳娜娜 13910007919"), "欧阳娜娜 13910007919");
    }

    /// What [`Privacy::text`] does, trying every name and phone number in turn.
    fn plain(p: &Privacy, free: &str) -> String {
        let mut s = free.to_owned();
        for full in &p.names {
            if s.contains(full.as_str()) {
                s = s.replace(full.as_str(), &mask(full));
            }
        }
        for phone in &p.phones {
            if s.contains(phone.as_str()) {
                s = s.replace(phone.as_str(), "***");
            }
        }
        hide_by_chars(&s)
    }

    /// [`hide_mobile_numbers`] a character at a time, as it was written first.
    fn hide_by_chars(s: &str) -> String {
        let chars: Vec<char> = s.chars().collect();
        let mut out = String::new();
        let mut i = 0;
        while i < chars.len() {
            if chars[i].is_ascii_digit() {
                let start = i;
                while i < chars.len() && chars[i].is_ascii_digit() {
                    i += 1;
                }
                let run: String = chars[start..i].iter().collect();
                out.push_str(if run.len() == 11 && run.starts_with('1') { "***" } else { &run });
            } else {
                out.push(chars[i]);
                i += 1;
            }
        }
        out
    }

    #[test]
    fn mobile_numbers_are_hidden_where_they_stand() {
        assert_eq!(hide_mobile_numbers("13910007919"), "***");
        assert_eq!(hide_mobile_numbers("电话13910007919，备用 13800138000。"), "电话***，备用 ***。");
        // Not eleven digits, or not starting with 1: left as they are.
        assert_eq!(
            hide_mobile_numbers("139100079190 1391000791 23910007919"),
            "139100079190 1391000791 23910007919"
        );
        assert_eq!(hide_mobile_numbers(""), "");
    }

    proptest::proptest! {
        #[test]
        fn mobile_numbers_are_hidden_as_a_character_at_a_time_hides_them(text in "(1[0-9]{9,11}|[0-9]{1,4}|[电 a１,-])*") {
            proptest::prop_assert_eq!(hide_mobile_numbers(&text), hide_by_chars(&text));
        }

        #[test]
        fn the_lookup_masks_what_trying_every_name_masks(
            names in proptest::collection::vec("[王李欧阳娜建* a]{1,5}", 1..12),
            phones in proptest::collection::vec("[0-9-]{3,8}", 0..4),
            text in "[王李欧阳娜建* a0-9-]{0,30}",
        ) {
            let pupils = names
                .chunks(2)
                .enumerate()
                .map(|(i, pair)| Pupil {
                    name: pair[0].clone(),
                    guardian: pair.get(1).cloned().unwrap_or_default(),
                    phone: phones.get(i).cloned(),
                    ..crate::records::roster::tests::pupil(&format!("P{i}"))
                })
                .collect();
            let r = Records { pupils, ..Default::default() };
            let p = Privacy::new(&r, true);
            proptest::prop_assert_eq!(p.text(&text), plain(&p, &text));
        }
    }
}
