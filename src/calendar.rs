//! Working days and calendar months: the time base of every figure, and a base layer every
//! stage may use.
//!
//! A working day is Monday to Friday, minus the configured holidays.

use std::collections::BTreeSet;
use std::fmt;

use chrono::{Datelike, Days, NaiveDate, Weekday};

/// The years a date in the data or the settings may fall in, as said in messages. Anything
/// outside is a typo (an end date of 12/31/9999 would make every chart 8,000 years wide).
pub const HORIZON: &str = "from 2000-01-01 to 2099-12-31";

pub fn within_horizon(date: NaiveDate) -> bool {
    (2000..=2099).contains(&date.year())
}

/// Counts working days in O(1) plus the holidays in range.
#[derive(Debug, Clone, Default)]
pub struct WorkCalendar {
    /// Only holidays that fall on a weekday: a Saturday holiday costs no working day.
    holidays: BTreeSet<NaiveDate>,
}

impl WorkCalendar {
    pub fn new(holidays: &BTreeSet<NaiveDate>) -> WorkCalendar {
        let holidays = holidays.iter().copied().filter(|day| is_weekday(*day)).collect();
        WorkCalendar { holidays }
    }

    pub fn is_working_day(&self, day: NaiveDate) -> bool {
        is_weekday(day) && !self.holidays.contains(&day)
    }

    /// Working days from `first` to `last`, both included; 0 when `last < first`.
    pub fn working_days(&self, first: NaiveDate, last: NaiveDate) -> u32 {
        if last < first {
            return 0;
        }
        weekdays_between(first, last) - self.holidays.range(first..=last).count() as u32
    }

    /// The working days from `first` to `last`, in order.
    pub fn working_days_in(&self, first: NaiveDate, last: NaiveDate) -> impl Iterator<Item = NaiveDate> + '_ {
        first.iter_days().take_while(move |day| *day <= last).filter(|day| self.is_working_day(*day))
    }
}

fn is_weekday(day: NaiveDate) -> bool {
    !matches!(day.weekday(), Weekday::Sat | Weekday::Sun)
}

/// Monday-to-Friday days in `first..=last` (with `first <= last`), without visiting each day.
fn weekdays_between(first: NaiveDate, last: NaiveDate) -> u32 {
    let days = (last - first).num_days() as u32 + 1;
    let full_weeks = days / 7;
    let start = first.weekday().num_days_from_monday();
    let partial = (0..days % 7).filter(|offset| (start + offset) % 7 < 5).count() as u32;
    full_weeks * 5 + partial
}

/// A calendar month, shown as `YYYY-MM`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    pub year: i32,
    pub month: u32,
}

impl Month {
    pub fn of(day: NaiveDate) -> Month {
        Month { year: day.year(), month: day.month() }
    }

    /// Reads `YYYY-MM`.
    pub fn parse(text: &str) -> Option<Month> {
        let (year, month) = text.split_once('-')?;
        let valid = year.len() == 4 && month.len() == 2;
        let month = Month { year: year.parse().ok()?, month: month.parse().ok()? };
        (valid && (1..=12).contains(&month.month)).then_some(month)
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).expect("a month always has a first day")
    }

    pub fn last_day(self) -> NaiveDate {
        self.next().first_day() - Days::new(1)
    }

    pub fn next(self) -> Month {
        if self.month == 12 {
            Month { year: self.year + 1, month: 1 }
        } else {
            Month { year: self.year, month: self.month + 1 }
        }
    }

    /// Every month from `first` to `last`, both included.
    pub fn range(first: Month, last: Month) -> impl Iterator<Item = Month> {
        std::iter::successors(Some(first), move |month| Some(month.next()).filter(|next| *next <= last))
    }

    /// The part of `first..=last` inside this month, if any.
    pub fn clamp(self, first: NaiveDate, last: NaiveDate) -> Option<(NaiveDate, NaiveDate)> {
        let from = first.max(self.first_day());
        let to = last.min(self.last_day());
        (from <= to).then_some((from, to))
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl serde::Serialize for Month {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn working_days_across_a_month_boundary_and_a_holiday() {
        // Thu 2025-12-18 .. Fri 2026-01-09: weekdays Dec 18,19,22,23,24,25,26,29,30,31 (10)
        // and Jan 1,2,5,6,7,8,9 (7) = 17; holidays Dec 25 and Jan 1 leave 15. Dec 27 (Sat)
        // as a holiday changes nothing.
        let holidays = [day(2025, 12, 25), day(2026, 1, 1), day(2025, 12, 27)].into();
        let calendar = WorkCalendar::new(&holidays);
        assert_eq!(calendar.working_days(day(2025, 12, 18), day(2026, 1, 9)), 15);
        assert_eq!(calendar.working_days_in(day(2025, 12, 18), day(2026, 1, 9)).count(), 15);
    }

    #[test]
    fn weekends_and_empty_ranges_have_no_working_days() {
        let calendar = WorkCalendar::default();
        assert_eq!(calendar.working_days(day(2026, 11, 21), day(2026, 11, 22)), 0);
        assert_eq!(calendar.working_days(day(2026, 11, 23), day(2026, 11, 22)), 0);
        assert_eq!(calendar.working_days(day(2026, 11, 23), day(2026, 11, 23)), 1);
    }

    #[test]
    fn counting_matches_visiting_every_day() {
        let calendar = WorkCalendar::new(&[day(2026, 3, 4)].into());
        let first = day(2026, 2, 20);
        for length in 0..40 {
            let last = first + Days::new(length);
            let visited =
                first.iter_days().take(length as usize + 1).filter(|d| calendar.is_working_day(*d)).count();
            assert_eq!(calendar.working_days(first, last) as usize, visited, "{last}");
        }
    }

    #[test]
    fn months_parse_step_and_clamp() {
        assert_eq!(Month::parse("2026-10"), Some(Month { year: 2026, month: 10 }));
        assert_eq!(Month::parse("2026-13"), None);
        assert_eq!(Month::parse("2026-1"), None);
        let december = Month { year: 2025, month: 12 };
        assert_eq!(december.next().to_string(), "2026-01");
        assert_eq!(december.last_day(), day(2025, 12, 31));
        assert_eq!(Month::range(december, Month { year: 2026, month: 2 }).count(), 3);
        assert_eq!(
            december.clamp(day(2025, 11, 20), day(2025, 12, 3)),
            Some((day(2025, 12, 1), day(2025, 12, 3)))
        );
        assert_eq!(december.clamp(day(2026, 1, 2), day(2026, 1, 3)), None);
    }
}
