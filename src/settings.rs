//! Settings that are not data: they have defaults, may be overridden by a `settings.toml` in
//! the data folder, and a few by command-line flags.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use anyhow::{bail, Context, Result};
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
    /// Engagements ending within this many days are listed as renewals coming up.
    pub renewals_days: i64,
}

impl Default for Windows {
    fn default() -> Self {
        Windows {
            upcoming_days: 28,
            ending_soon_days: 30,
            late_logging_days: 14,
            quiet_days: 14,
            renewals_days: 90,
        }
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
    /// The From of every email the tool writes, unless `--from` gives one: one address,
    /// optionally with a name (`Community Enablement Service <ces@example.org>`). Usage emails,
    /// which are complete and meant to be sent, need one.
    pub email_from: Option<String>,
    /// Header names in this organisation's base: table (`activities`) → column key
    /// (`units`) → the header in the export (`Hours spent`). `load::check_column_names` checks it against the tables.
    pub columns: ColumnNames,
    /// Where `pull` finds each table in the base: `[airtable.TABLE] table = "Name or tbl… id"`,
    /// `view = "Grid view"`. Unset: the table of the default name, all its records.
    pub airtable: BTreeMap<String, AirtableTable>,
    /// When the biweekly review meets: what "since the last meeting" means.
    pub meeting: Meeting,
    /// The wrap-up's feedback form, pre-filled with the community and the allocation:
    /// `{community}` and `{allocation}` in it are replaced, URL-encoded. `--feedback-url`
    /// overrides it.
    pub feedback_url: Option<String>,
    /// The scale of the form's score, and since when its answers are expected.
    pub feedback: FeedbackScale,
}

/// `[feedback]`: the feedback form's score scale, and the day it was first sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FeedbackScale {
    pub lowest: u32,
    pub highest: u32,
    /// Wrap-ups of allocations that ended on or after this day count as asking for feedback
    /// (the response rate's denominator); without it, from the first response's day.
    #[serde(deserialize_with = "optional_date")]
    pub since: Option<NaiveDate>,
}

impl Default for FeedbackScale {
    fn default() -> Self {
        FeedbackScale { lowest: 1, highest: 5, since: None }
    }
}

/// The biweekly Project Management meeting (seed 002), `[meeting]` in the settings.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Meeting {
    /// Days between two meetings.
    pub every_days: i64,
    /// The day of one meeting, so that the period matches the real ones; without it the period
    /// is the `every_days` days before the as-of date.
    #[serde(deserialize_with = "optional_date")]
    pub anchor: Option<NaiveDate>,
}

impl Default for Meeting {
    fn default() -> Self {
        Meeting { every_days: 14, anchor: None }
    }
}

impl Meeting {
    /// The last meeting before `as_of`: the latest meeting day strictly before it when there
    /// is an anchor (on a meeting day, the one before), else `every_days` days before it.
    pub fn last_before(&self, as_of: NaiveDate) -> NaiveDate {
        let every = self.every_days.max(1);
        match self.anchor {
            None => as_of - chrono::Days::new(every as u64),
            Some(anchor) => {
                let days = (as_of - anchor).num_days() - 1;
                anchor + chrono::Duration::days(days.div_euclid(every) * every)
            }
        }
    }
}

/// One table of the base, as `[airtable.TABLE]` names it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AirtableTable {
    /// The table's name or its `tbl…` id.
    pub table: Option<String>,
    /// A view of the table: only its records, in its order.
    pub view: Option<String>,
}

/// `[columns.TABLE] key = "Header"` entries of the settings file.
pub type ColumnNames = BTreeMap<String, BTreeMap<String, String>>;

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
            email_from: None,
            columns: ColumnNames::new(),
            airtable: BTreeMap::new(),
            meeting: Meeting::default(),
            feedback_url: None,
            feedback: FeedbackScale::default(),
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

