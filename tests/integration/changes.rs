//! What changed since the last meeting, hand-worked on a fixture built for it: the text, the
//! JSON, the dashboard's page and the monthly report's section state the same changes.
//!
//! The meeting was on Fri 16 October 2026; the review is as of Fri 30 October (the next meeting
//! is due on 13 November). The earlier export was pulled on 16 October; between the two:
//!
//! - Beta Lab turned red: its Q4 allocation (4 h from Mon 19 October, Bo Lund) got 5 h on Wed
//!   21 October, five days into the period: overrun. On the 16th it had not started: On Track.
//! - Delta Lab turned green: its Q4 allocation had no provider on the 16th (At Risk); Cy Diaz
//!   has been assigned since. 3 h on 7 October and 2.5 h on 23 October keep it on pace
//!   (5.5 h of 16 h after 22 of 66 working days, 103% of the even pace).
//! - Gamma Lab's contract ended on Tue 20 October (Status Closed): At Risk on the 16th, renewal
//!   due in 4 days; Ended now. Its allocation "Gamma 2026" ended the same day.
//! - Alpha Lab (20 h for Q4, Ana Silva; At Risk both times: "Alpha training 2026", which starts
//!   on Mon 9 November, ten days after the review, has no provider) got 2 h by Ben Okafor on
//!   20 October (logged on the 21st) and 1 h of work on 1 October logged only on 22 October,
//!   21 days late. A 0.5 h row created on 2 November, after the review, is never listed.
//! - In the earlier export, Ana Silva's 5 October entry read "Kick-off call" (now "Kick-off call
//!   with the hub admins": edited), and Ben Okafor's 1 h on 6 October was there (deleted since).
//!
//! Hours logged in the period (created after the 16th, up to the 30th): 2 + 1 + 5 + 2.5 =
//! 10.5 h: Beta Lab 5, Alpha Lab 3, Delta Lab 2.5; Bo Lund 5, Cy Diaz 2.5, Ben Okafor 2, Ana
//! Silva 1.

use serde_json::{json, Value};

use crate::support::{ces_report, literal_text, text, Data};

const ENGAGEMENTS: &str = "Engagement name,Community,Engagement start date,Engagement end date,Engagement description,Status,Record ID
Alpha 2026 Premier,Alpha Lab,1/1/2026,12/31/2027,\"Premier Tier\nHub support\",Active,rec1
Beta 2026 Essential,Beta Lab,1/1/2026,12/31/2027,\"Essential Tier\nTraining\",Active,rec2
Gamma 2025 Essential,Gamma Lab,1/1/2025,10/20/2026,\"Essential Tier\nWorkshops\",Closed,rec3
Delta 2026 Advanced,Delta Lab,1/1/2026,12/31/2027,\"Advanced Tier\nHubs\",Active,rec4
";
const PROJECTS: &str =
    "Project name,Engagement,Project start date,Project end date,Project description,Capacity
Alpha hub,Alpha 2026 Premier,1/1/2026,12/31/2027,Hub support,Up to 20 hours / quarter
Alpha training,Alpha 2026 Premier,1/1/2026,12/31/2027,Training,Up to 8 hours
Beta training,Beta 2026 Essential,1/1/2026,12/31/2027,Training,Up to 4 hours / quarter
Gamma workshops,Gamma 2025 Essential,1/1/2025,10/20/2026,Workshops,Up to 10 hours
Delta hubs,Delta 2026 Advanced,1/1/2026,12/31/2027,Hubs,Up to 16 hours / quarter
";
const ALLOCATIONS: &str =
    "Allocation name,Project,Allocation start date,Allocation end date,Hours available,Allocation provider
