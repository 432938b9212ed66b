//! The monthly usage email: one per community PDF of the month, from the service, with the PDF
//! attached and the figures of its first box in the body. Unlike seed 002's drafts it holds no
//! placeholder: it is complete and meant to be sent as it is.

use anyhow::{bail, Result};
use lettre::message::Mailbox;
use serde::Serialize;

use super::eml::{self, one_line};
use super::{mailboxes, Draft, DraftInput, Report, Wording};
use crate::calendar::Month;
use crate::figures::allowance::{allowance, month_delivery};
use crate::figures::communities::Community;
use crate::figures::delivery::counted_activities;
use crate::figures::emails::EmailKind;
use crate::figures::report::recipients;
use crate::figures::Figures;
use crate::model::CommunityId;
use crate::present::format::{h, long_date, month_name, short_name};
use crate::site::layout::Communities;

#[derive(Serialize)]
struct UsageContext {
    organisation: String,
    service: String,
    community: String,
    month: String,
    /// The date the report's figures are as of.
    as_of: String,
    previous_month: String,
    greeting: Vec<String>,
    /// Hours left to use now, per allocation, the soonest use-by date first.
    usable: Vec<HoursLine>,
    /// Hours of allocations not started yet, the soonest first.
    coming: Vec<HoursLine>,
    /// Hours worked in the month and the month before.
    worked: String,
    previous: String,
    /// Who to reach: the providers of those allocations.
    providers: Vec<String>,
    file: String,
}

#[derive(Serialize)]
struct HoursLine {
    hours: String,
    allocation: String,
    date: String,
}

/// One usage email per community with a report, in community order. The figures are those of
/// the book's date (`input.report_figures`), the PDF's own.
pub(super) fn usage_emails(
    input: &DraftInput<'_>,
    wording: &Wording,
    paths: &Communities,
    from: Option<&Mailbox>,
) -> Result<Vec<Draft>> {
    let figures = input.report_figures.unwrap_or(input.figures);
    let with_report: Vec<(CommunityId, &Community, &Report)> = figures
        .communities
        .iter_enumerated()
        .filter_map(|(id, community)| input.reports.get(&id).map(|report| (id, community, report)))
        .collect();
    if with_report.is_empty() {
        return Ok(Vec::new());
    }
    let Some(from) = from else {
        bail!("usage emails are sent as they are and need a From: give --from or set email_from in settings.toml");
    };
    // Nobody to send it to: the manifest's warnings already name the community.
    let with_report = with_report
        .into_iter()
        .filter(|(_, community, _)| !recipients(input.dataset, community.current).to.is_empty());
    with_report
        .map(|(_, community, report)| {
            let slug = &paths[community.current].slug;
            usage_email(input, figures, wording, community, report, from, slug)
        })
        .collect()
}

fn usage_email(
    input: &DraftInput<'_>,
    figures: &Figures,
    wording: &Wording,
    community: &Community,
    report: &Report,
    from: &Mailbox,
    slug: &str,
) -> Result<Draft> {
    let context = context(input, figures, community, report);
    let (subject, body) = wording.render(EmailKind::Usage, &context)?;
    let recipients = recipients(input.dataset, community.current);
    let message = eml::Message {
        from: Some(from.clone()),
        to: mailboxes(&recipients.to)?,
        cc: mailboxes(&recipients.cc)?,
        subject,
        body,
        date: input.figures.as_of,
        id: eml::message_id(&[
            &input.settings.organisation,
            &community.name,
            &report.month.to_string(),
            EmailKind::Usage.slug(),
        ]),
        attachment: Some(eml::Attachment { file_name: &report.file_name, pdf: &report.pdf }),
        draft: false,
    };
    Ok(Draft {
        kind: EmailKind::Usage,
        path: format!("{}-{slug}-{}.eml", EmailKind::Usage.slug(), report.month),
        eml: message.encode()?,
        attached: Some(report.file_name.clone()),
    })
}

fn context(
    input: &DraftInput<'_>,
    figures: &Figures,
    community: &Community,
    report: &Report,
) -> UsageContext {
    let dataset = input.dataset;
    let engagement = community.current;
    let short = |allocation| one_line(&short_name(&dataset.allocations[allocation].name, &community.name));
    let allowance = allowance(dataset, figures, engagement);
    let activities = counted_activities(dataset, engagement, figures.as_of);
    let month = month_delivery(dataset, &activities, report.month, figures.as_of, &figures.calendar);
    let previous_month = Month::of(report.month.first_day().pred_opt().expect("a day before"));
    UsageContext {
        organisation: one_line(&input.settings.organisation),
        service: one_line(&input.settings.service_name),
        community: one_line(&community.name),
        month: month_name(report.month),
        as_of: long_date(report.as_of),
        previous_month: month_name(previous_month),
        greeting: recipients(dataset, engagement).to.iter().map(|c| one_line(&c.name)).collect(),
        usable: allowance
            .usable
            .iter()
            .map(|u| HoursLine {
                hours: h(u.left),
                allocation: short(u.allocation),
                date: long_date(u.use_by),
            })
            .collect(),
        coming: allowance
            .coming
            .iter()
            .map(|c| HoursLine {
                hours: h(c.hours),
                allocation: short(c.allocation),
                date: long_date(c.from),
            })
            .collect(),
        worked: h(month.hours),
        previous: h(month.previous),
        providers: allowance.providers.iter().map(|p| one_line(p)).collect(),
        file: report.file_name.clone(),
    }
}
