//! Dates `YYYY-MM-DD`, months `YYYY-MM`, times `HH:MM`.

use chrono::{Datelike, NaiveDate, NaiveTime};
use std::fmt;

use crate::findings::Msg;

pub type Date = NaiveDate;

thread_local! {
    /// The text of the last date this thread read in the common form, and the date.
    static LAST_DATE: std::cell::Cell<Option<([u8; 10], Date)>> = const { std::cell::Cell::new(None) };
}

pub fn parse_date(s: &str) -> Result<Date, Msg> {
    let t = s.trim();
    // The common case without chrono's format parser: every row of every file has dates.
    let b = t.as_bytes();
    if let Ok(text) = <[u8; 10]>::try_from(b) {
        // Rows come mostly in date order: the date of the row before is the likeliest, and
        // comparing ten bytes is cheaper than making a date again (2% of a district's check).
        if let Some((last, date)) = LAST_DATE.get()
            && text == last
        {
            return Ok(date);
        }
    }
    if b.len() == 10 && b[4] == b'-' && b[7] == b'-' {
        let number = |at: std::ops::Range<usize>| {
            b[at]
                .iter()
                .try_fold(0u32, |n, &c| c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0')))
        };
        if let (Some(y), Some(m), Some(d)) = (number(0..4), number(5..7), number(8..10))
            && let Some(date) = NaiveDate::from_ymd_opt(y as i32, m, d)
        {
            if let Ok(text) = <[u8; 10]>::try_from(b) {
                LAST_DATE.set(Some((text, date)));
            }
            return Ok(date);
        }
    }
    let shaped = t.len() == 10 && t.as_bytes()[4] == b'-' && t.as_bytes()[7] == b'-';
    match NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        Ok(d) if shaped => Ok(d),
        _ => Err(Msg::new(
            format!("日期“{t}”无效；请写成 2026-09-01 这样的格式（Excel 可能把日期改成 2026/9/1，请把该列设为文本）"),
            format!("“{t}” is not a date; write it as 2026-09-01 (Excel may have changed it to 2026/9/1: format the column as text)"),
        )),
    }
}

/// Appends the date as `Display` writes it (`2026-09-01`), without the formatting machinery for
/// years 0 to 9999: digests write a row's date for every row of every closed month.
pub fn push_date(d: Date, s: &mut String) {
    match ymd(d) {
        // Digits and dashes: always UTF-8.
        Some(text) => s.push_str(std::str::from_utf8(&text).unwrap_or_default()),
        None => {
            use fmt::Write;
            let _ = write!(s, "{d}");
        }
    }
}

/// [`push_date`] onto bytes (a digest's lines are bytes).
pub fn push_date_bytes(d: Date, v: &mut Vec<u8>) {
    match ymd(d) {
        Some(text) => v.extend_from_slice(&text),
        None => v.extend_from_slice(d.to_string().as_bytes()),
    }
}

/// `YYYY-MM-DD` for a year from 0 to 9999.
fn ymd(d: Date) -> Option<[u8; 10]> {
    let (y, m, day) = (d.year(), d.month(), d.day());
    let y = u32::try_from(y).ok().filter(|y| *y <= 9999)?;
    let digit = |n: u32| b'0' + (n % 10) as u8;
    Some([
        digit(y / 1000),
        digit(y / 100),
        digit(y / 10),
        digit(y),
        b'-',
        digit(m / 10),
        digit(m),
        b'-',
        digit(day / 10),
        digit(day),
    ])
}

pub fn parse_time(s: &str) -> Result<NaiveTime, Msg> {
    let t = s.trim();
    match NaiveTime::parse_from_str(t, "%H:%M") {
        Ok(v) if t.len() == 5 => Ok(v),
        _ => Err(Msg::new(
            format!("时间“{t}”无效；请写成 16:00 这样的格式"),
            format!("“{t}” is not a time; write it as 16:00"),
        )),
    }
}

