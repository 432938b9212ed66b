//! The internal action list, by hand: one condition found by two rules is one finding
//! (`figures::findings::merge`), who acts names the provider, and every finding is dated
//! (`figures::findings::since`).
//!
//! The baseline (see `support`): one engagement, Active, 2026-01-01 to 2027-12-31; one
//! project; one allocation, Alpha 2026 Q4, 12 h from Thu 2026-10-01 to Thu 2026-12-31 (66
//! working days), provider Ana Silva, with 2 h on Mon Oct 5 and 2 h on Tue Oct 20. Status
//! thresholds are the defaults: judged from the 10th elapsed working day, a forecast beyond
//! 110%, a pace beyond 150% or below 50% of the expected use.

use ces_report::figures::compute;
use ces_report::figures::findings::findings;
use ces_report::settings::Settings;
use chrono::NaiveDate;

use crate::support::{day, id, phrases, Data, ALLOCATIONS, ENGAGEMENTS};

/// Each finding as the report's row reads it: code, sentence, who acts, action, since.
fn rows(data: &Data, as_of: &str) -> Vec<(&'static str, String, String, String, Option<NaiveDate>)> {
    let (dataset, _) = data.read();
    let figures = compute(&dataset, &Settings::default(), day(as_of));
    let phrases = phrases();
    findings(&dataset, &figures)
        .iter()
        .map(|finding| {
            let texts = phrases.finding(&dataset, finding).unwrap();
            (
                ces_report::present::codes::subject_code(&finding.subject),
                texts.sentence,
                texts.owner,
                texts.action,
                finding.since,
            )
        })
        .collect()
}

/// The codes of the engagement's status reasons (the status itself is not merged).
fn reason_codes(data: &Data, as_of: &str) -> Vec<&'static str> {
    let (dataset, _) = data.read();
    let figures = compute(&dataset, &Settings::default(), day(as_of));
    figures.engagements[id(0)].status.reasons.iter().map(ces_report::present::codes::reason_code).collect()
}

#[test]
fn an_allocation_forecast_to_overrun_and_ahead_of_pace_is_one_finding_since_the_forecast_overran() {
    // 4 h more on Mon Oct 26: 8 h used by Fri Oct 30, after 22 of 66 working days. Expected
    // 12 × 22/66 = 4 h (8/4 = 200%, ahead); forecast 8 + 8/22 × 44 = 24 h > 13.2 h.
    //
    // Since, each day judged as of itself (the 10th working day is Wed Oct 14):
    // - forecast: Oct 14, 2 h after 10 days: 2 + 2/10 × 56 = 13.2 h, exactly 110%, not beyond;
    //   Oct 15–19: 2 + 2/11 × 55 = 12 h and less; Oct 20, 4 h after 14 days: 4 + 4/14 × 52 =
    //   18.9 h, beyond, and beyond every day since (Oct 23: 4 + 4/17 × 49 = 15.5 h): Oct 20;
    // - ahead: Oct 20, 4 h of 12 × 14/66 = 2.55 h expected (157%), but Oct 21, 4 h of 2.73 h
    //   (147%), is not; Oct 26, 8 h of 3.27 h (244%), and every day to Oct 30: Oct 26.
    // The merged finding started with its earlier part: Oct 20.
    let data = Data::baseline().add("activities.csv", "Alpha 2026 Q4,Ana Silva,4,Workshop,10/26/2026,,\n");
    assert_eq!(reason_codes(&data, "2026-10-30"), ["forecast-overrun", "off-pace"]);
    assert_eq!(
        rows(&data, "2026-10-30"),
        [(
            "forecast-overrun",
            "Allocation “Alpha 2026 Q4” is forecast to use 24 h of 12 h by its end on 2026-12-31 at \
             the current pace. It is also ahead of pace: 8 h used, 4 h expected by now."
                .to_string(),
            "Ana Silva (provider)".to_string(),
            "Plan the remaining work within the hours, or agree more".to_string(),
            Some(day("2026-10-20")),
        )]
    );
}

#[test]
fn ahead_of_pace_with_no_forecast_overrun_is_a_finding_of_its_own() {
    // The data of the test above, with forecast_overrun_percent = 300 (a forecast beyond 400%
    // of the hours instead of 110%): 24 h of 12 h (200%) is no finding, and the pace (8 h of 4 h expected) stands alone, not merged
    // into a finding that is not there.
    let data = Data::baseline().add("activities.csv", "Alpha 2026 Q4,Ana Silva,4,Workshop,10/26/2026,,\n");
    let (dataset, _) = data.read();
    let mut settings = Settings::default();
    settings.status.forecast_overrun_percent = 300.0;
    let figures = compute(&dataset, &settings, day("2026-10-30"));
    let found: Vec<_> = findings(&dataset, &figures)
        .iter()
        .map(|finding| (ces_report::present::codes::subject_code(&finding.subject), finding.merged.len()))
        .collect();
    assert_eq!(found, [("off-pace", 0)]);
}

