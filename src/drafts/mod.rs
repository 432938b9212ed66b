//! Stage 4, email: seed 002's introduction and wrap-up emails as drafts ready to send, one
//! RFC 5322 `.eml` file each. Which emails are due and what each lacks is decided in
//! [`crate::figures::emails`]; here they are worded (`templates/emails/*.txt.j2`) and encoded
//! ([`eml`]). Nothing here touches the disk: the book's reports come in as bytes.
//!
//! A due email that lacks a provider, a Technical contact or a project description is not
//! drafted: it becomes a warning naming what is missing.

pub(crate) mod addresses;
mod eml;
pub mod outbox;
mod usage;

use std::collections::HashMap;

use anyhow::{Context, Result};
use chrono::NaiveDate;
use lettre::message::Mailbox;
use serde::Serialize;

use crate::calendar::Month;
use crate::figures::emails::{DueEmail, EmailKind, Missing};
use crate::figures::month;
use crate::figures::status::Reason;
use crate::figures::Figures;
use crate::load::{allocations, projects};
use crate::model::{CommunityId, ContactId, Dataset, Id};
use crate::present::codes::email_slug;
use crate::present::format::{h, h_or_blank, month_name, title_and_body};
use crate::present::Phrases;
use crate::settings::Settings;
use crate::site::layout::Communities;
use crate::site::{layout, slug};
use crate::templates::{Engine, TemplateSet};

use self::eml::one_line;

/// Longest allocation slug in a draft's file name, in characters.
const SLUG_LIMIT: usize = 80;

/// What the sender chose on the command line.
#[derive(Debug, Clone, Default)]
pub struct DraftOptions {
    /// The From of every draft; none: the sender's mail tool fills it in.
    pub from: Option<Mailbox>,
    /// Where the reports are, for wrap-ups with no report to attach.
    pub report_url: Option<String>,
    /// The feedback form (seed 002's request for feedback).
    pub feedback_url: Option<String>,
}

/// A community's report from the book, to attach to its wrap-ups and its usage email.
#[derive(Debug, Clone)]
pub struct Report {
    /// The month it covers.
    pub month: Month,
    /// The date its figures are as of.
    pub as_of: NaiveDate,
    /// The attachment's file name: `<community>-<month>.pdf`.
    pub file_name: String,
    pub pdf: Vec<u8>,
}

/// What the drafts are made from.
pub struct DraftInput<'a> {
    pub dataset: &'a Dataset,
    pub figures: &'a Figures,
    pub settings: &'a Settings,
    pub options: &'a DraftOptions,
    /// Each community's report in the book, when there is one.
    pub reports: &'a HashMap<CommunityId, Report>,
    /// The figures as of the book's date, when there is a book: what its reports state, and so
    /// what an email that attaches one states.
    pub report_figures: Option<&'a Figures>,
    /// The book's month, as its reports state it: what the usage emails say.
    pub month_report: Option<&'a month::Report>,
}

/// One email, ready to open in a mail client.
#[derive(Debug, Clone)]
pub struct Draft {
    pub kind: EmailKind,
    /// The file name in the drafts folder ([`layout::email_draft`]).
    pub path: String,
    pub eml: Vec<u8>,
    /// The attached report's file name.
    pub attached: Option<String>,
}

/// The drafts written and the emails that could not be drafted, as warnings.
#[derive(Debug, Default)]
pub struct Drafts {
    pub drafts: Vec<Draft>,
    pub warnings: Vec<String>,
}

