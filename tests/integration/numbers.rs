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
        (q4.hours.used, q4.hours.overrun, q4.hours.left_now, q4.state),
        (hours(0.3), Hours::ZERO, Hours::ZERO, State::Completed)
    );
    assert_ne!(figures.engagements[id(0)].status.status, Status::ActionNeeded);
    // Ten entries of 0.1 use up 1 h: completed, and the forecast is what was used.
    let tenths: Vec<(&str, String)> = (1..=10).map(|d| ("0.1", format!("10/{d}/2026"))).collect();
    let log: Vec<(&str, &str)> = tenths.iter().map(|(u, d)| (*u, d.as_str())).collect();
    let figures = figures_at(&allocation_with("1", &log), "2026-10-30");
    let q4 = &figures.allocations[id(0)];
    assert_eq!((q4.hours.used, q4.state, q4.forecast_at_end), (hours(1.0), State::Completed, 1.0));
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
    assert_eq!((a.hours.left_now, a.hours.expired), (hours(8.0), Hours::ZERO));
    assert_eq!((b.hours.left_now, b.hours.expired), (Hours::ZERO, hours(8.0)));
    let e = &closed.engagements[id(0)];
    assert_eq!(
        (
            e.hours.available,
            e.hours.used,
            e.hours.left_now,
            e.hours.not_started,
            e.hours.expired,
            e.hours.overrun
        ),
        (hours(12.0), hours(4.0), Hours::ZERO, Hours::ZERO, hours(8.0), Hours::ZERO)
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
        let hours = |field: &str| level[field].as_f64();
        assert_eq!(
            (hours("left_now"), hours("not_started"), hours("expired")),
            (Some(0.0), Some(0.0), Some(8.0)),
            "{level}"
        );
        assert!(level.get("left").is_none(), "no field mixes hours left now and hours to come");
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
    assert_eq!(half.allocations[id(0)].hours.used, hours(20.0));
    assert_eq!(half.commitment[0].delivered_hours, hours(20.0));
    // Pace: 20 h used where 100 × 7/66 = 10.6 h were expected by Oct 9 (7 working days).
    assert_eq!(half.allocations[id(0)].elapsed_working_days, 7);
    let whole = figures_at(&data, "2026-10-16");
    assert_eq!(whole.allocations[id(0)].hours.used, hours(40.0));
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
    assert_eq!(october.allocations[id(0)].hours.used, hours(7.0));
    let (dataset, _) = data.read_known_at(Some(day("2026-11-01")));
    let then = compute(&dataset, &Settings::default(), day("2026-10-31"));
    assert_eq!(then.allocations[id(0)].hours.used, hours(4.0));
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
            prop_assert_eq!(f.hours.available, f.hours.used - f.hours.overrun + f.hours.left_now + f.hours.not_started + f.hours.expired);
        }
        for e in figures.engagements.iter() {
            prop_assert_eq!(e.hours.available, e.hours.used - e.hours.overrun + e.hours.left_now + e.hours.not_started + e.hours.expired);
        }
    }
}

mod what_if {
    //! Business Development's check, on the baseline with a capacity of 6 h a day. The
    //! baseline commits 12 h over Q4 2026's 66 working days: 4 h in October (22 days), i.e.
    //! 0.1818 h a day; its project promises 12 h every quarter of 2026 and 2027.

    use ces_report::calendar::WorkCalendar;
    use ces_report::figures::what_if::{what_if, Request, Unanswerable, WhatIf};
    use ces_report::figures::{commitment::CommitmentRow, compute};
    use ces_report::settings::Settings;

    use crate::support::{day, hours, Data, ALLOCATIONS};

    const CAPACITY: &str = "Effective from,Hours per working day\n1/1/2026,6\n";

    fn ask(data: &Data, hours_asked: f64, from: &str, to: &str, as_of: &str) -> Result<WhatIf, Unanswerable> {
        let (dataset, _) = data.read();
        let request = Request { hours: hours(hours_asked), from: day(from), to: day(to), as_of: day(as_of) };
        what_if(&dataset, &WorkCalendar::default(), 8.0, request)
    }

