//! What allocation providers should look at next: upcoming initiatives, allocations ending
//! soon, and logging discipline (late entries, quiet allocations).

use chrono::{Days, NaiveDate};

use super::allocations::{AllocationFigures, State};
use crate::model::Dataset;
use crate::settings::Windows;

/// An allocation, referred to by its index in the dataset.
pub type AllocationIndex = usize;

/// Allocations starting after `as_of` and within `days` of it (two iterations by default).
pub fn upcoming(dataset: &Dataset, as_of: NaiveDate, days: i64) -> Vec<AllocationIndex> {
    let mut found: Vec<_> = (0..dataset.allocations.len())
        .filter(|index| {
            let until_start = (dataset.allocations[*index].start - as_of).num_days();
            (1..=days).contains(&until_start)
        })
        .collect();
    found.sort_by_key(|index| (dataset.allocations[*index].start, *index));
    found
}

/// Active allocations whose window closes within `days` of `as_of`.
pub fn ending_soon(
    dataset: &Dataset,
    figures: &[AllocationFigures],
    as_of: NaiveDate,
    days: i64,
) -> Vec<AllocationIndex> {
    let mut found: Vec<_> = (0..dataset.allocations.len())
        .filter(|index| {
            let until_end = (dataset.allocations[*index].end - as_of).num_days();
            figures[*index].state == State::Active && (0..=days).contains(&until_end)
        })
        .collect();
    found.sort_by_key(|index| (dataset.allocations[*index].end, *index));
    found
}

/// An activity logged more than the allowed delay after it ended.
#[derive(Debug, Clone, PartialEq)]
pub struct LateEntry {
    pub activity: usize,
    pub days_late: i64,
}

/// Activities counted as of `as_of` whose Created date is late; latest logged first.
pub fn late_entries(dataset: &Dataset, as_of: NaiveDate, windows: &Windows) -> Vec<LateEntry> {
    let mut late: Vec<LateEntry> = dataset
        .activities
        .iter()
        .enumerate()
        .filter(|(_, activity)| activity.start <= as_of)
        .filter_map(|(index, activity)| {
            let delay = (activity.created? - activity.end).num_days();
            (delay > windows.late_logging_days).then_some(LateEntry { activity: index, days_late: delay })
        })
        .collect();
    late.sort_by_key(|entry| (std::cmp::Reverse(dataset.activities[entry.activity].created), entry.activity));
    late
}

/// An active allocation with nothing logged recently.
#[derive(Debug, Clone, PartialEq)]
pub struct QuietAllocation {
    pub allocation: AllocationIndex,
    pub last_activity: Option<NaiveDate>,
}

/// Active allocations, running for at least `quiet_days`, with no activity in the last
/// `quiet_days` days up to `as_of`. Younger allocations are left alone: silence in the first
/// days is not a logging problem.
pub fn quiet_allocations(
    dataset: &Dataset,
    figures: &[AllocationFigures],
    as_of: NaiveDate,
    windows: &Windows,
) -> Vec<QuietAllocation> {
    let Some(window_start) = as_of.checked_sub_days(Days::new(windows.quiet_days.max(1) as u64 - 1)) else {
        return Vec::new();
    };
    (0..dataset.allocations.len())
        .filter(|index| {
            figures[*index].state == State::Active && dataset.allocations[*index].start < window_start
        })
        .filter(|index| figures[*index].last_activity.is_none_or(|last| last < window_start))
        .map(|index| QuietAllocation { allocation: index, last_activity: figures[index].last_activity })
        .collect()
}
