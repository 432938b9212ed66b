//! The terminal summary for allocation providers (how many hours are left, what is starting
//! soon, what is unlogged) and the what-if answer: the figures formatted into contexts for
//! `templates/summary.txt.j2` and `templates/what-if.txt.j2`, which hold the words.

use anyhow::Result;
use serde::Serialize;

use crate::diagnostics::Diagnostics;
use crate::figures::what_if::WhatIf;
use crate::figures::Figures;
use crate::model::{AllocationId, Dataset, EngagementId};
use crate::present::format::{h, h_grouped, h_grouped_or_blank, percent, usage_bar};
use crate::present::logging;
use crate::present::terminal::{SUMMARY, WHAT_IF};
use crate::present::{Phrases, Terminal};
use crate::settings::Settings;

#[derive(Serialize)]
struct SummaryView<'a> {
    organisation: &'a str,
    service: &'a str,
    as_of: String,
    /// Engagements running on the as-of date: the one count every output gives.
    running: usize,
    /// Contracts past their end still marked Active, by community.
    lapsed: Vec<&'a str>,
    action_needed: usize,
    at_risk: usize,
    engagements: Vec<EngagementLines<'a>>,
    upcoming: Vec<UpcomingLine<'a>>,
    quiet: Vec<QuietLine<'a>>,
    late: Vec<LateLine<'a>>,
    warnings: usize,
}

#[derive(Serialize)]
struct EngagementLines<'a> {
    status: String,
    name: &'a str,
    community: &'a str,
    start: Option<String>,
    end: Option<String>,
    available: String,
    used: String,
    left_now: String,
    /// Empty when nothing is still to start.
    not_started: String,
    /// Empty when no hours expired.
    expired: String,
    /// Empty when none were used beyond the hours available.
    overrun: String,
    /// Empty when no hours were logged outside the allocations' windows.
    outside: String,
    reasons: Vec<String>,
    history: Vec<String>,
    /// The activities.csv lines of activities dated outside their allocation's window.
    outside_window: Vec<u32>,
    allocations: Vec<AllocationLine<'a>>,
    /// How many earlier completed allocations are left out.
    hidden: usize,
}

#[derive(Serialize)]
struct AllocationLine<'a> {
    bar: String,
    percent: String,
    used: String,
    available: String,
    left_now: String,
    /// Empty unless the allocation has not started.
    not_started: String,
    /// Empty when no hours expired.
    expired: String,
    /// Empty when none were used beyond the hours available.
    overrun: String,
    /// Empty when none were logged outside its window.
    outside: String,
    state: String,
    name: &'a str,
}

#[derive(Serialize)]
struct UpcomingLine<'a> {
    start: String,
    hours: String,
    name: &'a str,
    provider: Option<&'a str>,
}

#[derive(Serialize)]
struct QuietLine<'a> {
    name: &'a str,
    provider: Option<&'a str>,
    last_activity: Option<String>,
}

#[derive(Serialize)]
struct LateLine<'a> {
    days: i64,
    allocation: &'a str,
    member: &'a str,
    end: String,
    line: u32,
}

pub(crate) fn render(
    dataset: &Dataset,
    figures: &Figures,
    phrases: &Phrases,
    terminal: &Terminal,
    diagnostics: &Diagnostics,
    settings: &Settings,
) -> Result<String> {
    let engagements = figures
        .urgency
        .iter()
        .map(|id| engagement_lines(dataset, figures, phrases, *id))
        .collect::<Result<Vec<_>>>()?;
    let view = SummaryView {
        organisation: &settings.organisation,
        service: &settings.service_name,
        as_of: figures.as_of.to_string(),
        running: figures.headcount.running,
        lapsed: figures
            .headcount
            .lapsed
            .iter()
            .map(|id| dataset.engagements[*id].community.as_str())
            .collect(),
        action_needed: figures.headcount.action_needed,
        at_risk: figures.headcount.at_risk,
        engagements,
        upcoming: figures
            .upcoming
            .iter()
            .map(|id| {
                let allocation = &dataset.allocations[*id];
                UpcomingLine {
                    start: allocation.start.to_string(),
                    hours: h(allocation.available),
                    name: &allocation.name,
                    provider: allocation.provider.as_deref(),
                }
            })
            .collect(),
        quiet: logging::quiet(dataset, figures)
            .map(|quiet| QuietLine {
                name: quiet.allocation,
                provider: quiet.provider,
                last_activity: quiet.last_activity.map(|day| day.to_string()),
            })
            .collect(),
        late: logging::late(dataset, figures)
            .map(|entry| LateLine {
                days: entry.days_late,
                allocation: entry.allocation,
                member: entry.team_member,
                end: entry.end.to_string(),
                line: entry.line,
            })
            .collect(),
        warnings: diagnostics.warnings().count(),
    };
    terminal.render(SUMMARY, &view)
}