    #[test]
    fn averages_the_period_against_capacity() {
        // Adding 66 h over Q4 adds 1 h a day: 1.1818 h with it, 4.8182 h of headroom.
        let data = Data::baseline().with("capacity.csv", CAPACITY);
        let safe = ask(&data, 66.0, "2026-10-01", "2026-12-31", "2026-10-01").unwrap();
        assert_eq!(safe.working_days, 66);
        assert!((safe.committed_before - 12.0 / 66.0).abs() < 1e-12);
        assert!((safe.committed_after - (1.0 + 12.0 / 66.0)).abs() < 1e-12);
        assert!((safe.headroom.unwrap() - (6.0 - 1.0 - 12.0 / 66.0)).abs() < 1e-12);
        assert_eq!((safe.safe, safe.months.len()), (Some(true), 3));
        // In November (21 working days) alone, 210 h add 10 h a day: over by 4.1818 h.
        let over = ask(&data, 210.0, "2026-11-01", "2026-11-30", "2026-10-01").unwrap();
        assert_eq!((over.working_days, over.safe), (21, Some(false)));
        assert!((over.headroom.unwrap() + (4.0 + 12.0 / 66.0)).abs() < 1e-12);
    }

    #[test]
    fn uses_exactly_what_the_chart_draws_even_for_a_holiday_week() {
        // Holidays Mon Oct 12 – Fri Oct 16 leave October 17 working days (22 − 5), so Q4 has
        // 61 (17 + 21 + 23). Alpha 2026 Q4 commits its 12 h over those 61: 12 × 17/61 =
        // 3.34 h in October, 12/61 = 0.1967 h a working day in every month. A 10 h allocation
        // over the holiday week has no working day: it is spread over its 5 calendar days,
        // all in October. October: 12 × 17/61 + 10 = 13.34 h, 13.34 / 17 = 12/61 + 10/17 =
        // 0.7850 h a working day; November and December: 12/61. Over the period, 22 h over 61
        // working days: 22/61 = 0.3607 h a day. The 1 h asked adds 1/61 h a day.
        let allocations =
            format!("{ALLOCATIONS}Alpha holiday week,Alpha hub,10/12/2026,10/16/2026,10,Ana Silva\n");
        let data = Data::baseline().with("allocations.csv", &allocations).with("capacity.csv", CAPACITY);
        let (dataset, _) = data.read();
        let holidays = (12..=16).map(|d| day(&format!("2026-10-{d}"))).collect();
        let settings = Settings { holidays, ..Settings::default() };
        let calendar = WorkCalendar::new(&settings.holidays);
        let chart: Vec<CommitmentRow> = compute(&dataset, &settings, day("2026-10-01")).commitment;
        let request = Request {
            hours: hours(1.0),
            from: day("2026-10-01"),
            to: day("2026-12-31"),
            as_of: day("2026-10-01"),
        };
        let answer = what_if(&dataset, &calendar, 8.0, request).unwrap();
        assert_eq!(answer.working_days, 61);
        let close = |a: f64, b: f64| (a - b).abs() < 1e-12;
        let worked = [
            ("2026-10", 17, 12.0 / 61.0 + 10.0 / 17.0),
            ("2026-11", 21, 12.0 / 61.0),
            ("2026-12", 23, 12.0 / 61.0),
        ];
        assert_eq!(answer.months.len(), worked.len());
        for (month, (name, days, before)) in answer.months.iter().zip(worked) {
            assert_eq!((month.month.to_string().as_str(), month.working_days), (name, days));
            assert!(close(month.committed_before, before), "{name}: {}", month.committed_before);
            assert!(close(month.committed_after, before + 1.0 / 61.0), "{name}: {}", month.committed_after);
            // And it is the chart's own value for the month.
            let row = chart.iter().find(|row| row.month == month.month).unwrap();
            assert_eq!(month.committed_before, row.committed_hours_per_working_day, "{name}");
        }
        assert!(close(answer.committed_before, 22.0 / 61.0), "{}", answer.committed_before);
        let october = chart.iter().find(|row| row.month.to_string() == "2026-10").unwrap();
        assert!(close(october.committed_hours, 12.0 * 17.0 / 61.0 + 10.0), "{}", october.committed_hours);
        assert_eq!(format!("{:.2}", october.committed_hours), "13.34");
    }

