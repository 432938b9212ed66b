//! The exact text of every input error and warning: these are what an operator acts on.

use crate::support::{id, report_lines, temp_folder, Data, ACTIVITIES, ALLOCATIONS, ENGAGEMENTS, PROJECTS};

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
fn each_missing_column_is_named_with_the_headers_the_file_has() {
    let data =
        Data::baseline().with("allocations.csv", "Allocation name,Project,Record ID\nA,Alpha hub,rec1\n");
    assert_eq!(
        data.errors(),
        [
            "error: allocations.csv:1: missing column \"Allocation start date\": the header row has \"Allocation name\", \"Project\", \"Record ID\"; if a column under another header holds it, add to settings.toml: [columns.allocations] allocation_start_date = \"that header\"",
            "error: allocations.csv:1: missing column \"Allocation end date\": the header row has \"Allocation name\", \"Project\", \"Record ID\"; if a column under another header holds it, add to settings.toml: [columns.allocations] allocation_end_date = \"that header\"",
            "error: allocations.csv:1: missing column \"Hours available\": the header row has \"Allocation name\", \"Project\", \"Record ID\"; if a column under another header holds it, add to settings.toml: [columns.allocations] hours_available = \"that header\"",
        ]
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
        ["error: activities.csv:4: column \"Description\": value \"Caf\u{fffd}\": expected UTF-8 text (save the export as UTF-8)"]
    );
    std::fs::remove_dir_all(folder).unwrap();
}

