//! Each community's month, built once. Every output that speaks of a community for a report
//! month (its page and PDF, the email manifest, its usage email, its dashboard row and the
//! aggregated report's row) reads one [`CommunityMonth`]; the organisation-wide parts of the
//! book read the [`Report`] around them. Nothing here is worded: presenters format these
//! fields and compute nothing.

use std::collections::BTreeMap;
use std::ops::Range;

use chrono::NaiveDate;

use super::allocations::{HoursTotals, State};
use super::allowance::{self, AllocationWork, Allowance, EngagementWork, MonthDelivery};
use super::commitment::CommitmentRow;
use super::delivery::{self, RecentWork};
use super::findings::{self, Finding};
use super::report::{self, Recipients};
use super::revenue::{self, Revenue};
use super::status::{Audience, Reason, Status};
use super::team::{self, MemberMonth, Renewal};
use super::Figures;
use crate::calendar::Month;
use crate::hours::Hours;
use crate::load::contacts::Role;
use crate::model::{
    ActivityId, AllocationId, CommunityId, ContactId, Dataset, EngagementId, IdVec, MemberId,
};
use crate::settings::Settings;

/// Everything one report (a book and its emails) says, decided once.
#[derive(Debug, Clone)]
pub struct Report {
    pub month: Month,
    /// The report period: the month's first day to its last, or to the as-of date when that
    /// comes first.
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    pub communities: IdVec<CommunityId, CommunityMonth>,
    /// The communities by their current engagement, most urgent first: the ones whose current engagement is live (not Ended), and the ended ones.
    pub live: Vec<CommunityId>,
    pub ended: Vec<CommunityId>,
    /// The communities with a PDF this month, most urgent first: the aggregated report's rows.
    pub reported: Vec<CommunityId>,
    /// Those rows summed.
    pub month_totals: MonthTotals,
    /// The internal action list.
    pub findings: Vec<Finding>,
    /// Each team member's report month.
    pub team: Vec<MemberMonth>,
    pub renewals: Vec<Renewal>,
    pub revenue: Revenue,
    /// The as-of month's row of the commitment series: the dashboard's headline.
    pub commitment_now: Option<CommitmentRow>,
    /// The rows of `Figures::commitment` the report's table shows: a year back from the as-of
    /// month, six months ahead.
    pub commitment_shown: Range<usize>,
    /// The rows of `revenue.months` its table shows: the same span around the report month.
    pub revenue_months_shown: Range<usize>,
    /// Reported communities whose usage email has no To recipient.
    pub missing_recipients: Vec<CommunityId>,
}

/// One community's month, led by its current engagement.
#[derive(Debug, Clone)]
pub struct CommunityMonth {
    pub community: CommunityId,
    /// The current engagement: the one its page, PDF and email report on.
    pub engagement: EngagementId,
    /// Whether it gets a PDF (and a usage email) for the month: one of its engagements runs
    /// during the month or has work in it.
    pub reported: bool,
    pub recipients: Recipients,
    /// The contacts its page names, with their roles other than Billing; Billing-only contacts
    /// are never named.
    pub contacts: Vec<(ContactId, Vec<Role>)>,
    /// The current engagement's end date, when it ended before the as-of date.
    pub ended: Option<NaiveDate>,
    /// The current engagement's hours in all.
    pub hours: HoursTotals,
    /// Of those available, the hours of allocations that have started: what the dashboard's
    /// usage share is of (hours not started yet could not have been used).
    pub started: Hours,
    pub allowance: Allowance,
    /// What the community is asked to act on, in its report and email: the status reasons it
    /// can act on. Never its internal status.
    pub asks: Vec<Reason>,
    /// The allocations its report shows in full: open, to come, or closed in or after the
    /// report month.
    pub shown: Vec<AllocationId>,
    /// The allocations closed before the report month, summed up.
    pub earlier_allocations: Option<EarlierAllocations>,
    pub timeline: Timeline,
    pub month: MonthDelivery,
    /// Whether its report lists the month's entries one by one (otherwise per allocation).
    pub month_listed_in_report: bool,
    pub month_by_allocation: Vec<AllocationWork>,
    /// One burn-up per allocation active in the month.
    pub burn_ups: Vec<BurnUp>,
    /// The work before the month, per allocation.
    pub earlier_work: Vec<AllocationWork>,
    /// Its other engagements, oldest first: history, with no status.
    pub earlier_engagements: Vec<EngagementWork>,
    /// The internal record of the months before.
    pub recent: RecentWork,
    /// The current engagement's counted activities, oldest first.
    pub activities: Vec<ActivityId>,
    /// Counted activities dated (partly) outside their allocation's window, with their hours
    /// as of the date.
    pub outside_window: Vec<(ActivityId, Hours)>,
    pub team: TeamHours,
    /// The current engagement's findings for staff.
    pub findings: Vec<Finding>,
    /// The allocations active now, carried to their end at the current pace.
    pub forecast: Option<Forecast>,
    /// The cost of the hours delivered in the month.
    pub month_cost: f64,
}

