//! Allocation accounting as of a date: used, left now, not started, expired, overrun, state,
//! pace and forecast.
//!
//! For every allocation `available = used − overrun + left_now + not_started + expired`: the
//! hours not used are *not started* before the window opens, *left to use now* while it is
//! open, and *expired* once it has closed; only one of the three is ever non-zero. These four
//! are never summed into one "left". Hours never roll over.

use chrono::NaiveDate;
use serde::Serialize;

use crate::calendar::WorkCalendar;
use crate::hours::Hours;
use crate::model::{Activity, Allocation};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    Upcoming,
    Active,
    Completed,
}

/// The hours of one allocation or a sum of several: `available = used − overrun + left_now +
/// not_started + expired` holds for each allocation, so for every sum. `outside` stands apart:
/// hours delivered against an allocation but dated outside its window, which do not draw on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct HoursTotals {
    pub available: Hours,
    /// Hours of its activities within its window, as of the date.
    pub used: Hours,
    /// Hours that can be used now: available − used while the window is open (start ≤ as-of ≤
    /// end), otherwise 0.
    pub left_now: Hours,
    /// Hours of an allocation whose window has not opened yet: available − used before its
    /// start date, otherwise 0.
    pub not_started: Hours,
    /// Hours left unused when the window closed.
    pub expired: Hours,
    /// Hours used beyond the hours available.
    pub overrun: Hours,
    /// Hours logged against it but dated before its start or after its end: delivered and
    /// costed, never used hours of the allocation (hours do not roll over).
    #[serde(rename = "outside_window_hours")]
    pub outside: Hours,
}

impl HoursTotals {
    /// The hours delivered: those used and those outside the window.
    pub fn delivered(&self) -> Hours {
        self.used + self.outside
    }
}

impl std::ops::Add for HoursTotals {
    type Output = HoursTotals;
    fn add(self, other: HoursTotals) -> HoursTotals {
        HoursTotals {
            available: self.available + other.available,
            used: self.used + other.used,
            left_now: self.left_now + other.left_now,
            not_started: self.not_started + other.not_started,
            expired: self.expired + other.expired,
            overrun: self.overrun + other.overrun,
            outside: self.outside + other.outside,
        }
    }
}

impl std::iter::Sum for HoursTotals {
    fn sum<I: Iterator<Item = HoursTotals>>(totals: I) -> HoursTotals {
        totals.fold(HoursTotals::default(), std::ops::Add::add)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct AllocationFigures {
    pub hours: HoursTotals,
    pub usage_percent: f64,
    pub state: State,
    pub elapsed_working_days: u32,
    pub total_working_days: u32,
    pub expected_used: f64,
    pub forecast_at_end: f64,
    /// Counted activities dated (partly) outside the allocation's window.
    pub outside_window: usize,
    /// The day the hours used first went beyond the hours available, if they did.
    pub overrun_since: Option<NaiveDate>,
    pub last_activity: Option<NaiveDate>,
    /// The latest last day of a counted activity, past the as-of date too: an engagement's
    /// checks of work after a date skip the allocations with none.
    pub latest_end: Option<NaiveDate>,
}

/// The figures of `allocation` as of `as_of`, from its activities.
pub fn allocation_figures<'a>(
    allocation: &Allocation,
    activities: impl Iterator<Item = &'a Activity>,
    calendar: &WorkCalendar,
    as_of: NaiveDate,
) -> AllocationFigures {
    let (mut used, mut delivered, mut outside_window, mut last_activity, mut latest_end) =
        (Hours::ZERO, Hours::ZERO, 0, None, None);
    let counted: Vec<&Activity> = activities.filter(|activity| activity.counts_as_of(as_of)).collect();
    for activity in &counted {
        used += activity.hours_within(allocation.start, allocation.end, as_of, calendar);
        delivered += activity.hours_as_of(as_of, calendar);
        outside_window += usize::from(activity.is_outside(allocation));
        last_activity = last_activity.max(Some(activity.end.min(as_of)));
        latest_end = latest_end.max(Some(activity.end));
    }
    let available = allocation.available;
    let pace = pace(allocation, used, calendar, as_of);
    let unused = (available - used).positive();
    let (not_started, left_now, expired) = if as_of < allocation.start {
        (unused, Hours::ZERO, Hours::ZERO)
    } else if as_of <= allocation.end {
        (Hours::ZERO, unused, Hours::ZERO)
    } else {
        (Hours::ZERO, Hours::ZERO, unused)
    };
    AllocationFigures {
        hours: HoursTotals {
            available,
            used,
            left_now,
            not_started,
            expired,
            overrun: (used - available).positive(),
            outside: delivered - used,
        },
        usage_percent: used.as_f64() / available.as_f64() * 100.0,
        state: pace.state,
        elapsed_working_days: pace.elapsed_working_days,
        total_working_days: pace.total_working_days,
        expected_used: pace.expected_used,
        forecast_at_end: pace.forecast_at_end,
        outside_window,
        overrun_since: (used > allocation.available)
            .then(|| {
                let by_day = counted
                    .iter()
                    .map(|a| {
                        (a.end.min(as_of), a.hours_within(allocation.start, allocation.end, as_of, calendar))
                    })
                    .collect();
                first_day_beyond(by_day, allocation.available)
            })
            .flatten(),
        last_activity,
        latest_end,
    }
}

/// What the pace and forecast rules read of an allocation as of one day: its hours, its
/// state, how far through its working days it is and the pace and forecast they give.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pace {
    pub available: Hours,
    pub used: Hours,
    pub state: State,
    pub elapsed_working_days: u32,
    pub total_working_days: u32,
    pub expected_used: f64,
    pub forecast_at_end: f64,
}

