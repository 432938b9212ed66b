//! Business Development's question: "can we safely commit H more hours between D1 and D2?"
//!
//! Seed 002's rule: a new commitment is safe if the total committed hours per working day stay
//! at or under the P&S team capacity on average over the requested period. Every allocation
//! commits its hours evenly over its working days, and so does the proposal.

use chrono::NaiveDate;
use serde::Serialize;

use super::commitment::capacity_on;
use crate::calendar::{Month, WorkCalendar};
use crate::model::Dataset;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WhatIf {
    pub hours: f64,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub working_days: u32,
    /// Averages per working day over the period.
    pub committed_before: f64,
    pub committed_after: f64,
    /// `None` when the capacity is unknown on every working day of the period.
    pub capacity: Option<f64>,
    /// capacity − committed after; negative when over.
    pub headroom: Option<f64>,
    pub safe: Option<bool>,
    pub months: Vec<WhatIfMonth>,
}

/// The same figures restricted to one month of the period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WhatIfMonth {
    pub month: Month,
    pub working_days: u32,
    pub committed_before: f64,
    pub committed_after: f64,
    pub capacity: Option<f64>,
    pub headroom: Option<f64>,
}

/// Per working day of `from..=to`: (day, committed hours, capacity).
fn daily(
    dataset: &Dataset,
    calendar: &WorkCalendar,
    from: NaiveDate,
    to: NaiveDate,
) -> Vec<(NaiveDate, f64, Option<f64>)> {
    let rates: Vec<(NaiveDate, NaiveDate, f64)> = dataset
        .allocations
        .iter()
        .filter(|a| a.start <= to && a.end >= from)
        .filter_map(|a| {
            let days = calendar.working_days(a.start, a.end);
            (days > 0).then(|| (a.start, a.end, a.available.as_f64() / f64::from(days)))
        })
        .collect();
    let capacity = dataset.capacity.as_deref().unwrap_or_default();
    calendar
        .working_days_in(from, to)
        .map(|day| {
            let committed =
                rates.iter().filter(|(s, e, _)| *s <= day && day <= *e).map(|(_, _, rate)| rate).sum();
            (day, committed, capacity_on(capacity, day))
        })
        .collect()
}

/// Means of committed hours and capacity over some days, with the proposal's `extra` per day.
fn averages(days: &[(NaiveDate, f64, Option<f64>)], extra: f64) -> (f64, f64, Option<f64>) {
    let count = days.len().max(1) as f64;
    let before = days.iter().map(|(_, c, _)| c).sum::<f64>() / count;
    let known: Vec<f64> = days.iter().filter_map(|(_, _, capacity)| *capacity).collect();
    let capacity = (!known.is_empty()).then(|| known.iter().sum::<f64>() / known.len() as f64);
    (before, before + extra, capacity)
}

pub fn what_if(
    dataset: &Dataset,
    calendar: &WorkCalendar,
    hours: f64,
    from: NaiveDate,
    to: NaiveDate,
) -> WhatIf {
    let days = daily(dataset, calendar, from, to);
    let working_days = days.len() as u32;
    let extra = if working_days == 0 { 0.0 } else { hours / f64::from(working_days) };
    let (before, after, capacity) = averages(&days, extra);
    let months = Month::range(Month::of(from), Month::of(to))
        .filter_map(|month| {
            let part: Vec<_> = days.iter().copied().filter(|(day, _, _)| Month::of(*day) == month).collect();
            if part.is_empty() {
                return None;
            }
            let (before, after, capacity) = averages(&part, extra);
            Some(WhatIfMonth {
                month,
                working_days: part.len() as u32,
                committed_before: before,
                committed_after: after,
                capacity,
                headroom: capacity.map(|c| c - after),
            })
        })
        .collect();
    WhatIf {
        hours,
        from,
        to,
        working_days,
        committed_before: before,
        committed_after: after,
        capacity,
        headroom: capacity.map(|c| c - after),
        safe: capacity.map(|c| after <= c + 1e-9),
        months,
    }
}