/// The allocations a community report sums up in one row.
#[derive(Debug, Clone, PartialEq)]
pub struct EarlierAllocations {
    pub count: usize,
    pub first: NaiveDate,
    pub last: NaiveDate,
    pub hours: HoursTotals,
}

/// Every allocation counted in the engagement's totals, on one time axis.
#[derive(Debug, Clone, PartialEq)]
pub struct Timeline {
    /// The earlier allocations summed up (when there are any), then those shown in full.
    pub rows: Vec<TimelineRow>,
    /// How many allocations the first row sums up; 0 when it is an allocation of its own.
    pub earlier: usize,
    pub first: NaiveDate,
    pub last: NaiveDate,
}

/// One row of the timeline: a window, its hours, and the use as it accrued up to the date.
#[derive(Debug, Clone, PartialEq)]
pub struct TimelineRow {
    /// `None` for the row of earlier allocations.
    pub allocation: Option<AllocationId>,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub hours: HoursTotals,
    /// The hours used by the end of each day with use, in date order, never after the as-of
    /// date.
    pub used_by_day: Vec<(NaiveDate, Hours)>,
    /// When an allocation of the row was used beyond its hours: from the day it went beyond
    /// them to its end or the as-of date, whichever comes first.
    pub overruns: Vec<(NaiveDate, NaiveDate)>,
}

/// One allocation's use day by day, for its burn-up chart.
#[derive(Debug, Clone, PartialEq)]
pub struct BurnUp {
    pub allocation: AllocationId,
    pub used_by_day: Vec<(NaiveDate, Hours)>,
    /// Whether the community report draws it (see `allowance::BURN_UPS_IN_REPORT`).
    pub in_report: bool,
}

/// Hours by team member: in all (the table) and per month over the chart's months.
#[derive(Debug, Clone, PartialEq)]
pub struct TeamHours {
    /// Every member's hours since the engagement began, most first.
    pub totals: Vec<(MemberId, Hours)>,
    /// Those added up: every hour delivered since the engagement began.
    pub in_all: Hours,
    /// The months the chart draws: the latest ones, from the first activity's month.
    pub months: Vec<Month>,
    pub by_month: Vec<(MemberId, Vec<Hours>)>,
    /// The hours delivered before the chart's first month, which it does not draw.
    pub before_chart: Hours,
}

/// The allocations active now, carried to their end at the current pace.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Forecast {
    pub hours: f64,
    pub available: Hours,
}

/// The aggregated report's rows summed.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MonthTotals {
    pub delivered: Hours,
    pub previous: Hours,
    /// `delivered − previous`.
    pub change: Hours,
    pub hours: HoursTotals,
    pub forecast: f64,
    pub forecast_available: Hours,
    /// The cost of every hour delivered in the month, `None` for a month after the as-of date's.
    pub cost: Option<f64>,
}

/// The report for `month` as of the figures' date.
pub fn report(dataset: &Dataset, figures: &Figures, settings: &Settings, month: Month) -> Report {
    let as_of = figures.as_of;
    let ids: Vec<CommunityId> = figures.communities.ids().collect();
    let communities: IdVec<CommunityId, CommunityMonth> = crate::parallel::map(ids.len(), |index| {
        community_month(dataset, figures, settings, ids[index], month)
    })
    .into_iter()
    .collect();
    let order: Vec<CommunityId> = figures.current.iter().map(|id| figures.community_of[*id]).collect();
    let revenue = revenue::revenue(dataset, figures, settings.cost_per_hour);
    let as_of_month = Month::of(as_of);
    let (live, ended): (Vec<CommunityId>, Vec<CommunityId>) = order
        .iter()
        .partition(|id| figures.engagements[communities[**id].engagement].status.status != Status::Ended);
    let reported: Vec<CommunityId> = order.iter().copied().filter(|id| communities[*id].reported).collect();
    let month_totals = month_totals(figures, &communities, &reported, month, settings.cost_per_hour);
    Report {
        month,
        first_day: month.first_day(),
        last_day: month.last_day().min(as_of.max(month.first_day())),
        missing_recipients: reported
            .iter()
            .copied()
            .filter(|id| communities[*id].recipients.to.is_empty())
            .collect(),
        findings: findings::findings(dataset, figures),
        team: team::team_month(dataset, figures, month),
        renewals: team::renewals(dataset, figures, settings.windows.renewals_days),
        commitment_now: figures.commitment.iter().find(|row| row.month == as_of_month).cloned(),
        commitment_shown: months_around(figures.commitment.iter().map(|row| row.month), as_of_month),
        revenue_months_shown: months_around(revenue.months.iter().map(|row| row.month), month),
        revenue,
        communities,
        live,
        ended,
        reported,
        month_totals,
    }
}

