//! Every threshold of the settings (README, "Settings", has the defaults) at its exact edge
//! and one step either side, worked by hand through the public figures, then once through the
//! binary. Each test fails when its comparison shifts by one (`<=` for `<`, `..=` for `..`,
//! `>` for `>=`).
//!
//! The baseline (see `support`) is one engagement (2026-01-01 to 2027-12-31, Active), one
//! project promising 12 h a quarter, and one allocation, Alpha 2026 Q4, of 12 h from Thu
//! 2026-10-01 to Thu 2026-12-31: 66 working days (October 22, November 21, December 23),
//! with 2 h logged on Mon Oct 5 and 2 h on Tue Oct 20.

use ces_report::figures::reminders::LateEntry;
use ces_report::figures::status::{Reason, Status};
use ces_report::figures::{compute, Figures};
use ces_report::settings::Settings;

use crate::support::{ces_report, day, id, phrases, text, Data, ALLOCATIONS, ENGAGEMENTS};

fn figures_at(data: &Data, as_of: &str) -> Figures {
    let (dataset, _) = data.read();
    compute(&dataset, &Settings::default(), day(as_of))
}

/// The engagement's status, its reasons and its history, as the team reads them.
fn status_at(data: &Data, as_of: &str) -> (Status, Vec<String>, Vec<String>) {
    let (dataset, _) = data.read();
    let figures = compute(&dataset, &Settings::default(), day(as_of));
    let status = &figures.engagements[id(0)].status;
    let phrases = phrases();
    (
        status.status,
        phrases.reasons(&dataset, &status.reasons).unwrap(),
        phrases.reasons(&dataset, &status.history).unwrap(),
    )
}

/// The engagement's status and the codes of its reasons.
fn codes_at(data: &Data, as_of: &str) -> (Status, Vec<&'static str>) {
    let figures = figures_at(data, as_of);
    let status = &figures.engagements[id(0)].status;
    (status.status, status.reasons.iter().map(ces_report::present::codes::reason_code).collect())
}

/// The baseline whose only activity is `units` hours logged on `date`.
fn logged(units: &str, date: &str) -> Data {
    Data::baseline().with(
        "activities.csv",
        &format!("Allocation,Team member,Units,Description,Start date\nAlpha 2026 Q4,Ana Silva,{units},Work,{date}\n"),
    )
}

// status.overrun_days_after_end = 30

/// The baseline with 9 h more logged Oct 26–28: 13 h used of 12 h.
fn overrun() -> Data {
    Data::baseline().add("activities.csv", "Alpha 2026 Q4,Ana Silva,9,Migration,10/26/2026,10/28/2026,\n")
}

const OVERRUN: &str = "Allocation “Alpha 2026 Q4” is overrun: 13 h used of 12 h available.";
const PAST_OVERRUN: &str =
    "Allocation “Alpha 2026 Q4” was overrun: 13 h used of 12 h available; it ended on 2026-12-31.";

#[test]
fn an_overrun_is_red_through_day_30_after_the_allocation_ends_and_history_from_day_31() {
    // The allocation ends Thu 2026-12-31 (day 0). Day 29 after it is 2027-01-29, day 30 is
    // 2027-01-30, day 31 is 2027-01-31: red while (as-of − end) ≤ 30 days.
    let red = (Status::ActionNeeded, vec![OVERRUN.to_string()], vec![]);
    assert_eq!(status_at(&overrun(), "2026-12-31"), red, "day 0");
    assert_eq!(status_at(&overrun(), "2027-01-29"), red, "day 29");
    assert_eq!(status_at(&overrun(), "2027-01-30"), red, "day 30");
    let history = (Status::OnTrack, vec![], vec![PAST_OVERRUN.to_string()]);
    assert_eq!(status_at(&overrun(), "2027-01-31"), history, "day 31");
}

// status.renewal_window_days = 60

