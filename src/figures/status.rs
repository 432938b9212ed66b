//! Engagement status, seed 002's definitions, each with the reasons that triggered it.
//!
//! - Action Needed (red): services beyond the contract period, an allocation overrun, or a
//!   forecast that overruns an allocation by more than the threshold.
//! - Monitor / At Risk (yellow): not fully refined (missing dates, description, projects,
//!   allocations or providers), renewal due within the window, pace far from expected.
//! - On Track (green): none of the above.
//! - Ended (grey): the engagement's end date has passed and nothing red is left to act on:
//!   history, not a current state. An ended engagement with an overrun still in its window or
//!   work past its end stays Action Needed.
//!
//! Reasons are data: what fired and with which values. They become sentences in one place,
//! `templates/reasons.txt.j2`.

use chrono::NaiveDate;
use serde::Serialize;

use super::allocations::{pace, AllocationFigures, Pace, State, UsedByDay};
use crate::calendar::WorkCalendar;
use crate::hours::Hours;
use crate::model::{AllocationId, Dataset, Engagement, EngagementId, IdVec, Project, ProjectId};
use crate::settings::StatusThresholds;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Lowest, so that ended engagements come after the live ones in urgency order.
    Ended,
    OnTrack,
    AtRisk,
    ActionNeeded,
}

/// Who a reason is for. Community reports show only what the community can act on; data
/// findings and staff instructions stay internal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Audience {
    Community,
    Internal,
}

/// What kind of work a finding asks for, so the internal report can group it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FindingKind {
    /// Renewals, work past the contract, overruns: partnerships and delivery decide.
    Commercial,
    /// Pace and providers: the P&S team acts.
    Delivery,
    /// Records to complete or correct in Airtable.
    Data,
}

/// A part of a record that a refined engagement or project has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Part {
    StartDate,
    EndDate,
    Description,
}

/// Why an engagement is not On Track: one rule that fired, with its values.
#[derive(Debug, Clone, PartialEq)]
pub enum Reason {
    /// Activities dated after the engagement's end: services beyond the contract period.
    ActivitiesAfterEnd {
        activities: usize,
        hours: Hours,
        ended: NaiveDate,
    },
    /// The engagement ended but its Status still says Active.
    StillMarkedActive {
        ended: NaiveDate,
    },
    Overrun {
        allocation: AllocationId,
        used: Hours,
        available: Hours,
        /// The day the hours used first went beyond the hours available.
        since: NaiveDate,
    },
    /// An overrun of an allocation that ended long enough ago to be history, not a reason.
    PastOverrun {
        allocation: AllocationId,
        used: Hours,
        available: Hours,
        ended: NaiveDate,
    },
    ForecastOverrun {
        allocation: AllocationId,
        forecast: f64,
        available: Hours,
        end: NaiveDate,
        /// The first day of the run of days, up to the as-of date, on which the forecast
        /// overran ([`held_since`]).
        since: NaiveDate,
    },
    EngagementIncomplete {
        missing: Vec<Part>,
    },
    NoProjects,
    ProjectIncomplete {
        project: ProjectId,
        missing: Vec<Part>,
    },
    NoAllocations {
        project: ProjectId,
    },
    NoProvider {
        allocation: AllocationId,
    },
    RenewalDue {
        end: NaiveDate,
        days: i64,
        /// The first day of the renewal window.
        since: NaiveDate,
    },
    OffPace {
        allocation: AllocationId,
        ahead: bool,
        used: Hours,
        expected: f64,
        /// The hours still usable.
        left: Hours,
        /// The first day of the run of days, up to the as-of date, on which the allocation was
        /// off pace the same way ([`held_since`]).
        since: NaiveDate,
    },
}

impl Reason {
    /// Whether a community report shows it.
    pub fn audience(&self) -> Audience {
        match self {
            Reason::ActivitiesAfterEnd { .. }
            | Reason::Overrun { .. }
            | Reason::ForecastOverrun { .. }
            | Reason::RenewalDue { .. }
            | Reason::OffPace { .. } => Audience::Community,
            _ => Audience::Internal,
        }
    }

    pub fn kind(&self) -> FindingKind {
        match self {
            Reason::ActivitiesAfterEnd { .. }
            | Reason::Overrun { .. }
            | Reason::PastOverrun { .. }
            | Reason::ForecastOverrun { .. }
            | Reason::RenewalDue { .. } => FindingKind::Commercial,
            Reason::OffPace { .. } | Reason::NoProvider { .. } => FindingKind::Delivery,
            _ => FindingKind::Data,
        }
    }

    /// Since when it has been true, where a date says it.
    pub fn since(&self) -> Option<NaiveDate> {
        match self {
            Reason::ActivitiesAfterEnd { ended, .. }
            | Reason::StillMarkedActive { ended }
            | Reason::PastOverrun { ended, .. } => ended.succ_opt(),
            Reason::Overrun { since, .. }
            | Reason::ForecastOverrun { since, .. }
            | Reason::OffPace { since, .. }
            | Reason::RenewalDue { since, .. } => Some(*since),
            // Records to complete: the exports carry no date for when a record was made, so
            // `findings` dates them from the records' starts.
            _ => None,
        }
    }

