//! Sentences made from figures, each worded in one template: the reasons behind a status
//! (`templates/reasons.txt.j2`) and the captions and alternative texts of the charts
//! (`templates/figures.txt.j2`). The terminal, the JSON and the pages all take their wording
//! from here.

use anyhow::{Context, Result};
use serde::Serialize;

use super::codes::{reason_code, subject_code};
use super::format::{h, hours, long_date, short_name};
use crate::figures::findings::{Finding, Subject};
use crate::figures::status::{Audience, Part, Reason};
use crate::load::contacts::Role;
use crate::model::Dataset;
use crate::templates::{Engine, TemplateSet};

const REASONS: &str = "reasons.txt.j2";
const FIGURES: &str = "figures.txt.j2";
const CHART_LABELS: &str = "chart-labels.toml";
const LABELS: &str = "labels.toml";
const DOWNLOADS: &str = "downloads.toml";

/// The phrase templates, ready to render.
pub struct Phrases {
    engine: Engine,
    chart_labels: ChartLabels,
    labels: Labels,
    downloads: DownloadLabels,
}

/// The column headers of the CSV downloads, from `templates/downloads.toml`: each table's
/// headers in the order its columns are written.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DownloadLabels {
    pub yes: String,
    pub no: String,
    pub commitment: [String; 9],
    pub engagements: [String; 13],
    pub allocations: [String; 14],
    pub activities: [String; 6],
}

/// The words of `templates/labels.toml`.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Labels {
    status: StatusLabels,
    states: StateLabels,
    edits: EditLabels,
    joins: JoinLabels,
    roles: RoleLabels,
    pages: PageLabels,
}

/// An allocation's states as pages and the terminal name them.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct StateLabels {
    upcoming: String,
    active: String,
    completed: String,
}

/// The words that join names and dates (`[joins]`).
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct JoinLabels {
    and: String,
    from_date: String,
    until_date: String,
    days: String,
}

/// What became of a row between two exports.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct EditLabels {
    added: String,
    edited: String,
    deleted: String,
}

/// A contact's roles as pages name them.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RoleLabels {
    administrative: String,
    technical: String,
    billing: String,
}

/// The titles, headers and link labels of `[pages]` in `templates/labels.toml`; fill their
/// `{month}`, `{service}` and `{community}` with [`fill`].
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageLabels {
    pub community_report_subtitle: String,
    pub community_report_header: String,
    pub aggregated_report_title: String,
    pub aggregated_report_community: String,
    pub aggregated_report_header: String,
    pub allocations_download: String,
    pub activities_download: String,
    pub earlier_allocation: String,
    pub earlier_allocations: String,
}

/// A label with each `{name}` replaced by its value.
pub fn fill(label: &str, values: &[(&str, &str)]) -> String {
    values.iter().fold(label.to_string(), |text, (name, value)| text.replace(&format!("{{{name}}}"), value))
}

#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct StatusLabels {
    ended: String,
    on_track: String,
    at_risk: String,
    action_needed: String,
}

/// The words drawn inside the charts, from `templates/chart-labels.toml`.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChartLabels {
    pub hours: String,
    as_of: String,
    pub commitment_title: String,
    pub hours_per_working_day: String,
    pub fte: String,
    pub committed: String,
    pub committed_over_capacity: String,
    pub delivered: String,
    pub capacity: String,
    burn_up_title: String,
    available: String,
    pub even_pace: String,
    pub used: String,
    pub left_now: String,
    pub not_started: String,
    pub expired: String,
    pub overrun: String,
    pub usage_title: String,
    pub usage_axis: String,
    used_of: String,
    pub team_title: String,
    /// The months' short names, January first.
    months: [String; 12],
}

impl ChartLabels {
    /// `as of 31 Oct 2026`.
    pub fn as_of(&self, day: chrono::NaiveDate) -> String {
        self.as_of.replace("{date}", &day.format("%-d %b %Y").to_string())
    }

    /// `Available (40 h)`.
    pub fn available(&self, hours: f64) -> String {
        self.available.replace("{hours}", &super::format::hours(hours))
    }

    /// `57 of 68 h`.
    pub fn used_of(&self, used: f64, available: f64) -> String {
        self.used_of
            .replace("{used}", &super::format::hours_grouped(used))
            .replace("{available}", &super::format::hours_grouped(available))
    }

    /// `Mar 2026`: a month on a chart's axis.
    pub fn month(&self, month: crate::calendar::Month) -> String {
        format!("{} {}", self.months[month.month as usize - 1], month.year)
    }

