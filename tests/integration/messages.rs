//! The exact text of every input error and warning: these are what an operator acts on.

use crate::support::{id, report_lines, temp_folder, Data, ACTIVITIES, ENGAGEMENTS, PROJECTS};

fn single(lines: Vec<String>) -> String {
    assert_eq!(lines.len(), 1, "expected one message, got {lines:#?}");
    lines.into_iter().next().unwrap()
}

#[test]
fn baseline_is_clean() {
    let (dataset, diagnostics) = Data::baseline().read();
    assert_eq!(dataset.activities.len(), 2);
    assert!(diagnostics.all().is_empty(), "{:?}", diagnostics.all());
}

#[test]
fn missing_required_columns_are_named_together() {
    let data = Data::baseline().with("allocations.csv", "Allocation name,Project\nA,Alpha hub\n");
    assert_eq!(
        data.errors()[0],
        "error: allocations.csv:1: missing required columns \"Allocation start date\", \"Allocation end date\", \"Hours available\": expected them in the header row"
    );
}

#[test]
fn missing_required_file() {
    let data = Data::baseline().without("activities.csv");
    assert_eq!(
        single(data.errors()),
        "error: activities.csv: missing file: expected this table's CSV export in the data folder"
    );
}

#[test]
fn headers_match_in_any_case_order_and_spacing() {
    let data = Data::baseline().with(
        "allocations.csv",
        " hours AVAILABLE ,allocation name,PROJECT, Allocation End Date,allocation start date\n\"1,100\",Alpha 2026 Q4,Alpha hub,12/31/2026,10/1/2026\n",
    );
    let (dataset, _) = data.read();
    assert_eq!(dataset.allocations[id(0)].available, ces_report::hours::Hours::whole(1100));
}

#[test]
fn unreadable_date() {
    let data = Data::baseline().add("activities.csv", "Alpha 2026 Q4,Ana Silva,1,Call,next week,,\n");
    assert_eq!(
        single(data.errors()),
        "error: activities.csv:4: column \"Start date\": value \"next week\": expected a date such as 2025-01-31, 1/31/2025 or January 31, 2025"
    );
}

#[test]
fn impossible_date_is_an_error_not_a_guess() {
    let data = Data::baseline().add("activities.csv", "Alpha 2026 Q4,Ana Silva,1,Call,2/30/2026,,\n");
    assert_eq!(
        single(data.errors()),
        "error: activities.csv:4: column \"Start date\": value \"2/30/2026\": expected a date such as 2025-01-31, 1/31/2025 or January 31, 2025"
    );
}

#[test]
fn unreadable_number() {
    let data = Data::baseline().add("activities.csv", "Alpha 2026 Q4,Ana Silva,\"2,5\",Call,10/6/2026,,\n");
    assert_eq!(
        single(data.errors()),
        "error: activities.csv:4: column \"Units\": value \"2,5\": expected a number such as 2, 2.5 or 1,100"
    );
}

#[test]
fn end_before_start() {
    let data =
        Data::baseline().add("activities.csv", "Alpha 2026 Q4,Ana Silva,1,Call,10/6/2026,10/2/2026,\n");
    assert_eq!(
        single(data.errors()),
        "error: activities.csv:4: column \"End date\": value \"10/2/2026\": expected a date on or after the start date 2026-10-06"
    );
}

#[test]
fn hours_available_must_be_positive() {
    let data =
        Data::baseline().add("allocations.csv", "Alpha 2027 Q1,Alpha hub,1/1/2027,3/31/2027,0,Ana Silva\n");
    assert_eq!(
        single(data.errors()),
        "error: allocations.csv:3: column \"Hours available\": value \"0\": expected a number of hours above 0"
    );
}

#[test]
fn negative_units() {
    let data = Data::baseline().add("activities.csv", "Alpha 2026 Q4,Ana Silva,-1,Correction,10/6/2026,,\n");
    assert_eq!(
        single(data.errors()),
        "error: activities.csv:4: column \"Units\": value \"-1\": expected units of 0 or more"
    );
}