#[test]
fn a_header_that_is_not_utf8_is_named_by_its_column() {
    let folder = temp_folder("latin1-header");
    for (name, text) in &Data::baseline().files {
        std::fs::write(folder.join(name), text).unwrap();
    }
    let header_end = ACTIVITIES.find('\n').unwrap();
    let mut latin1 = ACTIVITIES[..header_end].replace("Description", "Descripci\u{f3}n").into_bytes();
    let accent = latin1.iter().position(|byte| *byte == 0xc3).unwrap();
    latin1.splice(accent..accent + 2, [0xf3]);
    latin1.extend_from_slice(&ACTIVITIES.as_bytes()[header_end..]);
    std::fs::write(folder.join("activities.csv"), latin1).unwrap();
    let settings = ces_report::settings::Settings::default();
    let error = ces_report::read_dataset(&ces_report::load::Folder(&folder), &settings).unwrap_err();
    let column = ACTIVITIES[..header_end].split(',').position(|name| name == "Description").unwrap() + 1;
    assert_eq!(
        report_lines(&error),
        [format!(
            "error: activities.csv:1: column {column} \"Descripci\u{fffd}n\": expected UTF-8 text (save the export as UTF-8)"
        )]
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
        ["warning: activities.csv:4: column \"Start date\": value \"2026-09-30\": activity is outside its allocation \"Alpha 2026 Q4\" (2026-10-01 to 2026-12-31); its hours there do not draw on it"]
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

// Issue 10, part 1: field names as each organisation's base has them.

/// The service's own Airtable interface names the activity fields this way.
const INTERFACE_ACTIVITIES: &str = "Allocation,Team Member,Start Date,End Date,Hours,Activity,Created time
Alpha 2026 Q4,Ana Silva,10/5/2026,,2,Kick-off call,6/2/2025 9:14am
Alpha 2026 Q4,\"Okafor, Ben\",10/20/2026,,2,Image update,2026-10-21T09:12:00.000Z
";

fn settings(text: &str) -> ces_report::settings::Settings {
    ces_report::settings::Settings::parse(text).unwrap()
}

fn settings_error(text: &str) -> String {
    let checked = ces_report::settings::Settings::parse(text)
        .and_then(|settings| ces_report::load::check_column_names(&settings.columns));
    format!("{:#}", checked.unwrap_err())
}

#[test]
fn the_interface_field_names_are_built_in_synonyms() {
    let (dataset, diagnostics) = Data::baseline().with("activities.csv", INTERFACE_ACTIVITIES).read();
    assert!(diagnostics.all().is_empty(), "{:?}", diagnostics.all());
    let units: Vec<String> = dataset.activities.iter().map(|a| a.units.to_string()).collect();
    assert_eq!(units, ["2", "2"]);
    let second = dataset.activities.iter().nth(1).unwrap();
    assert_eq!(second.description(), "Image update");
    assert_eq!(dataset.team_member(second.team_member), "Okafor, Ben");
    assert_eq!(second.created, Some(crate::support::day("2026-10-21")));
}

#[test]
fn a_settings_column_map_names_any_header() {
    let activities = INTERFACE_ACTIVITIES.replace("Hours,Activity", "Hours spent,What was done");
    let data = Data::baseline().with("activities.csv", &activities);
    let map = settings("[columns.activities]\nunits = \"Hours spent\"\ndescription = \"What was done\"\n");
    let (dataset, _) = data.read_with(&map).unwrap();
    assert_eq!(dataset.activities.iter().next().unwrap().description(), "Kick-off call");
    let broken = data.add("activities.csv", "Alpha 2026 Q4,Ana Silva,10/6/2026,,two,Call,\n");
    let error = broken.read_with(&map).unwrap_err();
    assert_eq!(
        report_lines(&error),
        ["error: activities.csv:4: column \"Hours spent\": value \"two\": expected a number such as 2, 2.5 or 1,100"]
    );
}

#[test]
fn a_missing_column_suggests_the_closest_header_and_the_settings_line() {
    let activities = INTERFACE_ACTIVITIES.replace("Hours,", "Hours spent,");
    assert_eq!(
        Data::baseline().with("activities.csv", &activities).errors(),
        ["error: activities.csv:1: missing column \"Units\" (or \"Hours\"): the header row has \"Allocation\", \"Team Member\", \"Start Date\", \"End Date\", \"Hours spent\", \"Activity\", \"Created time\"; if \"Hours spent\" holds it, add to settings.toml: [columns.activities] units = \"Hours spent\""]
    );
    let map = settings("[columns.activities]\nunits = \"Hours Spent (h)\"\n");
    let error = Data::baseline().with("activities.csv", &activities).read_with(&map).unwrap_err();
    assert_eq!(
        report_lines(&error),
        ["error: activities.csv:1: missing column \"Hours Spent (h)\", which settings.toml names for \"Units\" ([columns.activities] units = \"Hours Spent (h)\"): the header row has \"Allocation\", \"Team Member\", \"Start Date\", \"End Date\", \"Hours spent\", \"Activity\", \"Created time\"; if \"Hours spent\" holds it, change that line to: [columns.activities] units = \"Hours spent\""]
    );
}

#[test]
fn the_column_map_names_known_tables_and_columns() {
    assert_eq!(
        settings_error("[columns.activity]\nunits = \"Hours\"\n"),
        "[columns.activity]: unknown table \"activity\": expected one of engagements, contacts, projects, allocations, activities, capacity, feedback"
    );
    assert_eq!(
        settings_error("[columns.activities]\nhours = \"Hours\"\n"),
        "[columns.activities] hours: unknown column \"hours\": expected one of allocation, team_member, units, start_date, description, end_date, created, public_description"
    );
    assert_eq!(
        settings_error("[columns.allocations]\nhours_available = \" \"\n"),
        "[columns.allocations] hours_available = \"\": expected the header of a column of allocations.csv"
    );
}

#[test]
fn a_column_given_twice_is_an_error() {
    let activities = ACTIVITIES
        .replace("Created", "Created,Units")
        .replace("3:00pm", "3:00pm,5")
        .replace("9:12am", "9:12am,5");
    assert_eq!(
        Data::baseline().with("activities.csv", &activities).errors(),
        ["error: activities.csv:1: columns 3 (\"Units\") and 8 (\"Units\") both name the column \"Units\": expected it once; delete or rename one"]
    );
    let engagements = ENGAGEMENTS.replace("Record ID", "community ");
    assert_eq!(
        Data::baseline().with("engagements.csv", &engagements).errors(),
        ["error: engagements.csv:1: columns 2 (\"Community\") and 7 (\"community\") both name the column \"Community\": expected it once; delete or rename one"]
    );
}

#[test]
fn linked_record_and_multi_select_cells_may_quote_their_values() {
    let allocations = ALLOCATIONS_WITH_QUOTED_PROVIDER;
    let contacts = "Name,Engagement,Role\nRosa Diaz,\"\"\"Alpha 2026 Premier\"\"\",\"\"\"Technical\"\", \"\"Billing\"\"\"\n";
    let data = Data::baseline().with("allocations.csv", allocations).with("contacts.csv", contacts);
    let (dataset, diagnostics) = data.read();
    assert!(diagnostics.all().is_empty(), "{:?}", diagnostics.all());
    let first_engagement = dataset.engagements.ids().next().unwrap();
    assert_eq!(dataset.allocations.iter().next().unwrap().provider.as_deref(), Some("Silva, Ana"));
    let contact = dataset.contacts.iter().next().unwrap();
    assert_eq!(contact.engagements, [first_engagement]);
    assert_eq!(contact.roles.len(), 2);
}

const ALLOCATIONS_WITH_QUOTED_PROVIDER: &str =
    "Allocation name,Project,Allocation start date,Allocation end date,Hours available,Allocation provider
Alpha 2026 Q4,\"\"\"Alpha hub\"\"\",10/1/2026,12/31/2026,12,\"\"\"Silva, Ana\"\"\"
";

// Issue 10, part 2: no silent row loss.

#[test]
fn a_stray_quote_that_swallows_rows_is_a_warning_naming_the_lines() {
    let rows = "Alpha 2026 Q4,Ana Silva,1,\"Fixed the login page,10/6/2026,,
Alpha 2026 Q4,Ana Silva,2,Image update,10/7/2026,,
Alpha 2026 Q4,Ben Okafor,1,Docs,10/8/2026,,
Alpha 2026 Q4,Ben Okafor,1,Wrote the 5\" screen note,10/9/2026,,
Alpha 2026 Q4,Ana Silva,1,Call,10/12/2026,,
";
    let data = Data::baseline().add("activities.csv", rows);
    let (dataset, diagnostics) = data.read();
    assert_eq!(dataset.activities.len(), 4, "three rows were swallowed into one cell");
    let lines: Vec<String> = diagnostics.all().iter().map(|d| d.report_line()).collect();
    assert_eq!(
        lines,
        ["warning: activities.csv:4: column \"Description\": value \"Fixed the login page,10/6/2026,,\\nAlpha 2026 Q4,Ana Silva,2,Image update,10/7/2026,,\\nAlpha 2026 Q4,Ben Okafor,1,Docs,10/8…\": this quoted cell runs over 4 lines, from line 4 to line 7, and lines in it look like rows of this table, which are then not read as rows: check for a stray quote (\") at the start of the cell, or a missing closing one"]
    );
}

#[test]
fn a_quote_never_closed_is_reported_where_it_opened() {
    let mut activities = ACTIVITIES.to_string();
    activities.push_str("Alpha 2026 Q4,Ana Silva,1,\"Call,10/6/2026,,\n");
    for day in 7..=30 {
        activities.push_str(&format!("Alpha 2026 Q4,Ana Silva,1,Call,10/{day}/2026,,\n"));
    }
    let error =
        Data::baseline().with("activities.csv", &activities).read_with(&Default::default()).unwrap_err();
    assert_eq!(
        report_lines(&error),
        [
            "warning: activities.csv:4: column \"Description\": value \"Call,10/6/2026,,\\nAlpha 2026 Q4,Ana Silva,1,Call,10/7/2026,,\\nAlpha 2026 Q4,Ana Silva,1,Call,10/8/2026,,\\nAlpha 2026 Q4,Ana…\": this quoted cell runs over 26 lines, from line 4 to line 29, and lines in it look like rows of this table, which are then not read as rows: check for a stray quote (\") at the start of the cell, or a missing closing one",
            "error: activities.csv:4: column \"Start date\": value \"\": expected a date; this field is required",
        ]
    );
}

#[test]
fn a_joined_row_and_a_huge_cell_are_warnings() {
    // Airtable's last column is the record id, which is not read: a row joined to the next
    // one by a deleted line break reads cleanly but for the extra cells.
    let joined = "Allocation,Team member,Units,Description,Start date,End date,Created,Record ID
Alpha 2026 Q4,Ana Silva,1,Call,10/6/2026,,,recAAlpha 2026 Q4,Ana Silva,2,Call,10/7/2026,,,recB
";
    assert_eq!(
        Data::baseline().with("activities.csv", joined).warnings(),
        ["warning: activities.csv:2: this row has 15 cells but the header row has 8; the cells after the 8th are not read: check for a missing line break or a stray comma"]
    );
    let huge = format!("Alpha 2026 Q4,Ana Silva,1,\"{}\",10/6/2026,,\n", "notes ".repeat(2_000));
    let warnings = Data::baseline().add("activities.csv", &huge).warnings();
    assert_eq!(
        warnings,
        [format!(
            "warning: activities.csv:4: column \"Description\": value \"{}…\": this cell holds 12,000 characters, more than the 10,000 a cell may sensibly hold: check for a stray quote (\") that merged rows into it",
            "notes ".repeat(20)
        )]
    );
    let tall = format!("Alpha 2026 Q4,Ana Silva,1,\"{}\",10/6/2026,,\n", "notes\n".repeat(2_000));
    let warnings = Data::baseline().add("activities.csv", &tall).warnings();
    assert!(
        warnings[0].ends_with("…\": this cell holds 12,000 characters on lines 4 to 2004, more than the 10,000 a cell may sensibly hold: check for a stray quote (\") that merged rows into it"),
        "{}",
        warnings[0]
    );
    let split = "Alpha 2026 Q4,Ana Silva,1,Ca\nll,10/6/2026,,\n";
    assert_eq!(
        Data::baseline().add("activities.csv", split).errors(),
        [
            "warning: activities.csv:4: this row has 4 cells but the header row has 7; the missing cells are read as empty: check for a line break that splits a row in two",
            "error: activities.csv:4: column \"Start date\": value \"\": expected a date; this field is required",
            "warning: activities.csv:5: this row has 4 cells but the header row has 7; the missing cells are read as empty: check for a line break that splits a row in two",
            "error: activities.csv:5: column \"Units\": value \"\": expected a number; this field is required",
            "error: activities.csv:5: column \"Start date\": value \"\": expected a date; this field is required",
        ]
    );
    let joined_to_header = ACTIVITIES.replacen("Created\n", "Created", 1);
    assert_eq!(
        Data::baseline().with("activities.csv", &joined_to_header).warnings(),
        ["warning: activities.csv:1: the header row holds \"2\", which looks like data, not a column name: check for a missing line break after the header row; the row joined to it is not read"]
    );
    let trailing_commas = "Alpha 2026 Q4,Ana Silva,1,Call,10/6/2026,,,,,\n";
    assert!(Data::baseline().add("activities.csv", trailing_commas).warnings().is_empty());
}

// Issue 10, part 3: absurd numbers and dates.

#[test]
fn a_date_beyond_the_horizon_is_an_error() {
    let data =
        Data::baseline().add("activities.csv", "Alpha 2026 Q4,Ana Silva,1,Call,10/6/2026,12/31/9999,\n");
    assert_eq!(
        single(data.errors()),
        "error: activities.csv:4: column \"End date\": value \"12/31/9999\": expected a date from 2000-01-01 to 2099-12-31; a year outside is taken as a typo"
    );
}

#[test]
fn a_400_digit_number_is_an_error() {
    let data = Data::baseline()
        .add("activities.csv", &format!("Alpha 2026 Q4,Ana Silva,{},Call,10/6/2026,,\n", "9".repeat(400)));
    let line = single(data.errors());
    assert!(line.starts_with("error: activities.csv:4: column \"Units\": value \"999"), "{line}");
    assert!(line.ends_with("9…\": expected at most 1,000,000 hours"), "{line}");
}

#[test]
fn every_setting_has_a_range() {
    let cases = [
        ("hours_per_fte_day = 1e-320", "hours_per_fte_day = 1e-320: expected hours from 1 to 24"),
        ("cost_per_hour = nan", "cost_per_hour = nan: expected a cost from 0 to 100,000"),
        ("cost_per_hour = inf", "cost_per_hour = inf: expected a cost from 0 to 100,000"),
        (
            "[windows]\nlate_logging_days = -5",
            "windows.late_logging_days = -5: expected a whole number of days from 0 to 3,650",
        ),
        (
            "[windows]\nquiet_days = 100000",
            "windows.quiet_days = 100000: expected a whole number of days from 0 to 3,650",
        ),
        (
            "[status]\npace_low_percent = 150",
            "status.pace_low_percent = 150: expected a percentage from 0 to 100",
        ),
        (
            "[status]\npace_high_percent = 50.5",
            "status.pace_high_percent = 50.5: expected a percentage from 100 to 1,000",
        ),
        (
            "[status]\nforecast_overrun_percent = -1",
            "status.forecast_overrun_percent = -1: expected a percentage from 0 to 1,000",
        ),
        (
            "[status]\nrenewal_window_days = 4000",
            "status.renewal_window_days = 4000: expected a whole number of days from 0 to 3,650",
        ),
        ("organisation = \"\"", "organisation = \"\": expected 1 to 100 characters on one line"),
        ("holidays = [9999-12-25]", "holiday `9999-12-25`: expected a date from 2000-01-01 to 2099-12-31"),
    ];
    for (text, expected) in cases {
        assert_eq!(settings_error(text), expected, "{text}");
    }
}

#[test]
fn overlap_check_is_fast_for_a_project_with_many_allocations() {
    // 35,000 one-day allocations in one project, none overlapping but the last: each is
    // checked against the earlier ones by binary search, not one by one (which took 10 s).
    let projects = format!("{PROJECTS}Beta hub,Alpha 2026 Premier,,,,\n");
    let mut allocations = ALLOCATIONS.to_string();
    let first = crate::support::day("2000-01-01");
    for index in 0..35_000u64 {
        let day = first + chrono::Days::new(index);
        allocations.push_str(&format!("B{index},Beta hub,{day},{day},1,\n"));
    }
    allocations.push_str("Late,Beta hub,2000-01-02,2000-01-02,1,\n");
    let started = std::time::Instant::now();
    let warnings =
        Data::baseline().with("projects.csv", &projects).with("allocations.csv", &allocations).warnings();
    assert_eq!(
        warnings,
        ["warning: allocations.csv:35003: column \"Allocation start date\": value \"2000-01-02\": overlaps allocation \"B1\" (2000-01-02 to 2000-01-02) of the same project \"Beta hub\""]
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(5), "{:?}", started.elapsed());
}

// Issue 10, part 4: messages that help.

#[test]
fn crlf_and_cr_only_line_endings_count_lines() {
    let activities = format!("{ACTIVITIES}Alpha 2026 Q4,Ana Silva,x,\"Call\nand notes\",10/6/2026,,\nAlpha 2026 Q4,Ana Silva,y,Call,10/6/2026,,\n");
    for ending in ["\r\n", "\r"] {
        assert_eq!(
            Data::baseline().with("activities.csv", &activities.replace('\n', ending)).errors(),
            [
                "error: activities.csv:4: column \"Units\": value \"x\": expected a number such as 2, 2.5 or 1,100",
                "error: activities.csv:6: column \"Units\": value \"y\": expected a number such as 2, 2.5 or 1,100",
            ],
            "{ending:?}"
        );
    }
}

#[test]
fn look_alike_names_link_as_one() {
    let projects = PROJECTS.replace("Alpha 2026 Premier", "Alpha\u{a0}2026 Premier");
    let allocations = ALLOCATIONS.replace("Alpha hub", "\u{feff}Alpha hub");
    let activities = ACTIVITIES.replace("Alpha 2026 Q4,Ben", "Alpha 2026\u{200b} Q4,Ben");
    let contacts = "Name,Engagement,Role\nRío Díaz,Alpha 2026 Premier,Technical\n";
    let engagements = ENGAGEMENTS.replace("Alpha Lab", "Río Lab");
    let data = Data::baseline()
        .with("projects.csv", &projects)
        .with("allocations.csv", &allocations)
        .with("activities.csv", &activities)
        .with("engagements.csv", &engagements)
        .with("contacts.csv", contacts);
    let (dataset, diagnostics) = data.read();
    assert!(diagnostics.all().is_empty(), "{:?}", diagnostics.all());
    assert_eq!(dataset.activities.len(), 2);
    let first_engagement = dataset.engagements.ids().next().unwrap();
    assert_eq!(dataset.projects.iter().next().unwrap().engagement, first_engagement);
    assert_eq!(dataset.engagements[first_engagement].community, "Río Lab", "display text stays as written");

    let decomposed =
        ACTIVITIES.replace("Ben Okafor", "Ana Silva").replace("Ana Silva,2,Kick", "Ana\u{a0}Silva,2,Kick");
    let (dataset, _) = Data::baseline().with("activities.csv", &decomposed).read();
    assert_eq!(dataset.team_members.len(), 1, "one team member, however the space is written");

    let twins = Data::baseline().add("projects.csv", "Alpha\u{a0}hub,Alpha 2026 Premier,,,,\n");
    assert_eq!(
        single(twins.errors()),
        "error: projects.csv:3: column \"Project name\": value \"Alpha\u{a0}hub\": expected a unique name; line 2 already uses it"
    );
}
