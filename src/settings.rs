//! Settings that are not data: they have defaults, may be overridden by a `settings.toml` in
//! the data folder, and a few by command-line flags.

use std::collections::BTreeSet;
use std::path::Path;

use anyhow::{Context, Result};
use chrono::NaiveDate;
use serde::Deserialize;

/// How to read an ambiguous `1/2/2025`: January 2 (US, Airtable's "Local" default) or 1 February.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, clap::ValueEnum, Default)]
#[serde(rename_all = "lowercase")]
pub enum SlashDates {
    #[default]
    Us,
    Eu,
}

/// Thresholds behind the engagement status rules (seed 002's definitions).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StatusThresholds {
    /// An engagement ending within this many days of the as-of date needs renewal.
    pub renewal_window_days: i64,
    /// A forecast above available × (1 + this / 100) is Action Needed.
    pub forecast_overrun_percent: f64,
    /// Used below this percentage of the expected use is "behind pace".
    pub pace_low_percent: f64,
    /// Used above this percentage of the expected use is "ahead of pace".
    pub pace_high_percent: f64,
    /// Pace and forecast are judged only once this many working days have elapsed: early in
    /// an allocation one busy day would look like a runaway.
    pub pace_min_elapsed_working_days: u32,
    /// An overrun keeps the engagement Action Needed while its allocation's window is open and
    /// this many days after it closes; after that it is history.
    pub overrun_days_after_end: i64,
}

impl Default for StatusThresholds {
    fn default() -> Self {
        StatusThresholds {
            renewal_window_days: 60,
            forecast_overrun_percent: 10.0,
            pace_low_percent: 50.0,
            pace_high_percent: 150.0,
            pace_min_elapsed_working_days: 10,
            overrun_days_after_end: 30,
        }
    }
}

/// Windows for the reminders on the dashboard and in the terminal summary.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Windows {
    /// Allocations starting within this many days are "upcoming" (two iterations).
    pub upcoming_days: i64,
    /// Allocations ending within this many days are "ending soon".
    pub ending_soon_days: i64,
    /// An activity logged more than this many days after it ended was logged late.
    pub late_logging_days: i64,
    /// An active allocation with no activity in this many days gets a reminder.
    pub quiet_days: i64,
}

impl Default for Windows {
    fn default() -> Self {
        Windows { upcoming_days: 28, ending_soon_days: 30, late_logging_days: 14, quiet_days: 14 }
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// The organisation named on reports.
    pub organisation: String,
    /// The service's name in titles, headers and emails (2i2c renamed "Community Enablement
    /// Service" to "Community Success Hours" in 2026).
    pub service_name: String,
    pub slash_dates: SlashDates,
    /// Days off besides weekends; they are not working days. In the file, TOML dates
    /// (`2025-12-25`) or strings (`"2025-12-25"`).
    #[serde(deserialize_with = "holiday_dates")]
    pub holidays: BTreeSet<NaiveDate>,
    /// Hours in one full-time-equivalent working day.
    pub hours_per_fte_day: f64,
    /// Internal cost of one hour of service.
    pub cost_per_hour: f64,
    /// Currency code printed next to costs.
    pub currency: String,
    pub status: StatusThresholds,
    pub windows: Windows,
    /// Copied (Cc) on every wrap-up email, seed 002's "cc: 2i2c Business Development": one
    /// address, optionally with a name (`Business Development <bd@example.org>`). Unset: the
    /// wrap-ups go to the community's contacts only.
    pub business_development_email: Option<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            organisation: "2i2c".to_string(),
            service_name: "Community Enablement Service".to_string(),
            slash_dates: SlashDates::Us,
            holidays: BTreeSet::new(),
            hours_per_fte_day: 8.0,
            cost_per_hour: 100.0,
            currency: "USD".to_string(),
            status: StatusThresholds::default(),
            windows: Windows::default(),
            business_development_email: None,
        }
    }
}

/// A holiday as written in the settings file.
#[derive(Deserialize)]
#[serde(untagged)]
enum HolidayValue {
    Date(toml::value::Datetime),
    Text(String),
}

fn holiday_dates<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<BTreeSet<NaiveDate>, D::Error> {
    let values = Vec::<HolidayValue>::deserialize(deserializer)?;
    values
        .into_iter()
        .map(|value| {
            let text = match value {
                HolidayValue::Date(date) => date.to_string(),
                HolidayValue::Text(text) => text,
            };
            NaiveDate::parse_from_str(&text, "%Y-%m-%d").map_err(|_| {
                serde::de::Error::custom(format!("holiday `{text}`: expected a date such as 2025-12-25"))
            })
        })
        .collect()
}

/// The settings file looked for in the data folder.
pub const SETTINGS_FILE: &str = "settings.toml";

impl Settings {
    /// Reads `path` if it exists, else the defaults.
    pub fn load_optional(path: &Path) -> Result<Settings> {
        if !path.exists() {
            return Ok(Settings::default());
        }
        let text =
            std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
        Settings::parse(&text).with_context(|| format!("{} is not valid", path.display()))
    }

    pub fn parse(text: &str) -> Result<Settings> {
        let settings: Settings = toml::from_str(text)?;
        anyhow::ensure!(settings.hours_per_fte_day > 0.0, "hours_per_fte_day must be above 0");
        if let Some(address) = &settings.business_development_email {
            anyhow::ensure!(
                !address.contains(['\n', '\r']) && address.parse::<lettre::message::Mailbox>().is_ok(),
                "business_development_email `{}`: expected one email address such as bd@example.org, or Name <bd@example.org>",
                crate::text::replace_unsafe(address)
            );
        }
        Ok(settings)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_file_keeps_other_defaults() {
        let settings = Settings::parse(
            "slash_dates = \"eu\"\nholidays = [\"2025-12-25\"]\n[status]\nrenewal_window_days = 30\n",
        )
        .unwrap();
        assert_eq!(settings.slash_dates, SlashDates::Eu);
        assert_eq!(settings.status.renewal_window_days, 30);
        assert_eq!(settings.status.pace_low_percent, 50.0);
        assert_eq!(settings.hours_per_fte_day, 8.0);
        assert!(settings.holidays.contains(&NaiveDate::from_ymd_opt(2025, 12, 25).unwrap()));
    }

    #[test]
    fn holidays_may_be_toml_dates_or_strings() {
        let settings = Settings::parse("holidays = [2025-12-25, \"2026-01-01\"]\n").unwrap();
        assert_eq!(settings.holidays.len(), 2);
        let error = Settings::parse("holidays = [\"2025-13-25\"]\n").unwrap_err();
        assert!(
            format!("{error:#}").contains("holiday `2025-13-25`: expected a date such as 2025-12-25"),
            "{error:#}"
        );
    }

    #[test]
    fn business_development_email_is_one_address() {
        let settings = Settings::parse("business_development_email = \"BD <bd@example.org>\"\n").unwrap();
        assert_eq!(settings.business_development_email.as_deref(), Some("BD <bd@example.org>"));
        assert_eq!(Settings::default().business_development_email, None);
        for bad in ["bd@example.org, ceo@example.org", "bd at example", "bd@example.org\\nBcc: x@example.org"]
        {
            let error = Settings::parse(&format!("business_development_email = \"{bad}\"\n")).unwrap_err();
            assert!(format!("{error:#}").contains("expected one email address"), "{bad}: {error:#}");
        }
    }

    #[test]
    fn unknown_setting_is_rejected() {
        let error = Settings::parse("renewal_days = 3\n").unwrap_err();
        assert!(format!("{error:#}").contains("unknown field `renewal_days`"));
    }
}
