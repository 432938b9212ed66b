//! `initiatives`: which allocations become P&S initiative drafts (the window's edges), their due
//! dates, the exact body of one, an unassigned allocation, cell text that must stay literal on
//! GitHub, the JSON of the sample data, and the `--out` folder.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::support::*;

/// Writes `data` into a fresh folder and returns it.
fn data_folder(name: &str, data: &Data) -> PathBuf {
    let folder = temp_folder(name);
    for (file, text) in &data.files {
        std::fs::write(folder.join(file), text).unwrap();
    }
    folder
}

/// `ces-report initiatives DATA ARGS…`, which must succeed; its stdout.
fn initiatives(data: &Path, args: &[&str]) -> String {
    let mut all = vec!["initiatives", data.to_str().unwrap()];
    all.extend_from_slice(args);
    let output = ces_report(&all);
    assert!(output.status.success(), "initiatives failed:\n{}", text(&output.stderr));
    text(&output.stdout)
}

/// The JSON drafts of `data` as of `as_of`.
fn drafts_as_of(data: &Path, as_of: &str) -> Value {
    serde_json::from_str(&initiatives(data, &["--as-of", as_of, "--format", "json"])).expect("valid JSON")
}

/// The initiatives of a JSON answer.
fn list(drafts: &Value) -> &Vec<Value> {
    drafts["initiatives"].as_array().unwrap()
}

fn titles_of(drafts: &Value) -> Vec<String> {
    list(drafts).iter().map(|i| i["title"].as_str().unwrap().to_string()).collect()
}

/// The one initiative drafted for the allocation called `name`.
fn initiative<'a>(drafts: &'a Value, name: &str) -> &'a Value {
    list(drafts)
        .iter()
        .find(|i| i["allocation"]["name"] == name)
        .unwrap_or_else(|| panic!("no initiative for {name}"))
}

#[test]
fn allocations_starting_27_or_28_days_ahead_are_drafted_29_is_not() {
    // As of Monday 4 January 2027: Alpha 2026 Q4 ended on 31 December and is not drafted.
    let data = Data::baseline().add(
        "allocations.csv",
        "Today,Alpha hub,1/4/2027,3/31/2027,5,Ana Silva
In 27 days,Alpha hub,1/31/2027,3/31/2027,5,Ana Silva
In 28 days,Alpha hub,2/1/2027,3/31/2027,5,Ana Silva
In 29 days,Alpha hub,2/2/2027,3/31/2027,5,Ana Silva
Yesterday,Alpha hub,1/3/2027,3/31/2027,5,Ana Silva
",
    );
    let folder = data_folder("initiatives-window", &data);
    let drafts = drafts_as_of(&folder, "2027-01-04");
    let drafted: Vec<(&str, &str)> = list(&drafts)
        .iter()
        .map(|i| (i["allocation"]["name"].as_str().unwrap(), i["stage"].as_str().unwrap()))
        .collect();
    assert_eq!(
        drafted,
        [
            ("Yesterday", "active"),
            // Starting on the as-of date is active, not upcoming (`figures::reminders::upcoming`
            // counts from the day after).
            ("Today", "active"),
            ("In 27 days", "upcoming"),
            ("In 28 days", "upcoming"),
        ]
    );
    // The window is the `windows.upcoming_days` setting: with 29 days the last one is in too.
    let settings = folder.join("settings.toml");
    std::fs::write(&settings, "[windows]\nupcoming_days = 29\n").unwrap();
    assert_eq!(list(&drafts_as_of(&folder, "2027-01-04")).len(), 5);
}

#[test]
fn used_up_and_completed_allocations_are_not_drafted() {
    // Alpha 2026 Q4 has 4 h logged by 20 October: with 4 h available it is used up.
    let data = Data::baseline().with(
        "allocations.csv",
        "Allocation name,Project,Allocation start date,Allocation end date,Hours available,Allocation provider
Alpha 2026 Q4,Alpha hub,10/1/2026,12/31/2026,4,Ana Silva
",
    );
    let folder = data_folder("initiatives-used-up", &data);
    assert_eq!(list(&drafts_as_of(&folder, "2026-10-19")).len(), 1, "2 h of 4 h used: still active");
    assert_eq!(list(&drafts_as_of(&folder, "2026-10-20")).len(), 0, "4 h of 4 h used: completed");
    assert_eq!(list(&drafts_as_of(&folder, "2027-01-01")).len(), 0, "ended");
}

