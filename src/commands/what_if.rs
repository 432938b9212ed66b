//! `what-if`: Business Development's check, can H more hours between two dates be committed.

use anyhow::Result;
use chrono::NaiveDate;

use crate::calendar::WorkCalendar;
use crate::cli::{DataArgs, Format};
use crate::figures;
use crate::hours::Hours;
use crate::summary;

pub(super) fn run(
    data: &DataArgs,
    hours: Hours,
    from: NaiveDate,
    to: NaiveDate,
    format: Format,
) -> Result<i32> {
    anyhow::ensure!(to >= from, "--to {to} is before --from {from}");
    let Some(super::Loaded { dataset, settings, .. }) = super::read(data)? else {
        return Ok(1);
    };
    let calendar = WorkCalendar::new(&settings.holidays);
    let answer = figures::what_if::what_if(&dataset, &calendar, hours.as_f64(), from, to);
    anyhow::ensure!(answer.working_days > 0, "{from} to {to} has no working days");
    match format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&answer)?),
        Format::Text => print!("{}", summary::text::what_if(&answer)),
    }
    Ok(0)
}
