//! The manifest the monthly email job reads, as JSON and as CSV: per community its PDF, the
//! report period, status, recipients (To: Technical contacts, Cc: Administrative contacts,
//! never Billing) and the period's hours. [`reports`] reads the JSON back for `emails`.
//!
//! A reported community with no Technical contact is listed with an empty To, never dropped,
//! and [`missing_recipients`] says so.

use std::collections::HashMap;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use super::project::PdfExport;
use super::BookInput;
use crate::calendar::Month;
use crate::figures::report::{period_hours, recipients, reported_in_month, PeriodHours};
use crate::model::Contact;

#[derive(Serialize)]
struct Recipient {
    name: String,
    email: String,
}

impl Recipient {
    fn of(contact: &Contact) -> Recipient {
        Recipient { name: contact.name.clone(), email: contact.email.clone() }
    }
}

#[derive(Serialize)]
struct ManifestEntry {
    engagement: String,
    community: String,
    /// The report period: the month's first day to its last, or to the as-of date when that
    /// comes first.
    period_start: String,
    period_end: String,
    status: &'static str,
    pdf: String,
    to: Vec<Recipient>,
    cc: Vec<Recipient>,
    /// The hours of the engagement's allocations that overlap the report month.
    #[serde(flatten)]
    hours: PeriodHours,
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

impl Manifest {
    /// One entry per community PDF (`exports` after the aggregated one), in the order of the
    /// engagements.
    pub fn new(input: &BookInput<'_>, aggregated: &PdfExport, exports: &[PdfExport]) -> Manifest {
        let (period_start, period_end) = input.report_dates();
        let month = input.report_month();
        let communities = input
            .dataset
            .engagements
            .ids()
            .filter_map(|id| {
                let pdf = input.communities[id].pdf(month);
                let export = exports.iter().find(|export| export.output == pdf)?;
                let record = &input.dataset.engagements[id];
                let recipients = recipients(input.dataset, id);
                Some(ManifestEntry {
                    engagement: record.name.clone(),
                    community: record.community.clone(),
                    period_start: period_start.to_string(),
                    period_end: period_end.to_string(),
                    status: input.figures.engagements[id].status.status.slug(),
                    pdf: export.output.clone(),
                    to: recipients.to.into_iter().map(Recipient::of).collect(),
                    cc: recipients.cc.into_iter().map(Recipient::of).collect(),
                    hours: period_hours(input.dataset, input.figures, id, month),
                })
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
        writer.write_record([
            "engagement",
            "community",
            "period_start",
            "period_end",
            "status",
            "pdf",
            "to_names",
            "to_emails",
            "cc_names",
            "cc_emails",
            "available",
            "used",
            "left",
            "expired",
            "overrun",
        ])?;
        for entry in &self.communities {
            let names =
                |list: &[Recipient]| list.iter().map(|r| r.name.as_str()).collect::<Vec<_>>().join("; ");
            let emails =
                |list: &[Recipient]| list.iter().map(|r| r.email.as_str()).collect::<Vec<_>>().join("; ");
            let hours = &entry.hours;
            let row = [
                entry.engagement.clone(),
                entry.community.clone(),
                entry.period_start.clone(),
                entry.period_end.clone(),
                entry.status.to_string(),
                entry.pdf.clone(),
                names(&entry.to),
                emails(&entry.to),
                names(&entry.cc),
                emails(&entry.cc),
                hours.available.as_f64().to_string(),
                hours.used.as_f64().to_string(),
                hours.left.as_f64().to_string(),
                hours.expired.as_f64().to_string(),
                hours.overrun.as_f64().to_string(),
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
        .dataset
        .engagements
        .iter_enumerated()
        .filter(|(id, _)| reported_in_month(input.dataset, *id, input.report_month(), input.as_of))
        .filter(|(id, _)| recipients(input.dataset, *id).to.is_empty())
        .map(|(_, engagement)| {
            format!(
                "community \"{}\" (engagement \"{}\") has no Technical contact with an email address: its usage email has no To recipient",
                engagement.community, engagement.name
            )
        })
        .collect()
}

/// A community's report in a written book, as its manifest lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookReport {
    /// The month the report covers.
    pub month: Month,
    /// The PDF's path from the book root: `exports/communities/<community>-<month>.pdf`.
    pub pdf: String,
}

/// The fields of `exports/manifest.json` that `emails` reads back.
#[derive(Deserialize)]
struct WrittenManifest {
    month: String,
    communities: Vec<WrittenEntry>,
}

#[derive(Deserialize)]
struct WrittenEntry {
    engagement: String,
    pdf: String,
}

/// Each engagement's report in a book, by engagement name, from the text of its
/// `exports/manifest.json`.
pub fn reports(manifest: &str) -> Result<HashMap<String, BookReport>> {
    let written: WrittenManifest = serde_json::from_str(manifest).context("not a ces-report manifest")?;
    let month = Month::parse(&written.month)
        .with_context(|| format!("month \"{}\": expected a month such as 2026-10", written.month))?;
    written
        .communities
        .into_iter()
        .map(|entry| {
            // Only the book's own community PDFs are ever attached, whatever the file says.
            let inside = entry.pdf.starts_with("exports/communities/")
                && entry.pdf.ends_with(".pdf")
                && std::path::Path::new(&entry.pdf)
                    .components()
                    .all(|part| matches!(part, std::path::Component::Normal(_)));
            anyhow::ensure!(inside, "pdf \"{}\": expected a file under exports/communities/", entry.pdf);
            Ok((entry.engagement, BookReport { month, pdf: entry.pdf }))
        })
        .collect()
}
