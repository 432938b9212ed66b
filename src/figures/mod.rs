//! Stage 3: pure functions from the linked dataset and an as-of date to every figure and every
//! reporting decision. Later stages only format what is defined here.
//!
//! - [`allocations`]: used, left, expired, overrun, state, pace and forecast of one allocation;
//! - [`EngagementFigures`]: the same totals per engagement, with its [`status`];
//! - [`commitment`]: total commitment and delivered hours per month against capacity;
//! - [`delivery`]: one engagement's activity, burn-up and hours by team member;
//! - [`reminders`]: upcoming, ending soon, late logging, quiet allocations;
//! - [`report`]: urgency order, who gets a PDF and who it is sent to, headline counts;
//! - [`allowance`]: what a community can use now and next, and its month's delivery;
//! - [`findings`]: the internal report's action list;
//! - [`revenue`]: cost against revenue, for engagements with a contract value;
//! - [`emails`]: which of seed 002's introduction and wrap-up emails are due, and what each lacks;
//! - [`brief`]: Business Development's check-in brief for one engagement;
//! - [`planning`], [`what_if`] and [`initiatives`]: the `plan`, `what-if` and `initiatives`
//!   commands' answers.

pub mod allocations;
pub mod allowance;
pub mod brief;
pub mod changes;
pub mod commitment;
pub mod communities;
pub mod delivery;
pub mod emails;
pub mod findings;
pub mod initiatives;
pub mod month;
pub mod planning;
pub mod reminders;
pub mod report;
pub mod revenue;
pub mod satisfaction;
pub mod status;
pub mod team;
pub mod what_if;

use chrono::NaiveDate;

use self::allocations::{allocation_figures, AllocationFigures, HoursTotals};
use self::commitment::{commitment_by_month, CommitmentRow};
use self::communities::Community;
use self::reminders::{LateEntry, QuietAllocation};
use self::status::{engagement_status, EngagementStatus, StatusInput};
use crate::calendar::{Month, WorkCalendar};
use crate::hours::Hours;
use crate::model::{ActivityId, AllocationId, CommunityId, Dataset, EngagementId, Id, IdVec};
use crate::settings::Settings;

/// Totals of one engagement's allocations, its status, and the activities dated outside their
/// allocation's window.
#[derive(Debug, Clone, PartialEq)]
pub struct EngagementFigures {
    /// `available = used − overrun + left_now + not_started + expired` (see [`allocations`]).
    pub hours: HoursTotals,
    pub status: EngagementStatus,
    /// Counted activities dated (partly) outside their allocation's window: delivered, but they
    /// do not draw on the allocation, and a data owner should look at them.
    pub outside_window: Vec<ActivityId>,
    /// The allocations the terminal summary lists ([`report::summary_allocations`]), and how
    /// many earlier ones it leaves out.
    pub listed: Vec<AllocationId>,
    pub unlisted: usize,
}

/// Hours delivered and committed, and what they cost.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Cost {
    pub cost_per_hour: f64,
    pub delivered_hours: Hours,
    #[serde(serialize_with = "crate::rounding::cents")]
    pub delivered_cost: f64,
    pub committed_hours: Hours,
    #[serde(serialize_with = "crate::rounding::cents")]
    pub committed_cost: f64,
}

/// Every figure as of one date, keyed by the records' ids.
#[derive(Debug, Clone)]
pub struct Figures {
    pub as_of: NaiveDate,
    pub calendar: WorkCalendar,
    pub allocations: IdVec<AllocationId, AllocationFigures>,
    pub engagements: IdVec<EngagementId, EngagementFigures>,
    /// Most urgent first.
    pub urgency: Vec<EngagementId>,
    /// The current engagement of each community, most urgent first: what a reader sees as the
    /// communities.
    pub current: Vec<EngagementId>,
    /// The engagements counted, one definition for every output.
    pub headcount: report::Headcount,
    pub communities: IdVec<CommunityId, Community>,
    /// Each engagement's community.
    pub community_of: IdVec<EngagementId, CommunityId>,
    pub commitment: Vec<CommitmentRow>,
    pub upcoming: Vec<AllocationId>,
    pub ending_soon: Vec<AllocationId>,
    pub late_entries: Vec<LateEntry>,
    pub quiet: Vec<QuietAllocation>,
    pub cost: Cost,
    /// The feedback form read back; `None` without `feedback.csv`.
    pub satisfaction: Option<satisfaction::Satisfaction>,
}

