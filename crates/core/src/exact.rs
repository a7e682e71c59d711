//! Exact numbers for the scoring contract (`scoring.md` §0): decimals with at
//! most four places, stored as integers scaled by 10⁴, and reduced fractions.
//! Never floating point.

use crate::error::Msg;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::fmt;

/// A decimal with at most 4 places, as an integer scaled by 10⁴ (points,
/// weights, band thresholds). `Dec4(10_000)` is 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default)]
#[serde(transparent)]
pub struct Dec4(pub i64);

impl Dec4 {
    pub const ONE: Dec4 = Dec4(10_000);
    pub const ZERO: Dec4 = Dec4(0);

    pub fn from_int(n: i64) -> Self {
        Dec4(n * 10_000)
    }

    /// Parse `"0.35"`, `"80"`, `"-1.5"`; more than 4 decimal places is an error.
    pub fn parse(s: &str) -> Result<Self, Msg> {
        let bad = || Msg::new("err-decimal").arg("value", s.trim());
        let t = s.trim();
        let (neg, t) = match t.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, t),
        };
        let (int, frac) = t.split_once('.').unwrap_or((t, ""));
        if int.is_empty() && frac.is_empty() {
            return Err(bad());
        }
        if !int.chars().all(|c| c.is_ascii_digit()) || !frac.chars().all(|c| c.is_ascii_digit()) {
            return Err(bad());
        }
        if frac.len() > 4 {
            return Err(Msg::new("err-decimal-places").arg("value", s.trim()));
        }
        let int: i64 = if int.is_empty() { 0 } else { int.parse().map_err(|_| bad())? };
        let frac: i64 = format!("{frac:0<4}").parse().map_err(|_| bad())?;
        let v = int.checked_mul(10_000).and_then(|v| v.checked_add(frac)).ok_or_else(bad)?;
        Ok(Dec4(if neg { -v } else { v }))
    }

    pub fn as_frac(self) -> Frac {
        Frac::new(self.0, 10_000)
    }
}

impl fmt::Display for Dec4 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let a = self.0.unsigned_abs();
        let (int, frac) = (a / 10_000, a % 10_000);
        if frac == 0 {
            write!(f, "{sign}{int}")
        } else {
            let s = format!("{frac:04}");
            write!(f, "{sign}{int}.{}", s.trim_end_matches('0'))
        }
    }
}

impl std::iter::Sum for Dec4 {
    /// Saturating: weights read from a file can be anything, and a sum
    /// past the range is as wrong as any other sum that is not 1.
    fn sum<I: Iterator<Item = Dec4>>(iter: I) -> Self {
        Dec4(iter.fold(0i64, |a, d| a.saturating_add(d.0)))
    }
}

/// An exact fraction `num/den`, always reduced with `den > 0`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub struct Frac {
    num: i128,
    den: i128,
}

fn gcd(mut a: i128, mut b: i128) -> i128 {
    a = a.abs();
    b = b.abs();
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a.max(1)
}

impl Frac {
    pub const ZERO: Frac = Frac { num: 0, den: 1 };
    pub const ONE: Frac = Frac { num: 1, den: 1 };

    /// `num/den`, reduced. Panics if `den` is 0.
    pub fn new(num: impl Into<i128>, den: impl Into<i128>) -> Self {
        let (num, den) = (num.into(), den.into());
        assert!(den != 0, "zero denominator");
        let g = gcd(num, den);
        let s = if den < 0 { -1 } else { 1 };
        Frac { num: s * num / g, den: s * den / g }
    }

    pub fn num(self) -> i128 {
        self.num
    }

    pub fn den(self) -> i128 {
        self.den
    }