#[test]
fn due_dates_of_a_quarter_a_month_and_less_than_an_iteration() {
    // The baseline's Alpha 2026 Q4 is the quarter.
    let data = Data::baseline().add(
        "allocations.csv",
        "Month,Alpha hub,11/1/2026,11/30/2026,4,Ana Silva
Ten days,Alpha hub,11/2/2026,11/11/2026,2,Ana Silva
",
    );
    let folder = data_folder("initiatives-due", &data);
    let drafts = drafts_as_of(&folder, "2026-10-15");
    let due = |name: &str| {
        let due = &initiative(&drafts, name)["due"];
        ["refinement", "introduction_email", "reporting_from", "reporting"]
            .map(|key| due[key].as_str().unwrap().to_string())
    };
    // Thursday 1 October to Thursday 31 December: refinement 1 + 13, introduction 1 + 6,
    // the last iteration from 31 − 13, reporting on the end date.
    assert_eq!(due("Alpha 2026 Q4"), ["2026-10-14", "2026-10-07", "2026-12-18", "2026-12-31"]);
    // Sunday 1 to Monday 30 November: 1 + 13 and 1 + 6 are Saturdays, so the Fridays before.
    assert_eq!(due("Month"), ["2026-11-13", "2026-11-06", "2026-11-17", "2026-11-30"]);
    // Monday 2 to Wednesday 11 November: 2 + 6 is a Sunday, so Friday 6; refinement is clipped
    // to the end; the whole window is the last iteration.
    assert_eq!(due("Ten days"), ["2026-11-11", "2026-11-06", "2026-11-02", "2026-11-11"]);
    // A holiday moves a due date back to the working day before.
    std::fs::write(folder.join("settings.toml"), "holidays = [2026-12-31]\n").unwrap();
    assert_eq!(due_of(&folder, "Alpha 2026 Q4"), "2026-12-30");
}

fn due_of(folder: &Path, name: &str) -> String {
    let drafts = drafts_as_of(folder, "2026-10-15");
    initiative(&drafts, name)["due"]["reporting"].as_str().unwrap().to_string()
}

/// Alpha Lab with a described project and every kind of contact.
fn described() -> Data {
    Data::baseline()
        .with(
            "projects.csv",
            "Project name,Engagement,Project start date,Project end date,Project description,Capacity
Alpha Lab Hub support,Alpha 2026 Premier,1/1/2026,12/31/2027,\"Hub support and training
Keep the lab's shared environment healthy.
Outcome: researchers start working in under two minutes.\",Up to 12 hours / quarter
",
        )
        .with(
            "allocations.csv",
            "Allocation name,Project,Allocation start date,Allocation end date,Hours available,Allocation provider
Alpha 2026 Q4,Alpha Lab Hub support,10/1/2026,12/31/2026,12,Ana Silva
Alpha 2027 Q1,Alpha Lab Hub support,1/1/2027,3/31/2027,12.5,
",
        )
        .with(
            "contacts.csv",
            "Name,Email,Engagement,Role
Tess Tech,tess@alpha.example.org,Alpha 2026 Premier,Technical
Ada Admin,ada@alpha.example.org,Alpha 2026 Premier,Administrative
Bill Payer,bill@alpha.example.org,Alpha 2026 Premier,Billing
",
        )
}

const EXPECTED_BODY: &str = "Up to **12 hours** of 2i2c's capacity for **Alpha Lab**, from **2026-10-01** to **2026-12-31**.

| | |
| --- | --- |
| Community | Alpha Lab |
| Project | Hub support |
| Allocation | Alpha 2026 Q4 |
| Allocation provider | Ana Silva |

## Objectives and outcome

**Hub support and training**

Keep the lab\\'s shared environment healthy\\.\\
Outcome\\: researchers start working in under two minutes\\.

