//! Seed 002's P&S initiatives: which allocations are drafted as initiatives for the P&S project
//! board, and when the allocation provider's tasks inside one fall due.
//!
//! An allocation is drafted while it is upcoming (starting within the upcoming window, two
//! iterations by default: the one definition is [`super::reminders::upcoming`]) or active (its
//! [`State`] as of the date). The due dates depend on the allocation's window alone, never on
//! the as-of date, so a draft reads the same whenever it is made.

use chrono::{Days, NaiveDate};

use super::allocations::State;
use super::Figures;
use crate::calendar::WorkCalendar;
use crate::model::{AllocationId, Dataset};

/// Days in one P&S iteration (seed 002: iterations are two weeks).
pub const ITERATION_DAYS: u64 = 14;

/// Days in a week: the introduction email goes out in the allocation's first week.
const WEEK_DAYS: u64 = 7;

/// Where an allocation stands on the P&S board as of the date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Stage {
    /// Starts after the as-of date, within the upcoming window: "Upcoming P&S Initiatives".
    Upcoming,
    /// Its window is open and its hours are not used up: "P&S Initiatives in flight".
    Active,
}

/// An allocation to draft as an initiative.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Drafted {
    pub allocation: AllocationId,
    pub stage: Stage,
}

/// The allocations drafted as initiatives as of `figures.as_of`: the upcoming ones (an
/// allocation starting on the as-of date is active, not upcoming) and the active ones, earliest
/// start first.
pub fn drafted(dataset: &Dataset, figures: &Figures) -> Vec<Drafted> {
    let upcoming = figures.upcoming.iter().map(|id| Drafted { allocation: *id, stage: Stage::Upcoming });
    let active = figures
        .allocations
        .iter_enumerated()
        .filter(|(_, allocation)| allocation.state == State::Active)
        .map(|(id, _)| Drafted { allocation: id, stage: Stage::Active });
    let mut drafted: Vec<Drafted> = upcoming.chain(active).collect();
    drafted.sort_by_key(|d| {
        let allocation = &dataset.allocations[d.allocation];
        (allocation.start, allocation.end, d.allocation)
    });
    drafted
}

/// When the provider's tasks in one initiative fall due (seed 002's list).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct DueDates {
    /// The refinement task: by the end of the first iteration.
    pub refinement: NaiveDate,
    /// The introduction email to the Technical contacts: by the end of the first week.
    pub introduction_email: NaiveDate,
    /// The first day of the last iteration, in which reporting is scheduled.
    pub reporting_from: NaiveDate,
    /// Reporting and Request for Feedback: by the end date.
    pub reporting: NaiveDate,
}

/// The due dates of an allocation running from `start` to `end` (both included).
///
/// - refinement: the last day of the first iteration, `start + 13`;
/// - introduction email: the last day of the first week, `start + 6`;
/// - reporting: the end date, in the last iteration, which starts at `end − 13`.
///
/// No date is after `end` and the last iteration does not start before `start`: in an
/// allocation shorter than one iteration the whole window is both the first and the last
/// iteration, so refinement and reporting are due on the same day. A due date that is not a
/// working day moves back to the working day before it, never before the start of its
/// stretch (the window, or the last iteration for reporting); when that stretch has no
/// working day at all, the date stays as it is.
pub fn due_dates(start: NaiveDate, end: NaiveDate, calendar: &WorkCalendar) -> DueDates {
    let day_in_window = |days: u64| start.checked_add_days(Days::new(days)).map_or(end, |day| day.min(end));
    let reporting_from =
        end.checked_sub_days(Days::new(ITERATION_DAYS - 1)).map_or(start, |day| day.max(start));
    DueDates {
        refinement: on_a_working_day(day_in_window(ITERATION_DAYS - 1), start, calendar),
        introduction_email: on_a_working_day(day_in_window(WEEK_DAYS - 1), start, calendar),
        reporting_from,
        reporting: on_a_working_day(end, reporting_from, calendar),
    }
}