/// Months shown in the report's month tables: a year back, six months ahead.
const TABLE_MONTHS_BEFORE: usize = 11;
const TABLE_MONTHS_AFTER: usize = 6;

/// The positions in a month series (in order) of the table months around `centre`.
fn months_around(months: impl ExactSizeIterator<Item = Month>, centre: Month) -> Range<usize> {
    let len = months.len();
    let position = months.into_iter().position(|month| month >= centre).unwrap_or(len);
    position.saturating_sub(TABLE_MONTHS_BEFORE)..(position + TABLE_MONTHS_AFTER + 1).min(len)
}

fn month_totals(
    figures: &Figures,
    communities: &IdVec<CommunityId, CommunityMonth>,
    reported: &[CommunityId],
    month: Month,
    cost_per_hour: f64,
) -> MonthTotals {
    let mut totals = MonthTotals {
        cost: revenue::delivered_cost(figures, month, cost_per_hour),
        ..MonthTotals::default()
    };
    for community in reported.iter().map(|id| &communities[*id]) {
        totals.delivered += community.month.hours;
        totals.previous += community.month.previous;
        totals.hours = totals.hours + community.hours;
        if let Some(forecast) = community.forecast {
            totals.forecast += forecast.hours;
            totals.forecast_available += forecast.available;
        }
    }
    totals.change = totals.delivered - totals.previous;
    totals
}

/// One community's month.
pub fn community_month(
    dataset: &Dataset,
    figures: &Figures,
    settings: &Settings,
    community: CommunityId,
    month: Month,
) -> CommunityMonth {
    let as_of = figures.as_of;
    let calendar = &figures.calendar;
    let members = &figures.communities[community];
    let engagement = members.current;
    let record = &dataset.engagements[engagement];
    let totals = &figures.engagements[engagement];
    let activities = delivery::counted_activities(dataset, engagement, as_of);
    let delivered = allowance::month_delivery(dataset, &activities, month, as_of, calendar);
    let (shown, earlier) = allowance::shown_allocations(dataset, engagement, month);
    let used_by_day: BTreeMap<AllocationId, Vec<(NaiveDate, Hours)>> = dataset
        .allocations_of(engagement)
        .map(|id| (id, delivery::cumulative_use(dataset, id, as_of, calendar)))
        .collect();
    let active = allowance::active_in(dataset, engagement, month);
    let in_report = delivered.burn_ups_in_report(dataset, &active);
    let earlier_allocations = earlier_allocations(dataset, figures, &earlier);
    CommunityMonth {
        community,
        engagement,
        reported: report::community_reported_in_month(dataset, members, month, as_of),
        recipients: report::recipients(dataset, engagement),
        contacts: report::named_contacts(dataset, engagement),
        ended: record.end.filter(|end| *end < as_of),
        hours: totals.hours,
        started: totals.hours.available - totals.hours.not_started,
        allowance: allowance::allowance(dataset, figures, engagement),
        asks: totals.status.reasons.iter().filter(|r| r.audience() == Audience::Community).cloned().collect(),
        timeline: timeline(dataset, figures, &shown, &earlier, earlier_allocations.as_ref(), &used_by_day),
        earlier_allocations,
        shown,
        month_listed_in_report: delivered.listed_in_report(),
        month_by_allocation: delivered.by_allocation(dataset),
        burn_ups: active
            .iter()
            .map(|id| BurnUp {
                allocation: *id,
                used_by_day: used_by_day[id].clone(),
                in_report: in_report.contains(id),
            })
            .collect(),
        earlier_work: allowance::earlier_work(dataset, engagement, month, as_of, calendar),
        earlier_engagements: members
            .earlier()
            .map(|id| allowance::engagement_work(dataset, id, as_of, calendar))
            .collect(),
        recent: delivery::recent_work(dataset, &activities, month, as_of, calendar),
        outside_window: totals
            .outside_window
            .iter()
            .map(|id| (*id, dataset.activities[*id].hours_as_of(as_of, calendar)))
            .collect(),
        team: team_hours(dataset, figures, &activities),
        findings: findings::engagement_findings(dataset, figures, engagement),
        forecast: forecast(dataset, figures, engagement),
        month_cost: delivered.hours.as_f64() * settings.cost_per_hour,
        month: delivered,
        activities,
    }
}

