//! The initiatives' presenter: GitHub issue drafts from the figures, beside `drafts/` (the
//! emails). A title that is unique and the same on every run, the labels, the due dates and a
//! body from `templates/initiative.md.j2`, escaped for GitHub Markdown. Pure: the command
//! prints or writes them.

use std::collections::BTreeMap;
use std::sync::Arc;

use anyhow::{bail, Result};
use chrono::NaiveDate;
use minijinja::value::Value;
use serde::Serialize;

pub(crate) mod github_markdown;
use crate::figures::initiatives::{drafted, due_dates, Drafted, DueDates, Stage};
use crate::figures::Figures;
use crate::hours::Hours;
use crate::load::contacts::Role;
use crate::model::{AllocationId, Dataset, IdVec};
use crate::present::format::{h_grouped, short_name, title_and_body};
use crate::site::slug::unique_slugs;
use crate::templates::{Engine, TemplateSet};

const BODY: &str = "initiative.md.j2";
const TITLE: &str = "initiative-title.txt.j2";

/// The label of every initiative.
const INITIATIVE_LABEL: &str = "initiative";
/// The label of an initiative whose allocation has no provider yet.
const NO_PROVIDER_LABEL: &str = "no-provider";
/// GitHub refuses labels longer than 50 characters.
const LABEL_LIMIT: usize = 50;
/// File names stay well under every file system's limit.
const FILE_STEM_LIMIT: usize = 100;

/// Every initiative drafted as of a date.
#[derive(Debug, Serialize)]
pub(crate) struct Drafts {
    pub(crate) as_of: NaiveDate,
    pub(crate) initiatives: Vec<Initiative>,
}

/// One initiative, ready for `gh issue create` or another tracker.
#[derive(Debug, Serialize)]
pub(crate) struct Initiative {
    /// Unique, and the same on every run: a script searches for it before creating the issue.
    pub(crate) title: String,
    /// The file its body is written to with `--out`.
    pub(crate) file: String,
    pub(crate) stage: Stage,
    pub(crate) labels: Vec<String>,
    pub(crate) due: DueDates,
    pub(crate) allocation: AllocationFacts,
    /// GitHub-flavoured Markdown.
    pub(crate) body: String,
}

/// The allocation an initiative belongs to, as named in the Airtable exports.
#[derive(Debug, Serialize)]
pub(crate) struct AllocationFacts {
    name: String,
    project: String,
    engagement: String,
    community: String,
    start: NaiveDate,
    end: NaiveDate,
    hours_available: Hours,
    /// `null` while nobody is assigned.
    provider: Option<String>,
}

/// The initiatives to draft as of `figures.as_of`, in order of their start dates.
pub(crate) fn drafts(
    dataset: &Dataset,
    figures: &Figures,
    wording: &Wording,
    organisation: &str,
) -> Result<Drafts> {
    let titles = unique_titles(dataset, wording)?;
    let drafter = Drafter {
        dataset,
        figures,
        wording,
        organisation,
        files: file_stems(dataset, &titles),
        titles,
        community_labels: community_labels(dataset),
    };
    let initiatives = drafted(dataset, figures)
        .into_iter()
        .map(|draft| drafter.initiative(draft))
        .collect::<Result<_>>()?;
    Ok(Drafts { as_of: figures.as_of, initiatives })
}

/// What every initiative is drafted from; titles and file names are those of every allocation.
struct Drafter<'a> {
    dataset: &'a Dataset,
    figures: &'a Figures,
    wording: &'a Wording,
    organisation: &'a str,
    titles: IdVec<AllocationId, String>,
    files: IdVec<AllocationId, String>,
    community_labels: BTreeMap<&'a str, String>,
}

