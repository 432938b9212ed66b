//! Allocation planning: a project's SoW phrase "Up to N hours / month|quarter|year" expands into
//! one allocation per period across the project's dates, as rows to import into Airtable.
//!
//! Periods follow the calendar (quarters reset Jan 1, Apr 1, Jul 1, Oct 1, seed 002); the first
//! and last are cut to the project's dates and keep the full N hours, since the SoW promises
//! "up to N hours" in each period. Periods an existing allocation of the project already
//! overlaps are marked, so only the missing ones are imported.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::calendar::Month;
use crate::model::{Dataset, Project};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Period {
    Month,
    Quarter,
    Year,
}

/// "Up to 4 hours / quarter by …": 4 hours each quarter.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CapacityPhrase {
    pub hours: f64,
    pub period: Period,
}

/// Reads the phrase; `None` when it has no per-period budget ("Up to 40 hours by …").
pub fn parse_capacity(text: &str) -> Option<CapacityPhrase> {
    let lower = text.trim().to_lowercase();
    let rest = lower.strip_prefix("up to")?.trim_start();
    let (number, rest) = rest.split_once(' ')?;
    let hours = crate::hours::Hours::parse(number).ok()?.as_f64();
    let rest = rest
        .trim_start()
        .strip_prefix("hours")
        .or_else(|| rest.trim_start().strip_prefix("hour"))?
        .trim_start();
    let rest = rest
        .strip_prefix('/')
        .or_else(|| rest.strip_prefix("per "))
        .or_else(|| rest.strip_prefix("a "))?
        .trim_start();
    let period = match rest.split(|c: char| !c.is_ascii_alphabetic()).next()? {
        "month" => Period::Month,
        "quarter" => Period::Quarter,
        "year" => Period::Year,
        _ => return None,
    };
    (hours > 0.0).then_some(CapacityPhrase { hours, period })
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlannedAllocation {
    pub name: String,
    pub project: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub hours: f64,
    /// The existing allocation that already covers (part of) this period, if any.
    pub existing: Option<String>,
}

/// The calendar period containing `day`: (first day, last day, label).
fn period_of(day: NaiveDate, period: Period) -> (NaiveDate, NaiveDate, String) {
    let month = Month::of(day);
    match period {
        Period::Month => (month.first_day(), month.last_day(), month.first_day().format("%B %Y").to_string()),
        Period::Quarter => {
            let quarter = (day.month() - 1) / 3;
            let first = Month { year: day.year(), month: quarter * 3 + 1 };
            let last = Month { year: day.year(), month: quarter * 3 + 3 };
            (first.first_day(), last.last_day(), format!("{} Q{}", day.year(), quarter + 1))
        }
        Period::Year => {
            let first = Month { year: day.year(), month: 1 };
            let last = Month { year: day.year(), month: 12 };
            (first.first_day(), last.last_day(), day.year().to_string())
        }
    }
}

/// One allocation per period of the project's dates, or `None` when the project has no
/// per-period phrase or no dates.
pub fn plan_project(dataset: &Dataset, project: &Project) -> Option<Vec<PlannedAllocation>> {
    let phrase = parse_capacity(&project.capacity)?;
    let (start, end) = (project.start?, project.end?);
    let mut planned = Vec::new();
    let mut day = start;
    while day <= end {
        let (first, last, label) = period_of(day, phrase.period);
        let (from, to) = (first.max(start), last.min(end));
        let existing = project
            .allocations
            .iter()
            .map(|index| &dataset.allocations[*index])
            .find(|allocation| allocation.start <= to && allocation.end >= from)
            .map(|allocation| allocation.name.clone());
        planned.push(PlannedAllocation {
            name: format!("{} {label}", project.name),
            project: project.name.clone(),
            start: from,
            end: to,
            hours: phrase.hours,
            existing,
        });
        day = last.succ_opt()?;
    }
    Some(planned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phrases_with_a_period_are_read() {
        let quarter = parse_capacity("Up to 4 hours / quarter by 2i2c's Product and Services Team");
        assert_eq!(quarter, Some(CapacityPhrase { hours: 4.0, period: Period::Quarter }));
        assert_eq!(parse_capacity("up to 1,100 hours per year").map(|p| p.hours), Some(1100.0));
        assert_eq!(parse_capacity("Up to 2.5 hours a month").map(|p| p.period), Some(Period::Month));
        assert_eq!(parse_capacity("Up to 40 hours by 2i2c's team"), None);
        assert_eq!(parse_capacity("Up to 1,100 hours between January 2025 and December 2027"), None);
        assert_eq!(parse_capacity("About 4 hours / quarter"), None);
    }

    #[test]
    fn quarters_reset_on_the_calendar_and_are_cut_to_the_project() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(
            period_of(day(2026, 2, 2), Period::Quarter),
            (day(2026, 1, 1), day(2026, 3, 31), "2026 Q1".to_string())
        );
        assert_eq!(period_of(day(2026, 11, 30), Period::Quarter).2, "2026 Q4");
        assert_eq!(period_of(day(2026, 2, 2), Period::Month).1, day(2026, 2, 28));
    }
}
