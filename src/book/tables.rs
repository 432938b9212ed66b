//! The tables behind the charts, as CSV downloads.
//!
//! A cell that a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`) gets a
//! leading `'`, so opening a download can never execute text someone typed into Airtable.

use anyhow::Result;

use super::engagement::EngagementPaths;
use super::BookContext;
use crate::model::Activity;
use crate::output::Plan;
use crate::text::round;

fn csv_bytes(header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> Result<Vec<u8>> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(header)?;
    for row in rows {
        writer.write_record(row.iter().map(|cell| crate::text::spreadsheet_safe(cell).into_owned()))?;
    }
    Ok(writer.into_inner()?)
}

fn number(value: f64, decimals: i32) -> String {
    round(value, decimals).to_string()
}

/// `data/commitment.csv`: the table behind the commitment chart.
pub fn commitment(context: &BookContext<'_>, plan: &mut Plan) -> Result<()> {
    let header = [
        "Month",
        "Working days",
        "Committed hours",
        "Committed hours per working day",
        "FTE",
        "Capacity hours per working day",
        "Delivered hours",
        "Over capacity",
    ];
    let rows = context.figures.commitment.iter().map(|row| {
        vec![
            row.month.to_string(),
            row.working_days.to_string(),
            number(row.committed_hours, 2),
            number(row.committed_hours_per_working_day, 3),
            number(row.fte, 3),
            row.capacity_hours_per_working_day.map_or(String::new(), |c| number(c, 3)),
            number(row.delivered_hours, 2),
            if row.over_capacity() { "yes" } else { "no" }.to_string(),
        ]
    });
    plan.add("data/commitment.csv", csv_bytes(&header, rows)?);
    Ok(())
}

/// `data/engagements.csv`: the status table of the dashboard.
pub fn engagements(context: &BookContext<'_>, plan: &mut Plan) -> Result<()> {
    let header =
        ["Engagement", "Community", "Start", "End", "Status", "Reasons", "Available", "Used", "Remaining"];
    let dataset = context.dataset;
    let rows = dataset.engagements.iter().zip(&context.figures.engagements).map(|(engagement, totals)| {
        vec![
            engagement.name.clone(),
            engagement.community.clone(),
            engagement.start.map_or(String::new(), |d| d.to_string()),
            engagement.end.map_or(String::new(), |d| d.to_string()),
            totals.status.status.label().to_string(),
            totals.status.reasons.join(" "),
            number(totals.available, 2),
            number(totals.used, 2),
            number(totals.left(), 2),
        ]
    });
    plan.add("data/engagements.csv", csv_bytes(&header, rows)?);
    Ok(())
}

/// One engagement's allocations and activity record.
pub fn engagement_downloads(
    context: &BookContext<'_>,
    engagement: usize,
    activities: &[&Activity],
    paths: &EngagementPaths,
    plan: &mut Plan,
) -> Result<()> {
    let dataset = context.dataset;
    let header = [
        "Project",
        "Allocation",
        "Start",
        "End",
        "Provider",
        "Available",
        "Used",
        "Remaining",
        "Overrun",
        "Usage %",
        "State",
    ];
    let indices = dataset.engagements[engagement]
        .projects
        .iter()
        .flat_map(|p| dataset.projects[*p].allocations.iter().copied());
    let rows = indices.map(|index| {
        let allocation = &dataset.allocations[index];
        let figures = &context.figures.allocations[index];
        vec![
            dataset.projects[allocation.project].name.clone(),
            allocation.name.clone(),
            allocation.start.to_string(),
            allocation.end.to_string(),
            allocation.provider.clone().unwrap_or_default(),
            number(figures.available, 2),
            number(figures.used, 2),
            number(figures.remaining, 2),
            number(figures.overrun, 2),
            number(figures.usage_percent, 1),
            figures.state.label().to_string(),
        ]
    });
    plan.add(format!("{}/allocations.csv", paths.data), csv_bytes(&header, rows)?);
    let header = ["Start date", "End date", "Allocation", "Team member", "Hours", "Description"];
    let rows = activities.iter().map(|activity| {
        vec![
            activity.start.to_string(),
            activity.end.to_string(),
            dataset.allocations[activity.allocation as usize].name.clone(),
            dataset.team_member(activity).to_string(),
            number(activity.units.as_f64(), 2),
            activity.description.to_string(),
        ]
    });
    plan.add(format!("{}/activities.csv", paths.data), csv_bytes(&header, rows)?);
    Ok(())
}
