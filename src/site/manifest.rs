//! The manifest the monthly email job reads, as JSON and as CSV: per community its PDF, the
//! report period, internal status (for the team), recipients (To: Technical contacts, Cc: Administrative contacts,
//! never Billing) and the figures of the PDF's first box, under the names the PDF gives them.
//! [`reports`] reads the JSON back for `emails`.
//!
//! A reported community with no Technical contact is listed with an empty To, never dropped,
//! and [`missing_recipients`] says so.

use anyhow::{Context, Result};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::project::PdfExport;
use super::BookInput;
use crate::calendar::Month;
use crate::figures::month::CommunityMonth;
use crate::hours::Hours;
use crate::model::ContactId;
use crate::present::codes::status_slug;
use crate::present::format::short_name;

#[derive(Serialize)]
struct Recipient {
    name: String,
    email: String,
}

impl Recipient {
    fn list(input: &BookInput<'_>, contacts: &[ContactId]) -> Vec<Recipient> {
        contacts
            .iter()
            .map(|id| {
                let contact = &input.dataset.contacts[*id];
                Recipient { name: contact.name.clone(), email: contact.email.clone() }
            })
            .collect()
    }
}

/// One community's usage, as the first box of its PDF states it, under the same names.
#[derive(Serialize)]
struct ManifestEntry {
    community: String,
    /// The current engagement, the one the PDF reports on (its name as in Airtable).
    engagement: String,
    /// The report period: the month's first day to its last, or to the as-of date when that
    /// comes first.
    period_start: String,
    period_end: String,
    /// The internal status (seed 002's colours) of the current engagement, as the dashboard
    /// shows it: for the team running the email job, never for the community.
    internal_status: &'static str,
    pdf: String,
    to: Vec<Recipient>,
    cc: Vec<Recipient>,
    /// "Left to use now": hours of allocations open on the as-of date, soonest use-by first.
    left_to_use_now: HoursBy<UseBy>,
    /// "Coming next": hours of allocations that have not started, soonest first.
    coming_next: HoursBy<StartsOn>,
    /// "This month": hours worked in the report month, and in the month before.
    worked_this_month: f64,
    worked_last_month: f64,
    /// "In all, since the engagement began": the current engagement's totals.
    in_all: InAll,
}

/// A total and the allocations it adds up.
#[derive(Serialize)]
struct HoursBy<T> {
    hours: f64,
    allocations: Vec<T>,
}

#[derive(Serialize)]
struct UseBy {
    allocation: String,
    hours: f64,
    use_by: String,
}

#[derive(Serialize)]
struct StartsOn {
    allocation: String,
    hours: f64,
    from: String,
}

/// `available = used − overrun + left_to_use_now + not_started + expired_unused`; hours
/// outside the allocations' dates stand apart.
#[derive(Serialize)]
struct InAll {
    available: f64,
    used: f64,
    left_to_use_now: f64,
    not_started: f64,
    expired_unused: f64,
    overrun: f64,
    outside_allocation_dates: f64,
}

impl ManifestEntry {
    fn new(input: &BookInput<'_>, community: &CommunityMonth, pdf: String) -> ManifestEntry {
        let dataset = input.dataset;
        let record = &dataset.engagements[community.engagement];
        let allowance = &community.allowance;
        let short = |allocation| short_name(&dataset.allocations[allocation].name, &record.community);
        let totals = &community.hours;
        ManifestEntry {
            community: record.community.clone(),
            engagement: record.name.clone(),
            period_start: input.report.first_day.to_string(),
            period_end: input.report.last_day.to_string(),
            internal_status: status_slug(input.figures.engagements[community.engagement].status.status),
            pdf,
            to: Recipient::list(input, &community.recipients.to),
            cc: Recipient::list(input, &community.recipients.cc),
            left_to_use_now: HoursBy {
                hours: allowance.usable.iter().map(|u| u.left).sum::<Hours>().as_f64(),
                allocations: allowance
                    .usable
                    .iter()
                    .map(|u| UseBy {
                        allocation: short(u.allocation),
                        hours: u.left.as_f64(),
                        use_by: u.use_by.to_string(),
                    })
                    .collect(),
            },
            coming_next: HoursBy {
                hours: allowance.coming.iter().map(|c| c.hours).sum::<Hours>().as_f64(),
                allocations: allowance
                    .coming
                    .iter()
                    .map(|c| StartsOn {
                        allocation: short(c.allocation),
                        hours: c.hours.as_f64(),
                        from: c.from.to_string(),
                    })
                    .collect(),
            },
            worked_this_month: community.month.hours.as_f64(),
            worked_last_month: community.month.previous.as_f64(),
            in_all: InAll {
                available: totals.available.as_f64(),
                used: totals.used.as_f64(),
                left_to_use_now: totals.left_now.as_f64(),
                not_started: totals.not_started.as_f64(),
                expired_unused: totals.expired.as_f64(),
                overrun: totals.overrun.as_f64(),
                outside_allocation_dates: totals.outside.as_f64(),
            },
        }
    }
}

