//! One engagement's page. Its PDF is what the community reads with its monthly usage email:
//! its allowance first (hours to use now and by when, what comes next, who to reach), what was
//! done this month, its allocations on one timeline, earlier work summed up. The site page adds
//! what only the team needs: internal findings, notes, the recent record, hours by member.
//! Only this engagement's records are read here, so nothing of another engagement can reach its
//! page, charts or downloads.

use anyhow::Result;
use serde::Serialize;

use super::charts::{self, TimelineBar};
use super::layout::CommunityPaths;
use super::slug::slugify;
use super::views::{allocation_view, AllocationView, FigureView, StatusView};
use super::BookInput;
use crate::calendar::Month;
use crate::figures::allowance::{AllocationWork, Allowance, EngagementWork, MonthDelivery};
use crate::figures::month::{BurnUp, CommunityMonth, EarlierAllocations, TeamHours, TimelineRow};
use crate::figures::status::Reason;
use crate::file_plan::Plan;
use crate::hours::Hours;
use crate::load::contacts::Role;
use crate::model::{ActivityId, AllocationId, ContactId, Engagement, ProjectId};
use crate::present::format::{
    date_range, h_grouped, h_grouped_or_blank, long_date, month_name, month_range, short_name,
    title_and_body, Moment, Totals,
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
    /// When the data was pulled from Airtable, when a pull says so (the site page says it).
    pub pulled_at: Option<Moment>,
    /// What the community is asked to act on, in its words: its report and email say these,
    /// never an internal status.
    pub asks: Vec<String>,
    /// Whether the community gets a report (a PDF) this month.
    pub reported: bool,
    /// The status with every reason, for the team (the site only).
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
    pub earlier: Option<EarlierAllocationsView>,
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
    /// The internal record: the latest activities of the months before the report month.
    pub recent_activities: Vec<ActivityView>,
    /// How many entries those months hold.
    pub recent_total: usize,
    /// `July – September 2026`: the months the recent record covers.
    pub recent_period: String,
    pub activity_count: usize,
    pub team: TeamView,
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
    pub totals: Totals,
    pub entries: usize,
    pub topics: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct EarlierAllocationsView {
    pub count: usize,
    pub period: String,
    pub totals: Totals,
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

/// Hours by team member: the table in all, the chart over its months.
#[derive(Debug, Clone, Serialize)]
pub struct TeamView {
    pub rows: Vec<TeamRow>,
    /// The hours of every row added up: the hours delivered.
    pub total: String,
    /// `May 2025 – October 2026`: the months the chart draws.
    pub chart_period: String,
    /// The hours before those months, which the chart leaves out; empty when none.
    pub before_chart: String,
    pub chart: Option<FigureView>,
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
        input.phrases.days(&activity.start.to_string(), &activity.end.to_string())
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

/// Contacts with the roles a page may name (never Billing: the model left it out).
pub(super) fn contact_views(input: &BookInput<'_>, contacts: &[(ContactId, Vec<Role>)]) -> Vec<ContactView> {
    contacts
        .iter()
        .map(|(id, roles)| {
            let contact = &input.dataset.contacts[*id];
            ContactView {
                name: contact.name.clone(),
                roles: roles
                    .iter()
                    .map(|role| input.phrases.role_label(*role).to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
                position: contact.position.clone(),
                email: contact.email.clone(),
            }
        })
        .collect()
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

fn month_view(input: &BookInput<'_>, community: &CommunityMonth) -> MonthView {
    let month: &MonthDelivery = &community.month;
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
        members: input.phrases.list(&members),
        topics: month.topics.clone(),
        listed: true,
        listed_in_report: community.month_listed_in_report,
        activities: month.activities.iter().map(|(id, hours)| activity_view(input, *id, *hours)).collect(),
        by_allocation: community.month_by_allocation.iter().map(|work| work_view(input, work)).collect(),
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

fn earlier_allocations(earlier: &EarlierAllocations) -> EarlierAllocationsView {
    EarlierAllocationsView {
        count: earlier.count,
        period: date_range(earlier.first, earlier.last),
        totals: Totals::of(&earlier.hours),
    }
}

/// `1 January 2026 – 31 December 2027`, `from 1 January 2026`, or empty with no dates.
fn engagement_dates(input: &BookInput<'_>, record: &Engagement) -> String {
    match (record.start, record.end) {
        (Some(start), Some(end)) => date_range(start, end),
        (Some(start), None) => input.phrases.from_date(&long_date(start)),
        (None, Some(end)) => input.phrases.until_date(&long_date(end)),
        (None, None) => String::new(),
    }
}

/// An engagement's one-line title, or its name when its description has none.
fn engagement_title(record: &Engagement) -> String {
    let (title, _) = title_and_body(&record.description);
    if title.is_empty() {
        record.name.clone()
    } else {
        title
    }
}

fn earlier_engagement(input: &BookInput<'_>, work: &EngagementWork) -> EarlierEngagementView {
    let record = &input.dataset.engagements[work.engagement];
    EarlierEngagementView {
        name: record.name.clone(),
        title: engagement_title(record),
        period: engagement_dates(input, record),
        totals: Totals::of(&input.figures.engagements[work.engagement].hours),
        entries: work.entries,
        topics: work.topics.clone(),
    }
}

/// The sentences of what a community is asked to act on, in its words.
pub(super) fn asks(input: &BookInput<'_>, asks: &[Reason]) -> Result<Vec<String>> {
    asks.iter().map(|reason| input.phrases.community_reason(input.dataset, reason)).collect()
}

/// The page's context, from the community's month and its charts.
pub fn page(
    input: &BookInput<'_>,
    community: &CommunityMonth,
    paths: &CommunityPaths,
    charts: EngagementCharts,
) -> Result<EngagementPage> {
    let dataset = input.dataset;
    let id = community.engagement;
    let record = &dataset.engagements[id];
    let month = input.report.month;
    let (usable, coming) = allowance_lines(input, &community.allowance);
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
        engagement_title: engagement_title(record),
        period: engagement_dates(input, record),
        month: month_name(month),
        as_of: long_date(input.as_of),
        pulled_at: input.pulled_at.map(Moment::of),
        asks: asks(input, &community.asks)?,
        reported: community.reported,
        status: StatusView::new(input, &input.figures.engagements[id].status)?,
        usable,
        ended: community.ended.map(long_date),
        coming,
        providers: input.phrases.list(&community.allowance.providers),
        this_month: month_view(input, community),
        timeline_chart: charts.timeline,
        allocations: community
            .shown
            .iter()
            .map(|a| AllocationView { name: short(input, *a), ..allocation_view(input, *a) })
            .collect(),
        earlier: community.earlier_allocations.as_ref().map(earlier_allocations),
        totals: Totals::of(&community.hours),
        burn_charts: charts.burn_ups,
        report_burn_charts: charts.report_burn_ups,
        earlier_work: community.earlier_work.iter().map(|work| work_view(input, work)).collect(),
        earlier_engagements: community
            .earlier_engagements
            .iter()
            .map(|work| earlier_engagement(input, work))
            .collect(),
        projects: record.projects.iter().map(|project| project_view(input, *project)).collect(),
        contacts: contact_views(input, &community.contacts),
        history: input.phrases.reasons(dataset, &input.figures.engagements[id].status.history)?,
        outside_window: community
            .outside_window
            .iter()
            .map(|(activity, hours)| activity_view(input, *activity, *hours))
            .collect(),
        recent_activities: community
            .recent
            .listed
            .iter()
            .map(|(id, hours)| activity_view(input, *id, *hours))
            .collect(),
        recent_total: community.recent.total,
        recent_period: month_range(community.recent.from, community.recent.to),
        activity_count: community.activities.len(),
        team: team_view(input, &community.team, charts.team),
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

fn team_view(input: &BookInput<'_>, team: &TeamHours, chart: Option<FigureView>) -> TeamView {
    TeamView {
        rows: team
            .totals
            .iter()
            .map(|(member, hours)| TeamRow {
                member: input.dataset.team_member(*member).to_string(),
                hours: h_grouped(*hours),
            })
            .collect(),
        total: h_grouped(team.in_all),
        chart_period: match (team.months.first(), team.months.last()) {
            (Some(first), Some(last)) => month_range(*first, *last),
            _ => String::new(),
        },
        before_chart: h_grouped_or_blank(team.before_chart),
        chart,
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
    community: &CommunityMonth,
    paths: &CommunityPaths,
) -> Result<(Plan, EngagementCharts)> {
    let mut files = Plan::default();
    let timeline = match timeline_chart(input, community, paths)? {
        Some((path, svg, figure)) => {
            files.add(path, svg);
            Some(figure)
        }
        None => None,
    };
    let (mut burn_ups, mut report_burn_ups) = (Vec::new(), Vec::new());
    for (index, burn_up) in community.burn_ups.iter().enumerate() {
        let (path, svg, figure) = burn_chart(input, burn_up, index + 1, paths)?;
        files.add(path, svg);
        if burn_up.in_report {
            report_burn_ups.push(figure.clone());
        }
        burn_ups.push(figure);
    }
    let team = match team_chart(input, &community.team, paths)? {
        Some((path, svg, figure)) => {
            files.add(path, svg);
            Some(figure)
        }
        None => None,
    };
    Ok((files, EngagementCharts { timeline, burn_ups, report_burn_ups, team }))
}

fn timeline_bar(input: &BookInput<'_>, row: &TimelineRow, earlier: usize) -> Result<TimelineBar> {
    let label = match row.allocation {
        Some(id) => short(input, id),
        None => input.phrases.earlier_allocations(earlier)?,
    };
    Ok(TimelineBar {
        label,
        start: row.start,
        end: row.end,
        available: row.hours.available.as_f64(),
        used_by_day: row.used_by_day.iter().map(|(day, hours)| (*day, hours.as_f64())).collect(),
        left_now: row.hours.left_now.as_f64(),
        not_started: row.hours.not_started.as_f64(),
        expired: row.hours.expired.as_f64(),
        overruns: row.overruns.clone(),
    })
}

fn timeline_chart(
    input: &BookInput<'_>,
    community: &CommunityMonth,
    paths: &CommunityPaths,
) -> Result<Option<(String, String, FigureView)>> {
    let timeline = &community.timeline;
    if timeline.rows.is_empty() {
        return Ok(None);
    }
    let bars: Vec<TimelineBar> =
        timeline.rows.iter().map(|row| timeline_bar(input, row, timeline.earlier)).collect::<Result<_>>()?;
    let path = paths.timeline_chart();
    let facts = FigureFacts {
        kind: "timeline",
        first_month: month_name(Month::of(timeline.first)),
        last_month: month_name(Month::of(timeline.last)),
        months_over: timeline.earlier,
        overrun: timeline.rows.iter().any(|row| !row.overruns.is_empty()),
        end: long_date(input.as_of),
        left_out: h_grouped_or_blank(community.hours.outside),
        ..FigureFacts::default()
    };
    let figure = FigureView::new(path.clone(), input.phrases.figure(&facts)?);
    Ok(Some((path, charts::timeline_chart(&bars, input.as_of, input.phrases.chart_labels())?, figure)))
}

fn burn_chart(
    input: &BookInput<'_>,
    burn_up: &BurnUp,
    ordinal: usize,
    paths: &CommunityPaths,
) -> Result<(String, String, FigureView)> {
    let allocation = burn_up.allocation;
    let record = &input.dataset.allocations[allocation];
    let short = short(input, allocation);
    let burn = charts::BurnUp {
        allocation: &short,
        start: record.start,
        end: record.end,
        available: record.available.as_f64(),
        as_of: input.as_of,
        used_by_day: burn_up.used_by_day.iter().map(|(day, hours)| (*day, hours.as_f64())).collect(),
    };
    let path = paths.burn_chart(ordinal, &slugify(&record.name, 40));
    let figures = &input.figures.allocations[allocation];
    let facts = FigureFacts {
        kind: "burn-up",
        allocation: record.name.clone(),
        short_name: short.clone(),
        used: h_grouped(figures.hours.used),
        available: h_grouped(figures.hours.available),
        start: record.start.to_string(),
        end: record.end.to_string(),
        ..FigureFacts::default()
    };
    let figure = FigureView::new(path.clone(), input.phrases.figure(&facts)?);
    Ok((path, charts::burn_up_chart(&burn, input.phrases.chart_labels())?, figure))
}

fn team_chart(
    input: &BookInput<'_>,
    team: &TeamHours,
    paths: &CommunityPaths,
) -> Result<Option<(String, String, FigureView)>> {
    let (Some(first), Some(last)) = (team.months.first(), team.months.last()) else {
        return Ok(None);
    };
    let dataset = input.dataset;
    let members: Vec<(String, Vec<f64>)> = team
        .by_month
        .iter()
        .map(|(member, hours)| {
            (dataset.team_member(*member).to_string(), hours.iter().map(|h| h.as_f64()).collect())
        })
        .collect();
    let path = paths.team_chart();
    let names: Vec<&str> = members.iter().map(|(name, _)| name.as_str()).collect();
    let facts = FigureFacts {
        kind: "team-hours",
        first_month: month_name(*first),
        last_month: month_name(*last),
        members: names.join(", "),
        left_out: h_grouped_or_blank(team.before_chart),
        ..FigureFacts::default()
    };
    let figure = FigureView::new(path.clone(), input.phrases.figure(&facts)?);
    Ok(Some((path, charts::team_hours_chart(&team.months, &members, input.phrases.chart_labels())?, figure)))
}
