//! `plan`: the SoW phrases expanded into allocations to import into Airtable.

use anyhow::Result;

use crate::cli::DataArgs;
use crate::figures::planning::{parse_capacity, plan_project};
use crate::present::format::round;

pub(super) fn run(data: &DataArgs, all: bool) -> Result<i32> {
    let Some(super::Loaded { dataset, .. }) = super::read(data)? else {
        return Ok(1);
    };
    let mut writer = csv::Writer::from_writer(std::io::stdout().lock());
    let mut header =
        vec!["Allocation name", "Project", "Allocation start date", "Allocation end date", "Hours available"];
    if all {
        header.push("Already allocated as");
    }
    writer.write_record(&header)?;
    for project in &dataset.projects {
        let Some(planned) = plan_project(&dataset, project) else {
            let reason = if project.capacity.trim().is_empty() {
                continue;
            } else if parse_capacity(&project.capacity).is_none() {
                format!("its capacity \"{}\" names no period (month, quarter or year)", project.capacity)
            } else {
                "it has no start or end date".to_string()
            };
            eprintln!(
                "note: project \"{}\" is not planned: {reason}",
                crate::text::replace_unsafe(&project.name)
            );
            continue;
        };
        for row in planned.iter().filter(|row| all || row.existing.is_none()) {
            let mut record = vec![
                row.name.clone(),
                row.project.clone(),
                row.start.to_string(),
                row.end.to_string(),
                round(row.hours, 2).to_string(),
            ];
            if all {
                record.push(row.existing.clone().unwrap_or_default());
            }
            writer
                .write_record(record.iter().map(|cell| crate::text::spreadsheet_safe(cell).into_owned()))?;
        }
    }
    writer.flush()?;
    Ok(0)
}