    /// `Hours used: GPU pilot 2026`.
    pub fn burn_up_title(&self, allocation: &str) -> String {
        self.burn_up_title.replace("{allocation}", allocation)
    }
}

/// A reason's values, formatted for its sentence.
#[derive(Debug, Default, Serialize)]
struct ReasonValues {
    code: &'static str,
    allocation: String,
    allocation_short: String,
    /// The allocation's provider, when the reason is about an allocation that has one.
    provider: String,
    project: String,
    /// The project's name without its community's.
    project_short: String,
    used: String,
    available: String,
    forecast: String,
    expected: String,
    end: String,
    end_long: String,
    ended: String,
    ended_long: String,
    left: String,
    over: String,
    days: i64,
    activities: usize,
    hours: String,
    missing: Vec<&'static str>,
    ahead: bool,
    /// The providers of the allocations a finding is about, when known, each once.
    providers: Vec<String>,
    /// The allocations a finding is about, without the community's name.
    allocations: Vec<String>,
}

/// A finding's three texts for the internal action list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FindingTexts {
    pub sentence: String,
    pub owner: String,
    pub action: String,
}

/// What a chart's caption and alternative text say; `kind` picks the wording.
#[derive(Debug, Default, Clone, Serialize)]
pub struct FigureFacts {
    pub kind: &'static str,
    pub first_month: String,
    pub last_month: String,
    pub months_over: usize,
    pub hours_per_fte_day: String,
    pub allocation: String,
    pub short_name: String,
    pub used: String,
    pub available: String,
    pub start: String,
    pub end: String,
    pub members: String,
    /// Hours the chart does not draw (work outside the allocations' windows on a timeline,
    /// the months before the chart on the team chart); empty when none.
    pub left_out: String,
    /// Whether the chart draws hours used beyond those available.
    pub overrun: bool,
}

/// A chart's two texts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FigureTexts {
    pub alt: String,
    pub caption: String,
}

impl Phrases {
    pub fn new(templates: &TemplateSet) -> Result<Phrases> {
        let engine = Engine::builder(templates).build([REASONS, FIGURES])?;
        let chart_labels = toml::from_str(templates.text(CHART_LABELS))
            .with_context(|| format!("template {CHART_LABELS} is not valid"))?;
        let labels = toml::from_str(templates.text(LABELS))
            .with_context(|| format!("template {LABELS} is not valid"))?;
        let downloads = toml::from_str(templates.text(DOWNLOADS))
            .with_context(|| format!("template {DOWNLOADS} is not valid"))?;
        Ok(Phrases { engine, chart_labels, labels, downloads })
    }

    /// A status's name, as people read it.
    pub fn status_label(&self, status: crate::figures::status::Status) -> &str {
        use crate::figures::status::Status;
        let labels = &self.labels.status;
        match status {
            Status::Ended => &labels.ended,
            Status::OnTrack => &labels.on_track,
            Status::AtRisk => &labels.at_risk,
            Status::ActionNeeded => &labels.action_needed,
        }
    }

    /// An allocation's state, as people read it.
    pub fn state_label(&self, state: crate::figures::allocations::State) -> &str {
        use crate::figures::allocations::State;
        let labels = &self.labels.states;
        match state {
            State::Upcoming => &labels.upcoming,
            State::Active => &labels.active,
            State::Completed => &labels.completed,
        }
    }

    /// What became of a row between two exports, as people read it.
    pub fn edit_label(&self, kind: crate::figures::changes::EditKind) -> &str {
        use crate::figures::changes::EditKind;
        let labels = &self.labels.edits;
        match kind {
            EditKind::Added => &labels.added,
            EditKind::Edited => &labels.edited,
            EditKind::Deleted => &labels.deleted,
        }
    }

    /// `a`, `a and b`, `a, b and c`.
    pub fn list(&self, items: &[String]) -> String {
        match items {
            [] => String::new(),
            [only] => only.clone(),
            [rest @ .., last] => format!("{} {} {last}", rest.join(", "), self.labels.joins.and),
        }
    }

    /// An engagement's dates when it has only one of them: `from 1 January 2026`.
    pub fn from_date(&self, date: &str) -> String {
        fill(&self.labels.joins.from_date, &[("date", date)])
    }

    /// `until 31 December 2027`.
    pub fn until_date(&self, date: &str) -> String {
        fill(&self.labels.joins.until_date, &[("date", date)])
    }

