//! `changes`' two faces: text for the meeting's notes (`templates/changes.txt.j2`, from the same
//! view as the dashboard page), JSON for programs. Field names are a contract.

use anyhow::Result;
use chrono::NaiveDate;
use serde::Serialize;

use crate::figures::changes::Changes;
use crate::figures::findings::Finding;
use crate::figures::status::Status;
use crate::hours::Hours;
use crate::model::{AllocationId, Dataset, EngagementId};
use crate::present::changes::{table_file, ChangesInput, ChangesView};
use crate::present::codes::{edit_code, subject_code};
use crate::present::terminal::CHANGES;
use crate::present::{Phrases, Terminal};
use crate::settings::Settings;
use crate::summary::json::{reasons, ReasonJson};

#[derive(Serialize)]
struct TextView<'a> {
    organisation: &'a str,
    service: &'a str,
    c: ChangesView,
}

pub(crate) fn text(input: &ChangesInput<'_>, terminal: &Terminal, settings: &Settings) -> Result<String> {
    let view = TextView {
        organisation: &settings.organisation,
        service: &settings.service_name,
        c: ChangesView::new(input)?,
    };
    terminal.render(CHANGES, &view)
}

#[derive(Serialize)]
pub(crate) struct ChangesJson<'a> {
    since: NaiveDate,
    as_of: NaiveDate,
    next_meeting: NaiveDate,
    headline: Headline,
    statuses: Vec<StatusJson<'a>>,
    new_findings: Vec<FindingJson<'a>>,
    resolved_findings: Vec<FindingJson<'a>>,
    logged: LoggedJson<'a>,
    started: Vec<AllocationJson<'a>>,
    ended: Vec<AllocationJson<'a>>,
    /// Allocations starting after the as-of date up to the next meeting.
    starting_soon: Vec<AllocationJson<'a>>,
    entered_renewal: Vec<EngagementJson<'a>>,
    contracts_ended: Vec<EngagementJson<'a>>,
    /// Rows that differ between two exports; null from one export, which cannot know them.
    edits: Option<Vec<EditJson<'a>>>,
}

#[derive(Serialize)]
struct Headline {
    turned_red: usize,
    back_to_green: usize,
    new_findings: usize,
    resolved_findings: usize,
    hours_logged: Hours,
    starting_without_provider: usize,
}

#[derive(Serialize)]
struct StatusJson<'a> {
    engagement: &'a str,
    community: &'a str,
    before: Status,
    after: Status,
    appeared: Vec<ReasonJson>,
    went: Vec<ReasonJson>,
}

#[derive(Serialize)]
struct FindingJson<'a> {
    engagement: &'a str,
    community: &'a str,
    code: &'static str,
    sentence: String,
    owner: String,
    action: String,
    since: Option<NaiveDate>,
}

#[derive(Serialize)]
struct LoggedJson<'a> {
    hours: Hours,
    by_community: Vec<NamedHours<'a>>,
    by_member: Vec<NamedHours<'a>>,
    late: Vec<LateJson<'a>>,
}

#[derive(Serialize)]
struct NamedHours<'a> {
    name: &'a str,
    hours: Hours,
}

#[derive(Serialize)]
struct LateJson<'a> {
    /// Its line in activities.csv.
    line: u32,
    allocation: &'a str,
    member: &'a str,
    hours: Hours,
    end: NaiveDate,
    created: Option<NaiveDate>,
    days_late: i64,
}

#[derive(Serialize)]
struct AllocationJson<'a> {
    allocation: &'a str,
    engagement: &'a str,
    start: NaiveDate,
    end: NaiveDate,
    available: Hours,
    provider: Option<&'a str>,
}

#[derive(Serialize)]
struct EngagementJson<'a> {
    engagement: &'a str,
    community: &'a str,
    end: Option<NaiveDate>,
    /// Its Status in Airtable.
    recorded_status: &'a str,
}

#[derive(Serialize)]
struct EditJson<'a> {
    file: &'static str,
    line: u64,
    row: &'a str,
    kind: &'static str,
}