impl Drafter<'_> {
    fn initiative(&self, draft: Drafted) -> Result<Initiative> {
        let id = draft.allocation;
        let allocation = &self.dataset.allocations[id];
        let due = due_dates(allocation.start, allocation.end, &self.figures.calendar);
        Ok(Initiative {
            title: self.titles[id].clone(),
            file: format!("{}.md", self.files[id]),
            stage: draft.stage,
            labels: self.labels(id),
            due,
            allocation: allocation_facts(self.dataset, id),
            body: self.wording.body(&body_context(self.dataset, id, &due, self.organisation))?,
        })
    }

    fn labels(&self, id: AllocationId) -> Vec<String> {
        let community = self.dataset.engagement_of(id).community.as_str();
        let mut labels = vec![INITIATIVE_LABEL.to_string(), self.community_labels[community].clone()];
        if self.dataset.allocations[id].provider.is_none() {
            labels.push(NO_PROVIDER_LABEL.to_string());
        }
        labels
    }
}

fn allocation_facts(dataset: &Dataset, id: AllocationId) -> AllocationFacts {
    let allocation = &dataset.allocations[id];
    let engagement = dataset.engagement_of(id);
    AllocationFacts {
        name: allocation.name.clone(),
        project: dataset.project_of(id).name.clone(),
        engagement: engagement.name.clone(),
        community: engagement.community.clone(),
        start: allocation.start,
        end: allocation.end,
        hours_available: allocation.available,
        provider: allocation.provider.clone(),
    }
}

/// What a title names.
#[derive(Serialize)]
struct TitleContext<'a> {
    community: &'a str,
    /// The project's name without the community's.
    project: String,
    allocation: &'a str,
    start: NaiveDate,
    end: NaiveDate,
    /// Another allocation would get the same title: this one must name the allocation.
    clash: bool,
}

fn title_context(dataset: &Dataset, id: AllocationId, clash: bool) -> TitleContext<'_> {
    let allocation = &dataset.allocations[id];
    let community = &dataset.engagement_of(id).community;
    TitleContext {
        community,
        project: short_name(&dataset.project_of(id).name, community),
        allocation: &allocation.name,
        start: allocation.start,
        end: allocation.end,
        clash,
    }
}

/// Every allocation's title, drafted or not, so that a title never depends on the date: the
/// plain title, or where two allocations would share it (the same project and window), the
/// title naming the allocation.
fn unique_titles(dataset: &Dataset, wording: &Wording) -> Result<IdVec<AllocationId, String>> {
    let plain: IdVec<AllocationId, String> = dataset
        .allocations
        .ids()
        .map(|id| wording.title(&title_context(dataset, id, false)))
        .collect::<Result<_>>()?;
    let uses = count(plain.iter());
    let titles: IdVec<AllocationId, String> = plain
        .iter_enumerated()
        .map(|(id, title)| match uses[title.as_str()] {
            1 => Ok(title.clone()),
            _ => wording.title(&title_context(dataset, id, true)),
        })
        .collect::<Result<_>>()?;
    if let Some((title, _)) = count(titles.iter()).into_iter().find(|(_, uses)| *uses > 1) {
        bail!(
            "the template {TITLE} gives two initiatives the title \"{title}\": when `clash` is true it must name the allocation"
        );
    }
    Ok(titles)
}

fn count<'a>(texts: impl Iterator<Item = &'a String>) -> BTreeMap<&'a str, usize> {
    let mut uses = BTreeMap::new();
    for text in texts {
        *uses.entry(text.as_str()).or_default() += 1;
    }
    uses
}

/// File names from the titles; two titles making the same slug each get a short hash of
/// their allocation's name, the same on every run.
fn file_stems(dataset: &Dataset, titles: &IdVec<AllocationId, String>) -> IdVec<AllocationId, String> {
    let entries = dataset
        .allocations
        .iter_enumerated()
        .map(|(id, allocation)| (titles[id].as_str(), allocation.name.as_str()));
    unique_slugs(entries, FILE_STEM_LIMIT).0.into_iter().collect()
}

/// One label per community (a community with several engagements shares it); two
/// communities making the same slug each get a short hash of their name.
fn community_labels(dataset: &Dataset) -> BTreeMap<&str, String> {
    let mut communities: Vec<&str> = dataset.engagements.iter().map(|e| e.community.as_str()).collect();
    communities.sort_unstable();
    communities.dedup();
    let (slugs, _) = unique_slugs(communities.iter().map(|community| (*community, *community)), LABEL_LIMIT);
    communities.into_iter().zip(slugs).collect()
}

