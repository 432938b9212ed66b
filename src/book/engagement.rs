//! One engagement's page: what the community sees in its monthly PDF. Only this engagement's
//! records are read here, so nothing of another engagement can reach its page or downloads.

use std::collections::BTreeMap;

use anyhow::Result;
use chrono::NaiveDate;
use serde::Serialize;

use super::views::{
    allocation_view, period, short_name, title_and_body, AllocationView, FigureView, StatusView,
};
use super::BookContext;
use crate::charts::{self, BurnUp};
use crate::figures::allocations::State;
use crate::figures::calendar::{Month, WorkCalendar};
use crate::figures::commitment::spread_activity;
use crate::load::contacts::Role;
use crate::model::Activity;
use crate::output::Plan;
use crate::text::hours_grouped;

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
    /// Prefix from the page to the book root (`../` on the site, `../../` in a PDF project).
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
    pub remaining: String,
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

/// Where one engagement's files go.
pub struct EngagementPaths {
    pub slug: String,
    pub page: String,
    pub figures: String,
    pub data: String,
}

impl EngagementPaths {
    pub fn new(slug: &str) -> EngagementPaths {
        EngagementPaths {
            slug: slug.to_string(),
            page: format!("engagements/{slug}.md"),
            figures: format!("figures/communities/{slug}"),
            data: format!("data/communities/{slug}"),
        }
    }
}

/// The engagement's counted activities, oldest first.
fn activities_of<'a>(context: &'a BookContext<'_>, engagement: usize) -> Vec<&'a Activity> {
    let dataset = context.dataset;
    let mut activities: Vec<&Activity> = dataset.engagements[engagement]
        .projects
        .iter()
        .flat_map(|project| &dataset.projects[*project].allocations)
        .flat_map(|allocation| dataset.activities_of(*allocation))
        .filter(|activity| activity.start <= context.as_of)
        .collect();
    activities.sort_by_key(|activity| (activity.start, activity.line));
    activities
}

fn activity_view(context: &BookContext<'_>, activity: &Activity) -> ActivityView {
    let dataset = context.dataset;
    let allocation = &dataset.allocations[activity.allocation as usize];
    let dates = if activity.end == activity.start {
        activity.start.to_string()
    } else {
        format!("{} to {}", activity.start, activity.end)
    };
    ActivityView {
        dates,
        allocation: short_name(&allocation.name, &dataset.engagements[allocation.engagement].community),
        member: dataset.team_member(activity).to_string(),
        hours: hours_grouped(activity.units.as_f64()),
        description: activity.description.to_string(),
    }
}