#[test]
fn behind_pace_is_dated_from_the_first_day_of_its_run() {
    // The baseline's 4 h (by Oct 20) and nothing since. Behind when 4 h < 50% of 12 × e/66,
    // that is after more than 44 working days: October has 22, November 21, so day 44 is Tue
    // Dec 1 (4 h of exactly 8 h expected, 50%, not below) and day 45 Wed Dec 2 (4 h of 8.18 h).
    // As of Fri Dec 4 (day 47, 8.5 h expected) it has been behind since Dec 2. (Ahead of pace,
    // beyond 150%, always forecasts beyond 150% of the hours too, so with the default
    // thresholds it is always merged into the forecast overrun.)
    let found = rows(&Data::baseline(), "2026-12-04");
    let found: Vec<_> = found
        .iter()
        .map(|(code, sentence, owner, _, since)| (*code, sentence.as_str(), owner.as_str(), *since))
        .collect();
    assert_eq!(
        found,
        [(
            "off-pace",
            "Allocation “Alpha 2026 Q4” is behind pace: 4 h used, 8.5 h expected by now.",
            "Ana Silva (provider)",
            Some(day("2026-12-02"))
        )]
    );
}

#[test]
fn work_after_the_contract_is_one_finding_and_its_activities_are_not_repeated_outside_their_window() {
    // The engagement and its allocation now end on Tue Oct 20. 0.2 h on Wed Oct 21 is after
    // both: services beyond the contract, the engagement still marked Active, and an activity
    // outside its allocation's window, one condition. 1 h on Wed Sep 30 (logged Fri Oct 2) is
    // before the allocation's window but within the contract: a data finding of its own, for
    // the allocation's provider, since the day it was logged.
    let data = Data::baseline()
        .with("engagements.csv", &ENGAGEMENTS.replace("12/31/2027", "10/20/2026"))
        .with("allocations.csv", &ALLOCATIONS.replace("12/31/2026", "10/20/2026"))
        .add(
            "activities.csv",
            "Alpha 2026 Q4,Ben Okafor,0.2,Late call,10/21/2026,,\nAlpha 2026 Q4,Ben Okafor,1,Early prep,9/30/2026,,10/2/2026 9:00am\n",
        );
    assert_eq!(reason_codes(&data, "2026-10-30"), ["activities-after-end", "still-marked-active"]);
    assert_eq!(
        rows(&data, "2026-10-30"),
        [
            (
                "activities-after-end",
                "1 activity (0.2 h) dated after the engagement ended on 2026-10-20: services beyond \
                 the contract period. The engagement is still marked Active. It is also dated \
                 outside its allocation's window."
                    .to_string(),
                "Partnerships".to_string(),
                "Renew the agreement, or stop the work and set the engagement's Status to Closed in \
                 Airtable; then move the activities to an allocation whose window covers them"
                    .to_string(),
                Some(day("2026-10-21")),
            ),
            (
                "outside-window",
                "1 activity dated outside its allocation's window.".to_string(),
                "Ana Silva (provider)".to_string(),
                "Correct the dates or the allocation in Airtable (see the engagement's page)".to_string(),
                Some(day("2026-10-02")),
            ),
        ]
    );
}

#[test]
fn work_on_the_contracts_last_day_outside_its_allocation_stays_a_data_finding() {
    // The engagement ends on Tue Oct 20, its allocation the day before. The baseline's 2 h on
    // Oct 20 is within the contract but outside the allocation's window: a data finding of its
    // own. 0.2 h on Wed Oct 21 is after both: the commercial finding, which takes it in.
    let data = Data::baseline()
        .with("engagements.csv", &ENGAGEMENTS.replace("12/31/2027", "10/20/2026"))
        .with("allocations.csv", &ALLOCATIONS.replace("12/31/2026", "10/19/2026"))
        .add("activities.csv", "Alpha 2026 Q4,Ben Okafor,0.2,Late call,10/21/2026,,\n");
    let found: Vec<(&str, String)> =
        rows(&data, "2026-10-30").into_iter().map(|(code, sentence, ..)| (code, sentence)).collect();
    assert_eq!(found.len(), 2, "{found:?}");
    assert_eq!(found[0].0, "activities-after-end");
    assert!(found[0].1.starts_with("1 activity (0.2 h) dated after the engagement ended on 2026-10-20"));
    assert_eq!(found[1], ("outside-window", "1 activity dated outside its allocation's window.".to_string()));
}