    /// An activity's days: `2026-10-01 to 2026-10-03`.
    pub fn days(&self, first: &str, last: &str) -> String {
        fill(&self.labels.joins.days, &[("first", first), ("last", last)])
    }

    /// A contact's role, as pages name it.
    pub fn role_label(&self, role: Role) -> &str {
        let labels = &self.labels.roles;
        match role {
            Role::Administrative => &labels.administrative,
            Role::Technical => &labels.technical,
            Role::Billing => &labels.billing,
        }
    }

    /// `3 earlier allocations`: the timeline's row that sums them up.
    pub fn earlier_allocations(&self, count: usize) -> Result<String> {
        let pages = &self.labels.pages;
        let label = if count == 1 { &pages.earlier_allocation } else { &pages.earlier_allocations };
        Ok(fill(label, &[("count", &count.to_string())]))
    }

    pub fn page_labels(&self) -> &PageLabels {
        &self.labels.pages
    }

    pub fn download_labels(&self) -> &DownloadLabels {
        &self.downloads
    }

    pub fn chart_labels(&self) -> &ChartLabels {
        &self.chart_labels
    }

    fn render(&self, template: &str, context: &impl Serialize) -> Result<String> {
        Ok(self.engine.render(template, context)?.trim().to_string())
    }

    fn reason_part(
        &self,
        dataset: &Dataset,
        reason: &Reason,
        audience: Audience,
        part: &str,
    ) -> Result<String> {
        let context =
            ReasonContext { reason: reason_values(dataset, reason), merged: Vec::new(), audience, part };
        self.render(REASONS, &context)
    }

    /// A finding of the action list ([`crate::figures::findings`]): its sentence states what
    /// the rules merged into it found too; who acts names the provider when known.
    pub fn finding(&self, dataset: &Dataset, finding: &Finding) -> Result<FindingTexts> {
        let part = |part: &str| {
            let context = ReasonContext {
                reason: subject_values(dataset, &finding.subject),
                merged: finding.merged.iter().map(|subject| subject_values(dataset, subject)).collect(),
                audience: Audience::Internal,
                part,
            };
            self.render(REASONS, &context)
        };
        Ok(FindingTexts { sentence: part("sentence")?, owner: part("owner")?, action: part("action")? })
    }

    /// The sentence for one reason, in the team's words.
    pub fn reason(&self, dataset: &Dataset, reason: &Reason) -> Result<String> {
        self.reason_part(dataset, reason, Audience::Internal, "sentence")
    }

    /// The sentence for one reason in a community's report: what it can act on, in its words.
    pub fn community_reason(&self, dataset: &Dataset, reason: &Reason) -> Result<String> {
        self.reason_part(dataset, reason, Audience::Community, "sentence")
    }

    /// Who acts on a finding.
    pub fn owner(&self, dataset: &Dataset, reason: &Reason) -> Result<String> {
        self.reason_part(dataset, reason, Audience::Internal, "owner")
    }

    /// The suggested action for a finding.
    pub fn action(&self, dataset: &Dataset, reason: &Reason) -> Result<String> {
        self.reason_part(dataset, reason, Audience::Internal, "action")
    }

    /// A reason in a few words, for a table's cell.
    pub fn short_reason(&self, dataset: &Dataset, reason: &Reason) -> Result<String> {
        self.reason_part(dataset, reason, Audience::Internal, "short")
    }

    /// The sentences for some reasons, in order.
    pub fn reasons(&self, dataset: &Dataset, reasons: &[Reason]) -> Result<Vec<String>> {
        reasons.iter().map(|reason| self.reason(dataset, reason)).collect()
    }

    /// A chart's caption and alternative text.
    pub fn figure(&self, facts: &FigureFacts) -> Result<FigureTexts> {
        #[derive(Serialize)]
        struct Context<'a> {
            figure: &'a FigureFacts,
            part: &'static str,
        }
        Ok(FigureTexts {
            alt: self.render(FIGURES, &Context { figure: facts, part: "alt" })?,
            caption: self.render(FIGURES, &Context { figure: facts, part: "caption" })?,
        })
    }
}

/// What `templates/reasons.txt.j2` is given.
#[derive(Serialize)]
struct ReasonContext<'a> {
    reason: ReasonValues,
    /// What other rules found of the same condition: a finding's sentence states it too.
    merged: Vec<ReasonValues>,
    audience: Audience,
    part: &'a str,
}

