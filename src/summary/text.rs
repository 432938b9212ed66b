//! The terminal summary for allocation providers: how many hours are left, what is starting
//! soon, what is unlogged.

use std::fmt::Write;

use anyhow::Result;

use crate::diagnostics::Diagnostics;
use crate::figures::allocations::State;
use crate::figures::what_if::WhatIf;
use crate::figures::Figures;
use crate::hours::Hours;
use crate::model::{AllocationId, Dataset, EngagementId};
use crate::present::format::{h, h_grouped, percent, usage_bar};
use crate::present::Phrases;
use crate::settings::Settings;

/// Completed allocations that ended within this many days are still shown.
const RECENT_DAYS: i64 = 31;

pub(crate) fn render(
    dataset: &Dataset,
    figures: &Figures,
    phrases: &Phrases,
    diagnostics: &Diagnostics,
    settings: &Settings,
) -> Result<String> {
    let mut out = String::new();
    let _ = writeln!(out, "{} {}, as of {}", settings.organisation, settings.service_name, figures.as_of);
    for engagement in &figures.urgency {
        write_engagement(&mut out, dataset, figures, phrases, *engagement)?;
    }
    write_upcoming(&mut out, dataset, figures);
    write_logging(&mut out, dataset, figures);
    let warnings = diagnostics.warnings().count();
    if warnings > 0 {
        let _ = writeln!(
            out,
            "\n{warnings} data warnings: run `ces-report check` on the data folder to list them."
        );
    }
    Ok(out)
}

fn write_engagement(
    out: &mut String,
    dataset: &Dataset,
    figures: &Figures,
    phrases: &Phrases,
    id: EngagementId,
) -> Result<()> {
    let engagement = &dataset.engagements[id];
    let totals = &figures.engagements[id];
    let period = match (engagement.start, engagement.end) {
        (Some(start), Some(end)) => format!("{start} to {end}"),
        (Some(start), None) => format!("from {start}, no end date"),
        (None, Some(end)) => format!("until {end}, no start date"),
        (None, None) => "no dates".to_string(),
    };
    let _ = writeln!(
        out,
        "\n{} · {} · {}",
        totals.status.status.label().to_uppercase(),
        engagement.name,
        engagement.community
    );
    let expired = if totals.expired.is_zero() {
        String::new()
    } else {
        format!(" ({} h expired unused)", h_grouped(totals.expired))
    };
    let _ = writeln!(
        out,
        "  {period} · {} h available, {} h used, {} h left{expired}",
        h_grouped(totals.available),
        h_grouped(totals.used),
        h_grouped(totals.left)
    );
    for reason in phrases.reasons(dataset, &totals.status.reasons)? {
        let _ = writeln!(out, "  - {reason}");
    }
    for past in phrases.reasons(dataset, &totals.status.history)? {
        let _ = writeln!(out, "  history: {past}");
    }
    if !totals.outside_window.is_empty() {
        let lines: Vec<String> =
            totals.outside_window.iter().map(|id| dataset.activities[*id].line.to_string()).collect();
        let count = lines.len();
        let _ = writeln!(
            out,
            "  data: {count} {} dated outside {} allocation's window (activities.csv line{} {})",
            if count == 1 { "activity" } else { "activities" },
            if count == 1 { "its" } else { "their" },
            if count == 1 { "" } else { "s" },
            lines.join(", ")
        );
    }
    let (shown, hidden): (Vec<AllocationId>, Vec<AllocationId>) =
        dataset.allocations_of(id).partition(|allocation| worth_showing(dataset, figures, *allocation));
    for allocation in shown {
        write_allocation(out, dataset, figures, allocation);
    }
    if !hidden.is_empty() {
        let noun = if hidden.len() == 1 { "allocation" } else { "allocations" };
        let _ = writeln!(out, "    … and {} earlier completed {noun}", hidden.len());
    }
    Ok(())
}

/// Open allocations, recently closed ones, and any overrun: the rest is history.
fn worth_showing(dataset: &Dataset, figures: &Figures, id: AllocationId) -> bool {
    let totals = &figures.allocations[id];
    let recently_ended = (figures.as_of - dataset.allocations[id].end).num_days() <= RECENT_DAYS;
    totals.state != State::Completed || recently_ended || !totals.overrun.is_zero()
}

fn write_allocation(out: &mut String, dataset: &Dataset, figures: &Figures, id: AllocationId) {
    let allocation = &dataset.allocations[id];
    let totals = &figures.allocations[id];
    let state = totals.state.label();
    let used = format!("{} h", h_grouped(totals.used));
    let available = format!("{} h", h_grouped(totals.available));
    let left = if totals.expired.is_zero() {
        format!("{} h left", h_grouped(totals.left))
    } else {
        format!("{} h expired", h_grouped(totals.expired))
    };
    let _ = writeln!(
        out,
        "    {} {:>5}  {used:>8} of {available:<8} {left:>12}  {state:<9}  {}",
        usage_bar(totals.used, totals.available),
        percent(totals.usage_percent),
        allocation.name
    );
}