/// A time limit from the environment variable `name` in milliseconds, `default` when it is
/// not set: tests and slow proxies shorten or lengthen the network jobs' waits this way.
pub fn wait_from_env(name: &str, default: std::time::Duration) -> Result<std::time::Duration> {
    match std::env::var(name) {
        Err(_) => Ok(default),
        Ok(ms) => match ms.trim().parse::<u64>() {
            Ok(ms) if ms > 0 => Ok(std::time::Duration::from_millis(ms)),
            _ => bail!("{name}={ms}: expected a number of milliseconds"),
        },
    }
}

fn holiday_dates<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<BTreeSet<NaiveDate>, D::Error> {
    let values = Vec::<HolidayValue>::deserialize(deserializer)?;
    values.into_iter().map(|value| settings_date("holiday", value)).collect()
}

/// A date written as a TOML date or a string.
fn settings_date<E: serde::de::Error>(what: &str, value: HolidayValue) -> Result<NaiveDate, E> {
    let text = match value {
        HolidayValue::Date(date) => date.to_string(),
        HolidayValue::Text(text) => text,
    };
    NaiveDate::parse_from_str(&text, "%Y-%m-%d")
        .map_err(|_| E::custom(format!("{what} `{text}`: expected a date such as 2025-12-25")))
}

fn optional_date<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<NaiveDate>, D::Error> {
    Option::<HolidayValue>::deserialize(deserializer)?.map(|value| settings_date("date", value)).transpose()
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
        settings.check_ranges()?;
        if let Some(address) = &settings.business_development_email {
            anyhow::ensure!(
                !address.contains(['\n', '\r']) && address.parse::<lettre::message::Mailbox>().is_ok(),
                "business_development_email `{}`: expected one email address such as bd@example.org, or Name <bd@example.org>",
                crate::text::replace_unsafe(address)
            );
        }
        Ok(settings)
    }

    /// The header that `[columns.TABLE] key = "…"` names for a column, if any.
    pub fn column_header(&self, table: &str, key: &str) -> Option<&str> {
        self.columns.get(table)?.get(key).map(String::as_str)
    }

    /// Every number within its documented range (README, "Settings"): a value outside it is
    /// a typo that would otherwise hang a chart (`hours_per_fte_day = 1e-320`) or silently
    /// turn a rule off (`late_logging_days = -5`).
    fn check_ranges(&self) -> Result<()> {
        check_text("organisation", &self.organisation, 100)?;
        check_text("currency", &self.currency, 10)?;
        check_text("service_name", &self.service_name, 100)?;
        check_number("hours_per_fte_day", self.hours_per_fte_day, HOURS_PER_FTE_DAY)?;
        check_number("cost_per_hour", self.cost_per_hour, COST_PER_HOUR)?;
        let status = &self.status;
        check_number("status.renewal_window_days", status.renewal_window_days as f64, DAYS)?;
        check_number("status.forecast_overrun_percent", status.forecast_overrun_percent, PERCENT_ABOVE)?;
        check_number("status.pace_low_percent", status.pace_low_percent, PERCENT_BELOW)?;
        check_number("status.pace_high_percent", status.pace_high_percent, PERCENT_ABOVE_HUNDRED)?;
        check_number(
            "status.pace_min_elapsed_working_days",
            status.pace_min_elapsed_working_days.into(),
            DAYS,
        )?;
        check_number("status.overrun_days_after_end", status.overrun_days_after_end as f64, DAYS)?;
        let windows = &self.windows;
        check_number("windows.upcoming_days", windows.upcoming_days as f64, DAYS)?;
        check_number("windows.ending_soon_days", windows.ending_soon_days as f64, DAYS)?;
        check_number("windows.late_logging_days", windows.late_logging_days as f64, DAYS)?;
        check_number("windows.quiet_days", windows.quiet_days as f64, DAYS)?;
        check_number("windows.renewals_days", windows.renewals_days as f64, DAYS)?;
        check_number("meeting.every_days", self.meeting.every_days as f64, Range { min: 1.0, ..DAYS })?;
        let scale = self.feedback;
        check_number("feedback.lowest", f64::from(scale.lowest), SCORE)?;
        check_number("feedback.highest", f64::from(scale.highest), SCORE)?;
        if scale.lowest >= scale.highest {
            bail!(
                "feedback.highest = {}: expected a score above feedback.lowest ({})",
                scale.highest,
                scale.lowest
            );
        }
        if let Some(url) = &self.feedback_url {
            if url.is_empty() || url.chars().any(|c| c.is_whitespace() || c.is_control()) {
                bail!("feedback_url: expected a link without spaces, such as https://example.org/form?entry.1={{community}}");
            }
        }
        for holiday in &self.holidays {
            if !crate::calendar::within_horizon(*holiday) {
                bail!("holiday `{holiday}`: expected a date {}", crate::calendar::HORIZON);
            }
        }
        Ok(())
    }
}

