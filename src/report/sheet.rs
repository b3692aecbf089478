//! A report's tables as sheets of typed cells: csv writes a sheet as text, xlsx writes every
//! sheet of a report into one workbook ([`super::xlsx`]). A report says its tables once, here.

use std::borrow::Cow;

use rust_decimal::Decimal;

use crate::records::date::{parse_date, push_date};
use crate::records::{Date, Money};

/// One table: its name (a workbook's sheet name), its headers in the report's language, and its
/// rows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Sheet {
    pub name: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// A value of a table, typed so that a spreadsheet gets numbers and dates, not text that looks
/// like them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Cell {
    #[default]
    Empty,
    /// Text as it is: a name, a label, a note. Never a formula, whatever it starts with.
    Text(String),
    /// Yuan, exact.
    Money(Money),
    Date(Date),
    /// A whole number: pupils, days, rows.
    Count(i64),
    /// A decimal that is not money (a mean score), with the places it was written with.
    Number(Decimal),
}

impl Cell {
    /// The cell as csv writes it: money with two decimals, dates `YYYY-MM-DD`.
    pub fn text(&self) -> Cow<'_, str> {
        match self {
            Cell::Empty => Cow::Borrowed(""),
            Cell::Text(s) => Cow::Borrowed(s),
            Cell::Money(m) => Cow::Owned(m.to_string()),
            Cell::Date(d) => {
                let mut s = String::with_capacity(10);
                push_date(*d, &mut s);
                Cow::Owned(s)
            }
            Cell::Count(n) => Cow::Owned(n.to_string()),
            Cell::Number(d) => Cow::Owned(d.to_string()),
        }
    }

    /// Money from its text (`280.00`, `-12.50`); text that is not money stays text.
    pub fn money(s: &str) -> Cell {
        typed(s, |s| Money::parse(s).ok().map(Cell::Money))
    }

    /// A date from its text (`2026-09-01`); text that is not a date stays text.
    pub fn date(s: &str) -> Cell {
        typed(s, |s| parse_date(s).ok().map(Cell::Date))
    }

    /// A decimal from its text (`4.25`); text that is not a number stays text.
    pub fn number(s: &str) -> Cell {
        let plain = |s: &str| s.bytes().all(|b| b.is_ascii_digit() || b == b'.' || b == b'-');
        typed(s, |s| plain(s).then(|| s.parse::<Decimal>().ok().map(Cell::Number)).flatten())
    }
}

fn typed(s: &str, parse: impl Fn(&str) -> Option<Cell>) -> Cell {
    if s.is_empty() {
        Cell::Empty
    } else {
        parse(s).unwrap_or_else(|| Cell::Text(s.to_owned()))
    }
}

/// A value of a report's context as a cell: text as text, whole numbers as counts, nothing as
/// empty. Money, dates and decimals, which contexts hold as text, are typed by
/// [`Typed`].
pub trait ToCell {
    fn cell(&self) -> Cell;
}

impl ToCell for str {
    fn cell(&self) -> Cell {
        if self.is_empty() {
            Cell::Empty
        } else {
            Cell::Text(self.to_owned())
        }
    }
}

impl ToCell for String {
    fn cell(&self) -> Cell {
        self.as_str().cell()
    }
}

impl<T: ToCell + ?Sized> ToCell for &T {
    fn cell(&self) -> Cell {
        (**self).cell()
    }
}

impl<T: ToCell> ToCell for Option<T> {
    fn cell(&self) -> Cell {
        self.as_ref().map_or(Cell::Empty, ToCell::cell)
    }
}

impl ToCell for bool {
    fn cell(&self) -> Cell {
        Cell::Text(self.to_string())
    }
}

macro_rules! count_cells {
    ($($t:ty),*) => {$(
        impl ToCell for $t {
            fn cell(&self) -> Cell {
                i64::try_from(*self).map_or_else(|_| Cell::Text(self.to_string()), Cell::Count)
            }
        }
    )*};
}
count_cells!(u8, u32, u64, usize, i32, i64);

/// Text of a context that holds money, a date or a decimal, as the typed cell.
pub trait Typed {
    fn money(&self) -> Cell;
    fn date(&self) -> Cell;
    fn number(&self) -> Cell;
}

impl Typed for str {
    fn money(&self) -> Cell {
        Cell::money(self)
    }
    fn date(&self) -> Cell {
        Cell::date(self)
    }
    fn number(&self) -> Cell {
        Cell::number(self)
    }
}

impl<T: Typed + ?Sized> Typed for &T {
    fn money(&self) -> Cell {
        (**self).money()
    }
    fn date(&self) -> Cell {
        (**self).date()
    }
    fn number(&self) -> Cell {
        (**self).number()
    }
}

impl<S: AsRef<str>> Typed for Option<S> {
    fn money(&self) -> Cell {
        self.as_ref().map_or(Cell::Empty, |s| Cell::money(s.as_ref()))
    }
    fn date(&self) -> Cell {
        self.as_ref().map_or(Cell::Empty, |s| Cell::date(s.as_ref()))
    }
    fn number(&self) -> Cell {
        self.as_ref().map_or(Cell::Empty, |s| Cell::number(s.as_ref()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_cells_write_back_as_their_text() {
        for s in ["280.00", "-12.50", "0.00"] {
            assert!(matches!(Cell::money(s), Cell::Money(_)), "{s}");
            assert_eq!(Cell::money(s).text(), s);
        }
        assert_eq!(Cell::date("2026-09-01").text(), "2026-09-01");
        assert!(matches!(Cell::date("2026-09-01"), Cell::Date(_)));
        assert_eq!(Cell::number("4.50").text(), "4.50");
        assert!(matches!(Cell::number("4.50"), Cell::Number(_)));
        assert_eq!(3usize.cell(), Cell::Count(3));
        assert_eq!("".cell(), Cell::Empty);
        assert_eq!(None::<String>.money(), Cell::Empty);
        // What is not money, a date or a number stays the text it was.
        assert_eq!(Cell::money("—"), Cell::Text("—".into()));
        assert_eq!(Cell::date("2026/9/1"), Cell::Text("2026/9/1".into()));
        assert_eq!(Cell::number("1e5"), Cell::Text("1e5".into()));
        assert_eq!(Cell::number("=1+1"), Cell::Text("=1+1".into()));
    }
}