/// Drafts for every email in `due` that can be complete, and a warning for each that cannot.
pub fn drafts(input: &DraftInput<'_>, due: &[DueEmail], templates: &TemplateSet) -> Result<Drafts> {
    let wording = Wording::new(templates)?;
    let (slugs, _) = slug::unique_slugs(
        input.dataset.allocations.iter().map(|a| (a.name.as_str(), a.name.as_str())),
        SLUG_LIMIT,
    );
    let business_development = business_development(input.settings)?;
    let mut out = Drafts::default();
    for email in due {
        if !email.missing.is_empty() {
            out.warnings.push(not_drafted(input.dataset, email));
            continue;
        }
        let path = layout::email_draft(email_slug(email.kind), &slugs[email.allocation.index()]);
        let report = report_for(input, email, &mut out.warnings);
        out.drafts.push(draft(input, &wording, email, report, business_development.as_ref(), path)?);
    }
    let wrap_ups = out.drafts.iter().any(|draft| draft.kind == EmailKind::WrapUp);
    if wrap_ups && business_development.is_none() {
        out.warnings.push(
            "the wrap-ups are not copied to Business Development: set business_development_email in settings.toml"
                .to_string(),
        );
    }
    Ok(out)
}

/// The month's usage emails: one per community with a report in the book (see [`usage`]).
/// Their From is `--from`, else `email_from` in the settings; without either they are an error.
pub fn usage_emails(
    input: &DraftInput<'_>,
    templates: &TemplateSet,
    paths: &Communities,
) -> Result<Vec<Draft>> {
    let wording = Wording::new(templates)?;
    usage::usage_emails(input, &wording, paths, sender(input)?.as_ref())
}

/// The From: `--from`, else `email_from` in the settings, else none.
fn sender(input: &DraftInput<'_>) -> Result<Option<Mailbox>> {
    match (&input.options.from, &input.settings.email_from) {
        (Some(from), _) => Ok(Some(from.clone())),
        (None, Some(text)) => {
            text.parse::<Mailbox>().map(Some).context("email_from in settings.toml is not one email address")
        }
        (None, None) => Ok(None),
    }
}

fn business_development(settings: &Settings) -> Result<Option<Mailbox>> {
    settings
        .business_development_email
        .as_deref()
        .map(|text| text.parse::<Mailbox>().context("business_development_email is not one email address"))
        .transpose()
}

/// The report a wrap-up attaches: its community's, when the book is of the month the allocation
/// ended in; a book of another month is named in a warning, never attached.
fn report_for<'a>(
    input: &DraftInput<'a>,
    email: &DueEmail,
    warnings: &mut Vec<String>,
) -> Option<&'a Report> {
    if email.kind != EmailKind::WrapUp {
        return None;
    }
    let allocation = &input.dataset.allocations[email.allocation];
    let report = input.reports.get(&input.figures.community_of[allocation.engagement])?;
    if email.ended_in == report.month {
        return Some(report);
    }
    warnings.push(format!(
        "the wrap-up of allocation \"{}\" has no report attached: the allocation ended in {}, the book's report is for {}",
        allocation.name,
        month_name(Month::of(allocation.end)),
        month_name(report.month)
    ));
    None
}

/// One complete draft.
fn draft(
    input: &DraftInput<'_>,
    wording: &Wording,
    email: &DueEmail,
    report: Option<&Report>,
    business_development: Option<&Mailbox>,
    path: String,
) -> Result<Draft> {
    let allocation = &input.dataset.allocations[email.allocation];
    let engagement = allocation.engagement;
    let context = EmailContext::new(input, email, report);
    let (subject, body) = wording.render(email.kind, &context)?;
    let recipients = &email.recipients;
    let mut cc = mailboxes(input.dataset, &recipients.cc)?;
    if email.kind == EmailKind::WrapUp {
        cc.extend(business_development.filter(|bd| !cc.iter().any(|m| m.email == bd.email)).cloned());
    }
    let message = eml::Message {
        from: sender(input)?,
        to: mailboxes(input.dataset, &recipients.to)?,
        cc,
        subject,
        body,
        date: input.figures.as_of,
        id: eml::message_id(&[
            &input.settings.organisation,
            &input.dataset.engagements[engagement].name,
            &allocation.name,
            email_slug(email.kind),
        ]),
        attachment: report.map(|report| eml::Attachment { file_name: &report.file_name, pdf: &report.pdf }),
        draft: true,
    };
    Ok(Draft {
        kind: email.kind,
        path,
        eml: message.encode()?,
        attached: report.map(|report| report.file_name.clone()),
    })
}