    #[test]
    fn no_verdict_while_the_capacity_is_unknown_on_a_working_day() {
        // Capacity known from Nov 16 only: the first half of November is unknown.
        let data =
            Data::baseline().with("capacity.csv", "Effective from,Hours per working day\n11/16/2026,6\n");
        let answer = ask(&data, 10.0, "2026-11-02", "2026-12-31", "2026-10-01").unwrap();
        assert_eq!((answer.safe, answer.capacity, answer.safe_with_sow), (None, None, None));
        assert_eq!(answer.unknown_capacity.iter().map(|m| m.to_string()).collect::<Vec<_>>(), ["2026-11"]);
        assert_eq!(answer.months[1].capacity, Some(6.0));
    }

    #[test]
    fn the_past_does_not_count() {
        let data = Data::baseline().with("capacity.csv", CAPACITY);
        assert_eq!(ask(&data, 10.0, "2026-01-01", "2026-03-31", "2026-10-31"), Err(Unanswerable::InThePast));
        // Asked on Mon Nov 23 about Nov 1 – Dec 31: counted from Nov 23, 29 working days.
        let answer = ask(&data, 29.0, "2026-11-01", "2026-12-31", "2026-11-23").unwrap();
        assert_eq!((answer.counted_from, answer.working_days), (day("2026-11-23"), 29));
        assert!((answer.committed_after - answer.committed_before - 1.0).abs() < 1e-12);
    }

    #[test]
    fn unallocated_sow_periods_are_a_second_verdict() {
        // Q1 2027 is promised (12 h) but not allocated: it adds 12 h over Q1 2027's 64 working
        // days (Jan 21, Feb 20, Mar 23), 0.1875 h a day. Nothing else is committed then, so
        // 380 h more make 5.9375 h a day: safe on its own, over 6 h with the SoW period.
        let data = Data::baseline().with("capacity.csv", CAPACITY);
        let answer = ask(&data, 380.0, "2027-01-01", "2027-03-31", "2026-10-31").unwrap();
        assert_eq!(answer.working_days, 64);
        assert_eq!(answer.sow_periods.len(), 1);
        assert_eq!(answer.sow_periods[0].name, "Alpha hub 2027 Q1");
        assert!((answer.committed_after - 380.0 / 64.0).abs() < 1e-12);
        assert!((answer.unallocated_sow - 0.1875).abs() < 1e-12, "{}", answer.unallocated_sow);
        assert_eq!((answer.safe, answer.safe_with_sow), (Some(true), Some(false)));
    }
}

mod plan {
    //! Hand-worked plans. Q1 2026 has 64 working days (Jan 22, Feb 20, Mar 22); Q3 2026 has
    //! 66 (Jul 23, Aug 21, Sep 22).

    use ces_report::calendar::WorkCalendar;
    use ces_report::figures::planning::{plan_project, PlanOptions, PlannedAllocation};

    use crate::support::{ces_report, hours, id, temp_folder, text, Data, ALLOCATIONS, PROJECTS};

    fn plan(data: &Data, prorate: bool) -> Vec<PlannedAllocation> {
        let (dataset, _) = data.read();
        let project = &dataset.projects[id(0)];
        plan_project(&dataset, project, &WorkCalendar::default(), PlanOptions { prorate }).unwrap().unwrap()
    }

    fn windows(planned: &[PlannedAllocation]) -> Vec<String> {
        planned.iter().map(|p| format!("{} {} {} {}", p.name, p.start, p.end, p.hours)).collect()
    }

    #[test]
    fn a_year_is_a_contract_year_from_the_project_start() {
        let projects =
            PROJECTS.replace("1/1/2026,12/31/2027", "7/1/2025,6/30/2027").replace("/ quarter", "/ year");
        let data = Data::baseline()
            .with("projects.csv", &projects)
            .with("allocations.csv", ALLOCATIONS.lines().next().unwrap())
            .with("activities.csv", "Allocation,Team member,Units,Start date\n");
        assert_eq!(
            windows(&plan(&data, true)),
            ["Alpha hub year 1 2025-07-01 2026-06-30 12", "Alpha hub year 2 2026-07-01 2027-06-30 12"]
        );
    }

