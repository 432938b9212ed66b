//! Allocation accounting: used, remaining, overrun, state, pace and forecast as of a date.

use chrono::NaiveDate;
use serde::Serialize;

use super::calendar::WorkCalendar;
use crate::model::{Activity, Allocation};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    Upcoming,
    Active,
    Completed,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AllocationFigures {
    pub available: f64,
    /// Units of the activities that started on or before the as-of date.
    pub used: f64,
    /// available − used, never below zero.
    pub remaining: f64,
    /// used − available when positive: hours spent beyond the commitment.
    pub overrun: f64,
    /// Hours left when a completed allocation's window has closed: they expire.
    pub unused: f64,
    pub usage_percent: f64,
    pub state: State,
    pub elapsed_working_days: u32,
    pub total_working_days: u32,
    pub expected_used: f64,
    pub forecast_at_end: f64,
    /// Counted activities dated (partly) outside the allocation's window.
    pub outside_window: usize,
    pub last_activity: Option<NaiveDate>,
}

/// The figures of `allocation` as of `as_of`, from its activities.
pub fn allocation_figures<'a>(
    allocation: &Allocation,
    activities: impl Iterator<Item = &'a Activity>,
    calendar: &WorkCalendar,
    as_of: NaiveDate,
) -> AllocationFigures {
    let (mut used, mut outside_window, mut last_activity) = (0.0, 0, None);
    for activity in activities.filter(|activity| activity.start <= as_of) {
        used += activity.units.as_f64();
        outside_window += usize::from(activity.start < allocation.start || activity.end > allocation.end);
        last_activity = last_activity.max(Some(activity.end));
    }
    let available = allocation.available.as_f64();
    let total = calendar.working_days(allocation.start, allocation.end);
    let elapsed = calendar.working_days(allocation.start, as_of.min(allocation.end));
    let state = state_at(allocation, used, as_of);
    AllocationFigures {
        available,
        used,
        remaining: (available - used).max(0.0),
        overrun: (used - available).max(0.0),
        unused: if as_of > allocation.end { (available - used).max(0.0) } else { 0.0 },
        usage_percent: used / available * 100.0,
        state,
        elapsed_working_days: elapsed,
        total_working_days: total,
        expected_used: expected_use(available, elapsed, total),
        forecast_at_end: if state == State::Active { forecast_at_end(used, elapsed, total) } else { used },
        outside_window,
        last_activity,
    }
}

impl State {
    /// The word shown to people, the same as in the JSON.
    pub fn label(self) -> &'static str {
        match self {
            State::Upcoming => "upcoming",
            State::Active => "active",
            State::Completed => "completed",
        }
    }
}

/// Upcoming before the start; completed after the end or once the hours are used up.
pub fn state_at(allocation: &Allocation, used: f64, as_of: NaiveDate) -> State {
    if as_of < allocation.start {
        State::Upcoming
    } else if as_of > allocation.end || used >= allocation.available.as_f64() {
        State::Completed
    } else {
        State::Active
    }
}

/// Even pace: available × elapsed working days / total working days.
pub fn expected_use(available: f64, elapsed: u32, total: u32) -> f64 {
    if total == 0 {
        return 0.0;
    }
    available * f64::from(elapsed) / f64::from(total)
}

/// The current pace carried to the end: used + (used / elapsed) × remaining working days.
pub fn forecast_at_end(used: f64, elapsed: u32, total: u32) -> f64 {
    if elapsed == 0 {
        return used;
    }
    used + used / f64::from(elapsed) * f64::from(total.saturating_sub(elapsed))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn allocation(start: NaiveDate, end: NaiveDate, available: f64) -> Allocation {
        Allocation::standalone("Q4", start, end, available)
    }

    fn activity(start: NaiveDate, units: f64) -> Activity {
        Activity::standalone(start, start, units)
    }

    #[test]
    fn pace_and_forecast_of_a_quarter() {
        // Q4 2026 has 66 working days (Oct 22, Nov 21, Dec 23). As of Fri 2026-10-30,
        // 22 have elapsed. 12 h available → expected 12 × 22 / 66 = 4 h. With 6 h used the
        // forecast is 6 + 6/22 × 44 = 18 h.
        let quarter = allocation(day(2026, 10, 1), day(2026, 12, 31), 12.0);
        let log = [
            activity(day(2026, 10, 5), 2.0),
            activity(day(2026, 10, 20), 4.0),
            activity(day(2026, 11, 2), 8.0),
        ];
        let figures = allocation_figures(&quarter, log.iter(), &WorkCalendar::default(), day(2026, 10, 30));
        assert_eq!((figures.elapsed_working_days, figures.total_working_days), (22, 66));
        assert_eq!(figures.used, 6.0);
        assert_eq!(figures.expected_used, 4.0);
        assert_eq!(figures.forecast_at_end, 18.0);
        assert_eq!(figures.state, State::Active);
        assert_eq!(figures.remaining, 6.0);
        assert_eq!(figures.usage_percent, 50.0);
    }

    #[test]
    fn overrun_completes_the_allocation_and_flags_outside_activities() {
        let quarter = allocation(day(2026, 7, 1), day(2026, 9, 30), 4.0);
        let log =
            [activity(day(2026, 7, 6), 3.0), activity(day(2026, 9, 1), 2.0), activity(day(2026, 10, 1), 1.0)];
        let figures = allocation_figures(&quarter, log.iter(), &WorkCalendar::default(), day(2026, 10, 31));
        assert_eq!(figures.used, 6.0);
        assert_eq!((figures.remaining, figures.overrun, figures.unused), (0.0, 2.0, 0.0));
        assert_eq!(figures.usage_percent, 150.0);
        assert_eq!(figures.state, State::Completed);
        assert_eq!(figures.outside_window, 1);
        assert_eq!(figures.forecast_at_end, 6.0);
    }

    #[test]
    fn hours_left_after_the_window_expire() {
        let quarter = allocation(day(2025, 1, 1), day(2025, 3, 31), 4.0);
        let log = [activity(day(2025, 2, 3), 1.5)];
        let figures = allocation_figures(&quarter, log.iter(), &WorkCalendar::default(), day(2025, 4, 1));
        assert_eq!((figures.remaining, figures.unused), (2.5, 2.5));
        assert_eq!(figures.state, State::Completed);
    }

    #[test]
    fn upcoming_allocation_has_no_expected_use() {
        let quarter = allocation(day(2027, 1, 1), day(2027, 3, 31), 4.0);
        let figures = allocation_figures(&quarter, [].iter(), &WorkCalendar::default(), day(2026, 12, 1));
        assert_eq!(figures.state, State::Upcoming);
        assert_eq!(
            (figures.elapsed_working_days, figures.expected_used, figures.forecast_at_end),
            (0, 0.0, 0.0)
        );
    }

    #[test]
    fn activities_after_the_as_of_date_are_not_counted_yet() {
        let quarter = allocation(day(2026, 10, 1), day(2026, 12, 31), 12.0);
        let log = [activity(day(2026, 10, 30), 2.0), activity(day(2026, 10, 31), 3.0)];
        let figures = allocation_figures(&quarter, log.iter(), &WorkCalendar::default(), day(2026, 10, 30));
        assert_eq!(figures.used, 2.0);
    }
}
