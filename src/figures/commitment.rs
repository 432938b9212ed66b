//! Total commitment (seed 002's "Total Partnership Service Commitment" chart) and delivered
//! hours, month by month, against the team's capacity.
//!
//! An allocation's hours are spread over its months as real numbers (rates per working day
//! are fractions of an hour, and a month sums many of them); an activity's hours, which are
//! delivered rather than planned, are split exactly to the hundredth.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;

use crate::calendar::{Month, WorkCalendar};
use crate::hours::Hours;
use crate::load::capacity::CapacityRow;
use crate::model::{Activity, Allocation, Dataset};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CommitmentRow {
    pub month: Month,
    pub working_days: u32,
    #[serde(serialize_with = "crate::rounding::cents")]
    pub committed_hours: f64,
    #[serde(serialize_with = "crate::rounding::rate")]
    pub committed_hours_per_working_day: f64,
    #[serde(serialize_with = "crate::rounding::rate")]
    pub fte: f64,
    /// The mean capacity over the working days of the month that have one; `None` when no
    /// working day has one. See `capacity_known_working_days` for how many do.
    #[serde(serialize_with = "crate::rounding::optional_rate")]
    pub capacity_hours_per_working_day: Option<f64>,
    /// How many of the month's working days have a known capacity: `working_days` when the
    /// capacity is the whole month's.
    pub capacity_known_working_days: u32,
    pub delivered_hours: Hours,
    // What the reports say of the month, decided once by `judged` (not serialised).
    /// Committed beyond the capacity, judged only when the capacity is known on every working
    /// day of the month: days with no capacity could hold any of the committed hours.
    #[serde(skip)]
    pub over_capacity: bool,
    /// Whether every working day of the month has a known capacity.
    #[serde(skip)]
    pub capacity_known_for_whole_month: bool,
    /// The hours delivered, or `None` for a month after the as-of date's: nothing is known
    /// there yet, and a report leaves it blank rather than say 0.
    #[serde(skip)]
    pub delivered: Option<Hours>,
    /// Hours delivered per working day of the month, on the scale of the commitment.
    #[serde(skip)]
    pub delivered_per_working_day: f64,
    /// Delivered per working day over the capacity per working day, when the month has been
    /// reached and its capacity is known on every working day (and more than 0 h).
    #[serde(skip)]
    pub utilisation: Option<f64>,
}

impl CommitmentRow {
    /// The row with what the reports say of it filled in from its measured fields (see the
    /// fields' notes): the one place these judgements are made.
    pub fn judged(self, as_of: NaiveDate) -> CommitmentRow {
        let whole_month = self.capacity_known_working_days == self.working_days;
        let capacity = self.capacity_hours_per_working_day.filter(|_| whole_month);
        let delivered = (self.month <= Month::of(as_of)).then_some(self.delivered_hours);
        CommitmentRow {
            over_capacity: capacity
                .is_some_and(|capacity| self.committed_hours_per_working_day > capacity + 1e-9),
            capacity_known_for_whole_month: whole_month,
            delivered,
            delivered_per_working_day: per_working_day(self.delivered_hours, self.working_days),
            utilisation: delivered
                .zip(capacity.filter(|c| *c > 0.0 && self.working_days > 0))
                .map(|(delivered, capacity)| delivered.as_f64() / f64::from(self.working_days) / capacity),
            ..self
        }
    }
}

fn per_working_day(hours: Hours, working_days: u32) -> f64 {
    if working_days == 0 {
        0.0
    } else {
        hours.as_f64() / f64::from(working_days)
    }
}

/// The months from `first` to `last`, each with its weight: its working days in the range, or
/// its calendar days when the range has no working day (a holiday week, weekend work).
fn month_weights(first: NaiveDate, last: NaiveDate, calendar: &WorkCalendar) -> Vec<(Month, u64)> {
    let by_working_days = calendar.working_days(first, last) > 0;
    Month::range(Month::of(first), Month::of(last))
        .filter_map(|month| month.clamp(first, last).map(|(from, to)| (month, from, to)))
        .map(|(month, from, to)| {
            let weight = if by_working_days {
                u64::from(calendar.working_days(from, to))
            } else {
                (to - from).num_days() as u64 + 1
            };
            (month, weight)
        })
        .collect()
}

