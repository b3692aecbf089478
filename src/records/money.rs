//! Money: yuan as an exact decimal, never a binary float.

use rust_decimal::Decimal;
use std::fmt;
use std::ops::{Add, AddAssign, Neg, Sub, SubAssign};
use std::str::FromStr;

use crate::findings::Msg;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Money(Decimal);

impl Money {
    pub const ZERO: Money = Money(Decimal::ZERO);

    /// Reads `280`, `280.5`, `280.00`, `-3.20`. Refuses signs other than a leading `-`,
    /// currency signs, thousands separators and exponents.
    ///
    /// ```
    /// use care::records::Money;
    /// let fee = Money::parse("280.5").unwrap();
    /// assert_eq!(fee.to_string(), "280.50");
    /// assert_eq!((fee + Money::parse("0.5").unwrap()).to_string(), "281.00");
    /// assert!(Money::parse("¥280").is_err());
    /// assert!(Money::parse("1,000").is_err());
    /// ```
    pub fn parse(s: &str) -> Result<Money, Msg> {
        Money::parse_within(s, 15)
    }

    /// [`Money::parse`] for a total: a month's fees or a term's surplus, summed from amounts of
    /// up to 15 digits, may have more (up to 24, still exact).
    pub fn parse_total(s: &str) -> Result<Money, Msg> {
        Money::parse_within(s, 24)
    }

    fn parse_within(s: &str, int_digits: usize) -> Result<Money, Msg> {
        if let Some(m) = Money::plain(s, int_digits) {
            return Ok(m);
        }
        Money::parse_general(s, int_digits)
    }

    /// Digits with at most one point and nothing else, up to 18 of them, read in one pass: the
    /// amounts of nearly every row (a district's million took 29 ms of a check through
    /// [`Money::parse_general`], which reads them several times over). `None` for anything
    /// else, which the general reading reads or refuses; `plain_amounts_read_as_in_general`
    /// holds the two equal.
    fn plain(s: &str, int_digits: usize) -> Option<Money> {
        let b = s.as_bytes();
        if b.is_empty() || b.len() > 19 {
            return None;
        }
        let (mut n, mut point) = (0u64, None);
        for (i, &c) in b.iter().enumerate() {
            match c {
                b'0'..=b'9' => n = n * 10 + u64::from(c - b'0'),
                b'.' if point.is_none() => point = Some(i),
                _ => return None,
            }
        }
        let (int, frac) = point.map_or((b.len(), 0), |i| (i, b.len() - i - 1));
        if int == 0 || int > int_digits || (point.is_some() && frac == 0) || frac > 12 {
            return None;
        }
        let scale = u32::try_from(frac).ok()?;
        Decimal::try_from_i128_with_scale(i128::from(n), scale).ok().map(Money)
    }

    /// [`Money::parse_within`] of any text.
    fn parse_general(s: &str, int_digits: usize) -> Result<Money, Msg> {
        let t = s.trim();
        let digits = t.strip_prefix('-').unwrap_or(t);
        // Looked for as a byte: `split_once('.')` compared each match through a call (2% of a
        // check's samples went to reading amounts' points).
        let (int, frac) = match digits.bytes().position(|b| b == b'.') {
            Some(i) => (&digits[..i], Some(&digits[i + 1..])),
            None => (digits, None),
        };
        let ok = !int.is_empty()
            && int.bytes().all(|b| b.is_ascii_digit())
            && frac.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()))
            && int.len() <= int_digits
            && frac.is_none_or(|f| f.len() <= 12)
            && int.len() + frac.map_or(0, str::len) <= 28;
        if !ok {
            return Err(Msg::new(
                format!("金额“{t}”无法识别；请写成不带货币符号和千位分隔符的数字，如 280.00"),
                format!(
                    "“{t}” is not an amount of money; write digits with at most two decimals, no currency sign or thousands separator, e.g. 280.00"
                ),
            ));
        }
        // Digits alone, without a sign: the exact decimal without the general parser.
        if t.len() == digits.len() {
            let frac = frac.unwrap_or("");
            let mantissa = int.bytes().chain(frac.bytes()).fold(0i128, |n, c| n * 10 + i128::from(c - b'0'));
            if let Ok(d) = Decimal::try_from_i128_with_scale(mantissa, frac.len() as u32) {
                return Ok(Money(d));
            }
        }
        Decimal::from_str(t)
            .map(Money)
            .map_err(|_| Msg::new(format!("金额“{t}”无法识别"), format!("“{t}” is not an amount of money")))
    }

    pub fn from_fen(fen: i128) -> Money {
        Money(Decimal::from_i128_with_scale(fen, 2))
    }

    /// The amount in fen, when it has at most two decimals.
    pub fn to_fen(self) -> Option<i128> {
        if let Some(fen) = self.whole_fen() {
            return Some(fen);
        }
        let d = self.0 * Decimal::ONE_HUNDRED;
        if d.fract().is_zero() {
            d.trunc().mantissa().checked_div(10i128.pow(d.trunc().scale()))
        } else {
            None
        }
    }

    /// How many decimal places were written.
    pub fn decimals(self) -> u32 {
        self.0.normalize().scale()
    }

    pub fn is_zero(self) -> bool {
        self.0.is_zero()
    }

    pub fn is_negative(self) -> bool {
        self.0.is_sign_negative() && !self.0.is_zero()
    }

    pub fn is_positive(self) -> bool {
        self.0.is_sign_positive() && !self.0.is_zero()
    }

    pub fn abs(self) -> Money {
        Money(self.0.abs())
    }

    pub fn decimal(self) -> Decimal {
        self.0
    }

    pub fn sum<I: IntoIterator<Item = Money>>(it: I) -> Money {
        it.into_iter().fold(Money::ZERO, |a, b| a + b)
    }
}

