//! What was delivered to one engagement: its counted activities, the hours of a month, the
//! cumulative use of an allocation (burn-up), and the hours by team member, in total and per
//! month.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::commitment::activity_months;
use crate::calendar::{Month, WorkCalendar};
use crate::hours::Hours;
use crate::model::{ActivityId, AllocationId, Dataset, EngagementId, MemberId};

/// The engagement's activities that count as of `as_of`, oldest first (file order on a tie).
pub fn counted_activities(dataset: &Dataset, engagement: EngagementId, as_of: NaiveDate) -> Vec<ActivityId> {
    let mut activities: Vec<ActivityId> = dataset
        .engagement_activities(engagement)
        .filter(|(_, activity)| activity.counts_as_of(as_of))
        .map(|(id, _)| id)
        .collect();
    activities.sort_by_key(|id| (dataset.activities[*id].start, dataset.activities[*id].line));
    activities
}

/// How many months before the report month an engagement's internal page lists.
const RECENT_MONTHS: u32 = 3;
/// The most entries of those months the page lists, the latest ones: a busy engagement's page
/// stays quick to build and to read, and the CSV download holds every entry.
const RECENT_ENTRIES: usize = 100;

/// The internal record of an engagement's recent work: the activities of the
/// [`RECENT_MONTHS`] months before the report month (the month itself is listed on its own),
/// of which the page shows the latest [`RECENT_ENTRIES`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecentWork {
    pub from: Month,
    pub to: Month,
    /// The entries to list, oldest first, with the hours each counts as of the date.
    pub listed: Vec<(ActivityId, Hours)>,
    /// How many entries those months hold.
    pub total: usize,
}

pub fn recent_work(
    dataset: &Dataset,
    activities: &[ActivityId],
    month: Month,
    as_of: NaiveDate,
    calendar: &WorkCalendar,
) -> RecentWork {
    let from = Month::of(month.first_day() - chrono::Months::new(RECENT_MONTHS));
    let to = Month::of(month.first_day().pred_opt().expect("a day before"));
    let recent: Vec<ActivityId> = activities
        .iter()
        .copied()
        .filter(|a| {
            let activity = &dataset.activities[*a];
            activity.end >= from.first_day() && activity.start <= to.last_day()
        })
        .collect();
    let total = recent.len();
    let listed = recent[total.saturating_sub(RECENT_ENTRIES)..]
        .iter()
        .map(|id| (*id, dataset.activities[*id].hours_as_of(as_of, calendar)))
        .collect();
    RecentWork { from, to, listed, total }
}

/// An allocation's use day by day: (day, hours used by the end of that day), in date order,
/// up to `as_of`. Only the hours within its window draw on it; an activity's hours are put on
/// its first day in the window.
pub fn cumulative_use(
    dataset: &Dataset,
    allocation: AllocationId,
    as_of: NaiveDate,
    calendar: &WorkCalendar,
) -> Vec<(NaiveDate, Hours)> {
    let record = &dataset.allocations[allocation];
    let mut by_day: BTreeMap<NaiveDate, Hours> = BTreeMap::new();
    for (_, activity) in dataset.activities_of(allocation).filter(|(_, a)| a.counts_as_of(as_of)) {
        let hours = activity.hours_within(record.start, record.end, as_of, calendar);
        if !hours.is_zero() {
            *by_day.entry(activity.start.max(record.start)).or_default() += hours;
        }
    }
    let mut total = Hours::ZERO;
    by_day
        .into_iter()
        .map(|(day, hours)| {
            total += hours;
            (day, total)
        })
        .collect()
}

/// Hours by team member as of `as_of`, most first (by name on a tie).
pub fn hours_by_member(
    dataset: &Dataset,
    activities: &[ActivityId],
    as_of: NaiveDate,
    calendar: &WorkCalendar,
) -> Vec<(MemberId, Hours)> {
    let mut by_member: BTreeMap<MemberId, Hours> = BTreeMap::new();
    for id in activities {
        let activity = &dataset.activities[*id];
        *by_member.entry(activity.team_member).or_default() += activity.hours_as_of(as_of, calendar);
    }
    let mut rows: Vec<(MemberId, Hours)> = by_member.into_iter().collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| dataset.team_member(a.0).cmp(dataset.team_member(b.0))));
    rows
}

/// At most this many months in the hours-by-member chart, the latest ones.
const TEAM_CHART_MONTHS: usize = 18;

/// The months the hours-by-member chart covers: from the first activity's month to the as-of
/// month, the latest [`TEAM_CHART_MONTHS`] of them.
pub fn team_chart_months(first_activity: NaiveDate, as_of: NaiveDate) -> Vec<Month> {
    let mut months: Vec<Month> = Month::range(Month::of(first_activity), Month::of(as_of)).collect();
    if months.len() > TEAM_CHART_MONTHS {
        months.drain(..months.len() - TEAM_CHART_MONTHS);
    }
    months
}

/// Hours delivered per month of `months` by each team member as of `as_of` (activities
/// spread over their working days), most hours first, by name on a tie.
pub fn hours_by_member_and_month(
    dataset: &Dataset,
    activities: &[ActivityId],
    months: &[Month],
    calendar: &WorkCalendar,
    as_of: NaiveDate,
) -> Vec<(MemberId, Vec<Hours>)> {
    let mut by_member: BTreeMap<&str, (MemberId, Vec<Hours>)> = BTreeMap::new();
    for id in activities {
        let activity = &dataset.activities[*id];
        let (_, row) = by_member
            .entry(dataset.team_member(activity.team_member))
            .or_insert_with(|| (activity.team_member, vec![Hours::ZERO; months.len()]));
        for (month, hours) in activity_months(activity, calendar, as_of) {
            if let Some(position) = months.iter().position(|m| *m == month) {
                row[position] += hours;
            }
        }
    }
    let mut members: Vec<(&str, (MemberId, Vec<Hours>))> = by_member.into_iter().collect();
    members.sort_by(|a, b| {
        let total = |row: &Vec<Hours>| row.iter().sum::<Hours>();
        total(&b.1 .1).cmp(&total(&a.1 .1)).then(a.0.cmp(b.0))
    });
    members.into_iter().map(|(_, row)| row).collect()
}
