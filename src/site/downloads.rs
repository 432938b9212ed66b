//! The tables behind the charts, as CSV downloads. A cell that a spreadsheet would run as a
//! formula gets a leading `'` ([`crate::text::spreadsheet_safe`]).

use anyhow::Result;

use super::engagement::Delivery;
use super::layout::{self, CommunityPaths};
use super::BookInput;
use crate::file_plan::Plan;
use crate::hours::Hours;
use crate::present::format::round;

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

fn hours(value: Hours) -> String {
    number(value.as_f64(), 2)
}

/// The organisation-wide tables: the commitment chart's and the engagement status table.
pub fn overview(input: &BookInput<'_>) -> Result<Plan> {
    let mut files = Plan::default();
    files.add(layout::COMMITMENT_TABLE, commitment(input)?);
    files.add(layout::ENGAGEMENTS_TABLE, engagements(input)?);
    Ok(files)
}

fn commitment(input: &BookInput<'_>) -> Result<Vec<u8>> {
    let header = [
        "Month",
        "Working days",
        "Committed hours",
        "Committed hours per working day",
        "FTE",
        "Capacity hours per working day",
        "Working days with a known capacity",
        "Delivered hours",
        "Over capacity",
    ];
    let rows = input.figures.commitment.iter().map(|row| {
        vec![
            row.month.to_string(),
            row.working_days.to_string(),
            number(row.committed_hours, 2),
            number(row.committed_hours_per_working_day, 3),
            number(row.fte, 3),
            row.capacity_hours_per_working_day.map_or(String::new(), |c| number(c, 3)),
            row.capacity_known_working_days.to_string(),
            hours(row.delivered_hours),
            if row.over_capacity() { "yes" } else { "no" }.to_string(),
        ]
    });
    csv_bytes(&header, rows)
}

fn engagements(input: &BookInput<'_>) -> Result<Vec<u8>> {
    let header = [
        "Engagement",
        "Community",
        "Start",
        "End",
        "Status",
        "Reasons",
        "Available",
        "Used",
        "Left now",
        "Not started",
        "Expired",
        "Overrun",
    ];
    let rows = input
        .dataset
        .engagements
        .iter_enumerated()
        .map(|(id, engagement)| {
            let totals = &input.figures.engagements[id];
            Ok(vec![
                engagement.name.clone(),
                engagement.community.clone(),
                engagement.start.map_or(String::new(), |d| d.to_string()),
                engagement.end.map_or(String::new(), |d| d.to_string()),
                input.phrases.status_label(totals.status.status).to_string(),
                input.phrases.reasons(input.dataset, &totals.status.reasons)?.join(" "),
                hours(totals.available),
                hours(totals.used),
                hours(totals.left_now),
                hours(totals.not_started),
                hours(totals.expired),
                hours(totals.overrun),
            ])
        })
        .collect::<Result<Vec<_>>>()?;
    csv_bytes(&header, rows.into_iter())
}

/// One engagement's allocations and activity record.
pub fn engagement(input: &BookInput<'_>, delivery: &Delivery, paths: &CommunityPaths) -> Result<Plan> {
    let dataset = input.dataset;
    let mut files = Plan::default();
    let header = [
        "Project",
        "Allocation",
        "Start",
        "End",
        "Provider",
        "Available",
        "Used",
        "Left now",
        "Not started",
        "Expired",
        "Overrun",
        "Usage %",
        "State",
    ];
    let rows = dataset.allocations_of(delivery.engagement).map(|id| {
        let allocation = &dataset.allocations[id];
        let figures = &input.figures.allocations[id];
        vec![
            dataset.projects[allocation.project].name.clone(),
            allocation.name.clone(),
            allocation.start.to_string(),
            allocation.end.to_string(),
            allocation.provider.clone().unwrap_or_default(),
            hours(figures.available),
            hours(figures.used),
            hours(figures.left_now),
            hours(figures.not_started),
            hours(figures.expired),
            hours(figures.overrun),
            number(figures.usage_percent, 1),
            figures.state.label().to_string(),
        ]
    });
    files.add(paths.allocations_table(), csv_bytes(&header, rows)?);
    let header = ["Start date", "End date", "Allocation", "Team member", "Hours", "Description"];
    let rows = delivery.activities.iter().map(|id| {
        let activity = &dataset.activities[*id];
        vec![
            activity.start.to_string(),
            activity.end.to_string(),
            dataset.allocations[activity.allocation].name.clone(),
            dataset.team_member(activity.team_member).to_string(),
            hours(activity.units),
            activity.description().to_string(),
        ]
    });
    files.add(paths.activities_table(), csv_bytes(&header, rows)?);
    Ok(files)
}