impl From<Decimal> for Money {
    fn from(d: Decimal) -> Self {
        Money(d)
    }
}

/// Always two decimals: `280.00`. Amounts with more places (which `check` rejects) are shown as
/// written rather than rounded, so nothing is hidden.
impl Money {
    /// The amount in whole fen when it has at most two places, as nearly all amounts do.
    fn whole_fen(self) -> Option<i128> {
        let scale = self.0.scale();
        if scale > 2 {
            return None;
        }
        self.0.mantissa().checked_mul(10i128.pow(2 - scale))
    }

    /// Appends the amount as `Display` writes it, without the formatting machinery when it is
    /// whole fen: digests write every row's amount.
    pub fn push_to(self, s: &mut String) {
        let mut buf = [0u8; 48];
        match self.fen_text(&mut buf) {
            // A sign, digits and a point: always UTF-8.
            Some(text) => s.push_str(std::str::from_utf8(text).unwrap_or_default()),
            None => {
                use fmt::Write;
                let _ = write!(s, "{self}");
            }
        }
    }

    /// [`Money::push_to`] onto bytes (a digest's lines are bytes).
    pub fn push_bytes_to(self, v: &mut Vec<u8>) {
        let mut buf = [0u8; 48];
        match self.fen_text(&mut buf) {
            Some(text) => v.extend_from_slice(text),
            None => v.extend_from_slice(self.to_string().as_bytes()),
        }
    }

    /// The text of an amount in whole fen, written from the right into `buf`; `None` for one
    /// with more places, or too large to count in 64 bits (no real amount: `Display` writes
    /// those, dividing 128-bit numbers, which is slow).
    fn fen_text(self, buf: &mut [u8; 48]) -> Option<&[u8]> {
        let signed = self.whole_fen()?;
        let fen = u64::try_from(signed.unsigned_abs()).ok()?;
        let mut at = buf.len();
        let mut put = |b: u8| {
            at -= 1;
            buf[at] = b;
        };
        // Digits from the right: fen, fen, point, then the yuan (at least one digit).
        let digit = |n: u64| b'0' + (n % 10) as u8;
        put(digit(fen));
        put(digit(fen / 10));
        put(b'.');
        let mut yuan = fen / 100;
        loop {
            put(digit(yuan));
            yuan /= 10;
            if yuan == 0 {
                break;
            }
        }
        if signed < 0 {
            put(b'-');
        }
        Some(&buf[at..])
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(fen) = self.whole_fen() {
            let sign = if fen < 0 { "-" } else { "" };
            let fen = fen.unsigned_abs();
            return write!(f, "{sign}{}.{:02}", fen / 100, fen % 100);
        }
        let mut d = self.0.normalize();
        if d.scale() < 2 {
            d.rescale(2);
        }
        if d.is_zero() {
            d = Decimal::new(0, 2);
        }
        write!(f, "{d}")
    }
}

