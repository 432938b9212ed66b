//! Stage 2: typed rows → one linked, validated dataset.
//!
//! Names are resolved to indices (activity → allocation → project → engagement), broken links
//! and duplicate names are errors, and the checks a careful operator would make (activities
//! outside their window, late logging, overlapping allocations) become warnings.

use std::collections::HashMap;
use std::ops::Deref;

use chrono::NaiveDate;

use crate::diagnostics::{Cell, Diagnostics};
use crate::load::activities::{self, ActivityRow};
use crate::load::allocations::{self, AllocationRow};
use crate::load::capacity::CapacityRow;
use crate::load::contacts::{self, ContactRow, Role};
use crate::load::engagements::EngagementRow;
use crate::load::names::link_key;
use crate::load::projects::{self, ProjectRow};
use crate::load::{engagements, Symbols, Tables};
use crate::settings::Settings;

#[derive(Debug, Clone)]
pub struct Engagement {
    pub record: EngagementRow,
    pub projects: Vec<usize>,
}

#[derive(Debug, Clone)]
pub struct Project {
    pub record: ProjectRow,
    pub engagement: usize,
    pub allocations: Vec<usize>,
}

#[derive(Debug, Clone)]
pub struct Allocation {
    pub record: AllocationRow,
    pub project: usize,
    pub engagement: usize,
    /// Indices into [`Dataset::activities`], in file order.
    pub activities: Vec<u32>,
}

/// An activity whose `allocation` is an index into [`Dataset::allocations`].
pub type Activity = ActivityRow;

#[derive(Debug, Clone)]
pub struct Contact {
    pub record: ContactRow,
    pub engagements: Vec<usize>,
}

macro_rules! deref_to_record {
    ($($model:ty => $row:ty),*) => {$(
        impl Deref for $model {
            type Target = $row;
            fn deref(&self) -> &$row {
                &self.record
            }
        }
    )*};
}
deref_to_record!(Engagement => EngagementRow, Project => ProjectRow, Allocation => AllocationRow, Contact => ContactRow);

impl Allocation {
    /// An allocation outside any dataset (project and engagement 0), for examples and tests.
    pub fn standalone(
        name: &str,
        start: chrono::NaiveDate,
        end: chrono::NaiveDate,
        available: f64,
    ) -> Allocation {
        let record = AllocationRow {
            line: 2,
            name: name.to_string(),
            project: String::new(),
            start,
            end,
            available: crate::hours::Hours::rounded(available),
            description: String::new(),
            provider: None,
        };
        Allocation { record, project: 0, engagement: 0, activities: Vec::new() }
    }
}

impl ActivityRow {
    /// An activity of allocation 0 by team member 0, for examples and tests.
    pub fn standalone(start: chrono::NaiveDate, end: chrono::NaiveDate, units: f64) -> ActivityRow {
        ActivityRow {
            line: 2,
            allocation: 0,
            team_member: 0,
            units: crate::hours::Hours::rounded(units),
            start,
            end,
            created: None,
            description: "".into(),
        }
    }
}

impl Contact {
    /// Administrative and Technical contacts are reported; Billing-only contacts never are.
    pub fn is_reported(&self) -> bool {
        self.roles.iter().any(|role| *role != Role::Billing)
    }
}

#[derive(Debug, Clone, Default)]
pub struct Dataset {
    pub engagements: Vec<Engagement>,
    pub projects: Vec<Project>,
    pub allocations: Vec<Allocation>,
    pub activities: Vec<Activity>,
    pub team_members: Symbols,
    pub contacts: Vec<Contact>,
    /// Sorted by date; `None` when unknown.
    pub capacity: Option<Vec<CapacityRow>>,
}

impl Dataset {
    pub fn engagement_of_project(&self, project: usize) -> &Engagement {
        &self.engagements[self.projects[project].engagement]
    }

    pub fn team_member(&self, activity: &Activity) -> &str {
        self.team_members.name(activity.team_member)
    }

    /// Activities of one allocation.
    pub fn activities_of(&self, allocation: usize) -> impl Iterator<Item = &Activity> {
        self.allocations[allocation].activities.iter().map(|index| &self.activities[*index as usize])
    }
}

