//! One engagement's page. Its PDF is what the community reads with its monthly usage email:
//! its allowance first (hours to use now and by when, what comes next, who to reach), what was
//! done this month, its allocations on one timeline, earlier work summed up. The site page adds
//! what only the team needs: internal findings, notes, the recent record, hours by member.
//! Only this engagement's records are read here, so nothing of another engagement can reach its
//! page, charts or downloads.

use anyhow::Result;
use serde::Serialize;

use super::charts::{self, BurnUp, TimelineBar};
use super::layout::CommunityPaths;
use super::slug::slugify;
use super::views::{allocation_view, AllocationView, FigureView, StatusView};
use super::BookInput;
use crate::calendar::Month;
use crate::figures::allowance::{self, AllocationWork, Allowance, MonthDelivery};
use crate::figures::delivery;
use crate::figures::EngagementFigures;
use crate::file_plan::Plan;
use crate::hours::Hours;
use crate::load::contacts::Role;
use crate::model::{ActivityId, AllocationId, Engagement, EngagementId, ProjectId};
use crate::present::format::{
    date_range, h_grouped, long_date, month_name, month_range, short_name, title_and_body,
};
use crate::present::phrases::fill;
use crate::present::FigureFacts;

#[derive(Debug, Clone, Serialize)]
pub struct EngagementPage {
    pub organisation: String,
    pub service: String,
    /// The community: the page's title.
    pub title: String,
    /// `Monthly report, October 2026`.
    pub subtitle: String,
    pub name: String,
    pub community: String,
    /// The engagement's one-line title (first line of its description).
    pub engagement_title: String,
    /// `1 April 2026 – 31 March 2027`, as people write it.
    pub period: String,
    /// `October 2026`.
    pub month: String,
    pub as_of: String,
    /// The status in the community's report: from the reasons it can act on only.
    pub community_status: StatusView,
    /// The status with every reason, for the team.
    pub status: StatusView,
    pub usable: Vec<HoursLine>,
    /// When the engagement has ended, its end date: no hours are usable any more.
    pub ended: Option<String>,
    pub coming: Vec<HoursLine>,
    /// The providers to reach, joined: `Amara Okonkwo and Jonas Lindqvist`.
    pub providers: String,
    pub this_month: MonthView,
    pub timeline_chart: Option<FigureView>,
    /// The allocations shown in full: open, to come, or closed in or after the report month.
    pub allocations: Vec<AllocationView>,
    /// The allocations closed before the report month, summed up.
    pub earlier: Option<EarlierAllocations>,
    pub totals: Totals,
    pub burn_charts: Vec<FigureView>,
    /// The burn-up charts the community report draws (see `allowance::BURN_UPS_IN_REPORT`).
    #[serde(skip)]
    pub report_burn_charts: Vec<FigureView>,
    pub earlier_work: Vec<WorkView>,
    /// The community's other engagements, oldest first: history, with no status.
    pub earlier_engagements: Vec<EarlierEngagementView>,
    pub projects: Vec<ProjectView>,
    pub contacts: Vec<ContactView>,
    /// Overruns too old to count against the status (internal notes).
    pub history: Vec<String>,
    /// Counted activities dated outside their allocation's window (internal notes).
    pub outside_window: Vec<ActivityView>,
    /// The internal record: the latest activities of the months before the report month
    /// ([`delivery::recent_work`] decides which).
    pub recent_activities: Vec<ActivityView>,
    /// How many entries those months hold.
    pub recent_total: usize,
    /// `July – September 2026`: the months the recent record covers.
    pub recent_period: String,
    pub activity_count: usize,
    /// The months the hours-by-member table and chart cover.
    pub team_period: String,
    pub team: Vec<TeamRow>,
    pub team_chart: Option<FigureView>,
    /// This engagement's downloads: (label, path from the book root).
    pub downloads: Vec<(String, String)>,
    /// Prefix from the page to the book root (`../` on the site, more in a PDF project).
    pub root: String,
    /// The site page, for the team; the PDF is the community's.
    pub site: bool,
}