Statement of Work: Up to 12 hours \\/ quarter

## Tasks

Iterations are two weeks. Each task is an issue of its own with this initiative as its parent.

- [ ] **Refinement**, due 2026-10-14 (end of the first iteration): get to know the project and create the issues needed throughout the allocation period.
- [ ] **Introduction email**, due 2026-10-07 (end of the first week): email the Technical contact (1 in Airtable), introducing yourself and reminding the community that it has up to 12 hours of 2i2c's capacity from 2026-10-01 to 2026-12-31.
- Each iteration, as needed: one issue per unit of work with the community (a meeting, a technical feature), with a due date and points. Log the hours in Airtable every two weeks.
- [ ] **Reporting and Request for Feedback**, due 2026-12-31 (the last iteration, from 2026-12-18): check that every hour is logged in Airtable, then email the community the report with a request for feedback.

_Drafted by ces-report from the Airtable exports. Scripts find this initiative by its title: keep the title as it is._
";

#[test]
fn the_body_of_one_initiative_exactly() {
    let folder = data_folder("initiatives-body", &described());
    let drafts = drafts_as_of(&folder, "2026-09-20");
    assert_eq!(titles_of(&drafts), ["[CES] Alpha Lab · Hub support · 2026-10-01 – 2026-12-31"]);
    let alpha = initiative(&drafts, "Alpha 2026 Q4");
    assert_eq!(alpha["body"].as_str().unwrap(), EXPECTED_BODY);
    assert_eq!(alpha["labels"], serde_json::json!(["initiative", "alpha-lab"]));
    assert_eq!(alpha["stage"], "upcoming");
    assert_eq!(alpha["file"], "ces-alpha-lab-hub-support-2026-10-01-2026-12-31.md");
    assert_eq!(
        alpha["allocation"],
        serde_json::json!({
            "name": "Alpha 2026 Q4",
            "project": "Alpha Lab Hub support",
            "engagement": "Alpha 2026 Premier",
            "community": "Alpha Lab",
            "start": "2026-10-01",
            "end": "2026-12-31",
            "hours_available": 12.0,
            "provider": "Ana Silva"
        })
    );
    // The Markdown preview: the title as a heading, then the same body.
    let markdown = initiatives(&folder, &["--as-of", "2026-09-20"]);
    assert_eq!(
        markdown,
        format!("# \\[CES\\] Alpha Lab · Hub support · 2026\\-10\\-01 – 2026\\-12\\-31\n\n{EXPECTED_BODY}")
    );
}

#[test]
fn an_unassigned_allocation_is_labelled_and_worded_as_such() {
    let folder = data_folder("initiatives-unassigned", &described());
    let drafts = drafts_as_of(&folder, "2026-12-10");
    let assigned = initiative(&drafts, "Alpha 2026 Q4");
    let unassigned = initiative(&drafts, "Alpha 2027 Q1");
    assert_eq!(unassigned["labels"], serde_json::json!(["initiative", "alpha-lab", "no-provider"]));
    assert_eq!(unassigned["allocation"]["provider"], Value::Null);
    let body = unassigned["body"].as_str().unwrap();
    assert!(body.starts_with("Up to **12.5 hours** of 2i2c's capacity for **Alpha Lab**"), "{body}");
    assert!(body.contains("| Allocation provider | **no provider assigned** |\n"), "{body}");
    assert!(
        body.contains(
            "\n\n**No provider assigned.** P&S Area Leads: assign an allocation provider, balancing capacity and capability across the team, before this initiative moves to “P&S Initiatives in flight”.\n\n"
        ),
        "{body}"
    );
    let assigned_body = assigned["body"].as_str().unwrap();
    assert!(!assigned_body.to_lowercase().contains("no provider"), "{assigned_body}");
    assert!(!assigned["labels"].as_array().unwrap().contains(&Value::from("no-provider")));
}

