//! `what-if`: Business Development's check, can H more hours between two dates be committed.

use std::io::Write;

use anyhow::{bail, Result};
use chrono::NaiveDate;

use crate::calendar::WorkCalendar;
use crate::cli::{DataArgs, Format, TemplateArgs};
use crate::figures::what_if::{what_if, Request, Unanswerable};
use crate::hours::Hours;
use crate::present::Terminal;
use crate::summary;

pub(super) fn run(
    data: &DataArgs,
    hours: Hours,
    (from, to): (NaiveDate, NaiveDate),
    as_of: NaiveDate,
    format: Format,
    templates: &TemplateArgs,
) -> Result<i32> {
    anyhow::ensure!(to >= from, "--to {to} is before --from {from}");
    let terminal = Terminal::new(&templates.load()?)?;
    let Some(super::Loaded { dataset, settings, .. }) = super::read(data)? else {
        return Ok(1);
    };
    let calendar = WorkCalendar::new(&settings.holidays);
    let request = Request { hours, from, to, as_of };
    let answer = match what_if(&dataset, &calendar, settings.hours_per_fte_day, request) {
        Ok(answer) => answer,
        Err(Unanswerable::InThePast) => {
            bail!("{from} to {to} ended before the as-of date {as_of}: nothing can be committed in it")
        }
        Err(Unanswerable::NoWorkingDays { from: counted }) => bail!("{counted} to {to} has no working days"),
    };
    let text = match format {
        Format::Json => format!("{}\n", serde_json::to_string_pretty(&answer)?),
        Format::Text => {
            crate::text::replace_unsafe(&summary::text::what_if(&answer, &terminal)?).into_owned()
        }
    };
    std::io::stdout().lock().write_all(text.as_bytes())?;
    Ok(0)
}
