//! Cost against revenue, seed 003's sustainability measure ("ratio of monthly recurring costs
//! to monthly recurring revenue"), for the engagements whose Contract value is known.
//!
//! - Revenue: each contract's value spread evenly over the working days of its engagement.
//! - Cost delivered: hours × the internal cost per hour for every hour delivered in the month
//!   ([`delivered_cost`], the one month's cost every output states), with the part delivered to
//!   engagements without a contract value shown apart; the ratio to revenue leaves that part out
//!   so both sides cover the same work. Months after the as-of month have no delivered cost.
//! - Cost committed: the hours the valued contracts' allocations commit in the month.
//! - Per engagement: the revenue per hour delivered (the revenue earned to the as-of date ÷
//!   the hours delivered to it, so a contract half-way through is not divided by half its
//!   hours) and per hour committed (the whole value ÷ the hours its allocations make
//!   available).

use std::collections::BTreeMap;

use super::commitment::{activity_months, allocation_months};
use super::Figures;
use crate::calendar::{Month, WorkCalendar};
use crate::hours::Hours;
use crate::model::{Dataset, EngagementId};

/// The cost of the hours delivered in `month` to every engagement, valued or not: the one
/// figure every output states for a month's delivered cost. `None` for a month after the as-of
/// date's: nothing is delivered there yet, and a report leaves it blank rather than say 0.
pub fn delivered_cost(figures: &Figures, month: Month, cost_per_hour: f64) -> Option<f64> {
    (month <= Month::of(figures.as_of))
        .then(|| figures.commitment_in(month).map_or(0.0, |row| row.delivered_hours.as_f64()) * cost_per_hour)
}

/// One month of cost against revenue.
#[derive(Debug, Clone, PartialEq)]
pub struct RevenueMonth {
    pub month: Month,
    /// The month's share of the valued contracts.
    pub revenue: f64,
    /// [`delivered_cost`]: every engagement's hours; `None` after the as-of month.
    pub delivered_cost: Option<f64>,
    /// The part of it delivered to engagements without a contract value.
    pub delivered_cost_without_value: Option<f64>,
    /// The cost of the hours the valued contracts' allocations commit in the month.
    pub committed_cost: f64,
    /// Cost of the hours delivered to the valued contracts ÷ their revenue: both sides cover
    /// the same work. `None` without revenue or before anything is delivered.
    pub delivered_ratio: Option<f64>,
    /// Cost of the hours committed ÷ revenue, when there is revenue.
    pub committed_ratio: Option<f64>,
}

impl RevenueMonth {
    fn new(
        month: Month,
        revenue: f64,
        delivered_cost: Option<f64>,
        delivered_cost_without_value: Option<f64>,
        committed_cost: f64,
    ) -> RevenueMonth {
        let valued = delivered_cost.map(|cost| cost - delivered_cost_without_value.unwrap_or(0.0));
        RevenueMonth {
            month,
            revenue,
            delivered_cost,
            delivered_cost_without_value,
            committed_cost,
            delivered_ratio: valued.filter(|_| revenue > 0.0).map(|valued| valued / revenue),
            committed_ratio: (revenue > 0.0).then(|| committed_cost / revenue),
        }
    }
}