/// `hours` spread evenly over the working days from `first` to `last`, split exactly to the
/// hundredth per month.
fn spread(hours: Hours, first: NaiveDate, last: NaiveDate, calendar: &WorkCalendar) -> Vec<(Month, Hours)> {
    if Month::of(first) == Month::of(last) {
        return vec![(Month::of(first), hours)];
    }
    let months = month_weights(first, last, calendar);
    let weights: Vec<u64> = months.iter().map(|(_, weight)| *weight).collect();
    months.iter().map(|(month, _)| *month).zip(hours.apportion(&weights)).collect()
}

/// The hours an allocation commits in each month its window touches: it commits available /
/// working days(start..end) hours on each working day (calendar days when its window has no
/// working day), so the months add up to its hours available.
pub fn allocation_months(allocation: &Allocation, calendar: &WorkCalendar) -> Vec<(Month, f64)> {
    let months = month_weights(allocation.start, allocation.end, calendar);
    let total: u64 = months.iter().map(|(_, weight)| weight).sum();
    let available = allocation.available.as_f64();
    months.into_iter().map(|(month, weight)| (month, available * weight as f64 / total as f64)).collect()
}

/// The hours an activity delivered in each month up to `as_of`: the hours it counts then
/// ([`Activity::hours_as_of`]) spread over its days up to `as_of`.
pub fn activity_months(
    activity: &Activity,
    calendar: &WorkCalendar,
    as_of: NaiveDate,
) -> Vec<(Month, Hours)> {
    let mut months = Vec::new();
    for_each_activity_month(activity, calendar, as_of, |month, hours| months.push((month, hours)));
    months
}

/// [`activity_months`] without a vector: most activities fall in one month, and an export can
/// hold a million of them.
pub fn for_each_activity_month(
    activity: &Activity,
    calendar: &WorkCalendar,
    as_of: NaiveDate,
    mut add: impl FnMut(Month, Hours),
) {
    if !activity.counts_as_of(as_of) {
        return;
    }
    if activity.end <= as_of && Month::of(activity.start) == Month::of(activity.end) {
        return add(Month::of(activity.start), activity.units);
    }
    for (month, hours) in spread_counted(activity, calendar, as_of) {
        add(month, hours);
    }
}

fn spread_counted(activity: &Activity, calendar: &WorkCalendar, as_of: NaiveDate) -> Vec<(Month, Hours)> {
    let counted = activity.hours_as_of(as_of, calendar);
    let last = activity.end.min(as_of);
    if calendar.working_days(activity.start, activity.end) > 0
        && calendar.working_days(activity.start, last) == 0
    {
        // Started on a weekend or holiday, nothing counted yet.
        return vec![(Month::of(activity.start), counted)];
    }
    spread(counted, activity.start, last, calendar)
}

/// The capacity on `day`: the latest row effective on or before it.
pub fn capacity_on(rows: &[CapacityRow], day: NaiveDate) -> Option<f64> {
    let effective = rows.partition_point(|row| row.from <= day);
    effective.checked_sub(1).map(|index| rows[index].hours_per_working_day.as_f64())
}

/// The mean capacity over the working days from `first` to `last` that have one, and whether
/// every one of them has one.
pub fn mean_capacity(
    rows: &[CapacityRow],
    first: NaiveDate,
    last: NaiveDate,
    calendar: &WorkCalendar,
) -> (Option<f64>, bool) {
    let known = known_capacity(rows, first, last, calendar);
    let working_days = calendar.working_days(first, last);
    (known.mean(), known.days == working_days)
}

/// The capacity over some working days: the days that have one, and their sum.
struct KnownCapacity {
    days: u32,
    sum: f64,
}

impl KnownCapacity {
    fn mean(&self) -> Option<f64> {
        (self.days > 0).then(|| self.sum / f64::from(self.days))
    }
}

fn known_capacity(
    rows: &[CapacityRow],
    first: NaiveDate,
    last: NaiveDate,
    calendar: &WorkCalendar,
) -> KnownCapacity {
    let mut known = KnownCapacity { days: 0, sum: 0.0 };
    for capacity in calendar.working_days_in(first, last).filter_map(|day| capacity_on(rows, day)) {
        known.sum += capacity;
        known.days += 1;
    }
    known
}

/// The month's capacity per working day: the mean over its working days that have a known
/// capacity, so a change mid-month is weighted by the days it applies to; and how many days
/// have one.
pub fn capacity_for_month(rows: &[CapacityRow], month: Month, calendar: &WorkCalendar) -> (Option<f64>, u32) {
    let known = known_capacity(rows, month.first_day(), month.last_day(), calendar);
    (known.mean(), known.days)
}

