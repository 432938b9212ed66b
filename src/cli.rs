//! Command-line arguments, parsed first and then turned into validated settings in one place.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::calendar::Month;
use crate::hours::Hours;
use crate::settings::{Settings, SlashDates, SETTINGS_FILE};

#[derive(Debug, Parser)]
#[command(
    name = "ces-report",
    version,
    about = "Community Enablement Service reports from Airtable CSV exports"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate the exports: print every error and warning, exit 1 on errors.
    Check {
        #[command(flatten)]
        data: DataArgs,
    },
    /// Print each engagement's status and hours, what starts soon and what is unlogged.
    Summary {
        #[command(flatten)]
        data: DataArgs,
        #[command(flatten)]
        as_of: AsOfArgs,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        #[command(flatten)]
        templates: TemplateArgs,
    },
    /// What changed since the last meeting (seed 002's biweekly review): the state as of the
    /// as-of date against the state on --since as it was known then: status changes, findings
    /// new and resolved, hours logged, allocations started, ended and starting before the next
    /// meeting, contracts entering the renewal window or ending.
    Changes {
        #[command(flatten)]
        data: DataArgs,
        /// The last meeting (YYYY-MM-DD) [default: from [meeting] in the settings, two weeks
        /// before the as-of date].
        #[arg(long, value_name = "DATE", value_parser = parse_date)]
        since: Option<NaiveDate>,
        /// The date compared (YYYY-MM-DD) [default: today].
        #[arg(long, value_name = "DATE", value_parser = parse_date)]
        as_of: Option<NaiveDate>,
        /// An earlier export of the same base, as pulled on --since: the state then, and the
        /// rows edited, added or deleted between the two.
        #[arg(long, value_name = "OLD_DATA")]
        before: Option<PathBuf>,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        #[command(flatten)]
        templates: TemplateArgs,
    },
    /// Business Development's check: can H more hours between two dates be committed safely?
    WhatIf {
        #[command(flatten)]
        data: DataArgs,
        /// Hours to commit.
        #[arg(long, value_parser = parse_hours)]
        hours: Hours,
        /// First day of the new commitment (YYYY-MM-DD).
        #[arg(long, value_name = "DATE", value_parser = parse_date)]
        from: NaiveDate,
        /// Last day of the new commitment (YYYY-MM-DD).
        #[arg(long, value_name = "DATE", value_parser = parse_date)]
        to: NaiveDate,
        /// The date asked on: the part of the period before it does not count (YYYY-MM-DD)
        /// [default: today].
        #[arg(long, value_name = "DATE", value_parser = parse_date)]
        as_of: Option<NaiveDate>,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        #[command(flatten)]
        templates: TemplateArgs,
    },
    /// Expand each project's "Up to N hours / month|quarter|year" into one allocation per
    /// period, as CSV rows to import into Airtable (only the periods not yet allocated).
    Plan {
        #[command(flatten)]
        data: DataArgs,
        /// Periods that ended before this date are not proposed (YYYY-MM-DD) [default: today].
        #[arg(long, value_name = "DATE", value_parser = parse_date)]
        as_of: Option<NaiveDate>,
        /// List every period: past ones, and those already allocated (with the allocation).
        #[arg(long)]
        all: bool,
        /// Keep the full hours in a period cut by the project's dates (default: pro-rated by
        /// working days, to the nearest half hour).
        #[arg(long)]
        no_prorate: bool,
    },
    /// Draft seed 002's P&S initiatives: one per allocation starting within two iterations
    /// (`windows.upcoming_days`, 28 days) or active, with a stable title, labels, and a body
    /// listing the provider's tasks with their due dates. No network call: a script creates
    /// the issues from the JSON.
    Initiatives {
        #[command(flatten)]
        data: DataArgs,
        /// The date the drafts are made on (YYYY-MM-DD) [default: today].
        #[arg(long, value_name = "DATE", value_parser = parse_date)]
        as_of: Option<NaiveDate>,
        /// Write one Markdown body per initiative and initiatives.json into DIR instead of
        /// printing (a folder ces-report wrote before, an empty one or a new one).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// What to print without --out [default: md].
        #[arg(long, value_enum, conflicts_with = "out")]
        format: Option<DraftFormat>,
        #[command(flatten)]
        templates: TemplateArgs,
    },
    /// Business Development's check-in brief for one community (seed 000): its engagement,
    /// days to renewal, hours delivered in all and per quarter, who worked with it, the kinds
    /// of work, notable months, open findings and the check-in questions, as Markdown and a
    /// one- or two-page PDF. Internal; never names a Billing contact.
    Brief {
        #[command(flatten)]
        data: DataArgs,
        /// The community: its name as in Airtable (any case) or its file name
        /// (`rio-claro-data-society`).
        #[arg(long, value_name = "NAME")]
        community: String,
        /// The date the brief is made on (YYYY-MM-DD) [default: today].
        #[arg(long, value_name = "DATE", value_parser = parse_date)]
        as_of: Option<NaiveDate>,
        /// Folder to write the brief into (a folder ces-report wrote before, an empty one or a
        /// new one) [default: briefs/<community>].
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Write the Markdown and the PDF's MyST project only; do not build the PDF.
        #[arg(long)]
        no_pdf: bool,
        #[command(flatten)]
        templates: TemplateArgs,
    },
    /// Write the MyST project (site pages, charts, downloads, PDF projects) for the figures.
    Build {
        #[command(flatten)]
        data: DataArgs,
        #[command(flatten)]
        as_of: AsOfArgs,
        #[command(flatten)]
        book: BookArgs,
    },
    /// The whole job: build the book, every PDF and the site content, then report what was written.
    Render {
        #[command(flatten)]
        data: DataArgs,
        #[command(flatten)]
        as_of: AsOfArgs,
        #[command(flatten)]
        book: BookArgs,
        /// PDFs built at the same time [default: the number of cores].
        #[arg(long, value_name = "N")]
        jobs: Option<usize>,
        /// Build the themed HTML site (`myst build --html`, downloads the theme: needs network)
        /// instead of the offline site content.
        #[arg(long)]
        html: bool,
    },
    /// Read the base's six tables through Airtable's Web API into the CSV files every other
    /// command reads, with the same columns and cells as Airtable's export. The token comes from
    /// AIRTABLE_TOKEN.
    Pull {
        /// The base's id (appXXXXXXXXXXXXXX).
        #[arg(long, value_name = "BASE_ID")]
        base: String,
        /// The folder to write the tables into; it is replaced as a whole.
        #[arg(long, value_name = "DIR", default_value = "exports")]
        out: PathBuf,
        /// The API's address, for tests and proxies (plain http only to this machine).
        #[arg(long, value_name = "URL", default_value = crate::pull::DEFAULT_API)]
        api_url: String,
        /// The settings file whose [airtable] section names the tables and views [default:
        /// settings.toml in the --out folder, if there is one].
        #[arg(long, value_name = "FILE")]
        settings: Option<PathBuf>,
    },
    /// Seed 002's introduction and wrap-up emails due as of a date, as drafts (.eml) ready to
    /// open in a mail client or send.
    Emails(EmailsArgs),
    /// Send the complete messages (.eml) of a folder over SMTP, each at most once: drafts that
    /// still need a person are skipped; a message whose outcome is unknown is listed, not
    /// resent. Without --smtp (or with --dry-run) it only says what it would send.
    Send {
        /// The folder of messages, as `emails` writes it.
        dir: PathBuf,
        /// The server: smtps://[user[:password]@]host[:port], or smtp://… with STARTTLS (plain
        /// only to localhost). Without a password in the URL it is read from CES_SMTP_PASSWORD.
        #[arg(long, value_name = "URL")]
        smtp: Option<String>,
        /// Say what would be sent, and send nothing.
        #[arg(long)]
        dry_run: bool,
        /// Where the sent messages are recorded [default: DIR/.ces-report-sent]; keep it between
        /// runs so that nothing is sent twice. Its folder must exist.
        #[arg(long, value_name = "FILE")]
        ledger: Option<PathBuf>,
        /// Send this message of DIR again although the ledger has it as sent or as being sent
        /// (an unknown outcome: check with a recipient first). May be repeated.
        #[arg(long, value_name = "FILE")]
        resend: Vec<PathBuf>,
        /// Record this message of DIR as sent without sending it (an unknown outcome that a
        /// recipient confirmed). May be repeated.
        #[arg(long, value_name = "FILE")]
        mark_sent: Vec<PathBuf>,
    },
    /// Copy the default templates into DIR, to edit them and pass `--templates DIR`.
    Templates {
        /// Folder to write the templates to (must not exist yet).
        dir: PathBuf,
    },
}