/// Contacts as mailboxes: the name on one line, the address as validated at load.
pub(super) fn mailboxes(dataset: &Dataset, contacts: &[ContactId]) -> Result<Vec<Mailbox>> {
    contacts
        .iter()
        .map(|id| {
            let contact = &dataset.contacts[*id];
            let address = contact.email.parse().with_context(|| {
                format!("contact {}: email {} is not an address", contact.name, contact.email)
            })?;
            let name = one_line(&contact.name);
            Ok(Mailbox::new((!name.is_empty()).then_some(name), address))
        })
        .collect()
}

/// `no wrap-up drafted for allocation "…": no provider assigned (allocations.csv line 9, …)`.
fn not_drafted(dataset: &Dataset, email: &DueEmail) -> String {
    let allocation = &dataset.allocations[email.allocation];
    let project = dataset.project_of(email.allocation);
    let reasons: Vec<String> = email
        .missing
        .iter()
        .map(|missing| match missing {
            Missing::Provider => format!(
                "no provider assigned ({} line {}, column \"{}\")",
                allocations::SPEC.file,
                allocation.line,
                allocations::PROVIDER.name
            ),
            Missing::TechnicalContact => format!(
                "engagement \"{}\" has no Technical contact with an email address (contacts.csv)",
                dataset.engagements[allocation.engagement].name
            ),
            Missing::ProjectDescription => format!(
                "project \"{}\" has no description ({} line {}, column \"{}\")",
                project.name,
                projects::SPEC.file,
                project.line,
                projects::DESCRIPTION.name
            ),
        })
        .collect();
    format!(
        "no {} drafted for allocation \"{}\": {}",
        email_slug(email.kind),
        allocation.name,
        reasons.join("; ")
    )
}

/// The feedback form's address with `{community}` and `{allocation}` replaced by those names,
/// percent-encoded, so that the response names what it answers without the community typing
/// it (Google Forms' pre-filled links: `…viewform?usp=pp_url&entry.1={community}&…`).
pub fn prefilled(url: &str, community: &str, allocation: &str) -> String {
    url.replace("{community}", &crate::text::percent_encoded(community))
        .replace("{allocation}", &crate::text::percent_encoded(allocation))
}

/// The values every email template gets; text from the data on one line.
#[derive(Serialize)]
struct EmailContext {
    organisation: String,
    community: String,
    engagement: String,
    project: String,
    allocation: String,
    /// The Technical contacts' names, whom the email is addressed to.
    greeting: Vec<String>,
    provider: String,
    /// Hours available.
    hours: String,
    start: NaiveDate,
    end: NaiveDate,
    /// The first line of the project description.
    objectives: String,
    used: String,
    left: String,
    expired: String,
    overrun: String,
    /// Whether the allocation's end date has passed.
    ended: bool,
    report: ReportContext,
    feedback_url: String,
    next: Option<NextContext>,
}

#[derive(Serialize)]
struct ReportContext {
    attached: bool,
    file: String,
    month: String,
    url: String,
}

/// The project's next allocation, whose provider takes over after a wrap-up.
#[derive(Serialize)]
struct NextContext {
    /// Empty while nobody is assigned.
    provider: String,
    start: NaiveDate,
    end: NaiveDate,
    hours: String,
}

