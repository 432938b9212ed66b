//! Hours held exactly: an integer number of hundredths of an hour.
//!
//! Hours are summed, compared and subtracted to decide whether an allocation is used up or
//! overrun, so they must not drift the way binary floating point does (0.1 + 0.2 of 0.3 h is
//! exactly used up). A cell may hold at most two decimals. Shares of an activity or an
//! allocation (spread over working days) are rounded to the hundredth, and split so that the
//! parts always add up to the whole.

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Neg, Sub, SubAssign};

/// Hundredths in one hour.
const SCALE: i64 = 100;

/// The largest number of hours one cell may hold: anything larger is a typo, and the limit
/// keeps every sum far from overflow. (The message in [`HoursError::expected`] says it.)
pub const MAX_CELL_HOURS: i64 = 1_000_000;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Hours(i64);

/// Why a cell is not a number of hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HoursError {
    NotANumber,
    TooPrecise,
    TooLarge,
}

impl HoursError {
    /// What was expected, as said to the person fixing the cell.
    pub fn expected(self) -> String {
        match self {
            HoursError::NotANumber => "expected a number such as 2, 2.5 or 1,100".to_string(),
            HoursError::TooPrecise => {
                "expected at most two decimals (hours are counted in hundredths), such as 2.25".to_string()
            }
            HoursError::TooLarge => "expected at most 1,000,000 hours".to_string(),
        }
    }
}

impl Hours {
    pub const ZERO: Hours = Hours(0);

    pub const fn from_hundredths(hundredths: i64) -> Hours {
        Hours(hundredths)
    }

    pub const fn whole(hours: i64) -> Hours {
        Hours(hours * SCALE)
    }

    pub const fn hundredths(self) -> i64 {
        self.0
    }

    pub fn as_f64(self) -> f64 {
        self.0 as f64 / SCALE as f64
    }

    /// The nearest hundredth of a computed value (a rate times a number of days).
    pub fn rounded(value: f64) -> Hours {
        Hours((value * SCALE as f64).round() as i64)
    }

    /// A number as Airtable writes it: `2`, `2.5`, `-1`, `1,100`, `1,234.5`. Commas are accepted
    /// only as thousands separators (`2,5` is rejected, not read as 2.5 or 25); decimals beyond
    /// the second must be zeros.
    pub fn parse(text: &str) -> Result<Hours, HoursError> {
        // Cells come trimmed: look at characters only when an end is not plain ASCII.
        let plain = |byte: Option<&u8>| byte.is_some_and(|byte| (0x21..0x7f).contains(byte));
        let text =
            if plain(text.as_bytes().first()) && plain(text.as_bytes().last()) { text } else { text.trim() };
        match Hours::parse_plain(text.as_bytes()) {
            Some(hours) => Ok(hours),
            None => Hours::parse_any(text),
        }
    }

    /// The cell nearly every row has, `2`, `2.5` or `12.25`: one to six digits, then maybe a
    /// dot and one or two digits, read in one pass; `None` for anything else, which
    /// [`Hours::parse_any`] reads. Only a shortcut to the number it gives.
    fn parse_plain(bytes: &[u8]) -> Option<Hours> {
        let dot = bytes.iter().position(|byte| *byte == b'.').unwrap_or(bytes.len());
        let (integer, fraction) = (&bytes[..dot], bytes.get(dot + 1..).unwrap_or_default());
        if !(1..=6).contains(&integer.len()) || (dot < bytes.len() && !(1..=2).contains(&fraction.len())) {
            return None;
        }
        let digits = |part: &[u8]| {
            part.iter()
                .try_fold(0, |value, byte| byte.is_ascii_digit().then(|| value * 10 + i64::from(byte - b'0')))
        };
        let cents = match fraction.len() {
            0 => 0,
            1 => digits(fraction)? * 10,
            _ => digits(fraction)?,
        };
        Some(Hours(digits(integer)? * SCALE + cents))
    }