/// What `emails` drafts and where.
#[derive(Debug, Args)]
pub struct EmailsArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// The date the emails are due on and dated (YYYY-MM-DD) [default: today].
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub as_of: Option<NaiveDate>,
    /// Folder for the drafts; the previous drafts there are replaced.
    #[arg(long, value_name = "DIR", default_value = "emails")]
    pub out: PathBuf,
    /// The rendered book whose community PDFs are attached: to the wrap-ups of allocations that
    /// ended in its month, and to the usage emails. It must be made from the same data
    /// [default: book, skipped with a warning when made from other data].
    #[arg(long, value_name = "DIR")]
    pub book: Option<PathBuf>,
    /// Also write each community's usage email for this month (YYYY-MM), with its PDF from the
    /// book, which must be that month's. They need a From: --from or email_from in settings.
    #[arg(long, value_name = "YYYY-MM", value_parser = parse_month)]
    pub month: Option<Month>,
    /// The From of every email, e.g. "Ana Silva <ana@example.org>" [default: email_from in
    /// settings.toml, else none on the drafts: the mail client fills it in].
    #[arg(long, value_name = "ADDRESS", value_parser = parse_mailbox)]
    pub from: Option<lettre::message::Mailbox>,
    /// Link to the report, for the wrap-ups whose community has no PDF in the book.
    #[arg(long, value_name = "URL", value_parser = parse_link)]
    pub report_url: Option<String>,
    /// Link to the feedback form, for the wrap-ups: `{community}` and `{allocation}` in it are
    /// filled in, URL-encoded, as a pre-filled Google Form [default: feedback_url in the
    /// settings].
    #[arg(long, value_name = "URL", value_parser = parse_link)]
    pub feedback_url: Option<String>,
    #[command(flatten)]
    pub templates: TemplateArgs,
}