impl EmailContext {
    fn new(input: &DraftInput<'_>, email: &DueEmail, report: Option<&Report>) -> EmailContext {
        let dataset = input.dataset;
        let allocation = &dataset.allocations[email.allocation];
        // With a report attached, its hours: the body and the attachment say the same. Whether
        // the period has ended is the email's day's: hours unused then have expired.
        let as_of_figures = report.and(input.report_figures).unwrap_or(input.figures);
        let figures = &as_of_figures.allocations[email.allocation];
        let ended = input.figures.as_of > allocation.end;
        let unused = figures.hours.left_now + figures.hours.not_started + figures.hours.expired;
        let engagement = &dataset.engagements[allocation.engagement];
        let project = dataset.project_of(email.allocation);
        let (objectives, _) = title_and_body(&project.description);
        EmailContext {
            organisation: one_line(&input.settings.organisation),
            community: one_line(&engagement.community),
            engagement: one_line(&engagement.name),
            project: one_line(&project.name),
            allocation: one_line(&allocation.name),
            greeting: email.recipients.to.iter().map(|id| one_line(&dataset.contacts[*id].name)).collect(),
            provider: one_line(allocation.provider.as_deref().unwrap_or_default()),
            hours: h(allocation.available),
            start: allocation.start,
            end: allocation.end,
            objectives: one_line(&objectives),
            used: h(figures.hours.used),
            left: if ended { String::new() } else { h_or_blank(unused) },
            expired: if ended { h_or_blank(unused) } else { String::new() },
            overrun: h_or_blank(figures.hours.overrun),
            ended,
            report: ReportContext {
                attached: report.is_some(),
                file: report.map(|r| r.file_name.clone()).unwrap_or_default(),
                month: report.map(|r| month_name(r.month)).unwrap_or_default(),
                url: input.options.report_url.clone().unwrap_or_default(),
            },
            feedback_url: input
                .options
                .feedback_url
                .as_deref()
                .or(input.settings.feedback_url.as_deref())
                .map(|url| prefilled(url, &engagement.community, &allocation.name))
                .unwrap_or_default(),
            next: email.next.map(|next| {
                let next = &dataset.allocations[next];
                NextContext {
                    provider: one_line(next.provider.as_deref().unwrap_or_default()),
                    start: next.start,
                    end: next.end,
                    hours: h(next.available),
                }
            }),
        }
    }
}

/// The two email templates: the first line a template renders is the Subject, the rest
/// (after a blank line) the body.
struct Wording {
    engine: Engine,
    /// The reasons' sentences, for what a usage email asks of its community.
    phrases: Phrases,
}

impl Wording {
    fn new(templates: &TemplateSet) -> Result<Wording> {
        let names = [EmailKind::Introduction, EmailKind::WrapUp, EmailKind::Usage].map(template_name);
        let engine =
            Engine::builder(templates).line_syntax(false)?.build(names.iter().map(String::as_str))?;
        Ok(Wording { engine, phrases: Phrases::new(templates)? })
    }

    /// A point the community is asked to act on, as its report words it.
    fn community_reason(&self, dataset: &Dataset, reason: &Reason) -> Result<String> {
        self.phrases.community_reason(dataset, reason)
    }

    /// The Subject and the body of one email.
    fn render(&self, kind: EmailKind, context: &impl Serialize) -> Result<(String, String)> {
        let name = template_name(kind);
        let text = self.engine.render(&name, context)?;
        let text = text.trim_start_matches('\n');
        let (subject, body) = text.split_once('\n').unwrap_or((text, ""));
        anyhow::ensure!(
            !subject.trim().is_empty() && body.starts_with('\n'),
            "template {name}: expected the Subject on the first line, then a blank line, then the body"
        );
        Ok((one_line(subject), tidy_body(body)))
    }
}

fn template_name(kind: EmailKind) -> String {
    format!("emails/{}.txt.j2", email_slug(kind))
}

/// The body with no blank lines at its ends, at most one blank line between paragraphs
/// (where a template's conditions left more), no trailing spaces, and a final line break.
fn tidy_body(body: &str) -> String {
    let mut out = String::new();
    let mut blank_before = false;
    for line in body.trim().lines().map(str::trim_end) {
        if line.is_empty() {
            blank_before = true;
            continue;
        }
        if blank_before {
            out.push('\n');
            blank_before = false;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_keep_one_blank_line_between_paragraphs() {
        assert_eq!(tidy_body("\n\nDear A,\n\n\n\nText  \n\n\nB\n\n"), "Dear A,\n\nText\n\nB\n");
    }
}