impl Figures {
    /// The hours of some allocations, summed.
    pub fn hours_of(&self, allocations: &[AllocationId]) -> HoursTotals {
        allocations.iter().map(|id| self.allocations[*id].hours).sum()
    }
    pub fn commitment_in(&self, month: Month) -> Option<&CommitmentRow> {
        self.commitment.iter().find(|row| row.month == month)
    }
}

pub fn compute(dataset: &Dataset, settings: &Settings, as_of: NaiveDate) -> Figures {
    let calendar = WorkCalendar::new(&settings.holidays);
    let windows = &settings.windows;
    // The month series and the late entries read only the dataset: they are worked out on a
    // thread of their own while the records' figures are shared among the cores.
    let (allocations, engagements, commitment, late_entries) = std::thread::scope(|scope| {
        let commitment =
            scope.spawn(|| commitment_by_month(dataset, &calendar, settings.hours_per_fte_day, as_of));
        let late_entries = scope.spawn(|| reminders::late_entries(dataset, as_of, windows));
        let allocations = dataset.allocations.par_map(|id, allocation| {
            allocation_figures(allocation, dataset.activities_of(id).map(|(_, a)| a), &calendar, as_of)
        });
        let engagements = dataset
            .engagements
            .par_map(|id, _| engagement_figures(dataset, id, &allocations, &calendar, settings, as_of));
        let joined = (commitment.join(), late_entries.join());
        (
            allocations,
            engagements,
            joined.0.expect("a figures thread panicked"),
            joined.1.expect("a figures thread panicked"),
        )
    });
    let communities = communities::communities(dataset, as_of);
    let mut community_of: IdVec<EngagementId, CommunityId> =
        dataset.engagements.map(|_, _| CommunityId::from_index(0));
    for (community, members) in communities.iter_enumerated() {
        for engagement in &members.engagements {
            *community_of.get_mut(*engagement) = community;
        }
    }
    let urgency = report::urgency_order(dataset, &engagements);
    let current: Vec<EngagementId> =
        urgency.iter().copied().filter(|id| communities[community_of[*id]].current == *id).collect();
    let mut figures = Figures {
        satisfaction: None,
        headcount: report::headcount(dataset, &engagements, &current, as_of),
        current,
        communities,
        community_of,
        as_of,
        upcoming: reminders::upcoming(dataset, as_of, windows.upcoming_days),
        ending_soon: reminders::ending_soon(dataset, &allocations, as_of, windows.ending_soon_days),
        late_entries,
        quiet: reminders::quiet_allocations(dataset, &allocations, as_of, windows),
        cost: cost(&allocations, settings.cost_per_hour),
        urgency,
        calendar,
        engagements,
        allocations,
        commitment,
    };
    figures.satisfaction = satisfaction::satisfaction(dataset, &figures, settings.feedback);
    figures
}

fn engagement_figures(
    dataset: &Dataset,
    engagement: EngagementId,
    allocations: &IdVec<AllocationId, AllocationFigures>,
    calendar: &WorkCalendar,
    settings: &Settings,
    as_of: NaiveDate,
) -> EngagementFigures {
    let status = engagement_status(&StatusInput {
        dataset,
        calendar,
        engagement,
        allocations,
        thresholds: &settings.status,
        as_of,
    });
    let (listed, unlisted) = report::summary_allocations(dataset, allocations, engagement, as_of);
    EngagementFigures {
        listed,
        unlisted,
        hours: dataset.allocations_of(engagement).map(|allocation| allocations[allocation].hours).sum(),
        status,
        // Only allocations that counted some are walked: a million activities lie all over memory.
        outside_window: dataset
            .allocations_of(engagement)
            .filter(|allocation| allocations[*allocation].outside_window > 0)
            .flat_map(|allocation| dataset.activities_of(allocation))
            .filter(|(_, activity)| {
                activity.counts_as_of(as_of) && activity.is_outside(&dataset.allocations[activity.allocation])
            })
            .map(|(id, _)| id)
            .collect(),
    }
}

/// Delivered: hours delivered as of the date (used, and outside the windows); committed: hours
/// available in all allocations.
fn cost(allocations: &IdVec<AllocationId, AllocationFigures>, cost_per_hour: f64) -> Cost {
    let delivered_hours: Hours = allocations.iter().map(|a| a.hours.delivered()).sum();
    let committed_hours: Hours = allocations.iter().map(|a| a.hours.available).sum();
    Cost {
        cost_per_hour,
        delivered_hours,
        committed_hours,
        delivered_cost: delivered_hours.as_f64() * cost_per_hour,
        committed_cost: committed_hours.as_f64() * cost_per_hour,
    }
}