/// Where the MyST project goes and which templates make it.
#[derive(Debug, Args)]
pub struct BookArgs {
    /// Output folder for the MyST project.
    #[arg(long, value_name = "DIR", default_value = "book")]
    pub out: PathBuf,
    #[command(flatten)]
    pub templates: TemplateArgs,
}

/// Which templates word the output.
#[derive(Debug, Args)]
pub struct TemplateArgs {
    /// Folder of templates overriding the built-in ones, file by file.
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
}

impl TemplateArgs {
    /// The templates, with a warning for each override file that replaces none.
    pub fn load(&self) -> Result<crate::templates::TemplateSet> {
        let set = crate::templates::TemplateSet::load(self.templates.as_deref())?;
        for path in &set.unmatched {
            crate::say!(
                "warning: --templates: {path} is not the name of a template, so it changes nothing (ces-report templates DIR lists them)",
            );
        }
        Ok(set)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

/// How `initiatives` prints its drafts: Markdown to read, JSON for a script.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DraftFormat {
    Md,
    Json,
}

/// Where the data is and how to read it.
#[derive(Debug, Args)]
pub struct DataArgs {
    /// Folder holding the CSV exports (engagements.csv, projects.csv, …).
    pub data: PathBuf,
    /// Settings file [default: DATA/settings.toml when present].
    #[arg(long, value_name = "FILE")]
    pub settings: Option<PathBuf>,
    /// How to read slash dates such as 1/2/2025 (overrides the settings file).
    #[arg(long, value_enum, value_name = "ORDER")]
    pub slash_dates: Option<SlashDates>,
    /// Leave out activities logged (Created) after this date, to reproduce a report as it was
    /// sent [default: every row of the export].
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub known_at: Option<NaiveDate>,
}

impl DataArgs {
    pub fn settings(&self) -> Result<Settings> {
        let path = self.settings.clone().unwrap_or_else(|| self.data.join(SETTINGS_FILE));
        if self.settings.is_some() && !path.exists() {
            bail!("settings file {} does not exist", path.display());
        }
        let mut settings = Settings::load_optional(&path)?;
        crate::load::check_column_names(&settings.columns)
            .with_context(|| format!("{} is not valid", path.display()))?;
        if let Some(order) = self.slash_dates {
            settings.slash_dates = order;
        }
        Ok(settings)
    }

