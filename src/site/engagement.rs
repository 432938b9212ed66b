//! One engagement's page, which is also what the community sees in its monthly PDF, and its
//! charts. Only this engagement's records are read here, so nothing of another engagement can
//! reach its page, charts or downloads.

use anyhow::Result;
use serde::Serialize;

use super::charts::{self, BurnUp};
use super::layout::CommunityPaths;
use super::slug::slugify;
use super::views::{allocation_view, AllocationView, FigureView, StatusView};
use super::BookInput;
use crate::calendar::Month;
use crate::figures::allocations::State;
use crate::figures::delivery;
use crate::load::contacts::Role;
use crate::model::{ActivityId, AllocationId, EngagementId, ProjectId};
use crate::output::Plan;
use crate::present::format::{h_grouped, month_name, period, short_name, title_and_body};
use crate::present::FigureFacts;

#[derive(Debug, Clone, Serialize)]
pub struct EngagementPage {
    pub organisation: String,
    pub title: String,
    pub name: String,
    pub community: String,
    pub period: String,
    pub as_of: String,
    pub month: Option<String>,
    pub status: StatusView,
    /// Overruns too old to count against the status (internal notes).
    pub history: Vec<String>,
    /// Counted activities dated outside their allocation's window (internal notes).
    pub outside_window: Vec<ActivityView>,
    pub engagement_title: String,
    pub engagement_body: String,
    pub agreement: String,
    pub contacts: Vec<ContactView>,
    pub totals: Totals,
    pub projects: Vec<ProjectView>,
    pub month_activities: Vec<ActivityView>,
    pub month_total: String,
    pub activities: Vec<ActivityView>,
    pub activity_total: String,
    pub team: Vec<TeamRow>,
    pub team_chart: Option<FigureView>,
    /// This engagement's downloads: (label, path from the book root).
    pub downloads: Vec<(String, String)>,
    /// Prefix from the page to the book root (`../` on the site, more in a PDF project).
    pub root: String,
    /// The site page links its downloads; the PDF sent to the community does not.
    pub site: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct ContactView {
    pub name: String,
    pub roles: String,
    pub position: String,
    pub organization: String,
    pub email: String,
    pub github: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Totals {
    pub available: String,
    pub used: String,
    pub left: String,
    pub expired: String,
    pub overrun: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProjectView {
    pub name: String,
    pub title: String,
    pub outcome: String,
    pub period: String,
    pub capacity: String,
    pub allocations: Vec<AllocationView>,
    pub burn_charts: Vec<FigureView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ActivityView {
    pub dates: String,
    pub allocation: String,
    pub member: String,
    pub hours: String,
    pub description: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct TeamRow {
    pub member: String,
    pub hours: String,
}

/// What the engagement's figures say about its delivery, computed once for its page, charts
/// and downloads.
pub struct Delivery {
    pub engagement: EngagementId,
    /// Counted activities, oldest first.
    pub activities: Vec<ActivityId>,
}

impl Delivery {
    pub fn new(input: &BookInput<'_>, engagement: EngagementId) -> Delivery {
        Delivery {
            engagement,
            activities: delivery::counted_activities(input.dataset, engagement, input.as_of),
        }
    }
}

/// The engagement's charts: the burn-up of each allocation that has started, and the hours by
/// team member and month.
pub struct EngagementCharts {
    pub burn_ups: Vec<(ProjectId, FigureView)>,
    pub team: Option<FigureView>,
}

fn activity_view(input: &BookInput<'_>, id: ActivityId) -> ActivityView {
    let dataset = input.dataset;
    let activity = &dataset.activities[id];
    let dates = if activity.end == activity.start {
        activity.start.to_string()
    } else {
        format!("{} to {}", activity.start, activity.end)
    };
    ActivityView {
        dates,
        allocation: short_name(
            &dataset.allocations[activity.allocation].name,
            &dataset.engagement_of(activity.allocation).community,
        ),
        member: dataset.team_member(activity.team_member).to_string(),
        hours: h_grouped(activity.units),
        description: activity.description.to_string(),
    }
}

fn contacts(input: &BookInput<'_>, engagement: EngagementId) -> Vec<ContactView> {
    input
        .dataset
        .reported_contacts(engagement)
        .map(|contact| ContactView {
            name: contact.name.clone(),
            roles: contact
                .roles
                .iter()
                .filter(|role| **role != Role::Billing)
                .map(|role| format!("{role:?}"))
                .collect::<Vec<_>>()
                .join(", "),
            position: contact.position.clone(),
            organization: contact.organization.clone(),
            email: contact.email.clone(),
            github: contact.github.clone(),
        })
        .collect()
}

/// The page's context, from the figures and the engagement's charts.
pub fn page(
    input: &BookInput<'_>,
    delivery: &Delivery,
    paths: &CommunityPaths,
    charts: EngagementCharts,
) -> Result<EngagementPage> {
    let dataset = input.dataset;
    let id = delivery.engagement;
    let record = &dataset.engagements[id];
    let totals = &input.figures.engagements[id];
    let calendar = &input.figures.calendar;
    let in_month = input.month.map(|month| delivery::started_in(dataset, &delivery.activities, month));
    let projects =
        record.projects.iter().map(|project| project_view(input, *project, &charts.burn_ups)).collect();
    let (engagement_title, engagement_body) = title_and_body(&record.description);
    Ok(EngagementPage {
        organisation: input.settings.organisation.clone(),
        title: format!("{}: Community Enablement Service report", record.community),
        name: record.name.clone(),
        community: record.community.clone(),
        period: period(record.start, record.end),
        as_of: input.as_of.to_string(),
        month: input.month.map(month_name),
        status: StatusView::new(input, &totals.status)?,
        history: input.phrases.reasons(dataset, &totals.status.history)?,
        outside_window: totals.outside_window.iter().map(|a| activity_view(input, *a)).collect(),
        engagement_title,
        engagement_body,
        agreement: record.agreement.clone(),
        contacts: contacts(input, id),
        totals: Totals {
            available: h_grouped(totals.available),
            used: h_grouped(totals.used),
            left: h_grouped(totals.left),
            expired: h_grouped(totals.expired),
            overrun: h_grouped(totals.overrun),
        },
        projects,
        month_activities: in_month.iter().flatten().map(|a| activity_view(input, *a)).collect(),
        month_total: h_grouped(
            in_month
                .as_deref()
                .map_or(Default::default(), |a| delivery::total(dataset, a, input.as_of, calendar)),
        ),
        activity_total: h_grouped(delivery::total(dataset, &delivery.activities, input.as_of, calendar)),
        activities: delivery.activities.iter().map(|a| activity_view(input, *a)).collect(),
        team: delivery::hours_by_member(dataset, &delivery.activities, input.as_of, calendar)
            .into_iter()
            .map(|(member, hours)| TeamRow {
                member: dataset.team_member(member).to_string(),
                hours: h_grouped(hours),
            })
            .collect(),
        team_chart: charts.team,
        downloads: vec![
            ("Allocations (CSV)".to_string(), paths.allocations_table()),
            ("Activity record (CSV)".to_string(), paths.activities_table()),
        ],
        root: super::layout::root_of(&paths.page),
        site: true,
    })
}

fn project_view(
    input: &BookInput<'_>,
    project: ProjectId,
    burn_ups: &[(ProjectId, FigureView)],
) -> ProjectView {
    let record = &input.dataset.projects[project];
    let (title, outcome) = title_and_body(&record.description);
    let allocations = record
        .allocations
        .iter()
        .map(|id| {
            let mut view = allocation_view(input, *id);
            view.name = short_name(&view.name, &view.community);
            view
        })
        .collect();
    ProjectView {
        name: record.name.clone(),
        title: if title.is_empty() { record.name.clone() } else { title },
        outcome,
        period: period(record.start, record.end),
        capacity: record.capacity.clone(),
        allocations,
        burn_charts: burn_ups
            .iter()
            .filter(|(p, _)| *p == project)
            .map(|(_, figure)| figure.clone())
            .collect(),
    }
}

/// The engagement's charts as files, and as figures for its page.
pub fn charts(
    input: &BookInput<'_>,
    delivery: &Delivery,
    paths: &CommunityPaths,
) -> Result<(Plan, EngagementCharts)> {
    let mut files = Plan::default();
    let mut burn_ups = Vec::new();
    let charted = input
        .dataset
        .allocations_of(delivery.engagement)
        .filter(|id| input.figures.allocations[*id].state != State::Upcoming);
    for (index, allocation) in charted.enumerate() {
        let (path, svg, figure) = burn_chart(input, allocation, index + 1, paths)?;
        files.add(path, svg);
        burn_ups.push((input.dataset.allocations[allocation].project, figure));
    }
    let team = match team_chart(input, delivery, paths)? {
        Some((path, svg, figure)) => {
            files.add(path, svg);
            Some(figure)
        }
        None => None,
    };
    Ok((files, EngagementCharts { burn_ups, team }))
}

fn burn_chart(
    input: &BookInput<'_>,
    allocation: AllocationId,
    ordinal: usize,
    paths: &CommunityPaths,
) -> Result<(String, String, FigureView)> {
    let dataset = input.dataset;
    let record = &dataset.allocations[allocation];
    let short = short_name(&record.name, &dataset.engagement_of(allocation).community);
    let burn = BurnUp {
        title: &format!("Hours used: {short}"),
        start: record.start,
        end: record.end,
        available: record.available.as_f64(),
        as_of: input.as_of,
        used_by_day: delivery::cumulative_use(dataset, allocation, input.as_of, &input.figures.calendar)
            .into_iter()
            .map(|(day, hours)| (day, hours.as_f64()))
            .collect(),
    };
    let path = paths.burn_chart(ordinal, &slugify(&record.name, 40));
    let figures = &input.figures.allocations[allocation];
    let facts = FigureFacts {
        kind: "burn-up",
        allocation: record.name.clone(),
        short_name: short,
        used: h_grouped(figures.used),
        available: h_grouped(figures.available),
        start: record.start.to_string(),
        end: record.end.to_string(),
        ..FigureFacts::default()
    };
    let figure = FigureView::new(path.clone(), input.phrases.figure(&facts)?);
    Ok((path, charts::burn_up_chart(&burn)?, figure))
}

fn team_chart(
    input: &BookInput<'_>,
    delivery: &Delivery,
    paths: &CommunityPaths,
) -> Result<Option<(String, String, FigureView)>> {
    let Some(first) = delivery.activities.first() else { return Ok(None) };
    let dataset = input.dataset;
    let months = delivery::team_chart_months(dataset.activities[*first].start, input.as_of);
    let members: Vec<(String, Vec<f64>)> = delivery::hours_by_member_and_month(
        dataset,
        &delivery.activities,
        &months,
        &input.figures.calendar,
        input.as_of,
    )
    .into_iter()
    .map(|(member, hours)| {
        (dataset.team_member(member).to_string(), hours.iter().map(|h| h.as_f64()).collect())
    })
    .collect();
    let path = paths.team_chart();
    let names: Vec<&str> = members.iter().map(|(name, _)| name.as_str()).collect();
    let facts = FigureFacts {
        kind: "team-hours",
        first_month: month_name(months[0]),
        last_month: month_name(Month::of(input.as_of)),
        members: names.join(", "),
        ..FigureFacts::default()
    };
    let figure = FigureView::new(path.clone(), input.phrases.figure(&facts)?);
    Ok(Some((path, charts::team_hours_chart(&months, &members)?, figure)))
}