    /// Parse `"1/3"`, `"0.3"` or `"1"`.
    pub fn parse(s: &str) -> Result<Self, Msg> {
        let t = s.trim();
        let bad = || Msg::new("err-fraction").arg("value", t);
        if let Some((n, d)) = t.split_once('/') {
            // Within i64: two such terms multiply without overflow in i128.
            let n: i64 = n.trim().parse().map_err(|_| bad())?;
            let d: i64 = d.trim().parse().map_err(|_| bad())?;
            if d == 0 || n == i64::MIN || d == i64::MIN {
                return Err(bad());
            }
            return Ok(Frac::new(n, d));
        }
        // A whole number as it is (Dec4 would scale it by 10⁴ first).
        if let Ok(n) = t.parse::<i64>()
            && n != i64::MIN
        {
            return Ok(Frac::new(n, 1));
        }
        Dec4::parse(t).map(Dec4::as_frac).map_err(|_| bad())
    }

    /// ⌊self⌋.
    pub fn floor(self) -> i128 {
        self.num.div_euclid(self.den)
    }

    pub fn mul_int(self, n: i128) -> Frac {
        Frac::new(self.num * n, self.den)
    }
}

impl std::ops::Add for Frac {
    type Output = Frac;
    fn add(self, o: Frac) -> Frac {
        Frac::new(self.num * o.den + o.num * self.den, self.den * o.den)
    }
}

impl std::ops::Mul for Frac {
    type Output = Frac;
    fn mul(self, o: Frac) -> Frac {
        Frac::new(self.num * o.num, self.den * o.den)
    }
}

impl Ord for Frac {
    fn cmp(&self, o: &Self) -> Ordering {
        (self.num * o.den).cmp(&(o.num * self.den))
    }
}

impl PartialOrd for Frac {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}

impl fmt::Display for Frac {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.den == 1 { write!(f, "{}", self.num) } else { write!(f, "{}/{}", self.num, self.den) }
    }
}

impl From<Frac> for String {
    fn from(f: Frac) -> String {
        f.to_string()
    }
}

impl TryFrom<String> for Frac {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        Frac::parse(&s).map_err(|m| m.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn decimals_parse_exactly() {
        assert_eq!(Dec4::parse("0.35"), Ok(Dec4(3_500)));
        assert_eq!(Dec4::parse("80"), Ok(Dec4(800_000)));
        assert_eq!(Dec4::parse(".5"), Ok(Dec4(5_000)));
        assert_eq!(Dec4::parse("-1.25"), Ok(Dec4(-12_500)));
        assert_eq!(Dec4::parse("0.12345").unwrap_err().key, "err-decimal-places");
        assert!(Dec4::parse("1e3").is_err());
        assert!(Dec4::parse("").is_err());
        assert_eq!(Dec4(9_500).to_string(), "0.95");
        assert_eq!(Dec4(800_000).to_string(), "80");
    }

    #[test]
    fn fractions_are_reduced_and_compare_exactly() {
        assert_eq!(Frac::parse("2/6").unwrap(), Frac::new(1, 3));
        assert_eq!(Frac::parse("0.3").unwrap(), Frac::new(3, 10));
        assert!(Frac::new(1, 3) > Frac::parse("0.3333").unwrap());
        assert_eq!(Frac::new(3, 10).mul_int(7).floor(), 2);
        assert_eq!(Frac::new(-1, 2).floor(), -1);
        assert_eq!(Frac::new(1, -2), Frac::new(-1, 2));
        assert_eq!(Frac::new(1, 3) + Frac::new(1, 6), Frac::new(1, 2));
        assert_eq!(Frac::new(1007, 12).to_string(), "1007/12");
        assert!(Frac::parse("1/0").is_err());
    }

    proptest! {
        #[test]
        fn decimal_display_round_trips(v in -10_000_000i64..10_000_000) {
            let d = Dec4(v);
            prop_assert_eq!(Dec4::parse(&d.to_string()), Ok(d));
        }

        #[test]
        fn fraction_order_matches_cross_multiplication(a in -1000i64..1000, b in 1i64..1000, c in -1000i64..1000, d in 1i64..1000) {
            let (x, y) = (Frac::new(a, b), Frac::new(c, d));
            prop_assert_eq!(x < y, i128::from(a) * i128::from(d) < i128::from(c) * i128::from(b));
        }
    }
}