#[test]
fn no_contact_names_and_no_billing_anywhere() {
    let folder = data_folder("initiatives-contacts", &described());
    let json = initiatives(&folder, &["--as-of", "2026-12-10", "--format", "json"]);
    let markdown = initiatives(&folder, &["--as-of", "2026-12-10"]);
    for output in [&json, &markdown] {
        for private in ["Bill Payer", "bill@", "Tess Tech", "tess@", "Ada Admin", "ada@", "Billing"] {
            assert!(!output.contains(private), "{private} in\n{output}");
        }
    }
    // Two Technical contacts are counted, never named.
    let two = described()
        .add("contacts.csv", "Theo Tech,theo@alpha.example.org,Alpha 2026 Premier,\"Technical,Billing\"\n");
    let folder = data_folder("initiatives-two-contacts", &two);
    let body = initiative(&drafts_as_of(&folder, "2026-12-10"), "Alpha 2027 Q1")["body"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(body.contains("email the Technical contacts (2 in Airtable), introducing yourself"), "{body}");
    assert!(!body.contains("Theo"), "{body}");
    // Without a Technical contact, the introduction task says who to ask.
    let folder = data_folder("initiatives-no-contacts", &described().without("contacts.csv"));
    let body = initiative(&drafts_as_of(&folder, "2026-12-10"), "Alpha 2027 Q1")["body"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(body.contains("email the Technical contacts, introducing yourself"), "{body}");
    assert!(
        body.contains("No Technical contact is recorded in Airtable yet: ask Delivery Enablement."),
        "{body}"
    );
}

#[test]
fn cell_text_reads_literally_on_github() {
    let hostile = "<script>alert(1)</script> [x](javascript:alert(1)) @org/team #12 `code` a|b";
    let data = Data::baseline()
        .with(
            "projects.csv",
            &format!(
                "Project name,Engagement,Project start date,Project end date,Project description,Capacity
Alpha hub,Alpha 2026 Premier,1/1/2026,12/31/2027,\"Title {hostile}
Outcome {hostile}\",Up to 12 hours / quarter
"
            ),
        )
        .with("activities.csv", "Allocation,Team member,Units,Start date\n")
        .with(
            "allocations.csv",
            &format!(
                "Allocation name,Project,Allocation start date,Allocation end date,Hours available,Allocation provider
\"Alpha {hostile}\",Alpha hub,10/1/2026,12/31/2026,12,\"@ana <b>\"
"
            ),
        );
    let folder = data_folder("initiatives-hostile", &data);
    let drafts = drafts_as_of(&folder, "2026-10-15");
    let alpha = &list(&drafts)[0];
    // JSON holds the text as typed.
    assert_eq!(alpha["allocation"]["name"], format!("Alpha {hostile}"));
    assert_eq!(alpha["allocation"]["provider"], "@ana <b>");
    let escaped = "\\<script\\>alert\\(1\\)\\<\\/script\\> \\[x\\]\\(javascript\\:alert\\(1\\)\\) \\@\u{2060}org\\/team \\#\u{2060}12 \\`code\\` a\\|b";
    let body = alpha["body"].as_str().unwrap();
    assert!(body.contains(&format!("| Allocation | Alpha {escaped} |\n")), "{body}");
    assert!(body.contains(&format!("**Title {escaped}**\n\nOutcome {escaped}\n")), "{body}");
    assert!(body.contains("| Allocation provider | \\@\u{2060}ana \\<b\\> |\n"), "{body}");
    // With every backslash-escaped character taken out, no markup, mention or reference is left.
    let unescaped = without_escaped_characters(body);
    for raw in ["<", "](", "@", "#1", "`"] {
        assert!(!unescaped.contains(raw), "{raw} reached the body:\n{body}");
    }
}

/// `text` with each backslash escape (`\<`) replaced by `·`.
fn without_escaped_characters(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                chars.next();
                out.push('·');
            }
            c => out.push(c),
        }
    }
    out
}

