//! What allocation providers should look at next: upcoming initiatives, allocations ending
//! soon, and logging discipline (late entries, quiet allocations).

use chrono::{Days, NaiveDate};

use super::allocations::{AllocationFigures, State};
use crate::model::{Activity, ActivityId, AllocationId, Dataset, IdVec};
use crate::settings::Windows;

/// Allocations starting after `as_of` and within `days` of it (two iterations by default).
pub fn upcoming(dataset: &Dataset, as_of: NaiveDate, days: i64) -> Vec<AllocationId> {
    let mut found: Vec<AllocationId> = dataset
        .allocations
        .iter_enumerated()
        .filter(|(_, allocation)| (1..=days).contains(&(allocation.start - as_of).num_days()))
        .map(|(id, _)| id)
        .collect();
    found.sort_by_key(|id| (dataset.allocations[*id].start, *id));
    found
}

/// Active allocations whose window closes within `days` of `as_of`.
pub fn ending_soon(
    dataset: &Dataset,
    figures: &IdVec<AllocationId, AllocationFigures>,
    as_of: NaiveDate,
    days: i64,
) -> Vec<AllocationId> {
    let mut found: Vec<AllocationId> = dataset
        .allocations
        .iter_enumerated()
        .filter(|(id, allocation)| {
            figures[*id].state == State::Active && (0..=days).contains(&(allocation.end - as_of).num_days())
        })
        .map(|(id, _)| id)
        .collect();
    found.sort_by_key(|id| (dataset.allocations[*id].end, *id));
    found
}

/// An activity logged more than the allowed delay after it ended.
#[derive(Debug, Clone, PartialEq)]
pub struct LateEntry {
    pub activity: ActivityId,
    pub days_late: i64,
}

/// Activities whose Created date is late, as known on `as_of`: logged on or before it (a
/// report as of a past date never lists what happened after); latest logged first.
pub fn late_entries(dataset: &Dataset, as_of: NaiveDate, windows: &Windows) -> Vec<LateEntry> {
    // Sorted with the Created date beside each entry: looking it up again in a million
    // activities at every comparison would cost more than the sort.
    let mut late: Vec<(std::cmp::Reverse<NaiveDate>, LateEntry)> = dataset
        .activities
        .iter_enumerated()
        .filter_map(|(id, activity)| {
            let created = activity.created.filter(|created| *created <= as_of)?;
            let days_late = days_late(activity, windows.late_logging_days)?;
            Some((std::cmp::Reverse(created), LateEntry { activity: id, days_late }))
        })
        .collect();
    // Each activity once: no two keys are equal, so an unstable sort gives the stable order.
    late.sort_unstable_by_key(|(created, entry)| (*created, entry.activity));
    late.into_iter().map(|(_, entry)| entry).collect()
}

/// How many days after its last day an activity was logged, when that is more than
/// `late_logging_days`: the one definition of a late entry.
pub fn days_late(activity: &Activity, late_logging_days: i64) -> Option<i64> {
    let days = (activity.created? - activity.end).num_days();
    (days > late_logging_days).then_some(days)
}

/// An active allocation with nothing logged recently.
#[derive(Debug, Clone, PartialEq)]
pub struct QuietAllocation {
    pub allocation: AllocationId,
    pub last_activity: Option<NaiveDate>,
}

/// Active allocations, running for at least `quiet_days`, with no activity in the last
/// `quiet_days` days up to `as_of`. Younger allocations are left alone: silence in the first
/// days is not a logging problem.
pub fn quiet_allocations(
    dataset: &Dataset,
    figures: &IdVec<AllocationId, AllocationFigures>,
    as_of: NaiveDate,
    windows: &Windows,
) -> Vec<QuietAllocation> {
    let Some(window_start) = as_of.checked_sub_days(Days::new(windows.quiet_days.max(1) as u64 - 1)) else {
        return Vec::new();
    };
    dataset
        .allocations
        .iter_enumerated()
        .filter(|(id, allocation)| figures[*id].state == State::Active && allocation.start < window_start)
        .filter(|(id, _)| figures[*id].last_activity.is_none_or(|last| last < window_start))
        .map(|(id, _)| QuietAllocation { allocation: id, last_activity: figures[id].last_activity })
        .collect()
}