fn finding_list<'a>(
    phrases: &Phrases,
    dataset: &'a Dataset,
    list: &[Finding],
) -> Result<Vec<FindingJson<'a>>> {
    list.iter()
        .map(|finding| {
            let texts = phrases.finding(dataset, finding)?;
            let engagement = &dataset.engagements[finding.engagement];
            Ok(FindingJson {
                engagement: &engagement.name,
                community: &engagement.community,
                code: subject_code(&finding.subject),
                sentence: texts.sentence,
                owner: texts.owner,
                action: texts.action,
                since: finding.since,
            })
        })
        .collect()
}

fn allocations<'a>(dataset: &'a Dataset, ids: &[AllocationId]) -> Vec<AllocationJson<'a>> {
    ids.iter()
        .map(|id| {
            let allocation = &dataset.allocations[*id];
            AllocationJson {
                allocation: &allocation.name,
                engagement: &dataset.engagement_of(*id).name,
                start: allocation.start,
                end: allocation.end,
                available: allocation.available,
                provider: allocation.provider.as_deref(),
            }
        })
        .collect()
}

fn engagements<'a>(dataset: &'a Dataset, ids: &[EngagementId]) -> Vec<EngagementJson<'a>> {
    ids.iter()
        .map(|id| {
            let engagement = &dataset.engagements[*id];
            EngagementJson {
                engagement: &engagement.name,
                community: &engagement.community,
                end: engagement.end,
                recorded_status: &engagement.status,
            }
        })
        .collect()
}

pub(crate) fn json<'a>(input: &ChangesInput<'a>) -> Result<ChangesJson<'a>> {
    let (changes, now, before, phrases): (&Changes, &'a Dataset, &'a Dataset, _) =
        (input.changes, input.now, input.before, input.phrases);
    let logged = &changes.logged;
    Ok(ChangesJson {
        since: changes.since,
        as_of: changes.as_of,
        next_meeting: changes.next_meeting,
        headline: Headline {
            turned_red: changes.turned_red,
            back_to_green: changes.back_to_green,
            new_findings: changes.new_findings.len(),
            resolved_findings: changes.resolved_findings.len(),
            hours_logged: logged.hours,
            starting_without_provider: changes.without_provider.len(),
        },
        statuses: changes
            .statuses
            .iter()
            .map(|change| {
                let engagement = &now.engagements[change.engagement];
                Ok(StatusJson {
                    engagement: &engagement.name,
                    community: &engagement.community,
                    before: change.before,
                    after: change.after,
                    appeared: reasons(now, phrases, &change.appeared)?,
                    went: reasons(before, phrases, &change.went)?,
                })
            })
            .collect::<Result<_>>()?,
        new_findings: finding_list(phrases, now, &changes.new_findings)?,
        resolved_findings: finding_list(phrases, before, &changes.resolved_findings)?,
        logged: LoggedJson {
            hours: logged.hours,
            by_community: logged
                .by_community
                .iter()
                .map(|(id, hours)| NamedHours { name: &input.communities[*id].name, hours: *hours })
                .collect(),
            by_member: logged
                .by_member
                .iter()
                .map(|(id, hours)| NamedHours { name: now.team_member(*id), hours: *hours })
                .collect(),
            late: logged
                .late
                .iter()
                .map(|(id, days)| {
                    let activity = &now.activities[*id];
                    LateJson {
                        line: activity.line,
                        allocation: &now.allocations[activity.allocation].name,
                        member: now.team_member(activity.team_member),
                        hours: activity.units,
                        end: activity.end,
                        created: activity.created,
                        days_late: *days,
                    }
                })
                .collect(),
        },
        started: allocations(now, &changes.started),
        ended: allocations(now, &changes.ended),
        starting_soon: allocations(now, &changes.starting_soon),
        entered_renewal: engagements(now, &changes.entered_renewal),
        contracts_ended: engagements(now, &changes.contracts_ended),
        edits: changes.edits.as_ref().map(|edits| {
            edits
                .iter()
                .map(|edit| EditJson {
                    file: table_file(edit.table),
                    line: edit.line,
                    row: &edit.row,
                    kind: edit_code(edit.kind),
                })
                .collect()
        }),
    })
}