#[test]
fn the_sample_data_parses_with_unique_titles_the_same_on_every_run() {
    let sample = root().join("sample-data");
    let first = initiatives(&sample, &["--as-of", "2026-10-31", "--format", "json"]);
    let second = initiatives(&sample, &["--as-of", "2026-10-31", "--format", "json"]);
    assert_eq!(first, second, "byte-identical from run to run");
    let drafts: Value = serde_json::from_str(&first).unwrap();
    assert_eq!(drafts["as_of"], "2026-10-31");
    let titles = titles_of(&drafts);
    assert_eq!(titles.len(), 13);
    assert_eq!(titles.iter().collect::<BTreeSet<_>>().len(), titles.len(), "titles are unique");
    let files: BTreeSet<&str> = list(&drafts).iter().map(|i| i["file"].as_str().unwrap()).collect();
    assert_eq!(files.len(), titles.len(), "file names are unique");
    assert!(titles.contains(
        &"[CES] Río Claro Data & Society · Open data clinics · 2026-10-01 – 2026-12-31".to_string()
    ));
    // The two allocations starting soon, as in the summary's "Starting soon"; Lumen's has no provider.
    let upcoming: Vec<(&str, bool)> = list(&drafts)
        .iter()
        .filter(|i| i["stage"] == "upcoming")
        .map(|i| {
            (
                i["allocation"]["name"].as_str().unwrap(),
                i["labels"].as_array().unwrap().contains(&Value::from("no-provider")),
            )
        })
        .collect();
    assert_eq!(
        upcoming,
        [
            ("Lumen Public Library Network — Data storytelling workshops 2026–27", true),
            ("Cedar Ridge Tribal College — Summer bridge program prep 2026–27", false),
        ]
    );
    // A title does not depend on the date: an allocation drafted a month later keeps it.
    let later = drafts_as_of(&sample, "2026-11-30");
    let by_name = |drafts: &Value| -> std::collections::BTreeMap<String, String> {
        list(drafts)
            .iter()
            .map(|i| {
                (
                    i["allocation"]["name"].as_str().unwrap().to_string(),
                    i["title"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    let (now, then) = (by_name(&drafts), by_name(&later));
    let both: Vec<&String> = now.keys().filter(|name| then.contains_key(*name)).collect();
    assert!(both.len() >= 5, "the two dates share allocations");
    for name in both {
        assert_eq!(now[name], then[name]);
    }
}

#[test]
fn allocations_of_one_project_and_window_get_titles_naming_them() {
    let data = Data::baseline().add(
        "allocations.csv",
        "Alpha 2026 Q4 extra,Alpha hub,10/1/2026,12/31/2026,4,Ben Okafor
Alpha 2027 Q1,Alpha hub,1/1/2027,3/31/2027,12,Ana Silva
",
    );
    let folder = data_folder("initiatives-clash", &data);
    // As of 31 December only the Q4 pair is drafted; Q1 starts tomorrow.
    assert_eq!(
        titles_of(&drafts_as_of(&folder, "2026-12-30")),
        [
            "[CES] Alpha Lab · Alpha hub · 2026-10-01 – 2026-12-31 · Alpha 2026 Q4",
            "[CES] Alpha Lab · Alpha hub · 2026-10-01 – 2026-12-31 · Alpha 2026 Q4 extra",
            "[CES] Alpha Lab · Alpha hub · 2027-01-01 – 2027-03-31",
        ]
    );
}

#[test]
fn out_writes_one_body_per_initiative_and_the_json() {
    let folder = temp_folder("initiatives-out");
    let out = folder.join("drafts");
    let sample = root().join("sample-data");
    let output = ces_report(&[
        "initiatives",
        sample.to_str().unwrap(),
        "--as-of",
        "2026-10-31",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_eq!(
        text(&output.stderr),
        format!("wrote 13 initiatives to {} (as of 2026-10-31)\n", out.display())
    );
    assert!(output.stdout.is_empty());
    let json = std::fs::read_to_string(out.join("initiatives.json")).unwrap();
    assert_eq!(
        json,
        initiatives(&sample, &["--as-of", "2026-10-31", "--format", "json"]),
        "the same JSON as printed"
    );
    let drafts: Value = serde_json::from_str(&json).unwrap();
    for initiative in list(&drafts) {
        let body = std::fs::read_to_string(out.join(initiative["file"].as_str().unwrap())).unwrap();
        assert_eq!(body, initiative["body"].as_str().unwrap());
    }
    // A later run replaces what the tool wrote: allocations no longer drafted lose their file.
    let output = ces_report(&[
        "initiatives",
        sample.to_str().unwrap(),
        "--as-of",
        "2027-06-30",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let later: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("initiatives.json")).unwrap()).unwrap();
    let expected: BTreeSet<String> = list(&later)
        .iter()
        .map(|i| i["file"].as_str().unwrap().to_string())
        .chain(["initiatives.json", ".ces-report-files", ".ces-report-kind"].map(String::from))
        .collect();
    let written: BTreeSet<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    assert_eq!(written, expected);
    // A folder the tool did not write is refused and left as it was.
    let foreign = folder.join("notes");
    std::fs::create_dir_all(&foreign).unwrap();
    std::fs::write(foreign.join("todo.md"), "mine").unwrap();
    let output = ces_report(&["initiatives", sample.to_str().unwrap(), "--out", foreign.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        text(&output.stderr).contains("is not empty and was not written by ces-report"),
        "{}",
        text(&output.stderr)
    );
    assert_eq!(std::fs::read_to_string(foreign.join("todo.md")).unwrap(), "mine");
}

#[test]
fn the_body_template_can_be_copied_out_and_overridden() {
    let folder = temp_folder("initiatives-templates");
    let templates = folder.join("templates");
    let output = ces_report(&["templates", templates.to_str().unwrap()]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let body = std::fs::read_to_string(templates.join("initiative.md.j2")).unwrap();
    assert!(templates.join("initiative-title.txt.j2").exists());
    std::fs::write(templates.join("initiative.md.j2"), body.replace("## Tasks", "## Checklist")).unwrap();
    let data = data_folder("initiatives-templates-data", &described());
    let drafts: Value = serde_json::from_str(&initiatives(
        &data,
        &["--as-of", "2026-09-20", "--format", "json", "--templates", templates.to_str().unwrap()],
    ))
    .unwrap();
    assert_eq!(list(&drafts)[0]["body"], EXPECTED_BODY.replace("## Tasks", "## Checklist"));
}

#[test]
fn bad_arguments_are_usage_errors() {
    let output = ces_report(&["initiatives", "sample-data", "--as-of", "2026-02-30"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).starts_with(
        "error: invalid value '2026-02-30' for '--as-of <DATE>': expected a date such as 2026-10-31\n"
    ));
    let output = ces_report(&["initiatives", "sample-data", "--format", "json", "--out", "x"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        text(&output.stderr).contains("'--format <FORMAT>' cannot be used with '--out <DIR>'")
            || text(&output.stderr).contains("'--out <DIR>' cannot be used with '--format <FORMAT>'")
    );
    // Nothing to draft: an empty preview and a note on stderr, or an empty list in JSON.
    let output = ces_report(&["initiatives", "sample-data", "--as-of", "2031-01-01"]);
    assert_eq!(output.status.code(), Some(0));
    assert!(output.stdout.is_empty());
    assert_eq!(
        text(&output.stderr),
        "no allocation is active on 2031-01-01 or starts within 28 days of it\n"
    );
    let empty: Value = serde_json::from_str(&initiatives(
        Path::new("sample-data"),
        &["--as-of", "2031-01-01", "--format", "json"],
    ))
    .unwrap();
    assert_eq!(empty["initiatives"], serde_json::json!([]));
}

#[test]
fn a_title_template_that_cannot_tell_two_allocations_apart_is_an_error() {
    let templates = temp_folder("initiatives-title-template");
    std::fs::write(templates.join("initiative-title.txt.j2"), "[CES] {{ community }}\n").unwrap();
    let folder = data_folder(
        "initiatives-title-template-data",
        &Data::baseline().add("allocations.csv", "Alpha 2027 Q1,Alpha hub,1/1/2027,3/31/2027,12,Ana Silva\n"),
    );
    let output = ces_report(&[
        "initiatives",
        folder.to_str().unwrap(),
        "--as-of",
        "2026-10-15",
        "--templates",
        templates.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        text(&output.stderr),
        "error: the template initiative-title.txt.j2 gives two initiatives the title \"[CES] Alpha Lab\": when `clash` is true it must name the allocation\n"
    );
    assert!(output.stdout.is_empty());
}