#[test]
fn still_marked_active_without_work_after_the_end_stays_a_data_finding() {
    // The engagement ends on Tue Oct 20 and nothing was done after it: only the Status to fix,
    // since the day after the end.
    let data = Data::baseline().with("engagements.csv", &ENGAGEMENTS.replace("12/31/2027", "10/20/2026"));
    let found = rows(&data, "2026-10-30");
    let found: Vec<_> =
        found.iter().map(|(code, _, owner, _, since)| (*code, owner.as_str(), *since)).collect();
    assert_eq!(found, [("still-marked-active", "Delivery Enablement", Some(day("2026-10-21")))]);
}

#[test]
fn outside_window_activities_of_several_allocations_name_each_provider_once() {
    // A second allocation, Beta 2026 Q4 (Bo Lund), with an activity before its window (Wed Sep
    // 30 and Mon Sep 28, 1.5 h each), and 0.1 h of Alpha's before its own (Tue Sep 29): one
    // finding, both providers; without Created, since the earliest activity's date. Hours
    // before a window do not draw on it: Alpha's 4 h by Oct 30 forecast 4 × 66/22 = 12 h, its
    // own hours, not a finding; Beta has used none of its 12 h, behind the pace it has been
    // judged on since its 10th working day, Wed Oct 14.
    let data = Data::baseline()
        .add("allocations.csv", "Beta 2026 Q4,Alpha hub,10/1/2026,12/31/2026,12,Bo Lund\n")
        .add(
            "activities.csv",
            "Beta 2026 Q4,Bo Lund,1.5,Prep,9/30/2026,,\nAlpha 2026 Q4,Ana Silva,0.1,Prep,9/29/2026,,\nBeta 2026 Q4,Bo Lund,1.5,Prep,9/28/2026,,\n",
        );
    let found = rows(&data, "2026-10-30");
    let found: Vec<_> = found
        .iter()
        .map(|(code, sentence, owner, _, since)| (*code, sentence.as_str(), owner.as_str(), *since))
        .collect();
    assert_eq!(
        found,
        [
            (
                "off-pace",
                "Allocation “Beta 2026 Q4” is behind pace: 0 h used, 4 h expected by now.",
                "Bo Lund (provider)",
                Some(day("2026-10-14"))
            ),
            (
                "outside-window",
                "3 activities dated outside their allocation's window.",
                "Ana Silva and Bo Lund (providers)",
                Some(day("2026-09-28"))
            )
        ]
    );
}

#[test]
fn records_to_complete_are_dated_from_their_start_or_their_engagements() {
    // As of Fri 2026-10-30, the engagement began on 2026-01-01:
    // - project Beta pilot (from Mon 2026-03-02, no description, no allocations): since its
    //   start, Mar 2;
    // - Alpha extra (from Mon 2026-10-12, no provider, started): since its start, Oct 12; it
    //   is also behind pace (0 h of 4 × 15/59 = 1 h expected), since it was first judged on
    //   its 10th working day, Fri Oct 23;
    // - Alpha 2027 Q1 (from 2027-01-01, no provider, not started): since the engagement's
    //   start, Jan 1.
    let data = Data::baseline()
        .add("projects.csv", "Beta pilot,Alpha 2026 Premier,3/2/2026,12/31/2027,,Up to 8 hours\n")
        .add(
            "allocations.csv",
            "Alpha extra,Alpha hub,10/12/2026,12/31/2026,4,\nAlpha 2027 Q1,Alpha hub,1/1/2027,3/31/2027,12,\n",
        );
    let found = rows(&data, "2026-10-30");
    let found: Vec<_> =
        found.iter().map(|(code, sentence, _, _, since)| (*code, sentence.as_str(), *since)).collect();
    assert_eq!(
        found,
        [
            ("no-provider", "Allocation “Alpha extra” has no provider assigned.", Some(day("2026-10-12"))),
            ("no-provider", "Allocation “Alpha 2027 Q1” has no provider assigned.", Some(day("2026-01-01"))),
            (
                "off-pace",
                "Allocation “Alpha extra” is behind pace: 0 h used, 1 h expected by now.",
                Some(day("2026-10-23"))
            ),
            ("project-incomplete", "Project “Beta pilot” has no description.", Some(day("2026-03-02"))),
            ("no-allocations", "Project “Beta pilot” has no allocations.", Some(day("2026-03-02"))),
        ]
    );
}

#[test]
fn a_missing_end_date_is_dated_from_the_engagements_start_and_blank_before_it() {
    // No end date: since the engagement's start, 2026-01-01. As of 2025-12-15 the engagement
    // has not begun and nothing in the data says when its record was made: blank.
    let data = Data::baseline().with("engagements.csv", &ENGAGEMENTS.replace("12/31/2027", ""));
    let since = |as_of: &str| {
        rows(&data, as_of).iter().map(|(code, _, _, _, since)| (*code, *since)).collect::<Vec<_>>()
    };
    assert_eq!(since("2026-10-30"), [("engagement-incomplete", Some(day("2026-01-01")))]);
    assert_eq!(since("2025-12-15"), [("engagement-incomplete", None)]);
}
