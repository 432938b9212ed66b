//! Business Development's question: "can we safely commit H more hours between D1 and D2?"
//!
//! Seed 002's rule: a new commitment is safe if the total committed hours per working day stay
//! at or under the P&S team capacity on average over the requested period. The committed hours
//! are exactly the series the total-commitment chart draws (each month's committed hours per
//! working day); the request commits its hours evenly over the working days of the period.
//!
//! - The past does not count: a period starting before the as-of date counts from it.
//! - With the capacity unknown on any working day of the period there is no verdict.
//! - SoW periods promised but not yet allocated (what `plan` proposes) are a second verdict:
//!   Business Development would otherwise book those hours twice.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;

use super::commitment::{allocation_months, commitment_by_month, mean_capacity};
use super::planning::{plan_project, PlanOptions, PlannedAllocation};
use crate::calendar::{Month, WorkCalendar};
use crate::hours::Hours;
use crate::model::{Allocation, Dataset};

/// The question.
#[derive(Debug, Clone, Copy)]
pub struct Request {
    pub hours: Hours,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub as_of: NaiveDate,
}

/// Why there is no answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unanswerable {
    /// The whole period is before the as-of date.
    InThePast,
    /// The counted period has no working day.
    NoWorkingDays { from: NaiveDate },
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WhatIf {
    pub hours: Hours,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The first day counted: `from`, or the as-of date when the period started before it.
    pub counted_from: NaiveDate,
    pub working_days: u32,
    /// Means per working day over the counted period.
    #[serde(serialize_with = "crate::rounding::rate")]
    pub committed_before: f64,
    #[serde(serialize_with = "crate::rounding::rate")]
    pub committed_after: f64,
    /// What the SoW periods not yet allocated add per working day.
    #[serde(serialize_with = "crate::rounding::rate")]
    pub unallocated_sow: f64,
    /// The mean capacity, when it is known on every working day of the period.
    #[serde(serialize_with = "crate::rounding::optional_rate")]
    pub capacity: Option<f64>,
    #[serde(serialize_with = "crate::rounding::optional_rate")]
    pub headroom: Option<f64>,
    /// `None` when the capacity is unknown on some working day.
    pub safe: Option<bool>,
    /// The verdict with the unallocated SoW periods too.
    pub safe_with_sow: Option<bool>,
    /// Months with a working day of the period whose capacity is unknown.
    pub unknown_capacity: Vec<Month>,
    /// The unallocated SoW periods inside the period.
    pub sow_periods: Vec<PlannedAllocation>,
    pub months: Vec<WhatIfMonth>,
    /// The months of the period over capacity with the request (their headroom below zero).
    #[serde(skip)]
    pub months_over: Vec<Month>,
}

/// The same figures for the part of the period in one month.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WhatIfMonth {
    pub month: Month,
    pub working_days: u32,
    /// The chart's committed hours per working day for this month.
    #[serde(serialize_with = "crate::rounding::rate")]
    pub committed_before: f64,
    #[serde(serialize_with = "crate::rounding::rate")]
    pub committed_after: f64,
    #[serde(serialize_with = "crate::rounding::rate")]
    pub unallocated_sow: f64,
    #[serde(serialize_with = "crate::rounding::optional_rate")]
    pub capacity: Option<f64>,
    /// Whether every working day of this part has a known capacity.
    pub capacity_known: bool,
    #[serde(serialize_with = "crate::rounding::optional_rate")]
    pub headroom: Option<f64>,
}

/// Rates within this of each other are equal: committing up to capacity exactly is safe.
const TOLERANCE: f64 = 1e-9;

