//! What changed since the last meeting (seed 002's biweekly review): the state as of T against
//! the state as of D as it was known on D. From one export, "as known on D" leaves out the rows
//! created after D (`Dataset::known_at`); from two exports (`--before`), the earlier one is
//! the state on D, and the rows edited, added or deleted between them are listed too.
//!
//! The two states may come from different exports, so records are matched by their names
//! (engagements, allocations, projects), never by their ids.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::mem::Discriminant;

use chrono::NaiveDate;

use super::findings::{self, Finding, Subject};
use super::status::{Reason, Status};
use super::Figures;
use crate::hours::Hours;
use crate::model::{ActivityId, AllocationId, CommunityId, Dataset, EngagementId, Id, MemberId};
use crate::settings::Settings;

/// One side of the comparison: a dataset and its figures as of a date.
#[derive(Clone, Copy)]
pub struct State<'a> {
    pub dataset: &'a Dataset,
    pub figures: &'a Figures,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Changes {
    /// The last meeting: the comparison's earlier date.
    pub since: NaiveDate,
    pub as_of: NaiveDate,
    /// The day the next meeting is due: what starts before it is listed.
    pub next_meeting: NaiveDate,
    /// Engagements whose status changed, most urgent now first.
    pub statuses: Vec<StatusChange>,
    /// Findings of T not found on D (ids of T's dataset).
    pub new_findings: Vec<Finding>,
    /// Findings of D no longer found at T (ids of D's dataset).
    pub resolved_findings: Vec<Finding>,
    pub logged: Logged,
    /// Allocations that started in the period (after D, up to T), and those that ended in it
    /// (on D or after, before T).
    pub started: Vec<AllocationId>,
    pub ended: Vec<AllocationId>,
    /// Allocations starting after T up to the next meeting, and which of them have no provider.
    pub starting_soon: Vec<AllocationId>,
    pub without_provider: Vec<AllocationId>,
    /// Engagements whose renewal window opened in the period, and contracts that ended in it.
    pub entered_renewal: Vec<EngagementId>,
    pub contracts_ended: Vec<EngagementId>,
    /// What the headline counts.
    pub turned_red: usize,
    pub back_to_green: usize,
    /// Between two exports: the rows edited, added and deleted. `None` from one export, which
    /// cannot know them.
    pub edits: Option<Vec<Edit>>,
}

/// An engagement whose status is not what it was on D.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusChange {
    pub engagement: EngagementId,
    pub before: Status,
    pub after: Status,
    /// Reasons found at T and not on D (ids of T's dataset).
    pub appeared: Vec<Reason>,
    /// Reasons found on D and not at T (ids of D's dataset).
    pub went: Vec<Reason>,
}

/// The hours logged in the period: activities created after D up to T (rows without a Created
/// date by their start date, since nothing else says when they were logged).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Logged {
    pub activities: Vec<ActivityId>,
    pub hours: Hours,
    pub by_community: Vec<(CommunityId, Hours)>,
    pub by_member: Vec<(MemberId, Hours)>,
    /// Of them, those logged more than the late-logging days after the work ended, with how
    /// many days after.
    pub late: Vec<(ActivityId, i64)>,
}

