//! Resolving the names in the exports to ids: activity → allocation → project → engagement,
//! contact → engagements. A broken link or a repeated name is an error on the cell.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::{
    checks, Activity, ActivityId, Allocation, AllocationId, Contact, Dataset, Engagement, EngagementId, Id,
    IdVec, Project, ProjectId, Response,
};
use crate::diagnostics::{Cell, Diagnostics};
use crate::load::activities;
use crate::load::allocations::{self, AllocationRow};
use crate::load::capacity::CapacityRow;
use crate::load::contacts::{self, ContactRow};
use crate::load::feedback::{self, FeedbackRow};
use crate::load::names::link_key;
use crate::load::projects::{self, ProjectRow};
use crate::load::{engagements, Symbols, Tables};
use crate::settings::Settings;

/// Links the tables. Problems go to `diagnostics`; the dataset is usable only when it has no
/// errors. With `known_at`, activities logged (Created) after that date are left out, as if
/// the export had been taken then.
pub fn link(
    tables: Tables,
    settings: &Settings,
    known_at: Option<NaiveDate>,
    diagnostics: &mut Diagnostics,
) -> Dataset {
    let engagement_ids: HashMap<String, EngagementId> = unique_names(
        tables.engagements.iter().map(|e| (e.line, e.name.as_str())),
        engagements::SPEC.file,
        engagements::NAME.name,
        diagnostics,
    );
    let projects = link_projects(tables.projects, &engagement_ids, diagnostics);
    let project_ids: HashMap<String, ProjectId> = unique_names(
        projects.iter().map(|p| (p.line, p.name.as_str())),
        projects::SPEC.file,
        projects::NAME.name,
        diagnostics,
    );
    let allocations = link_allocations(tables.allocations, &projects, &project_ids, diagnostics);
    let allocation_ids: HashMap<String, AllocationId> = unique_names(
        allocations.iter().map(|a| (a.line, a.name.as_str())),
        allocations::SPEC.file,
        allocations::NAME.name,
        diagnostics,
    );
    let mut activities = tables.activities;
    if let Some(known_at) = known_at {
        activities.retain(|activity| activity.created.is_none_or(|created| created <= known_at));
    }
    let (activities, owners) =
        link_activities(activities, &tables.activity_allocations, &allocation_ids, diagnostics);
    let mut dataset = Dataset {
        engagements: tables
            .engagements
            .into_iter()
            .map(|record| Engagement { record, projects: Vec::new() })
            .collect(),
        contacts: link_contacts(tables.contacts, &engagement_ids, diagnostics),
        projects,
        allocations,
        activities,
        team_members: tables.team_members,
        capacity: tables.capacity.map(sorted_capacity),
        feedback: None,
    };
    dataset.feedback = tables.feedback.map(|rows| {
        let known = rows.into_iter().filter(|row| known_at.is_none_or(|known_at| row.timestamp <= known_at));
        link_feedback(known, &dataset, &allocation_ids, diagnostics)
    });
    attach_children(&mut dataset, owners);
    checks::warn_about_dates(&dataset, settings, diagnostics);
    super::long_cells::cut_long_cells(&mut dataset);
    dataset
}

fn sorted_capacity(mut rows: Vec<CapacityRow>) -> Vec<CapacityRow> {
    rows.sort_by_key(|row| row.from);
    rows
}

/// Maps each name's link key (see [`link_key`]) to its first row's id; a repeated name is an
/// error on the later row.
fn unique_names<'a, I: Id>(
    names: impl Iterator<Item = (u64, &'a str)>,
    file: &str,
    column: &str,
    diagnostics: &mut Diagnostics,
) -> HashMap<String, I> {
    let mut ids: HashMap<String, (I, u64)> = HashMap::new();
    for (index, (line, name)) in names.enumerate() {
        let key = link_key(name);
        if let Some((_, first_line)) = ids.get(key.as_ref()) {
            let cell = Cell { file, line, column, value: name };
            diagnostics
                .cell_error(cell, format!("expected a unique name; line {first_line} already uses it"));
        } else {
            ids.insert(key.into_owned(), (I::from_index(index), line));
        }
    }
    ids.into_iter().map(|(name, (id, _))| (name, id)).collect()
}