#[test]
fn renewal_is_due_from_60_days_before_the_engagements_end_through_its_last_day() {
    // The engagement now ends Thu 2026-12-31. Sat 2026-10-31 is 61 days before (November's
    // 30 + December's 31), Sun 2026-11-01 is 60, and 2026-12-31 itself is day 0.
    let data = Data::baseline().with("engagements.csv", &ENGAGEMENTS.replace("12/31/2027", "12/31/2026"));
    assert_eq!(status_at(&data, "2026-10-31"), (Status::OnTrack, vec![], vec![]), "61 days");
    let due = |days: i64| format!("The engagement ends on 2026-12-31, in {days} days: renewal is due.");
    // On Nov 1, 22 working days have elapsed: 4 h used of 12 × 22/66 = 4 h expected, on pace.
    assert_eq!(status_at(&data, "2026-11-01"), (Status::AtRisk, vec![due(60)], vec![]), "60 days");
    // The window opens on its 60th day before the end: that is when the reason started.
    let renewal = figures_at(&data, "2026-11-01").engagements[id(0)].status.reasons[0].clone();
    assert_eq!(renewal, Reason::RenewalDue { end: day("2026-12-31"), days: 60, since: day("2026-11-01") });
    assert_eq!(status_at(&data, "2026-11-02").1, [due(59)], "59 days");
    // On the last day, all 66 working days have elapsed: 4 h used of 12 h expected (33%) is
    // also behind pace.
    assert_eq!(
        status_at(&data, "2026-12-31"),
        (
            Status::AtRisk,
            vec![
                due(0),
                "Allocation “Alpha 2026 Q4” is behind pace: 4 h used, 12 h expected by now.".to_string()
            ],
            vec![]
        ),
        "day 0"
    );
    // The day after, the engagement has ended: no renewal reason, a red one instead.
    assert_eq!(codes_at(&data, "2027-01-01"), (Status::ActionNeeded, vec!["still-marked-active"]));
}

// status.pace_min_elapsed_working_days = 10

#[test]
fn pace_and_forecast_are_judged_from_the_10th_elapsed_working_day() {
    // 8 h logged on Thu Oct 1. Working days elapsed: Oct 1–2 (2), 5–9 (7), Mon 12 (8), Tue 13
    // (9), Wed 14 (10), Thu 15 (11).
    let data = logged("8", "10/1/2026");
    let elapsed = |as_of: &str| figures_at(&data, as_of).allocations[id(0)].elapsed_working_days;
    assert_eq!([elapsed("2026-10-13"), elapsed("2026-10-14"), elapsed("2026-10-15")], [9, 10, 11]);
    // After 9 days: 8 h against 12 × 9/66 = 1.6 h expected, a forecast of 8 + 8/9 × 57 =
    // 58.7 h, but not judged yet.
    assert_eq!(status_at(&data, "2026-10-13"), (Status::OnTrack, vec![], vec![]), "9 days");
    // After 10: 12 × 10/66 = 1.8 h expected (440%); forecast 8 + 8/10 × 56 = 52.8 h > 13.2 h.
    let judged = (
        Status::ActionNeeded,
        vec![
            "Allocation “Alpha 2026 Q4” is forecast to use 52.8 h of 12 h by its end on 2026-12-31 at the current pace.".to_string(),
            "Allocation “Alpha 2026 Q4” is ahead of pace: 8 h used, 1.8 h expected by now.".to_string(),
        ],
        vec![],
    );
    assert_eq!(status_at(&data, "2026-10-14"), judged, "10 days");
    // After 11: 2 h expected; forecast 8 + 8/11 × 55 = 48 h.
    assert_eq!(codes_at(&data, "2026-10-15"), (Status::ActionNeeded, vec!["forecast-overrun", "off-pace"]));
}

// status.pace_low_percent = 50, status.pace_high_percent = 150

/// The off-pace reason of the baseline's allocation, as (ahead, used, expected), if any.
fn off_pace(data: &Data, as_of: &str) -> Option<(bool, f64, f64)> {
    let figures = figures_at(data, as_of);
    figures.engagements[id(0)].status.reasons.iter().find_map(|reason| match reason {
        Reason::OffPace { ahead, used, expected, .. } => Some((*ahead, used.as_f64(), *expected)),
        _ => None,
    })
}

