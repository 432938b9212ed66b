//! Numbers people act on, at their edges, worked by hand: exact sums, left against expired,
//! ranges counted as delivered, overruns that become history, reports as known then.
//!
//! The baseline (see `support`) is one engagement with one allocation of 12 h over Q4 2026
//! (66 working days) and 2 h logged on Oct 5 and on Oct 20.

use ces_report::figures::allocations::State;
use ces_report::figures::status::Status;
use ces_report::figures::{compute, Figures};
use ces_report::hours::Hours;
use ces_report::settings::Settings;
use proptest::prelude::*;

use crate::support::{ces_report, day, hours, id, phrases, temp_folder, text, Data, ACTIVITIES, ALLOCATIONS};

fn figures_at(data: &Data, as_of: &str) -> Figures {
    let (dataset, _) = data.read();
    compute(&dataset, &Settings::default(), day(as_of))
}

/// A baseline whose only allocation holds `available` hours and whose activities are `log`
/// (units, start date), all in October 2026.
fn allocation_with(available: &str, log: &[(&str, &str)]) -> Data {
    let mut activities =
        String::from("Allocation,Team member,Units,Description,Start date,End date,Created\n");
    for (units, start) in log {
        activities.push_str(&format!("Alpha 2026 Q4,Ana Silva,{units},Work,{start},,\n"));
    }
    Data::baseline()
        .with("allocations.csv", &ALLOCATIONS.replace(",12,", &format!(",{available},")))
        .with("activities.csv", &activities)
}

#[test]
fn tenths_of_an_hour_add_up_exactly() {
    // 0.1 + 0.2 of 0.3 h is used up, not overrun: completed, nothing left, no red.
    let data = allocation_with("0.3", &[("0.1", "10/5/2026"), ("0.2", "10/6/2026")]);
    let figures = figures_at(&data, "2026-10-30");
    let q4 = &figures.allocations[id(0)];
    assert_eq!(
        (q4.used, q4.overrun, q4.left, q4.state),
        (hours(0.3), Hours::ZERO, Hours::ZERO, State::Completed)
    );
    assert_ne!(figures.engagements[id(0)].status.status, Status::ActionNeeded);
    // Ten entries of 0.1 use up 1 h: completed, and the forecast is what was used.
    let tenths: Vec<(&str, String)> = (1..=10).map(|d| ("0.1", format!("10/{d}/2026"))).collect();
    let log: Vec<(&str, &str)> = tenths.iter().map(|(u, d)| (*u, d.as_str())).collect();
    let figures = figures_at(&allocation_with("1", &log), "2026-10-30");
    let q4 = &figures.allocations[id(0)];
    assert_eq!((q4.used, q4.state, q4.forecast_at_end), (hours(1.0), State::Completed, 1.0));
}

#[test]
fn a_value_with_more_than_two_decimals_is_an_error() {
    let data = Data::baseline().add("activities.csv", "Alpha 2026 Q4,Ana Silva,0.125,Call,10/6/2026,,\n");
    assert_eq!(
        data.errors(),
        ["error: activities.csv:4: column \"Units\": value \"0.125\": expected at most two decimals (hours are counted in hundredths), such as 2.25"]
    );
}

#[test]
fn left_is_usable_hours_and_expired_is_what_a_closed_window_lost() {
    // As of 2026-12-31 the window is open: 8 h left. The day after, the 8 h have expired.
    let open = figures_at(&Data::baseline(), "2026-12-31");
    let closed = figures_at(&Data::baseline(), "2027-01-01");
    let (a, b) = (&open.allocations[id(0)], &closed.allocations[id(0)]);
    assert_eq!((a.left, a.expired), (hours(8.0), Hours::ZERO));
    assert_eq!((b.left, b.expired), (Hours::ZERO, hours(8.0)));
    let e = &closed.engagements[id(0)];
    assert_eq!(
        (e.available, e.used, e.left, e.expired, e.overrun),
        (hours(12.0), hours(4.0), Hours::ZERO, hours(8.0), Hours::ZERO)
    );
}

