//! Figures on small hand-worked datasets: each status rule with its reason, commitment rows.
//!
//! The baseline (tests/common) is one engagement (2026-01-01 to 2027-12-31, Active), one
//! project and one allocation of 12 h over Q4 2026 (66 working days: Oct 22, Nov 21, Dec 23),
//! with 2 h logged on Oct 5 and 2 h on Oct 20. As of Fri 2026-10-30, 22 working days have
//! elapsed: expected use 12 × 22/66 = 4 h, used 4 h, forecast 4 + 4/22 × 44 = 12 h.

use ces_report::figures::status::Status;
use ces_report::figures::{compute, Figures};
use ces_report::settings::Settings;

use crate::support::{day, hours, id, phrases, Data, ENGAGEMENTS, PROJECTS};

fn figures_at(data: &Data, as_of: &str) -> Figures {
    let (dataset, _) = data.read();
    compute(&dataset, &Settings::default(), day(as_of))
}

fn status_at(data: &Data, as_of: &str) -> (Status, Vec<String>) {
    let (dataset, _) = data.read();
    let figures = compute(&dataset, &Settings::default(), day(as_of));
    let status = &figures.engagements[id(0)].status;
    (status.status, phrases().reasons(&dataset, &status.reasons).unwrap())
}

#[test]
fn baseline_is_on_track_with_even_pace() {
    let figures = figures_at(&Data::baseline(), "2026-10-30");
    let q4 = &figures.allocations[id(0)];
    assert_eq!((q4.hours.used, q4.expected_used, q4.forecast_at_end), (hours(4.0), 4.0, 12.0));
    assert_eq!(status_at(&Data::baseline(), "2026-10-30"), (Status::OnTrack, vec![]));
}

#[test]
fn overrun_needs_action() {
    let data = Data::baseline()
        .add("activities.csv", "Alpha 2026 Q4,Ana Silva,9,Migration,10/26/2026,10/28/2026,\n");
    assert_eq!(
        status_at(&data, "2026-10-30"),
        (
            Status::ActionNeeded,
            vec!["Allocation “Alpha 2026 Q4” is overrun: 13 h used of 12 h available.".to_string()]
        )
    );
}

#[test]
fn forecast_overrun_needs_action_and_fast_pace_is_flagged() {
    // 7 h used after 22 of 66 working days: forecast 7 + 7/22 × 44 = 21 h > 12 × 1.1;
    // pace 7 / 4 = 175% of expected, above 150%.
    let data = Data::baseline().add("activities.csv", "Alpha 2026 Q4,Ana Silva,3,Training,10/28/2026,,\n");
    assert_eq!(
        status_at(&data, "2026-10-30"),
        (
            Status::ActionNeeded,
            vec![
                "Allocation “Alpha 2026 Q4” is forecast to use 21 h of 12 h by its end on 2026-12-31 at the current pace.".to_string(),
                "Allocation “Alpha 2026 Q4” is ahead of pace: 7 h used, 4 h expected by now.".to_string(),
            ]
        )
    );
}

#[test]
fn services_beyond_the_contract_period_need_action() {
    let engagements = ENGAGEMENTS.replace("12/31/2027", "10/15/2026");
    let data = Data::baseline().with("engagements.csv", &engagements);
    let (status, reasons) = status_at(&data, "2026-10-30");
    assert_eq!(status, Status::ActionNeeded);
    assert_eq!(
        reasons,
        [
            "1 activity (2 h) dated after the engagement ended on 2026-10-15: services beyond the contract period.",
            "The engagement is still marked Active but ended on 2026-10-15: renew or close it.",
        ]
    );
}

#[test]
fn slow_pace_is_at_risk() {
    let data = Data::baseline().add("activities.csv", "").with(
        "activities.csv",
        "Allocation,Team member,Units,Start date\nAlpha 2026 Q4,Ana Silva,1,10/5/2026\n",
    );
    assert_eq!(
        status_at(&data, "2026-10-30"),
        (
            Status::AtRisk,
            vec!["Allocation “Alpha 2026 Q4” is behind pace: 1 h used, 4 h expected by now.".to_string()]
        )
    );
}

#[test]
fn pace_is_not_judged_in_the_first_working_days() {
    // As of Fri Oct 9, 7 working days have elapsed (fewer than 10): 2 h against 1.3 h expected,
    // a forecast of 18.9 h, is not flagged yet.
    assert_eq!(status_at(&Data::baseline(), "2026-10-09"), (Status::OnTrack, vec![]));
}