#[test]
fn exactly_half_the_expected_use_is_on_pace_a_hundredth_of_an_hour_less_is_behind() {
    // As of Fri Oct 30, 22 of 66 working days have elapsed: 12 × 22/66 = 4 h expected.
    // 1.99 h is 49.75% of it, 2 h exactly 50%, 2.01 h 50.25%.
    assert_eq!(off_pace(&logged("1.99", "10/5/2026"), "2026-10-30"), Some((false, 1.99, 4.0)));
    assert_eq!(off_pace(&logged("2", "10/5/2026"), "2026-10-30"), None);
    assert_eq!(off_pace(&logged("2.01", "10/5/2026"), "2026-10-30"), None);
    assert_eq!(status_at(&logged("2", "10/5/2026"), "2026-10-30"), (Status::OnTrack, vec![], vec![]));
}

#[test]
fn exactly_one_and_a_half_times_the_expected_use_is_on_pace_a_hundredth_more_is_ahead() {
    // 4 h expected as of Oct 30 (above): 5.99 h is 149.75%, 6 h exactly 150%, 6.01 h 150.25%.
    // Each forecasts about 3 × its use (used + used/22 × 44), 18 h > 13.2 h: red either way.
    assert_eq!(off_pace(&logged("5.99", "10/5/2026"), "2026-10-30"), None);
    assert_eq!(off_pace(&logged("6", "10/5/2026"), "2026-10-30"), None);
    assert_eq!(off_pace(&logged("6.01", "10/5/2026"), "2026-10-30"), Some((true, 6.01, 4.0)));
    assert_eq!(
        codes_at(&logged("6", "10/5/2026"), "2026-10-30"),
        (Status::ActionNeeded, vec!["forecast-overrun"])
    );
}

#[test]
fn exactly_150_percent_stays_on_pace_where_floating_point_rounds_the_ratio_up() {
    // 12 h over February 2027 (Mon Feb 1 – Sun Feb 28: 20 working days), 9.9 h logged on
    // Feb 1. As of Mon Feb 15, 11 have elapsed (Feb 1–5, 8–12, 15): 12 × 11/20 = 6.6 h
    // expected, and 9.9 / 6.6 is exactly 150%, which binary floating point computes as
    // 150.00000000000003. 9.91 h is 150.15%.
    let february = |units: &str| {
        Data::baseline()
            .add("allocations.csv", "Alpha 2027 February,Alpha hub,2/1/2027,2/28/2027,12,Ana Silva\n")
            .with(
                "activities.csv",
                &format!("Allocation,Team member,Units,Start date\nAlpha 2027 February,Ana Silva,{units},2/1/2027\n"),
            )
    };
    let figures = figures_at(&february("9.9"), "2027-02-15");
    let allocation = &figures.allocations[id(1)];
    assert_eq!((allocation.elapsed_working_days, allocation.total_working_days), (11, 20));
    // Forecast 9.9 + 9.9/11 × 9 = 18 h > 13.2 h: red, but not ahead of pace.
    assert_eq!(codes_at(&february("9.9"), "2027-02-15"), (Status::ActionNeeded, vec!["forecast-overrun"]));
    assert_eq!(
        codes_at(&february("9.91"), "2027-02-15"),
        (Status::ActionNeeded, vec!["forecast-overrun", "off-pace"])
    );
}

// status.forecast_overrun_percent = 10

#[test]
fn a_forecast_of_exactly_110_percent_is_not_red_a_hundredth_of_an_hour_more_is() {
    // As of Fri Oct 30 (22 of 66 working days), the forecast is used + used/22 × 44 = 3 ×
    // used; the limit is 12 × 1.1 = 13.2 h. 4.39 h forecasts 13.17 h, 4.4 h exactly 13.2 h,
    // 4.41 h 13.23 h. (Pace: 4.4 / 4 = 110%, on pace.)
    assert_eq!(codes_at(&logged("4.39", "10/5/2026"), "2026-10-30"), (Status::OnTrack, vec![]));
    assert_eq!(codes_at(&logged("4.4", "10/5/2026"), "2026-10-30"), (Status::OnTrack, vec![]));
    assert_eq!(
        status_at(&logged("4.41", "10/5/2026"), "2026-10-30"),
        (
            Status::ActionNeeded,
            vec!["Allocation “Alpha 2026 Q4” is forecast to use 13.2 h of 12 h by its end on 2026-12-31 at the current pace.".to_string()],
            vec![]
        )
    );
}