    #[test]
    fn a_cut_quarter_is_pro_rated_to_the_nearest_half_hour() {
        // From Mon Feb 2 to Sat Aug 15: Q1 is cut to 42 of 64 working days, 12 × 42/64 = 7.875
        // → 8 h; Q3 to 33 of 66, exactly 6 h; Q2 is whole.
        let projects = PROJECTS.replace("1/1/2026,12/31/2027", "2/2/2026,8/15/2026");
        let data = Data::baseline().with("projects.csv", &projects);
        let planned = plan(&data, true);
        assert_eq!(
            windows(&planned),
            [
                "Alpha hub 2026 Q1 2026-02-02 2026-03-31 8",
                "Alpha hub 2026 Q2 2026-04-01 2026-06-30 12",
                "Alpha hub 2026 Q3 2026-07-01 2026-08-15 6",
            ]
        );
        let proration = planned[0].prorated.unwrap();
        assert_eq!((proration.full, proration.working_days, proration.of), (hours(12.0), 42, 64));
        assert_eq!(planned[1].prorated, None);
        let full = plan(&data, false);
        assert_eq!(full[0].hours, hours(12.0));
    }

    #[test]
    fn a_quarter_overlapped_by_one_day_is_not_allocated() {
        // An allocation running Jul 1 – Oct 1 covers Q3 wholly and one day of Q4 (of 66):
        // Q3 is allocated, Q4 is not. One covering Oct 1 – Nov 16 (33 of 66, half) allocates Q4.
        let allocations = "Allocation name,Project,Allocation start date,Allocation end date,Hours available\nLong Q3,Alpha hub,7/1/2026,10/1/2026,12\n";
        let data = Data::baseline()
            .with("allocations.csv", allocations)
            .with("activities.csv", "Allocation,Team member,Units,Start date\n");
        let planned = plan(&data, true);
        assert_eq!(planned[2].existing.as_deref(), Some("Long Q3"));
        assert_eq!(planned[3].existing, None);
        let half = "Allocation name,Project,Allocation start date,Allocation end date,Hours available\nHalf Q4,Alpha hub,10/1/2026,11/16/2026,12\n";
        let planned = plan(
            &Data::baseline()
                .with("allocations.csv", half)
                .with("activities.csv", "Allocation,Team member,Units,Start date\n"),
            true,
        );
        assert_eq!(planned[3].existing.as_deref(), Some("Half Q4"));
    }

    #[test]
    fn an_allocation_covers_only_the_periods_it_overlaps() {
        // Monthly from Wed Jul 1 to Sun Aug 2: August is cut to a weekend, no working day. July's
        // allocation ends before it, so nothing covers August, however few its working days.
        let projects =
            PROJECTS.replace("1/1/2026,12/31/2027", "7/1/2026,8/2/2026").replace("/ quarter", "/ month");
        let allocations = "Allocation name,Project,Allocation start date,Allocation end date,Hours available\nJuly,Alpha hub,7/1/2026,7/31/2026,12\n";
        let data = Data::baseline()
            .with("projects.csv", &projects)
            .with("allocations.csv", allocations)
            .with("activities.csv", "Allocation,Team member,Units,Start date\n");
        let planned = plan(&data, true);
        let covered: Vec<(&str, Option<&str>)> =
            planned.iter().map(|p| (p.name.as_str(), p.existing.as_deref())).collect();
        assert_eq!(covered, [("Alpha hub July 2026", Some("July")), ("Alpha hub August 2026", None)]);
    }

    #[test]
    fn past_periods_are_not_proposed_and_a_zero_budget_is_a_warning() {
        let folder = temp_folder("plan-past");
        let projects = format!("{PROJECTS}Alpha nothing,Alpha 2026 Premier,1/1/2026,12/31/2026,Nothing,Up to 0 hours / quarter\n");
        for (name, contents) in &Data::baseline().with("projects.csv", &projects).files {
            std::fs::write(folder.join(name), contents).unwrap();
        }
        let output = ces_report(&["plan", folder.to_str().unwrap(), "--as-of", "2027-05-01"]);
        assert!(output.status.success(), "{}", text(&output.stderr));
        let names: Vec<String> =
            text(&output.stdout).lines().skip(1).map(|l| l.split(',').next().unwrap().to_string()).collect();
        assert_eq!(names, ["Alpha hub 2027 Q2", "Alpha hub 2027 Q3", "Alpha hub 2027 Q4"]);
        assert_eq!(
            text(&output.stderr),
            "warning: project \"Alpha nothing\" is not planned: its capacity \"Up to 0 hours / quarter\" commits no hours\n"
        );
    }
}

