//! The logging reminders with the names a reader knows them by: each late entry and each quiet
//! allocation joined to its allocation, engagement, provider and team member once, for the
//! terminal, the JSON and the pages to format.

use chrono::NaiveDate;

use crate::figures::Figures;
use crate::model::Dataset;

/// An active allocation with no recent activity ([`Figures::quiet`]); the JSON writes it as
/// it is.
#[derive(serde::Serialize)]
pub struct QuietEntry<'a> {
    pub allocation: &'a str,
    pub engagement: &'a str,
    pub provider: Option<&'a str>,
    pub last_activity: Option<NaiveDate>,
}

/// An activity logged late ([`Figures::late_entries`]); the JSON writes it as it is.
#[derive(serde::Serialize)]
pub struct LateEntry<'a> {
    /// Its line in activities.csv.
    pub line: u32,
    pub allocation: &'a str,
    pub team_member: &'a str,
    pub end: NaiveDate,
    pub created: Option<NaiveDate>,
    pub days_late: i64,
}

pub fn quiet<'a>(dataset: &'a Dataset, figures: &'a Figures) -> impl Iterator<Item = QuietEntry<'a>> {
    figures.quiet.iter().map(|quiet| {
        let allocation = &dataset.allocations[quiet.allocation];
        QuietEntry {
            allocation: &allocation.name,
            engagement: &dataset.engagements[allocation.engagement].name,
            provider: allocation.provider.as_deref(),
            last_activity: quiet.last_activity,
        }
    })
}

pub fn late<'a>(dataset: &'a Dataset, figures: &'a Figures) -> impl Iterator<Item = LateEntry<'a>> {
    figures.late_entries.iter().map(|entry| {
        let activity = &dataset.activities[entry.activity];
        LateEntry {
            line: activity.line,
            allocation: &dataset.allocations[activity.allocation].name,
            team_member: dataset.team_member(activity.team_member),
            end: activity.end,
            created: activity.created,
            days_late: entry.days_late,
        }
    })
}
