//! Allocation planning: a project's SoW phrase "Up to N hours / month|quarter|year" expands
//! into one allocation per period across the project's dates, as rows to import into Airtable.
//!
//! - Months and quarters follow the calendar (quarters reset Jan 1, Apr 1, Jul 1, Oct 1, seed
//!   002); years are contract years counted from the project's start date (a July–June
//!   contract of two years is two years, not three calendar years).
//! - A period cut by the project's dates gets its hours pro-rated by working days, rounded to
//!   the nearest half hour (unless asked to keep the full amount).
//! - A period counts as already allocated when the project's existing allocations cover at
//!   least half of its working days.

use chrono::{Datelike, Months, NaiveDate};
use serde::Serialize;

use crate::calendar::{Month, WorkCalendar};
use crate::hours::Hours;
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
    pub hours: Hours,
    pub period: Period,
}

/// Why a project's capacity phrase gives no plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhraseProblem {
    /// Not "Up to N hours …" at all.
    NotAPhrase,
    /// A budget with no period ("Up to 40 hours by …").
    NoPeriod,
    /// "Up to 0 hours": nothing to allocate.
    NoHours,
}

/// Reads the phrase: "Up to 4 hours / quarter", "up to 1,100 hrs per year", "Up to 8 h
/// quarterly", "Up to 2.5 hours a month", "up to 6 hr / qtr", "Up to 20 hours annually".
pub fn parse_capacity(text: &str) -> Result<CapacityPhrase, PhraseProblem> {
    let lower = text.trim().to_lowercase();
    let rest = lower.strip_prefix("up to").ok_or(PhraseProblem::NotAPhrase)?.trim_start();
    let (number, rest) = rest.split_once(char::is_whitespace).ok_or(PhraseProblem::NotAPhrase)?;
    let hours = Hours::parse(number).map_err(|_| PhraseProblem::NotAPhrase)?;
    let mut words = rest.split(|c: char| c.is_whitespace() || c == '/').filter(|w| !w.is_empty());
    let unit = words.next().ok_or(PhraseProblem::NotAPhrase)?;
    if !["hours", "hour", "hrs", "hr", "h"].contains(&unit) {
        return Err(PhraseProblem::NotAPhrase);
    }
    let period = words
        .find_map(|word| period_word(word.trim_end_matches(|c: char| !c.is_ascii_alphabetic())))
        .ok_or(PhraseProblem::NoPeriod)?;
    if hours <= Hours::ZERO {
        return Err(PhraseProblem::NoHours);
    }
    Ok(CapacityPhrase { hours, period })
}

fn period_word(word: &str) -> Option<Period> {
    match word {
        "month" | "monthly" | "mo" => Some(Period::Month),
        "quarter" | "quarterly" | "qtr" => Some(Period::Quarter),
        "year" | "yearly" | "annually" | "annual" | "yr" => Some(Period::Year),
        _ => None,
    }
}

/// One period of a project's plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlannedAllocation {
    pub name: String,
    pub project: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub hours: Hours,
    /// How the hours of a period cut by the project's dates were pro-rated, if they were.
    pub prorated: Option<Proration>,
    /// The existing allocation covering most of this period, when allocations cover at least
    /// half of its working days.
    pub existing: Option<String>,
}

/// A cut period's hours: the phrase's `full` hours × `working_days` / `of`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Proration {
    pub full: Hours,
    pub working_days: u32,
    pub of: u32,
}

impl PlannedAllocation {
    /// Still to be allocated.
    pub fn is_missing(&self) -> bool {
        self.existing.is_none()
    }

    /// Whether `plan` lists it: with `all`, every planned allocation; otherwise those still to
    /// be allocated whose period has not ended by `as_of` (a past gap is history, not work).
    pub fn is_listed(&self, all: bool, as_of: NaiveDate) -> bool {
        all || (self.is_missing() && self.end >= as_of)
    }
}

/// How to plan.
#[derive(Debug, Clone, Copy)]
pub struct PlanOptions {
    /// Cut periods get hours in proportion to their working days.
    pub prorate: bool,
}

