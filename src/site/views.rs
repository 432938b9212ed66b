//! View pieces several pages share: a status badge, a figure, a row of the engagement table,
//! an allocation row. Each is built from the figures and formatted for people; every string
//! that came from a CSV cell is escaped by the template engine, not here.

use anyhow::Result;
use serde::Serialize;

use super::BookInput;
use crate::figures::allocations::State;
use crate::figures::status::{EngagementStatus, Status};
use crate::model::{AllocationId, EngagementId};
use crate::present::codes::status_slug;
use crate::present::format::Totals;
use crate::present::format::{date_range, h_grouped, long_date, percent, usage_bar};
use crate::present::FigureTexts;

#[derive(Debug, Clone, Serialize)]
pub struct StatusView {
    pub label: String,
    pub slug: &'static str,
    pub icon: &'static str,
    pub reasons: Vec<String>,
    /// The reasons in a few words each, for a table's cell.
    pub short: Vec<String>,
}

impl StatusView {
    fn of(input: &BookInput<'_>, status: Status, reasons: Vec<String>, short: Vec<String>) -> StatusView {
        let icon = match status {
            Status::Ended => "⚪",
            Status::OnTrack => "🟢",
            Status::AtRisk => "🟡",
            Status::ActionNeeded => "🔴",
        };
        StatusView {
            label: input.phrases.status_label(status).to_string(),
            slug: status_slug(status),
            icon,
            reasons,
            short,
        }
    }

    /// The status with every reason, in the team's words.
    pub fn new(input: &BookInput<'_>, status: &EngagementStatus) -> Result<StatusView> {
        let short = status
            .reasons
            .iter()
            .map(|reason| input.phrases.short_reason(input.dataset, reason))
            .collect::<Result<_>>()?;
        Ok(StatusView::of(
            input,
            status.status,
            input.phrases.reasons(input.dataset, &status.reasons)?,
            short,
        ))
    }
}

/// A chart with the text that stands in for it.
#[derive(Debug, Clone, Serialize)]
pub struct FigureView {
    pub path: String,
    pub alt: String,
    pub caption: String,
}

impl FigureView {
    pub fn new(path: String, texts: FigureTexts) -> FigureView {
        FigureView { path, alt: texts.alt, caption: texts.caption }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct EngagementRowView {
    pub name: String,
    pub community: String,
    /// The page, relative to the book root.
    pub page: String,
    /// `31 December 2025`, or empty with no end date.
    pub end: String,
    pub status: StatusView,
    pub hours: Totals,
}

pub fn engagement_row(input: &BookInput<'_>, id: EngagementId) -> Result<EngagementRowView> {
    let engagement = &input.dataset.engagements[id];
    let totals = &input.figures.engagements[id];
    Ok(EngagementRowView {
        name: engagement.name.clone(),
        community: engagement.community.clone(),
        page: input.communities[id].page.clone(),
        end: engagement.end.map(long_date).unwrap_or_default(),
        status: StatusView::new(input, &totals.status)?,
        hours: Totals::of(&totals.hours),
    })
}

#[derive(Debug, Clone, Serialize)]
pub struct AllocationView {
    pub name: String,
    pub project: String,
    pub engagement: String,
    pub community: String,
    pub start: String,
    pub end: String,
    pub period: String,
    /// `1 October – 31 December 2026`.
    pub dates: String,
    pub available: String,
    pub used: String,
    /// The share of the bar to fill, 0 to 1 (`0.75`).
    pub fill: String,
    /// Used beyond the hours available.
    pub over: bool,
    /// Hours that can be used now.
    pub left_now: String,
    /// Hours of an allocation that has not started, when it has not.
    pub not_started: Option<String>,
    /// Hours that expired unused, when there are any.
    pub expired: Option<String>,
    /// Hours logged against it but dated outside its window, when there are any: they do not
    /// draw on it.
    pub outside: Option<String>,
    pub overrun: String,
    /// Hours used beyond the hours available, when there are any.
    pub overrun_hours: Option<String>,
    pub usage_percent: String,
    pub bar: String,
    pub state: String,
    pub provider: Option<String>,
}

pub fn allocation_view(input: &BookInput<'_>, id: AllocationId) -> AllocationView {
    let dataset = input.dataset;
    let allocation = &dataset.allocations[id];
    let figures = &input.figures.allocations[id];
    let engagement = &dataset.engagements[allocation.engagement];
    AllocationView {
        name: allocation.name.clone(),
        project: dataset.projects[allocation.project].name.clone(),
        engagement: engagement.name.clone(),
        community: engagement.community.clone(),
        start: allocation.start.to_string(),
        end: allocation.end.to_string(),
        period: format!("{} – {}", allocation.start, allocation.end),
        dates: date_range(allocation.start, allocation.end),
        fill: format!("{:.3}", (figures.usage_percent / 100.0).clamp(0.0, 1.0)),
        over: !figures.hours.overrun.is_zero(),
        available: h_grouped(figures.hours.available),
        used: h_grouped(figures.hours.used),
        left_now: h_grouped(figures.hours.left_now),
        not_started: (figures.state == State::Upcoming).then(|| h_grouped(figures.hours.not_started)),
        expired: (!figures.hours.expired.is_zero()).then(|| h_grouped(figures.hours.expired)),
        outside: (!figures.hours.outside.is_zero()).then(|| h_grouped(figures.hours.outside)),
        overrun: h_grouped(figures.hours.overrun),
        overrun_hours: (!figures.hours.overrun.is_zero()).then(|| h_grouped(figures.hours.overrun)),
        usage_percent: percent(figures.usage_percent),
        bar: usage_bar(figures.hours.used, figures.hours.available),
        state: input.phrases.state_label(figures.state).to_string(),
        provider: allocation.provider.clone(),
    }
}
