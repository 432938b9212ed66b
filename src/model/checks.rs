//! The checks a careful operator would make on linked data, as warnings: activities outside
//! their allocation's window or after their engagement's end, late logging, allocations of one
//! project that overlap.

use crate::text::quoted_name;
use chrono::NaiveDate;

use super::{Activity, Allocation, Dataset};
use crate::diagnostics::{Cell, Diagnostics};
use crate::load::{activities, allocations};
use crate::settings::Settings;

pub(super) fn warn_about_dates(dataset: &Dataset, settings: &Settings, diagnostics: &mut Diagnostics) {
    // A million activities are checked on all cores, their warnings kept in file order; the
    // allocations' overlaps are checked beside them and reported after them.
    let (per_range, overlaps) = std::thread::scope(|scope| {
        let overlaps = scope.spawn(|| {
            let mut overlaps = Diagnostics::default();
            warn_about_overlaps(dataset, &mut overlaps);
            overlaps
        });
        let per_range = crate::parallel::ranges(dataset.activities.len(), |range| {
            let mut warnings = Diagnostics::default();
            for activity in dataset.activities.iter().skip(range.start).take(range.len()) {
                warn_about_activity(dataset, activity, settings, &mut warnings);
            }
            warnings
        });
        (per_range, overlaps.join().expect("the overlap check panicked"))
    });
    for warnings in per_range {
        diagnostics.extend(warnings);
    }
    diagnostics.extend(overlaps);
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
    let allocation = &dataset.allocations[activity.allocation];
    let engagement = &dataset.engagements[allocation.engagement];
    // The cell holding the activity's last day: End date when given, else Start date.
    let last_day = |date: NaiveDate| {
        if activity.end == activity.start {
            (activities::START.name, date)
        } else {
            (activities::END.name, date)
        }
    };
    if activity.is_outside(allocation) {
        let (column, date) = if activity.start < allocation.start {
            (activities::START.name, activity.start)
        } else {
            last_day(activity.end)
        };
        let message = format!(
            "activity is outside its allocation \"{}\" ({} to {}); its hours there do not draw on it",
            quoted_name(&allocation.name),
            allocation.start,
            allocation.end
        );
        diagnostics.cell_warning(activity_cell(activity, column, &date.to_string()), message);
    }
    if let Some(engagement_end) = engagement.end.filter(|end| activity.end > *end) {
        let (column, date) = last_day(activity.end);
        let message = format!(
            "activity is after the end of engagement \"{}\" on {engagement_end}",
            quoted_name(&engagement.name)
        );
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
/// Each later allocation is reported against the earliest-starting one it overlaps.
fn warn_about_overlaps(dataset: &Dataset, diagnostics: &mut Diagnostics) {
    for project in &dataset.projects {
        let mut members: Vec<&Allocation> =
            project.allocations.iter().map(|id| &dataset.allocations[*id]).collect();
        members.sort_by_key(|a| (a.start, a.line));
        // latest_end[i]: the latest end among members[..=i]; it only grows, so the first
        // earlier allocation reaching a start date is found by binary search (n log n).
        let latest_end: Vec<NaiveDate> = members
            .iter()
            .scan(NaiveDate::MIN, |latest, allocation| {
                *latest = (*latest).max(allocation.end);
                Some(*latest)
            })
            .collect();
        for (i, later) in members.iter().enumerate() {
            let first = latest_end[..i].partition_point(|end| *end < later.start);
            if first < i {
                report_overlap(members[first], later, &project.name, diagnostics);
            }
        }
    }
}

fn report_overlap(earlier: &Allocation, later: &Allocation, project: &str, diagnostics: &mut Diagnostics) {
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
            quoted_name(&earlier.name),
            earlier.start,
            earlier.end,
            quoted_name(project)
        ),
    );
}