/// `day` if it is a working day, else the latest working day before it and not before
/// `earliest`; `day` itself when there is none.
fn on_a_working_day(day: NaiveDate, earliest: NaiveDate, calendar: &WorkCalendar) -> NaiveDate {
    std::iter::successors(Some(day), |day| day.pred_opt())
        .take_while(|candidate| *candidate >= earliest)
        .find(|candidate| calendar.is_working_day(*candidate))
        .unwrap_or(day)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn due(start: NaiveDate, end: NaiveDate) -> DueDates {
        due_dates(start, end, &WorkCalendar::default())
    }

    #[test]
    fn a_quarter() {
        // Thursday 1 October to Thursday 31 December 2026. 1 + 6 = Wednesday 7 October;
        // 1 + 13 = Wednesday 14 October; the last iteration is 18 to 31 December.
        assert_eq!(
            due(day(2026, 10, 1), day(2026, 12, 31)),
            DueDates {
                refinement: day(2026, 10, 14),
                introduction_email: day(2026, 10, 7),
                reporting_from: day(2026, 12, 18),
                reporting: day(2026, 12, 31),
            }
        );
    }

    #[test]
    fn a_month_with_due_dates_on_weekends() {
        // Sunday 1 November to Monday 30 November 2026. 1 + 6 = Saturday 7 November, so Friday
        // 6; 1 + 13 = Saturday 14 November, so Friday 13; the last iteration is 17 to 30.
        assert_eq!(
            due(day(2026, 11, 1), day(2026, 11, 30)),
            DueDates {
                refinement: day(2026, 11, 13),
                introduction_email: day(2026, 11, 6),
                reporting_from: day(2026, 11, 17),
                reporting: day(2026, 11, 30),
            }
        );
    }

    #[test]
    fn shorter_than_one_iteration() {
        // Monday 2 to Wednesday 11 November 2026 (ten days): 2 + 6 = Sunday 8, so Friday 6;
        // 2 + 13 = 15 is after the end, so the end; the last iteration is the whole window.
        assert_eq!(
            due(day(2026, 11, 2), day(2026, 11, 11)),
            DueDates {
                refinement: day(2026, 11, 11),
                introduction_email: day(2026, 11, 6),
                reporting_from: day(2026, 11, 2),
                reporting: day(2026, 11, 11),
            }
        );
        // Shorter than a week: Monday 2 to Wednesday 4 November, everything by the end.
        let three_days = due(day(2026, 11, 2), day(2026, 11, 4));
        assert_eq!(three_days.introduction_email, day(2026, 11, 4));
        assert_eq!(three_days.refinement, day(2026, 11, 4));
        assert_eq!(three_days.reporting_from, day(2026, 11, 2));
    }

    #[test]
    fn exactly_one_iteration() {
        // Monday 2 to Sunday 15 November 2026: first and last iteration are the same 14 days,
        // and both end on a Sunday, so Friday 13.
        let dates = due(day(2026, 11, 2), day(2026, 11, 15));
        assert_eq!((dates.refinement, dates.reporting), (day(2026, 11, 13), day(2026, 11, 13)));
        assert_eq!(dates.reporting_from, day(2026, 11, 2));
    }

    #[test]
    fn holidays_move_a_due_date_back() {
        // Christmas Day 2026 is a Friday: an allocation ending on it reports by Thursday 24.
        let calendar = WorkCalendar::new(&BTreeSet::from([day(2026, 12, 25)]));
        let dates = due_dates(day(2026, 12, 1), day(2026, 12, 25), &calendar);
        assert_eq!(dates.reporting, day(2026, 12, 24));
        assert_eq!(dates.reporting_from, day(2026, 12, 12));
    }

    #[test]
    fn a_window_without_working_days_keeps_its_dates() {
        // Saturday 7 and Sunday 8 November 2026: no working day to move to.
        let dates = due(day(2026, 11, 7), day(2026, 11, 8));
        assert_eq!(dates.introduction_email, day(2026, 11, 8));
        assert_eq!(dates.refinement, day(2026, 11, 8));
        assert_eq!(dates.reporting, day(2026, 11, 8));
        // One Saturday.
        let one_day = due(day(2026, 11, 7), day(2026, 11, 7));
        assert_eq!(one_day.reporting_from, day(2026, 11, 7));
        assert_eq!(one_day.reporting, day(2026, 11, 7));
    }

    #[test]
    fn a_due_date_stays_inside_its_stretch() {
        // Saturday 7 to Monday 16 November 2026: the last iteration starts on the start date
        // (16 − 13 = 3 is before it), and the introduction email is due Friday 13.
        let dates = due(day(2026, 11, 7), day(2026, 11, 16));
        assert_eq!(dates.reporting_from, day(2026, 11, 7));
        assert_eq!(dates.introduction_email, day(2026, 11, 13));
        // Monday 2 to Sunday 29 November: reporting moves back to Friday 27, inside the last
        // iteration (16 to 29).
        let dates = due(day(2026, 11, 2), day(2026, 11, 29));
        assert_eq!(dates.reporting_from, day(2026, 11, 16));
        assert_eq!(dates.reporting, day(2026, 11, 27));
        // Saturday 7 to Sunday 8 November: Friday 6 would be before the start, so the
        // Sunday stays (see above).
        assert_eq!(due(day(2026, 11, 7), day(2026, 11, 8)).reporting, day(2026, 11, 8));
    }
}
