//! Total commitment (seed 002's "Total Partnership Service Commitment" chart) and delivered
//! hours, month by month, against the team's capacity.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;

use crate::calendar::{Month, WorkCalendar};
use crate::load::capacity::CapacityRow;
use crate::model::{Activity, Allocation, Dataset};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CommitmentRow {
    pub month: Month,
    pub working_days: u32,
    #[serde(serialize_with = "super::rounded::cents")]
    pub committed_hours: f64,
    #[serde(serialize_with = "super::rounded::rate")]
    pub committed_hours_per_working_day: f64,
    #[serde(serialize_with = "super::rounded::rate")]
    pub fte: f64,
    /// `None` when no capacity is known for any working day of the month.
    #[serde(serialize_with = "super::rounded::optional_rate")]
    pub capacity_hours_per_working_day: Option<f64>,
    #[serde(serialize_with = "super::rounded::cents")]
    pub delivered_hours: f64,
}

impl CommitmentRow {
    pub fn over_capacity(&self) -> bool {
        self.capacity_hours_per_working_day
            .is_some_and(|capacity| self.committed_hours_per_working_day > capacity + 1e-9)
    }

    /// Hours delivered per working day of the month, on the scale of the commitment.
    pub fn delivered_per_working_day(&self) -> f64 {
        if self.working_days == 0 {
            0.0
        } else {
            self.delivered_hours / f64::from(self.working_days)
        }
    }
}

/// Calls `add(month, hours)` for each month the allocation's window touches. The allocation
/// commits available / working days(start..end) hours on each working day of its window, so
/// the months add up to its hours available.
pub fn spread_allocation(allocation: &Allocation, calendar: &WorkCalendar, mut add: impl FnMut(Month, f64)) {
    let total = calendar.working_days(allocation.start, allocation.end);
    spread_evenly(allocation.available.as_f64(), allocation.start, allocation.end, total, calendar, &mut add);
}

/// Calls `add(month, hours)` for each month of the activity's dates: its units spread evenly
/// over the working days of its range, or over its calendar days when the range has none
/// (work logged on a weekend still counts).
pub fn spread_activity(activity: &Activity, calendar: &WorkCalendar, mut add: impl FnMut(Month, f64)) {
    if activity.start == activity.end {
        return add(Month::of(activity.start), activity.units.as_f64());
    }
    let total = calendar.working_days(activity.start, activity.end);
    spread_evenly(activity.units.as_f64(), activity.start, activity.end, total, calendar, &mut add);
}

fn spread_evenly(
    hours: f64,
    first: NaiveDate,
    last: NaiveDate,
    total_working_days: u32,
    calendar: &WorkCalendar,
    add: &mut impl FnMut(Month, f64),
) {
    let calendar_days = (last - first).num_days() as f64 + 1.0;
    for month in Month::range(Month::of(first), Month::of(last)) {
        let Some((from, to)) = month.clamp(first, last) else { continue };
        let share = if total_working_days > 0 {
            f64::from(calendar.working_days(from, to)) / f64::from(total_working_days)
        } else {
            ((to - from).num_days() as f64 + 1.0) / calendar_days
        };
        add(month, hours * share);
    }
}

/// The capacity on `day`: the latest row effective on or before it.
pub fn capacity_on(rows: &[CapacityRow], day: NaiveDate) -> Option<f64> {
    let effective = rows.partition_point(|row| row.from <= day);
    effective.checked_sub(1).map(|index| rows[index].hours_per_working_day.as_f64())
}

/// The month's capacity per working day: the mean over its working days that have a known
/// capacity, so a change mid-month is weighted by the days it applies to.
pub fn capacity_for_month(rows: &[CapacityRow], month: Month, calendar: &WorkCalendar) -> Option<f64> {
    let known: Vec<f64> = calendar
        .working_days_in(month.first_day(), month.last_day())
        .filter_map(|day| capacity_on(rows, day))
        .collect();
    (!known.is_empty()).then(|| known.iter().sum::<f64>() / known.len() as f64)
}