    /// The settings file in use, if there is one.
    pub fn settings_file(&self) -> Option<PathBuf> {
        let path = self.settings.clone().unwrap_or_else(|| self.data.join(SETTINGS_FILE));
        path.is_file().then_some(path)
    }

    pub fn folder(&self) -> Result<&Path> {
        if self.data.is_file() {
            bail!(
                "{} is a file, not a folder: give the folder that holds the CSV exports (engagements.csv, …)",
                self.data.display()
            );
        }
        if !self.data.is_dir() {
            bail!("data folder {} does not exist", self.data.display());
        }
        Ok(&self.data)
    }
}

/// A date given on the command line; a bad one is a usage error (exit 2) like any other.
fn parse_date(text: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| "expected a date such as 2026-10-31".to_string())
}

/// One address, with or without a name; never a second line.
fn parse_mailbox(text: &str) -> Result<lettre::message::Mailbox, String> {
    let expected = "expected one email address such as ana@example.org or \"Ana Silva <ana@example.org>\"";
    if text.contains(['\n', '\r']) {
        return Err(expected.to_string());
    }
    text.parse().map_err(|_| expected.to_string())
}

/// A link that goes into an email body as it is: one word, no spaces or control characters.
fn parse_link(text: &str) -> Result<String, String> {
    if text.is_empty() || text.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("expected a link without spaces, such as https://example.org/form".to_string());
    }
    Ok(text.to_string())
}

fn parse_month(text: &str) -> Result<Month, String> {
    Month::parse(text).ok_or_else(|| "expected a month such as 2026-10".to_string())
}

fn parse_hours(text: &str) -> Result<Hours, String> {
    match Hours::parse(text) {
        Ok(hours) if hours > Hours::ZERO => Ok(hours),
        Ok(_) => Err("expected a number of hours above 0".to_string()),
        Err(problem) => Err(problem.expected()),
    }
}

/// The date the figures are computed as of.
#[derive(Debug, Args)]
#[group(multiple = false)]
pub struct AsOfArgs {
    /// Compute figures as of this date (YYYY-MM-DD) [default: today].
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub as_of: Option<NaiveDate>,
    /// Monthly report: figures as of the month's last day, the month's activity highlighted.
    #[arg(long, value_name = "YYYY-MM", value_parser = parse_month)]
    pub month: Option<Month>,
}

impl AsOfArgs {
    /// The as-of date and, for `--month`, the month. The wall clock is read only when neither
    /// flag is given.
    pub fn resolve(&self) -> (NaiveDate, Option<Month>) {
        match (self.as_of, self.month) {
            (Some(date), _) => (date, None),
            (None, Some(month)) => (month.last_day(), Some(month)),
            (None, None) => (chrono::Local::now().date_naive(), None),
        }
    }
}
