//! Command-line arguments, parsed first and then turned into validated settings in one place.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::figures::calendar::Month;
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
    },
    /// Business Development's check: can H more hours between two dates be committed safely?
    WhatIf {
        #[command(flatten)]
        data: DataArgs,
        /// Hours to commit.
        #[arg(long)]
        hours: f64,
        /// First day of the new commitment (YYYY-MM-DD).
        #[arg(long, value_name = "DATE")]
        from: String,
        /// Last day of the new commitment (YYYY-MM-DD).
        #[arg(long, value_name = "DATE")]
        to: String,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Expand each project's "Up to N hours / month|quarter|year" into one allocation per
    /// period, as CSV rows to import into Airtable (only the periods not yet allocated).
    Plan {
        #[command(flatten)]
        data: DataArgs,
        /// Also list the periods that already have an allocation.
        #[arg(long)]
        all: bool,
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
    /// Copy the default templates into DIR, to edit them and pass `--templates DIR`.
    Templates {
        /// Folder to write the templates to (must not exist yet).
        dir: PathBuf,
    },
}

/// Where the MyST project goes and which templates make it.
#[derive(Debug, Args)]
pub struct BookArgs {
    /// Output folder for the MyST project.
    #[arg(long, value_name = "DIR", default_value = "book")]
    pub out: PathBuf,
    /// Folder of templates overriding the built-in ones, file by file.
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
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
}

impl DataArgs {
    pub fn settings(&self) -> Result<Settings> {
        let path = self.settings.clone().unwrap_or_else(|| self.data.join(SETTINGS_FILE));
        if self.settings.is_some() && !path.exists() {
            bail!("settings file {} does not exist", path.display());
        }
        let mut settings = Settings::load_optional(&path)?;
        if let Some(order) = self.slash_dates {
            settings.slash_dates = order;
        }
        Ok(settings)
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

/// A date given on the command line.
pub fn parse_date_flag(flag: &str, text: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .with_context(|| format!("{flag} `{text}`: expected a date such as 2026-10-31"))
}

/// The date the figures are computed as of.
#[derive(Debug, Args)]
#[group(multiple = false)]
pub struct AsOfArgs {
    /// Compute figures as of this date (YYYY-MM-DD) [default: today].
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
    /// Monthly report: figures as of the month's last day, the month's activity highlighted.
    #[arg(long, value_name = "YYYY-MM")]
    pub month: Option<String>,
}

impl AsOfArgs {
    /// The as-of date and, for `--month`, the month. The wall clock is read only when neither
    /// flag is given.
    pub fn resolve(&self) -> Result<(NaiveDate, Option<Month>)> {
        if let Some(text) = &self.as_of {
            return Ok((parse_date_flag("--as-of", text)?, None));
        }
        if let Some(text) = &self.month {
            let month = Month::parse(text)
                .with_context(|| format!("--month `{text}`: expected a month such as 2026-10"))?;
            return Ok((month.last_day(), Some(month)));
        }
        Ok((chrono::Local::now().date_naive(), None))
    }
}
