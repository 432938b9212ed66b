//! A check-in brief's folder (seed 000): the page Business Development reads before a
//! community check-in, for the site and for its PDF, with its quarter chart, the PDF's small
//! MyST project and the template assets. Built from one engagement's [`Brief`] and records
//! only. The brief is internal: it shows every status reason in the team's words, the
//! suggested actions and the team's own activity descriptions, but never a Billing contact.

use anyhow::Result;
use chrono::NaiveDate;
use serde::Serialize;

use super::charts::{self, QuarterBar};
use super::engagement::{contact_views, ContactView, TeamRow};
use super::layout::{self, BriefPaths};
use super::overview::{money_amount, score_row, ScoreRow};
use super::project::PdfExport;
use super::views::{FigureView, StatusView};
use super::BookInput;
use crate::calendar::Month;
use crate::figures::brief::Brief;
use crate::figures::findings::Finding;
use crate::figures::status::FindingKind;
use crate::file_plan::Plan;
use crate::model::EngagementId;
use crate::pages::{Renderer, Target};
use crate::present::format::Totals;
use crate::present::format::{
    date_range, h_grouped, long_date, month_name, month_range, percent, title_and_body,
};
use crate::present::FigureFacts;
use crate::templates::TemplateSet;

/// The page template, for the site (`brief.md`) and the PDF alike.
const TEMPLATE: &str = "brief.md.j2";

#[derive(Debug, Clone, Serialize)]
pub struct BriefPage {
    pub organisation: String,
    pub service: String,
    /// The community: the page's title.
    pub title: String,
    pub community: String,
    /// The engagement's name in Airtable.
    pub name: String,
    /// Its one-line title (the first line of its description).
    pub engagement_title: String,
    /// Its Status in Airtable (`Active`, `Closed-Won`, …).
    pub recorded_status: String,
    /// `1 April 2025 – 31 March 2027`, when both dates are known.
    pub period: String,
    /// `1 April 2025`, or empty when unknown.
    pub start: String,
    pub end: String,
    pub as_of: String,
    pub renewal: RenewalView,
    pub agreement: String,
    pub projects: Vec<ProjectLine>,
    pub contacts: Vec<ContactView>,
    /// What the community told the feedback form since its engagement began, with the scale;
    /// `None` without `feedback.csv`.
    pub feedback: Option<ScoreRow>,
    pub feedback_scale: String,
    pub totals: Totals,
    /// The hours delivered over the whole engagement: used, and outside the allocations' dates.
    pub delivered: String,
    /// How many activities count, and the dates of the first and the latest.
    pub entries: usize,
    pub first_activity: String,
    pub last_activity: String,
    pub quarter_chart: Option<FigureView>,
    pub quarters: Vec<QuarterLine>,
    pub team: Vec<TeamRow>,
    pub topics: Vec<TopicView>,
    pub busiest: Vec<MonthLine>,
    /// Runs of quiet months: `June – August 2025`.
    pub quiet: Vec<String>,
    /// The contract value and its revenue per hour delivered, without the currency (empty
    /// when Airtable records no value), and the currency.
    pub contract_value: String,
    pub revenue_per_hour: String,
    pub currency: String,
    /// The latest activity that was contact with the community (a call, a meeting), or empty.
    pub last_contact: String,
    /// Hours left to use now, per use-by date, soonest first.
    pub left_now: Vec<LeftNowView>,
    /// The status with every reason, in the team's words.
    pub status: StatusView,
    /// The commercial findings (renewal due, overrun, work past the contract), for Business
    /// Development, first in the brief.
    pub commercial: Vec<FindingView>,
    /// Deliverables of projects whose hours expired: a commercial question too.
    pub deliverables: Vec<DeliverableView>,
    /// The other findings (delivery, data), each once.
    pub findings: Vec<FindingView>,
    /// Overruns too old to count against the status.
    pub history: Vec<String>,
    /// Prefix from the page to the folder's root.
    pub root: String,
    /// The site page (`brief.md`); false in the PDF.
    pub site: bool,
}