/// Links the tables. Problems go to `diagnostics`; the dataset is usable only when it has no
/// errors.
pub fn link(tables: Tables, settings: &Settings, diagnostics: &mut Diagnostics) -> Dataset {
    let engagement_ids = unique_names(
        tables.engagements.iter().map(|e| (e.line, e.name.as_str())),
        engagements::SPEC.file,
        engagements::NAME.name,
        diagnostics,
    );
    let projects = link_projects(tables.projects, &engagement_ids, diagnostics);
    let project_ids = unique_names(
        projects.iter().map(|p| (p.line, p.name.as_str())),
        projects::SPEC.file,
        projects::NAME.name,
        diagnostics,
    );
    let allocations = link_allocations(tables.allocations, &projects, &project_ids, diagnostics);
    let allocation_ids = unique_names(
        allocations.iter().map(|a| (a.line, a.name.as_str())),
        allocations::SPEC.file,
        allocations::NAME.name,
        diagnostics,
    );
    let mut dataset = Dataset {
        engagements: tables
            .engagements
            .into_iter()
            .map(|record| Engagement { record, projects: Vec::new() })
            .collect(),
        contacts: link_contacts(tables.contacts, &engagement_ids, diagnostics),
        projects,
        allocations,
        team_members: tables.team_members,
        capacity: tables.capacity.map(sorted_capacity),
        activities: Vec::new(),
    };
    dataset.activities =
        link_activities(tables.activities, &tables.activity_allocations, &allocation_ids, diagnostics);
    attach_children(&mut dataset);
    warn_about_dates(&dataset, settings, diagnostics);
    dataset
}

fn sorted_capacity(mut rows: Vec<CapacityRow>) -> Vec<CapacityRow> {
    rows.sort_by_key(|row| row.from);
    rows
}

/// Maps each name's link key (see [`link_key`]) to its first row's index; a repeated name
/// is an error on the later row.
fn unique_names<'a>(
    names: impl Iterator<Item = (u64, &'a str)>,
    file: &str,
    column: &str,
    diagnostics: &mut Diagnostics,
) -> HashMap<String, usize> {
    let mut ids: HashMap<String, (usize, u64)> = HashMap::new();
    for (index, (line, name)) in names.enumerate() {
        let key = link_key(name);
        if let Some((_, first_line)) = ids.get(key.as_ref()) {
            let cell = Cell { file, line, column, value: name };
            diagnostics
                .cell_error(cell, format!("expected a unique name; line {first_line} already uses it"));
        } else {
            ids.insert(key.into_owned(), (index, line));
        }
    }
    ids.into_iter().map(|(name, (index, _))| (name, index)).collect()
}

/// Resolves a single-record link. The whole cell is tried first so that names containing
/// commas still link; otherwise the cell must name exactly one existing record. `Err` holds
/// what was expected.
fn resolve_one(ids: &HashMap<String, usize>, value: &str, what: &str) -> Result<usize, String> {
    if let Some(id) = ids.get(link_key(value).as_ref()) {
        return Ok(*id);
    }
    match crate::load::cells::split_links(value).as_slice() {
        [name] if ids.contains_key(link_key(name).as_ref()) => Ok(ids[link_key(name).as_ref()]),
        [_] | [] => Err(format!("expected the name of an existing {what}; none has this name")),
        several => Err(format!("expected exactly one {what}, found {}", several.len())),
    }
}

fn resolve_or_report(
    ids: &HashMap<String, usize>,
    cell: Cell<'_>,
    what: &str,
    diagnostics: &mut Diagnostics,
) -> Option<usize> {
    resolve_one(ids, cell.value, what).map_err(|message| diagnostics.cell_error(cell, message)).ok()
}