/// A row that differs between the two exports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub table: Table,
    /// The row's name (its primary field), or for an activity its allocation, team member
    /// and dates.
    pub row: String,
    pub kind: EditKind,
    /// The row's line in the file it is read from: the later export's, the earlier's for a
    /// deleted row.
    pub line: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Table {
    Engagements,
    Projects,
    Allocations,
    Activities,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditKind {
    Added,
    Edited,
    Deleted,
}

/// The changes from `before` (as of D, as known on D) to `now` (as of T).
pub fn changes(before: State<'_>, now: State<'_>, settings: &Settings, edits: Option<Vec<Edit>>) -> Changes {
    let (since, as_of) = (before.figures.as_of, now.figures.as_of);
    let next_meeting = as_of + chrono::Days::new(settings.meeting.every_days.max(1) as u64);
    let statuses = status_changes(before, now);
    let (new_findings, resolved_findings) = finding_changes(before, now);
    let in_period = |day: NaiveDate| since < day && day <= as_of;
    let dataset = now.dataset;
    let allocations = |keep: &dyn Fn(&crate::model::Allocation) -> bool| -> Vec<AllocationId> {
        dataset.allocations.iter_enumerated().filter(|(_, a)| keep(a)).map(|(id, _)| id).collect()
    };
    let starting_soon = allocations(&|a| as_of < a.start && a.start <= next_meeting);
    let renewal_days = settings.status.renewal_window_days.max(0) as u64;
    Changes {
        turned_red: statuses.iter().filter(|c| c.after == Status::ActionNeeded).count(),
        back_to_green: statuses
            .iter()
            .filter(|c| c.after == Status::OnTrack && c.before > Status::OnTrack)
            .count(),
        since,
        as_of,
        next_meeting,
        statuses,
        new_findings,
        resolved_findings,
        logged: logged(now, since, settings.windows.late_logging_days),
        started: allocations(&|a| in_period(a.start)),
        ended: allocations(&|a| since <= a.end && a.end < as_of),
        without_provider: starting_soon
            .iter()
            .copied()
            .filter(|id| dataset.allocations[*id].provider.is_none())
            .collect(),
        starting_soon,
        entered_renewal: dataset
            .engagements
            .iter_enumerated()
            .filter(|(_, e)| {
                e.end.is_some_and(|end| end >= as_of && in_period(end - chrono::Days::new(renewal_days)))
            })
            .map(|(id, _)| id)
            .collect(),
        contracts_ended: dataset
            .engagements
            .iter_enumerated()
            .filter(|(_, e)| e.end.is_some_and(|end| since <= end && end < as_of))
            .map(|(id, _)| id)
            .collect(),
        edits,
    }
}

/// What identifies a reason across the two states: its rule and the record it is about, by
/// name.
type ReasonKey = (Discriminant<Reason>, String);

fn reason_key(dataset: &Dataset, reason: &Reason) -> ReasonKey {
    let about = match reason {
        Reason::Overrun { allocation, .. }
        | Reason::PastOverrun { allocation, .. }
        | Reason::ForecastOverrun { allocation, .. }
        | Reason::NoProvider { allocation }
        | Reason::OffPace { allocation, .. } => dataset.allocations[*allocation].name.clone(),
        Reason::ProjectIncomplete { project, .. } | Reason::NoAllocations { project } => {
            dataset.projects[*project].name.clone()
        }
        _ => String::new(),
    };
    (std::mem::discriminant(reason), about)
}

/// An engagement's id in `dataset`, by name.
fn engagement_named(dataset: &Dataset, name: &str) -> Option<EngagementId> {
    dataset.engagements.iter_enumerated().find(|(_, e)| e.name == name).map(|(id, _)| id)
}

fn status_changes(before: State<'_>, now: State<'_>) -> Vec<StatusChange> {
    now.figures
        .urgency
        .iter()
        .filter_map(|id| {
            let name = &now.dataset.engagements[*id].name;
            let then = engagement_named(before.dataset, name)?;
            let (was, is) = (&before.figures.engagements[then].status, &now.figures.engagements[*id].status);
            if was.status == is.status {
                return None;
            }
            let keys = |state: State<'_>, reasons: &[Reason]| -> HashSet<ReasonKey> {
                reasons.iter().map(|reason| reason_key(state.dataset, reason)).collect()
            };
            let (was_keys, is_keys) = (keys(before, &was.reasons), keys(now, &is.reasons));
            Some(StatusChange {
                engagement: *id,
                before: was.status,
                after: is.status,
                appeared: is
                    .reasons
                    .iter()
                    .filter(|r| !was_keys.contains(&reason_key(now.dataset, r)))
                    .cloned()
                    .collect(),
                went: was
                    .reasons
                    .iter()
                    .filter(|r| !is_keys.contains(&reason_key(before.dataset, r)))
                    .cloned()
                    .collect(),
            })
        })
        .collect()
}

/// What identifies a finding across the two states: its engagement, its subject's kind and,
/// for a reason, the reason's key.
fn finding_key(dataset: &Dataset, finding: &Finding) -> (String, Discriminant<Subject>, Option<ReasonKey>) {
    let engagement = dataset.engagements[finding.engagement].name.clone();
    let reason = match &finding.subject {
        Subject::Reason(reason) => Some(reason_key(dataset, reason)),
        Subject::OutsideWindow { .. } | Subject::NoFeedback { .. } => None,
    };
    (engagement, std::mem::discriminant(&finding.subject), reason)
}