/// `3 h` of `Archive digitisation pilot 2026 Q4`, with its date.
#[derive(Debug, Clone, Serialize)]
pub struct HoursLine {
    pub hours: String,
    pub allocation: String,
    /// `31 December 2026`: use by (hours left) or from (hours to come).
    pub date: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct MonthView {
    pub label: String,
    pub hours: String,
    pub previous: String,
    pub previous_label: String,
    /// `Amara Okonkwo (3 h), Jonas Lindqvist (2 h)`.
    pub members: String,
    pub topics: Vec<String>,
    /// Whether the page lists `activities` one by one; otherwise it shows `by_allocation`.
    pub listed: bool,
    /// Whether a community report would list them (the site always does).
    #[serde(skip)]
    pub listed_in_report: bool,
    pub activities: Vec<ActivityView>,
    pub by_allocation: Vec<WorkView>,
}

/// One of a community's earlier engagements, as history.
#[derive(Debug, Clone, Serialize)]
pub struct EarlierEngagementView {
    /// The engagement's name in Airtable (the site shows it; the PDF its title).
    pub name: String,
    pub title: String,
    pub period: String,
    pub available: String,
    pub used: String,
    pub expired: String,
    /// Hours used beyond the hours available, when any were.
    pub overrun: Option<String>,
    pub entries: usize,
    pub topics: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct EarlierAllocations {
    pub count: usize,
    pub period: String,
    pub available: String,
    pub used: String,
    pub expired: String,
    /// Hours used beyond the hours available, when any were.
    pub overrun: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct WorkView {
    pub allocation: String,
    pub hours: String,
    pub entries: usize,
    pub topics: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ContactView {
    pub name: String,
    pub roles: String,
    pub position: String,
    pub email: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Totals {
    pub available: String,
    pub used: String,
    pub left_now: String,
    pub not_started: String,
    pub expired: String,
    pub overrun: String,
}

impl Totals {
    pub fn of(figures: &EngagementFigures) -> Totals {
        Totals {
            available: h_grouped(figures.available),
            used: h_grouped(figures.used),
            left_now: h_grouped(figures.left_now),
            not_started: h_grouped(figures.not_started),
            expired: h_grouped(figures.expired),
            overrun: h_grouped(figures.overrun),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct ProjectView {
    pub title: String,
    pub outcome: String,
    pub period: String,
    pub capacity: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ActivityView {
    pub dates: String,
    pub allocation: String,
    pub member: String,
    pub hours: String,
    /// As logged: the team's words.
    pub description: String,
    /// What the community reads (the public description when there is one).
    pub public: String,
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
    pub month: MonthDelivery,
}

impl Delivery {
    pub fn new(input: &BookInput<'_>, engagement: EngagementId) -> Delivery {
        let activities = delivery::counted_activities(input.dataset, engagement, input.as_of);
        let calendar = &input.figures.calendar;
        let month = allowance::month_delivery(
            input.dataset,
            &activities,
            input.report_month(),
            input.as_of,
            calendar,
        );
        Delivery { engagement, activities, month }
    }
}

/// The engagement's charts: its timeline, the burn-up of each allocation active in the report
/// month, and the hours by team member and month.
pub struct EngagementCharts {
    pub timeline: Option<FigureView>,
    pub burn_ups: Vec<FigureView>,
    /// The ones a community report draws.
    pub report_burn_ups: Vec<FigureView>,
    pub team: Option<FigureView>,
}

fn short(input: &BookInput<'_>, allocation: AllocationId) -> String {
    short_name(
        &input.dataset.allocations[allocation].name,
        &input.dataset.engagement_of(allocation).community,
    )
}

fn activity_view(input: &BookInput<'_>, id: ActivityId, hours: Hours) -> ActivityView {
    let activity = &input.dataset.activities[id];
    let dates = if activity.end == activity.start {
        activity.start.to_string()
    } else {
        format!("{} to {}", activity.start, activity.end)
    };
    ActivityView {
        dates,
        allocation: short(input, activity.allocation),
        member: input.dataset.team_member(activity.team_member).to_string(),
        hours: h_grouped(hours),
        description: activity.description().to_string(),
        public: activity.community_description().to_string(),
    }
}

fn counted_view(input: &BookInput<'_>, id: ActivityId) -> ActivityView {
    let hours = input.dataset.activities[id].hours_as_of(input.as_of, &input.figures.calendar);
    activity_view(input, id, hours)
}

/// The engagement's reported contacts with their roles other than Billing: no page or PDF
/// names a Billing contact.
pub(super) fn contacts(input: &BookInput<'_>, engagement: EngagementId) -> Vec<ContactView> {
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
            email: contact.email.clone(),
        })
        .collect()
}

/// `a`, `a and b`, `a, b and c`.
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [only] => only.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

fn allowance_lines(input: &BookInput<'_>, allowance: &Allowance) -> (Vec<HoursLine>, Vec<HoursLine>) {
    let usable = allowance
        .usable
        .iter()
        .map(|u| HoursLine {
            hours: h_grouped(u.left),
            allocation: short(input, u.allocation),
            date: long_date(u.use_by),
        })
        .collect();
    let coming = allowance
        .coming
        .iter()
        .map(|c| HoursLine {
            hours: h_grouped(c.hours),
            allocation: short(input, c.allocation),
            date: long_date(c.from),
        })
        .collect();
    (usable, coming)
}

fn month_view(input: &BookInput<'_>, month: &MonthDelivery) -> MonthView {
    let previous = Month::of(month.month.first_day().pred_opt().expect("a day before"));
    let members: Vec<String> = month
        .by_member
        .iter()
        .map(|(member, hours)| format!("{} ({} h)", input.dataset.team_member(*member), h_grouped(*hours)))
        .collect();
    MonthView {
        label: month_name(month.month),
        hours: h_grouped(month.hours),
        previous: h_grouped(month.previous),
        previous_label: previous.first_day().format("%B").to_string(),
        members: and_list(&members),
        topics: month.topics.clone(),
        listed: true,
        listed_in_report: month.listed_in_report(),
        activities: month.activities.iter().map(|(id, hours)| activity_view(input, *id, *hours)).collect(),
        by_allocation: month.by_allocation(input.dataset).iter().map(|work| work_view(input, work)).collect(),
    }
}

fn work_view(input: &BookInput<'_>, work: &AllocationWork) -> WorkView {
    WorkView {
        allocation: short(input, work.allocation),
        hours: h_grouped(work.hours),
        entries: work.entries,
        topics: work.topics.clone(),
    }
}

fn earlier_allocations(input: &BookInput<'_>, earlier: &[AllocationId]) -> Option<EarlierAllocations> {
    let first = earlier.iter().map(|id| input.dataset.allocations[*id].start).min()?;
    let last = earlier.iter().map(|id| input.dataset.allocations[*id].end).max()?;
    let hours = input.figures.hours_of(earlier);
    Some(EarlierAllocations {
        count: earlier.len(),
        period: date_range(first, last),
        available: h_grouped(hours.available),
        used: h_grouped(hours.used),
        expired: h_grouped(hours.expired),
        overrun: Some(hours.overrun).filter(|h| !h.is_zero()).map(h_grouped),
    })
}

/// `1 January 2026 – 31 December 2027`, `from 1 January 2026`, or empty with no dates.
fn engagement_dates(record: &Engagement) -> String {
    match (record.start, record.end) {
        (Some(start), Some(end)) => date_range(start, end),
        (Some(start), None) => format!("from {}", long_date(start)),
        (None, Some(end)) => format!("until {}", long_date(end)),
        (None, None) => String::new(),
    }
}

fn earlier_engagement(input: &BookInput<'_>, id: EngagementId) -> EarlierEngagementView {
    let record = &input.dataset.engagements[id];
    let totals = &input.figures.engagements[id];
    let work = allowance::engagement_work(input.dataset, id, input.as_of, &input.figures.calendar);
    let (title, _) = title_and_body(&record.description);
    EarlierEngagementView {
        name: record.name.clone(),
        title: if title.is_empty() { record.name.clone() } else { title },
        period: engagement_dates(record),
        available: h_grouped(totals.available),
        used: h_grouped(totals.used),
        expired: h_grouped(totals.expired),
        overrun: (!totals.overrun.is_zero()).then(|| h_grouped(totals.overrun)),
        entries: work.entries,
        topics: work.topics,
    }
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
    let month = input.report_month();
    let allowance = allowance::allowance(dataset, input.figures, id);
    let (usable, coming) = allowance_lines(input, &allowance);
    let (shown, earlier) = allowance::shown_allocations(dataset, id, month);
    let (engagement_title, _) = title_and_body(&record.description);
    let recent = delivery::recent_work(dataset, &delivery.activities, month);
    let calendar = &input.figures.calendar;
    Ok(EngagementPage {
        organisation: input.settings.organisation.clone(),
        service: input.settings.service_name.clone(),
        title: record.community.clone(),
        subtitle: fill(
            &input.phrases.page_labels().community_report_subtitle,
            &[("month", &month_name(month))],
        ),
        name: record.name.clone(),
        community: record.community.clone(),
        engagement_title: if engagement_title.is_empty() { record.name.clone() } else { engagement_title },
        period: engagement_dates(record),
        month: month_name(month),
        as_of: long_date(input.as_of),
        community_status: StatusView::for_community(input, &totals.status)?,
        status: StatusView::new(input, &totals.status)?,
        usable,
        ended: record.end.filter(|end| *end < input.as_of).map(long_date),
        coming,
        providers: and_list(&allowance.providers),
        this_month: month_view(input, &delivery.month),
        timeline_chart: charts.timeline,
        allocations: shown
            .iter()
            .map(|a| AllocationView { name: short(input, *a), ..allocation_view(input, *a) })
            .collect(),
        earlier: earlier_allocations(input, &earlier),
        totals: Totals::of(totals),
        burn_charts: charts.burn_ups,
        report_burn_charts: charts.report_burn_ups,
        earlier_work: allowance::earlier_work(dataset, id, month, input.as_of, calendar)
            .iter()
            .map(|work| work_view(input, work))
            .collect(),
        earlier_engagements: input
            .figures
            .community(id)
            .earlier()
            .map(|earlier| earlier_engagement(input, earlier))
            .collect(),
        projects: record.projects.iter().map(|project| project_view(input, *project)).collect(),
        contacts: contacts(input, id),
        history: input.phrases.reasons(dataset, &totals.status.history)?,
        outside_window: totals.outside_window.iter().map(|a| counted_view(input, *a)).collect(),
        recent_activities: recent.listed.iter().map(|a| counted_view(input, *a)).collect(),
        recent_total: recent.total,
        recent_period: month_range(recent.from, recent.to),
        activity_count: delivery.activities.len(),
        team_period: team_months(input, delivery)
            .first()
            .map_or(String::new(), |first| month_range(*first, Month::of(input.as_of))),
        team: team_rows(input, delivery),
        team_chart: charts.team,
        downloads: vec![
            (input.phrases.page_labels().allocations_download.clone(), paths.allocations_table()),
            (input.phrases.page_labels().activities_download.clone(), paths.activities_table()),
        ],
        root: super::layout::root_of(&paths.page),
        site: true,
    })
}

impl EngagementPage {
    /// The page as the community's report: rooted at its PDF project, without the team's
    /// sections, with the report's burn-ups and, in a busy month, the month summed up.
    pub fn into_report(mut self, root: String) -> EngagementPage {
        self.site = false;
        self.root = root;
        self.burn_charts = std::mem::take(&mut self.report_burn_charts);
        self.this_month.listed = self.this_month.listed_in_report;
        self
    }
}

/// Hours by team member over the months the team chart covers.
fn team_rows(input: &BookInput<'_>, delivery: &Delivery) -> Vec<TeamRow> {
    let months = team_months(input, delivery);
    let dataset = input.dataset;
    delivery::hours_by_member_and_month(
        dataset,
        &delivery.activities,
        &months,
        &input.figures.calendar,
        input.as_of,
    )
    .into_iter()
    .map(|(member, hours)| TeamRow {
        member: dataset.team_member(member).to_string(),
        hours: h_grouped(hours.iter().sum()),
    })
    .collect()
}

fn team_months(input: &BookInput<'_>, delivery: &Delivery) -> Vec<Month> {
    match delivery.activities.first() {
        Some(first) => delivery::team_chart_months(input.dataset.activities[*first].start, input.as_of),
        None => Vec::new(),
    }
}

fn project_view(input: &BookInput<'_>, project: ProjectId) -> ProjectView {
    let record = &input.dataset.projects[project];
    let (title, outcome) = title_and_body(&record.description);
    ProjectView {
        title: if title.is_empty() { record.name.clone() } else { title },
        outcome,
        period: match (record.start, record.end) {
            (Some(start), Some(end)) => date_range(start, end),
            _ => String::new(),
        },
        capacity: record.capacity.clone(),
    }
}

/// The engagement's charts as files, and as figures for its page.
pub fn charts(
    input: &BookInput<'_>,
    delivery: &Delivery,
    paths: &CommunityPaths,
) -> Result<(Plan, EngagementCharts)> {
    let mut files = Plan::default();
    let timeline = match timeline_chart(input, delivery, paths)? {
        Some((path, svg, figure)) => {
            files.add(path, svg);
            Some(figure)
        }
        None => None,
    };
    let active = allowance::active_in(input.dataset, delivery.engagement, input.report_month());
    let in_report = delivery.month.burn_ups_in_report(input.dataset, &active);
    let (mut burn_ups, mut report_burn_ups) = (Vec::new(), Vec::new());
    for (index, allocation) in active.into_iter().enumerate() {
        let (path, svg, figure) = burn_chart(input, allocation, index + 1, paths)?;
        files.add(path, svg);
        if in_report.contains(&allocation) {
            report_burn_ups.push(figure.clone());
        }
        burn_ups.push(figure);
    }
    let team = match team_chart(input, delivery, paths)? {
        Some((path, svg, figure)) => {
            files.add(path, svg);
            Some(figure)
        }
        None => None,
    };
    Ok((files, EngagementCharts { timeline, burn_ups, report_burn_ups, team }))
}

fn timeline_chart(
    input: &BookInput<'_>,
    delivery: &Delivery,
    paths: &CommunityPaths,
) -> Result<Option<(String, String, FigureView)>> {
    let dataset = input.dataset;
    let (shown, earlier) = allowance::shown_allocations(dataset, delivery.engagement, input.report_month());
    if shown.is_empty() {
        return Ok(None);
    }
    let bars: Vec<TimelineBar> = shown
        .iter()
        .map(|id| {
            let record = &dataset.allocations[*id];
            let figures = &input.figures.allocations[*id];
            TimelineBar {
                label: short(input, *id),
                start: record.start,
                end: record.end,
                available: figures.available.as_f64(),
                used: (figures.used - figures.overrun).as_f64(),
                left_now: figures.left_now.as_f64(),
                not_started: figures.not_started.as_f64(),
                expired: figures.expired.as_f64(),
                overrun: figures.overrun.as_f64(),
            }
        })
        .collect();
    let path = paths.timeline_chart();
    let facts = FigureFacts {
        kind: "timeline",
        first_month: bars.iter().map(|b| b.start).min().map(|d| month_name(Month::of(d))).unwrap_or_default(),
        last_month: bars.iter().map(|b| b.end).max().map(|d| month_name(Month::of(d))).unwrap_or_default(),
        months_over: earlier.len(),
        end: long_date(input.as_of),
        ..FigureFacts::default()
    };
    let figure = FigureView::new(path.clone(), input.phrases.figure(&facts)?);
    Ok(Some((path, charts::timeline_chart(&bars, input.as_of, input.phrases.chart_labels())?, figure)))
}

fn burn_chart(
    input: &BookInput<'_>,
    allocation: AllocationId,
    ordinal: usize,
    paths: &CommunityPaths,
) -> Result<(String, String, FigureView)> {
    let dataset = input.dataset;
    let record = &dataset.allocations[allocation];
    let short = short(input, allocation);
    let burn = BurnUp {
        allocation: &short,
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
        short_name: short.clone(),
        used: h_grouped(figures.used),
        available: h_grouped(figures.available),
        start: record.start.to_string(),
        end: record.end.to_string(),
        ..FigureFacts::default()
    };
    let figure = FigureView::new(path.clone(), input.phrases.figure(&facts)?);
    Ok((path, charts::burn_up_chart(&burn, input.phrases.chart_labels())?, figure))
}

fn team_chart(
    input: &BookInput<'_>,
    delivery: &Delivery,
    paths: &CommunityPaths,
) -> Result<Option<(String, String, FigureView)>> {
    let months = team_months(input, delivery);
    if months.is_empty() {
        return Ok(None);
    }
    let dataset = input.dataset;
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
        last_month: month_name(*months.last().expect("not empty")),
        members: names.join(", "),
        ..FigureFacts::default()
    };
    let figure = FigureView::new(path.clone(), input.phrases.figure(&facts)?);
    Ok(Some((path, charts::team_hours_chart(&months, &members, input.phrases.chart_labels())?, figure)))
}