impl AllocationFigures {
    /// The part of the figures the pace and forecast rules read.
    pub fn pace(&self) -> Pace {
        Pace {
            available: self.hours.available,
            used: self.hours.used,
            state: self.state,
            elapsed_working_days: self.elapsed_working_days,
            total_working_days: self.total_working_days,
            expected_used: self.expected_used,
            forecast_at_end: self.forecast_at_end,
        }
    }
}

/// The pace of `allocation` as of `as_of` with `used` hours used by then: what
/// [`allocation_figures`] gives, from the hours alone.
pub fn pace(allocation: &Allocation, used: Hours, calendar: &WorkCalendar, as_of: NaiveDate) -> Pace {
    let available = allocation.available;
    let total = calendar.working_days(allocation.start, allocation.end);
    let elapsed = calendar.working_days(allocation.start, as_of.min(allocation.end));
    let state = state_at(allocation, used, as_of);
    Pace {
        available,
        used,
        state,
        elapsed_working_days: elapsed,
        total_working_days: total,
        expected_used: expected_use(available, elapsed, total),
        forecast_at_end: if state == State::Active {
            forecast_at_end(used, elapsed, total)
        } else {
            used.as_f64()
        },
    }
}

/// An allocation's hours used as of any day, for walking back one day at a time (see
/// `status::held_since`): exactly [`allocation_figures`]' `hours.used` as of that day, without
/// going through every activity each day. An activity's hours within the window stop changing
/// on its last day, so the settled ones are summed once, in order of that day; only the
/// activities over several days still going on a day are worked out for it.
pub struct UsedByDay<'a> {
    allocation: &'a Allocation,
    calendar: &'a WorkCalendar,
    /// Each activity's last day, by day, with the hours used by the activities settled by
    /// then (those before it and its own).
    settled: Vec<(NaiveDate, Hours)>,
    /// The activities over more than one day.
    ranges: Vec<&'a Activity>,
}

impl<'a> UsedByDay<'a> {
    pub fn new(
        allocation: &'a Allocation,
        activities: impl Iterator<Item = &'a Activity>,
        calendar: &'a WorkCalendar,
    ) -> UsedByDay<'a> {
        let (mut settled, mut ranges) = (Vec::new(), Vec::new());
        for activity in activities {
            // Counted from its start, settled on its last day.
            let last_day = activity.end.max(activity.start);
            let hours = activity.hours_within(allocation.start, allocation.end, last_day, calendar);
            settled.push((last_day, hours));
            if activity.start < activity.end {
                ranges.push(activity);
            }
        }
        settled.sort_unstable_by_key(|(day, _)| *day);
        let mut total = Hours::ZERO;
        for (_, hours) in &mut settled {
            total += *hours;
            *hours = total;
        }
        UsedByDay { allocation, calendar, settled, ranges }
    }

    /// The hours used as of `day`.
    pub fn on(&self, day: NaiveDate) -> Hours {
        let settled = match self.settled.partition_point(|(end, _)| *end <= day) {
            0 => Hours::ZERO,
            count => self.settled[count - 1].1,
        };
        let (first, last) = (self.allocation.start, self.allocation.end);
        self.ranges
            .iter()
            .filter(|activity| activity.start <= day && day < activity.end)
            .map(|activity| activity.hours_within(first, last, day, self.calendar))
            .fold(settled, |total, hours| total + hours)
    }
}

/// The first day on which `(day, hours)` entries, added up in date order, exceed `limit`.
fn first_day_beyond(mut by_day: Vec<(NaiveDate, Hours)>, limit: Hours) -> Option<NaiveDate> {
    by_day.sort_by_key(|(day, _)| *day);
    let mut total = Hours::ZERO;
    by_day.into_iter().find_map(|(day, hours)| {
        total += hours;
        (total > limit).then_some(day)
    })
}

