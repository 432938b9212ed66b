//! One community, one set of numbers: a renewing community is one entry, one page, one PDF and
//! one manifest row; the manifest states what its PDF states; the month's cost is one number.

use ces_report::present::format::{hours_grouped, long_date};
use serde_json::Value;

use crate::support::{build, ces_report, day, literal_text, pdf_text, rendered_sample, text, Data};

/// The baseline's Alpha Lab (its 2026–2027 engagement) with the 2025 engagement it renews:
/// closed, one allocation of 10 h in 2025 Q4 with 3 h used on 2025-11-03.
fn renewing_alpha() -> Data {
    Data::baseline()
        .add(
            "engagements.csv",
            "Alpha 2025 Premier,Alpha Lab,1/1/2025,12/31/2025,\"Premier Tier\nFirst year\",Closed,rec0\n",
        )
        .add(
            "projects.csv",
            "Alpha hub 2025,Alpha 2025 Premier,1/1/2025,12/31/2025,Hub support,Up to 10 hours / quarter\n",
        )
        .add("allocations.csv", "Alpha 2025 Q4,Alpha hub 2025,10/1/2025,12/31/2025,10,Ana Silva\n")
        .add("activities.csv", "Alpha 2025 Q4,Ana Silva,3,Onboarding workshop,11/3/2025,,11/3/2025 4:00pm\n")
}