Alpha 2026 Q4,Alpha hub,10/1/2026,12/31/2026,20,Ana Silva
Alpha training 2026,Alpha training,11/9/2026,12/18/2026,8,
Beta 2026 Q4,Beta training,10/19/2026,12/31/2026,4,Bo Lund
Gamma 2026,Gamma workshops,1/1/2026,10/20/2026,10,Ana Silva
Delta 2026 Q4,Delta hubs,10/1/2026,12/31/2026,16,Cy Diaz
";
const ACTIVITIES: &str = "Allocation,Team member,Units,Description,Start date,End date,Created
Gamma 2026,Ana Silva,8,Workshop series,6/15/2026,,6/15/2026 5:00pm
Alpha 2026 Q4,Ana Silva,2,Kick-off call with the hub admins,10/5/2026,,10/5/2026 3:00pm
Delta 2026 Q4,Cy Diaz,3,Hub upgrade,10/7/2026,,10/7/2026 4:00pm
Alpha 2026 Q4,Ben Okafor,2,Image update,10/20/2026,,10/21/2026 9:12am
Beta 2026 Q4,Bo Lund,5,Training days,10/21/2026,,10/21/2026 6:00pm
Alpha 2026 Q4,Ana Silva,1,Office hours,10/1/2026,,10/22/2026 10:00am
Delta 2026 Q4,Cy Diaz,2.5,Hub upgrade follow-up,10/23/2026,,10/23/2026 4:00pm
Alpha 2026 Q4,Ana Silva,0.5,Notes,10/29/2026,,11/2/2026 9:00am
";

fn now() -> Data {
    Data::baseline()
        .with("engagements.csv", ENGAGEMENTS)
        .with("projects.csv", PROJECTS)
        .with("allocations.csv", ALLOCATIONS)
        .with("activities.csv", ACTIVITIES)
}

/// The export pulled on 16 October: Delta's allocation without its provider, the 5 October
/// entry's first wording, Ben Okafor's 6 October hour (deleted since), and only the rows logged
/// by then.
fn earlier() -> Data {
    let activities = "Allocation,Team member,Units,Description,Start date,End date,Created
Gamma 2026,Ana Silva,8,Workshop series,6/15/2026,,6/15/2026 5:00pm
Alpha 2026 Q4,Ana Silva,2,Kick-off call,10/5/2026,,10/5/2026 3:00pm
Alpha 2026 Q4,Ben Okafor,1,Image update,10/6/2026,,10/6/2026 3:00pm
Delta 2026 Q4,Cy Diaz,3,Hub upgrade,10/7/2026,,10/7/2026 4:00pm
";
    now()
        .with("allocations.csv", &ALLOCATIONS.replace("16,Cy Diaz", "16,"))
        .with("activities.csv", activities)
}

fn changes(args: &[&str]) -> (String, Value) {
    let folder = now().folder("changes-now");
    let mut base =
        vec!["changes", folder.to_str().unwrap(), "--since", "2026-10-16", "--as-of", "2026-10-30"];
    base.extend_from_slice(args);
    let output = ces_report(&base);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let mut json_args = base.clone();
    json_args.extend(["--format", "json"]);
    let json = ces_report(&json_args);
    assert!(json.status.success(), "{}", text(&json.stderr));
    (text(&output.stdout), serde_json::from_slice(&json.stdout).unwrap())
}

