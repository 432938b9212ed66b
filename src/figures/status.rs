//! Engagement status, seed 002's definitions, each with the reasons that triggered it.
//!
//! - Action Needed (red): services beyond the contract period, an allocation overrun, or a
//!   forecast that overruns an allocation by more than the threshold.
//! - Monitor / At Risk (yellow): not fully refined (missing dates, description, projects,
//!   allocations or providers), renewal due within the window, pace far from expected.
//! - On Track (green): none of the above.

use chrono::NaiveDate;
use serde::Serialize;

use super::allocations::{AllocationFigures, State};
use crate::model::{Dataset, Engagement, Project};
use crate::settings::StatusThresholds;
use crate::text::hours;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    OnTrack,
    AtRisk,
    ActionNeeded,
}

impl Status {
    /// The label people use (seed 002).
    pub fn label(self) -> &'static str {
        match self {
            Status::OnTrack => "On Track",
            Status::AtRisk => "Monitor / At Risk",
            Status::ActionNeeded => "Action Needed",
        }
    }

    pub fn colour(self) -> &'static str {
        match self {
            Status::OnTrack => "green",
            Status::AtRisk => "yellow",
            Status::ActionNeeded => "red",
        }
    }

    pub fn slug(self) -> &'static str {
        match self {
            Status::OnTrack => "on-track",
            Status::AtRisk => "at-risk",
            Status::ActionNeeded => "action-needed",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EngagementStatus {
    pub status: Status,
    /// Red reasons first, then yellow; empty when on track.
    pub reasons: Vec<String>,
}

/// What the rules look at for one engagement.
pub struct StatusInput<'a> {
    pub dataset: &'a Dataset,
    pub engagement: usize,
    /// Aligned with `dataset.allocations`.
    pub allocations: &'a [AllocationFigures],
    pub thresholds: &'a StatusThresholds,
    pub as_of: NaiveDate,
}

pub fn engagement_status(input: &StatusInput<'_>) -> EngagementStatus {
    let red = action_needed_reasons(input);
    let yellow = at_risk_reasons(input);
    let status = if !red.is_empty() {
        Status::ActionNeeded
    } else if !yellow.is_empty() {
        Status::AtRisk
    } else {
        Status::OnTrack
    };
    EngagementStatus { status, reasons: red.into_iter().chain(yellow).collect() }
}

fn engagement<'a>(input: &StatusInput<'a>) -> &'a Engagement {
    &input.dataset.engagements[input.engagement]
}

fn allocation_indices<'a>(input: &'a StatusInput<'_>) -> impl Iterator<Item = usize> + 'a {
    engagement(input)
        .projects
        .iter()
        .flat_map(|project| input.dataset.projects[*project].allocations.iter().copied())
}

fn action_needed_reasons(input: &StatusInput<'_>) -> Vec<String> {
    let mut reasons = Vec::new();
    reasons.extend(beyond_contract(input));
    for index in allocation_indices(input) {
        let name = &input.dataset.allocations[index].name;
        let figures = &input.allocations[index];
        if figures.overrun > 0.0 {
            reasons.push(format!(
                "Allocation “{name}” is overrun: {} h used of {} h available.",
                hours(figures.used),
                hours(figures.available)
            ));
        } else if forecast_overruns(figures, input.thresholds) {
            let end = input.dataset.allocations[index].end;
            reasons.push(format!(
                "Allocation “{name}” is forecast to use {} h of {} h by its end on {end} at the current pace.",
                hours(figures.forecast_at_end),
                hours(figures.available)
            ));
        }
    }
    reasons
}

fn forecast_overruns(figures: &AllocationFigures, thresholds: &StatusThresholds) -> bool {
    let limit = figures.available * (1.0 + thresholds.forecast_overrun_percent / 100.0);
    figures.state == State::Active
        && figures.elapsed_working_days >= thresholds.pace_min_elapsed_working_days
        && figures.forecast_at_end > limit
}