/// Upcoming before the start; completed after the end or once the hours are used up.
pub fn state_at(allocation: &Allocation, used: Hours, as_of: NaiveDate) -> State {
    if as_of < allocation.start {
        State::Upcoming
    } else if as_of > allocation.end || used >= allocation.available {
        State::Completed
    } else {
        State::Active
    }
}

/// Even pace: available × elapsed working days / total working days.
pub fn expected_use(available: Hours, elapsed: u32, total: u32) -> f64 {
    if total == 0 {
        return 0.0;
    }
    available.as_f64() * f64::from(elapsed) / f64::from(total)
}

/// The current pace carried to the end: used + (used / elapsed) × remaining working days.
pub fn forecast_at_end(used: Hours, elapsed: u32, total: u32) -> f64 {
    let used = used.as_f64();
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

    fn h(hours: f64) -> Hours {
        Hours::rounded(hours)
    }

    fn allocation(start: NaiveDate, end: NaiveDate, available: f64) -> Allocation {
        Allocation::standalone("Q4", start, end, h(available))
    }

    fn activity(start: NaiveDate, units: f64) -> Activity {
        Activity::standalone(start, start, h(units))
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
        assert_eq!(figures.hours.used, h(6.0));
        assert_eq!(figures.expected_used, 4.0);
        assert_eq!(figures.forecast_at_end, 18.0);
        assert_eq!(figures.state, State::Active);
        assert_eq!((figures.hours.left_now, figures.hours.expired), (h(6.0), Hours::ZERO));
        assert_eq!(figures.usage_percent, 50.0);
    }

    #[test]
    fn overrun_completes_the_allocation_and_work_after_its_end_does_not_draw_on_it() {
        // 3 h + 2 h within July–September use 5 of 4 h (1 h overrun); 1 h on 1 October, after
        // the window closed, is outside it: delivered, never used hours of the quarter.
        let quarter = allocation(day(2026, 7, 1), day(2026, 9, 30), 4.0);
        let log =
            [activity(day(2026, 7, 6), 3.0), activity(day(2026, 9, 1), 2.0), activity(day(2026, 10, 1), 1.0)];
        let figures = allocation_figures(&quarter, log.iter(), &WorkCalendar::default(), day(2026, 10, 31));
        assert_eq!((figures.hours.used, figures.hours.outside), (h(5.0), h(1.0)));
        assert_eq!(
            (figures.hours.left_now, figures.hours.overrun, figures.hours.expired),
            (Hours::ZERO, h(1.0), Hours::ZERO)
        );
        assert_eq!(figures.hours.delivered(), h(6.0));
        assert_eq!(figures.usage_percent, 125.0);
        assert_eq!(figures.state, State::Completed);
        assert_eq!(figures.outside_window, 1);
        assert_eq!(figures.forecast_at_end, 5.0);
    }

    #[test]
    fn work_after_the_end_leaves_the_hours_unused_then_expired() {
        // Harbourside's August: 20 h from 1 to 31 August, 6 h + 4 h in August, 3 h in September
        // and 4 h in October after the end. Used 10, expired 10, 7 h outside; no overrun.
        let august = allocation(day(2026, 8, 1), day(2026, 8, 31), 20.0);
        let log = [
            activity(day(2026, 8, 10), 6.0),
            activity(day(2026, 8, 24), 4.0),
            activity(day(2026, 9, 3), 3.0),
            activity(day(2026, 10, 8), 4.0),
        ];
        let figures = allocation_figures(&august, log.iter(), &WorkCalendar::default(), day(2026, 10, 31));
        assert_eq!(
            figures.hours,
            HoursTotals {
                available: h(20.0),
                used: h(10.0),
                left_now: Hours::ZERO,
                not_started: Hours::ZERO,
                expired: h(10.0),
                overrun: Hours::ZERO,
                outside: h(7.0),
            }
        );
        assert_eq!(figures.overrun_since, None);
    }

    #[test]
    fn an_overrun_begins_the_day_the_hours_go_beyond_those_available_not_the_day_they_reach_them() {
        // 4 h available: 3 h on 6 July and 1 h on 1 September use them up exactly (no overrun);
        // 0.5 h on 2 September goes beyond them.
        let quarter = allocation(day(2026, 7, 1), day(2026, 9, 30), 4.0);
        let used_up = [activity(day(2026, 9, 1), 1.0), activity(day(2026, 7, 6), 3.0)];
        let figures =
            allocation_figures(&quarter, used_up.iter(), &WorkCalendar::default(), day(2026, 9, 30));
        assert_eq!((figures.hours.overrun, figures.overrun_since), (Hours::ZERO, None));
        let beyond = [used_up[0].clone(), used_up[1].clone(), activity(day(2026, 9, 2), 0.5)];
        let figures = allocation_figures(&quarter, beyond.iter(), &WorkCalendar::default(), day(2026, 9, 30));
        assert_eq!((figures.hours.overrun, figures.overrun_since), (h(0.5), Some(day(2026, 9, 2))));
    }

    #[test]
    fn hours_left_after_the_window_expire() {
        let quarter = allocation(day(2025, 1, 1), day(2025, 3, 31), 4.0);
        let log = [activity(day(2025, 2, 3), 1.5)];
        let on_the_last_day =
            allocation_figures(&quarter, log.iter(), &WorkCalendar::default(), day(2025, 3, 31));
        assert_eq!((on_the_last_day.hours.left_now, on_the_last_day.hours.expired), (h(2.5), Hours::ZERO));
        let the_day_after =
            allocation_figures(&quarter, log.iter(), &WorkCalendar::default(), day(2025, 4, 1));
        assert_eq!((the_day_after.hours.left_now, the_day_after.hours.expired), (Hours::ZERO, h(2.5)));
        assert_eq!(the_day_after.state, State::Completed);
    }

    #[test]
    fn upcoming_allocation_has_no_expected_use() {
        let quarter = allocation(day(2027, 1, 1), day(2027, 3, 31), 4.0);
        let figures = allocation_figures(&quarter, [].iter(), &WorkCalendar::default(), day(2026, 12, 1));
        assert_eq!(figures.state, State::Upcoming);
        assert_eq!((figures.hours.not_started, figures.hours.left_now), (h(4.0), Hours::ZERO));
        let on_the_first_day =
            allocation_figures(&quarter, [].iter(), &WorkCalendar::default(), day(2027, 1, 1));
        assert_eq!(
            (on_the_first_day.hours.not_started, on_the_first_day.hours.left_now),
            (Hours::ZERO, h(4.0))
        );
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
        assert_eq!(figures.hours.used, h(2.0));
    }

    #[test]
    fn tenths_use_an_allocation_up_exactly() {
        // 0.1 + 0.2 of 0.3 h: used up, not overrun. Ten entries of 0.1 complete 1 h.
        let small = allocation(day(2026, 10, 1), day(2026, 12, 31), 0.3);
        let log = [activity(day(2026, 10, 5), 0.1), activity(day(2026, 10, 6), 0.2)];
        let figures = allocation_figures(&small, log.iter(), &WorkCalendar::default(), day(2026, 10, 30));
        assert_eq!(
            (figures.hours.used, figures.hours.overrun, figures.hours.left_now),
            (h(0.3), Hours::ZERO, Hours::ZERO)
        );
        assert_eq!(figures.state, State::Completed);
        let hour = allocation(day(2026, 10, 1), day(2026, 12, 31), 1.0);
        let tenths: Vec<Activity> = (1..=10).map(|d| activity(day(2026, 10, d), 0.1)).collect();
        let figures = allocation_figures(&hour, tenths.iter(), &WorkCalendar::default(), day(2026, 10, 30));
        assert_eq!(
            (figures.hours.used, figures.state, figures.forecast_at_end),
            (h(1.0), State::Completed, 1.0)
        );
    }

    proptest::proptest! {
        /// Walking back day by day with [`UsedByDay`] gives, every day, the hours used and the
        /// pace that [`allocation_figures`] gives as of that day: one-day and range activities,
        /// inside, across and outside the window, over weekends and holidays.
        #[test]
        fn hours_used_by_day_are_those_of_the_figures_as_of_each_day(
            window in (0i64..60, 0i64..90),
            available in 0i64..4000,
            log in proptest::collection::vec((0i64..160, 0i64..25, 0i64..2000), 0..12),
            holidays in proptest::collection::btree_set(0i64..160, 0..6),
        ) {
            let origin = day(2026, 8, 27);
            let at = |offset: i64| origin + chrono::Days::new(offset as u64);
            let quarter = Allocation::standalone("Q", at(window.0), at(window.0 + window.1), Hours::from_hundredths(available));
            let calendar = WorkCalendar::new(&holidays.iter().map(|offset| at(*offset)).collect());
            let activities: Vec<Activity> = log
                .iter()
                .map(|(start, length, units)| Activity::standalone(at(*start), at(start + length), Hours::from_hundredths(*units)))
                .collect();
            let used = UsedByDay::new(&quarter, activities.iter(), &calendar);
            for offset in 0..200 {
                let figures = allocation_figures(&quarter, activities.iter(), &calendar, at(offset));
                proptest::prop_assert_eq!(used.on(at(offset)), figures.hours.used, "day {}", offset);
                proptest::prop_assert_eq!(pace(&quarter, figures.hours.used, &calendar, at(offset)), figures.pace());
            }
        }
    }
}