/// How far the engagement's end is: `state` is `ahead`, `today`, `ended` or `unknown` (no end
/// date); `days` counts calendar days either way.
#[derive(Debug, Clone, Serialize)]
pub struct RenewalView {
    pub state: &'static str,
    pub days: i64,
    pub date: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProjectLine {
    pub title: String,
    pub capacity: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct QuarterLine {
    pub quarter: String,
    pub hours: String,
    pub to_date: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct TopicView {
    pub name: String,
    pub hours: String,
    /// Its share of the hours delivered: `48%`.
    pub share: String,
    pub entries: usize,
    pub examples: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct MonthLine {
    pub month: String,
    pub hours: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct FindingView {
    pub sentence: String,
    pub owner: String,
    pub action: String,
    /// The day it started, or empty when unknown.
    pub since: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct LeftNowView {
    pub hours: String,
    pub use_by: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct DeliverableView {
    /// The project's title (its description's first line), or its name.
    pub project: String,
    pub deliverable: String,
    pub expired: String,
    pub ended: String,
}

/// A brief's files, and the PDF its project makes.
pub struct BriefFolder {
    pub plan: Plan,
    pub pdf: PdfExport,
}

/// Everything in a brief's folder (its PDF is built from it later).
pub fn folder(
    input: &BookInput<'_>,
    brief: &Brief,
    paths: &BriefPaths,
    templates: &TemplateSet,
) -> Result<BriefFolder> {
    let mut plan = Plan::default();
    let chart = match quarter_chart(input, brief, paths)? {
        Some((svg, figure)) => {
            plan.add(paths.quarters_chart, svg);
            Some(figure)
        }
        None => None,
    };
    let site = Renderer::new(templates, Target::Site)?;
    let mut page = page(input, brief, chart, paths)?;
    plan.add(paths.page, site.render(TEMPLATE, &page)?);
    let pdf = export(input, brief.engagement, paths);
    page.site = false;
    page.root = pdf.root.clone();
    plan.add(pdf.article.clone(), Renderer::new(templates, Target::Pdf)?.render(TEMPLATE, &page)?);
    plan.add(format!("{}/myst.yml", pdf.project_folder()), pdf_project(input, &pdf, &site)?);
    for (path, text) in templates.assets() {
        plan.add(format!("{}/{path}", layout::TEMPLATES), text);
    }
    for (name, bytes) in charts::pdf_fonts() {
        plan.add(format!("{}/{name}", layout::FONTS), bytes);
    }
    plan.add(layout::PROVENANCE, format!("{}\n", serde_json::to_string_pretty(&input.provenance)?));
    Ok(BriefFolder { plan, pdf })
}

fn page(
    input: &BookInput<'_>,
    brief: &Brief,
    quarter_chart: Option<FigureView>,
    paths: &BriefPaths,
) -> Result<BriefPage> {
    let dataset = input.dataset;
    let record = &dataset.engagements[brief.engagement];
    let figures = &input.figures.engagements[brief.engagement];
    let (engagement_title, _) = title_and_body(&record.description);
    let status = &figures.status;
    Ok(BriefPage {
        organisation: input.settings.organisation.clone(),
        service: input.settings.service_name.clone(),
        title: record.community.clone(),
        community: record.community.clone(),
        name: record.name.clone(),
        engagement_title: if engagement_title.is_empty() { record.name.clone() } else { engagement_title },
        recorded_status: record.status.clone(),
        period: match (record.start, record.end) {
            (Some(start), Some(end)) => date_range(start, end),
            _ => String::new(),
        },
        start: record.start.map(long_date).unwrap_or_default(),
        end: record.end.map(long_date).unwrap_or_default(),
        as_of: long_date(input.as_of),
        renewal: renewal(record.end, brief.days_to_renewal),
        agreement: record.agreement.clone(),
        projects: record
            .projects
            .iter()
            .map(|id| {
                let project = &dataset.projects[*id];
                let (title, _) = title_and_body(&project.description);
                ProjectLine {
                    title: if title.is_empty() { project.name.clone() } else { title },
                    capacity: project.capacity.clone(),
                }
            })
            .collect(),
        contacts: contact_views(input, &brief.contacts),
        feedback: brief.feedback.as_ref().map(|score| score_row(String::new(), score)),
        feedback_scale: super::overview::score_scale(&input.settings.feedback),
        totals: Totals::of(&figures.hours),
        delivered: h_grouped(brief.delivered),
        entries: brief.entries,
        first_activity: brief.first_activity.map(long_date).unwrap_or_default(),
        last_activity: brief.last_activity.map(long_date).unwrap_or_default(),
        quarter_chart,
        quarters: brief
            .quarters
            .iter()
            .map(|q| QuarterLine {
                quarter: q.quarter.to_string(),
                hours: h_grouped(q.hours),
                to_date: !q.complete,
            })
            .collect(),
        team: brief
            .by_member
            .iter()
            .map(|(member, hours)| TeamRow {
                member: dataset.team_member(*member).to_string(),
                hours: h_grouped(*hours),
            })
            .collect(),
        topics: brief
            .topics
            .iter()
            .map(|topic| TopicView {
                name: topic.name.clone(),
                hours: h_grouped(topic.hours),
                share: share(topic.hours.as_f64(), brief.delivered.as_f64()),
                entries: topic.entries,
                examples: topic.examples.clone(),
            })
            .collect(),
        busiest: brief
            .busiest
            .iter()
            .map(|(month, hours)| MonthLine { month: month_name(*month), hours: h_grouped(*hours) })
            .collect(),
        quiet: month_runs(&brief.quiet).into_iter().map(|(first, last)| month_range(first, last)).collect(),
        contract_value: brief.contract_value.map(money_amount).unwrap_or_default(),
        revenue_per_hour: brief.revenue_per_hour.map(money_amount).unwrap_or_default(),
        currency: input.settings.currency.clone(),
        last_contact: brief.last_contact.map(long_date).unwrap_or_default(),
        left_now: brief
            .left_now
            .iter()
            .map(|(use_by, hours)| LeftNowView { hours: h_grouped(*hours), use_by: long_date(*use_by) })
            .collect(),
        status: StatusView::new(input, status)?,
        commercial: finding_views(input, &brief.findings, true)?,
        deliverables: brief
            .expired_deliverables
            .iter()
            .map(|d| {
                let project = &dataset.projects[d.project];
                let (title, _) = title_and_body(&project.description);
                DeliverableView {
                    project: if title.is_empty() { project.name.clone() } else { title },
                    deliverable: d.deliverable.clone(),
                    expired: h_grouped(d.expired),
                    ended: long_date(d.ended),
                }
            })
            .collect(),
        findings: finding_views(input, &brief.findings, false)?,
        history: input.phrases.reasons(dataset, &status.history)?,
        root: layout::root_of(paths.page),
        site: true,
    })
}

/// The findings of one kind group, commercial (`true`) or the others, in the team's words.
fn finding_views(input: &BookInput<'_>, all: &[Finding], commercial: bool) -> Result<Vec<FindingView>> {
    all.iter()
        .filter(|finding| (finding.kind == FindingKind::Commercial) == commercial)
        .map(|finding| {
            let texts = input.phrases.finding(input.dataset, finding)?;
            Ok(FindingView {
                sentence: texts.sentence,
                owner: texts.owner,
                action: texts.action,
                since: finding.since.map(long_date).unwrap_or_default(),
            })
        })
        .collect()
}

fn renewal(end: Option<NaiveDate>, days: Option<i64>) -> RenewalView {
    let date = end.map(long_date).unwrap_or_default();
    let state = match days {
        None => "unknown",
        Some(0) => "today",
        Some(days) if days > 0 => "ahead",
        Some(_) => "ended",
    };
    RenewalView { state, days: days.unwrap_or_default().abs(), date }
}

/// `48%` of the whole, or `–` when there is nothing to share.
fn share(part: f64, whole: f64) -> String {
    if whole > 0.0 {
        percent(part / whole * 100.0)
    } else {
        "–".to_string()
    }
}

/// Consecutive months as (first, last) runs, in order.
fn month_runs(months: &[Month]) -> Vec<(Month, Month)> {
    let mut runs: Vec<(Month, Month)> = Vec::new();
    for month in months {
        match runs.last_mut() {
            Some((_, last)) if last.next() == *month => *last = *month,
            _ => runs.push((*month, *month)),
        }
    }
    runs
}

/// The quarter chart and its caption, when there is at least one quarter.
fn quarter_chart(
    input: &BookInput<'_>,
    brief: &Brief,
    paths: &BriefPaths,
) -> Result<Option<(String, FigureView)>> {
    let (Some(first), Some(last)) = (brief.quarters.first(), brief.quarters.last()) else {
        return Ok(None);
    };
    let bars: Vec<QuarterBar> = brief
        .quarters
        .iter()
        .map(|q| QuarterBar { label: q.quarter.to_string(), hours: q.hours.as_f64(), to_date: !q.complete })
        .collect();
    let facts = FigureFacts {
        kind: "quarters",
        first_month: first.quarter.to_string(),
        last_month: last.quarter.to_string(),
        used: h_grouped(brief.delivered),
        end: if last.complete { String::new() } else { long_date(input.as_of) },
        ..FigureFacts::default()
    };
    let figure = FigureView::new(paths.quarters_chart.to_string(), input.phrases.figure(&facts)?);
    Ok(Some((charts::quarter_hours_chart(&bars)?, figure)))
}

/// The period the brief covers, for the PDF's title block: from the engagement's start (or
/// its first activity) to the as-of date, or to its end when that came first.
fn covered_period(input: &BookInput<'_>, engagement: EngagementId) -> String {
    let record = &input.dataset.engagements[engagement];
    let until = record.end.map_or(input.as_of, |end| end.min(input.as_of));
    match record.start {
        Some(start) if start <= until => date_range(start, until),
        _ => String::new(),
    }
}

fn export(input: &BookInput<'_>, engagement: EngagementId, paths: &BriefPaths) -> PdfExport {
    let community = &input.dataset.engagements[engagement].community;
    PdfExport::new(
        "check-in-brief".to_string(),
        paths.pdf.clone(),
        paths.pdf_project.to_string(),
        (community.clone(), community.clone(), community),
        covered_period(input, engagement),
        input.as_of,
    )
}

/// The PDF's own `myst.yml`, from the same template as the book's PDF projects.
fn pdf_project(input: &BookInput<'_>, export: &PdfExport, site: &Renderer) -> Result<String> {
    #[derive(Serialize)]
    struct PdfProject<'a> {
        organisation: &'a str,
        service: &'a str,
        export: &'a PdfExport,
    }
    let project = PdfProject {
        organisation: &input.settings.organisation,
        service: &input.settings.service_name,
        export,
    };
    site.render("pdf-project.yml.j2", &project)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn month(text: &str) -> Month {
        Month::parse(text).unwrap()
    }

    #[test]
    fn quiet_months_read_as_runs() {
        let months =
            [month("2025-06"), month("2025-07"), month("2025-08"), month("2025-12"), month("2026-01")];
        let runs: Vec<String> =
            month_runs(&months).into_iter().map(|(first, last)| month_range(first, last)).collect();
        assert_eq!(runs, ["June – August 2025", "December 2025 – January 2026"]);
        assert!(month_runs(&[]).is_empty());
    }

    #[test]
    fn renewal_reads_ahead_today_ended_or_unknown() {
        let end = NaiveDate::from_ymd_opt(2027, 3, 31);
        assert_eq!(renewal(end, Some(151)).state, "ahead");
        assert_eq!(renewal(end, Some(0)).state, "today");
        let ended = renewal(end, Some(-61));
        assert_eq!((ended.state, ended.days, ended.date.as_str()), ("ended", 61, "31 March 2027"));
        assert_eq!(renewal(None, None).state, "unknown");
    }
}