fn subject_values(dataset: &Dataset, subject: &Subject) -> ReasonValues {
    let providers = |allocations: &[crate::model::AllocationId]| {
        let mut providers: Vec<String> = Vec::new();
        for provider in allocations.iter().filter_map(|id| dataset.allocations[*id].provider.as_ref()) {
            if !providers.contains(provider) {
                providers.push(provider.clone());
            }
        }
        providers
    };
    match subject {
        Subject::Reason(reason) => reason_values(dataset, reason),
        Subject::OutsideWindow { activities, allocations } => ReasonValues {
            code: subject_code(subject),
            activities: activities.len(),
            providers: providers(allocations),
            ..ReasonValues::default()
        },
        Subject::NoFeedback { allocations } => ReasonValues {
            code: subject_code(subject),
            allocations: allocations
                .iter()
                .map(|id| short_name(&dataset.allocations[*id].name, &dataset.engagement_of(*id).community))
                .collect(),
            providers: providers(allocations),
            ..ReasonValues::default()
        },
    }
}

/// The allocation a reason is about, if it is about one.
fn reason_allocation(reason: &Reason) -> Option<crate::model::AllocationId> {
    match reason {
        Reason::Overrun { allocation, .. }
        | Reason::PastOverrun { allocation, .. }
        | Reason::ForecastOverrun { allocation, .. }
        | Reason::NoProvider { allocation }
        | Reason::OffPace { allocation, .. } => Some(*allocation),
        _ => None,
    }
}

/// The codes of the parts a record lacks; the template words them.
fn missing(parts: &[Part]) -> Vec<&'static str> {
    parts
        .iter()
        .map(|part| match part {
            Part::StartDate => "start-date",
            Part::EndDate => "end-date",
            Part::Description => "description",
        })
        .collect()
}

fn reason_values(dataset: &Dataset, reason: &Reason) -> ReasonValues {
    let values = ReasonValues { code: reason_code(reason), ..ReasonValues::default() };
    let values = match reason_allocation(reason) {
        Some(id) => ReasonValues {
            allocation_short: short_name(&dataset.allocations[id].name, &dataset.engagement_of(id).community),
            provider: dataset.allocations[id].provider.clone().unwrap_or_default(),
            end_long: long_date(dataset.allocations[id].end),
            ..values
        },
        None => values,
    };
    let allocation = |id| dataset.allocations[id].name.clone();
    let project = |id| dataset.projects[id].name.clone();
    let project_short = |id: crate::model::ProjectId| {
        let project = &dataset.projects[id];
        short_name(&project.name, &dataset.engagements[project.engagement].community)
    };
    match reason {
        Reason::ActivitiesAfterEnd { activities, hours, ended } => ReasonValues {
            activities: *activities,
            hours: h(*hours),
            ended: ended.to_string(),
            ended_long: long_date(*ended),
            ..values
        },
        Reason::StillMarkedActive { ended } => {
            ReasonValues { ended: ended.to_string(), ended_long: long_date(*ended), ..values }
        }
        Reason::PastOverrun { allocation: id, used, available, ended } => ReasonValues {
            allocation: allocation(*id),
            used: h(*used),
            available: h(*available),
            ended: ended.to_string(),
            ..values
        },
        Reason::Overrun { allocation: id, used, available, .. } => ReasonValues {
            allocation: allocation(*id),
            used: h(*used),
            available: h(*available),
            over: h(*used - *available),
            ..values
        },
        Reason::ForecastOverrun { allocation: id, forecast, available, end, .. } => ReasonValues {
            allocation: allocation(*id),
            forecast: hours(*forecast),
            available: h(*available),
            end: end.to_string(),
            ..values
        },
        Reason::EngagementIncomplete { missing: parts } => ReasonValues { missing: missing(parts), ..values },
        Reason::NoProjects => values,
        Reason::ProjectIncomplete { project: id, missing: parts } => ReasonValues {
            project: project(*id),
            project_short: project_short(*id),
            missing: missing(parts),
            ..values
        },
        Reason::NoAllocations { project: id } => {
            ReasonValues { project: project(*id), project_short: project_short(*id), ..values }
        }
        Reason::NoProvider { allocation: id } => ReasonValues { allocation: allocation(*id), ..values },
        Reason::RenewalDue { end, days, .. } => {
            ReasonValues { end: end.to_string(), end_long: long_date(*end), days: *days, ..values }
        }
        Reason::OffPace { allocation: id, ahead, used, expected, left, .. } => ReasonValues {
            allocation: allocation(*id),
            ahead: *ahead,
            used: h(*used),
            expected: hours(*expected),
            left: h(*left),
            ..values
        },
    }
}
