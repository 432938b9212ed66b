//! Cost against revenue, seed 003's sustainability measure ("ratio of monthly recurring costs
//! to monthly recurring revenue"), for the engagements whose Contract value is known.
//!
//! - Revenue: each contract's value spread evenly over the working days of its engagement.
//! - Cost: hours × the internal cost per hour, for the hours delivered to those same
//!   engagements in the month and for the hours their allocations commit in it (the same rules
//!   as the delivered and commitment series), so both sides of the ratio cover the same work.
//! - Per engagement: the effective revenue per hour delivered and per hour committed.

use std::collections::BTreeMap;

use super::commitment::{activity_months, allocation_months};
use super::Figures;
use crate::calendar::{Month, WorkCalendar};
use crate::model::{Dataset, EngagementId};

/// One month of cost against revenue.
#[derive(Debug, Clone, PartialEq)]
pub struct RevenueMonth {
    pub month: Month,
    pub revenue: f64,
    pub delivered_cost: f64,
    pub committed_cost: f64,
}

impl RevenueMonth {
    /// Cost of the hours delivered ÷ revenue, when there is revenue.
    pub fn delivered_ratio(&self) -> Option<f64> {
        (self.revenue > 0.0).then(|| self.delivered_cost / self.revenue)
    }

    /// Cost of the hours committed ÷ revenue, when there is revenue.
    pub fn committed_ratio(&self) -> Option<f64> {
        (self.revenue > 0.0).then(|| self.committed_cost / self.revenue)
    }
}

/// One engagement's contract against its hours.
#[derive(Debug, Clone, PartialEq)]
pub struct EngagementRevenue {
    pub engagement: EngagementId,
    pub value: f64,
    /// `value` ÷ hours delivered, when some are.
    pub per_delivered_hour: Option<f64>,
    /// `value` ÷ hours available in its allocations, when there are some.
    pub per_committed_hour: Option<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Revenue {
    /// The months any valued contract runs in, in order.
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

/// Revenue, delivered hours and committed hours per month.
#[derive(Default)]
struct MonthSums {
    revenue: f64,
    delivered: f64,
    committed: f64,
}

pub fn revenue(dataset: &Dataset, figures: &Figures, cost_per_hour: f64) -> Revenue {
    let mut by_month: BTreeMap<Month, MonthSums> = BTreeMap::new();
    let (mut engagements, mut undated, mut without_value) = (Vec::new(), Vec::new(), Vec::new());
    for (id, engagement) in dataset.engagements.iter_enumerated() {
        let Some(cents) = engagement.contract_value else {
            without_value.push(id);
            continue;
        };
        match (engagement.start, engagement.end) {
            (Some(start), Some(end)) => {
                for (month, amount) in spread_value(cents, start, end, &figures.calendar) {
                    by_month.entry(month).or_default().revenue += amount;
                }
                add_hours(dataset, figures, id, &mut by_month);
            }
            _ => undated.push(id),
        }
        let totals = &figures.engagements[id];
        let value = cents as f64 / 100.0;
        let per = |hours: f64| (hours > 0.0).then(|| value / hours);
        engagements.push(EngagementRevenue {
            engagement: id,
            value,
            per_delivered_hour: per(totals.used.as_f64()),
            per_committed_hour: per(totals.available.as_f64()),
        });
    }
    let months = by_month
        .into_iter()
        .filter(|(_, sums)| sums.revenue > 0.0)
        .map(|(month, sums)| RevenueMonth {
            month,
            revenue: sums.revenue,
            delivered_cost: sums.delivered * cost_per_hour,
            committed_cost: sums.committed * cost_per_hour,
        })
        .collect();
    Revenue { months, engagements, undated, without_value }
}

/// Adds an engagement's delivered and committed hours to their months.
fn add_hours(
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
    for (_, activity) in dataset.engagement_activities(engagement) {
        for (month, hours) in activity_months(activity, &figures.calendar, figures.as_of) {
            by_month.entry(month).or_default().delivered += hours.as_f64();
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
}