#[test]
fn a_forecast_of_exactly_110_percent_is_not_red_where_floating_point_rounds_it_up() {
    // 4.5 h over Q4, 2.7 h logged on Oct 5. As of Thu Nov 19, 36 working days have elapsed
    // (October's 22, Nov 2–6, 9–13, 16–19): forecast 2.7 + 2.7/36 × 30 = 4.95 h, exactly
    // 4.5 × 1.1, which binary floating point computes as 4.950000000000001. 2.71 h forecasts
    // 2.71 × 66/36 = 4.97 h. (Pace: 2.7 h of 4.5 × 36/66 = 2.45 h expected, 110%.)
    let data = |units: &str| {
        Data::baseline().with("allocations.csv", &ALLOCATIONS.replace(",12,", ",4.5,")).with(
            "activities.csv",
            &format!("Allocation,Team member,Units,Start date\nAlpha 2026 Q4,Ana Silva,{units},10/5/2026\n"),
        )
    };
    assert_eq!(figures_at(&data("2.7"), "2026-11-19").allocations[id(0)].elapsed_working_days, 36);
    assert_eq!(codes_at(&data("2.7"), "2026-11-19"), (Status::OnTrack, vec![]));
    assert_eq!(codes_at(&data("2.71"), "2026-11-19"), (Status::ActionNeeded, vec!["forecast-overrun"]));
}

// windows.late_logging_days = 14

#[test]
fn a_log_14_days_late_is_not_listed_15_days_late_is() {
    // Three activities of Thu Oct 1, logged on Oct 14 (13 days after), Oct 15 (14) and Oct 16
    // (15): only the last is late.
    let data = Data::baseline().with(
        "activities.csv",
        "Allocation,Team member,Units,Description,Start date,End date,Created
Alpha 2026 Q4,Ana Silva,1,Thirteen,10/1/2026,,10/14/2026 9:00am
Alpha 2026 Q4,Ana Silva,1,Fourteen,10/1/2026,,10/15/2026 9:00am
Alpha 2026 Q4,Ana Silva,1,Fifteen,10/1/2026,,10/16/2026 5:30pm
",
    );
    let late = [LateEntry { activity: id(2), days_late: 15 }];
    assert_eq!(figures_at(&data, "2026-10-31").late_entries, late);
    // Known on the as-of date it was logged, not the day before.
    assert_eq!(figures_at(&data, "2026-10-16").late_entries, late);
    assert_eq!(figures_at(&data, "2026-10-15").late_entries, []);
}

// windows.quiet_days = 14

#[test]
fn an_allocation_is_quiet_after_14_days_without_activity_once_it_has_run_14_days() {
    // The last activity is on Tue Oct 20. As of Mon Nov 2 the last 14 days are Oct 20 – Nov 2,
    // which hold it; as of Tue Nov 3 they are Oct 21 – Nov 3, which do not.
    let quiet = |data: &Data, as_of: &str| -> Vec<_> {
        figures_at(data, as_of).quiet.iter().map(|q| (q.allocation, q.last_activity)).collect()
    };
    assert_eq!(quiet(&Data::baseline(), "2026-11-02"), []);
    assert_eq!(quiet(&Data::baseline(), "2026-11-03"), [(id(0), Some(day("2026-10-20")))]);
    // With nothing logged, the allocation (started Thu Oct 1) is quiet once it has run 14 days:
    // on Thu Oct 15, not on Wed Oct 14 (13 days).
    let silent = Data::baseline().with("activities.csv", "Allocation,Team member,Units,Start date\n");
    assert_eq!(quiet(&silent, "2026-10-14"), []);
    assert_eq!(quiet(&silent, "2026-10-15"), [(id(0), None)]);
}

// windows.ending_soon_days = 30

#[test]
fn an_allocation_ends_soon_from_30_days_before_its_end_through_its_last_day() {
    // Alpha 2026 Q4 ends Thu Dec 31: Nov 30 is 31 days before, Dec 1 is 30, Dec 31 day 0.
    let ending = |as_of: &str| figures_at(&Data::baseline(), as_of).ending_soon;
    assert_eq!(ending("2026-11-30"), []);
    assert_eq!(ending("2026-12-01"), [id(0)]);
    assert_eq!(ending("2026-12-31"), [id(0)]);
    assert_eq!(ending("2027-01-01"), []);
}

// windows.upcoming_days = 28 (also through `initiatives`, in initiatives.rs)

