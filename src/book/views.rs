//! Typed page contexts: what each template can show, already formatted for people.
//! Every string here that came from a CSV cell is escaped by the template engine, not here.

use serde::Serialize;

use crate::figures::allocations::AllocationFigures;
use crate::figures::status::{EngagementStatus, Status};
use crate::model::{Allocation, Dataset, Engagement};
use crate::summary::text::usage_bar;
use crate::text::{hours_grouped, percent};

#[derive(Debug, Clone, Serialize)]
pub struct StatusView {
    pub label: &'static str,
    pub slug: &'static str,
    pub icon: &'static str,
    pub reasons: Vec<String>,
}

impl StatusView {
    pub fn new(status: &EngagementStatus) -> StatusView {
        let icon = match status.status {
            Status::OnTrack => "🟢",
            Status::AtRisk => "🟡",
            Status::ActionNeeded => "🔴",
        };
        StatusView {
            label: status.status.label(),
            slug: status.status.slug(),
            icon,
            reasons: status.reasons.clone(),
        }
    }
}

/// A chart or image with the text that stands in for it.
#[derive(Debug, Clone, Serialize)]
pub struct FigureView {
    pub path: String,
    pub alt: String,
    pub caption: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct EngagementRowView {
    pub name: String,
    pub community: String,
    /// The page, relative to the book root.
    pub page: String,
    pub period: String,
    pub status: StatusView,
    pub available: String,
    pub used: String,
    pub remaining: String,
    pub usage: String,
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
    pub available: String,
    pub used: String,
    pub remaining: String,
    pub overrun: String,
    pub usage_percent: String,
    pub bar: String,
    pub state: &'static str,
    pub provider: Option<String>,
}

pub fn period(start: Option<chrono::NaiveDate>, end: Option<chrono::NaiveDate>) -> String {
    match (start, end) {
        (Some(start), Some(end)) => format!("{start} to {end}"),
        (Some(start), None) => format!("from {start} (no end date)"),
        (None, Some(end)) => format!("until {end} (no start date)"),
        (None, None) => "no dates".to_string(),
    }
}

pub fn allocation_view(dataset: &Dataset, index: usize, figures: &AllocationFigures) -> AllocationView {
    let allocation: &Allocation = &dataset.allocations[index];
    let engagement = &dataset.engagements[allocation.engagement];
    AllocationView {
        name: allocation.name.clone(),
        project: dataset.projects[allocation.project].name.clone(),
        engagement: engagement.name.clone(),
        community: engagement.community.clone(),
        start: allocation.start.to_string(),
        end: allocation.end.to_string(),
        period: format!("{} – {}", allocation.start, allocation.end),
        available: hours_grouped(figures.available),
        used: hours_grouped(figures.used),
        remaining: hours_grouped(figures.remaining),
        overrun: hours_grouped(figures.overrun),
        usage_percent: percent(figures.usage_percent),
        bar: usage_bar(figures.used, figures.available),
        state: figures.state.label(),
        provider: allocation.provider.clone(),
    }
}

pub fn engagement_row(
    engagement: &Engagement,
    page: String,
    totals: &crate::figures::EngagementFigures,
) -> EngagementRowView {
    EngagementRowView {
        name: engagement.name.clone(),
        community: engagement.community.clone(),
        page,
        period: period(engagement.start, engagement.end),
        status: StatusView::new(&totals.status),
        available: hours_grouped(totals.available),
        used: hours_grouped(totals.used),
        remaining: hours_grouped(totals.left()),
        usage: if totals.available > 0.0 {
            percent(totals.used / totals.available * 100.0)
        } else {
            "–".to_string()
        },
    }
}

/// The first line of a description (its one-line title) and the rest (the outcome).
pub fn title_and_body(description: &str) -> (String, String) {
    let mut lines = description.trim().lines();
    let title = lines.next().unwrap_or_default().trim().to_string();
    let body = lines.collect::<Vec<_>>().join("\n").trim().to_string();
    (title, body)
}

/// An allocation's name without its community prefix, for pages about that community:
/// `Río Claro Data & Society — Open data clinics 2026 Q3` → `Open data clinics 2026 Q3`.
pub fn short_name(name: &str, community: &str) -> String {
    let rest =
        name.strip_prefix(community).map(|rest| rest.trim_start_matches([' ', '—', '–', '-', ':', ',']));
    match rest {
        Some(rest) if !rest.is_empty() && rest.len() < name.len() => rest.to_string(),
        _ => name.to_string(),
    }
}