/// A calendar month.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    pub year: i32,
    pub month: u32,
}

impl Month {
    pub fn parse(s: &str) -> Option<Month> {
        let t = s.trim();
        let (y, m) = t.split_once('-')?;
        if y.len() != 4 || m.len() != 2 || !y.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit()) {
            return None;
        }
        let month = Month {
            year: y.parse().ok()?,
            month: m.parse().ok()?,
        };
        (1..=12).contains(&month.month).then_some(month)
    }

    pub fn parse_msg(s: &str) -> Result<Month, Msg> {
        Month::parse(s).ok_or_else(|| {
            Msg::new(
                format!("月份“{}”无效；请写成 2026-09 这样的格式", s.trim()),
                format!("“{}” is not a month; write it as 2026-09", s.trim()),
            )
        })
    }

    pub fn of(d: Date) -> Month {
        Month {
            year: d.year(),
            month: d.month(),
        }
    }

    pub fn first_day(self) -> Date {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).unwrap_or(NaiveDate::MIN)
    }

    pub fn next(self) -> Month {
        if self.month == 12 {
            Month {
                year: self.year + 1,
                month: 1,
            }
        } else {
            Month {
                year: self.year,
                month: self.month + 1,
            }
        }
    }

    pub fn prev(self) -> Month {
        if self.month == 1 {
            Month {
                year: self.year - 1,
                month: 12,
            }
        } else {
            Month {
                year: self.year,
                month: self.month - 1,
            }
        }
    }

    pub fn last_day(self) -> Date {
        self.next().first_day().pred_opt().unwrap_or(NaiveDate::MAX)
    }

    pub fn contains(self, d: Date) -> bool {
        Month::of(d) == self
    }

    /// Its days, first to last: to tell of many dates whether they are in the month, comparing
    /// each with two days costs less than working out its month.
    pub fn days(self) -> std::ops::RangeInclusive<Date> {
        self.first_day()..=self.last_day()
    }

    /// Whether the month shares a day with the period from `start` to `end`, both included.
    pub fn overlaps(self, start: Date, end: Date) -> bool {
        self.first_day() <= end && start <= self.last_day()
    }

    /// The months from the one holding `start` to the one holding `end`.
    pub fn span(start: Date, end: Date) -> impl Iterator<Item = Month> {
        let last = Month::of(end);
        std::iter::successors(Some(Month::of(start)), |m| Some(m.next())).take_while(move |m| *m <= last)
    }
}

/// The month of each of many dates that come mostly in order (a ledger's rows): a date within
/// the month of the one before is told by comparing it with the month's first and last day,
/// instead of working out its month again (a million rows' months were a few percent of a
/// close).
#[derive(Clone, Copy, Default)]
pub struct MonthOfRuns {
    days: Option<(Date, Date, Month)>,
}

