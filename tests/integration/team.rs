//! What a manager asks, by hand: a member's month delivered and committed hours, the team's
//! utilisation in a month with a holiday, the renewal list's window edges.

use ces_report::calendar::Month;
use ces_report::figures::compute;
use ces_report::figures::team::{renewals, team_month};
use ces_report::settings::Settings;

use crate::support::{ces_report, day, hours, text, Data};

/// The baseline (Q4 2026: 12 h, provider Ana Silva; Ana 2 h on Oct 5, Ben 2 h on Oct 20) with
/// Ben's 6 h logged as one range from Fri 2026-10-30 to Tue 2026-11-03 (3 working days, 2 h
/// each: 2 h in October, 4 h in November) and a capacity of 5 h per working day.
fn with_a_range_across_months() -> Data {
    Data::baseline()
        .add("activities.csv", "Alpha 2026 Q4,Ben Okafor,6,Migration,10/30/2026,11/3/2026,11/4/2026 9:00am\n")
        .with("capacity.csv", "Effective from,Hours per working day\n1/1/2026,5\n")
}

#[test]
fn a_members_month_counts_a_range_by_its_working_days() {
    let (dataset, _) = with_a_range_across_months().read();
    let figures = compute(&dataset, &Settings::default(), day("2026-11-30"));
    // October (22 working days): Ana delivered 2 h and is committed 12 × 22/66 = 4 h of Q4;
    // Ben delivered 2 + 2 = 4 h. Share: 5 h × 22 days / 2 members = 55 h.
    let october = team_month(&dataset, &figures, Month { year: 2026, month: 10 });
    let rows: Vec<(String, f64, f64, Option<f64>)> =
        october.iter().map(|m| (m.member.clone(), m.delivered.as_f64(), m.committed, m.share)).collect();
    assert_eq!(
        rows,
        [("Ana Silva".to_string(), 2.0, 4.0, Some(55.0)), ("Ben Okafor".to_string(), 4.0, 0.0, Some(55.0))]
    );
    // November (21 working days): Ben's 4 h; Ana committed 12 × 21/66 = 3.82 h, delivered none.
    let november = team_month(&dataset, &figures, Month { year: 2026, month: 11 });
    assert_eq!((november[0].member.as_str(), november[0].delivered), ("Ana Silva", hours(0.0)));
    assert!((november[0].committed - 12.0 * 21.0 / 66.0).abs() < 1e-9);
    assert_eq!(
        (november[1].member.as_str(), november[1].delivered, november[1].committed),
        ("Ben Okafor", hours(4.0), 0.0)
    );
    assert!(!november[0].committed_over_share && !november[0].delivered_over_share);

    // The JSON's team is the as-of month's, the same figures.
    let folder = with_a_range_across_months().folder("team-json");
    let output =
        ces_report(&["summary", folder.to_str().unwrap(), "--as-of", "2026-11-30", "--format", "json"]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        json["team"],
        serde_json::json!([
            {"member": "Ana Silva", "delivered_month": 0.0, "committed_month": 3.82, "engagements": [], "share": 52.5, "committed_over_share": false, "delivered_over_share": false},
            {"member": "Ben Okafor", "delivered_month": 4.0, "committed_month": 0.0, "engagements": ["Alpha 2026 Premier"], "share": 52.5, "committed_over_share": false, "delivered_over_share": false}
        ])
    );
}

