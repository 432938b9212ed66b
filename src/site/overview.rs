//! The organisation-wide pages (the dashboard, the capacity page and the monthly report) and
//! their two charts.

use anyhow::Result;
use serde::Serialize;

use super::charts::{self, UsageBar};
use super::layout;
use super::views::{
    allocation_view, engagement_row, AllocationView, EngagementRowView, FigureView, StatusView,
};
use super::BookInput;
use crate::calendar::Month;
use crate::figures::commitment::CommitmentRow;
use crate::figures::month::CommunityMonth;
use crate::figures::satisfaction::Score;
use crate::figures::status::FindingKind;
use crate::file_plan::Plan;
use crate::hours::Hours;
use crate::model::CommunityId;
use crate::present::changes::{ChangesInput, ChangesView};
use crate::present::format::{h_grouped, hours, hours_grouped, long_date, money, month_name, percent};
use crate::present::format::{Moment, Totals};
use crate::present::logging;
use crate::present::FigureFacts;

#[derive(Debug, Clone, Serialize)]
pub struct Headline {
    pub month: String,
    /// Engagements running on the as-of date (the one count every output gives).
    pub running_engagements: usize,
    /// Contracts past their end date still marked Active: listed, never counted as running.
    pub lapsed: Vec<String>,
    pub action_needed: usize,
    pub at_risk: usize,
    pub committed_per_day: String,
    pub fte: String,
    pub capacity: Option<String>,
    pub over_capacity: bool,
    pub delivered: String,
    /// Hours delivered per working day this month, and as a share of capacity when it is known
    /// for the whole month.
    pub delivered_per_day: String,
    pub utilisation: Option<String>,
}

/// One team member's month, for the report and the capacity page.
#[derive(Debug, Clone, Serialize)]
pub struct MemberView {
    pub member: String,
    pub delivered: String,
    pub committed: String,
    pub share: Option<String>,
    /// Delivered beyond the share; committed beyond it: each judged on its own.
    pub delivered_over_share: bool,
    pub committed_over_share: bool,
    pub communities: Vec<String>,
}