#[test]
fn two_exports_give_every_change_of_the_period() {
    let before = earlier().folder("changes-before");
    let (text, json) = changes(&["--before", before.to_str().unwrap()]);
    assert_eq!(
        json["headline"],
        json!({
            "turned_red": 1,
            "back_to_green": 1,
            "new_findings": 1,
            "resolved_findings": 2,
            "hours_logged": 10.5,
            "starting_without_provider": 1
        })
    );
    let statuses: Vec<(&str, &str, &str)> = json["statuses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (s["community"].as_str().unwrap(), s["before"].as_str().unwrap(), s["after"].as_str().unwrap())
        })
        .collect();
    assert_eq!(
        statuses,
        [
            ("Beta Lab", "on-track", "action-needed"),
            ("Delta Lab", "at-risk", "on-track"),
            ("Gamma Lab", "at-risk", "ended")
        ]
    );
    assert_eq!(
        json["statuses"][0]["appeared"],
        json!([{"code": "overrun", "text": "Allocation “Beta 2026 Q4” is overrun: 5 h used of 4 h available."}])
    );
    assert_eq!(
        json["statuses"][1]["went"],
        json!([{"code": "no-provider", "text": "Allocation “Delta 2026 Q4” has no provider assigned."}])
    );
    assert_eq!(json["statuses"][2]["went"][0]["code"], "renewal-due");
    let findings = |list: &Value| -> Vec<(String, String)> {
        list.as_array()
            .unwrap()
            .iter()
            .map(|f| (f["community"].as_str().unwrap().to_string(), f["code"].as_str().unwrap().to_string()))
            .collect()
    };
    assert_eq!(findings(&json["new_findings"]), [("Beta Lab".to_string(), "overrun".to_string())]);
    assert_eq!(json["new_findings"][0]["owner"], "Delivery lead");
    assert_eq!(json["new_findings"][0]["since"], "2026-10-21");
    assert_eq!(
        findings(&json["resolved_findings"]),
        [
            ("Gamma Lab".to_string(), "renewal-due".to_string()),
            ("Delta Lab".to_string(), "no-provider".to_string())
        ]
    );
    assert_eq!(
        json["logged"],
        json!({
            "hours": 10.5,
            "by_community": [{"name": "Beta Lab", "hours": 5.0}, {"name": "Alpha Lab", "hours": 3.0}, {"name": "Delta Lab", "hours": 2.5}],
            "by_member": [
                {"name": "Bo Lund", "hours": 5.0},
                {"name": "Cy Diaz", "hours": 2.5},
                {"name": "Ben Okafor", "hours": 2.0},
                {"name": "Ana Silva", "hours": 1.0}
            ],
            "late": [{
                "line": 7, "allocation": "Alpha 2026 Q4", "member": "Ana Silva", "hours": 1.0,
                "end": "2026-10-01", "created": "2026-10-22", "days_late": 21
            }]
        })
    );
    let names = |list: &Value, field: &str| -> Vec<String> {
        list.as_array().unwrap().iter().map(|a| a[field].as_str().unwrap().to_string()).collect()
    };
    assert_eq!(names(&json["started"], "allocation"), ["Beta 2026 Q4"]);
    assert_eq!(names(&json["ended"], "allocation"), ["Gamma 2026"]);
    assert_eq!(names(&json["starting_soon"], "allocation"), ["Alpha training 2026"]);
    assert_eq!(json["starting_soon"][0]["provider"], Value::Null);
    assert_eq!(names(&json["contracts_ended"], "community"), ["Gamma Lab"]);
    assert_eq!(json["entered_renewal"], json!([]));
    assert_eq!(
        json["edits"],
        json!([
            {"file": "allocations.csv", "line": 6, "row": "Delta 2026 Q4", "kind": "edited"},
            {"file": "activities.csv", "line": 3, "row": "Alpha 2026 Q4, Ana Silva, 2026-10-05", "kind": "edited"},
            {"file": "activities.csv", "line": 4, "row": "Alpha 2026 Q4, Ben Okafor, 2026-10-06", "kind": "deleted"}
        ])
    );

    // The text says the same.
    for line in [
        "1 turned red, 1 back to green, 1 new finding, 2 resolved, 10.5 h logged, 1 allocation starts before the next meeting without a provider",
        "  Beta Lab: On Track -> Action Needed\n    + Allocation “Beta 2026 Q4” is overrun: 5 h used of 4 h available.",
        "  Delta Lab: Monitor / At Risk -> On Track\n    - Allocation “Delta 2026 Q4” has no provider assigned.",
        "  Beta Lab: Allocation “Beta 2026 Q4” is overrun: 5 h used of 4 h available. (who acts: Delivery lead; since 21 October 2026)",
        "  logged 21 days late: 1 h on Alpha 2026 Q4 by Ana Silva (work ended 1 October 2026, logged 22 October 2026)",
        "  starts before the next meeting (13 November 2026), 9 November – 18 December 2026: Alpha training 2026 (NO PROVIDER ASSIGNED)",
        "  ended 20 October 2026: Gamma Lab",
        "  edited: activities.csv line 3, Alpha 2026 Q4, Ana Silva, 2026-10-05",
        "  deleted: activities.csv line 4, Alpha 2026 Q4, Ben Okafor, 2026-10-06",
    ] {
        assert!(text.contains(line), "the text lacks {line:?}:\n{text}");
    }
    assert!(
        !text.contains("Notes") && !text.contains("2026-10-29"),
        "a row created after the review is never listed"
    );
}