#[test]
fn an_allocation_is_upcoming_from_28_days_before_its_start_to_the_day_before() {
    // Alpha 2027 Q1 starts Fri 2027-01-01: Dec 3 is 29 days before, Dec 4 is 28, Dec 31 is 1.
    let data =
        Data::baseline().add("allocations.csv", "Alpha 2027 Q1,Alpha hub,1/1/2027,3/31/2027,12,Ana Silva\n");
    let upcoming = |as_of: &str| figures_at(&data, as_of).upcoming;
    assert_eq!(upcoming("2026-12-03"), []);
    assert_eq!(upcoming("2026-12-04"), [id(1)]);
    assert_eq!(upcoming("2026-12-31"), [id(1)]);
    assert_eq!(upcoming("2027-01-01"), [], "starting today is active, not upcoming");
}

// The rules' other edges: what mutation testing (scripts/mutants) found untested.

#[test]
fn each_status_has_seed_002s_label_and_slug() {
    // The names come from templates/labels.toml (its defaults are seed 002's).
    let phrases = crate::support::phrases();
    let shown = |status: Status| {
        (phrases.status_label(status).to_string(), ces_report::present::codes::status_slug(status))
    };
    assert_eq!(shown(Status::OnTrack), ("On Track".to_string(), "on-track"));
    assert_eq!(shown(Status::AtRisk), ("Monitor / At Risk".to_string(), "at-risk"));
    assert_eq!(shown(Status::ActionNeeded), ("Action Needed".to_string(), "action-needed"));
    assert_eq!(shown(Status::Ended), ("Ended".to_string(), "ended"));
}

#[test]
fn an_overrun_is_a_finding_since_the_day_the_hours_ran_out() {
    // 2 h on Oct 5 and Oct 20, then 9 h over Oct 26–28: 4 h, then 13 h of 12 h on Oct 28.
    let figures = figures_at(&overrun(), "2026-10-30");
    let (dataset, _) = overrun().read();
    let findings = ces_report::figures::findings::findings(&dataset, &figures);
    let found: Vec<_> =
        findings.iter().map(|f| (ces_report::present::codes::subject_code(&f.subject), f.since)).collect();
    assert_eq!(found, [("overrun", Some(day("2026-10-28")))]);
}

#[test]
fn work_on_the_engagements_last_day_is_within_the_contract_the_day_after_is_not() {
    // The engagement now ends on Tue Oct 20, the day of the baseline's last activity. As of Oct
    // 30 it has ended (still marked Active), but nothing was done after it; 0.2 h on Wed Oct 21 was
    // (4.2 h used in all: a forecast of 3 × 4.2 = 12.6 h, not red).
    let ended = Data::baseline().with("engagements.csv", &ENGAGEMENTS.replace("12/31/2027", "10/20/2026"));
    assert_eq!(codes_at(&ended, "2026-10-30"), (Status::ActionNeeded, vec!["still-marked-active"]));
    let after = ended.add("activities.csv", "Alpha 2026 Q4,Ana Silva,0.2,Late call,10/21/2026,,\n");
    assert_eq!(
        status_at(&after, "2026-10-30").1,
        [
            "1 activity (0.2 h) dated after the engagement ended on 2026-10-20: services beyond the contract period.",
            "The engagement is still marked Active but ended on 2026-10-20: renew or close it.",
        ]
    );
}

#[test]
fn refinement_is_asked_for_through_the_engagements_last_day() {
    // A Closed engagement without a description, ending Thu 2026-12-31. On its last day it is
    // still asked for (with the renewal due in 0 days and 4 h of 12 h used, behind pace); the
    // day after, nothing is, and the engagement has ended.
    let engagements = ENGAGEMENTS
        .replace("12/31/2027", "12/31/2026")
        .replace("Active", "Closed")
        .replace("\"Premier Tier\nHub support and training\"", "");
    let data = Data::baseline().with("engagements.csv", &engagements);
    assert_eq!(
        codes_at(&data, "2026-12-31"),
        (Status::AtRisk, vec!["engagement-incomplete", "renewal-due", "off-pace"])
    );
    assert_eq!(codes_at(&data, "2027-01-01"), (Status::Ended, vec![]));
}