/// An engagement ending soon, for the report's renewals list.
#[derive(Debug, Clone, Serialize)]
pub struct RenewalView {
    pub community: String,
    pub engagement: String,
    pub end: String,
    /// Negative once the contract has ended.
    pub days_left: i64,
    /// Ended but still marked Active.
    pub lapsed: bool,
    pub value: Option<String>,
    pub left_now: String,
    pub last_activity: Option<String>,
    /// The file name the book gives the community: what `brief --community` takes.
    pub slug: String,
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
    /// `None` when not known on any working day.
    pub capacity: Option<String>,
    /// Set when the capacity is known on only some working days of the month: how many.
    pub capacity_known_days: Option<u32>,
    pub delivered: String,
    /// Delivered per working day as a share of capacity; empty when not known.
    pub utilisation: String,
    pub over_capacity: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct CostView {
    pub currency: String,
    pub per_hour: String,
    pub delivered_hours: String,
    pub delivered_cost: String,
    pub committed_hours: String,
    pub committed_cost: String,
}

/// One row of the action list.
#[derive(Debug, Clone, Serialize)]
pub struct ActionRow {
    pub community: String,
    pub page: String,
    pub finding: String,
    pub owner: String,
    pub action: String,
    pub since: String,
}

/// The action list's rows of one kind.
#[derive(Debug, Clone, Serialize)]
pub struct ActionGroup {
    /// `commercial`, `delivery` or `data`: the template names the group.
    pub kind: &'static str,
    pub rows: Vec<ActionRow>,
}

/// One community's month, for the internal report.
#[derive(Debug, Clone, Serialize)]
pub struct MonthRow {
    pub community: String,
    pub page: String,
    /// `None` on the totals row.
    pub status: Option<StatusView>,
    pub delivered: String,
    pub change: String,
    /// Its hours in all, under the names every output uses.
    pub hours: Totals,
    /// The forecast of the allocations active now and their hours available; `None` when none
    /// is active.
    pub forecast: Option<(String, String)>,
    /// The cost of the hours delivered this month.
    pub amount: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReportLink {
    pub label: String,
    pub path: String,
}

/// The two organisation-wide charts.
pub struct OverviewCharts {
    pub commitment: FigureView,
    pub usage: FigureView,
}

/// Everything the three overview pages show; each template picks its part.
#[derive(Debug, Clone, Serialize)]
pub struct Overview {
    pub organisation: String,
    pub as_of: String,
    pub month: Option<String>,
    pub headline: Headline,
    /// Each community's current engagement, most urgent first, unless it has ended.
    pub engagements: Vec<EngagementRowView>,
    /// Communities whose current engagement has ended: history.
    pub ended: Vec<EngagementRowView>,
    pub commitment_chart: FigureView,
    pub usage_chart: FigureView,
    pub commitment: Vec<CommitmentView>,
    pub over_capacity_months: Vec<String>,
    /// Months whose capacity is known on only some of their working days.
    pub partly_known_months: Vec<String>,
    pub recent_commitment: Vec<CommitmentView>,
    pub upcoming: Vec<AllocationView>,
    pub ending_soon: Vec<AllocationView>,
    pub quiet: Vec<QuietView>,
    pub late: Vec<LateView>,
    pub warnings: Vec<String>,
    pub cost: CostView,
    pub reports: Vec<ReportLink>,
    pub service: String,
    pub actions: Vec<ActionGroup>,
    /// The engagements reported this month, most urgent first: the report's table.
    pub month_table: Vec<MonthRow>,
    pub month_totals: MonthRow,
    /// Cost against revenue; `None` when no engagement has a contract value.
    pub revenue: Option<RevenueView>,
    /// Each team member's hours in the report month.
    pub team: Vec<MemberView>,
    pub renewals: Vec<RenewalView>,
    /// What changed since the last meeting, when the book shows it.
    pub changes: Option<ChangesView>,
    /// When the data was pulled from Airtable, when a pull says so.
    pub pulled_at: Option<Moment>,
    /// `31 October 2026`: the as-of date as people write it, on every page.
    pub as_of_long: String,
    /// The feedback form read back; `None` without `feedback.csv`.
    pub satisfaction: Option<SatisfactionView>,
}

/// The feedback form's scores, for the team: the service's trend, communities and providers
/// lowest first, with the latest comments.
#[derive(Debug, Clone, Serialize)]
pub struct SatisfactionView {
    pub service: ScoreRow,
    pub quarters: Vec<ScoreRow>,
    pub communities: Vec<ScoreRow>,
    pub providers: Vec<ScoreRow>,
    /// `1`–`5`: the form's scale.
    pub scale: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ScoreRow {
    pub name: String,
    pub responses: usize,
    /// `3.8`, or empty without a response.
    pub mean: String,
    /// The wrap-ups answered of those due; `None` when none was due.
    pub answered: Option<Answered>,
    pub comments: Vec<String>,
}

/// Wrap-ups answered, of those due, and the share as a percentage (`40%`).
#[derive(Debug, Clone, Serialize)]
pub struct Answered {
    pub answered: usize,
    pub due: usize,
    pub percent: String,
}

/// The feedback form's scale as a page states it: `1–5`.
pub(super) fn score_scale(scale: &crate::settings::FeedbackScale) -> String {
    format!("{}–{}", scale.lowest, scale.highest)
}

pub(super) fn score_row(name: String, score: &Score) -> ScoreRow {
    ScoreRow {
        name,
        responses: score.responses,
        mean: score.mean.map(|mean| format!("{mean:.1}")).unwrap_or_default(),
        answered: score.rate.map(|rate| Answered {
            answered: score.answered,
            due: score.due,
            percent: percent(rate * 100.0),
        }),
        comments: score
            .comments
            .iter()
            .map(|(sent, text)| format!("{text} ({})", long_date(*sent)))
            .collect(),
    }
}

fn satisfaction_view(input: &BookInput<'_>) -> Option<SatisfactionView> {
    let found = input.figures.satisfaction.as_ref()?;
    let scale = &input.settings.feedback;
    Some(SatisfactionView {
        service: score_row(String::new(), &found.service),
        quarters: found
            .by_quarter
            .iter()
            .map(|(quarter, score)| score_row(quarter.to_string(), score))
            .collect(),
        communities: found
            .by_community
            .iter()
            .map(|(id, score)| score_row(input.figures.communities[*id].name.clone(), score))
            .collect(),
        providers: found.by_provider.iter().map(|(name, score)| score_row(name.clone(), score)).collect(),
        scale: score_scale(scale),
    })
}

#[derive(Debug, Clone, Serialize)]
pub struct RevenueView {
    /// Every month a valued contract runs in.
    pub months: Vec<RevenueMonthView>,
    /// The months of the monthly report: a year back, six months ahead.
    pub recent_months: Vec<RevenueMonthView>,
    pub engagements: Vec<EngagementRevenueView>,
    /// Communities with no contract value, or none spread (no dates), named.
    pub without_value: Vec<String>,
    pub undated: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RevenueMonthView {
    pub month: String,
    pub revenue: String,
    /// Every engagement's; empty for a month not reached yet.
    pub delivered_cost: String,
    /// The part of it delivered to engagements without a contract value.
    pub delivered_cost_without_value: String,
    pub committed_cost: String,
    pub delivered_ratio: String,
    pub committed_ratio: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct EngagementRevenueView {
    pub community: String,
    pub value: String,
    pub per_delivered_hour: String,
    pub per_committed_hour: String,
    /// The contract pays less per committed hour than an hour costs.
    pub below_cost: bool,
}

pub fn overview(input: &BookInput<'_>, charts: OverviewCharts, reports: Vec<ReportLink>) -> Result<Overview> {
    let figures = input.figures;
    let report = input.report;
    let rows = |ids: &[CommunityId]| {
        ids.iter()
            .map(|id| engagement_row(input, report.communities[*id].engagement))
            .collect::<Result<Vec<_>>>()
    };
    let (engagements, ended) = (rows(&report.live)?, rows(&report.ended)?);
    let month_rows = month_table(input)?;
    let commitment: Vec<CommitmentView> = figures.commitment.iter().map(commitment_view).collect();
    let recent = commitment[report.commitment_shown.clone()].to_vec();
    Ok(Overview {
        organisation: input.settings.organisation.clone(),
        as_of: input.as_of.to_string(),
        month: input.month.map(month_name),
        headline: headline(input),
        commitment_chart: charts.commitment,
        usage_chart: charts.usage,
        over_capacity_months: figures
            .commitment
            .iter()
            .filter(|row| row.over_capacity)
            .map(|row| month_name(row.month))
            .collect(),
        partly_known_months: figures
            .commitment
            .iter()
            .filter(|row| row.capacity_hours_per_working_day.is_some() && !row.capacity_known_for_whole_month)
            .map(|row| month_name(row.month))
            .collect(),
        recent_commitment: recent,
        commitment,
        engagements,
        ended,
        upcoming: figures.upcoming.iter().map(|id| allocation_view(input, *id)).collect(),
        ending_soon: figures.ending_soon.iter().map(|id| allocation_view(input, *id)).collect(),
        quiet: logging::quiet(input.dataset, figures)
            .map(|quiet| QuietView {
                allocation: quiet.allocation.to_string(),
                engagement: quiet.engagement.to_string(),
                provider: quiet.provider.map(str::to_string),
                last_activity: quiet.last_activity.map(|d| d.to_string()),
            })
            .collect(),
        late: logging::late(input.dataset, figures)
            .map(|entry| LateView {
                allocation: entry.allocation.to_string(),
                member: entry.team_member.to_string(),
                date: entry.end.to_string(),
                created: entry.created.map_or(String::new(), |d| d.to_string()),
                days_late: entry.days_late,
            })
            .collect(),
        warnings: input.warnings.clone(),
        cost: cost_view(input),
        reports,
        service: input.settings.service_name.clone(),
        actions: actions(input)?,
        team: team_view(input),
        renewals: renewals_view(input),
        month_table: month_rows.0,
        month_totals: month_rows.1,
        revenue: revenue_view(input),
        changes: input
            .meeting
            .map(|meeting| {
                let page = |id| input.communities[id].page.clone();
                ChangesView::new(&ChangesInput {
                    before: meeting.before,
                    now: input.dataset,
                    changes: meeting.changes,
                    communities: &figures.communities,
                    phrases: input.phrases,
                    page: &page,
                })
            })
            .transpose()?,
        pulled_at: input.pulled_at.map(Moment::of),
        as_of_long: long_date(input.as_of),
        satisfaction: satisfaction_view(input),
    })
}

fn team_view(input: &BookInput<'_>) -> Vec<MemberView> {
    input
        .report
        .team
        .iter()
        .map(|member| MemberView {
            member: member.member.clone(),
            delivered: h_grouped(member.delivered),
            committed: hours_grouped(member.committed),
            share: member.share.map(hours_grouped),
            delivered_over_share: member.delivered_over_share,
            committed_over_share: member.committed_over_share,
            communities: member
                .engagements
                .iter()
                .map(|id| input.dataset.engagements[*id].community.clone())
                .collect(),
        })
        .collect()
}

fn renewals_view(input: &BookInput<'_>) -> Vec<RenewalView> {
    let dataset = input.dataset;
    input
        .report
        .renewals
        .iter()
        .map(|renewal| {
            let engagement = &dataset.engagements[renewal.engagement];
            RenewalView {
                community: engagement.community.clone(),
                engagement: engagement.name.clone(),
                end: long_date(renewal.end),
                days_left: renewal.days_left,
                lapsed: renewal.lapsed,
                value: engagement.contract_value.map(|cents| money_amount(cents as f64 / 100.0)),
                left_now: h_grouped(renewal.left_now),
                last_activity: renewal.last_activity.map(long_date),
                slug: input.communities[renewal.engagement].slug.clone(),
            }
        })
        .collect()
}

fn revenue_view(input: &BookInput<'_>) -> Option<RevenueView> {
    let dataset = input.dataset;
    let figures = &input.report.revenue;
    if figures.engagements.is_empty() {
        return None;
    }
    let ratio = |r: Option<f64>| r.map_or("–".to_string(), |r| format!("{:.0}%", r * 100.0));
    let months: Vec<RevenueMonthView> = figures
        .months
        .iter()
        .map(|m| RevenueMonthView {
            month: month_name(m.month),
            revenue: money_amount(m.revenue),
            delivered_cost: m.delivered_cost.map(money_amount).unwrap_or_default(),
            delivered_cost_without_value: m
                .delivered_cost_without_value
                .map(money_amount)
                .unwrap_or_default(),
            committed_cost: money_amount(m.committed_cost),
            delivered_ratio: if m.delivered_cost.is_some() {
                ratio(m.delivered_ratio)
            } else {
                String::new()
            },
            committed_ratio: ratio(m.committed_ratio),
        })
        .collect();
    let recent_months = months[input.report.revenue_months_shown.clone()].to_vec();
    let per_hour_text = |v: Option<f64>| v.map_or("–".to_string(), money_amount);
    let community_name = |id: crate::model::EngagementId| dataset.engagements[id].community.clone();
    Some(RevenueView {
        months,
        recent_months,
        engagements: figures
            .engagements
            .iter()
            .map(|e| EngagementRevenueView {
                community: community_name(e.engagement),
                value: money_amount(e.value),
                per_delivered_hour: per_hour_text(e.per_delivered_hour),
                per_committed_hour: per_hour_text(e.per_committed_hour),
                below_cost: e.below_cost,
            })
            .collect(),
        without_value: figures.without_value.iter().map(|id| community_name(*id)).collect(),
        undated: figures.undated.iter().map(|id| community_name(*id)).collect(),
    })
}

/// The action list: every finding, commercial decisions first, then delivery, then data fixes.
fn actions(input: &BookInput<'_>) -> Result<Vec<ActionGroup>> {
    let phrases = input.phrases;
    let dataset = input.dataset;
    let mut groups = vec![
        ActionGroup { kind: "commercial", rows: Vec::new() },
        ActionGroup { kind: "delivery", rows: Vec::new() },
        ActionGroup { kind: "data", rows: Vec::new() },
    ];
    for finding in &input.report.findings {
        let group = match finding.kind {
            FindingKind::Commercial => 0,
            FindingKind::Delivery => 1,
            FindingKind::Data => 2,
        };
        let texts = phrases.finding(dataset, finding)?;
        groups[group].rows.push(ActionRow {
            community: dataset.engagements[finding.engagement].community.clone(),
            page: input.communities[finding.engagement].page.clone(),
            finding: texts.sentence,
            owner: texts.owner,
            action: texts.action,
            since: finding.since.map_or(String::new(), long_date),
        });
    }
    Ok(groups)
}

/// The communities reported this month (the same rule as their PDFs), with the month's figures,
/// and their totals.
fn month_table(input: &BookInput<'_>) -> Result<(Vec<MonthRow>, MonthRow)> {
    let report = input.report;
    let rows = report
        .reported
        .iter()
        .map(|id| month_row(input, &report.communities[*id]))
        .collect::<Result<Vec<_>>>()?;
    let totals = &report.month_totals;
    let total = MonthRow {
        community: rows.len().to_string(),
        page: String::new(),
        status: None,
        delivered: h_grouped(totals.delivered),
        change: signed(totals.change),
        hours: Totals::of(&totals.hours),
        forecast: Some((hours(totals.forecast), h_grouped(totals.forecast_available))),
        amount: totals.cost.map(money_amount).unwrap_or_default(),
    };
    Ok((rows, total))
}

fn month_row(input: &BookInput<'_>, community: &CommunityMonth) -> Result<MonthRow> {
    let engagement = community.engagement;
    let delivered = &community.month;
    Ok(MonthRow {
        community: input.dataset.engagements[engagement].community.clone(),
        page: input.communities[engagement].page.clone(),
        status: Some(StatusView::new(input, &input.figures.engagements[engagement].status)?),
        delivered: h_grouped(delivered.hours),
        change: signed(delivered.change),
        hours: Totals::of(&community.hours),
        forecast: community.forecast.map(|forecast| (hours(forecast.hours), h_grouped(forecast.available))),
        amount: money_amount(community.month_cost),
    })
}

/// Money without its currency (the column says it): `1,350`.
pub(super) fn money_amount(value: f64) -> String {
    hours_grouped(value.round())
}

/// `+2`, `−3.5`, `0`: a change in hours.
fn signed(change: Hours) -> String {
    match change.hundredths() {
        0 => "0".to_string(),
        c if c > 0 => format!("+{}", h_grouped(change)),
        _ => format!("−{}", h_grouped(-change)),
    }
}

fn headline(input: &BookInput<'_>) -> Headline {
    let figures = input.figures;
    let month = Month::of(input.as_of);
    let row = input.report.commitment_now.as_ref();
    let count = &figures.headcount;
    Headline {
        month: month_name(month),
        running_engagements: count.running,
        lapsed: count.lapsed.iter().map(|id| input.dataset.engagements[*id].community.clone()).collect(),
        action_needed: count.action_needed,
        at_risk: count.at_risk,
        committed_per_day: row
            .map_or("0".to_string(), |r| format!("{:.1}", r.committed_hours_per_working_day)),
        fte: row.map_or("0".to_string(), |r| format!("{:.2}", r.fte)),
        capacity: row.and_then(|r| r.capacity_hours_per_working_day).map(|c| format!("{c:.1}")),
        over_capacity: row.is_some_and(|r| r.over_capacity),
        delivered: h_grouped(row.map_or(Hours::ZERO, |r| r.delivered_hours)),
        delivered_per_day: row.map_or("0".to_string(), |r| format!("{:.1}", r.delivered_per_working_day)),
        utilisation: row.and_then(|r| r.utilisation).map(|u| percent(u * 100.0)),
    }
}

fn commitment_view(row: &CommitmentRow) -> CommitmentView {
    CommitmentView {
        month: month_name(row.month),
        working_days: row.working_days,
        committed: hours_grouped(row.committed_hours),
        per_day: format!("{:.2}", row.committed_hours_per_working_day),
        fte: format!("{:.2}", row.fte),
        capacity: row.capacity_hours_per_working_day.map(|c| format!("{c:.2}")),
        capacity_known_days: (!row.capacity_known_for_whole_month
            && row.capacity_hours_per_working_day.is_some())
        .then_some(row.capacity_known_working_days),
        delivered: row.delivered.map(h_grouped).unwrap_or_default(),
        utilisation: row.utilisation.map(|u| percent(u * 100.0)).unwrap_or_default(),
        over_capacity: row.over_capacity,
    }
}

fn cost_view(input: &BookInput<'_>) -> CostView {
    let cost = &input.figures.cost;
    let currency = &input.settings.currency;
    CostView {
        currency: currency.clone(),
        per_hour: money(cost.cost_per_hour, currency),
        delivered_hours: h_grouped(cost.delivered_hours),
        delivered_cost: money(cost.delivered_cost, currency),
        committed_hours: h_grouped(cost.committed_hours),
        committed_cost: money(cost.committed_cost, currency),
    }
}

/// The commitment and usage charts, as files and as figures for the pages.
pub fn charts(input: &BookInput<'_>) -> Result<(Plan, OverviewCharts)> {
    let mut files = Plan::default();
    let rows = &input.figures.commitment;
    files.add(
        layout::COMMITMENT_CHART,
        charts::commitment_chart(
            rows,
            input.settings.hours_per_fte_day,
            input.as_of,
            input.phrases.chart_labels(),
        )?,
    );
    let commitment_facts = FigureFacts {
        kind: "commitment",
        first_month: rows.first().map(|row| month_name(row.month)).unwrap_or_default(),
        last_month: rows.last().map(|row| month_name(row.month)).unwrap_or_default(),
        months_over: rows.iter().filter(|row| row.over_capacity).count(),
        hours_per_fte_day: hours(input.settings.hours_per_fte_day),
        ..FigureFacts::default()
    };
    let bars: Vec<UsageBar> = input
        .report
        .live
        .iter()
        .map(|id| {
            let community = &input.report.communities[*id];
            UsageBar {
                label: &input.figures.communities[*id].name,
                used: community.hours.used.as_f64(),
                available: community.started.as_f64(),
            }
        })
        .collect();
    files.add(layout::USAGE_CHART, charts::usage_chart(&bars, input.phrases.chart_labels())?);
    let usage_facts = FigureFacts { kind: "usage", ..FigureFacts::default() };
    let charts = OverviewCharts {
        commitment: FigureView::new(
            layout::COMMITMENT_CHART.to_string(),
            input.phrases.figure(&commitment_facts)?,
        ),
        usage: FigureView::new(layout::USAGE_CHART.to_string(), input.phrases.figure(&usage_facts)?),
    };
    Ok((files, charts))
}