/// Resolves a single-record link. The whole cell is tried first so that names containing
/// commas still link; otherwise the cell must name exactly one existing record. `Err` holds
/// what was expected.
fn resolve_one<I: Id>(ids: &HashMap<String, I>, value: &str, what: &str) -> Result<I, String> {
    if let Some(id) = ids.get(link_key(value).as_ref()) {
        return Ok(*id);
    }
    match crate::load::cells::split_links(value).as_slice() {
        [name] if ids.contains_key(link_key(name).as_ref()) => Ok(ids[link_key(name).as_ref()]),
        [_] | [] => Err(format!("expected the name of an existing {what}; none has this name")),
        several => Err(format!("expected exactly one {what}, found {}", several.len())),
    }
}

fn resolve_or_report<I: Id>(
    ids: &HashMap<String, I>,
    cell: Cell<'_>,
    what: &str,
    diagnostics: &mut Diagnostics,
) -> Option<I> {
    resolve_one(ids, cell.value, what).map_err(|message| diagnostics.cell_error(cell, message)).ok()
}

fn link_projects(
    rows: Vec<ProjectRow>,
    engagements: &HashMap<String, EngagementId>,
    diagnostics: &mut Diagnostics,
) -> IdVec<ProjectId, Project> {
    rows.into_iter()
        .filter_map(|record| {
            let cell = Cell {
                file: projects::SPEC.file,
                line: record.line,
                column: projects::ENGAGEMENT.name,
                value: &record.engagement,
            };
            let engagement = resolve_or_report(engagements, cell, "engagement", diagnostics)?;
            Some(Project { record, engagement, allocations: Vec::new() })
        })
        .collect()
}

fn link_allocations(
    rows: Vec<AllocationRow>,
    projects: &IdVec<ProjectId, Project>,
    project_ids: &HashMap<String, ProjectId>,
    diagnostics: &mut Diagnostics,
) -> IdVec<AllocationId, Allocation> {
    rows.into_iter()
        .filter_map(|record| {
            let cell = Cell {
                file: allocations::SPEC.file,
                line: record.line,
                column: allocations::PROJECT.name,
                value: &record.project,
            };
            let project = resolve_or_report(project_ids, cell, "project", diagnostics)?;
            let engagement = projects[project].engagement;
            Some(Allocation { record, project, engagement, activities: Vec::new() })
        })
        .collect()
}

fn link_contacts(
    rows: Vec<ContactRow>,
    engagements: &HashMap<String, EngagementId>,
    diagnostics: &mut Diagnostics,
) -> IdVec<super::ContactId, Contact> {
    rows.into_iter()
        .filter_map(|record| {
            let mut linked = Vec::new();
            for name in &record.engagements {
                match engagements.get(link_key(name).as_ref()) {
                    Some(id) => linked.push(*id),
                    None => {
                        let cell = Cell {
                            file: contacts::SPEC.file,
                            line: record.line,
                            column: contacts::ENGAGEMENT.name,
                            value: name,
                        };
                        diagnostics.cell_error(
                            cell,
                            "expected the name of an existing engagement; none has this name",
                        );
                    }
                }
            }
            (linked.len() == record.engagements.len()).then_some(Contact { record, engagements: linked })
        })
        .collect()
}

/// The feedback form's responses linked to their allocation. A response naming a community or
/// an allocation the data does not have, or an allocation of another community, is a warning
/// and is not counted: the form may be older than a renaming, and nothing else depends on it.
fn link_feedback(
    rows: impl Iterator<Item = FeedbackRow>,
    dataset: &Dataset,
    allocation_ids: &HashMap<String, AllocationId>,
    diagnostics: &mut Diagnostics,
) -> Vec<Response> {
    let communities: std::collections::HashSet<String> =
        dataset.engagements.iter().map(|e| link_key(&e.community).into_owned()).collect();
    rows.filter_map(|row| {
        let cell =
            |line, column: &'static str, value| Cell { file: feedback::SPEC.file, line, column, value };
        let community = link_key(&row.community);
        if !communities.contains(community.as_ref()) {
            let message = "no engagement is of this community: this response is not counted";
            diagnostics.cell_warning(cell(row.line, feedback::COMMUNITY.name, &row.community), message);
            return None;
        }
        let Some(allocation) = allocation_ids.get(link_key(&row.allocation).as_ref()).copied() else {
            let message = "no allocation has this name: this response is not counted";
            diagnostics.cell_warning(cell(row.line, feedback::ALLOCATION.name, &row.allocation), message);
            return None;
        };
        let of = &dataset.engagements[dataset.allocations[allocation].engagement].community;
        if link_key(of) != community {
            let message = format!(
                "this allocation is of community \"{of}\", not \"{}\": this response is not counted",
                row.community
            );
            diagnostics.cell_warning(cell(row.line, feedback::ALLOCATION.name, &row.allocation), message);
            return None;
        }
        Some(Response {
            line: row.line,
            sent: row.timestamp,
            allocation,
            score: row.score,
            comment: row.comment,
            respondent: row.email,
        })
    })
    .collect()
}

