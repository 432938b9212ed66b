//! The organisation-wide pages: the dashboard, the capacity page and the monthly report.

use anyhow::Result;
use serde::Serialize;

use super::views::{allocation_view, engagement_row, AllocationView, EngagementRowView, FigureView};
use super::BookContext;
use crate::charts::{self, UsageBar};
use crate::figures::calendar::Month;
use crate::figures::status::Status;
use crate::output::Plan;
use crate::text::{hours, hours_grouped, money};

#[derive(Debug, Clone, Serialize)]
pub struct Headline {
    pub month: String,
    pub active_engagements: usize,
    pub action_needed: usize,
    pub at_risk: usize,
    pub committed_per_day: String,
    pub fte: String,
    pub capacity: Option<String>,
    pub over_capacity: bool,
    pub delivered: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct QuietView {
    pub allocation: String,
    pub engagement: String,
    pub provider: Option<String>,
    pub last_activity: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct LateView {
    pub allocation: String,
    pub member: String,
    pub date: String,
    pub created: String,
    pub days_late: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct CommitmentView {
    pub month: String,
    pub working_days: u32,
    pub committed: String,
    pub per_day: String,
    pub fte: String,
    pub capacity: String,
    pub delivered: String,
    pub over_capacity: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct CostView {
    pub per_hour: String,
    pub delivered_hours: String,
    pub delivered_cost: String,
    pub committed_hours: String,
    pub committed_cost: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReportLink {
    pub label: String,
    pub path: String,
}

/// Everything the three overview pages show; each template picks its part.
#[derive(Debug, Clone, Serialize)]
pub struct Overview {
    pub organisation: String,
    pub as_of: String,
    pub month: Option<String>,
    pub headline: Headline,
    pub engagements: Vec<EngagementRowView>,
    pub commitment_chart: FigureView,
    pub usage_chart: FigureView,
    pub commitment: Vec<CommitmentView>,
    pub over_capacity_months: Vec<String>,
    pub recent_commitment: Vec<CommitmentView>,
    pub upcoming: Vec<AllocationView>,
    pub ending_soon: Vec<AllocationView>,
    pub quiet: Vec<QuietView>,
    pub late: Vec<LateView>,
    pub warnings: Vec<String>,
    pub cost: CostView,
    pub reports: Vec<ReportLink>,
}

/// Months of the commitment table in the monthly report: a year back, six months ahead.
const REPORT_MONTHS_BEFORE: usize = 11;
const REPORT_MONTHS_AFTER: usize = 6;

pub fn overview(
    context: &BookContext<'_>,
    pages: &[String],
    reports: Vec<ReportLink>,
    plan: &mut Plan,
) -> Result<Overview> {
    let figures = context.figures;
    let dataset = context.dataset;
    let order = crate::summary::text::engagement_order(dataset, figures);
    let engagements: Vec<EngagementRowView> = order
        .iter()
        .map(|index| {
            engagement_row(&dataset.engagements[*index], pages[*index].clone(), &figures.engagements[*index])
        })
        .collect();
    let commitment: Vec<CommitmentView> = figures.commitment.iter().map(commitment_view).collect();
    let current = Month::of(context.as_of);
    let position =
        figures.commitment.iter().position(|row| row.month >= current).unwrap_or(figures.commitment.len());
    let recent = commitment[position.saturating_sub(REPORT_MONTHS_BEFORE)
        ..(position + REPORT_MONTHS_AFTER + 1).min(commitment.len())]
        .to_vec();
    Ok(Overview {
        organisation: context.settings.organisation.clone(),
        as_of: context.as_of.to_string(),
        month: context.month.map(super::month_name),
        headline: headline(context),
        commitment_chart: commitment_chart(context, plan)?,
        usage_chart: usage_chart(context, &order, plan)?,
        over_capacity_months: figures
            .commitment
            .iter()
            .filter(|row| row.over_capacity())
            .map(|row| super::month_name(row.month))
            .collect(),
        recent_commitment: recent,
        commitment,
        engagements,
        upcoming: figures
            .upcoming
            .iter()
            .map(|i| allocation_view(dataset, *i, &figures.allocations[*i]))
            .collect(),
        ending_soon: figures
            .ending_soon
            .iter()
            .map(|i| allocation_view(dataset, *i, &figures.allocations[*i]))
            .collect(),
        quiet: figures
            .quiet
            .iter()
            .map(|quiet| {
                let allocation = &dataset.allocations[quiet.allocation];
                QuietView {
                    allocation: allocation.name.clone(),
                    engagement: dataset.engagements[allocation.engagement].name.clone(),
                    provider: allocation.provider.clone(),
                    last_activity: quiet.last_activity.map(|d| d.to_string()),
                }
            })
            .collect(),
        late: figures
            .late_entries
            .iter()
            .map(|entry| {
                let activity = &dataset.activities[entry.activity];
                LateView {
                    allocation: dataset.allocations[activity.allocation as usize].name.clone(),
                    member: dataset.team_member(activity).to_string(),
                    date: activity.end.to_string(),
                    created: activity.created.map_or(String::new(), |d| d.to_string()),
                    days_late: entry.days_late,
                }
            })
            .collect(),
        warnings: context.warnings.clone(),
        cost: cost_view(context),
        reports,
    })
}

fn headline(context: &BookContext<'_>) -> Headline {
    let figures = context.figures;
    let month = Month::of(context.as_of);
    let row = figures.commitment_in(month);
    let active = context
        .dataset
        .engagements
        .iter()
        .filter(|e| {
            e.start.is_none_or(|s| s <= context.as_of) && e.end.is_none_or(|end| end >= context.as_of)
        })
        .count();
    let count = |status: Status| figures.engagements.iter().filter(|e| e.status.status == status).count();
    Headline {
        month: super::month_name(month),
        active_engagements: active,
        action_needed: count(Status::ActionNeeded),
        at_risk: count(Status::AtRisk),
        committed_per_day: row
            .map_or("0".to_string(), |r| format!("{:.1}", r.committed_hours_per_working_day)),
        fte: row.map_or("0".to_string(), |r| format!("{:.2}", r.fte)),
        capacity: row.and_then(|r| r.capacity_hours_per_working_day).map(|c| format!("{c:.1}")),
        over_capacity: row.is_some_and(|r| r.over_capacity()),
        delivered: hours_grouped(row.map_or(0.0, |r| r.delivered_hours)),
    }
}

fn commitment_view(row: &crate::figures::commitment::CommitmentRow) -> CommitmentView {
    CommitmentView {
        month: super::month_name(row.month),
        working_days: row.working_days,
        committed: hours_grouped(row.committed_hours),
        per_day: format!("{:.2}", row.committed_hours_per_working_day),
        fte: format!("{:.2}", row.fte),
        capacity: row.capacity_hours_per_working_day.map_or("unknown".to_string(), |c| format!("{c:.2}")),
        delivered: hours_grouped(row.delivered_hours),
        over_capacity: row.over_capacity(),
    }
}

fn cost_view(context: &BookContext<'_>) -> CostView {
    let cost = &context.figures.cost;
    let currency = &context.settings.currency;
    CostView {
        per_hour: money(cost.cost_per_hour, currency),
        delivered_hours: hours_grouped(cost.delivered_hours),
        delivered_cost: money(cost.delivered_cost, currency),
        committed_hours: hours_grouped(cost.committed_hours),
        committed_cost: money(cost.committed_cost, currency),
    }
}

fn commitment_chart(context: &BookContext<'_>, plan: &mut Plan) -> Result<FigureView> {
    let rows = &context.figures.commitment;
    plan.add(
        "figures/commitment.svg",
        charts::commitment_chart(rows, context.settings.hours_per_fte_day, context.as_of)?,
    );
    let over = rows.iter().filter(|row| row.over_capacity()).count();
    let range = match (rows.first(), rows.last()) {
        (Some(first), Some(last)) => {
            format!("from {} to {}", super::month_name(first.month), super::month_name(last.month))
        }
        _ => "with no allocations".to_string(),
    };
    Ok(FigureView {
        path: "figures/commitment.svg".to_string(),
        alt: format!(
            "Bar chart of committed hours per working day for each month {range}, with delivered hours per working day as a line and the team capacity as a dashed line; {over} months are over capacity. The right axis shows the same scale in FTE."
        ),
        caption: format!(
            "Total service commitment: hours per working day committed by all allocations each month (bars; orange where over capacity), hours delivered (line) and the P&S team capacity (dashed). Right axis: FTE at {} hours a day.",
            hours(context.settings.hours_per_fte_day)
        ),
    })
}

fn usage_chart(context: &BookContext<'_>, order: &[usize], plan: &mut Plan) -> Result<FigureView> {
    let dataset = context.dataset;
    let bars: Vec<UsageBar> = order
        .iter()
        .map(|index| UsageBar {
            label: &dataset.engagements[*index].community,
            used: context.figures.engagements[*index].used,
            available: context.figures.engagements[*index].available,
        })
        .collect();
    plan.add("figures/usage.svg", charts::usage_chart(&bars)?);
    Ok(FigureView {
        path: "figures/usage.svg".to_string(),
        alt: "Horizontal bar chart of the share of hours available that each engagement has used, most urgent first, with hours used and available written beside each bar.".to_string(),
        caption: "Share of the hours available that is used, by engagement (grey: 100%); overruns beyond 100% in orange.".to_string(),
    })
}