    /// The status this reason gives on its own.
    pub fn status(&self) -> Status {
        match self {
            Reason::ActivitiesAfterEnd { .. }
            | Reason::StillMarkedActive { .. }
            | Reason::Overrun { .. }
            | Reason::ForecastOverrun { .. } => Status::ActionNeeded,
            Reason::PastOverrun { .. } => Status::OnTrack,
            _ => Status::AtRisk,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct EngagementStatus {
    pub status: Status,
    /// Red reasons first, then yellow; empty when on track.
    pub reasons: Vec<Reason>,
    /// What no longer counts against the status but a reader should still know: overruns of
    /// allocations that ended more than `overrun_days_after_end` days ago.
    pub history: Vec<Reason>,
}

/// What the rules look at for one engagement.
pub struct StatusInput<'a> {
    pub dataset: &'a Dataset,
    pub calendar: &'a WorkCalendar,
    pub engagement: EngagementId,
    pub allocations: &'a IdVec<AllocationId, AllocationFigures>,
    pub thresholds: &'a StatusThresholds,
    pub as_of: NaiveDate,
}

pub fn engagement_status(input: &StatusInput<'_>) -> EngagementStatus {
    let (mut reasons, history): (Vec<Reason>, Vec<Reason>) = action_needed_reasons(input)
        .into_iter()
        .partition(|reason| !matches!(reason, Reason::PastOverrun { .. }));
    reasons.extend(at_risk_reasons(input));
    let live = reasons.iter().map(Reason::status).max().unwrap_or(Status::OnTrack);
    let ended = engagement(input).end.is_some_and(|end| end < input.as_of);
    let status = if ended && live != Status::ActionNeeded { Status::Ended } else { live };
    EngagementStatus { status, reasons, history }
}

fn engagement<'a>(input: &StatusInput<'a>) -> &'a Engagement {
    &input.dataset.engagements[input.engagement]
}

fn action_needed_reasons(input: &StatusInput<'_>) -> Vec<Reason> {
    let mut reasons = beyond_contract(input);
    for allocation in input.dataset.allocations_of(input.engagement) {
        let figures = &input.allocations[allocation];
        let end = input.dataset.allocations[allocation].end;
        let (used, available) = (figures.hours.used, figures.hours.available);
        if figures.hours.overrun > Hours::ZERO {
            if (input.as_of - end).num_days() <= input.thresholds.overrun_days_after_end {
                let since = figures.overrun_since.unwrap_or(input.as_of);
                reasons.push(Reason::Overrun { allocation, used, available, since });
            } else {
                reasons.push(Reason::PastOverrun { allocation, used, available, ended: end });
            }
        } else if forecast_overruns(&figures.pace(), input.thresholds) {
            let forecast = figures.forecast_at_end;
            let since = held_since(input, allocation, |f| forecast_overruns(f, input.thresholds));
            reasons.push(Reason::ForecastOverrun { allocation, forecast, available, end, since });
        }
    }
    reasons
}

/// Rates within this of each other are equal, so a forecast or a pace exactly at its threshold
/// is not beyond it: 2.7 h used after 36 of 66 working days forecasts 4.95 h, exactly 110% of
/// 4.5 h, which floating point computes as 4.950000000000001.
const TOLERANCE: f64 = 1e-9;

fn forecast_overruns(figures: &Pace, thresholds: &StatusThresholds) -> bool {
    let limit = figures.available.as_f64() * (1.0 + thresholds.forecast_overrun_percent / 100.0);
    figures.state == State::Active
        && figures.elapsed_working_days >= thresholds.pace_min_elapsed_working_days
        && figures.forecast_at_end > limit + TOLERANCE
}

/// Services beyond the contract period: activities after the end, or still marked Active.
fn beyond_contract(input: &StatusInput<'_>) -> Vec<Reason> {
    let Some(ended) = engagement(input).end else { return Vec::new() };
    let mut reasons = Vec::new();
    // Only allocations with counted work after the end are walked.
    let (activities, hours) = input
        .dataset
        .allocations_of(input.engagement)
        .filter(|allocation| input.allocations[*allocation].latest_end > Some(ended))
        .flat_map(|allocation| input.dataset.activities_of(allocation))
        .filter(|(_, activity)| activity.counts_as_of(input.as_of) && activity.end > ended)
        .fold((0, Hours::ZERO), |(count, hours), (_, activity)| {
            (count + 1, hours + activity.hours_as_of(input.as_of, input.calendar))
        });
    if activities > 0 {
        reasons.push(Reason::ActivitiesAfterEnd { activities, hours, ended });
    }
    if engagement(input).is_lapsed(input.as_of) {
        reasons.push(Reason::StillMarkedActive { ended });
    }
    reasons
}