fn earlier_allocations(
    dataset: &Dataset,
    figures: &Figures,
    earlier: &[AllocationId],
) -> Option<EarlierAllocations> {
    Some(EarlierAllocations {
        count: earlier.len(),
        first: earlier.iter().map(|id| dataset.allocations[*id].start).min()?,
        last: earlier.iter().map(|id| dataset.allocations[*id].end).max()?,
        hours: figures.hours_of(earlier),
    })
}

/// The timeline: the earlier allocations (with their sum) in one row, then each allocation
/// shown in full.
fn timeline(
    dataset: &Dataset,
    figures: &Figures,
    shown: &[AllocationId],
    earlier: &[AllocationId],
    summed: Option<&EarlierAllocations>,
    used_by_day: &BTreeMap<AllocationId, Vec<(NaiveDate, Hours)>>,
) -> Timeline {
    let mut rows = Vec::new();
    if let Some(summed) = summed {
        rows.push(TimelineRow {
            allocation: None,
            start: summed.first,
            end: summed.last,
            hours: summed.hours,
            used_by_day: summed_use(earlier.iter().map(|id| &used_by_day[id])),
            overruns: earlier.iter().filter_map(|id| overrun_span(dataset, figures, *id)).collect(),
        });
    }
    rows.extend(shown.iter().map(|id| {
        let record = &dataset.allocations[*id];
        TimelineRow {
            allocation: Some(*id),
            start: record.start,
            end: record.end,
            hours: figures.allocations[*id].hours,
            used_by_day: used_by_day[id].clone(),
            overruns: overrun_span(dataset, figures, *id).into_iter().collect(),
        }
    }));
    let as_of = figures.as_of;
    Timeline {
        first: rows.iter().map(|row| row.start).min().unwrap_or(as_of),
        last: rows.iter().map(|row| row.end).max().unwrap_or(as_of),
        earlier: earlier.len(),
        rows,
    }
}

/// From the day an allocation's hours used went beyond those available to its end or the as-of
/// date, whichever comes first; `None` when they never did.
fn overrun_span(
    dataset: &Dataset,
    figures: &Figures,
    allocation: AllocationId,
) -> Option<(NaiveDate, NaiveDate)> {
    let since = figures.allocations[allocation].overrun_since?;
    Some((since, dataset.allocations[allocation].end.min(figures.as_of)))
}

/// Several allocations' cumulative use added up, day by day.
fn summed_use<'a>(series: impl Iterator<Item = &'a Vec<(NaiveDate, Hours)>>) -> Vec<(NaiveDate, Hours)> {
    let mut by_day: BTreeMap<NaiveDate, Hours> = BTreeMap::new();
    for one in series {
        let mut before = Hours::ZERO;
        for (day, total) in one {
            *by_day.entry(*day).or_default() += *total - before;
            before = *total;
        }
    }
    let mut total = Hours::ZERO;
    by_day
        .into_iter()
        .map(|(day, hours)| {
            total += hours;
            (day, total)
        })
        .collect()
}

fn team_hours(dataset: &Dataset, figures: &Figures, activities: &[ActivityId]) -> TeamHours {
    let (as_of, calendar) = (figures.as_of, &figures.calendar);
    let months = match activities.first() {
        Some(first) => delivery::team_chart_months(dataset.activities[*first].start, as_of),
        None => Vec::new(),
    };
    let by_month = delivery::hours_by_member_and_month(dataset, activities, &months, calendar, as_of);
    let totals = delivery::hours_by_member(dataset, activities, as_of, calendar);
    let in_all: Hours = totals.iter().map(|(_, hours)| *hours).sum();
    let charted: Hours = by_month.iter().flat_map(|(_, hours)| hours.iter().copied()).sum();
    TeamHours { totals, in_all, months, by_month, before_chart: in_all - charted }
}

fn forecast(dataset: &Dataset, figures: &Figures, engagement: EngagementId) -> Option<Forecast> {
    let active: Vec<AllocationId> = dataset
        .allocations_of(engagement)
        .filter(|id| figures.allocations[*id].state == State::Active)
        .collect();
    (!active.is_empty()).then(|| Forecast {
        hours: active.iter().map(|id| figures.allocations[*id].forecast_at_end).sum(),
        available: active.iter().map(|id| figures.allocations[*id].hours.available).sum(),
    })
}
