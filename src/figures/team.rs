//! What a manager asks of a month: who carries what (each team member's hours delivered and
//! committed, and whether that is beyond their share of the team's capacity), how busy the
//! team was (delivered hours per working day against capacity), and which engagements renew
//! soon.
//!
//! - A member's **delivered** hours are their activities' hours in the month, as the delivered
//!   series counts them (a range spread over its working days, as of the date).
//! - A member's **committed** hours are those of the allocations they provide (the Allocation
//!   provider is their name), spread over each allocation's working days as the commitment
//!   chart spreads them.
//! - Their **share** is the team's capacity for the month (capacity per working day × working
//!   days, over the days it is known) split evenly among the members with hours delivered or
//!   committed in the month; committed beyond it is **over share**. Unknown when the month's
//!   capacity is not known on every working day.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::commitment::{allocation_months, for_each_activity_month, CommitmentRow};
use super::Figures;
use crate::calendar::Month;
use crate::hours::Hours;
use crate::model::{Allocation, Dataset, EngagementId, Id, MemberId};

/// One team member's month.
#[derive(Debug, Clone, PartialEq)]
pub struct MemberMonth {
    pub member: String,
    pub delivered: Hours,
    pub committed: f64,
    /// The engagements they logged hours for in the month, in data order.
    pub engagements: Vec<EngagementId>,
    /// Their even share of the team's capacity in the month, when it is known.
    pub share: Option<f64>,
    /// Committed beyond their share (never when the share is unknown).
    pub committed_over_share: bool,
    /// Delivered beyond their share (never when the share is unknown).
    pub delivered_over_share: bool,
}

/// Whether `hours` go beyond `share` (never when the share is unknown); floating-point noise at
/// the share is not beyond it.
pub fn over_share(hours: f64, share: Option<f64>) -> bool {
    share.is_some_and(|share| hours > share + 1e-9)
}

/// Every member with hours delivered or committed in `month`, most committed first, then by
/// name.
pub fn team_month(dataset: &Dataset, figures: &Figures, month: Month) -> Vec<MemberMonth> {
    let mut members: BTreeMap<String, MemberMonth> = BTreeMap::new();
    let (first_day, last_day) = (month.first_day(), month.last_day());
    // Summed by team member first, names looked up once: an export holds a million activities
    // and a few members, each with many engagements. The activities are shared among the cores;
    // hours are exact, so the order of the sums does not matter.
    let per_range = crate::parallel::ranges(dataset.activities.len(), |range| {
        let mut delivered = vec![Hours::ZERO; dataset.team_members.len()];
        let mut worked_on: Vec<(MemberId, EngagementId)> = Vec::new();
        let activities = dataset.activities.iter().skip(range.start).take(range.len());
        for activity in activities.filter(|a| a.start <= last_day && a.end >= first_day) {
            let mut hours = Hours::ZERO;
            for_each_activity_month(activity, &figures.calendar, figures.as_of, |m, h| {
                if m == month {
                    hours += h;
                }
            });
            if hours.is_zero() {
                continue;
            }
            delivered[activity.team_member.index()] += hours;
            worked_on.push((activity.team_member, dataset.allocations[activity.allocation].engagement));
        }
        (delivered, worked_on)
    });
    let mut delivered = vec![Hours::ZERO; dataset.team_members.len()];
    let mut worked_on: Vec<(MemberId, EngagementId)> = Vec::new();
    for (range_delivered, range_worked_on) in per_range {
        for (sum, hours) in delivered.iter_mut().zip(range_delivered) {
            *sum += hours;
        }
        worked_on.extend(range_worked_on);
    }
    worked_on.sort_unstable();
    worked_on.dedup();
    // Names that differ only in the spaces around them are one member.
    for (index, (member, engagement)) in worked_on.iter().enumerate() {
        let name = dataset.team_member(*member).trim();
        if !members.contains_key(name) {
            members.insert(name.to_string(), empty(name));
        }
        let entry = members.get_mut(name).expect("inserted above");
        if index == 0 || worked_on[index - 1].0 != *member {
            entry.delivered += delivered[member.index()];
        }
        entry.engagements.push(*engagement);
    }
    let in_month = |allocation: &&Allocation| allocation.start <= last_day && allocation.end >= first_day;
    for allocation in dataset.allocations.iter().filter(in_month) {
        let Some(provider) = allocation.provider.as_deref().map(str::trim).filter(|p| !p.is_empty()) else {
            continue;
        };
        let hours: f64 = allocation_months(allocation, &figures.calendar)
            .into_iter()
            .filter(|(m, _)| *m == month)
            .map(|(_, hours)| hours)
            .sum();
        if hours > 0.0 {
            members.entry(provider.to_string()).or_insert_with(|| empty(provider)).committed += hours;
        }
    }
    let share = figures
        .commitment_in(month)
        .and_then(team_capacity)
        .map(|capacity| capacity / members.len().max(1) as f64);
    let mut team: Vec<MemberMonth> = members
        .into_values()
        .map(|m| MemberMonth {
            share,
            committed_over_share: over_share(m.committed, share),
            delivered_over_share: over_share(m.delivered.as_f64(), share),
            ..m
        })
        .collect();
    for member in &mut team {
        member.engagements.sort();
        member.engagements.dedup();
    }
    team.sort_by(|a, b| b.committed.total_cmp(&a.committed).then_with(|| a.member.cmp(&b.member)));
    team
}

fn empty(name: &str) -> MemberMonth {
    MemberMonth {
        member: name.to_string(),
        delivered: Hours::ZERO,
        committed: 0.0,
        engagements: Vec::new(),
        share: None,
        committed_over_share: false,
        delivered_over_share: false,
    }
}

/// The team's capacity in hours for a month whose capacity is known on every working day.
fn team_capacity(row: &CommitmentRow) -> Option<f64> {
    row.capacity_known_for_whole_month
        .then_some(row.capacity_hours_per_working_day)
        .flatten()
        .map(|per_day| per_day * f64::from(row.working_days))
}

/// An engagement that ends within the renewal list's window.
#[derive(Debug, Clone, PartialEq)]
pub struct Renewal {
    pub engagement: EngagementId,
    pub end: NaiveDate,
    /// Negative once it has ended.
    pub days_left: i64,
    /// Ended but still marked Active ([`crate::model::Engagement::is_lapsed`]).
    pub lapsed: bool,
    /// Hours usable now that expire by the engagement's end if not used.
    pub left_now: Hours,
    pub last_activity: Option<NaiveDate>,
}

/// The current engagements ending within `days` days of the as-of date (day 0 to day `days`
/// inclusive), and those that ended but are still marked Active (lapsed, a negative
/// `days_left`): the renewal conversations to have, soonest end first.
pub fn renewals(dataset: &Dataset, figures: &Figures, days: i64) -> Vec<Renewal> {
    let mut renewals: Vec<Renewal> = figures
        .communities
        .iter()
        .filter_map(|community| {
            let engagement = community.current;
            let end = dataset.engagements[engagement].end?;
            let days_left = (end - figures.as_of).num_days();
            let lapsed = dataset.engagements[engagement].is_lapsed(figures.as_of);
            ((0..=days).contains(&days_left) || lapsed).then(|| Renewal {
                engagement,
                end,
                days_left,
                lapsed,
                left_now: figures.engagements[engagement].hours.left_now,
                last_activity: dataset
                    .allocations_of(engagement)
                    .filter_map(|allocation| figures.allocations[allocation].last_activity)
                    .max(),
            })
        })
        .collect();
    renewals.sort_by_key(|renewal| (renewal.end, renewal.engagement));
    renewals
}