#[test]
fn empty_required_field() {
    let data = Data::baseline().add("activities.csv", "Alpha 2026 Q4,,1,Call,10/6/2026,,\n");
    assert_eq!(
        single(data.errors()),
        "error: activities.csv:4: column \"Team member\": value \"\": expected a value; this field is required"
    );
}

#[test]
fn duplicate_names_in_linked_tables() {
    let engagements = Data::baseline()
        .add("engagements.csv", "Alpha 2026 Premier,Alpha Lab,1/1/2026,12/31/2027,Again,Active,rec2\n");
    assert_eq!(
        single(engagements.errors()),
        "error: engagements.csv:4: column \"Engagement name\": value \"Alpha 2026 Premier\": expected a unique name; line 2 already uses it"
    );
    let projects = Data::baseline().add("projects.csv", "Alpha hub,Alpha 2026 Premier,,,,\n");
    assert_eq!(
        single(projects.errors()),
        "error: projects.csv:3: column \"Project name\": value \"Alpha hub\": expected a unique name; line 2 already uses it"
    );
    let allocations =
        Data::baseline().add("allocations.csv", "Alpha 2026 Q4,Alpha hub,1/1/2027,3/31/2027,4,\n");
    assert_eq!(
        single(allocations.errors()),
        "error: allocations.csv:3: column \"Allocation name\": value \"Alpha 2026 Q4\": expected a unique name; line 2 already uses it"
    );
}

#[test]
fn broken_links_each_name_the_missing_record() {
    let data = Data::baseline()
        .add("projects.csv", "Beta hub,Beta 2026,,,,\n")
        .add("allocations.csv", "Gamma Q1,Gamma hub,1/1/2027,3/31/2027,4,\n")
        .add(
            "activities.csv",
            "Delta Q1,Ana Silva,1,Call,10/6/2026,,\nDelta Q1,Ana Silva,1,Call,10/7/2026,,\n",
        );
    assert_eq!(
        data.errors(),
        [
            "error: projects.csv:3: column \"Engagement\": value \"Beta 2026\": expected the name of an existing engagement; none has this name",
            "error: allocations.csv:3: column \"Project\": value \"Gamma hub\": expected the name of an existing project; none has this name",
            "error: activities.csv:4: column \"Allocation\": value \"Delta Q1\": expected the name of an existing allocation; none has this name",
            "error: activities.csv:5: column \"Allocation\": value \"Delta Q1\": expected the name of an existing allocation; none has this name",
        ]
    );
}

#[test]
fn an_activity_links_exactly_one_allocation() {
    let data = Data::baseline()
        .add("allocations.csv", "Alpha 2027 Q1,Alpha hub,1/1/2027,3/31/2027,4,Ana Silva\n")
        .add("activities.csv", "\"Alpha 2026 Q4,Alpha 2027 Q1\",Ana Silva,1,Call,10/6/2026,,\n");
    assert_eq!(
        single(data.errors()),
        "error: activities.csv:4: column \"Allocation\": value \"Alpha 2026 Q4,Alpha 2027 Q1\": expected exactly one allocation, found 2"
    );
}

#[test]
fn contacts_link_several_engagements_and_roles() {
    let contacts = "Name,Email,Engagement,Role\nRosa Diaz,rosa@example.org,\"Alpha 2026 Premier,Nowhere 2025\",\"Technical,Billing\"\nLee Park,lee@example.org,Alpha 2026 Premier,Treasurer\n";
    let data = Data::baseline().with("contacts.csv", contacts);
    assert_eq!(
        data.errors(),
        [
            "error: contacts.csv:3: column \"Role\": value \"Treasurer\": unknown role \"Treasurer\": expected Administrative, Technical or Billing",
        ]
    );
    let fixed = Data::baseline().with("contacts.csv", &contacts.replace("Treasurer", "Administrative"));
    assert_eq!(
        fixed.errors(),
        ["error: contacts.csv:2: column \"Engagement\": value \"Nowhere 2025\": expected the name of an existing engagement; none has this name"]
    );
}