#[test]
fn json_says_left_and_expired_for_both_levels() {
    let folder = temp_folder("json-left-expired");
    for (name, text) in &Data::baseline().files {
        std::fs::write(folder.join(name), text).unwrap();
    }
    let output =
        ces_report(&["summary", folder.to_str().unwrap(), "--as-of", "2027-01-01", "--format", "json"]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let json: serde_json::Value = serde_json::from_str(&text(&output.stdout)).unwrap();
    for level in [&json["engagements"][0], &json["allocations"][0]] {
        assert_eq!((level["left"].as_f64(), level["expired"].as_f64()), (Some(0.0), Some(8.0)), "{level}");
        assert!(level.get("remaining").is_none());
    }
}

#[test]
fn a_range_half_elapsed_counts_its_share() {
    // 40 h logged as one range over Q4's first two weeks, Mon 2026-10-05 to Fri 2026-10-16
    // (10 working days). As of Fri 2026-10-09, 5 have elapsed: 20 h count, in used hours and
    // in October's delivered hours; on Oct 16 all 40 do.
    let data = Data::baseline().with("allocations.csv", &ALLOCATIONS.replace(",12,", ",100,")).with(
        "activities.csv",
        "Allocation,Team member,Units,Start date,End date\nAlpha 2026 Q4,Ana Silva,40,10/5/2026,10/16/2026\n",
    );
    let half = figures_at(&data, "2026-10-09");
    assert_eq!(half.allocations[id(0)].used, hours(20.0));
    assert_eq!(half.commitment[0].delivered_hours, hours(20.0));
    // Pace: 20 h used where 100 × 7/66 = 10.6 h were expected by Oct 9 (7 working days).
    assert_eq!(half.allocations[id(0)].elapsed_working_days, 7);
    let whole = figures_at(&data, "2026-10-16");
    assert_eq!(whole.allocations[id(0)].used, hours(40.0));
}

/// The baseline with its allocation overrun (13 h of 12 h) and looked at `days` after its end.
fn overrun_seen_after(days: u64) -> (Status, Vec<String>, Vec<String>) {
    let data = Data::baseline()
        .add("activities.csv", "Alpha 2026 Q4,Ana Silva,9,Migration,10/26/2026,10/28/2026,\n");
    let (dataset, _) = data.read();
    let as_of = day("2026-12-31") + chrono::Days::new(days);
    let figures = compute(&dataset, &Settings::default(), as_of);
    let status = &figures.engagements[id(0)].status;
    let phrases = phrases();
    (
        status.status,
        phrases.reasons(&dataset, &status.reasons).unwrap(),
        phrases.reasons(&dataset, &status.history).unwrap(),
    )
}

#[test]
fn an_overrun_is_red_for_30_days_after_its_end_then_history() {
    let (status, reasons, history) = overrun_seen_after(29);
    assert_eq!(status, Status::ActionNeeded);
    assert_eq!(reasons, ["Allocation “Alpha 2026 Q4” is overrun: 13 h used of 12 h available."]);
    assert!(history.is_empty());
    let (status, reasons, history) = overrun_seen_after(31);
    assert_eq!(status, Status::OnTrack);
    assert!(reasons.is_empty());
    assert_eq!(
        history,
        ["Allocation “Alpha 2026 Q4” was overrun: 13 h used of 12 h available; it ended on 2026-12-31."]
    );
}

#[test]
fn a_past_report_lists_no_late_log_made_after_it_and_known_at_reproduces_it() {
    // An activity of Oct 1 logged on Nov 20 (50 days late), and one of Oct 12 logged Oct 14.
    let data = Data::baseline().with(
        "activities.csv",
        &format!("{ACTIVITIES}Alpha 2026 Q4,Ana Silva,3,Late one,10/1/2026,,11/20/2026 9:14am\n"),
    );
    // As of Oct 31, the late row was not logged yet: no late-logging entry for it.
    let october = figures_at(&data, "2026-10-31");
    assert!(october.late_entries.is_empty());
    // But without --known-at the export's row counts (7 h used); known at Nov 1, it does not.
    assert_eq!(october.allocations[id(0)].used, hours(7.0));
    let (dataset, _) = data.read_known_at(Some(day("2026-11-01")));
    let then = compute(&dataset, &Settings::default(), day("2026-10-31"));
    assert_eq!(then.allocations[id(0)].used, hours(4.0));
    // As of Nov 30 the late entry shows.
    let november = figures_at(&data, "2026-11-30");
    assert_eq!(november.late_entries.len(), 1);
    assert_eq!(november.late_entries[0].days_late, 50);
}

#[test]
fn a_book_records_its_provenance() {
    let folder = temp_folder("provenance");
    let out = folder.join("book");
    let output = ces_report(&[
        "build",
        "sample-data",
        "--month",
        "2026-10",
        "--known-at",
        "2026-11-01",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let provenance: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("provenance.json")).unwrap()).unwrap();
    assert_eq!(provenance["as_of"], "2026-10-31");
    assert_eq!(provenance["known_at"], "2026-11-01");
    assert_eq!(provenance["version"], env!("CARGO_PKG_VERSION"));
    let files: Vec<&str> =
        provenance["inputs"].as_array().unwrap().iter().map(|i| i["file"].as_str().unwrap()).collect();
    assert_eq!(
        files,
        [
            "engagements.csv",
            "contacts.csv",
            "projects.csv",
            "allocations.csv",
            "activities.csv",
            "capacity.csv",
            "settings.toml"
        ]
    );
    // The hash is the file's: `sha256sum sample-data/engagements.csv`.
    let engagements =
        ces_report::load::sha256_of(&crate::support::root().join("sample-data/engagements.csv")).unwrap();
    assert_eq!(provenance["inputs"][0]["sha256"], engagements.as_str());
    assert_eq!(engagements.len(), 64);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// available = used − overrun + left + expired for every allocation and engagement, at
    /// any date, with activities of any size in and out of the windows.
    #[test]
    fn every_hour_is_used_left_or_expired(
        log in prop::collection::vec((0u32..3, 0u32..900, 0u32..40, 0i64..2_000), 0..40),
        as_of in 0u32..900,
    ) {
        let allocations = "Allocation name,Project,Allocation start date,Allocation end date,Hours available,Allocation provider\n\
            A1,Alpha hub,1/1/2026,3/31/2026,12.5,Ana\nA2,Alpha hub,4/1/2026,6/30/2026,0.3,Ana\nA3,Alpha hub,10/1/2026,12/31/2027,100,\n";
        let mut activities = String::from("Allocation,Team member,Units,Start date,End date\n");
        let base = day("2025-10-01");
        for (allocation, start, length, hundredths) in &log {
            let start = base + chrono::Days::new(u64::from(*start));
            let end = start + chrono::Days::new(u64::from(*length));
            activities.push_str(&format!(
                "A{},Ana,{}.{:02},{},{}\n",
                allocation + 1,
                hundredths / 100,
                hundredths % 100,
                start.format("%m/%d/%Y"),
                end.format("%m/%d/%Y")
            ));
        }
        let data = Data::baseline().with("allocations.csv", allocations).with("activities.csv", &activities);
        let figures = figures_at(&data, &(base + chrono::Days::new(u64::from(as_of))).to_string());
        for f in figures.allocations.iter() {
            prop_assert_eq!(f.available, f.used - f.overrun + f.left + f.expired);
        }
        for e in figures.engagements.iter() {
            prop_assert_eq!(e.available, e.used - e.overrun + e.left + e.expired);
        }
    }
}