fn finding_changes(before: State<'_>, now: State<'_>) -> (Vec<Finding>, Vec<Finding>) {
    let (was, is) =
        (findings::findings(before.dataset, before.figures), findings::findings(now.dataset, now.figures));
    let keys = |state: State<'_>, list: &[Finding]| -> HashSet<_> {
        list.iter().map(|finding| finding_key(state.dataset, finding)).collect()
    };
    let (was_keys, is_keys) = (keys(before, &was), keys(now, &is));
    let new = is.iter().filter(|f| !was_keys.contains(&finding_key(now.dataset, f))).cloned().collect();
    let resolved = was.into_iter().filter(|f| !is_keys.contains(&finding_key(before.dataset, f))).collect();
    (new, resolved)
}

fn logged(now: State<'_>, since: NaiveDate, late_days: i64) -> Logged {
    let (dataset, figures) = (now.dataset, now.figures);
    let as_of = figures.as_of;
    let activities: Vec<ActivityId> = dataset
        .activities
        .iter_enumerated()
        .filter(|(_, a)| {
            let logged_on = a.created.unwrap_or(a.start);
            since < logged_on && logged_on <= as_of
        })
        .map(|(id, _)| id)
        .collect();
    let mut by_community: BTreeMap<CommunityId, Hours> = BTreeMap::new();
    let mut by_member: BTreeMap<MemberId, Hours> = BTreeMap::new();
    for id in &activities {
        let activity = &dataset.activities[*id];
        let engagement = dataset.allocations[activity.allocation].engagement;
        *by_community.entry(figures.community_of[engagement]).or_default() += activity.units;
        *by_member.entry(activity.team_member).or_default() += activity.units;
    }
    let mut by_member: Vec<(MemberId, Hours)> = by_member.into_iter().collect();
    by_member
        .sort_by(|a, b| b.1.cmp(&a.1).then_with(|| dataset.team_member(a.0).cmp(dataset.team_member(b.0))));
    let mut by_community: Vec<(CommunityId, Hours)> = by_community.into_iter().collect();
    by_community.sort_by(|a, b| {
        b.1.cmp(&a.1).then_with(|| figures.communities[a.0].name.cmp(&figures.communities[b.0].name))
    });
    Logged {
        hours: activities.iter().map(|id| dataset.activities[*id].units).sum(),
        late: activities
            .iter()
            .filter_map(|id| Some((*id, super::reminders::days_late(&dataset.activities[*id], late_days)?)))
            .collect(),
        activities,
        by_community,
        by_member,
    }
}

/// The rows that differ between an earlier export (`before`, pulled on `since`) and a later one
/// (`now`): engagements, projects and allocations matched by name, any other cell differing
/// makes the row edited; activities, which have no name, matched by all their cells, and an
/// unmatched one that shares its allocation, team member and Created date with exactly one
/// unmatched row of the other export is that row, edited. Activities logged after `since` are
/// the period's work (listed with the hours logged), not edits; one added with an earlier
/// Created date, or none, was back-filled and is listed.
pub fn edits(before: &Dataset, now: &Dataset, since: NaiveDate) -> Vec<Edit> {
    let mut edits = Vec::new();
    let named = |edits: &mut Vec<Edit>,
                 table: Table,
                 was: Vec<(String, u64, String)>,
                 is: Vec<(String, u64, String)>| {
        let was_by_name: BTreeMap<&str, (u64, &str)> =
            was.iter().map(|(name, line, cells)| (name.as_str(), (*line, cells.as_str()))).collect();
        let is_names: BTreeSet<&str> = is.iter().map(|(name, _, _)| name.as_str()).collect();
        for (name, line, cells) in &is {
            let kind = match was_by_name.get(name.as_str()) {
                None => Some(EditKind::Added),
                Some((_, was_cells)) if was_cells != cells => Some(EditKind::Edited),
                Some(_) => None,
            };
            if let Some(kind) = kind {
                edits.push(Edit { table, row: name.clone(), kind, line: *line });
            }
        }
        for (name, line, _) in &was {
            if !is_names.contains(name.as_str()) {
                edits.push(Edit { table, row: name.clone(), kind: EditKind::Deleted, line: *line });
            }
        }
    };
    named(&mut edits, Table::Engagements, engagement_rows(before), engagement_rows(now));
    named(&mut edits, Table::Projects, project_rows(before), project_rows(now));
    named(&mut edits, Table::Allocations, allocation_rows(before), allocation_rows(now));
    let back_filled = |(edit, created): &(Edit, Option<NaiveDate>)| {
        edit.kind != EditKind::Added || created.is_none_or(|created| created <= since)
    };
    edits.extend(activity_edits(before, now).into_iter().filter(back_filled).map(|(edit, _)| edit));
    edits.sort_by_key(|edit| (edit.table, edit.line));
    edits
}

