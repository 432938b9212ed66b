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
        if totals.state == State::Upcoming {
            coming.push(Coming { allocation, hours: totals.hours.not_started, from: record.start });
        } else if totals.hours.left_now > Hours::ZERO {
            usable.push(Usable { allocation, left: totals.hours.left_now, use_by: record.end });
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

/// The most entries a community report lists one by one for its month. A busier month is summed
/// up per allocation instead, so the report stays a few pages however much was logged; the
/// site's page and the CSV download keep every entry.
pub const MONTH_ENTRIES_IN_REPORT: usize = 40;

/// The most burn-up charts a community report draws; the timeline chart shows every allocation.
pub const BURN_UPS_IN_REPORT: usize = 4;

/// One month's delivery to an engagement.
#[derive(Debug, Clone, PartialEq)]
pub struct MonthDelivery {
    pub month: Month,
    /// Activities with hours in the month, oldest first, with those hours.
    pub activities: Vec<(ActivityId, Hours)>,
    pub hours: Hours,
    /// The hours delivered the month before, for comparison.
    pub previous: Hours,
    /// `hours − previous`: negative when the month delivered less.
    pub change: Hours,
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
    let hours: Hours = this.iter().map(|(_, h)| *h).sum();
    let previous: Hours = previous.iter().map(|(_, h)| *h).sum();
    MonthDelivery {
        month,
        hours,
        previous,
        change: hours - previous,
        topics: top_descriptions(dataset, &this),
        by_member,
        activities: this,
    }
}

impl MonthDelivery {
    /// Whether a community report lists the month's entries one by one (see
    /// [`MONTH_ENTRIES_IN_REPORT`]); otherwise it shows [`MonthDelivery::by_allocation`].
    pub fn listed_in_report(&self) -> bool {
        self.activities.len() <= MONTH_ENTRIES_IN_REPORT
    }

    /// The month's work per allocation (allocation order): its hours in the month, entries and
    /// top descriptions.
    pub fn by_allocation(&self, dataset: &Dataset) -> Vec<AllocationWork> {
        let mut grouped: BTreeMap<AllocationId, Vec<(ActivityId, Hours)>> = BTreeMap::new();
        for (id, hours) in &self.activities {
            grouped.entry(dataset.activities[*id].allocation).or_default().push((*id, *hours));
        }
        grouped
            .into_iter()
            .map(|(allocation, entries)| AllocationWork::of(dataset, allocation, &entries))
            .collect()
    }

    /// Of `active` (the allocations active in the month), those whose burn-up a community report
    /// draws: all of them up to [`BURN_UPS_IN_REPORT`], else those with the most hours in the
    /// month (the earlier allocation on a tie), kept in allocation order.
    pub fn burn_ups_in_report(&self, dataset: &Dataset, active: &[AllocationId]) -> Vec<AllocationId> {
        if active.len() <= BURN_UPS_IN_REPORT {
            return active.to_vec();
        }
        let mut hours: BTreeMap<AllocationId, Hours> = active.iter().map(|id| (*id, Hours::ZERO)).collect();
        for (id, delivered) in &self.activities {
            if let Some(total) = hours.get_mut(&dataset.activities[*id].allocation) {
                *total += *delivered;
            }
        }
        let mut ranked: Vec<(AllocationId, Hours)> = hours.into_iter().collect();
        ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let mut chosen: Vec<AllocationId> =
            ranked.into_iter().take(BURN_UPS_IN_REPORT).map(|(id, _)| id).collect();
        chosen.sort();
        chosen
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

/// The work on one allocation over some stretch, summed up.
#[derive(Debug, Clone, PartialEq)]
pub struct AllocationWork {
    pub allocation: AllocationId,
    pub hours: Hours,
    pub entries: usize,
    pub topics: Vec<String>,
}

impl AllocationWork {
    fn of(dataset: &Dataset, allocation: AllocationId, entries: &[(ActivityId, Hours)]) -> AllocationWork {
        AllocationWork {
            allocation,
            hours: entries.iter().map(|(_, h)| *h).sum(),
            entries: entries.len(),
            topics: top_descriptions(dataset, entries),
        }
    }
}

/// The work before `month`, per allocation (allocation order), as known on `as_of`.
pub fn earlier_work(
    dataset: &Dataset,
    engagement: EngagementId,
    month: Month,
    as_of: NaiveDate,
    calendar: &WorkCalendar,
) -> Vec<AllocationWork> {
    let until = month.first_day().pred_opt().expect("a day before").min(as_of);
    dataset
        .allocations_of(engagement)
        .filter_map(|allocation| {
            let entries: Vec<(ActivityId, Hours)> = dataset
                .activities_of(allocation)
                .filter(|(_, activity)| activity.start <= until)
                .map(|(id, activity)| (id, activity.hours_as_of(until, calendar)))
                .collect();
            (!entries.is_empty()).then(|| AllocationWork::of(dataset, allocation, &entries))
        })
        .collect()
}

/// What an earlier engagement of a community delivered in all, as known on `as_of`: the
/// history a community's page shows under its current engagement.
#[derive(Debug, Clone, PartialEq)]
pub struct EngagementWork {
    pub engagement: EngagementId,
    pub hours: Hours,
    pub entries: usize,
    pub topics: Vec<String>,
}

pub fn engagement_work(
    dataset: &Dataset,
    engagement: EngagementId,
    as_of: NaiveDate,
    calendar: &WorkCalendar,
) -> EngagementWork {
    let entries: Vec<(ActivityId, Hours)> = dataset
        .engagement_activities(engagement)
        .filter(|(_, activity)| activity.counts_as_of(as_of))
        .map(|(id, activity)| (id, activity.hours_as_of(as_of, calendar)))
        .collect();
    EngagementWork {
        engagement,
        hours: entries.iter().map(|(_, h)| *h).sum(),
        entries: entries.len(),
        topics: top_descriptions(dataset, &entries),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Id;

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

    /// A month of `hours_per_allocation[i]` hours logged on allocation `i`, one entry per hour.
    fn month_of(hours_per_allocation: &[i64]) -> (Dataset, MonthDelivery) {
        let mut dataset = Dataset::default();
        let day = NaiveDate::from_ymd_opt(2026, 10, 5).unwrap();
        let mut activities = Vec::new();
        for (allocation, hours) in hours_per_allocation.iter().enumerate() {
            for _ in 0..*hours {
                let mut activity = crate::model::Activity::standalone(day, day, Hours::whole(1));
                activity.allocation = AllocationId::from_index(allocation);
                activities.push(activity);
            }
        }
        dataset.activities = activities.into_iter().collect();
        let entries = dataset.activities.iter_enumerated().map(|(id, a)| (id, a.units)).collect();
        let month = MonthDelivery {
            month: Month::of(day),
            activities: entries,
            hours: Hours::ZERO,
            previous: Hours::ZERO,
            change: Hours::ZERO,
            by_member: Vec::new(),
            topics: Vec::new(),
        };
        (dataset, month)
    }

    #[test]
    fn a_month_is_listed_in_full_up_to_forty_entries() {
        assert!(month_of(&[40]).1.listed_in_report());
        assert!(!month_of(&[20, 21]).1.listed_in_report());
        let (dataset, month) = month_of(&[20, 0, 21]);
        let summed: Vec<(usize, Hours, usize)> = month
            .by_allocation(&dataset)
            .iter()
            .map(|work| (work.allocation.index(), work.hours, work.entries))
            .collect();
        assert_eq!(summed, [(0, Hours::whole(20), 20), (2, Hours::whole(21), 21)]);
    }

    #[test]
    fn the_report_draws_the_four_busiest_burn_ups_in_allocation_order() {
        let active: Vec<AllocationId> = (0..6).map(AllocationId::from_index).collect();
        let (dataset, month) = month_of(&[3, 1, 5, 0, 3, 2]);
        let chosen = month.burn_ups_in_report(&dataset, &active);
        // 5 h (2), then 3 h on 0 and 4 (the earlier first), then 2 h (5); 1 h and 0 h left out.
        assert_eq!(chosen, [0, 2, 4, 5].map(AllocationId::from_index));
        let few = &active[..4];
        assert_eq!(month.burn_ups_in_report(&dataset, few), few);
    }
}