/// A period's full extent and its label, for the period starting on or containing `day`.
fn period_at(day: NaiveDate, period: Period, project_start: NaiveDate) -> (NaiveDate, NaiveDate, String) {
    match period {
        Period::Month => {
            let month = Month::of(day);
            (month.first_day(), month.last_day(), month.first_day().format("%B %Y").to_string())
        }
        Period::Quarter => {
            let quarter = (day.month() - 1) / 3;
            let first = Month { year: day.year(), month: quarter * 3 + 1 };
            let last = Month { year: day.year(), month: quarter * 3 + 3 };
            (first.first_day(), last.last_day(), format!("{} Q{}", day.year(), quarter + 1))
        }
        Period::Year => {
            let years = contract_years_between(project_start, day);
            let first = project_start + Months::new(12 * years);
            let next = project_start + Months::new(12 * (years + 1));
            (first, next.pred_opt().expect("a day before"), format!("year {}", years + 1))
        }
    }
}

/// Whole contract years from `start` to `day`.
fn contract_years_between(start: NaiveDate, day: NaiveDate) -> u32 {
    let mut years = u32::try_from(day.year() - start.year()).unwrap_or(0);
    while years > 0 && start + Months::new(12 * years) > day {
        years -= 1;
    }
    years
}

/// One allocation per period of the project's dates. `Err` when the project has no
/// per-period phrase; `Ok(None)` when it has no start or end date.
pub fn plan_project(
    dataset: &Dataset,
    project: &Project,
    calendar: &WorkCalendar,
    options: PlanOptions,
) -> Result<Option<Vec<PlannedAllocation>>, PhraseProblem> {
    let phrase = parse_capacity(&project.capacity)?;
    let (Some(start), Some(end)) = (project.start, project.end) else { return Ok(None) };
    let mut planned = Vec::new();
    let mut day = start;
    while day <= end {
        let (first, last, label) = period_at(day, phrase.period, start);
        let (from, to) = (first.max(start), last.min(end));
        let cut = (from, to) != (first, last);
        let (working_days, of) = (calendar.working_days(from, to), calendar.working_days(first, last));
        // Cut only by days that are not working days (a holiday on the 1st): nothing to pro-rate.
        let prorated = (cut && options.prorate && working_days < of).then_some(Proration {
            full: phrase.hours,
            working_days,
            of,
        });
        let hours = prorated.map_or(phrase.hours, |p| half_hours(p.full, p.working_days, p.of));
        planned.push(PlannedAllocation {
            name: format!("{} {label}", project.name),
            project: project.name.clone(),
            start: from,
            end: to,
            hours,
            prorated,
            existing: covering_allocation(dataset, project, from, to, calendar),
        });
        let Some(next) = last.succ_opt() else { break };
        day = next;
    }
    Ok(Some(planned))
}

/// `hours × part / whole`, to the nearest half hour.
fn half_hours(hours: Hours, part: u32, whole: u32) -> Hours {
    let halves = hours.share(part * 2, whole.max(1)).as_f64().round();
    Hours::rounded(halves / 2.0)
}

/// The existing allocation of the project covering most of `from..=to`, when the project's
/// allocations together cover at least half of its working days.
fn covering_allocation(
    dataset: &Dataset,
    project: &Project,
    from: NaiveDate,
    to: NaiveDate,
    calendar: &WorkCalendar,
) -> Option<String> {
    let windows: Vec<(NaiveDate, NaiveDate, &str)> = project
        .allocations
        .iter()
        .map(|id| &dataset.allocations[*id])
        .filter(|a| a.start <= to && a.end >= from)
        .map(|a| (a.start.max(from), a.end.min(to), a.name.as_str()))
        .collect();
    let covered = covered_working_days(&windows, calendar);
    let total = calendar.working_days(from, to);
    if covered * 2 < total || windows.is_empty() {
        return None;
    }
    windows
        .iter()
        .max_by_key(|(start, end, _)| calendar.working_days(*start, *end))
        .map(|(_, _, name)| name.to_string())
}