fn engagement_lines<'a>(
    dataset: &'a Dataset,
    figures: &Figures,
    phrases: &Phrases,
    id: EngagementId,
) -> Result<EngagementLines<'a>> {
    let engagement = &dataset.engagements[id];
    let totals = &figures.engagements[id];
    Ok(EngagementLines {
        status: phrases.status_label(totals.status.status).to_uppercase(),
        name: &engagement.name,
        community: &engagement.community,
        start: engagement.start.map(|day| day.to_string()),
        end: engagement.end.map(|day| day.to_string()),
        available: h_grouped(totals.hours.available),
        used: h_grouped(totals.hours.used),
        left_now: h_grouped(totals.hours.left_now),
        not_started: h_grouped_or_blank(totals.hours.not_started),
        expired: h_grouped_or_blank(totals.hours.expired),
        overrun: h_grouped_or_blank(totals.hours.overrun),
        outside: h_grouped_or_blank(totals.hours.outside),
        reasons: phrases.reasons(dataset, &totals.status.reasons)?,
        history: phrases.reasons(dataset, &totals.status.history)?,
        outside_window: totals.outside_window.iter().map(|id| dataset.activities[*id].line).collect(),
        allocations: totals
            .listed
            .iter()
            .map(|allocation| allocation_line(dataset, figures, phrases, *allocation))
            .collect(),
        hidden: totals.unlisted,
    })
}

fn allocation_line<'a>(
    dataset: &'a Dataset,
    figures: &Figures,
    phrases: &Phrases,
    id: AllocationId,
) -> AllocationLine<'a> {
    let totals = &figures.allocations[id];
    AllocationLine {
        bar: usage_bar(totals.hours.used, totals.hours.available),
        percent: percent(totals.usage_percent),
        used: h_grouped(totals.hours.used),
        available: h_grouped(totals.hours.available),
        left_now: h_grouped(totals.hours.left_now),
        not_started: h_grouped_or_blank(totals.hours.not_started),
        expired: h_grouped_or_blank(totals.hours.expired),
        overrun: h_grouped_or_blank(totals.hours.overrun),
        outside: h_grouped_or_blank(totals.hours.outside),
        state: phrases.state_label(totals.state).to_string(),
        name: &dataset.allocations[id].name,
    }
}

#[derive(Serialize)]
struct WhatIfView {
    hours: String,
    from: String,
    to: String,
    /// The as-of date when the period started before it.
    counted_from: Option<String>,
    working_days: u32,
    per_day: String,
    committed_before: String,
    committed_after: String,
    capacity: Option<String>,
    verdict: Option<Verdict>,
    /// The months over capacity although the period as a whole is not.
    months_over: Vec<String>,
    unknown_capacity: Vec<String>,
    sow_total: String,
    unallocated_sow: String,
    sow_periods: Vec<SowLine>,
    verdict_with_sow: Option<Verdict>,
    months: Vec<WhatIfMonthLine>,
}

/// SAFE with the headroom left, or over capacity by how much (per working day, on average).
#[derive(Serialize)]
struct Verdict {
    safe: bool,
    by: String,
}

impl Verdict {
    fn new(safe: Option<bool>, headroom: Option<f64>) -> Option<Verdict> {
        let (safe, headroom) = (safe?, headroom?);
        Some(Verdict { safe, by: rate(headroom.abs()) })
    }
}

#[derive(Serialize)]
struct SowLine {
    start: String,
    end: String,
    hours: String,
    name: String,
}

#[derive(Serialize)]
struct WhatIfMonthLine {
    month: String,
    working_days: u32,
    before: String,
    after: String,
    with_sow: String,
    capacity: Option<String>,
    headroom: Option<String>,
}

/// A rate per working day: two decimals.
fn rate(value: f64) -> String {
    format!("{value:.2}")
}

/// The answer to "can we commit H more hours between D1 and D2?", with the months behind it.
pub(crate) fn what_if(answer: &WhatIf, terminal: &Terminal) -> Result<String> {
    let headroom_with_sow = answer.headroom.map(|headroom| headroom - answer.unallocated_sow);
    let verdict = Verdict::new(answer.safe, answer.headroom);
    let view = WhatIfView {
        hours: h_grouped(answer.hours),
        from: answer.from.to_string(),
        to: answer.to.to_string(),
        counted_from: (answer.counted_from > answer.from).then(|| answer.counted_from.to_string()),
        working_days: answer.working_days,
        per_day: rate(answer.committed_after - answer.committed_before),
        committed_before: rate(answer.committed_before),
        committed_after: rate(answer.committed_after),
        capacity: answer.capacity.map(rate),
        months_over: if answer.safe == Some(true) {
            answer.months_over.iter().map(ToString::to_string).collect()
        } else {
            Vec::new()
        },
        verdict,
        unknown_capacity: answer.unknown_capacity.iter().map(ToString::to_string).collect(),
        sow_total: h_grouped(answer.sow_periods.iter().map(|p| p.hours).sum()),
        unallocated_sow: rate(answer.unallocated_sow),
        sow_periods: answer
            .sow_periods
            .iter()
            .map(|period| SowLine {
                start: period.start.to_string(),
                end: period.end.to_string(),
                hours: h(period.hours),
                name: period.name.clone(),
            })
            .collect(),
        verdict_with_sow: Verdict::new(answer.safe_with_sow, headroom_with_sow),
        months: answer
            .months
            .iter()
            .map(|month| WhatIfMonthLine {
                month: month.month.to_string(),
                working_days: month.working_days,
                before: rate(month.committed_before),
                after: rate(month.committed_after),
                with_sow: rate(month.committed_after + month.unallocated_sow),
                capacity: month.capacity.map(rate),
                headroom: month.headroom.map(rate),
            })
            .collect(),
    };
    terminal.render(WHAT_IF, &view)
}