/// Activities with their allocation linked, in place: as read, each names its allocation by
/// the place of the name among `names`. A row naming no allocation is an error, in file order,
/// and is left out. With them, each activity's allocation, in order (for attaching children).
fn link_activities(
    mut activities: Vec<Activity>,
    names: &Symbols,
    allocation_ids: &HashMap<String, AllocationId>,
    diagnostics: &mut Diagnostics,
) -> (IdVec<ActivityId, Activity>, Vec<AllocationId>) {
    // Each distinct name is resolved once, then a million activities are linked on all cores.
    let resolved: Vec<Result<AllocationId, String>> = (0..names.len())
        .map(|symbol| resolve_one(allocation_ids, names.name(symbol as u32), "allocation"))
        .collect();
    let per_piece = crate::parallel::pieces_mut(&mut activities, |start, piece| {
        let (mut owners, mut unlinked) = (Vec::with_capacity(piece.len()), Vec::new());
        for (offset, activity) in piece.iter_mut().enumerate() {
            match &resolved[activity.allocation.index()] {
                Ok(allocation) => {
                    activity.allocation = *allocation;
                    owners.push(*allocation);
                }
                Err(_) => unlinked.push(start + offset),
            }
        }
        (owners, unlinked)
    });
    let mut owners = Vec::with_capacity(activities.len());
    let mut unlinked = Vec::new();
    for (piece_owners, piece_unlinked) in per_piece {
        owners.extend(piece_owners);
        unlinked.extend(piece_unlinked);
    }
    for index in &unlinked {
        let activity = &activities[*index];
        let symbol = activity.allocation.index();
        let cell = Cell {
            file: activities::SPEC.file,
            line: activity.line.into(),
            column: activities::ALLOCATION.name,
            value: names.name(symbol as u32),
        };
        let Err(message) = &resolved[symbol] else { unreachable!("only unresolved names are unlinked") };
        diagnostics.cell_error(cell, message.clone());
    }
    if !unlinked.is_empty() {
        let mut index = 0;
        activities.retain(|_| {
            index += 1;
            unlinked.binary_search(&(index - 1)).is_err()
        });
    }
    (activities.into_iter().collect(), owners)
}

/// Lists each record's children in it; `owners` is each activity's allocation, in order (a
/// million of them, read once while linking rather than again from the records).
fn attach_children(dataset: &mut Dataset, owners: Vec<AllocationId>) {
    let projects: Vec<(ProjectId, EngagementId)> =
        dataset.projects.iter_enumerated().map(|(id, project)| (id, project.engagement)).collect();
    for (project, engagement) in projects {
        dataset.engagements.get_mut(engagement).projects.push(project);
    }
    let allocations: Vec<(AllocationId, ProjectId)> =
        dataset.allocations.iter_enumerated().map(|(id, allocation)| (id, allocation.project)).collect();
    for (allocation, project) in allocations {
        dataset.projects.get_mut(project).allocations.push(allocation);
    }
    // Each list is allocated once at its final size: an export can hold a million activities.
    let mut counts = vec![0usize; dataset.allocations.len()];
    for owner in &owners {
        counts[owner.index()] += 1;
    }
    for (index, count) in counts.into_iter().enumerate() {
        dataset.allocations.get_mut(AllocationId::from_index(index)).activities.reserve_exact(count);
    }
    for (index, owner) in owners.into_iter().enumerate() {
        dataset.allocations.get_mut(owner).activities.push(ActivityId::from_index(index));
    }
}