/// Committed hours per month of every allocation.
pub fn committed_by_month(dataset: &Dataset, calendar: &WorkCalendar) -> BTreeMap<Month, f64> {
    let mut committed = BTreeMap::new();
    for allocation in &dataset.allocations {
        for (month, hours) in allocation_months(allocation, calendar) {
            *committed.entry(month).or_default() += hours;
        }
    }
    committed
}

/// Monthly rows from the first month any allocation or counted activity touches to the last.
pub fn commitment_by_month(
    dataset: &Dataset,
    calendar: &WorkCalendar,
    hours_per_fte_day: f64,
    as_of: NaiveDate,
) -> Vec<CommitmentRow> {
    let committed = committed_by_month(dataset, calendar);
    let delivered = delivered_by_month(dataset.activities.iter(), calendar, as_of);
    let first = committed.keys().chain(delivered.keys()).min().copied();
    let last = committed.keys().chain(delivered.keys()).max().copied();
    let (Some(first), Some(last)) = (first, last) else { return Vec::new() };
    Month::range(first, last)
        .map(|month| {
            let working_days = calendar.working_days(month.first_day(), month.last_day());
            let committed_hours = committed.get(&month).copied().unwrap_or_default();
            let per_day = if working_days == 0 { 0.0 } else { committed_hours / f64::from(working_days) };
            let (capacity, known_days) = dataset
                .capacity
                .as_deref()
                .map_or((None, 0), |rows| capacity_for_month(rows, month, calendar));
            CommitmentRow {
                month,
                working_days,
                committed_hours,
                committed_hours_per_working_day: per_day,
                fte: per_day / hours_per_fte_day,
                capacity_hours_per_working_day: capacity,
                capacity_known_working_days: known_days,
                delivered_hours: delivered.get(&month).copied().unwrap_or_default(),
                over_capacity: false,
                capacity_known_for_whole_month: false,
                delivered: None,
                delivered_per_working_day: 0.0,
                utilisation: None,
            }
            .judged(as_of)
        })
        .collect()
}

/// Delivered hours per month of the given activities, as of `as_of`.
pub fn delivered_by_month<'a>(
    activities: impl Iterator<Item = &'a Activity>,
    calendar: &WorkCalendar,
    as_of: NaiveDate,
) -> BTreeMap<Month, Hours> {
    let mut delivered = MonthSums::default();
    for activity in activities {
        for_each_activity_month(activity, calendar, as_of, |month, hours| delivered.add(month, hours));
    }
    delivered.into_map()
}

/// Hours summed by month over a run of months held side by side: a million activities fall
/// in a few dozen months, and adding to a list by the month's place costs far less than a
/// search of a map each time.
#[derive(Default)]
struct MonthSums {
    /// The first month's number (see [`month_number`]).
    first: i32,
    /// Per month from the first, its hours, and whether anything was added to it.
    sums: Vec<(Hours, bool)>,
}

impl MonthSums {
    fn add(&mut self, month: Month, hours: Hours) {
        let number = month_number(month);
        if self.sums.is_empty() {
            self.first = number;
        } else if number < self.first {
            let earlier = (self.first - number) as usize;
            self.sums.splice(0..0, std::iter::repeat_n((Hours::ZERO, false), earlier));
            self.first = number;
        }
        let index = (number - self.first) as usize;
        if index >= self.sums.len() {
            self.sums.resize(index + 1, (Hours::ZERO, false));
        }
        let sum = &mut self.sums[index];
        *sum = (sum.0 + hours, true);
    }

    /// The months that anything was added to, with their sums.
    fn into_map(self) -> BTreeMap<Month, Hours> {
        let first = self.first;
        (first..)
            .zip(self.sums)
            .filter(|(_, (_, added))| *added)
            .map(|(number, (hours, _))| {
                (Month { year: number.div_euclid(12), month: number.rem_euclid(12) as u32 + 1 }, hours)
            })
            .collect()
    }
}

