//! Reporting decisions, made once for every output: which engagements are most urgent, which
//! get a monthly PDF, who it is sent to, and the headline counts.

use chrono::NaiveDate;

use super::allocations::AllocationFigures;
use super::allocations::State;
use super::communities::Community;
use super::status::Status;
use super::EngagementFigures;
use crate::calendar::Month;
use crate::load::contacts::Role;
use crate::model::{AllocationId, ContactId, Dataset, EngagementId, IdVec};

/// Completed allocations that ended within this many days are still listed in the summary.
const RECENT_DAYS: i64 = 31;

/// An engagement's allocations as the terminal summary lists them: the open ones, those closed
/// in the last [`RECENT_DAYS`] days and any overrun; with how many others (history) it leaves
/// out.
pub fn summary_allocations(
    dataset: &Dataset,
    allocations: &IdVec<AllocationId, AllocationFigures>,
    engagement: EngagementId,
    as_of: NaiveDate,
) -> (Vec<AllocationId>, usize) {
    let (shown, hidden): (Vec<AllocationId>, Vec<AllocationId>) =
        dataset.allocations_of(engagement).partition(|id| {
            let totals = &allocations[*id];
            let recently_ended = (as_of - dataset.allocations[*id].end).num_days() <= RECENT_DAYS;
            totals.state != State::Completed || recently_ended || !totals.hours.overrun.is_zero()
        });
    (shown, hidden.len())
}

/// Engagements, most urgent first (Action Needed, then At Risk, then On Track), by name within
/// a status.
pub fn urgency_order(
    dataset: &Dataset,
    engagements: &IdVec<EngagementId, EngagementFigures>,
) -> Vec<EngagementId> {
    let mut order: Vec<EngagementId> = engagements.ids().collect();
    order.sort_by(|a, b| {
        engagements[*b]
            .status
            .status
            .cmp(&engagements[*a].status.status)
            .then_with(|| dataset.engagements[*a].name.cmp(&dataset.engagements[*b].name))
    });
    order
}

/// Whether an engagement gets a PDF for `month`: it runs during the month, or has activity
/// in it (counted as of `as_of`).
pub fn reported_in_month(
    dataset: &Dataset,
    engagement: EngagementId,
    month: Month,
    as_of: NaiveDate,
) -> bool {
    let record = &dataset.engagements[engagement];
    let running = record.start.is_none_or(|start| start <= month.last_day())
        && record.end.is_none_or(|end| end >= month.first_day());
    running
        || dataset
            .engagement_activities(engagement)
            .any(|(_, activity)| Month::of(activity.start) == month && activity.counts_as_of(as_of))
}

/// Whether a community gets a PDF for `month`: one of its engagements is reported in it.
pub fn community_reported_in_month(
    dataset: &Dataset,
    community: &Community,
    month: Month,
    as_of: NaiveDate,
) -> bool {
    community.engagements.iter().any(|id| reported_in_month(dataset, *id, month, as_of))
}

/// Who a community's report and emails go to (seed 002): To the Technical contacts, Cc the
/// Administrative ones; only contacts with an email address; never Billing contacts.
///
/// A contact's roles apply to every engagement its row links; a person with a different role
/// in each of two engagements is two rows (two Airtable records) with the same name. Each
/// address appears once: a contact who is both Technical and Administrative is in To only,
/// and a person on two rows of one engagement is listed once.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Recipients {
    pub to: Vec<ContactId>,
    pub cc: Vec<ContactId>,
}

pub fn recipients(dataset: &Dataset, engagement: EngagementId) -> Recipients {
    let mut seen = std::collections::HashSet::new();
    let mut with_role = |role: Role| -> Vec<ContactId> {
        dataset
            .contacts_with_role(engagement, role)
            .filter(|(_, contact)| !contact.email.is_empty() && seen.insert(contact.email.to_lowercase()))
            .map(|(id, _)| id)
            .collect()
    };
    let to = with_role(Role::Technical);
    let cc = with_role(Role::Administrative);
    Recipients { to, cc }
}

/// The contacts a page of `engagement` names, in file order, with their roles other than
/// Billing: a Billing-only contact is never named.
pub fn named_contacts(dataset: &Dataset, engagement: EngagementId) -> Vec<(ContactId, Vec<Role>)> {
    dataset
        .reported_contacts(engagement)
        .map(|id| (id, dataset.contacts[id].roles.iter().copied().filter(|r| *r != Role::Billing).collect()))
        .collect()
}

/// How many engagements a report counts, and how: one definition for the dashboard, the
/// aggregated report and the terminal.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Headcount {
    /// Engagements running on the as-of date: started (or no start date) and not ended (or no
    /// end date).
    pub running: usize,
    /// Engagements past their end date whose Status still says Active: lapsed contracts,
    /// listed under action, never counted as running.
    pub lapsed: Vec<EngagementId>,
    /// Current engagements by internal status.
    pub action_needed: usize,
    pub at_risk: usize,
}

pub fn headcount(
    dataset: &Dataset,
    engagements: &IdVec<EngagementId, EngagementFigures>,
    current: &[EngagementId],
    as_of: NaiveDate,
) -> Headcount {
    let running = dataset
        .engagements
        .iter()
        .filter(|e| e.start.is_none_or(|s| s <= as_of) && e.end.is_none_or(|end| end >= as_of))
        .count();
    let lapsed =
        dataset.engagements.iter_enumerated().filter(|(_, e)| e.is_lapsed(as_of)).map(|(id, _)| id).collect();
    let count =
        |status: Status| current.iter().filter(|id| engagements[**id].status.status == status).count();
    Headcount { running, lapsed, action_needed: count(Status::ActionNeeded), at_risk: count(Status::AtRisk) }
}