#[test]
fn invalid_utf8_is_reported_with_its_line() {
    let folder = temp_folder("latin1");
    for (name, text) in &Data::baseline().files {
        std::fs::write(folder.join(name), text).unwrap();
    }
    let mut latin1 = ACTIVITIES.as_bytes().to_vec();
    latin1.extend_from_slice(b"Alpha 2026 Q4,Ana Silva,1,Caf\xe9,10/6/2026,,\n");
    std::fs::write(folder.join("activities.csv"), latin1).unwrap();
    let settings = ces_report::settings::Settings::default();
    let error = ces_report::read_dataset(&ces_report::load::Folder(&folder), &settings).unwrap_err();
    assert_eq!(
        report_lines(&error),
        ["error: activities.csv:4: expected UTF-8 text (save the export as UTF-8)"]
    );
    std::fs::remove_dir_all(folder).unwrap();
}

#[test]
fn all_problems_are_reported_in_one_run() {
    let data =
        Data::baseline().add("allocations.csv", "Alpha 2027 Q1,Alpha hub,1/1/2027,3/31/2027,lots,\n").add(
            "activities.csv",
            "Alpha 2026 Q4,Ana Silva,x,Call,10/6/2026,,\nAlpha 2026 Q4,Ana Silva,1,Call,10/40/2026,,\n",
        );
    assert_eq!(data.errors().len(), 3);
}

#[test]
fn warnings_for_dates_that_need_a_look() {
    let engagements = ENGAGEMENTS.replace("12/31/2027", "12/15/2026");
    let projects = PROJECTS.replace("12/31/2027", "12/15/2026");
    let data = Data::baseline()
        .with("engagements.csv", &engagements)
        .with("projects.csv", &projects)
        .add("allocations.csv", "Alpha 2026 Dec,Alpha hub,12/1/2026,12/15/2026,4,Ben Okafor\n")
        .add("activities.csv", "Alpha 2026 Q4,Ana Silva,1,Late entry,10/7/2026,,10/22/2026 8:00am\nAlpha 2026 Q4,Ana Silva,1,Wrap-up,12/18/2026,,\n");
    assert_eq!(
        data.warnings(),
        [
            "warning: activities.csv:4: column \"Created\": value \"2026-10-22\": logged 15 days after the activity ended on 2026-10-07; expected within 14 days",
            "warning: activities.csv:5: column \"Start date\": value \"2026-12-18\": activity is after the end of engagement \"Alpha 2026 Premier\" on 2026-12-15",
            "warning: allocations.csv:3: column \"Allocation start date\": value \"2026-12-01\": overlaps allocation \"Alpha 2026 Q4\" (2026-10-01 to 2026-12-31) of the same project \"Alpha hub\"",
        ]
    );
    let outside =
        Data::baseline().add("activities.csv", "Alpha 2026 Q4,Ana Silva,1,Early start,9/30/2026,,\n");
    assert_eq!(
        outside.warnings(),
        ["warning: activities.csv:4: column \"Start date\": value \"2026-09-30\": activity is outside its allocation \"Alpha 2026 Q4\" (2026-10-01 to 2026-12-31); it is counted but flagged"]
    );
}