#[test]
fn one_export_compares_with_what_was_known_on_the_meeting_day_and_says_what_it_cannot_know() {
    // The same export, as known on the 16th: Delta's provider is already in it (no change), the
    // rest as with two exports; edits cannot be known.
    let (text, json) = changes(&[]);
    assert_eq!(
        (json["headline"]["turned_red"].as_u64(), json["headline"]["back_to_green"].as_u64()),
        (Some(1), Some(0))
    );
    assert_eq!(json["headline"]["hours_logged"], 10.5);
    assert_eq!(json["edits"], Value::Null);
    assert!(text.contains(
        "One export cannot say which rows were edited or deleted since 16 October 2026: compare two pulls with --before to see them."
    ));
}

/// The dashboard's page and the monthly report's section, built as of the review with the
/// meeting on the 16th, state the same changes as the text.
#[test]
fn the_dashboard_page_and_the_monthly_report_state_the_same_changes() {
    let data = now().with("settings.toml", "[meeting]\nevery_days = 14\nanchor = 2026-10-16\n");
    let folder = data.folder("changes-book");
    let book = folder.join("book");
    let output = crate::support::build(&folder, &book, &["--as-of", "2026-10-30"]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let page = literal_text(&std::fs::read_to_string(book.join("since-last-meeting.md")).unwrap());
    let report = literal_text(&std::fs::read_to_string(book.join("monthly-report.md")).unwrap());
    let section = &report
        [report.find("## Since the last meeting").expect("a section")..report.find("## Actions").unwrap()];
    let dashboard = literal_text(&std::fs::read_to_string(book.join("index.md")).unwrap());
    for (name, text) in [("page", page.as_str()), ("monthly report", section)] {
        for expected in [
            "From 16 October 2026 to 30 October 2026: 1 turned red, 0 back to green, 1 new finding (1 resolved), 10.5 h logged, 1 allocation starts before the next meeting without a provider.",
            "| Action Needed | Allocation “Beta 2026 Q4” is overrun: 5 h used of 4 h available. | – |",
            "| Allocation “Beta 2026 Q4” is overrun: 5 h used of 4 h available. | Delivery lead | 21 October 2026 |",
            "| Beta Lab | 5 |",
            "| Alpha Lab | 3 |",
            "| Delta Lab | 2.5 |",
            "| Alpha 2026 Q4 | Ana Silva | 1 | 1 October 2026 | 22 October 2026 | 21 |",
            "| Alpha training 2026 | 9 November – 18 December 2026 | 8 | **unassigned** |",
            "Ended: Gamma Lab (20 October 2026).",
        ] {
            assert!(text.contains(expected), "the {name} lacks {expected:?}:\n{text}");
        }
    }
    assert!(page.contains("[Beta Lab](engagements/beta-lab.md)"), "the page links the community");
    assert!(
        dashboard
            .contains("| [Since the last meeting](since-last-meeting.md), 16 October 2026 | 1 turned red"),
        "{dashboard}"
    );
}