/// Months counted from January of year 0.
fn month_number(month: Month) -> i32 {
    month.year * 12 + month.month as i32 - 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// Months added in any order, across years, earlier ones after later ones, and a month
    /// given 0 h: each month anything was added to, with its sum, as a map would hold them.
    #[test]
    fn month_sums_are_the_sums_a_map_would_hold() {
        let month = |year, month| Month { year, month };
        let h = |text| Hours::parse(text).unwrap();
        let added = [
            (month(2026, 3), "2"),
            (month(2025, 12), "1.25"),
            (month(2026, 3), "0.5"),
            (month(2026, 1), "0"),
            (month(2024, 11), "3"),
            (month(2026, 5), "4"),
        ];
        let mut sums = MonthSums::default();
        let mut map: BTreeMap<Month, Hours> = BTreeMap::new();
        for (month, hours) in added {
            sums.add(month, h(hours));
            *map.entry(month).or_default() += h(hours);
        }
        let expected = [
            (month(2024, 11), h("3")),
            (month(2025, 12), h("1.25")),
            (month(2026, 1), h("0")),
            (month(2026, 3), h("2.5")),
            (month(2026, 5), h("4")),
        ];
        assert_eq!(sums.into_map().into_iter().collect::<Vec<_>>(), expected);
        assert_eq!(map.into_iter().collect::<Vec<_>>(), expected);
        assert!(MonthSums::default().into_map().is_empty());
    }

    fn h(hours: f64) -> Hours {
        Hours::rounded(hours)
    }

    fn activity(start: NaiveDate, end: NaiveDate, units: f64) -> Activity {
        Activity::standalone(start, end, h(units))
    }

    fn months(split: Vec<(Month, Hours)>) -> Vec<(String, Hours)> {
        split.into_iter().map(|(month, hours)| (month.to_string(), hours)).collect()
    }

    #[test]
    fn an_activity_spanning_two_months_is_split_by_working_days() {
        // Thu 2026-01-29 .. Tue 2026-02-03: Jan 29, 30 and Feb 2, 3 are working days, so
        // 8 units are 4 h in January and 4 h in February.
        let calendar = WorkCalendar::default();
        let split =
            activity_months(&activity(day(2026, 1, 29), day(2026, 2, 3), 8.0), &calendar, day(2026, 12, 31));
        assert_eq!(months(split), [("2026-01".to_string(), h(4.0)), ("2026-02".to_string(), h(4.0))]);
    }

    #[test]
    fn weekend_work_still_counts() {
        let calendar = WorkCalendar::default();
        let saturday = day(2026, 10, 31);
        let split = activity_months(&activity(saturday, day(2026, 11, 1), 2.0), &calendar, day(2026, 12, 31));
        assert_eq!(months(split), [("2026-10".to_string(), h(1.0)), ("2026-11".to_string(), h(1.0))]);
    }

    #[test]
    fn a_range_with_no_working_day_is_split_by_calendar_days() {
        // Sat 2026-10-31, Sun 11-01 and Mon 11-02, a holiday: one calendar day in October,
        // two in November. 3 h delivered is 1 h and 2 h; 6 h available commits 2 h and 4 h.
        let calendar = WorkCalendar::new(&[day(2026, 11, 2)].into());
        let (first, last) = (day(2026, 10, 31), day(2026, 11, 2));
        let split = activity_months(&activity(first, last, 3.0), &calendar, day(2026, 12, 31));
        assert_eq!(months(split), [("2026-10".to_string(), h(1.0)), ("2026-11".to_string(), h(2.0))]);
        let allocation = Allocation::standalone("Long weekend", first, last, Hours::whole(6));
        let split = allocation_months(&allocation, &calendar);
        assert_eq!(split, [(Month { year: 2026, month: 10 }, 2.0), (Month { year: 2026, month: 11 }, 4.0)]);
    }

    #[test]
    fn work_begun_on_a_weekend_counts_nothing_and_in_its_first_month_until_a_working_day() {
        // Sat 2026-10-31 to Fri 11-06, as of Sun 11-01: no working day has passed, so nothing
        // is counted yet, and it is counted in October alone (no November month of 0 h).
        let calendar = WorkCalendar::default();
        let week = activity(day(2026, 10, 31), day(2026, 11, 6), 5.0);
        let split = activity_months(&week, &calendar, day(2026, 11, 1));
        assert_eq!(months(split), [("2026-10".to_string(), Hours::ZERO)]);
    }

    #[test]
    fn a_range_half_elapsed_counts_half_in_the_months_so_far() {
        // 560 h from Tue 2024-10-01 to Fri 2025-02-28: 109 working days (Oct 23, Nov 21,
        // Dec 22, Jan 23, Feb 20). As of Tue 2024-12-31, 66 have elapsed: 560 × 66/109 =
        // 339.08 h, spread 23:21:22 over October to December.
        let calendar = WorkCalendar::default();
        let range = activity(day(2024, 10, 1), day(2025, 2, 28), 560.0);
        assert_eq!(calendar.working_days(day(2024, 10, 1), day(2025, 2, 28)), 109);
        assert_eq!(range.hours_as_of(day(2024, 12, 31), &calendar), h(339.08));
        let split = activity_months(&range, &calendar, day(2024, 12, 31));
        assert_eq!(
            months(split),
            [
                ("2024-10".to_string(), h(118.16)),
                ("2024-11".to_string(), h(107.89)),
                ("2024-12".to_string(), h(113.03)),
            ]
        );
        assert_eq!(range.hours_as_of(day(2025, 2, 28), &calendar), h(560.0));
        assert_eq!(range.hours_as_of(day(2024, 9, 30), &calendar), Hours::ZERO);
    }

    #[test]
    fn an_allocation_commits_hours_in_proportion_to_working_days() {
        // Mon 2026-12-21 .. Fri 2027-01-08 with Dec 25 and Jan 1 as holidays: Dec 21-24 and
        // 28-31 are 8 working days, Jan 4-8 are 5; 26 h over 13 days is 2 h a day.
        let calendar = WorkCalendar::new(&[day(2026, 12, 25), day(2027, 1, 1)].into());
        let allocation =
            Allocation::standalone("Winter", day(2026, 12, 21), day(2027, 1, 8), Hours::whole(26));
        let split = allocation_months(&allocation, &calendar);
        assert_eq!(split, [(Month { year: 2026, month: 12 }, 16.0), (Month { year: 2027, month: 1 }, 10.0)]);
    }

    #[test]
    fn capacity_changes_mid_month_are_weighted_by_working_days() {
        // October 2026 has 22 working days; 6 h/day until Thu Oct 15 (11 days), then 8 h/day
        // (11 days): mean 7.
        let rows = [
            CapacityRow { line: 2, from: day(2025, 1, 1), hours_per_working_day: Hours::whole(6) },
            CapacityRow { line: 3, from: day(2026, 10, 16), hours_per_working_day: Hours::whole(8) },
        ];
        let october = Month { year: 2026, month: 10 };
        assert_eq!(capacity_for_month(&rows, october, &WorkCalendar::default()), (Some(7.0), 22));
        assert_eq!(capacity_on(&rows, day(2024, 12, 31)), None);
        let earlier = Month { year: 2024, month: 6 };
        assert_eq!(capacity_for_month(&rows, earlier, &WorkCalendar::default()), (None, 0));
    }

    #[test]
    fn capacity_known_for_part_of_a_month_is_the_mean_of_the_days_known() {
        // March 2026 has 22 working days (Mon 2–Tue 31). From Mon 16 March, 4 h a day: known on
        // 16–20, 23–27, 30–31, 12 days, mean 4. From Tue 31 March: known on that one day.
        let march = Month { year: 2026, month: 3 };
        let from =
            |d: u32| [CapacityRow { line: 2, from: day(2026, 3, d), hours_per_working_day: Hours::whole(4) }];
        assert_eq!(capacity_for_month(&from(16), march, &WorkCalendar::default()), (Some(4.0), 12));
        assert_eq!(capacity_for_month(&from(31), march, &WorkCalendar::default()), (Some(4.0), 1));
        assert_eq!(capacity_for_month(&from(2), march, &WorkCalendar::default()), (Some(4.0), 22));
    }

    #[test]
    fn over_capacity_is_judged_only_on_a_month_whose_capacity_is_known_every_working_day() {
        // 10 h committed per working day against 4 h known on 12 of 22 days: not judged; known
        // on all 22: over. Exactly at capacity is not over.
        let row = |committed: f64, known: u32| CommitmentRow {
            month: Month { year: 2026, month: 3 },
            working_days: 22,
            committed_hours: committed * 22.0,
            committed_hours_per_working_day: committed,
            fte: committed / 6.0,
            capacity_hours_per_working_day: Some(4.0),
            capacity_known_working_days: known,
            delivered_hours: Hours::ZERO,
            over_capacity: false,
            capacity_known_for_whole_month: false,
            delivered: None,
            delivered_per_working_day: 0.0,
            utilisation: None,
        };
        let over = |committed: f64, known: u32| row(committed, known).judged(day(2026, 3, 31)).over_capacity;
        assert!(!over(10.0, 12));
        assert!(!over(10.0, 21));
        assert!(over(10.0, 22));
        assert!(!over(4.0, 22));
        assert!(over(4.01, 22));
    }
}