impl MonthOfRuns {
    /// [`Month::of`] the date.
    pub fn of(&mut self, d: Date) -> Month {
        match self.days {
            Some((first, last, m)) if first <= d && d <= last => m,
            _ => {
                let m = Month::of(d);
                self.days = Some((m.first_day(), m.last_day(), m));
                m
            }
        }
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The date of the row before is taken again only for the same text: every text, read
    /// after any other, reads as it does alone.
    #[test]
    fn a_date_reads_the_same_after_any_other() {
        let texts = [
            "2026-09-01",
            "2026-09-01",
            "2026-09-02",
            "2026-02-30",
            "2026-09-02",
            " 2026-09-02",
            "2026-9-2",
            "2026/09/02",
            "2026-09-02",
            "2024-02-29",
            "2023-02-29",
            "0000-01-01",
            "9999-12-31",
            "",
            "\0\0\0\0\0\0\0\0\0\0",
            "2026-09-0１",
            "2026-13-01",
        ];
        let alone = |t: &str| {
            let t = t.trim();
            let shaped = t.len() == 10 && t.as_bytes()[4] == b'-' && t.as_bytes()[7] == b'-';
            NaiveDate::parse_from_str(t, "%Y-%m-%d").ok().filter(|_| shaped)
        };
        for a in texts {
            for b in texts {
                assert_eq!(parse_date(a).ok(), alone(a), "{a:?}");
                assert_eq!(parse_date(b).ok(), alone(b), "{b:?} after {a:?}");
                assert_eq!(parse_date(b).ok(), alone(b), "{b:?} again");
            }
        }
    }

    #[test]
    fn months_of_dates_in_runs_are_their_months() {
        let mut runs = MonthOfRuns::default();
        for d in [
            "2026-09-01",
            "2026-09-30",
            "2026-09-15",
            "2026-10-01",
            "2026-08-31",
            "2026-09-01",
            "2024-02-29",
            "2024-03-01",
            "2024-02-01",
            "2026-12-31",
            "2027-01-01",
            "2026-12-01",
        ] {
            let d = parse_date(d).unwrap();
            assert_eq!(runs.of(d), Month::of(d), "{d}");
            for m in [Month::of(d), Month::of(d).next(), Month::parse("2026-09").unwrap()] {
                assert_eq!(m.days().contains(&d), m.contains(d), "{m} {d}");
            }
        }
        // The first and last days that a date can have.
        for d in [NaiveDate::MIN, NaiveDate::MAX, NaiveDate::MIN] {
            assert_eq!(runs.of(d), Month::of(d), "{d}");
        }
    }

    #[test]
    fn dates_are_strict() {
        assert!(parse_date("2026-09-01").is_ok());
        for bad in ["2026/9/1", "2026-9-1", "2026-02-30", "yesterday", "", "20260901"] {
            assert!(parse_date(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_fast_path_agrees_with_chrono() {
        for s in [
            "2026-09-01",
            " 2024-02-29 ",
            "0000-01-01",
            "9999-12-31",
            "2026-00-10",
            "2026-1a-01",
            "+026-09-01",
            "2026-09-1 ",
        ] {
            let chrono = NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
                .ok()
                .filter(|_| s.trim().len() == 10);
            assert_eq!(parse_date(s).ok(), chrono, "{s}");
        }
    }

    #[test]
    fn push_date_writes_what_display_does() {
        let mut days = vec![NaiveDate::MIN, NaiveDate::MAX];
        for y in [-1, 0, 1, 999, 2024, 2026, 9999, 10000] {
            days.extend(NaiveDate::from_ymd_opt(y, 1, 1));
            days.extend(NaiveDate::from_ymd_opt(y, 12, 31));
            days.extend(NaiveDate::from_ymd_opt(y, 2, 28));
        }
        for d in days {
            let mut s = String::from("x");
            push_date(d, &mut s);
            assert_eq!(s, format!("x{d}"));
            let mut b = b"x".to_vec();
            push_date_bytes(d, &mut b);
            assert_eq!(b, format!("x{d}").into_bytes());
        }
    }

    #[test]
    fn months() {
        let m = Month::parse("2026-02").unwrap();
        assert_eq!(m.last_day().to_string(), "2026-02-28");
        assert_eq!(Month::parse("2026-12").unwrap().next().to_string(), "2027-01");
        assert_eq!(Month::parse("2027-01").unwrap().prev().to_string(), "2026-12");
        assert!(Month::parse("2026-13").is_none());
        assert!(Month::parse("2026-1").is_none());
        let d = |s| parse_date(s).unwrap();
        let all: Vec<String> = Month::span(d("2026-09-01"), d("2027-01-22")).map(|m| m.to_string()).collect();
        assert_eq!(all, ["2026-09", "2026-10", "2026-11", "2026-12", "2027-01"]);
    }

    #[test]
    fn times() {
        assert!(parse_time("16:00").is_ok());
        assert!(parse_time("4pm").is_err());
    }
}
