//! The monthly usage email: one per community PDF of the month, from the service, with the PDF
//! attached and the figures of its first box in the body. Unlike seed 002's drafts it holds no
//! placeholder: it is complete and meant to be sent as it is.

use anyhow::{bail, Result};
use lettre::message::Mailbox;
use serde::Serialize;

use super::eml::{self, one_line};
use super::{mailboxes, Draft, DraftInput, Report, Wording};
use crate::calendar::Month;
use crate::figures::emails::EmailKind;
use crate::figures::month::CommunityMonth;
use crate::present::codes::email_slug;
use crate::present::format::{h, long_date, month_name, short_name, Totals};
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
    /// What the community is asked to act on: the report's points, in the same words.
    asks: Vec<String>,
    /// Its hours in all, under the report's names; overrun and outside empty when zero.
    in_all: Totals,
    file: String,
}

#[derive(Serialize)]
struct HoursLine {
    hours: String,
    allocation: String,
    date: String,
}

/// One usage email per community with a report, in community order. The figures are those of
/// the book's month (`input.month_report`), the PDF's own.
pub(super) fn usage_emails(
    input: &DraftInput<'_>,
    wording: &Wording,
    paths: &Communities,
    from: Option<&Mailbox>,
) -> Result<Vec<Draft>> {
    let Some(month_report) = input.month_report else { return Ok(Vec::new()) };
    let with_report: Vec<(&CommunityMonth, &Report)> = month_report
        .communities
        .iter()
        .filter_map(|community| input.reports.get(&community.community).map(|report| (community, report)))
        .collect();
    if with_report.is_empty() {
        return Ok(Vec::new());
    }
    let Some(from) = from else {
        bail!("usage emails are sent as they are and need a From: give --from or set email_from in settings.toml");
    };
    // Nobody to send it to: the manifest's warnings already name the community.
    with_report
        .into_iter()
        .filter(|(community, _)| !community.recipients.to.is_empty())
        .map(|(community, report)| {
            let slug = &paths[community.engagement].slug;
            usage_email(input, wording, community, report, from, slug)
        })
        .collect()
}

fn usage_email(
    input: &DraftInput<'_>,
    wording: &Wording,
    community: &CommunityMonth,
    report: &Report,
    from: &Mailbox,
    slug: &str,
) -> Result<Draft> {
    let context = context(input, wording, community, report)?;
    let (subject, body) = wording.render(EmailKind::Usage, &context)?;
    let name = &input.dataset.engagements[community.engagement].community;
    let message = eml::Message {
        from: Some(from.clone()),
        to: mailboxes(input.dataset, &community.recipients.to)?,
        cc: mailboxes(input.dataset, &community.recipients.cc)?,
        subject,
        body,
        date: input.figures.as_of,
        id: eml::message_id(&[
            &input.settings.organisation,
            name,
            &report.month.to_string(),
            email_slug(EmailKind::Usage),
        ]),
        attachment: Some(eml::Attachment { file_name: &report.file_name, pdf: &report.pdf }),
        draft: false,
    };
    Ok(Draft {
        kind: EmailKind::Usage,
        path: format!("{}-{slug}-{}.eml", email_slug(EmailKind::Usage), report.month),
        eml: message.encode()?,
        attached: Some(report.file_name.clone()),
    })
}

fn context(
    input: &DraftInput<'_>,
    wording: &Wording,
    community: &CommunityMonth,
    report: &Report,
) -> Result<UsageContext> {
    let dataset = input.dataset;
    let name = &dataset.engagements[community.engagement].community;
    let short = |allocation| one_line(&short_name(&dataset.allocations[allocation].name, name));
    let allowance = &community.allowance;
    let previous_month = Month::of(report.month.first_day().pred_opt().expect("a day before"));
    let hours = &community.hours;
    Ok(UsageContext {
        organisation: one_line(&input.settings.organisation),
        service: one_line(&input.settings.service_name),
        community: one_line(name),
        month: month_name(report.month),
        as_of: long_date(report.as_of),
        previous_month: month_name(previous_month),
        greeting: community.recipients.to.iter().map(|id| one_line(&dataset.contacts[*id].name)).collect(),
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
        worked: h(community.month.hours),
        previous: h(community.month.previous),
        providers: allowance.providers.iter().map(|p| one_line(p)).collect(),
        asks: community
            .asks
            .iter()
            .map(|reason| wording.community_reason(dataset, reason).map(|text| one_line(&text)))
            .collect::<Result<_>>()?,
        in_all: Totals::of(hours),
        file: report.file_name.clone(),
    })
}