#[test]
fn utilisation_counts_the_working_days_of_a_month_with_a_holiday() {
    // December 2026: 23 weekdays, Friday the 25th off: 22 working days. 11 h delivered: 0.5 h a
    // working day against 5 h of capacity: 10%.
    let data = with_a_range_across_months()
        .add("activities.csv", "Alpha 2026 Q4,Ana Silva,11,Workshop,12/7/2026,,12/7/2026 5:00pm\n");
    let (dataset, _) = data.read();
    let settings = Settings { holidays: [day("2026-12-25")].into(), ..Settings::default() };
    let figures = compute(&dataset, &settings, day("2026-12-31"));
    let december = figures.commitment_in(Month { year: 2026, month: 12 }).unwrap();
    assert_eq!(december.working_days, 22);
    assert!((december.utilisation.unwrap() - 0.10).abs() < 1e-12);
    // A month not reached yet has none.
    let early = compute(&dataset, &settings, day("2026-11-30"));
    assert_eq!(early.commitment_in(Month { year: 2026, month: 12 }).unwrap().utilisation, None);
    // A month whose capacity is 0 h a day (the team away) has no utilisation, not an infinite one.
    let away = ces_report::figures::commitment::CommitmentRow {
        capacity_hours_per_working_day: Some(0.0),
        ..december.clone()
    };
    assert_eq!(away.judged(figures.as_of).utilisation, None);
}

#[test]
fn the_renewal_list_takes_engagements_ending_within_90_days() {
    // The baseline engagement ends on 2027-12-31: 90 days after 2027-10-02, 91 after 2027-10-01.
    let (dataset, _) = Data::baseline().read();
    let listed = |as_of: &str| {
        let figures = compute(&dataset, &Settings::default(), day(as_of));
        renewals(&dataset, &figures, Settings::default().windows.renewals_days)
            .iter()
            .map(|r| r.days_left)
            .collect::<Vec<_>>()
    };
    assert_eq!(listed("2027-10-01"), Vec::<i64>::new());
    assert_eq!(listed("2027-10-02"), [90]);
    assert_eq!(listed("2027-12-31"), [0]);
    // Once ended, a contract still marked Active is a lapsed one: still a conversation to have.
    assert_eq!(listed("2028-01-01"), [-1]);
    let closed =
        Data::baseline().with("engagements.csv", &crate::support::ENGAGEMENTS.replace("Active", "Closed"));
    let (dataset, _) = closed.read();
    let figures = compute(&dataset, &Settings::default(), day("2028-01-01"));
    assert!(renewals(&dataset, &figures, 90).is_empty(), "a closed contract is no renewal to have");
}