fn at_risk_reasons(input: &StatusInput<'_>) -> Vec<Reason> {
    let ended = engagement(input).end.is_some_and(|end| end < input.as_of);
    let mut reasons = Vec::new();
    if !ended {
        reasons.extend(refinement_reasons(input));
    }
    reasons.extend(renewal_reason(engagement(input), input.as_of, input.thresholds));
    for allocation in input.dataset.allocations_of(input.engagement) {
        reasons.extend(pace_reason(input, allocation));
    }
    reasons
}

fn missing_parts(start: Option<NaiveDate>, end: Option<NaiveDate>, description: &str) -> Vec<Part> {
    let mut missing = Vec::new();
    if start.is_none() {
        missing.push(Part::StartDate);
    }
    if end.is_none() {
        missing.push(Part::EndDate);
    }
    if description.trim().is_empty() {
        missing.push(Part::Description);
    }
    missing
}

/// Seed 002: "projects that are not fully refined or the dates are not clear".
fn refinement_reasons(input: &StatusInput<'_>) -> Vec<Reason> {
    let engagement = engagement(input);
    let mut reasons = Vec::new();
    let missing = missing_parts(engagement.start, engagement.end, &engagement.description);
    if !missing.is_empty() {
        reasons.push(Reason::EngagementIncomplete { missing });
    }
    if engagement.projects.is_empty() {
        reasons.push(Reason::NoProjects);
    }
    for project in &engagement.projects {
        reasons.extend(project_refinement(input, *project, &input.dataset.projects[*project]));
    }
    reasons
}

fn project_refinement(input: &StatusInput<'_>, id: ProjectId, project: &Project) -> Vec<Reason> {
    let mut reasons = Vec::new();
    let missing = missing_parts(project.start, project.end, &project.description);
    if !missing.is_empty() {
        reasons.push(Reason::ProjectIncomplete { project: id, missing });
    }
    if project.allocations.is_empty() {
        reasons.push(Reason::NoAllocations { project: id });
    }
    for allocation in &project.allocations {
        let unassigned = input.dataset.allocations[*allocation].provider.is_none();
        if unassigned && input.allocations[*allocation].state != State::Completed {
            reasons.push(Reason::NoProvider { allocation: *allocation });
        }
    }
    reasons
}

fn renewal_reason(
    engagement: &Engagement,
    as_of: NaiveDate,
    thresholds: &StatusThresholds,
) -> Option<Reason> {
    let end = engagement.end?;
    let days = (end - as_of).num_days();
    let since = end - chrono::Days::new(thresholds.renewal_window_days.max(0) as u64);
    (0..=thresholds.renewal_window_days).contains(&days).then_some(Reason::RenewalDue { end, days, since })
}

/// Whether an allocation is off pace: `Some(true)` ahead, `Some(false)` behind, `None` within
/// the thresholds or not judged yet (not active, or fewer elapsed working days than the
/// minimum).
fn off_pace(figures: &Pace, thresholds: &StatusThresholds) -> Option<bool> {
    let judged = figures.state == State::Active
        && figures.elapsed_working_days >= thresholds.pace_min_elapsed_working_days
        && figures.expected_used > 0.0;
    if !judged {
        return None;
    }
    let ratio = figures.used.as_f64() / figures.expected_used * 100.0;
    if ratio < thresholds.pace_low_percent - TOLERANCE {
        Some(false)
    } else if ratio > thresholds.pace_high_percent + TOLERANCE {
        Some(true)
    } else {
        None
    }
}

fn pace_reason(input: &StatusInput<'_>, allocation: AllocationId) -> Option<Reason> {
    let figures = &input.allocations[allocation];
    let ahead = off_pace(&figures.pace(), input.thresholds)?;
    let since = held_since(input, allocation, |f| off_pace(f, input.thresholds) == Some(ahead));
    Some(Reason::OffPace {
        allocation,
        ahead,
        used: figures.hours.used,
        expected: figures.expected_used,
        left: figures.hours.left_now,
        since,
    })
}

/// Since when a pace or forecast rule has fired for an allocation: the first day of the
/// unbroken run of days, ending on the as-of date, on which `holds` is true of the
/// allocation's pace as of that day. Each earlier day is judged as of itself (the hours used
/// by then, its elapsed working days), walking back one calendar day at a time until the rule
/// did not fire; no rule fires before the allocation's start (it is not active) nor before its
/// `pace_min_elapsed_working_days`-th working day, so the walk ends there at the latest. The
/// rule holds on the as-of date itself, since it fired.
fn held_since(input: &StatusInput<'_>, allocation: AllocationId, holds: impl Fn(&Pace) -> bool) -> NaiveDate {
    let record = &input.dataset.allocations[allocation];
    let activities = input.dataset.activities_of(allocation).map(|(_, a)| a);
    let used = UsedByDay::new(record, activities, input.calendar);
    let mut since = input.as_of;
    while let Some(day) = since.pred_opt().filter(|day| *day >= record.start) {
        if !holds(&pace(record, used.on(day), input.calendar, day)) {
            break;
        }
        since = day;
    }
    since
}