fn contacts(context: &BookContext<'_>, engagement: usize) -> Vec<ContactView> {
    context
        .dataset
        .contacts
        .iter()
        .filter(|contact| contact.engagements.contains(&engagement) && contact.is_reported())
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

/// Builds the page context and adds the engagement's charts and downloads to `plan`.
pub fn engagement_page(
    context: &BookContext<'_>,
    engagement: usize,
    paths: &EngagementPaths,
    plan: &mut Plan,
) -> Result<EngagementPage> {
    let dataset = context.dataset;
    let record = &dataset.engagements[engagement];
    let totals = &context.figures.engagements[engagement];
    let activities = activities_of(context, engagement);
    let views: Vec<ActivityView> = activities.iter().map(|a| activity_view(context, a)).collect();
    let month_activities: Vec<ActivityView> = match context.month {
        Some(month) => activities
            .iter()
            .filter(|a| Month::of(a.start) == month)
            .map(|a| activity_view(context, a))
            .collect(),
        None => Vec::new(),
    };
    let month_total = context.month.map_or(0.0, |month| {
        activities.iter().filter(|a| Month::of(a.start) == month).map(|a| a.units.as_f64()).sum()
    });
    let mut projects = Vec::new();
    let mut charts_so_far = 0;
    for project in &record.projects {
        projects.push(project_view(context, *project, paths, plan, &mut charts_so_far)?);
    }
    let team_chart = team_chart(context, &activities, paths, plan)?;
    super::tables::engagement_downloads(context, engagement, &activities, paths, plan)?;
    let (engagement_title, engagement_body) = title_and_body(&record.description);
    Ok(EngagementPage {
        organisation: context.settings.organisation.clone(),
        title: format!("{}: Community Enablement Service report", record.community),
        name: record.name.clone(),
        community: record.community.clone(),
        period: period(record.start, record.end),
        as_of: context.as_of.to_string(),
        month: context.month.map(super::month_name),
        status: StatusView::new(&totals.status),
        engagement_title,
        engagement_body,
        agreement: record.agreement.clone(),
        contacts: contacts(context, engagement),
        totals: Totals {
            available: hours_grouped(totals.available),
            used: hours_grouped(totals.used),
            remaining: hours_grouped(totals.left()),
            expired: hours_grouped(totals.unused),
            overrun: hours_grouped(totals.overrun),
        },
        projects,
        month_activities,
        month_total: hours_grouped(month_total),
        activity_total: hours_grouped(activities.iter().map(|a| a.units.as_f64()).sum()),
        activities: views,
        team: team_rows(context, &activities),
        team_chart,
        downloads: vec![
            ("Allocations (CSV)".to_string(), format!("{}/allocations.csv", paths.data)),
            ("Activity record (CSV)".to_string(), format!("{}/activities.csv", paths.data)),
        ],
        root: "../".to_string(),
        site: true,
    })
}

fn project_view(
    context: &BookContext<'_>,
    project: usize,
    paths: &EngagementPaths,
    plan: &mut Plan,
    charts_so_far: &mut usize,
) -> Result<ProjectView> {
    let dataset = context.dataset;
    let record = &dataset.projects[project];
    let (title, outcome) = title_and_body(&record.description);
    let mut allocations = Vec::new();
    let mut burn_charts = Vec::new();
    for index in &record.allocations {
        let figures = &context.figures.allocations[*index];
        let mut view = allocation_view(dataset, *index, figures);
        view.name = short_name(&view.name, &view.community);
        allocations.push(view);
        if figures.state != State::Upcoming {
            *charts_so_far += 1;
            burn_charts.push(burn_chart(context, *index, *charts_so_far, paths, plan)?);
        }
    }
    Ok(ProjectView {
        name: record.name.clone(),
        title: if title.is_empty() { record.name.clone() } else { title },
        outcome,
        period: period(record.start, record.end),
        capacity: record.capacity.clone(),
        allocations,
        burn_charts,
    })
}

/// The burn-up of one allocation, saved as `burn-<ordinal>-<slug>.svg` in the engagement's folder.
fn burn_chart(
    context: &BookContext<'_>,
    allocation: usize,
    ordinal: usize,
    paths: &EngagementPaths,
    plan: &mut Plan,
) -> Result<FigureView> {
    let dataset = context.dataset;
    let record = &dataset.allocations[allocation];
    let mut by_day: BTreeMap<NaiveDate, f64> = BTreeMap::new();
    for activity in dataset.activities_of(allocation).filter(|a| a.start <= context.as_of) {
        *by_day.entry(activity.start).or_default() += activity.units.as_f64();
    }
    let mut total = 0.0;
    let used_by_day = by_day.into_iter().map(|(day, hours)| {
        total += hours;
        (day, total)
    });
    let burn = BurnUp {
        title: &format!(
            "Hours used: {}",
            short_name(&record.name, &dataset.engagements[record.engagement].community)
        ),
        start: record.start,
        end: record.end,
        available: record.available.as_f64(),
        as_of: context.as_of,
        used_by_day: used_by_day.collect(),
    };
    let file = format!("{}/burn-{ordinal:02}-{}.svg", paths.figures, super::slug::slugify(&record.name, 40));
    plan.add(file.clone(), charts::burn_up_chart(&burn)?);
    let figures = &context.figures.allocations[allocation];
    Ok(FigureView {
        path: file,
        alt: format!(
            "Burn-up chart of allocation {}: {} of {} hours used between {} and {}, against an even pace.",
            record.name,
            hours_grouped(figures.used),
            hours_grouped(figures.available),
            record.start,
            record.end
        ),
        caption: format!(
            "{}: cumulative hours used against the even pace and the hours available.",
            short_name(&record.name, &dataset.engagements[record.engagement].community)
        ),
    })
}

fn team_rows(context: &BookContext<'_>, activities: &[&Activity]) -> Vec<TeamRow> {
    let mut by_member: BTreeMap<&str, f64> = BTreeMap::new();
    for activity in activities {
        *by_member.entry(context.dataset.team_member(activity)).or_default() += activity.units.as_f64();
    }
    let mut rows: Vec<(&str, f64)> = by_member.into_iter().collect();
    rows.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(b.0)));
    rows.into_iter()
        .map(|(member, hours)| TeamRow { member: member.to_string(), hours: hours_grouped(hours) })
        .collect()
}

/// At most this many months of the team chart, the latest ones.
const TEAM_CHART_MONTHS: usize = 18;

fn team_chart(
    context: &BookContext<'_>,
    activities: &[&Activity],
    paths: &EngagementPaths,
    plan: &mut Plan,
) -> Result<Option<FigureView>> {
    let (Some(first), Some(_)) = (activities.first(), activities.last()) else { return Ok(None) };
    let last_month = Month::of(context.as_of);
    let mut months: Vec<Month> = Month::range(Month::of(first.start), last_month).collect();
    if months.len() > TEAM_CHART_MONTHS {
        months.drain(..months.len() - TEAM_CHART_MONTHS);
    }
    let calendar = WorkCalendar::new(&context.settings.holidays);
    let mut by_member: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
    for activity in activities {
        let row =
            by_member.entry(context.dataset.team_member(activity)).or_insert_with(|| vec![0.0; months.len()]);
        spread_activity(activity, &calendar, |month, hours| {
            if let Some(position) = months.iter().position(|m| *m == month) {
                row[position] += hours;
            }
        });
    }
    let mut members: Vec<(String, Vec<f64>)> =
        by_member.into_iter().map(|(name, hours)| (name.to_string(), hours)).collect();
    members.sort_by(|a, b| b.1.iter().sum::<f64>().total_cmp(&a.1.iter().sum::<f64>()).then(a.0.cmp(&b.0)));
    let file = format!("{}/team-hours.svg", paths.figures);
    plan.add(file.clone(), charts::team_hours_chart(&months, &members)?);
    let names: Vec<&str> = members.iter().map(|(name, _)| name.as_str()).collect();
    Ok(Some(FigureView {
        path: file,
        alt: format!(
            "Stacked bar chart of hours delivered per month from {} to {}, by team member: {}.",
            super::month_name(months[0]),
            super::month_name(last_month),
            names.join(", ")
        ),
        caption: "Hours delivered per month, by team member (activities spread over their working days)."
            .to_string(),
    }))
}