#[test]
fn unrefined_projects_are_at_risk() {
    let projects = format!("{PROJECTS}Alpha archive,Alpha 2026 Premier,1/1/2027,,,\n");
    let data = Data::baseline()
        .with("projects.csv", &projects)
        .add("allocations.csv", "Alpha 2027 Q1,Alpha hub,1/1/2027,3/31/2027,12,\n");
    assert_eq!(
        status_at(&data, "2026-10-30"),
        (
            Status::AtRisk,
            vec![
                "Allocation “Alpha 2027 Q1” has no provider assigned.".to_string(),
                "Project “Alpha archive” has no end date or description.".to_string(),
                "Project “Alpha archive” has no allocations.".to_string(),
            ]
        )
    );
}

#[test]
fn engagement_missing_dates_is_at_risk() {
    let engagements = ENGAGEMENTS.replace("1/1/2026,12/31/2027", ",");
    let data = Data::baseline().with("engagements.csv", &engagements);
    assert_eq!(
        status_at(&data, "2026-10-30"),
        (Status::AtRisk, vec!["The engagement has no start date or end date.".to_string()])
    );
}

#[test]
fn renewal_window_is_at_risk() {
    let engagements = ENGAGEMENTS.replace("12/31/2027", "12/15/2026");
    let data = Data::baseline().with("engagements.csv", &engagements);
    assert_eq!(
        status_at(&data, "2026-10-30"),
        (Status::AtRisk, vec!["The engagement ends on 2026-12-15, in 46 days: renewal is due.".to_string()])
    );
}

#[test]
fn a_closed_engagement_is_not_asked_to_refine() {
    let engagements = ENGAGEMENTS
        .replace("12/31/2027", "12/31/2026")
        .replace("Active", "Closed")
        .replace("\"Premier Tier\nHub support and training\"", "");
    let data = Data::baseline().with("engagements.csv", &engagements);
    // Ended a month before, with nothing to act on: ended, not on track.
    assert_eq!(status_at(&data, "2027-02-01"), (Status::Ended, vec![]));
    assert_eq!(status_at(&data, "2026-10-30").1, ["The engagement has no description."]);
}

#[test]
fn commitment_rows_for_one_quarter() {
    // 12 h over 66 working days: 4 h in October (22 days), 3.8182 h in November (21 days),
    // 4.1818 h in December (23 days); per working day 12/66 = 0.1818 h, FTE 0.0227.
    let figures = figures_at(&Data::baseline(), "2026-10-30");
    let rows: Vec<_> = figures
        .commitment
        .iter()
        .map(|row| {
            (
                row.month.to_string(),
                row.working_days,
                (row.committed_hours * 1e4).round() / 1e4,
                row.delivered_hours,
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("2026-10".to_string(), 22, 4.0, hours(4.0)),
            ("2026-11".to_string(), 21, 3.8182, hours(0.0)),
            ("2026-12".to_string(), 23, 4.1818, hours(0.0)),
        ]
    );
    let october = &figures.commitment[0];
    assert!((october.committed_hours_per_working_day - 12.0 / 66.0).abs() < 1e-12);
    assert!((october.fte - 12.0 / 66.0 / 8.0).abs() < 1e-12);
    assert_eq!(october.capacity_hours_per_working_day, None);
}

#[test]
fn capacity_from_the_export_and_cost() {
    let data = Data::baseline()
        .with("capacity.csv", "Effective from,Hours per working day\n1/1/2026,6\n11/1/2026,4\n");
    let figures = figures_at(&data, "2026-10-30");
    let capacities: Vec<_> =
        figures.commitment.iter().map(|row| row.capacity_hours_per_working_day).collect();
    assert_eq!(capacities, [Some(6.0), Some(4.0), Some(4.0)]);
    assert_eq!((figures.cost.delivered_hours, figures.cost.delivered_cost), (hours(4.0), 400.0));
    assert_eq!(figures.cost.committed_cost, 1200.0);
}

#[test]
fn reminders_upcoming_ending_and_quiet() {
    let data = Data::baseline().add("allocations.csv", "Alpha 2027 Q1,Alpha hub,1/1/2027,3/31/2027,12,\n");
    // Dec 10: Q1 starts in 22 days (within 28); Q4 ends in 21 days (within 30); the last
    // activity (Oct 20) is older than 14 days.
    let figures = figures_at(&data, "2026-12-10");
    assert_eq!(figures.upcoming, [id(1)]);
    assert_eq!(figures.ending_soon, [id(0)]);
    assert_eq!(figures.quiet.len(), 1);
    assert_eq!(figures.quiet[0].last_activity, Some(day("2026-10-20")));
    let early = figures_at(&data, "2026-10-30");
    assert!(early.upcoming.is_empty() && early.quiet.is_empty());
}