#[test]
fn pace_is_not_judged_before_any_working_day_has_elapsed_even_with_no_minimum() {
    // With `status.pace_min_elapsed_working_days = 0`, an allocation starting on Sat 2026-10-03
    // with 2 h logged that day has, as of that Saturday, 0 working days elapsed and 0 h
    // expected: there is no pace to judge. On Mon Oct 5, 1 working day of 64 has elapsed:
    // 12 × 1/64 = 0.19 h expected, 2 h used, ahead.
    let data = Data::baseline()
        .with(
            "allocations.csv",
            "Allocation name,Project,Allocation start date,Allocation end date,Hours available,Allocation provider
Alpha weekend start,Alpha hub,10/3/2026,12/31/2026,12,Ana Silva
",
        )
        .with("activities.csv", "Allocation,Team member,Units,Start date\nAlpha weekend start,Ana Silva,2,10/3/2026\n");
    let (dataset, _) = data.read();
    let mut settings = Settings::default();
    settings.status.pace_min_elapsed_working_days = 0;
    let codes = |as_of: &str| -> Vec<&str> {
        let figures = compute(&dataset, &settings, day(as_of));
        figures.engagements[id(0)]
            .status
            .reasons
            .iter()
            .map(ces_report::present::codes::reason_code)
            .collect()
    };
    assert_eq!(codes("2026-10-03"), Vec::<&str>::new());
    assert_eq!(codes("2026-10-05"), ["forecast-overrun", "off-pace"]);
}

// what-if: SAFE while committed per working day ≤ capacity

mod what_if {
    use ces_report::calendar::WorkCalendar;
    use ces_report::figures::what_if::{what_if, Request, Unanswerable, WhatIf};

    use crate::support::{day, hours, Data, ALLOCATIONS};

    const CAPACITY: &str = "Effective from,Hours per working day\n1/1/2026,6\n";

    fn ask(data: &Data, hours_asked: f64, from: &str, to: &str) -> WhatIf {
        let (dataset, _) = data.read();
        let request =
            Request { hours: hours(hours_asked), from: day(from), to: day(to), as_of: day("2026-10-01") };
        what_if(&dataset, &WorkCalendar::default(), 8.0, request).unwrap()
    }

    fn months_over(answer: &WhatIf) -> Vec<String> {
        answer.months_over.iter().map(|m| m.to_string()).collect()
    }

    #[test]
    fn committing_up_to_capacity_exactly_is_safe_a_hundredth_of_an_hour_a_day_more_is_not() {
        // Q4 2026 has 66 working days; the baseline commits 12 h in it, 12/66 h a day, in
        // every month. 6 × 66 − 12 = 384 h more make exactly 6 h a day, the capacity: SAFE
        // with 0 h of headroom, no month over. 384.66 h (0.01 h a day more) make 6.01 h:
        // over, in every month. 383.34 h make 5.99 h.
        let data = Data::baseline().with("capacity.csv", CAPACITY);
        let at = ask(&data, 384.0, "2026-10-01", "2026-12-31");
        assert_eq!((at.working_days, at.capacity, at.committed_after), (66, Some(6.0), 6.0));
        assert_eq!((at.safe, at.safe_with_sow, at.headroom), (Some(true), Some(true), Some(0.0)));
        assert_eq!(months_over(&at), Vec::<String>::new());
        let over = ask(&data, 384.66, "2026-10-01", "2026-12-31");
        assert!((over.committed_after - 6.01).abs() < 1e-12, "{}", over.committed_after);
        assert_eq!((over.safe, over.safe_with_sow), (Some(false), Some(false)));
        assert_eq!(months_over(&over), ["2026-10", "2026-11", "2026-12"]);
        let under = ask(&data, 383.34, "2026-10-01", "2026-12-31");
        assert_eq!((under.safe, months_over(&under).len()), (Some(true), 0));
    }

    #[test]
    fn capacity_reached_exactly_through_rounding_noise_is_still_safe() {
        // An allocation of 1.14 h over Q4 commits 1.14/66 h a day; 6 × 66 − 1.14 = 394.86 h
        // more make exactly 6 h a day, which the month-weighted mean computes as
        // 6.000000000000002: within the tolerance, SAFE.
        let data = Data::baseline()
            .with("allocations.csv", &ALLOCATIONS.replace(",12,", ",1.14,"))
            .with("capacity.csv", CAPACITY);
        let at = ask(&data, 394.86, "2026-10-01", "2026-12-31");
        assert!(at.committed_after > 6.0 && at.committed_after - 6.0 < 1e-12, "{}", at.committed_after);
        assert_eq!(at.safe, Some(true));
        assert_eq!(months_over(&at), Vec::<String>::new());
    }