    /// [`Hours::parse`] of trimmed text, by the general rules.
    fn parse_any(text: &str) -> Result<Hours, HoursError> {
        let (negative, unsigned) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (integer, fraction) = match memchr::memchr(b'.', unsigned.as_bytes()) {
            Some(dot) => (&unsigned[..dot], Some(&unsigned[dot + 1..])),
            None => (unsigned, None),
        };
        if !valid_integer_part(integer)
            || !fraction.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err(HoursError::NotANumber);
        }
        let fraction = fraction.unwrap_or("").as_bytes();
        let (kept, dropped) = fraction.split_at(fraction.len().min(2));
        if dropped.iter().any(|b| *b != b'0') {
            return Err(HoursError::TooPrecise);
        }
        // Validated above: ASCII digits and thousands commas only, so no text is built.
        let digits = integer.bytes().filter(|b| *b != b',');
        if digits.clone().count() > 7 {
            return Err(HoursError::TooLarge);
        }
        let whole = digits.fold(0i64, |value, digit| value * 10 + i64::from(digit - b'0'));
        if whole > MAX_CELL_HOURS {
            return Err(HoursError::TooLarge);
        }
        // One decimal is tenths: `2.5` is 50 hundredths.
        let cents = kept
            .iter()
            .chain(std::iter::repeat(&b'0'))
            .take(2)
            .fold(0, |value, digit| value * 10 + i64::from(digit - b'0'));
        let value = whole * SCALE + cents;
        if value > MAX_CELL_HOURS * SCALE {
            return Err(HoursError::TooLarge);
        }
        Ok(Hours(if negative { -value } else { value }))
    }

    /// `self × numerator / denominator`, rounded to the nearest hundredth (half away from
    /// zero); zero when the denominator is.
    pub fn share(self, numerator: u32, denominator: u32) -> Hours {
        if denominator == 0 {
            return Hours::ZERO;
        }
        let scaled = i128::from(self.0) * i128::from(numerator);
        let denominator = i128::from(denominator);
        let rounded = (2 * scaled + scaled.signum() * denominator) / (2 * denominator);
        Hours(rounded as i64)
    }

    /// Splits `self` in proportion to `weights`, to the hundredth, so that the parts add up to
    /// exactly `self` (largest remainders get the leftover hundredths; ties go to the earlier
    /// part). All zero weights give equal parts.
    pub fn apportion(self, weights: &[u64]) -> Vec<Hours> {
        if weights.is_empty() {
            return Vec::new();
        }
        let total: u128 = weights.iter().map(|w| u128::from(*w)).sum();
        let weights: Vec<u128> = if total == 0 {
            vec![1; weights.len()]
        } else {
            weights.iter().map(|w| u128::from(*w)).collect()
        };
        let total: u128 = weights.iter().sum();
        let magnitude = u128::from(self.0.unsigned_abs());
        let mut parts: Vec<u128> = weights.iter().map(|w| magnitude * w / total).collect();
        let mut left = magnitude - parts.iter().sum::<u128>();
        let mut order: Vec<usize> = (0..weights.len()).collect();
        order.sort_by_key(|i| std::cmp::Reverse(magnitude * weights[*i] % total));
        for index in order {
            if left == 0 {
                break;
            }
            parts[index] += 1;
            left -= 1;
        }
        let sign = self.0.signum();
        parts.into_iter().map(|part| Hours(sign * part as i64)).collect()
    }

    /// The part above zero: `max(self, 0)`.
    pub fn positive(self) -> Hours {
        Hours(self.0.max(0))
    }

    pub fn is_zero(self) -> bool {
        self.0 == 0
    }
}

fn valid_integer_part(integer: &str) -> bool {
    if !integer.is_empty() && integer.bytes().all(|b| b.is_ascii_digit()) {
        return true;
    }
    let mut groups = integer.split(',');
    let first = groups.next().unwrap_or_default();
    let first_ok = !first.is_empty() && first.bytes().all(|b| b.is_ascii_digit());
    let has_groups = integer.len() > first.len();
    first_ok
        && (!has_groups || first.len() <= 3)
        && groups.all(|group| group.len() == 3 && group.bytes().all(|b| b.is_ascii_digit()))
}

impl fmt::Display for Hours {
    /// `2`, `2.5`, `2.25`, `-0.1`: no trailing zeros.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let magnitude = self.0.unsigned_abs();
        let (whole, cents) = (magnitude / SCALE as u64, magnitude % SCALE as u64);
        match cents {
            0 => write!(f, "{sign}{whole}"),
            c if c % 10 == 0 => write!(f, "{sign}{whole}.{}", c / 10),
            c => write!(f, "{sign}{whole}.{c:02}"),
        }
    }
}

impl serde::Serialize for Hours {
    /// A JSON number: `2.5`.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_f64(self.as_f64())
    }
}

impl Add for Hours {
    type Output = Hours;
    fn add(self, other: Hours) -> Hours {
        Hours(self.0 + other.0)
    }
}

impl Sub for Hours {
    type Output = Hours;
    fn sub(self, other: Hours) -> Hours {
        Hours(self.0 - other.0)
    }
}

impl Neg for Hours {
    type Output = Hours;
    fn neg(self) -> Hours {
        Hours(-self.0)
    }
}

impl AddAssign for Hours {
    fn add_assign(&mut self, other: Hours) {
        self.0 += other.0;
    }
}

impl SubAssign for Hours {
    fn sub_assign(&mut self, other: Hours) {
        self.0 -= other.0;
    }
}

