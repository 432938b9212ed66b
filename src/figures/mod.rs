//! Stage 3: pure functions from the linked dataset and an as-of date to every figure.
//!
//! Each definition lives in one place: working days in [`calendar`], allocation accounting
//! in [`allocations`], total commitment and delivered hours in [`commitment`], engagement
//! status in [`status`], reminders in [`reminders`].

pub mod allocations;
pub mod calendar;
pub mod commitment;
pub mod planning;
pub mod reminders;
pub mod status;
pub mod what_if;

use chrono::NaiveDate;

use self::allocations::{allocation_figures, AllocationFigures};
use self::calendar::{Month, WorkCalendar};
use self::commitment::{commitment_by_month, CommitmentRow};
use self::reminders::{AllocationIndex, LateEntry, QuietAllocation};
use self::status::{engagement_status, EngagementStatus, StatusInput};
use crate::model::Dataset;
use crate::settings::Settings;

/// Totals of one engagement's allocations.
#[derive(Debug, Clone, PartialEq)]
pub struct EngagementFigures {
    pub available: f64,
    pub used: f64,
    pub remaining: f64,
    pub overrun: f64,
    pub unused: f64,
    pub status: EngagementStatus,
}

impl EngagementFigures {
    /// Hours still to be used: remaining in allocations whose window has not closed (what is
    /// left in closed ones has expired).
    pub fn left(&self) -> f64 {
        self.remaining - self.unused
    }
}

/// Hours delivered and committed, and what they cost.
#[derive(Debug, Clone, PartialEq)]
pub struct Cost {
    pub cost_per_hour: f64,
    pub delivered_hours: f64,
    pub committed_hours: f64,
    pub delivered_cost: f64,
    pub committed_cost: f64,
}

/// Every figure as of one date. Vectors of per-record figures are aligned with the dataset.
#[derive(Debug, Clone)]
pub struct Figures {
    pub as_of: NaiveDate,
    pub allocations: Vec<AllocationFigures>,
    pub engagements: Vec<EngagementFigures>,
    pub commitment: Vec<CommitmentRow>,
    pub upcoming: Vec<AllocationIndex>,
    pub ending_soon: Vec<AllocationIndex>,
    pub late_entries: Vec<LateEntry>,
    pub quiet: Vec<QuietAllocation>,
    pub cost: Cost,
}

impl Figures {
    pub fn commitment_in(&self, month: Month) -> Option<&CommitmentRow> {
        self.commitment.iter().find(|row| row.month == month)
    }
}

pub fn compute(dataset: &Dataset, settings: &Settings, as_of: NaiveDate) -> Figures {
    let calendar = WorkCalendar::new(&settings.holidays);
    let allocations: Vec<AllocationFigures> = (0..dataset.allocations.len())
        .map(|index| {
            allocation_figures(&dataset.allocations[index], dataset.activities_of(index), &calendar, as_of)
        })
        .collect();
    let engagements = (0..dataset.engagements.len())
        .map(|index| engagement_figures(dataset, index, &allocations, settings, as_of))
        .collect();
    let commitment = commitment_by_month(dataset, &calendar, settings.hours_per_fte_day, as_of);
    let windows = &settings.windows;
    Figures {
        as_of,
        upcoming: reminders::upcoming(dataset, as_of, windows.upcoming_days),
        ending_soon: reminders::ending_soon(dataset, &allocations, as_of, windows.ending_soon_days),
        late_entries: reminders::late_entries(dataset, as_of, windows),
        quiet: reminders::quiet_allocations(dataset, &allocations, as_of, windows),
        cost: cost(&allocations, settings.cost_per_hour),
        engagements,
        allocations,
        commitment,
    }
}

fn engagement_figures(
    dataset: &Dataset,
    engagement: usize,
    allocations: &[AllocationFigures],
    settings: &Settings,
    as_of: NaiveDate,
) -> EngagementFigures {
    let own = dataset.engagements[engagement]
        .projects
        .iter()
        .flat_map(|project| &dataset.projects[*project].allocations)
        .map(|index| &allocations[*index]);
    let mut totals = EngagementFigures {
        available: 0.0,
        used: 0.0,
        remaining: 0.0,
        overrun: 0.0,
        unused: 0.0,
        status: engagement_status(&StatusInput {
            dataset,
            engagement,
            allocations,
            thresholds: &settings.status,
            as_of,
        }),
    };
    for figures in own {
        totals.available += figures.available;
        totals.used += figures.used;
        totals.remaining += figures.remaining;
        totals.overrun += figures.overrun;
        totals.unused += figures.unused;
    }
    totals
}

/// Delivered: hours used as of the date; committed: hours available in all allocations.
fn cost(allocations: &[AllocationFigures], cost_per_hour: f64) -> Cost {
    let delivered_hours: f64 = allocations.iter().map(|a| a.used).sum();
    let committed_hours: f64 = allocations.iter().map(|a| a.available).sum();
    Cost {
        cost_per_hour,
        delivered_hours,
        committed_hours,
        delivered_cost: delivered_hours * cost_per_hour,
        committed_cost: committed_hours * cost_per_hour,
    }
}
