//! The machine-readable summary (`summary --format json`) read by the email job and CI alerts.
//! Field names are a contract: change them only with the programs that read them.

use chrono::NaiveDate;
use serde::Serialize;

use crate::diagnostics::Diagnostics;
use crate::figures::allocations::State;
use crate::figures::calendar::Month;
use crate::figures::status::Status;
use crate::figures::Figures;
use crate::model::Dataset;
use crate::text::round;

#[derive(Serialize)]
pub struct Summary<'a> {
    pub as_of: NaiveDate,
    pub engagements: Vec<EngagementJson<'a>>,
    pub allocations: Vec<AllocationJson<'a>>,
    pub commitment: Vec<CommitmentJson>,
    pub upcoming: Vec<UpcomingJson<'a>>,
    pub ending_soon: Vec<UpcomingJson<'a>>,
    pub logging: LoggingJson<'a>,
    pub cost: CostJson,
    pub warnings: Vec<String>,
}

#[derive(Serialize)]
pub struct EngagementJson<'a> {
    pub name: &'a str,
    pub community: &'a str,
    pub start: Option<NaiveDate>,
    pub end: Option<NaiveDate>,
    pub status: Status,
    pub reasons: &'a [String],
    pub available: f64,
    pub used: f64,
    pub remaining: f64,
}

#[derive(Serialize)]
pub struct AllocationJson<'a> {
    pub name: &'a str,
    pub project: &'a str,
    pub engagement: &'a str,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub provider: Option<&'a str>,
    pub available: f64,
    pub used: f64,
    pub remaining: f64,
    pub overrun: f64,
    pub usage_percent: f64,
    pub state: State,
    pub expected_used: f64,
    pub forecast_at_end: f64,
}

#[derive(Serialize)]
pub struct CommitmentJson {
    pub month: Month,
    pub working_days: u32,
    pub committed_hours: f64,
    pub committed_hours_per_working_day: f64,
    pub fte: f64,
    pub capacity_hours_per_working_day: Option<f64>,
    pub delivered_hours: f64,
}

#[derive(Serialize)]
pub struct UpcomingJson<'a> {
    pub allocation: &'a str,
    pub project: &'a str,
    pub engagement: &'a str,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub available: f64,
    pub provider: Option<&'a str>,
}

#[derive(Serialize)]
pub struct LoggingJson<'a> {
    /// Activities logged more than the allowed delay after they ended.
    pub late: Vec<LateJson<'a>>,
    /// Active allocations with no activity in the quiet window.
    pub quiet: Vec<QuietJson<'a>>,
}

#[derive(Serialize)]
pub struct LateJson<'a> {
    pub line: u32,
    pub allocation: &'a str,
    pub team_member: &'a str,
    pub end: NaiveDate,
    pub created: Option<NaiveDate>,
    pub days_late: i64,
}

#[derive(Serialize)]
pub struct QuietJson<'a> {
    pub allocation: &'a str,
    pub engagement: &'a str,
    pub provider: Option<&'a str>,
    pub last_activity: Option<NaiveDate>,
}

#[derive(Serialize)]
pub struct CostJson {
    pub cost_per_hour: f64,
    pub delivered_hours: f64,
    pub delivered_cost: f64,
    pub committed_hours: f64,
    pub committed_cost: f64,
}

/// Hours keep two decimals, rates three, percentages one.
fn h(value: f64) -> f64 {
    round(value, 2)
}

pub fn summary<'a>(dataset: &'a Dataset, figures: &'a Figures, diagnostics: &Diagnostics) -> Summary<'a> {
    Summary {
        as_of: figures.as_of,
        engagements: engagements(dataset, figures),
        allocations: allocations(dataset, figures),
        commitment: figures.commitment.iter().map(commitment_row).collect(),
        upcoming: figures.upcoming.iter().map(|index| upcoming_entry(dataset, *index)).collect(),
        ending_soon: figures.ending_soon.iter().map(|index| upcoming_entry(dataset, *index)).collect(),
        logging: logging(dataset, figures),
        cost: CostJson {
            cost_per_hour: figures.cost.cost_per_hour,
            delivered_hours: h(figures.cost.delivered_hours),
            delivered_cost: h(figures.cost.delivered_cost),
            committed_hours: h(figures.cost.committed_hours),
            committed_cost: h(figures.cost.committed_cost),
        },
        warnings: diagnostics.warnings().map(|warning| warning.to_string()).collect(),
    }
}

fn engagements<'a>(dataset: &'a Dataset, figures: &'a Figures) -> Vec<EngagementJson<'a>> {
    dataset
        .engagements
        .iter()
        .zip(&figures.engagements)
        .map(|(engagement, totals)| EngagementJson {
            name: &engagement.name,
            community: &engagement.community,
            start: engagement.start,
            end: engagement.end,
            status: totals.status.status,
            reasons: &totals.status.reasons,
            available: h(totals.available),
            used: h(totals.used),
            remaining: h(totals.remaining),
        })
        .collect()
}

fn allocations<'a>(dataset: &'a Dataset, figures: &'a Figures) -> Vec<AllocationJson<'a>> {
    dataset
        .allocations
        .iter()
        .zip(&figures.allocations)
        .map(|(allocation, totals)| AllocationJson {
            name: &allocation.name,
            project: &dataset.projects[allocation.project].name,
            engagement: &dataset.engagements[allocation.engagement].name,
            start: allocation.start,
            end: allocation.end,
            provider: allocation.provider.as_deref(),
            available: h(totals.available),
            used: h(totals.used),
            remaining: h(totals.remaining),
            overrun: h(totals.overrun),
            usage_percent: round(totals.usage_percent, 1),
            state: totals.state,
            expected_used: h(totals.expected_used),
            forecast_at_end: h(totals.forecast_at_end),
        })
        .collect()
}

fn commitment_row(row: &crate::figures::commitment::CommitmentRow) -> CommitmentJson {
    CommitmentJson {
        month: row.month,
        working_days: row.working_days,
        committed_hours: h(row.committed_hours),
        committed_hours_per_working_day: round(row.committed_hours_per_working_day, 3),
        fte: round(row.fte, 3),
        capacity_hours_per_working_day: row.capacity_hours_per_working_day.map(|c| round(c, 3)),
        delivered_hours: h(row.delivered_hours),
    }
}

fn upcoming_entry(dataset: &Dataset, index: usize) -> UpcomingJson<'_> {
    let allocation = &dataset.allocations[index];
    UpcomingJson {
        allocation: &allocation.name,
        project: &dataset.projects[allocation.project].name,
        engagement: &dataset.engagements[allocation.engagement].name,
        start: allocation.start,
        end: allocation.end,
        available: h(allocation.available.as_f64()),
        provider: allocation.provider.as_deref(),
    }
}

fn logging<'a>(dataset: &'a Dataset, figures: &'a Figures) -> LoggingJson<'a> {
    let late = figures
        .late_entries
        .iter()
        .map(|entry| {
            let activity = &dataset.activities[entry.activity];
            LateJson {
                line: activity.line,
                allocation: &dataset.allocations[activity.allocation as usize].name,
                team_member: dataset.team_member(activity),
                end: activity.end,
                created: activity.created,
                days_late: entry.days_late,
            }
        })
        .collect();
    let quiet = figures
        .quiet
        .iter()
        .map(|entry| {
            let allocation = &dataset.allocations[entry.allocation];
            QuietJson {
                allocation: &allocation.name,
                engagement: &dataset.engagements[allocation.engagement].name,
                provider: allocation.provider.as_deref(),
                last_activity: entry.last_activity,
            }
        })
        .collect();
    LoggingJson { late, quiet }
}
