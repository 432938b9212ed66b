//! An ended engagement reads as ended, and a month whose capacity is known on only some of its
//! working days is never called over capacity (issue "An ended engagement reads as ended").
//!
//! The baseline engagement is closed in Airtable here and ends on Thu 2026-12-31, the last day
//! of its one allocation (Q4 2026, 12 h, 4 h used in October).

use ces_report::figures::compute;
use ces_report::figures::status::Status;
use ces_report::settings::Settings;

use crate::support::{ces_report, day, id, text, Data, ENGAGEMENTS};

fn closed_on_the_last_day_of_q4() -> Data {
    let engagements = ENGAGEMENTS.replace("12/31/2027", "12/31/2026").replace("Active", "Closed");
    Data::baseline().with("engagements.csv", &engagements)
}

fn status_at(data: &Data, as_of: &str) -> Status {
    let (dataset, _) = data.read();
    compute(&dataset, &Settings::default(), day(as_of)).engagements[id(0)].status.status
}

fn summary_json(data: &Data, name: &str, as_of: &str) -> serde_json::Value {
    let folder = data.folder(name);
    let output = ces_report(&["summary", folder.to_str().unwrap(), "--as-of", as_of, "--format", "json"]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn an_engagement_is_live_on_its_last_day_and_ended_the_day_after() {
    let data = closed_on_the_last_day_of_q4();
    // On 2026-12-31 it still runs: its renewal is due today (0 days), so it is to monitor.
    assert_eq!(status_at(&data, "2026-12-31"), Status::AtRisk);
    assert_eq!(status_at(&data, "2027-01-01"), Status::Ended);
    assert_eq!(
        summary_json(&data, "ended-json-last-day", "2026-12-31")["engagements"][0]["status"],
        "at-risk"
    );
    assert_eq!(
        summary_json(&data, "ended-json-day-after", "2027-01-01")["engagements"][0]["status"],
        "ended"
    );

    let folder = data.folder("ended-terminal");
    let output = ces_report(&["summary", folder.to_str().unwrap(), "--as-of", "2027-01-01"]);
    assert!(
        text(&output.stdout).contains("\nENDED · Alpha 2026 Premier · Alpha Lab\n"),
        "{}",
        text(&output.stdout)
    );
}

#[test]
fn an_ended_engagement_with_an_open_overrun_still_needs_action() {
    // 9 h more on 2026-12-20: 13 h of 12 h, a 1 h overrun. It counts for 30 days after the
    // allocation's end (to 2027-01-30), then becomes history: ended.
    let data = closed_on_the_last_day_of_q4()
        .add("activities.csv", "Alpha 2026 Q4,Ana Silva,9,Migration,12/18/2026,,\n");
    assert_eq!(status_at(&data, "2027-01-01"), Status::ActionNeeded);
    assert_eq!(status_at(&data, "2027-01-30"), Status::ActionNeeded);
    assert_eq!(status_at(&data, "2027-01-31"), Status::Ended);
}

#[test]
fn the_dashboard_lists_an_ended_community_apart_from_the_live_ones() {
    let data = closed_on_the_last_day_of_q4();
    let folder = data.folder("ended-dashboard");
    let book = folder.join("book");
    let output = crate::support::build(&folder, &book, &["--as-of", "2027-01-01"]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let dashboard = std::fs::read_to_string(book.join("index.md")).unwrap();
    let (live, ended) = dashboard.split_once("### Ended").expect("an Ended section");
    assert!(!live.contains("[Alpha Lab]"), "listed among the live engagements:\n{live}");
    assert!(ended.contains("| [Alpha Lab](engagements/alpha-lab.md) | 31 December 2026 |"), "{ended}");
}

/// The baseline with 220 h committed in each of March and April 2026 (22 working days each:
/// 10 h a working day) and a capacity of 4 h a working day from `capacity_from` on.
fn busy_spring(capacity_from: &str) -> Data {
    Data::baseline()
        .add(
            "allocations.csv",
            "Alpha March,Alpha hub,3/1/2026,3/31/2026,220,Ana Silva\nAlpha April,Alpha hub,4/1/2026,4/30/2026,220,Ana Silva\n",
        )
        .with("capacity.csv", &format!("Effective from,Hours per working day\n{capacity_from},4\n"))
}

fn month_row<'a>(json: &'a serde_json::Value, month: &str) -> &'a serde_json::Value {
    json["commitment"].as_array().unwrap().iter().find(|row| row["month"] == month).unwrap()
}

#[test]
fn capacity_known_from_the_16th_is_that_of_the_days_known_and_never_over() {
    // From Mon 2026-03-16: known on 12 of March's 22 working days (16–20, 23–27, 30–31).
    let json = summary_json(&busy_spring("3/16/2026"), "capacity-16th", "2026-10-31");
    let march = month_row(&json, "2026-03");
    assert_eq!(
        (
            &march["working_days"],
            &march["capacity_hours_per_working_day"],
            &march["capacity_known_working_days"]
        ),
        (&serde_json::json!(22), &serde_json::json!(4.0), &serde_json::json!(12))
    );
    assert_eq!(month_row(&json, "2026-04")["capacity_known_working_days"], 22);

    let folder = busy_spring("3/16/2026").folder("capacity-16th-book");
    let book = folder.join("book");
    let output = crate::support::build(&folder, &book, &["--as-of", "2026-10-31"]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let page = std::fs::read_to_string(book.join("capacity.md")).unwrap();
    // April (known every day, 10 > 4) is over; March (10 > 4 on the days known) is not judged.
    assert!(page.contains("**Over capacity:** April 2026."), "{page}");
    assert!(page.contains("| March 2026 | 22 | 220 | 10\\.00 | "), "{page}");
    assert!(page.contains("| 4\\.00 (known on 12 of 22 days) |"), "{page}");
}

#[test]
fn capacity_known_on_a_single_day_is_marked_as_such() {
    // From Tue 2026-03-31, March's last working day: 1 of 22.
    let json = summary_json(&busy_spring("3/31/2026"), "capacity-one-day", "2026-10-31");
    let march = month_row(&json, "2026-03");
    assert_eq!(
        (&march["capacity_hours_per_working_day"], &march["capacity_known_working_days"]),
        (&serde_json::json!(4.0), &serde_json::json!(1))
    );
}