/// One engagement's contract against its hours.
#[derive(Debug, Clone, PartialEq)]
pub struct EngagementRevenue {
    pub engagement: EngagementId,
    pub value: f64,
    /// The part of `value` earned by the as-of date ([`earned_to_date`]), when the engagement
    /// has dates.
    pub earned: Option<f64>,
    /// `earned` ÷ hours delivered by the as-of date, when some are.
    pub per_delivered_hour: Option<f64>,
    /// `value` ÷ hours available in its allocations, when there are some.
    pub per_committed_hour: Option<f64>,
    /// The contract pays less per committed hour than the hours cost.
    pub below_cost: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Revenue {
    /// The months any valued contract runs in or any hours were delivered in, in order.
    pub months: Vec<RevenueMonth>,
    pub engagements: Vec<EngagementRevenue>,
    /// Engagements with a value but no dates to spread it over.
    pub undated: Vec<EngagementId>,
    /// Engagements with no value recorded.
    pub without_value: Vec<EngagementId>,
}

/// `value` (cents) spread evenly over the working days from `first` to `last` (its calendar
/// days when the range has none), in currency units per month.
pub fn spread_value(
    cents: i64,
    first: chrono::NaiveDate,
    last: chrono::NaiveDate,
    calendar: &WorkCalendar,
) -> Vec<(Month, f64)> {
    let total = calendar.working_days(first, last);
    let calendar_days = (last - first).num_days() as f64 + 1.0;
    Month::range(Month::of(first), Month::of(last))
        .filter_map(|month| month.clamp(first, last).map(|range| (month, range)))
        .map(|(month, (from, to))| {
            let share = if total > 0 {
                f64::from(calendar.working_days(from, to)) / f64::from(total)
            } else {
                ((to - from).num_days() as f64 + 1.0) / calendar_days
            };
            (month, cents as f64 / 100.0 * share)
        })
        .collect()
}

/// The part of a value (cents) spread over `first..=last` ([`spread_value`]) that falls on or
/// before `as_of`, in currency units.
pub fn earned_to_date(
    cents: i64,
    first: chrono::NaiveDate,
    last: chrono::NaiveDate,
    as_of: chrono::NaiveDate,
    calendar: &WorkCalendar,
) -> f64 {
    if as_of < first {
        return 0.0;
    }
    let until = as_of.min(last);
    let share = match calendar.working_days(first, last) {
        0 => ((until - first).num_days() as f64 + 1.0) / ((last - first).num_days() as f64 + 1.0),
        total => f64::from(calendar.working_days(first, until)) / f64::from(total),
    };
    cents as f64 / 100.0 * share
}

/// An engagement's revenue per hour delivered: the revenue earned by the as-of date over the
/// hours delivered by then (used, and outside the allocations' windows). `None` without a
/// value, dates, or hours.
pub fn per_delivered_hour(dataset: &Dataset, figures: &Figures, engagement: EngagementId) -> Option<f64> {
    let record = &dataset.engagements[engagement];
    let earned =
        earned_to_date(record.contract_value?, record.start?, record.end?, figures.as_of, &figures.calendar);
    per_hour(earned, figures.engagements[engagement].hours.delivered())
}

/// Revenue, and the hours delivered to engagements without value and committed by valued ones,
/// per month.
#[derive(Default)]
struct MonthSums {
    revenue: f64,
    delivered_without_value: f64,
    committed: f64,
}

/// An engagement's contract value in currency units, when Airtable records one.
pub fn contract_value(dataset: &Dataset, engagement: EngagementId) -> Option<f64> {
    dataset.engagements[engagement].contract_value.map(|cents| cents as f64 / 100.0)
}

/// Revenue per hour: the value over the hours, when there are any.
pub fn per_hour(value: f64, hours: Hours) -> Option<f64> {
    (hours > Hours::ZERO).then(|| value / hours.as_f64())
}

pub fn revenue(dataset: &Dataset, figures: &Figures, cost_per_hour: f64) -> Revenue {
    let mut by_month: BTreeMap<Month, MonthSums> = BTreeMap::new();
    let (mut engagements, mut undated, mut without_value) = (Vec::new(), Vec::new(), Vec::new());
    for (id, engagement) in dataset.engagements.iter_enumerated() {
        let Some(cents) = engagement.contract_value else {
            without_value.push(id);
            for (_, activity) in dataset.engagement_activities(id) {
                for (month, hours) in activity_months(activity, &figures.calendar, figures.as_of) {
                    by_month.entry(month).or_default().delivered_without_value += hours.as_f64();
                }
            }
            continue;
        };
        match (engagement.start, engagement.end) {
            (Some(start), Some(end)) => {
                for (month, amount) in spread_value(cents, start, end, &figures.calendar) {
                    by_month.entry(month).or_default().revenue += amount;
                }
                add_committed(dataset, figures, id, &mut by_month);
            }
            _ => undated.push(id),
        }
        let totals = &figures.engagements[id];
        let value = cents as f64 / 100.0;
        let per_committed_hour = per_hour(value, totals.hours.available);
        engagements.push(EngagementRevenue {
            engagement: id,
            value,
            earned: match (engagement.start, engagement.end) {
                (Some(start), Some(end)) => {
                    Some(earned_to_date(cents, start, end, figures.as_of, &figures.calendar))
                }
                _ => None,
            },
            per_delivered_hour: per_delivered_hour(dataset, figures, id),
            per_committed_hour,
            below_cost: per_committed_hour.is_some_and(|per_hour| per_hour < cost_per_hour),
        });
    }
    for row in &figures.commitment {
        if !row.delivered_hours.is_zero() {
            by_month.entry(row.month).or_default();
        }
    }
    let months = by_month
        .into_iter()
        .map(|(month, sums)| {
            let delivered_cost = delivered_cost(figures, month, cost_per_hour);
            RevenueMonth::new(
                month,
                sums.revenue,
                delivered_cost,
                delivered_cost.map(|_| sums.delivered_without_value * cost_per_hour),
                sums.committed * cost_per_hour,
            )
        })
        .collect();
    Revenue { months, engagements, undated, without_value }
}

/// Adds a valued engagement's committed hours to their months.
fn add_committed(
    dataset: &Dataset,
    figures: &Figures,
    engagement: EngagementId,
    by_month: &mut BTreeMap<Month, MonthSums>,
) {
    for allocation in dataset.allocations_of(engagement) {
        for (month, hours) in allocation_months(&dataset.allocations[allocation], &figures.calendar) {
            by_month.entry(month).or_default().committed += hours;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> chrono::NaiveDate {
        chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn a_value_is_spread_over_working_days_across_a_month_boundary_and_a_holiday() {
        // 13 working days from Mon 2026-12-21 to Fri 2027-01-08 with Dec 25 and Jan 1 off:
        // Dec 21–24, 28–31 (8) and Jan 4–8 (5). 2,600.00 is 200 a working day: 1,600 and 1,000.
        let calendar = WorkCalendar::new(&[day(2026, 12, 25), day(2027, 1, 1)].into());
        let spread = spread_value(260_000, day(2026, 12, 21), day(2027, 1, 8), &calendar);
        assert_eq!(
            spread,
            [(Month { year: 2026, month: 12 }, 1600.0), (Month { year: 2027, month: 1 }, 1000.0)]
        );
    }

    #[test]
    fn a_value_over_no_working_day_is_spread_over_its_calendar_days() {
        // Sat 2026-10-31, Sun 11-01 and Mon 11-02, a holiday: no working day, three calendar
        // days, one in October and two in November: 300.00 is 100 and 200.
        let calendar = WorkCalendar::new(&[day(2026, 11, 2)].into());
        let spread = spread_value(30_000, day(2026, 10, 31), day(2026, 11, 2), &calendar);
        assert_eq!(
            spread,
            [(Month { year: 2026, month: 10 }, 100.0), (Month { year: 2026, month: 11 }, 200.0)]
        );
    }
}
