//! What a community reads first: the hours it can use now and by when, what comes next, who
//! provides the service, and what was done this month. Also which allocations a community
//! report shows in full and which it sums up as history.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::allocations::State;
use super::commitment::activity_months;
use super::Figures;
use crate::calendar::{Month, WorkCalendar};
use crate::hours::Hours;
use crate::model::{ActivityId, AllocationId, Dataset, EngagementId, MemberId};

/// Hours that can be used now, until a date.
#[derive(Debug, Clone, PartialEq)]
pub struct Usable {
    pub allocation: AllocationId,
    pub left: Hours,
    pub use_by: NaiveDate,
}

/// Hours of an allocation that has not started yet.
#[derive(Debug, Clone, PartialEq)]
pub struct Coming {
    pub allocation: AllocationId,
    pub hours: Hours,
    pub from: NaiveDate,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Allowance {
    /// Open allocations with hours left, the soonest use-by date first.
    pub usable: Vec<Usable>,
    /// Allocations still to start, the soonest first.
    pub coming: Vec<Coming>,
    /// The providers of those allocations, each once, in that order.
    pub providers: Vec<String>,
}

pub fn allowance(dataset: &Dataset, figures: &Figures, engagement: EngagementId) -> Allowance {
    let mut usable = Vec::new();
    let mut coming = Vec::new();
    for allocation in dataset.allocations_of(engagement) {
        let record = &dataset.allocations[allocation];
        let totals = &figures.allocations[allocation];
        match totals.state {
            State::Upcoming => {
                coming.push(Coming { allocation, hours: totals.available, from: record.start })
            }
            _ if totals.left > Hours::ZERO => {
                usable.push(Usable { allocation, left: totals.left, use_by: record.end })
            }
            _ => {}
        }
    }
    usable.sort_by_key(|u| (u.use_by, u.allocation));
    coming.sort_by_key(|c| (c.from, c.allocation));
    let mut providers: Vec<String> = Vec::new();
    let ids = usable.iter().map(|u| u.allocation).chain(coming.iter().map(|c| c.allocation));
    for provider in ids.filter_map(|id| dataset.allocations[id].provider.clone()) {
        if !providers.contains(&provider) {
            providers.push(provider);
        }
    }
    Allowance { usable, coming, providers }
}

/// An engagement's allocations as a community report shows them: in full those still open,
/// to come, or closed during or after the report month; the earlier ones summed up.
pub fn shown_allocations(
    dataset: &Dataset,
    engagement: EngagementId,
    month: Month,
) -> (Vec<AllocationId>, Vec<AllocationId>) {
    dataset.allocations_of(engagement).partition(|id| dataset.allocations[*id].end >= month.first_day())
}

/// The allocations whose window overlaps the month: the ones a burn-up chart is drawn for.
pub fn active_in(dataset: &Dataset, engagement: EngagementId, month: Month) -> Vec<AllocationId> {
    dataset
        .allocations_of(engagement)
        .filter(|id| {
            let allocation = &dataset.allocations[*id];
            allocation.start <= month.last_day() && allocation.end >= month.first_day()
        })
        .collect()
}

/// How many descriptions a summary names.
const TOPICS: usize = 3;

/// One month's delivery to an engagement.
#[derive(Debug, Clone, PartialEq)]
pub struct MonthDelivery {
    pub month: Month,
    /// Activities with hours in the month, oldest first, with those hours.
    pub activities: Vec<(ActivityId, Hours)>,
    pub hours: Hours,
    /// The hours delivered the month before, for comparison.
    pub previous: Hours,
    pub by_member: Vec<(MemberId, Hours)>,
    /// The community descriptions with the most hours, most first.
    pub topics: Vec<String>,
}

/// The hours each of `activities` delivered in `month` as of `as_of`.
fn hours_in_month(
    dataset: &Dataset,
    activities: &[ActivityId],
    month: Month,
    as_of: NaiveDate,
    calendar: &WorkCalendar,
) -> Vec<(ActivityId, Hours)> {
    activities
        .iter()
        .filter_map(|id| {
            let hours: Hours = activity_months(&dataset.activities[*id], calendar, as_of)
                .into_iter()
                .filter(|(m, _)| *m == month)
                .map(|(_, hours)| hours)
                .sum();
            let activity = &dataset.activities[*id];
            let in_month = activity.start <= month.last_day() && activity.end >= month.first_day();
            in_month.then_some((*id, hours))
        })
        .collect()
}

/// What `activities` (an engagement's, counted as of `as_of`) delivered in `month`.
pub fn month_delivery(
    dataset: &Dataset,
    activities: &[ActivityId],
    month: Month,
    as_of: NaiveDate,
    calendar: &WorkCalendar,
) -> MonthDelivery {
    let this = hours_in_month(dataset, activities, month, as_of, calendar);
    let previous_month = Month::of(month.first_day().pred_opt().expect("a day before"));
    let previous = hours_in_month(dataset, activities, previous_month, as_of, calendar);
    let mut by_member: BTreeMap<MemberId, Hours> = BTreeMap::new();
    for (id, hours) in &this {
        *by_member.entry(dataset.activities[*id].team_member).or_default() += *hours;
    }
    let mut by_member: Vec<(MemberId, Hours)> = by_member.into_iter().collect();
    by_member
        .sort_by(|a, b| b.1.cmp(&a.1).then_with(|| dataset.team_member(a.0).cmp(dataset.team_member(b.0))));
    MonthDelivery {
        month,
        hours: this.iter().map(|(_, h)| *h).sum(),
        previous: previous.iter().map(|(_, h)| *h).sum(),
        topics: top_descriptions(dataset, &this),
        by_member,
        activities: this,
    }
}

/// The community descriptions with the most hours (alphabetical on a tie), at most [`TOPICS`].
fn top_descriptions(dataset: &Dataset, activities: &[(ActivityId, Hours)]) -> Vec<String> {
    let mut by_text: BTreeMap<&str, Hours> = BTreeMap::new();
    for (id, hours) in activities {
        let text = dataset.activities[*id].community_description().trim();
        if !text.is_empty() {
            *by_text.entry(text.lines().next().unwrap_or(text)).or_default() += *hours;
        }
    }
    let mut ranked: Vec<(&str, Hours)> = by_text.into_iter().collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    ranked.into_iter().take(TOPICS).map(|(text, _)| text.to_string()).collect()
}

/// Earlier work on one allocation, summed up.
#[derive(Debug, Clone, PartialEq)]
pub struct EarlierWork {
    pub allocation: AllocationId,
    pub hours: Hours,
    pub entries: usize,
    pub topics: Vec<String>,
}

/// The work before `month`, per allocation (allocation order), as known on `as_of`.
pub fn earlier_work(
    dataset: &Dataset,
    engagement: EngagementId,
    month: Month,
    as_of: NaiveDate,
    calendar: &WorkCalendar,
) -> Vec<EarlierWork> {
    let until = month.first_day().pred_opt().expect("a day before").min(as_of);
    dataset
        .allocations_of(engagement)
        .filter_map(|allocation| {
            let entries: Vec<(ActivityId, Hours)> = dataset
                .activities_of(allocation)
                .filter(|(_, activity)| activity.start <= until)
                .map(|(id, activity)| (id, activity.hours_as_of(until, calendar)))
                .collect();
            (!entries.is_empty()).then(|| EarlierWork {
                allocation,
                hours: entries.iter().map(|(_, h)| *h).sum(),
                entries: entries.len(),
                topics: top_descriptions(dataset, &entries),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topics_rank_by_hours_then_by_name() {
        let mut dataset = Dataset::default();
        let day = NaiveDate::from_ymd_opt(2026, 10, 5).unwrap();
        for (text, hours) in
            [("Office hours", 1), ("Workshop", 3), ("Office hours", 1), ("Audit", 2), ("Zoom", 2)]
        {
            let mut activity = crate::model::Activity::standalone(day, day, Hours::whole(hours));
            activity.set_descriptions(text, "");
            dataset.activities = dataset.activities.iter().cloned().chain([activity]).collect();
        }
        let entries: Vec<(ActivityId, Hours)> =
            dataset.activities.iter_enumerated().map(|(id, a)| (id, a.units)).collect();
        // Workshop 3 h; Audit, Office hours and Zoom 2 h each: Audit and Office hours by name.
        assert_eq!(top_descriptions(&dataset, &entries), ["Workshop", "Audit", "Office hours"]);
    }
}
