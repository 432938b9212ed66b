//! `plan`: the SoW phrases expanded into allocations to import into Airtable.

use anyhow::Result;
use chrono::NaiveDate;

use crate::calendar::WorkCalendar;
use crate::cli::DataArgs;
use crate::figures::planning::{plan_project, PhraseProblem, PlanOptions};
use crate::text::{replace_unsafe, spreadsheet_safe};

pub(super) fn run(data: &DataArgs, as_of: NaiveDate, all: bool, prorate: bool) -> Result<i32> {
    let Some(super::Loaded { dataset, settings, .. }) = super::read(data)? else {
        return Ok(1);
    };
    let calendar = WorkCalendar::new(&settings.holidays);
    let mut writer = csv::Writer::from_writer(std::io::stdout().lock());
    let mut header = vec![
        "Allocation name",
        "Project",
        "Allocation start date",
        "Allocation end date",
        "Hours available",
        "Note",
    ];
    if all {
        header.push("Already allocated as");
    }
    writer.write_record(&header)?;
    for project in &dataset.projects {
        let planned = match plan_project(&dataset, project, &calendar, PlanOptions { prorate }) {
            Ok(Some(planned)) => planned,
            Ok(None) => {
                note(&project.name, "note", "it has no start or end date".to_string());
                continue;
            }
            Err(problem) => {
                not_planned(&project.name, &project.capacity, problem);
                continue;
            }
        };
        let shown = planned.iter().filter(|row| row.is_listed(all, as_of));
        for row in shown {
            let mut record = vec![
                row.name.clone(),
                row.project.clone(),
                row.start.to_string(),
                row.end.to_string(),
                row.hours.to_string(),
                row.prorated.map_or(String::new(), |p| {
                    format!("pro-rated from {} h: {} of {} working days", p.full, p.working_days, p.of)
                }),
            ];
            if all {
                record.push(row.existing.clone().unwrap_or_default());
            }
            writer.write_record(record.iter().map(|cell| spreadsheet_safe(cell).into_owned()))?;
        }
    }
    writer.flush()?;
    Ok(0)
}

fn not_planned(project: &str, capacity: &str, problem: PhraseProblem) {
    match problem {
        PhraseProblem::NotAPhrase if capacity.trim().is_empty() => {}
        PhraseProblem::NotAPhrase => note(
            project,
            "note",
            format!(
                "its capacity \"{capacity}\" is not of the form \"Up to N hours / month, quarter or year\""
            ),
        ),
        PhraseProblem::NoPeriod => note(
            project,
            "note",
            format!("its capacity \"{capacity}\" names no period (month, quarter or year)"),
        ),
        PhraseProblem::NoHours => {
            note(project, "warning", format!("its capacity \"{capacity}\" commits no hours"))
        }
    }
}

fn note(project: &str, label: &str, reason: String) {
    crate::say!(
        "{label}: project \"{}\" is not planned: {}",
        replace_unsafe(project),
        replace_unsafe(&reason)
    );
}