fn engagement_rows(dataset: &Dataset) -> Vec<(String, u64, String)> {
    dataset
        .engagements
        .iter()
        .map(|e| {
            let cells =
                format!("{:?}", (&e.community, e.start, e.end, &e.description, &e.status, e.contract_value));
            (e.name.clone(), e.line, cells)
        })
        .collect()
}

fn project_rows(dataset: &Dataset) -> Vec<(String, u64, String)> {
    dataset
        .projects
        .iter()
        .map(|p| {
            let engagement = &dataset.engagements[p.engagement].name;
            let cells = format!("{:?}", (engagement, p.start, p.end, &p.description, &p.capacity));
            (p.name.clone(), p.line, cells)
        })
        .collect()
}

fn allocation_rows(dataset: &Dataset) -> Vec<(String, u64, String)> {
    dataset
        .allocations
        .iter()
        .map(|a| {
            let project = &dataset.projects[a.project].name;
            let cells = format!("{:?}", (project, a.start, a.end, a.available, &a.description, &a.provider));
            (a.name.clone(), a.line, cells)
        })
        .collect()
}

/// An activity's cells, and what names it to a reader.
fn activity_row(dataset: &Dataset, id: ActivityId) -> (String, String, String) {
    let a = &dataset.activities[id];
    let allocation = &dataset.allocations[a.allocation].name;
    let member = dataset.team_member(a.team_member);
    let cells = format!("{:?}", (allocation, member, a.units, a.start, a.end, a.created, a.description()));
    let identity = format!("{:?}", (allocation, member, a.created));
    let name = if a.start == a.end {
        format!("{allocation}, {member}, {}", a.start)
    } else {
        format!("{allocation}, {member}, {} to {}", a.start, a.end)
    };
    (cells, identity, name)
}

/// Each activity edit, with the Created date of the row it names.
fn activity_edits(before: &Dataset, now: &Dataset) -> Vec<(Edit, Option<NaiveDate>)> {
    let rows = |dataset: &Dataset| -> Vec<(u64, (String, String, String))> {
        dataset
            .activities
            .iter_enumerated()
            .map(|(id, a)| (u64::from(a.line), activity_row(dataset, id)))
            .collect()
    };
    let (was, is) = (rows(before), rows(now));
    let mut unmatched_was: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (index, (_, (cells, _, _))) in was.iter().enumerate() {
        unmatched_was.entry(cells.as_str()).or_default().push(index);
    }
    let mut added = Vec::new();
    for (index, (_, (cells, _, _))) in is.iter().enumerate() {
        match unmatched_was.get_mut(cells.as_str()).and_then(|list| list.pop()) {
            Some(_) => {}
            None => added.push(index),
        }
    }
    let deleted: Vec<usize> = unmatched_was.into_values().flatten().collect();
    let by_identity = |rows: &[(u64, (String, String, String))], indices: &[usize]| {
        let mut map: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for index in indices {
            map.entry(rows[*index].1 .1.clone()).or_default().push(*index);
        }
        map
    };
    let (was_identity, is_identity) = (by_identity(&was, &deleted), by_identity(&is, &added));
    let mut edits = Vec::new();
    for (identity, indices) in &is_identity {
        let one_each = indices.len() == 1 && was_identity.get(identity).is_some_and(|w| w.len() == 1);
        for index in indices {
            let (line, (_, _, name)) = &is[*index];
            let kind = if one_each { EditKind::Edited } else { EditKind::Added };
            let created = now.activities[ActivityId::from_index(*index)].created;
            edits.push((Edit { table: Table::Activities, row: name.clone(), kind, line: *line }, created));
        }
    }
    for (identity, indices) in &was_identity {
        let edited = indices.len() == 1 && is_identity.get(identity).is_some_and(|i| i.len() == 1);
        if !edited {
            for index in indices {
                let (line, (_, _, name)) = &was[*index];
                let created = before.activities[ActivityId::from_index(*index)].created;
                let edit = Edit {
                    table: Table::Activities,
                    row: name.clone(),
                    kind: EditKind::Deleted,
                    line: *line,
                };
                edits.push((edit, created));
            }
        }
    }
    edits
}