#[test]
fn a_large_export_keeps_file_order_across_parallel_batches() {
    // 20,000 rows span several decoding batches and both parsing workers; every 3,001st row
    // is broken. Rows and messages must come out exactly as a sequential read gives them.
    let mut activities = String::from("Allocation,Team member,Units,Start date\n");
    let mut expected_errors = Vec::new();
    for index in 0..20_000 {
        let line = index + 2;
        if index % 3001 == 7 {
            activities.push_str("Alpha 2026 Q4,Ana Silva,many,10/5/2026\n");
            expected_errors.push(format!(
                "error: activities.csv:{line}: column \"Units\": value \"many\": expected a number such as 2, 2.5 or 1,100"
            ));
        } else {
            activities.push_str(&format!("Alpha 2026 Q4,Member {},{},10/5/2026\n", index % 37, index % 5));
        }
    }
    let data = Data::baseline().with("activities.csv", &activities);
    assert_eq!(data.errors(), expected_errors);

    let clean = activities.replace(",many,", ",1,");
    let (dataset, _) = Data::baseline().with("activities.csv", &clean).read();
    let members: Vec<&str> = dataset.activities.iter().map(|a| dataset.team_member(a.team_member)).collect();
    let expected: Vec<String> = (0..20_000).map(|index| format!("Member {}", index % 37)).collect();
    let broken_rows = (0..20_000).filter(|index| index % 3001 == 7);
    for index in broken_rows {
        assert_eq!(dataset.activities[id(index)].units, ces_report::hours::Hours::whole(1));
    }
    assert_eq!(members.len(), 20_000);
    for (index, member) in members.iter().enumerate() {
        if index % 3001 != 7 {
            assert_eq!(*member, expected[index], "row {index}");
        }
    }
    let lines: Vec<u32> = dataset.activities.iter().map(|a| a.line).collect();
    assert_eq!(lines, (2..20_002).collect::<Vec<u32>>());
}

#[test]
fn an_email_cell_holds_exactly_one_address() {
    let contacts = "Name,Email,Engagement,Role\n\
        Rosa Diaz,\"rosa@example.org\nBcc: someone@else.org\",Alpha 2026 Premier,Technical\n\
        Lee Park,\"lee@example.org, kim@example.org\",Alpha 2026 Premier,Technical\n\
        Kim Ode,kim at example,Alpha 2026 Premier,Technical\n\
        Ana Silva, ana@example.org ,Alpha 2026 Premier,Technical\n";
    let data = Data::baseline().with("contacts.csv", contacts);
    assert_eq!(
        data.errors(),
        [
            "error: contacts.csv:2: column \"Email\": value \"rosa@example.org\\nBcc: someone@else.org\": expected one email address on one line, such as name@example.org",
            "error: contacts.csv:4: column \"Email\": value \"lee@example.org, kim@example.org\": expected one email address such as name@example.org, not several: give each person a row of their own",
            "error: contacts.csv:5: column \"Email\": value \"kim at example\": expected an email address such as name@example.org",
        ]
    );
}

#[test]
fn control_characters_are_replaced_and_named() {
    let data = Data::baseline().add(
        "activities.csv",
        "Alpha 2026 Q4,Ana Silva,1,\"Clear \u{1b}[2J screen\u{0}\",10/6/2026,,\nAlpha 2026 Q4,Ana Silva,1,Right\u{202e}to left,10/7/2026,,\n",
    );
    let (dataset, diagnostics) = data.read();
    let lines: Vec<String> = diagnostics.all().iter().map(|d| d.report_line()).collect();
    assert_eq!(
        lines,
        [
            "warning: activities.csv:4: column \"Description\": value \"Clear \\u{1b}[2J screen\\u{0}\": contains the invisible control character U+001B; every report shows it as U+FFFD (\u{fffd})",
            "warning: activities.csv:5: column \"Description\": value \"Right\\u{202e}to left\": contains the invisible control character U+202E; every report shows it as U+FFFD (\u{fffd})",
        ]
    );
    assert_eq!(dataset.activities[id(2)].description(), "Clear \u{fffd}[2J screen\u{fffd}");
}

#[test]
fn a_long_value_is_cut_in_the_message() {
    let long = "9".repeat(5_000);
    let data = Data::baseline()
        .add("activities.csv", &format!("Alpha 2026 Q4,Ana Silva,1x{long},Call,10/6/2026,,\n"));
    let line = single(data.errors());
    assert!(line.len() < 300, "{line}");
    assert!(line.starts_with("error: activities.csv:4: column \"Units\": value \"1x999"), "{line}");
    assert!(line.contains("…\": expected a number"), "{line}");
}