/// Monthly rows from the first month any allocation or counted activity touches to the last.
/// Delivered hours count activities that started on or before `as_of`.
pub fn commitment_by_month(
    dataset: &Dataset,
    calendar: &WorkCalendar,
    hours_per_fte_day: f64,
    as_of: NaiveDate,
) -> Vec<CommitmentRow> {
    let mut committed: BTreeMap<Month, f64> = BTreeMap::new();
    for allocation in &dataset.allocations {
        spread_allocation(allocation, calendar, |month, hours| *committed.entry(month).or_default() += hours);
    }
    let delivered = delivered_by_month(dataset.activities.iter().filter(|a| a.counts_as_of(as_of)), calendar);
    let first = committed.keys().chain(delivered.keys()).min().copied();
    let last = committed.keys().chain(delivered.keys()).max().copied();
    let (Some(first), Some(last)) = (first, last) else { return Vec::new() };
    Month::range(first, last)
        .map(|month| {
            let working_days = calendar.working_days(month.first_day(), month.last_day());
            let committed_hours = committed.get(&month).copied().unwrap_or(0.0);
            let per_day = if working_days == 0 { 0.0 } else { committed_hours / f64::from(working_days) };
            CommitmentRow {
                month,
                working_days,
                committed_hours,
                committed_hours_per_working_day: per_day,
                fte: per_day / hours_per_fte_day,
                capacity_hours_per_working_day: dataset
                    .capacity
                    .as_deref()
                    .and_then(|rows| capacity_for_month(rows, month, calendar)),
                delivered_hours: delivered.get(&month).copied().unwrap_or(0.0),
            }
        })
        .collect()
}

/// Delivered hours per month of the given activities.
pub fn delivered_by_month<'a>(
    activities: impl Iterator<Item = &'a Activity>,
    calendar: &WorkCalendar,
) -> BTreeMap<Month, f64> {
    let mut delivered = BTreeMap::new();
    for activity in activities {
        spread_activity(activity, calendar, |month, hours| *delivered.entry(month).or_default() += hours);
    }
    delivered
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn activity(start: NaiveDate, end: NaiveDate, units: f64) -> Activity {
        Activity::standalone(start, end, crate::hours::Hours::rounded(units))
    }

    fn collect(spread: impl FnOnce(&mut dyn FnMut(Month, f64))) -> Vec<(String, f64)> {
        let mut months = Vec::new();
        spread(&mut |month, hours| months.push((month.to_string(), hours)));
        months
    }

    #[test]
    fn an_activity_spanning_two_months_is_split_by_working_days() {
        // Thu 2026-01-29 .. Tue 2026-02-03: Jan 29, 30 and Feb 2, 3 are working days, so
        // 8 units are 4 h in January and 4 h in February.
        let calendar = WorkCalendar::default();
        let split =
            collect(|add| spread_activity(&activity(day(2026, 1, 29), day(2026, 2, 3), 8.0), &calendar, add));
        assert_eq!(split, [("2026-01".to_string(), 4.0), ("2026-02".to_string(), 4.0)]);
    }

    #[test]
    fn weekend_work_still_counts() {
        let calendar = WorkCalendar::default();
        let saturday = day(2026, 10, 31);
        let split =
            collect(|add| spread_activity(&activity(saturday, day(2026, 11, 1), 2.0), &calendar, add));
        assert_eq!(split, [("2026-10".to_string(), 1.0), ("2026-11".to_string(), 1.0)]);
    }

    #[test]
    fn an_allocation_commits_hours_in_proportion_to_working_days() {
        // Mon 2026-12-21 .. Fri 2027-01-08 with Dec 25 and Jan 1 as holidays: Dec 21-24 and
        // 28-31 are 8 working days, Jan 4-8 are 5; 26 h over 13 days is 2 h a day.
        let calendar = WorkCalendar::new(&[day(2026, 12, 25), day(2027, 1, 1)].into());
        let allocation = Allocation::standalone(
            "Winter",
            day(2026, 12, 21),
            day(2027, 1, 8),
            crate::hours::Hours::whole(26),
        );
        let split = collect(|add| spread_allocation(&allocation, &calendar, add));
        assert_eq!(split, [("2026-12".to_string(), 16.0), ("2027-01".to_string(), 10.0)]);
    }

    #[test]
    fn capacity_changes_mid_month_are_weighted_by_working_days() {
        // October 2026 has 22 working days; 6 h/day until Thu Oct 15 (11 days), then 8 h/day
        // (11 days): mean 7.
        let rows = [
            CapacityRow {
                line: 2,
                from: day(2025, 1, 1),
                hours_per_working_day: crate::hours::Hours::whole(6),
            },
            CapacityRow {
                line: 3,
                from: day(2026, 10, 16),
                hours_per_working_day: crate::hours::Hours::whole(8),
            },
        ];
        let october = Month { year: 2026, month: 10 };
        assert_eq!(capacity_for_month(&rows, october, &WorkCalendar::default()), Some(7.0));
        assert_eq!(capacity_on(&rows, day(2024, 12, 31)), None);
        let earlier = Month { year: 2024, month: 6 };
        assert_eq!(capacity_for_month(&rows, earlier, &WorkCalendar::default()), None);
    }
}