pub fn what_if(
    dataset: &Dataset,
    calendar: &WorkCalendar,
    hours_per_fte_day: f64,
    request: Request,
) -> Result<WhatIf, Unanswerable> {
    if request.to < request.as_of {
        return Err(Unanswerable::InThePast);
    }
    let counted_from = request.from.max(request.as_of);
    let working_days = calendar.working_days(counted_from, request.to);
    if working_days == 0 {
        return Err(Unanswerable::NoWorkingDays { from: counted_from });
    }
    let chart: BTreeMap<Month, f64> =
        commitment_by_month(dataset, calendar, hours_per_fte_day, request.as_of)
            .into_iter()
            .map(|row| (row.month, row.committed_hours_per_working_day))
            .collect();
    let sow_periods = unallocated_sow(dataset, calendar, counted_from, request.to);
    let sow = sow_per_working_day(&sow_periods, calendar);
    let extra = request.hours.as_f64() / f64::from(working_days);
    let capacity = dataset.capacity.as_deref().unwrap_or_default();
    let months: Vec<WhatIfMonth> = Month::range(Month::of(counted_from), Month::of(request.to))
        .filter_map(|month| {
            let (from, to) = month.clamp(counted_from, request.to)?;
            let days = calendar.working_days(from, to);
            (days > 0).then(|| {
                let before = chart.get(&month).copied().unwrap_or(0.0);
                let (capacity, known) = mean_capacity(capacity, from, to, calendar);
                let capacity = capacity.filter(|_| known);
                WhatIfMonth {
                    month,
                    working_days: days,
                    committed_before: before,
                    committed_after: before + extra,
                    unallocated_sow: sow.get(&month).copied().unwrap_or(0.0),
                    capacity,
                    capacity_known: known,
                    headroom: capacity.map(|c| c - before - extra),
                }
            })
        })
        .collect();
    Ok(verdict(request, counted_from, working_days, months, sow_periods))
}

/// The period's averages (weighted by each month's working days in it) and the verdicts.
fn verdict(
    request: Request,
    counted_from: NaiveDate,
    working_days: u32,
    months: Vec<WhatIfMonth>,
    sow_periods: Vec<PlannedAllocation>,
) -> WhatIf {
    let mean = |value: &dyn Fn(&WhatIfMonth) -> f64| {
        months.iter().map(|m| value(m) * f64::from(m.working_days)).sum::<f64>() / f64::from(working_days)
    };
    let before = mean(&|m| m.committed_before);
    let after = mean(&|m| m.committed_after);
    let unallocated_sow = mean(&|m| m.unallocated_sow);
    let unknown_capacity: Vec<Month> = months.iter().filter(|m| !m.capacity_known).map(|m| m.month).collect();
    let capacity = unknown_capacity.is_empty().then(|| mean(&|m| m.capacity.unwrap_or(0.0)));
    WhatIf {
        hours: request.hours,
        from: request.from,
        to: request.to,
        counted_from,
        working_days,
        committed_before: before,
        committed_after: after,
        unallocated_sow,
        headroom: capacity.map(|c| c - after),
        safe: capacity.map(|c| after <= c + TOLERANCE),
        safe_with_sow: capacity.map(|c| after + unallocated_sow <= c + TOLERANCE),
        capacity,
        unknown_capacity,
        sow_periods,
        months_over: months
            .iter()
            .filter(|m| m.headroom.is_some_and(|h| h < -TOLERANCE))
            .map(|m| m.month)
            .collect(),
        months,
    }
}

/// The SoW periods `plan` would propose that overlap `from..=to`.
fn unallocated_sow(
    dataset: &Dataset,
    calendar: &WorkCalendar,
    from: NaiveDate,
    to: NaiveDate,
) -> Vec<PlannedAllocation> {
    dataset
        .projects
        .iter()
        .filter_map(|project| {
            plan_project(dataset, project, calendar, PlanOptions { prorate: true }).ok().flatten()
        })
        .flatten()
        .filter(|planned| planned.is_missing() && planned.start <= to && planned.end >= from)
        .collect()
}

/// Each month's unallocated SoW hours per working day of the month, on the chart's scale.
fn sow_per_working_day(periods: &[PlannedAllocation], calendar: &WorkCalendar) -> BTreeMap<Month, f64> {
    let mut hours: BTreeMap<Month, f64> = BTreeMap::new();
    for period in periods {
        let allocation = Allocation::standalone(&period.name, period.start, period.end, period.hours);
        for (month, committed) in allocation_months(&allocation, calendar) {
            *hours.entry(month).or_default() += committed;
        }
    }
    hours
        .into_iter()
        .map(|(month, committed)| {
            let days = calendar.working_days(month.first_day(), month.last_day());
            (month, if days == 0 { 0.0 } else { committed / f64::from(days) })
        })
        .collect()
}