    #[test]
    fn with_the_unallocated_sow_periods_exactly_at_capacity_is_safe() {
        // Q1 2027 (64 working days: Jan 21, Feb 20, Mar 23) has nothing allocated; the SoW
        // period promised in it, 12 h, adds 12/64 = 0.1875 h a day. 372 h asked add 372/64 =
        // 5.8125 h: 6 h a day in all, exactly the capacity. 372.64 h make 6.01 h.
        let data = Data::baseline().with("capacity.csv", CAPACITY);
        let at = ask(&data, 372.0, "2027-01-01", "2027-03-31");
        assert_eq!((at.working_days, at.committed_after, at.unallocated_sow), (64, 5.8125, 0.1875));
        assert_eq!((at.safe, at.safe_with_sow), (Some(true), Some(true)));
        let over = ask(&data, 372.64, "2027-01-01", "2027-03-31");
        assert_eq!((over.safe, over.safe_with_sow), (Some(true), Some(false)));
    }

    #[test]
    fn a_period_ending_on_the_as_of_date_is_answered_one_ending_the_day_before_is_past() {
        // As of Fri 2026-10-30: Oct 1 – Oct 30 counts from Oct 30, 1 working day; Oct 1 – Oct
        // 29 is over.
        let (dataset, _) = Data::baseline().with("capacity.csv", CAPACITY).read();
        let request = |to: &str| Request {
            hours: hours(6.0),
            from: day("2026-10-01"),
            to: day(to),
            as_of: day("2026-10-30"),
        };
        let answer = what_if(&dataset, &WorkCalendar::default(), 8.0, request("2026-10-30")).unwrap();
        assert_eq!((answer.counted_from, answer.working_days), (day("2026-10-30"), 1));
        assert_eq!(
            what_if(&dataset, &WorkCalendar::default(), 8.0, request("2026-10-29")),
            Err(Unanswerable::InThePast)
        );
    }

    #[test]
    fn a_month_with_no_working_day_of_the_period_is_not_a_row() {
        // Sat 2026-10-31 to Mon 2026-11-02: October's part is a Saturday; only November, with
        // its 1 working day, is a row.
        let data = Data::baseline().with("capacity.csv", CAPACITY);
        let answer = ask(&data, 1.0, "2026-10-31", "2026-11-02");
        let months: Vec<(String, u32)> =
            answer.months.iter().map(|m| (m.month.to_string(), m.working_days)).collect();
        assert_eq!((answer.working_days, months), (1, vec![("2026-11".to_string(), 1)]));
    }
}

// Once through the binary: the JSON and text a reader gets at each edge.

fn run(folder: &std::path::Path, args: &[&str]) -> String {
    let mut all = vec![args[0], folder.to_str().unwrap()];
    all.extend_from_slice(&args[1..]);
    let output = ces_report(&all);
    assert!(output.status.success(), "{all:?}: {}", text(&output.stderr));
    text(&output.stdout)
}

/// `summary --format json` as of `as_of`: the engagement's status, its reason and history codes.
fn summary_json(folder: &std::path::Path, as_of: &str) -> serde_json::Value {
    serde_json::from_str(&run(folder, &["summary", "--as-of", as_of, "--format", "json"])).unwrap()
}

fn status_codes(json: &serde_json::Value) -> (String, Vec<String>, Vec<String>) {
    let engagement = &json["engagements"][0];
    let codes = |key: &str| {
        engagement[key].as_array().unwrap().iter().map(|r| r["code"].as_str().unwrap().to_string()).collect()
    };
    (engagement["status"].as_str().unwrap().to_string(), codes("reasons"), codes("history"))
}

