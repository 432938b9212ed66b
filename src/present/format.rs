//! How numbers and dates read in sentences, tables and terminal output: shared by the
//! terminal, the JSON and the pages so that a figure reads the same everywhere.

use crate::calendar::Month;
use crate::hours::Hours;

/// Hours with at most one decimal and no trailing zero: `6`, `2.5`, `28.8`.
pub fn hours(value: f64) -> String {
    let rounded = (value * 10.0).round() / 10.0;
    if rounded.fract() == 0.0 {
        format!("{rounded:.0}")
    } else {
        format!("{rounded:.1}")
    }
}

pub use crate::text::thousands;

/// Hours with thousands separators, for large totals: `1,100`, `12,345.5`.
pub fn hours_grouped(value: f64) -> String {
    let text = hours(value);
    let (integer, fraction) = text.split_once('.').map_or((text.as_str(), None), |(i, f)| (i, Some(f)));
    let grouped = crate::text::group_digits(integer);
    match fraction {
        Some(fraction) => format!("{grouped}.{fraction}"),
        None => grouped,
    }
}

/// A whole percentage: `48%`.
pub fn percent(value: f64) -> String {
    format!("{value:.0}%")
}

/// Money with thousands separators and no cents: `12,300 USD`.
pub fn money(value: f64, currency: &str) -> String {
    format!("{} {currency}", hours_grouped(value.round()))
}

/// Rounds to `decimals` places for machine-readable output.
pub use crate::rounding::round;

/// Exact hours as people read them, one decimal at most: `6`, `2.5`.
pub fn h(value: Hours) -> String {
    hours(value.as_f64())
}

/// Exact hours with thousands separators: `1,100`.
pub fn h_grouped(value: Hours) -> String {
    hours_grouped(value.as_f64())
}

/// [`h`], or nothing for no hours: a template leaves out a line it has no hours for.
pub fn h_or_blank(value: Hours) -> String {
    if value.is_zero() {
        String::new()
    } else {
        h(value)
    }
}

/// [`h_grouped`], or nothing for no hours.
pub fn h_grouped_or_blank(value: Hours) -> String {
    if value.is_zero() {
        String::new()
    } else {
        h_grouped(value)
    }
}

/// A moment as the pages state it: its day as people write it and its UTC clock time.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Moment {
    /// `1 November 2026`.
    pub date: String,
    /// `06:00`, UTC.
    pub time: String,
}

impl Moment {
    pub fn of(moment: chrono::DateTime<chrono::Utc>) -> Moment {
        Moment { date: long_date(moment.date_naive()), time: moment.format("%H:%M").to_string() }
    }
}

/// A date as people write it: `31 August 2026`.
pub fn long_date(date: chrono::NaiveDate) -> String {
    date.format("%-d %B %Y").to_string()
}

/// A range of dates as people write it: `1–31 October 2026`, `1 October – 31 December 2026`,
/// `1 July 2025 – 30 June 2026`.
pub fn date_range(first: chrono::NaiveDate, last: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    if first.year() != last.year() {
        format!("{} – {}", long_date(first), long_date(last))
    } else if first.month() != last.month() {
        format!("{} – {}", first.format("%-d %B"), long_date(last))
    } else {
        format!("{}–{}", first.day(), long_date(last))
    }
}

/// Months as people write them: `October 2026`, `August – October 2026`, `November 2025 –
/// January 2026`.
pub fn month_range(first: Month, last: Month) -> String {
    if first == last {
        month_name(first)
    } else if first.year == last.year {
        format!("{} – {}", first.first_day().format("%B"), month_name(last))
    } else {
        format!("{} – {}", month_name(first), month_name(last))
    }
}

/// `October 2026`.
pub fn month_name(month: Month) -> String {
    month.first_day().format("%B %Y").to_string()
}

const BAR_WIDTH: usize = 10;

/// `██████░░░░`: usage out of ten cells, full when used up or overrun.
pub fn usage_bar(used: Hours, available: Hours) -> String {
    let (used, available) = (used.as_f64(), available.as_f64());
    let filled = if available > 0.0 { (used / available * BAR_WIDTH as f64).round() as usize } else { 0 };
    let filled = filled.min(BAR_WIDTH);
    format!("{}{}", "█".repeat(filled), "░".repeat(BAR_WIDTH - filled))
}

/// The first line of a description (its one-line title) and the rest (the outcome).
pub fn title_and_body(description: &str) -> (String, String) {
    let mut lines = description.trim().lines();
    let title = lines.next().unwrap_or_default().trim().to_string();
    let body = lines.collect::<Vec<_>>().join("\n").trim().to_string();
    (title, body)
}

/// An allocation's name without its community prefix, for pages about that community:
/// `Río Claro Data & Society — Open data clinics 2026 Q3` → `Open data clinics 2026 Q3`.
pub fn short_name(name: &str, community: &str) -> String {
    let rest =
        name.strip_prefix(community).map(|rest| rest.trim_start_matches([' ', '—', '–', '-', ':', ',']));
    match rest {
        Some(rest) if !rest.is_empty() && rest.len() < name.len() => rest.to_string(),
        _ => name.to_string(),
    }
}

/// Hours in all, every one of them: each reader sees the same names, and `available = used −
/// overrun + left_now + not_started + expired`. Overrun and outside are empty when zero.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Totals {
    pub available: String,
    pub used: String,
    pub left_now: String,
    pub not_started: String,
    pub expired: String,
    pub overrun: String,
    /// Hours delivered outside the allocations' windows: they draw on none.
    pub outside: String,
}

impl Totals {
    pub fn of(hours: &crate::figures::allocations::HoursTotals) -> Totals {
        Totals {
            available: h_grouped(hours.available),
            used: h_grouped(hours.used),
            left_now: h_grouped(hours.left_now),
            not_started: h_grouped(hours.not_started),
            expired: h_grouped(hours.expired),
            overrun: h_grouped_or_blank(hours.overrun),
            outside: h_grouped_or_blank(hours.outside),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bar_fills_in_tenths_and_caps_overruns() {
        assert_eq!(usage_bar(Hours::ZERO, Hours::whole(4)), "░░░░░░░░░░");
        assert_eq!(usage_bar(Hours::whole(1), Hours::whole(4)), "███░░░░░░░");
        assert_eq!(usage_bar(Hours::whole(6), Hours::whole(4)), "██████████");
    }

    #[test]
    fn dates_read_like_people_write_them() {
        let day = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(long_date(day(2026, 8, 31)), "31 August 2026");
        assert_eq!(date_range(day(2026, 10, 1), day(2026, 10, 31)), "1–31 October 2026");
        assert_eq!(date_range(day(2026, 10, 1), day(2026, 12, 31)), "1 October – 31 December 2026");
        assert_eq!(date_range(day(2025, 7, 1), day(2026, 6, 30)), "1 July 2025 – 30 June 2026");
    }

    #[test]
    fn hours_read_naturally() {
        assert_eq!(hours(6.0), "6");
        assert_eq!(hours(2.5), "2.5");
        assert_eq!(hours(28.8181), "28.8");
        assert_eq!(hours(3.96), "4");
        assert_eq!(hours_grouped(1100.0), "1,100");
        assert_eq!(hours_grouped(1234567.25), "1,234,567.3");
        assert_eq!(hours_grouped(-1100.0), "-1,100");
        assert_eq!(money(12345.6, "USD"), "12,346 USD");
        assert_eq!(percent(47.6), "48%");
        assert_eq!(round(-0.0001, 2), 0.0);
        assert_eq!(round(2.345678, 3), 2.346);
    }
}