fn write_upcoming(out: &mut String, dataset: &Dataset, figures: &Figures) {
    let _ = writeln!(out, "\nStarting soon");
    if figures.upcoming.is_empty() {
        let _ = writeln!(out, "  nothing in the next weeks");
    }
    for id in &figures.upcoming {
        let allocation = &dataset.allocations[*id];
        let provider = allocation.provider.as_deref().unwrap_or("NO PROVIDER ASSIGNED");
        let _ = writeln!(
            out,
            "  {}  {:>5} h  {}  ({provider})",
            allocation.start,
            h(allocation.available),
            allocation.name
        );
    }
}

fn write_logging(out: &mut String, dataset: &Dataset, figures: &Figures) {
    let _ = writeln!(out, "\nLogging reminders");
    if figures.quiet.is_empty() && figures.late_entries.is_empty() {
        let _ = writeln!(out, "  all active allocations have recent activity");
    }
    for quiet in &figures.quiet {
        let allocation = &dataset.allocations[quiet.allocation];
        let last = quiet.last_activity.map_or("never".to_string(), |day| day.to_string());
        let provider = allocation.provider.as_deref().unwrap_or("no provider");
        let _ = writeln!(out, "  no recent activity: {} ({provider}; last activity {last})", allocation.name);
    }
    for entry in &figures.late_entries {
        let activity = &dataset.activities[entry.activity];
        let _ = writeln!(
            out,
            "  logged {} days late: {} by {} ({}, activities.csv line {})",
            entry.days_late,
            dataset.allocations[activity.allocation].name,
            dataset.team_member(activity.team_member),
            activity.end,
            activity.line
        );
    }
}

/// The answer to "can we commit H more hours between D1 and D2?", with the months behind it.
pub(crate) fn what_if(answer: &WhatIf) -> String {
    let mut out = String::new();
    let per_day = answer.committed_after - answer.committed_before;
    let _ = writeln!(
        out,
        "Adding {} h from {} to {} ({} working days, {per_day:.2} h per working day)",
        h_grouped(answer.hours),
        answer.from,
        answer.to,
        answer.working_days,
    );
    if answer.counted_from > answer.from {
        let _ = writeln!(
            out,
            "  counted from {}, the as-of date: the part of the period before it is past",
            answer.counted_from
        );
    }
    let _ = writeln!(
        out,
        "  committed per working day, on average: {:.2} h now, {:.2} h with it",
        answer.committed_before, answer.committed_after
    );
    match (answer.capacity, answer.headroom) {
        (Some(capacity), Some(headroom)) => {
            let _ = writeln!(out, "  P&S team capacity per working day, on average: {capacity:.2} h");
            let _ = writeln!(out, "{}", verdict_line(headroom));
            let over: Vec<String> = answer
                .months
                .iter()
                .filter(|m| m.headroom.is_some_and(|h| h < -1e-9))
                .map(|m| m.month.to_string())
                .collect();
            if !over.is_empty() && headroom >= -1e-9 {
                let _ = writeln!(
                    out,
                    "  but {} over capacity: {}",
                    if over.len() == 1 { "this month is" } else { "these months are" },
                    over.join(", ")
                );
            }
        }
        _ => {
            let months: Vec<String> = answer.unknown_capacity.iter().map(|m| m.to_string()).collect();
            let _ = writeln!(
                out,
                "UNKNOWN: the P&S team capacity is not recorded for every working day of {} (capacity.csv): no verdict.",
                months.join(", ")
            );
        }
    }
    write_sow(&mut out, answer);
    let _ = writeln!(out, "\n  month    working days      now  with it    + SoW  capacity  headroom");
    for month in &answer.months {
        let capacity = month.capacity.map_or("unknown".to_string(), |c| format!("{c:.2}"));
        let headroom = month.headroom.map_or("".to_string(), |h| format!("{h:.2}"));
        let _ = writeln!(
            out,
            "  {}  {:>12}  {:>7.2}  {:>7.2}  {:>7.2}  {capacity:>8}  {headroom:>8}",
            month.month,
            month.working_days,
            month.committed_before,
            month.committed_after,
            month.committed_after + month.unallocated_sow
        );
    }
    out
}

fn verdict_line(headroom: f64) -> String {
    if headroom >= -1e-9 {
        format!("SAFE: {headroom:.2} h per working day of capacity remain on average over the period.")
    } else {
        format!(
            "OVER CAPACITY by {:.2} h per working day on average: confirm with a P&S Area Lead before committing (seed 002).",
            -headroom
        )
    }
}

/// The SoW periods promised but not yet allocated, and the verdict with them.
fn write_sow(out: &mut String, answer: &WhatIf) {
    if answer.sow_periods.is_empty() {
        let _ = writeln!(out, "  no SoW period inside it is waiting to be allocated");
        return;
    }
    let total: Hours = answer.sow_periods.iter().map(|p| p.hours).sum();
    let _ = writeln!(
        out,
        "  SoW periods promised but not yet allocated ({} h, `ces-report plan` lists them) add {:.2} h per working day:",
        h_grouped(total),
        answer.unallocated_sow
    );
    for period in &answer.sow_periods {
        let _ = writeln!(
            out,
            "    {} to {}  {:>6} h  {}",
            period.start,
            period.end,
            h(period.hours),
            period.name
        );
    }
    if let Some(headroom) = answer.headroom {
        let with_sow = headroom - answer.unallocated_sow;
        let _ = writeln!(out, "with the unallocated SoW periods too: {}", verdict_line(with_sow));
    }
}