mod revenue {
    //! Cost against revenue, by hand. Alpha (the baseline) is worth 2,200.00 over October 2026
    //! alone (22 working days): 2,200 in October. Beta is worth 4,300.00 over October and
    //! November (22 + 21 = 43 working days): 100 a day, 2,200 in October and 2,100 in
    //! November. Gamma has no value.

    use ces_report::figures::compute;
    use ces_report::figures::revenue::revenue;
    use ces_report::settings::Settings;

    use crate::support::{day, id, Data, ACTIVITIES, ENGAGEMENTS, PROJECTS};

    #[test]
    fn the_ratio_of_a_month_with_two_contracts() {
        let engagements = format!(
            "{},Contract value\n{}",
            ENGAGEMENTS.lines().next().unwrap(),
            "Alpha 2026 Premier,Alpha Lab,10/1/2026,10/31/2026,Tier,Active,rec1,\"$2,200.00\"\n\
             Beta 2026,Beta Lab,10/1/2026,11/30/2026,Tier,Active,rec2,4300\n\
             Gamma 2026,Gamma Lab,10/1/2026,11/30/2026,Tier,Active,rec3,\n"
        );
        let projects = PROJECTS.replace("1/1/2026,12/31/2027", "10/1/2026,10/31/2026");
        let data = Data::baseline().with("engagements.csv", &engagements).with("projects.csv", &projects);
        let (dataset, _) = data.read();
        let figures = compute(&dataset, &Settings::default(), day("2026-10-31"));
        let answer = revenue(&dataset, &figures, 100.0);
        let october = answer.months.iter().find(|m| m.month.to_string() == "2026-10").unwrap();
        // Revenue 2,200 + 2,200; Alpha delivered 4 h and its allocation (12 h over Q4's 66
        // working days) commits 4 h in October: 400 each, 400 / 4,400 = 9.09%.
        assert!((october.revenue - 4400.0).abs() < 1e-9, "{}", october.revenue);
        assert_eq!(
            (october.delivered_cost, october.delivered_cost_without_value, october.committed_cost),
            (Some(400.0), Some(0.0), 400.0)
        );
        assert!((october.delivered_ratio.unwrap() - 400.0 / 4400.0).abs() < 1e-12);
        let november = answer.months.iter().find(|m| m.month.to_string() == "2026-11").unwrap();
        assert!((november.revenue - 2100.0).abs() < 1e-9);
        // Not reached as of 2026-10-31: no delivered cost, no delivered ratio.
        assert_eq!((november.delivered_cost, november.delivered_ratio), (None, None));
        // Gamma, with no value, is named and left out of both sides.
        assert_eq!(answer.without_value, [id(2)]);
        let alpha = &answer.engagements[0];
        // 2,200 for 4 h delivered and 12 h committed.
        assert_eq!((alpha.per_delivered_hour, alpha.per_committed_hour), (Some(550.0), Some(2200.0 / 12.0)));
        // 183.33 per committed hour: above a cost of 100 an hour, below one of 200.
        assert!(!alpha.below_cost);
        assert!(revenue(&dataset, &figures, 200.0).engagements[0].below_cost);
    }

    #[test]
    fn a_valued_engagement_without_dates_has_its_hours_costed_and_no_ratio() {
        // Alpha is worth 1,200.00 but has no dates to spread it over: no month has revenue.
        // October still lists its 4 h delivered, 400 at 100 an hour, and a ratio to no revenue
        // is none, not infinite. With no dates nothing is earned to a date: no revenue per hour
        // delivered. 1,200 for 12 h committed is 100 an hour: exactly the cost of 100 an hour
        // is not below it, a cent more is.
        let engagements = format!(
            "{},Contract value\nAlpha 2026 Premier,Alpha Lab,,,Tier,Active,rec1,1200\n",
            ENGAGEMENTS.lines().next().unwrap()
        );
        let data = Data::baseline().with("engagements.csv", &engagements);
        let (dataset, _) = data.read();
        let figures = compute(&dataset, &Settings::default(), day("2026-10-31"));
        let answer = revenue(&dataset, &figures, 100.0);
        assert_eq!(answer.undated, [id(0)]);
        let months: Vec<String> = answer.months.iter().map(|row| row.month.to_string()).collect();
        assert_eq!(months, ["2026-10"], "only the month with hours delivered");
        let october = &answer.months[0];
        assert_eq!(
            (
                october.revenue,
                october.delivered_cost,
                october.delivered_cost_without_value,
                october.committed_cost
            ),
            (0.0, Some(400.0), Some(0.0), 0.0)
        );
        assert_eq!((october.delivered_ratio, october.committed_ratio), (None, None));
        let alpha = &answer.engagements[0];
        assert_eq!((alpha.per_delivered_hour, alpha.per_committed_hour), (None, Some(100.0)));
        assert!(!alpha.below_cost);
        assert!(revenue(&dataset, &figures, 100.01).engagements[0].below_cost);
    }

