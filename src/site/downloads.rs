//! The tables behind the charts, as CSV downloads. A cell that a spreadsheet would run as a
//! formula gets a leading `'` ([`crate::text::spreadsheet_safe`]).

use anyhow::Result;

use super::layout::{self, CommunityPaths};
use super::BookInput;
use crate::figures::month::CommunityMonth;
use crate::file_plan::Plan;
use crate::hours::Hours;
use crate::present::codes::state_code;
use crate::present::format::round;

fn csv_bytes(header: &[String], rows: impl Iterator<Item = Vec<String>>) -> Result<Vec<u8>> {
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
    let labels = input.phrases.download_labels();
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
            if row.over_capacity { &labels.yes } else { &labels.no }.clone(),
        ]
    });
    csv_bytes(&labels.commitment, rows)
}

fn engagements(input: &BookInput<'_>) -> Result<Vec<u8>> {
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
                hours(totals.hours.available),
                hours(totals.hours.used),
                hours(totals.hours.left_now),
                hours(totals.hours.not_started),
                hours(totals.hours.expired),
                hours(totals.hours.overrun),
                hours(totals.hours.outside),
            ])
        })
        .collect::<Result<Vec<_>>>()?;
    csv_bytes(&input.phrases.download_labels().engagements, rows.into_iter())
}

/// One engagement's allocations and activity record.
pub fn engagement(input: &BookInput<'_>, community: &CommunityMonth, paths: &CommunityPaths) -> Result<Plan> {
    let dataset = input.dataset;
    let mut files = Plan::default();
    let labels = input.phrases.download_labels();
    let rows = dataset.allocations_of(community.engagement).map(|id| {
        let allocation = &dataset.allocations[id];
        let figures = &input.figures.allocations[id];
        vec![
            dataset.projects[allocation.project].name.clone(),
            allocation.name.clone(),
            allocation.start.to_string(),
            allocation.end.to_string(),
            allocation.provider.clone().unwrap_or_default(),
            hours(figures.hours.available),
            hours(figures.hours.used),
            hours(figures.hours.left_now),
            hours(figures.hours.not_started),
            hours(figures.hours.expired),
            hours(figures.hours.overrun),
            hours(figures.hours.outside),
            number(figures.usage_percent, 1),
            state_code(figures.state).to_string(),
        ]
    });
    files.add(paths.allocations_table(), csv_bytes(&labels.allocations, rows)?);
    let rows = community.activities.iter().map(|id| {
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
    files.add(paths.activities_table(), csv_bytes(&labels.activities, rows)?);
    Ok(files)
}