/// Services beyond the contract period: activities after the end, or still marked Active.
fn beyond_contract(input: &StatusInput<'_>) -> Vec<String> {
    let engagement = engagement(input);
    let Some(end) = engagement.end else { return Vec::new() };
    let mut reasons = Vec::new();
    let (count, units) = allocation_indices(input)
        .flat_map(|index| input.dataset.activities_of(index))
        .filter(|activity| activity.start <= input.as_of && activity.end > end)
        .fold((0, 0.0), |(count, units), activity| (count + 1, units + activity.units.as_f64()));
    if count > 0 {
        let noun = if count == 1 { "activity" } else { "activities" };
        reasons.push(format!(
            "{count} {noun} ({} h) dated after the engagement ended on {end}: services beyond the contract period.",
            hours(units)
        ));
    }
    if engagement.status.eq_ignore_ascii_case("active") && input.as_of > end {
        reasons.push(format!("The engagement is still marked Active but ended on {end}: renew or close it."));
    }
    reasons
}

fn at_risk_reasons(input: &StatusInput<'_>) -> Vec<String> {
    let engagement = engagement(input);
    let ended = engagement.end.is_some_and(|end| end < input.as_of);
    let mut reasons = Vec::new();
    if !ended {
        reasons.extend(refinement_reasons(input));
    }
    reasons.extend(renewal_reason(engagement, input));
    for index in allocation_indices(input) {
        reasons.extend(pace_reason(input, index));
    }
    reasons
}

fn missing_parts(start: Option<NaiveDate>, end: Option<NaiveDate>, description: &str) -> Vec<&'static str> {
    let mut missing = Vec::new();
    if start.is_none() {
        missing.push("start date");
    }
    if end.is_none() {
        missing.push("end date");
    }
    if description.trim().is_empty() {
        missing.push("description");
    }
    missing
}

fn joined(parts: &[&str]) -> String {
    match parts {
        [] => String::new(),
        [only] => (*only).to_string(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

/// Seed 002: "projects that are not fully refined or the dates are not clear".
fn refinement_reasons(input: &StatusInput<'_>) -> Vec<String> {
    let engagement = engagement(input);
    let mut reasons = Vec::new();
    let missing = missing_parts(engagement.start, engagement.end, &engagement.description);
    if !missing.is_empty() {
        reasons.push(format!("The engagement has no {}.", joined(&missing)));
    }
    if engagement.projects.is_empty() {
        reasons.push("The engagement has no projects.".to_string());
    }
    for project in &engagement.projects {
        reasons.extend(project_refinement(input, &input.dataset.projects[*project]));
    }
    reasons
}

fn project_refinement(input: &StatusInput<'_>, project: &Project) -> Vec<String> {
    let mut reasons = Vec::new();
    let missing = missing_parts(project.start, project.end, &project.description);
    if !missing.is_empty() {
        reasons.push(format!("Project “{}” has no {}.", project.name, joined(&missing)));
    }
    if project.allocations.is_empty() {
        reasons.push(format!("Project “{}” has no allocations.", project.name));
    }
    for index in &project.allocations {
        let allocation = &input.dataset.allocations[*index];
        if allocation.provider.is_none() && input.allocations[*index].state != State::Completed {
            reasons.push(format!("Allocation “{}” has no provider assigned.", allocation.name));
        }
    }
    reasons
}

fn renewal_reason(engagement: &Engagement, input: &StatusInput<'_>) -> Option<String> {
    let end = engagement.end?;
    let days = (end - input.as_of).num_days();
    (0..=input.thresholds.renewal_window_days)
        .contains(&days)
        .then(|| format!("The engagement ends on {end}, in {days} days: renewal is due."))
}

fn pace_reason(input: &StatusInput<'_>, index: usize) -> Option<String> {
    let figures = &input.allocations[index];
    let thresholds = input.thresholds;
    let judged = figures.state == State::Active
        && figures.elapsed_working_days >= thresholds.pace_min_elapsed_working_days
        && figures.expected_used > 0.0;
    if !judged {
        return None;
    }
    let ratio = figures.used / figures.expected_used * 100.0;
    let direction = if ratio < thresholds.pace_low_percent {
        "behind"
    } else if ratio > thresholds.pace_high_percent {
        "ahead of"
    } else {
        return None;
    };
    Some(format!(
        "Allocation “{}” is {direction} pace: {} h used, {} h expected by now.",
        input.dataset.allocations[index].name,
        hours(figures.used),
        hours(figures.expected_used)
    ))
}