#[test]
fn the_sample_reports_team_table_is_the_jsons_team() {
    let (book, _) = crate::support::rendered_sample();
    let page =
        crate::support::literal_text(&std::fs::read_to_string(book.join("monthly-report.md")).unwrap());
    let section = &page[page.find("## Team load").unwrap()..page.find("## Renewals coming up").unwrap()];
    let output = ces_report(&["summary", "sample-data", "--month", "2026-10", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let team = json["team"].as_array().unwrap();
    assert_eq!(team.len(), 6, "every member with hours in October");
    let total: f64 = team.iter().map(|m| m["delivered_month"].as_f64().unwrap()).sum();
    assert_eq!(total, 36.5, "October's delivered hours");
    for member in team {
        let hours = |field: &str| ces_report::present::format::hours_grouped(member[field].as_f64().unwrap());
        // Each is judged against the share on its own, and the row says which is beyond it.
        let judged = |field: &str, beyond: &str| {
            if member[beyond] == true {
                format!("{}, beyond share", hours(field))
            } else {
                hours(field)
            }
        };
        let row = format!(
            "| {} | {} | {} |",
            member["member"].as_str().unwrap(),
            judged("delivered_month", "delivered_over_share"),
            judged("committed_month", "committed_over_share")
        );
        assert!(section.replace("**", "").contains(&row), "lacks {row}:\n{section}");
    }
    // The action list names the person to act where the data knows them: Prairie's pace
    // finding goes to its allocation's provider.
    let actions = &page[page.find("## Actions").unwrap()..];
    let prairie = actions
        .lines()
        .find(|line| line.contains("Prairie Hydrology Collaborative") && line.contains("behind pace"))
        .unwrap();
    assert!(prairie.contains("| Jonas Lindqvist (provider) |"), "{prairie}");
    let pdf = book.join("exports/2i2c-ces-report-2026-10.pdf");
    let pages = ces_report::render::count_pages(&std::fs::read(pdf).unwrap()).unwrap();
    // Its summary, the month's rows and the hours in all, team load, renewals, what changed
    // since the last meeting, the actions, the commitment, revenue and reminders.
    assert!(pages <= 10, "the aggregated report has {pages} pages");
}

/// A member's hours are over their share only when beyond it: exactly the share is not over, a
/// hundredth of an hour more is, and floating point noise at the share (0.1 + 0.2 against 0.3)
/// is not; an unknown share is never over.
#[test]
fn over_share_is_judged_at_its_edge() {
    use ces_report::figures::team::over_share;
    assert!(!over_share(52.5, Some(52.5)));
    assert!(over_share(52.51, Some(52.5)));
    assert!(!over_share(0.1 + 0.2, Some(0.3)));
    assert!(!over_share(1000.0, None));
}

/// A provider whose allocations commit nothing in the month is not in that month's team (and
/// does not take a share of its capacity).
#[test]
fn a_provider_with_nothing_in_the_month_is_not_in_its_team() {
    let data =
        Data::baseline().add("allocations.csv", "Alpha 2027 Q1,Alpha hub,1/1/2027,3/31/2027,12,Cara Diaz\n");
    let (dataset, _) = data.read();
    let figures = compute(&dataset, &Settings::default(), day("2026-10-31"));
    let october = team_month(&dataset, &figures, Month::of(day("2026-10-01")));
    let members: Vec<&str> = october.iter().map(|m| m.member.as_str()).collect();
    assert!(!members.contains(&"Cara Diaz"), "{members:?}");
    let january = team_month(&dataset, &figures, Month::of(day("2027-01-01")));
    assert!(january.iter().any(|m| m.member == "Cara Diaz"));
}

/// A member's engagements are those with hours in the month, each once, in data order,
/// however their activities interleave; an entry of 0 h names none; hours of several entries
/// add up (Beta's engagement comes after Alpha's in engagements.csv, Gamma's last).
#[test]
fn a_members_engagements_are_each_named_once_in_data_order() {
    let data = Data::baseline()
        .add("engagements.csv", "Beta 2026,Beta Lab,1/1/2026,12/31/2027,Hub,Active,rec2\nGamma 2026,Gamma Lab,1/1/2026,12/31/2027,Hub,Active,rec3\n")
        .add("projects.csv", "Beta hub,Beta 2026,1/1/2026,12/31/2027,Hub,x\nGamma hub,Gamma 2026,1/1/2026,12/31/2027,Hub,x\n")
        .add("allocations.csv", "Beta Q4,Beta hub,10/1/2026,12/31/2026,12,Ben Okafor\nGamma Q4,Gamma hub,10/1/2026,12/31/2026,12,Ben Okafor\n")
        .add(
            "activities.csv",
            "Beta Q4,Ana Silva,1.5,Call,10/6/2026,,\nGamma Q4,Ana Silva,0,Call,10/7/2026,,\nAlpha 2026 Q4,Ana Silva,1,Call,10/8/2026,,\nBeta Q4,Ana Silva,0.25,Call,10/9/2026,,\nBeta Q4,Ben Okafor,3,Call,9/30/2026,,\n",
        );
    let (dataset, _) = data.read();
    let figures = compute(&dataset, &Settings::default(), day("2026-10-31"));
    let october = team_month(&dataset, &figures, Month { year: 2026, month: 10 });
    let rows: Vec<(&str, f64, Vec<&str>)> = october
        .iter()
        .map(|m| {
            let names = m.engagements.iter().map(|id| dataset.engagements[*id].name.as_str()).collect();
            (m.member.as_str(), m.delivered.as_f64(), names)
        })
        .collect();
    // Ben provides Beta and Gamma (most committed first); his September hours are not
    // October's. Ana: 2 + 1.5 + 1 + 0.25 h.
    assert_eq!(
        rows,
        [
            ("Ben Okafor", 2.0, vec!["Alpha 2026 Premier"]),
            ("Ana Silva", 4.75, vec!["Alpha 2026 Premier", "Beta 2026"]),
        ]
    );
}