#[test]
fn the_binary_applies_each_edge_and_each_setting() {
    let s = |v: &[&str]| v.iter().map(|c| c.to_string()).collect::<Vec<String>>();
    // The overrun: red on day 30 after the allocation's end, history on day 31.
    let folder = overrun().folder("thresholds-overrun");
    assert_eq!(
        status_codes(&summary_json(&folder, "2027-01-30")),
        ("action-needed".to_string(), s(&["overrun"]), s(&[]))
    );
    assert_eq!(
        status_codes(&summary_json(&folder, "2027-01-31")),
        ("on-track".to_string(), s(&[]), s(&["past-overrun"]))
    );
    // The setting moves the edge: with 31 days, day 31 is still red.
    std::fs::write(folder.join("settings.toml"), "[status]\noverrun_days_after_end = 31\n").unwrap();
    assert_eq!(status_codes(&summary_json(&folder, "2027-01-31")).0, "action-needed");

    // Renewal: 61 days before the end, on track; 60, at risk.
    let folder = Data::baseline()
        .with("engagements.csv", &ENGAGEMENTS.replace("12/31/2027", "12/31/2026"))
        .folder("thresholds-renewal");
    assert_eq!(status_codes(&summary_json(&folder, "2026-10-31")).0, "on-track");
    assert_eq!(
        status_codes(&summary_json(&folder, "2026-11-01")),
        ("at-risk".to_string(), s(&["renewal-due"]), s(&[]))
    );

    // Pace and forecast after 9 and 10 elapsed working days; 50% and 110% exactly.
    let folder = logged("8", "10/1/2026").folder("thresholds-elapsed");
    assert_eq!(status_codes(&summary_json(&folder, "2026-10-13")).0, "on-track");
    assert_eq!(status_codes(&summary_json(&folder, "2026-10-14")).1, s(&["forecast-overrun", "off-pace"]));
    for (units, status) in
        [("1.99", "at-risk"), ("2", "on-track"), ("4.4", "on-track"), ("4.41", "action-needed")]
    {
        let folder = logged(units, "10/5/2026").folder(&format!("thresholds-pace-{units}"));
        assert_eq!(status_codes(&summary_json(&folder, "2026-10-30")).0, status, "{units} h");
    }

    // A log 15 days late is listed, one 14 days late is not; with the setting at 15, neither.
    let folder = Data::baseline()
        .with(
            "activities.csv",
            "Allocation,Team member,Units,Description,Start date,End date,Created
Alpha 2026 Q4,Ana Silva,1,Fourteen,10/1/2026,,10/15/2026
Alpha 2026 Q4,Ana Silva,1,Fifteen,10/1/2026,,10/16/2026
",
        )
        .folder("thresholds-late");
    let late = |folder: &std::path::Path| -> Vec<i64> {
        let json = summary_json(folder, "2026-10-31");
        json["logging"]["late"].as_array().unwrap().iter().map(|l| l["days_late"].as_i64().unwrap()).collect()
    };
    assert_eq!(late(&folder), [15]);
    let printed = run(&folder, &["summary", "--as-of", "2026-10-31"]);
    assert!(
        printed
            .contains("logged 15 days late: Alpha 2026 Q4 by Ana Silva (2026-10-01, activities.csv line 3)")
            && !printed.contains("14 days late"),
        "{printed}"
    );
    std::fs::write(folder.join("settings.toml"), "[windows]\nlate_logging_days = 15\n").unwrap();
    assert_eq!(late(&folder), Vec::<i64>::new());

    // What-if: 384 h over Q4 reach the capacity of 6 h a day exactly; 384.66 h exceed it.
    let folder = Data::baseline()
        .with("capacity.csv", "Effective from,Hours per working day\n1/1/2026,6\n")
        .folder("thresholds-what-if");
    let ask = |hours: &str| {
        run(
            &folder,
            &[
                "what-if",
                "--hours",
                hours,
                "--from",
                "2026-10-01",
                "--to",
                "2026-12-31",
                "--as-of",
                "2026-10-01",
            ],
        )
    };
    let at = ask("384");
    assert!(
        at.contains("\nSAFE: 0.00 h per working day of capacity remain on average over the period.\n"),
        "{at}"
    );
    assert!(!at.contains("over capacity"), "{at}");
    let over = ask("384.66");
    assert!(
        over.contains("\nOVER CAPACITY by 0.01 h per working day on average: confirm with a P&S Area Lead before committing (seed 002).\n"),
        "{over}"
    );
}