impl Add for Money {
    type Output = Money;
    fn add(self, o: Money) -> Money {
        Money(self.0 + o.0)
    }
}
impl Sub for Money {
    type Output = Money;
    fn sub(self, o: Money) -> Money {
        Money(self.0 - o.0)
    }
}
impl Neg for Money {
    type Output = Money;
    fn neg(self) -> Money {
        Money(-self.0)
    }
}
impl AddAssign for Money {
    fn add_assign(&mut self, o: Money) {
        self.0 += o.0;
    }
}
impl SubAssign for Money {
    fn sub_assign(&mut self, o: Money) {
        self.0 -= o.0;
    }
}
impl std::iter::Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        Money::sum(iter)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// Read in one pass, an amount is what the general reading makes of it: the same value
        /// and the same places, or left to it.
        #[test]
        fn plain_amounts_read_as_in_general(s in "[0-9.]{0,22}|-?[0-9]{1,4}(\\.[0-9]{0,3})? ?", int_digits in 1usize..25) {
            if let Some(m) = Money::plain(&s, int_digits) {
                let general = Money::parse_general(&s, int_digits);
                proptest::prop_assert!(general.is_ok(), "{s:?}");
                let g = general.unwrap_or_default();
                proptest::prop_assert_eq!(m.0, g.0);
                proptest::prop_assert_eq!(m.0.scale(), g.0.scale());
            } else {
                proptest::prop_assert!(
                    Money::parse_general(&s, int_digits).is_err() || s.len() > 19 || !s.bytes().all(|b| b.is_ascii_digit() || b == b'.'),
                    "{s:?} is plain and read in general, but not in one pass"
                );
            }
        }
    }

    fn m(s: &str) -> Money {
        Money::parse(s).unwrap()
    }

    #[test]
    fn push_to_writes_what_display_does() {
        let mut values: Vec<Money> = [
            "0",
            "-0",
            "0.5",
            "-0.05",
            "1",
            "9.99",
            "10",
            "280",
            "-280.5",
            "1234567.89",
            "0.001",
            "-12.345",
            "7.10",
        ]
        .iter()
        .map(|s| m(s))
        .collect();
        values.push(Money(Decimal::MAX));
        values.push(Money(Decimal::MIN));
        values.push(Money(Decimal::new(i64::MAX, 2)));
        // Either side of the largest fen counted in 64 bits.
        for fen in [i128::from(u64::MAX), i128::from(u64::MAX) + 1] {
            values.extend([Money::from_fen(fen), Money::from_fen(-fen)]);
        }
        for fen in (-100_000i128..100_000).step_by(997) {
            values.push(Money::from_fen(fen));
        }
        for v in values {
            let mut s = String::from("x");
            v.push_to(&mut s);
            assert_eq!(s, format!("x{v}"), "{v:?}");
            let mut b = b"x".to_vec();
            v.push_bytes_to(&mut b);
            assert_eq!(b, format!("x{v}").into_bytes(), "{v:?}");
        }
    }

    #[test]
    fn parses_what_the_spec_allows() {
        assert_eq!(m("280").to_string(), "280.00");
        assert_eq!(m("280.5").to_string(), "280.50");
        assert_eq!(m(" 280.00 ").to_string(), "280.00");
        assert_eq!(m("-3.2").to_string(), "-3.20");
        assert_eq!(m("0").to_string(), "0.00");
        assert_eq!(m("1.005").decimals(), 3);
        assert_eq!(m("280.50").decimals(), 1);
    }

    #[test]
    fn refuses_what_it_does_not() {
        for bad in ["", "¥280", "1,000", "1e3", "+5", "abc", "2.", ".5", "NaN", "1 000"] {
            assert!(Money::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_fast_path_reads_what_the_general_parser_reads() {
        for s in [
            "0",
            "00",
            "280",
            "280.5",
            "280.00",
            "007.10",
            "123456789012345.123456789012",
            "0.000",
        ] {
            let d = Decimal::from_str(s).unwrap();
            let got = m(s).decimal();
            assert_eq!((got.mantissa(), got.scale()), (d.mantissa(), d.scale()), "{s}");
        }
    }

    #[test]
    fn totals_may_be_longer_than_amounts() {
        let total = "2999999999999997.00";
        assert!(Money::parse(total).is_err());
        assert_eq!(Money::parse_total(total).unwrap().to_string(), total);
        assert_eq!(
            Money::parse_total("999999999999999999999999.99").unwrap().to_fen(),
            Some(99999999999999999999999999)
        );
        assert!(Money::parse_total("1000000000000000000000000").is_err());
    }

    #[test]
    fn exact_sums() {
        let total: Money = ["0.10", "0.20", "0.30"].iter().map(|s| m(s)).sum();
        assert_eq!(total, m("0.6"));
        assert_eq!(m("280.10").to_fen(), Some(28010));
        assert_eq!(m("-0.01").to_fen(), Some(-1));
        assert_eq!(m("1.005").to_fen(), None);
        assert_eq!(m("12.340").to_fen(), Some(1234));
        assert_eq!(m("7").to_fen(), Some(700));
        assert_eq!(m("-1.5").to_fen(), Some(-150));
        assert_eq!(Money::from_fen(-1234).to_string(), "-12.34");
    }

    #[test]
    fn display_agrees_with_the_decimal() {
        for s in [
            "0",
            "-0",
            "-0.00",
            "280",
            "280.5",
            "-3.2",
            "0.05",
            "-0.05",
            "12.345",
            "1.000",
            "123456789012345.12",
        ] {
            let d = Decimal::from_str(s).unwrap();
            let mut n = d.normalize();
            if n.scale() < 2 {
                n.rescale(2);
            }
            if n.is_zero() {
                n = Decimal::new(0, 2);
            }
            assert_eq!(Money(d).to_string(), n.to_string(), "{s}");
        }
    }
}