/// Working days in the union of some windows.
fn covered_working_days(windows: &[(NaiveDate, NaiveDate, &str)], calendar: &WorkCalendar) -> u32 {
    let mut sorted: Vec<(NaiveDate, NaiveDate)> = windows.iter().map(|(s, e, _)| (*s, *e)).collect();
    sorted.sort();
    let mut covered = 0;
    let mut reached: Option<NaiveDate> = None;
    for (start, end) in sorted {
        let from = match reached {
            Some(reached) if reached >= end => continue,
            Some(reached) if reached >= start => reached.succ_opt().expect("a next day"),
            _ => start,
        };
        covered += calendar.working_days(from, end);
        reached = Some(end);
    }
    covered
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn phrases_with_a_period_are_read() {
        let quarter = parse_capacity("Up to 4 hours / quarter by 2i2c's Product and Services Team");
        assert_eq!(quarter, Ok(CapacityPhrase { hours: Hours::whole(4), period: Period::Quarter }));
        assert_eq!(parse_capacity("up to 1,100 hrs per year").map(|p| p.hours), Ok(Hours::whole(1100)));
        assert_eq!(parse_capacity("Up to 2.5 hours a month").map(|p| p.period), Ok(Period::Month));
        assert_eq!(parse_capacity("Up to 8 h quarterly").map(|p| p.period), Ok(Period::Quarter));
        assert_eq!(parse_capacity("up to 6 hr / qtr").map(|p| p.period), Ok(Period::Quarter));
        assert_eq!(parse_capacity("Up to 20 hours annually").map(|p| p.period), Ok(Period::Year));
        assert_eq!(parse_capacity("Up to 3 hours monthly").map(|p| p.period), Ok(Period::Month));
        assert_eq!(parse_capacity("Up to 40 hours by 2i2c's team"), Err(PhraseProblem::NoPeriod));
        assert_eq!(parse_capacity("Up to 0 hours / quarter"), Err(PhraseProblem::NoHours));
        assert_eq!(parse_capacity("About 4 hours / quarter"), Err(PhraseProblem::NotAPhrase));
    }

    #[test]
    fn contract_years_count_from_the_project_start() {
        let start = day(2025, 7, 1);
        assert_eq!(
            period_at(day(2025, 7, 1), Period::Year, start),
            (day(2025, 7, 1), day(2026, 6, 30), "year 1".to_string())
        );
        assert_eq!(period_at(day(2026, 7, 1), Period::Year, start).2, "year 2");
        assert_eq!(period_at(day(2026, 6, 30), Period::Year, start).2, "year 1");
        // Early in a later calendar year: March 2028 is in the contract year from July 2027.
        assert_eq!(
            period_at(day(2028, 3, 1), Period::Year, start),
            (day(2027, 7, 1), day(2028, 6, 30), "year 3".to_string())
        );
    }

    #[test]
    fn quarters_follow_the_calendar_and_their_last_month_is_in_them() {
        let start = day(2025, 7, 1);
        assert_eq!(
            period_at(day(2026, 2, 2), Period::Quarter, start),
            (day(2026, 1, 1), day(2026, 3, 31), "2026 Q1".to_string())
        );
        assert_eq!(
            period_at(day(2026, 3, 31), Period::Quarter, start),
            (day(2026, 1, 1), day(2026, 3, 31), "2026 Q1".to_string())
        );
        assert_eq!(period_at(day(2026, 6, 15), Period::Quarter, start).2, "2026 Q2");
        assert_eq!(period_at(day(2026, 9, 1), Period::Quarter, start).2, "2026 Q3");
        assert_eq!(
            period_at(day(2026, 12, 31), Period::Quarter, start),
            (day(2026, 10, 1), day(2026, 12, 31), "2026 Q4".to_string())
        );
    }

    #[test]
    fn half_hours_round_to_the_nearest() {
        // 12 h × 45/66 = 8.18 h → 8 h; 12 × 50/66 = 9.09 → 9; 4 × 20/63 = 1.27 → 1.5.
        assert_eq!(half_hours(Hours::whole(12), 45, 66), Hours::whole(8));
        assert_eq!(half_hours(Hours::whole(12), 50, 66), Hours::whole(9));
        assert_eq!(half_hours(Hours::whole(4), 20, 63), Hours::rounded(1.5));
    }

    #[test]
    fn overlapping_windows_are_counted_once() {
        let calendar = WorkCalendar::default();
        // Mon Oct 5 – Fri Oct 16 and Mon Oct 12 – Fri Oct 23 cover Oct 5 – 23: 15 working days.
        let windows =
            [(day(2026, 10, 5), day(2026, 10, 16), "a"), (day(2026, 10, 12), day(2026, 10, 23), "b")];
        assert_eq!(covered_working_days(&windows, &calendar), 15);
        // October (22 working days) holding two windows of its own (Oct 5–9, Oct 12–16) is 22.
        let nested = [
            (day(2026, 10, 1), day(2026, 10, 31), "october"),
            (day(2026, 10, 5), day(2026, 10, 9), "a"),
            (day(2026, 10, 12), day(2026, 10, 16), "b"),
        ];
        assert_eq!(covered_working_days(&nested, &calendar), 22);
        // Oct 5–9 and Oct 19–23, a week apart: 10, the week between not counted.
        let apart = [(day(2026, 10, 5), day(2026, 10, 9), "a"), (day(2026, 10, 19), day(2026, 10, 23), "b")];
        assert_eq!(covered_working_days(&apart, &calendar), 10);
    }
}