/// What the body says. Text from the data is escaped where it lands; the values the tool
/// formats itself (dates, hours) hold no markup and go in as they are, so the Markdown stays
/// readable.
#[derive(Serialize)]
struct BodyContext<'a> {
    organisation: &'a str,
    community: &'a str,
    project: String,
    /// The first line of the project's description (or its name when it has none).
    project_title: String,
    /// The rest of the description: the objectives and intended outcome.
    outcome: String,
    /// The SoW phrase, "Up to N hours / quarter by …".
    capacity: &'a str,
    allocation: &'a str,
    hours: Value,
    start: Value,
    end: Value,
    provider: Option<&'a str>,
    /// How many Technical contacts the engagement has (their names stay in Airtable).
    technical_contacts: usize,
    due: DueView,
}

/// The due dates as the body shows them.
#[derive(Serialize)]
struct DueView {
    refinement: Value,
    introduction_email: Value,
    reporting_from: Value,
    reporting: Value,
}

/// A value formatted by the tool, not typed by a person: shown as it is.
fn formatted(value: impl std::fmt::Display) -> Value {
    Value::from_safe_string(value.to_string())
}

fn body_context<'a>(
    dataset: &'a Dataset,
    id: AllocationId,
    due: &DueDates,
    organisation: &'a str,
) -> BodyContext<'a> {
    let allocation = &dataset.allocations[id];
    let project = dataset.project_of(id);
    let community = &dataset.engagement_of(id).community;
    let project_name = short_name(&project.name, community);
    let (title, outcome) = title_and_body(&project.description);
    BodyContext {
        organisation,
        community,
        project_title: if title.is_empty() { project_name.clone() } else { title },
        project: project_name,
        outcome,
        capacity: &project.capacity,
        allocation: &allocation.name,
        hours: formatted(h_grouped(allocation.available)),
        start: formatted(allocation.start),
        end: formatted(allocation.end),
        provider: allocation.provider.as_deref(),
        technical_contacts: dataset.contacts_with_role(allocation.engagement, Role::Technical).count(),
        due: DueView {
            refinement: formatted(due.refinement),
            introduction_email: formatted(due.introduction_email),
            reporting_from: formatted(due.reporting_from),
            reporting: formatted(due.reporting),
        },
    }
}

/// The title and body templates. In the body (`.md.j2`) every value is escaped for GitHub
/// Markdown and `|block` keeps a value's lines; the title is plain text on one line.
pub(crate) struct Wording {
    engine: Engine,
}

impl Wording {
    pub(crate) fn new(templates: &TemplateSet) -> Result<Wording> {
        let engine = Engine::builder(templates)
            .escape(".md.j2", Arc::new(|text| github_markdown::inline(text).into()))
            .with(|env| {
                env.add_filter("block", |text: String| {
                    Value::from_safe_string(github_markdown::block(&text))
                });
            })
            .build([BODY, TITLE])?;
        Ok(Wording { engine })
    }

    fn render(&self, name: &str, context: &impl Serialize) -> Result<String> {
        self.engine.render(name, context)
    }

    /// One line, spaces collapsed: a title must match exactly when a script searches for it.
    fn title(&self, context: &TitleContext<'_>) -> Result<String> {
        Ok(self.render(TITLE, context)?.split_whitespace().collect::<Vec<_>>().join(" "))
    }

    /// The body, ending with one line break.
    fn body(&self, context: &BodyContext<'_>) -> Result<String> {
        Ok(format!("{}\n", self.render(BODY, context)?.trim_end()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::slug::slugify;

    #[test]
    fn file_names_come_from_titles() {
        assert_eq!(
            slugify(
                "[CES] Río Claro Data & Society · Open data clinics · 2026-10-01 – 2026-12-31",
                FILE_STEM_LIMIT
            ),
            "ces-rio-claro-data-society-open-data-clinics-2026-10-01-2026-12-31"
        );
    }
}