fn link_projects(
    rows: Vec<ProjectRow>,
    engagements: &HashMap<String, usize>,
    diagnostics: &mut Diagnostics,
) -> Vec<Project> {
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
    projects: &[Project],
    project_ids: &HashMap<String, usize>,
    diagnostics: &mut Diagnostics,
) -> Vec<Allocation> {
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
    engagements: &HashMap<String, usize>,
    diagnostics: &mut Diagnostics,
) -> Vec<Contact> {
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

fn link_activities(
    rows: Vec<ActivityRow>,
    names: &Symbols,
    allocation_ids: &HashMap<String, usize>,
    diagnostics: &mut Diagnostics,
) -> Vec<Activity> {
    // Resolve each distinct name once: an export can hold a million activities.
    let mut resolved: Vec<Option<Result<usize, String>>> = vec![None; names.len()];
    rows.into_iter()
        .filter_map(|mut row| {
            let name = names.name(row.allocation);
            let link = resolved[row.allocation as usize]
                .get_or_insert_with(|| resolve_one(allocation_ids, name, "allocation"));
            match link {
                Ok(allocation) => {
                    row.allocation = *allocation as u32;
                    Some(row)
                }
                Err(message) => {
                    let cell = Cell {
                        file: activities::SPEC.file,
                        line: row.line.into(),
                        column: activities::ALLOCATION.name,
                        value: name,
                    };
                    diagnostics.cell_error(cell, message.clone());
                    None
                }
            }
        })
        .collect()
}

fn attach_children(dataset: &mut Dataset) {
    for (index, project) in dataset.projects.iter().enumerate() {
        dataset.engagements[project.engagement].projects.push(index);
    }
    for (index, allocation) in dataset.allocations.iter().enumerate() {
        dataset.projects[allocation.project].allocations.push(index);
    }
    for (index, activity) in dataset.activities.iter().enumerate() {
        dataset.allocations[activity.allocation as usize].activities.push(index as u32);
    }
}

fn warn_about_dates(dataset: &Dataset, settings: &Settings, diagnostics: &mut Diagnostics) {
    for activity in &dataset.activities {
        warn_about_activity(dataset, activity, settings, diagnostics);
    }
    warn_about_overlaps(dataset, diagnostics);
}

fn activity_cell<'a>(activity: &Activity, column: &'a str, value: &'a str) -> Cell<'a> {
    Cell { file: activities::SPEC.file, line: activity.line.into(), column, value }
}

fn warn_about_activity(
    dataset: &Dataset,
    activity: &Activity,
    settings: &Settings,
    diagnostics: &mut Diagnostics,
) {
    let allocation = &dataset.allocations[activity.allocation as usize];
    let engagement = &dataset.engagements[allocation.engagement];
    // The cell holding the activity's last day: End date when given, else Start date.
    let last_day = |date: NaiveDate| {
        if activity.end == activity.start {
            (activities::START.name, date)
        } else {
            (activities::END.name, date)
        }
    };
    if activity.start < allocation.start || activity.end > allocation.end {
        let (column, date) = if activity.start < allocation.start {
            (activities::START.name, activity.start)
        } else {
            last_day(activity.end)
        };
        let message = format!(
            "activity is outside its allocation \"{}\" ({} to {}); it is counted but flagged",
            allocation.name, allocation.start, allocation.end
        );
        diagnostics.cell_warning(activity_cell(activity, column, &date.to_string()), message);
    }
    if let Some(engagement_end) = engagement.end.filter(|end| activity.end > *end) {
        let (column, date) = last_day(activity.end);
        let message =
            format!("activity is after the end of engagement \"{}\" on {engagement_end}", engagement.name);
        diagnostics.cell_warning(activity_cell(activity, column, &date.to_string()), message);
    }
    if let Some(created) = activity.created {
        let delay = (created - activity.end).num_days();
        if delay > settings.windows.late_logging_days {
            let message = format!(
                "logged {delay} days after the activity ended on {}; expected within {} days",
                activity.end, settings.windows.late_logging_days
            );
            diagnostics.cell_warning(
                activity_cell(activity, activities::CREATED.name, &created.to_string()),
                message,
            );
        }
    }
}

/// Two allocations of one project whose windows share a day double-count the commitment.
/// Each allocation is checked against the first (by start) earlier one it overlaps, found by
/// a binary search over the running latest end: O(n log n) for a project of n allocations.
fn warn_about_overlaps(dataset: &Dataset, diagnostics: &mut Diagnostics) {
    for project in &dataset.projects {
        let mut members: Vec<&Allocation> =
            project.allocations.iter().map(|i| &dataset.allocations[*i]).collect();
        members.sort_by_key(|a| (a.start, a.line));
        let latest_end: Vec<NaiveDate> = members
            .iter()
            .scan(NaiveDate::MIN, |latest, allocation| {
                *latest = (*latest).max(allocation.end);
                Some(*latest)
            })
            .collect();
        for (i, later) in members.iter().enumerate() {
            // The first earlier allocation ending on or after this start is where the running
            // latest end first reaches it.
            let first = latest_end[..i].partition_point(|end| *end < later.start);
            if let Some(earlier) = members[..i].get(first) {
                let value = later.start.to_string();
                let cell = Cell {
                    file: allocations::SPEC.file,
                    line: later.line,
                    column: allocations::START.name,
                    value: &value,
                };
                diagnostics.cell_warning(
                    cell,
                    format!(
                        "overlaps allocation \"{}\" ({} to {}) of the same project \"{}\"",
                        earlier.name, earlier.start, earlier.end, project.name
                    ),
                );
            }
        }
    }
}