impl Sum for Hours {
    fn sum<I: Iterator<Item = Hours>>(iter: I) -> Hours {
        Hours(iter.map(|h| h.0).sum())
    }
}

impl<'a> Sum<&'a Hours> for Hours {
    fn sum<I: Iterator<Item = &'a Hours>>(iter: I) -> Hours {
        Hours(iter.map(|h| h.0).sum())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The shortcut reads a cell as the general rules do, or leaves it to them.
        #[test]
        fn plain_cells_read_as_the_general_rules_read_them(
            text in "[0-9.,-]{0,10}|[0-9]{1,7}(\\.[0-9]{0,3})?",
        ) {
            if let Some(hours) = Hours::parse_plain(text.as_bytes()) {
                proptest::prop_assert_eq!(Ok(hours), Hours::parse_any(&text));
            }
            proptest::prop_assert_eq!(Hours::parse(&text), Hours::parse_any(&text));
        }
    }

    #[test]
    fn the_shortcut_takes_the_common_cells() {
        for (text, hundredths) in
            [("2", 200), ("2.5", 250), ("12.25", 1225), ("0", 0), ("007.1", 710), ("999999.99", 99_999_999)]
        {
            assert_eq!(Hours::parse_plain(text.as_bytes()), Some(Hours(hundredths)), "{text}");
        }
        for text in ["", ".", "2.", ".5", "1,000", "-1", "2.505", "1000000", " 2"] {
            assert_eq!(Hours::parse_plain(text.as_bytes()), None, "{text}");
        }
    }

    fn h(text: &str) -> Hours {
        Hours::parse(text).unwrap()
    }

    #[test]
    fn tenths_add_up_exactly() {
        assert_eq!(h("0.1") + h("0.2"), h("0.3"));
        let ten: Hours = std::iter::repeat_n(h("0.1"), 10).sum();
        assert_eq!(ten, Hours::whole(1));
    }

    #[test]
    fn cells_are_read_like_airtable_writes_them() {
        assert_eq!(h("1,100"), Hours::whole(1100));
        assert_eq!(h(" 2.5 "), Hours::from_hundredths(250));
        assert_eq!(h("1,234.25"), Hours::from_hundredths(123_425));
        assert_eq!(h("-3"), Hours::whole(-3));
        assert_eq!(h("2.500"), h("2.5"));
        for text in ["2,5", "1,10", "", "abc", "1.2.3", "12,3456", ".5", "5.", "1e3", "NaN", "inf", "+1"] {
            assert_eq!(Hours::parse(text), Err(HoursError::NotANumber), "{text}");
        }
        assert_eq!(Hours::parse("0.125"), Err(HoursError::TooPrecise));
        assert_eq!(Hours::parse(&"9".repeat(400)), Err(HoursError::TooLarge));
        assert_eq!(Hours::parse("1,000,000.01"), Err(HoursError::TooLarge));
        assert_eq!(h("1,000,000"), Hours::whole(1_000_000));
    }

    #[test]
    fn shown_without_trailing_zeros() {
        assert_eq!(h("2").to_string(), "2");
        assert_eq!(h("2.5").to_string(), "2.5");
        assert_eq!(h("2.25").to_string(), "2.25");
        assert_eq!(h("-0.1").to_string(), "-0.1");
    }

    #[test]
    fn shares_round_to_the_hundredth_and_apportion_exactly() {
        // 10 h over 3 working days, 1 elapsed: 3.333… → 3.33.
        assert_eq!(Hours::whole(10).share(1, 3), h("3.33"));
        assert_eq!(Hours::whole(10).share(2, 3), h("6.67"));
        assert_eq!(Hours::whole(10).share(3, 3), Hours::whole(10));
        // 10 h over weights 1:1:1 → 3.34, 3.33, 3.33: the parts add up to the whole.
        let parts = Hours::whole(10).apportion(&[1, 1, 1]);
        assert_eq!(parts, [h("3.34"), h("3.33"), h("3.33")]);
        assert_eq!(parts.iter().sum::<Hours>(), Hours::whole(10));
        assert_eq!(h("1").apportion(&[0, 0]), [h("0.5"), h("0.5")]);
        assert_eq!(h("-1").apportion(&[1, 2]), [h("-0.33"), h("-0.67")]);
    }

    #[test]
    fn a_thousands_group_follows_at_most_three_digits_and_subtraction_assigns() {
        // "1234,567" is not 1,234,567 mistyped into 1234567: a first group has 1 to 3 digits.
        assert_eq!(Hours::parse("1234,567"), Err(HoursError::NotANumber));
        assert_eq!(h("234,567"), Hours::whole(234_567));
        let mut left = h("3");
        left -= h("1.25");
        assert_eq!(left, h("1.75"));
    }
}