/// A documented range of a numeric setting: what the number is, and its bounds.
struct Range {
    what: &'static str,
    min: f64,
    max: f64,
}

const HOURS_PER_FTE_DAY: Range = Range { what: "hours", min: 1.0, max: 24.0 };
const COST_PER_HOUR: Range = Range { what: "a cost", min: 0.0, max: 100_000.0 };
/// Every window and count of days: up to ten years.
const DAYS: Range = Range { what: "a whole number of days", min: 0.0, max: 3_650.0 };
const SCORE: Range = Range { what: "a whole score", min: 0.0, max: 100.0 };
const PERCENT_ABOVE: Range = Range { what: "a percentage", min: 0.0, max: 1_000.0 };
const PERCENT_BELOW: Range = Range { what: "a percentage", min: 0.0, max: 100.0 };
const PERCENT_ABOVE_HUNDRED: Range = Range { what: "a percentage", min: 100.0, max: 1_000.0 };

fn check_number(key: &str, value: f64, range: Range) -> Result<()> {
    if value.is_finite() && (range.min..=range.max).contains(&value) {
        return Ok(());
    }
    bail!(
        "{key} = {}: expected {} from {} to {}",
        as_written(value),
        range.what,
        crate::text::thousands(range.min as i64),
        crate::text::thousands(range.max as i64)
    )
}

/// A number as it is written in the settings file: `8`, `2.5`, `1e-320`, `nan`, `-inf`.
fn as_written(value: f64) -> String {
    if value.is_nan() {
        "nan".to_string()
    } else if value.is_infinite() {
        if value > 0.0 { "inf" } else { "-inf" }.to_string()
    } else if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{}", value as i64)
    } else {
        format!("{value:?}")
    }
}

fn check_text(key: &str, value: &str, max_chars: usize) -> Result<()> {
    let count = value.chars().count();
    if (1..=max_chars).contains(&count) && !value.chars().any(char::is_control) {
        return Ok(());
    }
    let shown: String = value.chars().take(max_chars).collect();
    bail!("{key} = {shown:?}: expected 1 to {max_chars} characters on one line")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn the_last_meeting_is_the_latest_meeting_day_before_the_as_of_date() {
        // Without an anchor: 14 days before. With meetings every 14 days from Wed 7 October
        // 2026: as of Sat 31 October the last was Wed 21 October; on Wed 4 November itself,
        // still 21 October; the day after, 4 November; before the anchor, 23 September.
        let every_two_weeks = Meeting::default();
        assert_eq!(every_two_weeks.last_before(day("2026-10-31")), day("2026-10-17"));
        let anchored = Meeting { every_days: 14, anchor: Some(day("2026-10-07")) };
        assert_eq!(anchored.last_before(day("2026-10-31")), day("2026-10-21"));
        assert_eq!(anchored.last_before(day("2026-11-04")), day("2026-10-21"));
        assert_eq!(anchored.last_before(day("2026-11-05")), day("2026-11-04"));
        assert_eq!(anchored.last_before(day("2026-10-01")), day("2026-09-23"));
        let parsed = Settings::parse("[meeting]\nevery_days = 7\nanchor = 2026-10-07\n").unwrap();
        assert_eq!(parsed.meeting, Meeting { every_days: 7, anchor: Some(day("2026-10-07")) });
    }

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