    #[test]
    fn revenue_per_hour_delivered_is_the_revenue_earned_so_far_over_the_hours_delivered_so_far() {
        // 2,610.00 over 2026's 261 working days is 10.00 a working day. By 31 October, 217 of
        // them have passed: 2,170.00 earned, for the 4 h delivered by then (2 h on 5 and 20
        // October): 542.50 an hour. The whole value over the 12 h committed: 217.50 an hour.
        let engagements = format!(
            "{},Contract value\nAlpha 2026 Premier,Alpha Lab,1/1/2026,12/31/2026,Tier,Active,rec1,\"$2,610.00\"\n",
            ENGAGEMENTS.lines().next().unwrap()
        );
        let data = Data::baseline().with("engagements.csv", &engagements);
        let (dataset, _) = data.read();
        let figures = compute(&dataset, &Settings::default(), day("2026-10-31"));
        let alpha = &revenue(&dataset, &figures, 100.0).engagements[0];
        assert_eq!(alpha.earned, Some(2170.0));
        assert_eq!((alpha.per_delivered_hour, alpha.per_committed_hour), (Some(542.5), Some(217.5)));
        // Before its first hour is delivered there is no revenue per hour delivered.
        let idle = data.with("activities.csv", ACTIVITIES.lines().next().unwrap());
        let (dataset, _) = idle.read();
        let figures = compute(&dataset, &Settings::default(), day("2026-10-31"));
        let alpha = &revenue(&dataset, &figures, 100.0).engagements[0];
        assert_eq!((alpha.per_delivered_hour, alpha.per_committed_hour), (None, Some(217.5)));
    }

    #[test]
    fn without_any_value_the_sections_say_so_in_one_line() {
        let folder = crate::support::temp_folder("no-revenue");
        for (name, text) in &Data::baseline().files {
            std::fs::write(folder.join(name), text).unwrap();
        }
        let out = folder.join("book");
        let output = crate::support::build(&folder, &out, &["--month", "2026-10"]);
        assert!(output.status.success(), "{}", crate::support::text(&output.stderr));
        let capacity = std::fs::read_to_string(out.join("capacity.md")).unwrap();
        assert!(
            capacity.contains(
                "No engagement has a contract value (the optional Contract value column of engagements.csv)"
            ),
            "{capacity}"
        );
    }
}

mod reported_in_month {
    //! Which months an engagement gets a community PDF for: those its dates run in, and those
    //! with work logged in them.

    use ces_report::calendar::Month;
    use ces_report::figures::report::reported_in_month;

    use crate::support::{day, id, Data, ACTIVITIES, ENGAGEMENTS};

    fn months_reported(engagements: &str, activities: &str) -> Vec<String> {
        let data = Data::baseline().with("engagements.csv", engagements).with("activities.csv", activities);
        let (dataset, _) = data.read();
        (9..=12)
            .map(|month| Month { year: 2026, month })
            .filter(|month| reported_in_month(&dataset, id(0), *month, day("2026-12-31")))
            .map(|month| month.to_string())
            .collect()
    }

    #[test]
    fn the_months_its_dates_run_in_and_those_with_work_logged() {
        let no_work = ACTIVITIES.lines().next().unwrap();
        // From Sun 1 November: not September or October, November and December.
        let from_november = ENGAGEMENTS.replace("1/1/2026,12/31/2027", "11/1/2026,12/31/2027");
        assert_eq!(months_reported(&from_november, no_work), ["2026-11", "2026-12"]);
        // Ending Wed 30 September: September only; with its October work (5 and 20 October),
        // October too.
        let to_september = ENGAGEMENTS.replace("1/1/2026,12/31/2027", "1/1/2026,9/30/2026");
        assert_eq!(months_reported(&to_september, no_work), ["2026-09"]);
        assert_eq!(months_reported(&to_september, ACTIVITIES), ["2026-09", "2026-10"]);
    }
}