fn built(data: &Data, name: &str) -> (std::path::PathBuf, String) {
    let folder = data.folder(name);
    let book = folder.join("book");
    let output = build(&folder, &book, &["--month", "2026-10"]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    (book, text(&output.stderr))
}

#[test]
fn a_renewing_community_is_one_entry_named_without_a_hash_with_its_earlier_engagement_as_history() {
    let (book, stderr) = built(&renewing_alpha(), "renewing");
    assert!(!stderr.contains("make the same file name"), "{stderr}");
    let pages: Vec<String> = crate::support::names_in(&book.join("engagements"));
    assert_eq!(pages, ["alpha-lab.md"]);

    let dashboard = std::fs::read_to_string(book.join("index.md")).unwrap();
    assert_eq!(dashboard.matches("| [Alpha Lab](").count(), 2, "one row in each table: {dashboard}");
    assert!(!dashboard.contains("### Ended"), "the closed engagement is history, not an ended community");

    let manifest: Value =
        serde_json::from_slice(&std::fs::read(book.join("exports/manifest.json")).unwrap()).unwrap();
    let communities = manifest["communities"].as_array().unwrap();
    assert_eq!(communities.len(), 1);
    assert_eq!(communities[0]["engagement"], "Alpha 2026 Premier");
    assert_eq!(communities[0]["pdf"], "exports/communities/alpha-lab-2026-10.pdf");

    // The page leads with the current engagement and lists the earlier one as history: its
    // dates, 10 h available, 3 h used, 7 h expired, what was done; no status of its own.
    let page = literal_text(&std::fs::read_to_string(book.join("engagements/alpha-lab.md")).unwrap());
    assert!(page.contains("Premier Tier · 1 January 2026 – 31 December 2027"), "{page}");
    let history = &page[page.find("## Earlier engagements").expect("a history section")..];
    assert!(
        history.contains(
            "| Alpha 2025 Premier | 1 January – 31 December 2025 | 10 h | 3 h | 7 h | Onboarding workshop |"
        ),
        "{history}"
    );
    assert_eq!(page.matches("## Status:").count(), 1, "one status: the current engagement's");
}

#[test]
fn two_different_communities_whose_names_make_one_file_name_keep_distinct_files() {
    let data = renewing_alpha()
        .add("engagements.csv", "Alpha 2026 Lite,ALPHA LAB,1/1/2026,12/31/2027,\"Lite\",Active,rec9\n")
        .add(
            "projects.csv",
            "Alpha lite hub,Alpha 2026 Lite,1/1/2026,12/31/2027,Hub,Up to 4 hours / quarter\n",
        )
        .add("allocations.csv", "Alpha lite Q4,Alpha lite hub,10/1/2026,12/31/2026,4,Ana Silva\n");
    let (book, stderr) = built(&data, "two-alphas");
    let pages = crate::support::names_in(&book.join("engagements"));
    assert_eq!(pages.len(), 2, "{pages:?}");
    assert!(
        pages.iter().all(|page| page.starts_with("alpha-lab-") && page.len() == "alpha-lab-123456.md".len()),
        "{pages:?}"
    );
    assert!(
        stderr.contains("communities \"Alpha Lab\" and \"ALPHA LAB\" make the same file name \"alpha-lab\""),
        "{stderr}"
    );
}

/// Hours as the pages write them (`1,400`, `2.5`).
fn h(value: &Value) -> String {
    hours_grouped(value.as_f64().expect("hours"))
}

fn date(value: &Value) -> String {
    long_date(day(value.as_str().expect("a date")))
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn every_manifest_figure_is_in_its_pdf_under_the_same_name_and_agrees_with_the_json() {
    let (book, _) = rendered_sample();
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(book.join("exports/manifest.json")).unwrap()).unwrap();
    let summary = ces_report(&["summary", "sample-data", "--month", "2026-10", "--format", "json"]);
    let json: Value = serde_json::from_slice(&summary.stdout).unwrap();
    let communities = manifest["communities"].as_array().unwrap();
    assert_eq!(
        communities.len(),
        9,
        "every sample community reported in October but Granite Peaks (ended 2025)"
    );
    for entry in communities {
        let pdf = one_line(&pdf_text(&book.join(entry["pdf"].as_str().unwrap())));
        let name = entry["community"].as_str().unwrap();
        let card = &pdf[pdf.find("Your hours").unwrap()..pdf.find("Hours do not roll over").unwrap()];
        let left = &entry["left_to_use_now"]["allocations"];
        for (i, usable) in left.as_array().unwrap().iter().enumerate() {
            let line = format!(
                "{} h of {}, to use by {}",
                h(&usable["hours"]),
                usable["allocation"].as_str().unwrap(),
                date(&usable["use_by"])
            );
            let line = if i == 0 { format!("Left to use now {line}") } else { line };
            assert!(card.contains(&line), "{name}: card lacks {line:?}: {card}");
        }
        if left.as_array().unwrap().is_empty() {
            assert!(card.contains("Left to use now none"), "{name}: {card}");
        }
        for (i, coming) in entry["coming_next"]["allocations"].as_array().unwrap().iter().enumerate() {
            let line = format!(
                "{} h of {}, from {}",
                h(&coming["hours"]),
                coming["allocation"].as_str().unwrap(),
                date(&coming["from"])
            );
            let line = if i == 0 { format!("Coming next {line}") } else { line };
            assert!(card.contains(&line), "{name}: card lacks {line:?}: {card}");
        }
        let worked = if entry["worked_this_month"].as_f64() == Some(0.0) {
            format!("No work was logged in October 2026 ({} h in September)", h(&entry["worked_last_month"]))
        } else {
            format!(
                "In October 2026 we worked {} h with you ({} h in September)",
                h(&entry["worked_this_month"]),
                h(&entry["worked_last_month"])
            )
        };
        assert!(pdf.contains(&worked), "{name}: PDF lacks {worked:?}");
        // The "In all" table: every_output_states_each_communitys_hours_under_the_same_names.
        let in_all = &entry["in_all"];

        // The card's totals are the "in all" table's, and the JSON's for the engagement.
        let sum =
            |list: &Value| list.as_array().unwrap().iter().map(|a| a["hours"].as_f64().unwrap()).sum::<f64>();
        assert_eq!(
            entry["left_to_use_now"]["hours"].as_f64(),
            Some(sum(&entry["left_to_use_now"]["allocations"]))
        );
        assert_eq!(entry["left_to_use_now"]["hours"], in_all["left_to_use_now"], "{name}");
        assert_eq!(entry["coming_next"]["hours"], in_all["not_started"], "{name}");
        let engagement = json["engagements"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["name"] == entry["engagement"])
            .unwrap();
        for (json_field, manifest_field) in [
            ("left_now", "left_to_use_now"),
            ("not_started", "not_started"),
            ("used", "used"),
            ("expired", "expired_unused"),
            ("overrun", "overrun"),
        ] {
            assert_eq!(engagement[json_field], in_all[manifest_field], "{name}: JSON {json_field}");
        }
    }
}

/// The cells of the markdown table row that starts with `| {first} |`.
fn row_cells(page: &str, first: &str) -> Vec<String> {
    let line = page
        .lines()
        .find(|line| line.starts_with(&format!("| {first} |")))
        .unwrap_or_else(|| panic!("no row {first}"));
    line.trim_matches('|').split('|').map(|cell| cell.trim().trim_matches('*').to_string()).collect()
}

fn amount(cell: &str) -> f64 {
    cell.replace(',', "").parse().unwrap_or_else(|_| panic!("not an amount: {cell:?}"))
}

#[test]
fn the_months_cost_is_one_number_in_the_aggregated_report() {
    let (book, _) = rendered_sample();
    let page = literal_text(&std::fs::read_to_string(book.join("monthly-report.md")).unwrap());
    let headline =
        amount(row_cells(&page, "Cost of the hours delivered this month")[1].trim_end_matches(" USD"));
    let revenue = &page[page.find("## Cost against revenue").unwrap()..];
    let october = row_cells(revenue, "October 2026");
    let revenue_table = amount(&october[2]);
    let by_community =
        &page[page.find("## This month by community").unwrap()..page.find("### Hours in all").unwrap()];
    let rows: Vec<Vec<String>> = by_community
        .lines()
        .filter(|line| {
            line.starts_with("| ") && !line.starts_with("| Community") && !line.starts_with("| ---")
        })
        .map(|line| {
            line.trim_matches('|').split('|').map(|c| c.trim().trim_matches('*').to_string()).collect()
        })
        .collect();
    let (total, communities) = rows.split_last().unwrap();
    let summed: f64 = communities.iter().map(|row| amount(row.last().unwrap())).sum();
    // Hand-checked: 36.5 h delivered in October 2026 × 150 USD.
    assert_eq!(
        (headline, revenue_table, amount(total.last().unwrap()), summed),
        (5475.0, 5475.0, 5475.0, 5475.0)
    );
    // November 2025: 41.5 h delivered to every engagement, 11 of them to one without a contract
    // value: 6,225 in all, 1,650 of it apart.
    let november = row_cells(revenue, "November 2025");
    assert_eq!((amount(&november[2]), amount(&november[3])), (6225.0, 1650.0));
    // A month not reached yet has no delivered cost, not 0.
    let december = row_cells(revenue, "December 2026");
    assert_eq!((december[2].as_str(), december[3].as_str(), december[5].as_str()), ("", "", ""));
}

/// Which engagement leads a community, each rule of `current_engagement` at its edge: the
/// running one that started last; when none runs, the one that ended last (not the one that
/// started last); when none has started, the one that starts first; an engagement's last day
/// still counts as running.
#[test]
fn the_current_engagement_is_the_running_one_then_the_last_ended_then_the_first_to_start() {
    use ces_report::figures::communities::current_engagement;
    // Alpha 2024: 1/1/2024–12/31/2025 (long); Alpha 2025 (the baseline's, moved): 1/1/2025–
    // 6/30/2025 (started later, ended earlier); Alpha 2027: from 1/1/2027.
    let engagements = "\u{feff}Engagement name,Community,Engagement start date,Engagement end date,Engagement description,Status,Record ID
Alpha 2026 Premier,Alpha Lab,1/1/2025,6/30/2025,Premier Tier,Closed,rec1
Alpha 2024 Premier,Alpha Lab,1/1/2024,12/31/2025,Premier Tier,Closed,rec0
Alpha 2027 Premier,Alpha Lab,1/1/2027,12/31/2027,Premier Tier,Active,rec2
";
    let (dataset, _) = Data::baseline().with("engagements.csv", engagements).read();
    let all: Vec<_> = dataset.engagements.iter_enumerated().map(|(id, _)| id).collect();
    let current = |as_of: &str| {
        let id = current_engagement(&dataset, &all, day(as_of)).unwrap();
        dataset.engagements[id].name.clone()
    };
    // Both 2024 and 2025 run; 2025 started last.
    assert_eq!(current("2025-06-30"), "Alpha 2026 Premier");
    // 2025 ended the day before; 2024 still runs.
    assert_eq!(current("2025-07-01"), "Alpha 2024 Premier");
    // 2024 on its last day still runs.
    assert_eq!(current("2025-12-31"), "Alpha 2024 Premier");
    // Nothing runs: 2024 ended last, though 2025 started later.
    assert_eq!(current("2026-06-01"), "Alpha 2024 Premier");
    // Before anything started: the first to start.
    assert_eq!(current("2023-06-01"), "Alpha 2024 Premier");
    // 2027 started: it runs, and leads.
    assert_eq!(current("2027-01-01"), "Alpha 2027 Premier");
}

/// A community's hours in all, as the manifest states them, with the names every output gives
/// them.
struct InAll {
    available: f64,
    used: f64,
    left_now: f64,
    not_started: f64,
    expired: f64,
    overrun: f64,
    outside: f64,
}

impl InAll {
    fn of(entry: &Value) -> InAll {
        let field = |name: &str| entry["in_all"][name].as_f64().unwrap_or_else(|| panic!("in_all.{name}"));
        InAll {
            available: field("available"),
            used: field("used"),
            left_now: field("left_to_use_now"),
            not_started: field("not_started"),
            expired: field("expired_unused"),
            overrun: field("overrun"),
            outside: field("outside_allocation_dates"),
        }
    }

    /// The terminal's line and, with `available:` ahead, the usage email's.
    fn sentence(&self, format: fn(f64) -> String) -> String {
        let mut line = format!("{} h available: {} h used", format(self.available), format(self.used));
        if self.overrun > 0.0 {
            line += &format!(" ({} h overrun)", format(self.overrun));
        }
        line += &format!(", {} h left to use now", format(self.left_now));
        line
    }

    /// The cells of a row of the pages' "Hours in all" tables.
    fn cells(&self) -> Vec<String> {
        [self.available, self.used, self.left_now, self.not_started, self.expired, self.overrun, self.outside]
            .map(hours_grouped)
            .to_vec()
    }
}

/// The markdown table row that starts with `| {first} |`, after `heading`, as cells.
fn row_after(page: &str, heading: &str, first: &str) -> Vec<String> {
    let section = &page[page.find(heading).unwrap_or_else(|| panic!("no {heading}"))..];
    row_cells(section, first)
}

/// The statuses only staff see: a community's report and email never name one.
const INTERNAL_STATUSES: [&str; 3] = ["On Track", "Monitor / At Risk", "Action Needed"];

/// Every output that states a community's hours states the same ones under the same names, and
/// each adds up to the hours available: its PDF, the manifest, its usage email, its dashboard
/// row, the aggregated report's row, the terminal and the JSON. The community's outputs name no
/// internal status, and every output counts the same engagements.
#[test]
fn every_output_states_each_communitys_hours_under_the_same_names() {
    let (book, _) = rendered_sample();
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(book.join("exports/manifest.json")).unwrap()).unwrap();
    let json: Value = serde_json::from_slice(
        &ces_report(&["summary", "sample-data", "--month", "2026-10", "--format", "json"]).stdout,
    )
    .unwrap();
    let terminal = text(&ces_report(&["summary", "sample-data", "--month", "2026-10"]).stdout);
    let dashboard = literal_text(&std::fs::read_to_string(book.join("index.md")).unwrap());
    let report = literal_text(&std::fs::read_to_string(book.join("monthly-report.md")).unwrap());
    let drafts = crate::support::temp_folder("every-output").join("drafts");
    let from = "2i2c Community Enablement Service <ces@2i2c.example.org>";
    crate::emails::emails(
        &crate::support::root().join("sample-data"),
        &drafts,
        &["--as-of", "2026-11-02", "--month", "2026-10", "--book", book.to_str().unwrap(), "--from", from],
    );
    let emails = crate::emails::parse_drafts(&drafts);

    let communities = manifest["communities"].as_array().unwrap();
    assert_eq!(communities.len(), 9);
    for entry in communities {
        let name = entry["community"].as_str().unwrap();
        let hours = InAll::of(entry);
        let sum = hours.used - hours.overrun + hours.left_now + hours.not_started + hours.expired;
        assert!((sum - hours.available).abs() < 1e-9, "{name}: {sum} of {}", hours.available);

        // The PDF: the "In all" table (the overrun column only when there is one) and the hours
        // outside the allocations' dates in words.
        let pdf = one_line(&pdf_text(&book.join(entry["pdf"].as_str().unwrap()))).replace('’', "'");
        let mut table = "Available Used Left to use now Not started yet Expired unused".to_string();
        let mut cells = vec![hours.available, hours.used, hours.left_now, hours.not_started, hours.expired];
        if hours.overrun > 0.0 {
            table += " Overrun";
            cells.push(hours.overrun);
        }
        let cells: Vec<String> =
            cells.into_iter().map(|value| format!("{} h", hours_grouped(value))).collect();
        let table = format!("{table} {}", cells.join(" "));
        assert!(pdf.contains(&table), "{name}: the PDF lacks {table:?}");
        let outside =
            format!("We also worked {} h outside your allocations' dates", hours_grouped(hours.outside));
        assert_eq!(pdf.contains(&outside), hours.outside > 0.0, "{name}: {outside:?}");

        // The usage email: the same sentence as the terminal's, with every hour named.
        let email = emails
            .iter()
            .find(|(file, draft)| {
                file.starts_with("usage-") && draft["subject"].as_str().unwrap().contains(name)
            })
            .map(|(_, draft)| draft);
        let body = email.unwrap_or_else(|| panic!("{name}: no usage email"))["body"].as_str().unwrap();
        let body = one_line(body);
        // With thousands grouped, as in the PDF.
        let mut line = format!("In all, since your agreement began: {}", hours.sentence(hours_grouped));
        line += &format!(
            ", {} h not started yet, {} h expired unused.",
            hours_grouped(hours.not_started),
            hours_grouped(hours.expired)
        );
        if hours.outside > 0.0 {
            line += &format!(
                " We also worked {} h outside your allocations' dates",
                hours_grouped(hours.outside)
            );
        }
        assert!(body.contains(&line), "{name}: the email lacks {line:?}: {body}");
        for status in INTERNAL_STATUSES {
            assert!(
                !pdf.contains(status) && !body.contains(status),
                "{name}: a community output names {status}"
            );
        }

        // The dashboard's and the aggregated report's rows of their "Hours in all" tables.
        let link = format!("[{name}](engagements/");
        let dashboard_row = dashboard
            .lines()
            .rev()
            .find(|line| line.starts_with(&format!("| {link}")))
            .unwrap_or_else(|| panic!("{name}: no dashboard row"));
        let dashboard_cells: Vec<String> =
            dashboard_row.trim_matches('|').split('|').skip(1).map(|cell| cell.trim().to_string()).collect();
        assert_eq!(dashboard_cells, hours.cells(), "{name}: dashboard");
        assert_eq!(
            row_after(&report, "### Hours in all, by community", name)[1..],
            hours.cells(),
            "{name}: aggregated report"
        );

        // The terminal: the engagement's line, every hour under the same name.
        let engagement = entry["engagement"].as_str().unwrap();
        let block = &terminal[terminal.find(&format!(" · {engagement} · ")).unwrap()..];
        let line = block.lines().nth(1).unwrap();
        let mut expected = hours.sentence(hours_grouped);
        if hours.not_started > 0.0 {
            expected += &format!(", {} h not started yet", hours_grouped(hours.not_started));
        }
        if hours.expired > 0.0 {
            expected += &format!(", {} h expired unused", hours_grouped(hours.expired));
        }
        if hours.outside > 0.0 {
            expected += &format!("; {} h outside the allocations' dates", hours_grouped(hours.outside));
        }
        assert!(line.ends_with(&expected), "{name}: the terminal says {line:?}, not {expected:?}");

        // The JSON.
        let figures =
            json["engagements"].as_array().unwrap().iter().find(|e| e["name"] == engagement).unwrap();
        for (field, value) in [
            ("available", hours.available),
            ("used", hours.used),
            ("left_now", hours.left_now),
            ("not_started", hours.not_started),
            ("expired", hours.expired),
            ("overrun", hours.overrun),
            ("outside_window_hours", hours.outside),
        ] {
            assert_eq!(figures[field].as_f64(), Some(value), "{name}: JSON {field}");
        }
    }

    // One count of engagements: those running on 31 October 2026 (Tidewater, Kestrel, Río
    // Claro, Northwind, Saltmarsh, Lumen, Prairie; Cedar Ridge, with no end date). Harbourside
    // ended on 31 August and is listed as lapsed, not counted; Granite Peaks ended in 2025.
    assert!(dashboard.contains("| Engagements running on 2026-10-31 | 8 |"), "dashboard");
    assert!(report.contains("| Engagements running on 2026-10-31 | 8 |"), "aggregated report");
    assert!(terminal.contains("\n8 engagements running on 2026-10-31: "), "terminal");
    for page in [&dashboard, &report] {
        assert!(
            page.contains("| Contracts ended but still marked Active (not counted as running) | Harbourside Community College |"),
            "the lapsed contract is listed"
        );
    }
}