/// The manifest of one book, ready to write as JSON or CSV.
#[derive(Serialize)]
pub struct Manifest {
    as_of: String,
    month: String,
    organisation: String,
    aggregated_pdf: String,
    communities: Vec<ManifestEntry>,
    /// What the email job should know: communities whose usage email has no To recipient.
    warnings: Vec<String>,
}

/// The manifest's CSV columns: the JSON's, one row per community; lists of allocations become
/// their total and the soonest date.
const CSV_COLUMNS: [&str; 23] = [
    "community",
    "engagement",
    "period_start",
    "period_end",
    "internal_status",
    "pdf",
    "to_names",
    "to_emails",
    "cc_names",
    "cc_emails",
    "left_to_use_now",
    "use_by",
    "coming_next",
    "coming_from",
    "worked_this_month",
    "worked_last_month",
    "available_in_all",
    "used_in_all",
    "left_to_use_now_in_all",
    "not_started_in_all",
    "expired_unused_in_all",
    "overrun_in_all",
    "outside_allocation_dates_in_all",
];

impl Manifest {
    /// One entry per community PDF (`exports` after the aggregated one), in the order of the
    /// communities.
    pub fn new(input: &BookInput<'_>, aggregated: &PdfExport, exports: &[PdfExport]) -> Manifest {
        let month = input.report.month;
        let communities = input
            .report
            .communities
            .iter()
            .filter_map(|community| {
                let pdf = input.communities[community.engagement].pdf(month);
                let export = exports.iter().find(|export| export.output == pdf)?;
                Some(ManifestEntry::new(input, community, export.output.clone()))
            })
            .collect();
        Manifest {
            as_of: input.as_of.to_string(),
            month: month.to_string(),
            organisation: input.settings.organisation.clone(),
            aggregated_pdf: aggregated.output.clone(),
            communities,
            warnings: missing_recipients(input),
        }
    }

    /// `exports/manifest.json`.
    pub fn json(&self) -> Result<String> {
        Ok(format!("{}\n", serde_json::to_string_pretty(self)?))
    }

    /// `exports/manifest.csv`: one row per community, the JSON's fields as columns. Each
    /// recipient list is two columns in the same order, names and addresses, each joined
    /// with `; ` (an address never holds `;`: the loader rejects it). Cells a spreadsheet
    /// would run get a leading `'`.
    pub fn csv(&self) -> Result<Vec<u8>> {
        let mut writer = csv::Writer::from_writer(Vec::new());
        writer.write_record(CSV_COLUMNS)?;
        for entry in &self.communities {
            let names =
                |list: &[Recipient]| list.iter().map(|r| r.name.as_str()).collect::<Vec<_>>().join("; ");
            let emails =
                |list: &[Recipient]| list.iter().map(|r| r.email.as_str()).collect::<Vec<_>>().join("; ");
            let number = |hours: f64| hours.to_string();
            let in_all = &entry.in_all;
            let row: [String; CSV_COLUMNS.len()] = [
                entry.community.clone(),
                entry.engagement.clone(),
                entry.period_start.clone(),
                entry.period_end.clone(),
                entry.internal_status.to_string(),
                entry.pdf.clone(),
                names(&entry.to),
                emails(&entry.to),
                names(&entry.cc),
                emails(&entry.cc),
                number(entry.left_to_use_now.hours),
                entry.left_to_use_now.allocations.first().map_or_else(String::new, |u| u.use_by.clone()),
                number(entry.coming_next.hours),
                entry.coming_next.allocations.first().map_or_else(String::new, |c| c.from.clone()),
                number(entry.worked_this_month),
                number(entry.worked_last_month),
                number(in_all.available),
                number(in_all.used),
                number(in_all.left_to_use_now),
                number(in_all.not_started),
                number(in_all.expired_unused),
                number(in_all.overrun),
                number(in_all.outside_allocation_dates),
            ];
            writer.write_record(row.iter().map(|cell| crate::text::spreadsheet_safe(cell).into_owned()))?;
        }
        Ok(writer.into_inner()?)
    }
}

/// A warning for each community reported this month whose usage email has no To recipient:
/// no Technical contact with an email address.
pub fn missing_recipients(input: &BookInput<'_>) -> Vec<String> {
    input
        .report
        .missing_recipients
        .iter()
        .map(|id| {
            let engagement = &input.dataset.engagements[input.report.communities[*id].engagement];
            format!(
                "community \"{}\" (engagement \"{}\") has no Technical contact with an email address: its usage email has no To recipient",
                engagement.community, engagement.name
            )
        })
        .collect()
}

/// The fields of `exports/manifest.json` that `emails` reads back: which month the book reports
/// and as of which date. Which PDF goes to whom is decided from the data, never read here.
#[derive(Deserialize)]
struct WrittenManifest {
    month: String,
    as_of: NaiveDate,
}

/// The month and the as-of date of a book, from the text of its `exports/manifest.json`.
pub fn written_month(manifest: &str) -> Result<(Month, NaiveDate)> {
    let written: WrittenManifest = serde_json::from_str(manifest).context("not a ces-report manifest")?;
    let month = Month::parse(&written.month)
        .with_context(|| format!("month \"{}\": expected a month such as 2026-10", written.month))?;
    Ok((month, written.as_of))
}
