//! The manifest the monthly email job reads: per community its PDF, status and recipients.

use anyhow::Result;
use serde::Serialize;

use super::project::PdfExport;
use super::BookInput;
use crate::figures::report::recipients;
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
    status: &'static str,
    pdf: String,
    to: Vec<Recipient>,
    cc: Vec<Recipient>,
}

#[derive(Serialize)]
struct Manifest {
    as_of: String,
    month: String,
    organisation: String,
    aggregated_pdf: String,
    communities: Vec<ManifestEntry>,
}

/// `exports/manifest.json`: one entry per community PDF (`exports` after the aggregated one).
pub fn manifest(input: &BookInput<'_>, aggregated: &PdfExport, exports: &[PdfExport]) -> Result<String> {
    let communities = input
        .dataset
        .engagements
        .ids()
        .filter_map(|id| {
            let paths = &input.communities[id];
            let export = exports.iter().find(|export| export.output == paths.pdf(input.report_month()))?;
            let record = &input.dataset.engagements[id];
            let recipients = recipients(input.dataset, id);
            Some(ManifestEntry {
                engagement: record.name.clone(),
                community: record.community.clone(),
                status: input.figures.engagements[id].status.status.slug(),
                pdf: export.output.clone(),
                to: recipients.to.into_iter().map(Recipient::of).collect(),
                cc: recipients.cc.into_iter().map(Recipient::of).collect(),
            })
        })
        .collect();
    let manifest = Manifest {
        as_of: input.as_of.to_string(),
        month: input.report_month().to_string(),
        organisation: input.settings.organisation.clone(),
        aggregated_pdf: aggregated.output.clone(),
        communities,
    };
    Ok(format!("{}\n", serde_json::to_string_pretty(&manifest)?))
}
