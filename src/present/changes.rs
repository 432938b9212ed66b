//! What changed since the last meeting, formatted once for the terminal, the dashboard page and
//! the aggregated report's section (`templates/changes.txt.j2`, `changes.md.j2`): every list of
//! [`Changes`] with the names a reader knows, the hours and dates as people write them.

use anyhow::Result;
use serde::Serialize;

use super::codes::status_slug;
use super::format::{date_range, h_grouped, long_date};
use super::Phrases;
use crate::figures::changes::{Changes, Table};
use crate::figures::communities::Community;
use crate::figures::findings::Finding;
use crate::figures::status::Status;
use crate::model::{AllocationId, CommunityId, Dataset, EngagementId, IdVec};

/// Both sides of the comparison: `before` for what went, `now` for everything else.
pub struct ChangesInput<'a> {
    pub before: &'a Dataset,
    pub now: &'a Dataset,
    pub changes: &'a Changes,
    /// The communities of `now`, which the logged hours are summed by.
    pub communities: &'a IdVec<CommunityId, Community>,
    pub phrases: &'a Phrases,
    /// A community page's path from the book root, for links (empty in the terminal).
    pub page: &'a dyn Fn(EngagementId) -> String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ChangesView {
    /// `17 October 2026`.
    pub since: String,
    pub as_of: String,
    pub next_meeting: String,
    pub headline: Headline,
    pub statuses: Vec<StatusChangeView>,
    pub new_findings: Vec<FindingView>,
    pub resolved_findings: Vec<FindingView>,
    pub logged: String,
    pub logged_by_community: Vec<HoursRow>,
    pub logged_by_member: Vec<HoursRow>,
    pub late: Vec<LateView>,
    pub started: Vec<AllocationLine>,
    pub ended: Vec<AllocationLine>,
    pub starting_soon: Vec<AllocationLine>,
    pub entered_renewal: Vec<EngagementLine>,
    pub contracts_ended: Vec<EngagementLine>,
    /// From two exports: the rows that differ. `None` from one export, which cannot say.
    pub edits: Option<Vec<EditView>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Headline {
    pub turned_red: usize,
    pub back_to_green: usize,
    pub new_findings: usize,
    pub resolved_findings: usize,
    pub logged: String,
    pub without_provider: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct StatusChangeView {
    pub community: String,
    pub page: String,
    pub before: String,
    pub before_slug: &'static str,
    pub after: String,
    pub after_slug: &'static str,
    pub appeared: Vec<String>,
    pub went: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FindingView {
    pub community: String,
    pub page: String,
    pub sentence: String,
    pub owner: String,
    pub since: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct HoursRow {
    pub name: String,
    pub hours: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct LateView {
    pub allocation: String,
    pub member: String,
    pub hours: String,
    pub ended: String,
    pub logged: String,
    pub days: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct AllocationLine {
    pub name: String,
    pub community: String,
    pub page: String,
    pub dates: String,
    pub hours: String,
    pub provider: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct EngagementLine {
    pub community: String,
    pub page: String,
    pub end: String,
    /// Its Status in Airtable, for a contract that ended: still `Active` is a finding.
    pub recorded_status: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct EditView {
    /// `engagements.csv`.
    pub file: &'static str,
    pub row: String,
    /// Added, edited or deleted, in `templates/labels.toml`'s words.
    pub kind: String,
    pub line: u64,
}

impl ChangesView {
    pub fn new(input: &ChangesInput<'_>) -> Result<ChangesView> {
        let changes = input.changes;
        let (now, phrases) = (input.now, input.phrases);
        let allocation_lines =
            |ids: &[AllocationId]| ids.iter().map(|id| allocation_line(input, *id)).collect();
        let engagement_lines = |ids: &[EngagementId]| {
            ids.iter()
                .map(|id| {
                    let engagement = &now.engagements[*id];
                    EngagementLine {
                        community: engagement.community.clone(),
                        page: (input.page)(*id),
                        end: engagement.end.map(long_date).unwrap_or_default(),
                        recorded_status: engagement.status.clone(),
                    }
                })
                .collect()
        };
        let logged = &changes.logged;
        Ok(ChangesView {
            since: long_date(changes.since),
            as_of: long_date(changes.as_of),
            next_meeting: long_date(changes.next_meeting),
            headline: Headline {
                turned_red: changes.turned_red,
                back_to_green: changes.back_to_green,
                new_findings: changes.new_findings.len(),
                resolved_findings: changes.resolved_findings.len(),
                logged: h_grouped(logged.hours),
                without_provider: changes.without_provider.len(),
            },
            statuses: changes
                .statuses
                .iter()
                .map(|change| {
                    Ok(StatusChangeView {
                        community: now.engagements[change.engagement].community.clone(),
                        page: (input.page)(change.engagement),
                        before: status_label(phrases, change.before),
                        before_slug: status_slug(change.before),
                        after: status_label(phrases, change.after),
                        after_slug: status_slug(change.after),
                        appeared: phrases.reasons(now, &change.appeared)?,
                        went: phrases.reasons(input.before, &change.went)?,
                    })
                })
                .collect::<Result<_>>()?,
            new_findings: finding_views(input, now, &changes.new_findings, true)?,
            resolved_findings: finding_views(input, input.before, &changes.resolved_findings, false)?,
            logged: h_grouped(logged.hours),
            logged_by_community: logged
                .by_community
                .iter()
                .map(|(id, hours)| HoursRow {
                    name: input.communities[*id].name.clone(),
                    hours: h_grouped(*hours),
                })
                .collect(),
            logged_by_member: logged
                .by_member
                .iter()
                .map(|(id, hours)| HoursRow {
                    name: now.team_member(*id).to_string(),
                    hours: h_grouped(*hours),
                })
                .collect(),
            late: logged
                .late
                .iter()
                .map(|(id, days)| {
                    let activity = &now.activities[*id];
                    LateView {
                        allocation: now.allocations[activity.allocation].name.clone(),
                        member: now.team_member(activity.team_member).to_string(),
                        hours: h_grouped(activity.units),
                        ended: long_date(activity.end),
                        logged: activity.created.map(long_date).unwrap_or_default(),
                        days: *days,
                    }
                })
                .collect(),
            started: allocation_lines(&changes.started),
            ended: allocation_lines(&changes.ended),
            starting_soon: allocation_lines(&changes.starting_soon),
            entered_renewal: engagement_lines(&changes.entered_renewal),
            contracts_ended: engagement_lines(&changes.contracts_ended),
            edits: changes.edits.as_ref().map(|edits| {
                edits
                    .iter()
                    .map(|edit| EditView {
                        file: table_file(edit.table),
                        row: edit.row.clone(),
                        kind: phrases.edit_label(edit.kind).to_string(),
                        line: edit.line,
                    })
                    .collect()
            }),
        })
    }
}

fn status_label(phrases: &Phrases, status: Status) -> String {
    phrases.status_label(status).to_string()
}

fn finding_views(
    input: &ChangesInput<'_>,
    dataset: &Dataset,
    list: &[Finding],
    linked: bool,
) -> Result<Vec<FindingView>> {
    list.iter()
        .map(|finding| {
            let texts = input.phrases.finding(dataset, finding)?;
            Ok(FindingView {
                community: dataset.engagements[finding.engagement].community.clone(),
                page: if linked { (input.page)(finding.engagement) } else { String::new() },
                sentence: texts.sentence,
                owner: texts.owner,
                since: finding.since.map(long_date).unwrap_or_default(),
            })
        })
        .collect()
}

fn allocation_line(input: &ChangesInput<'_>, id: AllocationId) -> AllocationLine {
    let allocation = &input.now.allocations[id];
    AllocationLine {
        name: allocation.name.clone(),
        community: input.now.engagement_of(id).community.clone(),
        page: (input.page)(allocation.engagement),
        dates: date_range(allocation.start, allocation.end),
        hours: h_grouped(allocation.available),
        provider: allocation.provider.clone(),
    }
}

/// The file a table is exported as.
pub fn table_file(table: Table) -> &'static str {
    match table {
        Table::Engagements => "engagements.csv",
        Table::Projects => "projects.csv",
        Table::Allocations => "allocations.csv",
        Table::Activities => "activities.csv",
    }
}
