//! One figure, one number: Northwind's hours used, left to use now, not started, expired and
//! overrun as of 2026-10-31 read the same in the terminal summary, the JSON, its page, its CSV
//! download and its PDF.

use ces_report::figures::compute;
use ces_report::present::format::h;
use ces_report::settings::Settings;

use crate::support::{ces_report, day, pdf_text, rendered_sample, root, sample_dataset, text};

const COMMUNITY: &str = "Northwind Atmospheric Consortium";
const SLUG: &str = "northwind-atmospheric-consortium";

/// (available, used, left now, not started, expired, overrun) as the figures define them.
fn figures() -> [String; 6] {
    let dataset = sample_dataset();
    let settings =
        Settings::parse(&std::fs::read_to_string(root().join("sample-data/settings.toml")).unwrap()).unwrap();
    let figures = compute(&dataset, &settings, day("2026-10-31"));
    let (id, _) = dataset.engagements.iter_enumerated().find(|(_, e)| e.community == COMMUNITY).unwrap();
    let e = &figures.engagements[id];
    [
        h(e.hours.available),
        h(e.hours.used),
        h(e.hours.left_now),
        h(e.hours.not_started),
        h(e.hours.expired),
        h(e.hours.overrun),
    ]
}

#[test]
fn northwinds_hours_read_the_same_everywhere() {
    let [available, used, left, not_started, expired, overrun] = figures();
    // Hand-checked against the allocations CSV: 260 h available, 213 h used, 2 h left of 2026
    // Q4 (12 − 10), 12 h of 2027 Q1 not started, 33 h expired, no overrun.
    assert_eq!(
        [&available, &used, &left, &not_started, &expired, &overrun],
        ["260", "213", "2", "12", "33", "0"]
    );

    let terminal = text(&ces_report(&["summary", "sample-data", "--month", "2026-10"]).stdout);
    let line = format!(
        "{available} h available: {used} h used, {left} h left to use now, {not_started} h not started yet, {expired} h expired unused"
    );
    let block = terminal.split("\n\n").find(|b| b.contains(&format!("· {COMMUNITY}"))).unwrap();
    assert!(block.contains(&line), "terminal: {block}");

    let json: serde_json::Value = serde_json::from_str(&text(
        &ces_report(&["summary", "sample-data", "--month", "2026-10", "--format", "json"]).stdout,
    ))
    .unwrap();
    let entry = json["engagements"].as_array().unwrap().iter().find(|e| e["community"] == COMMUNITY).unwrap();
    for (field, value) in [
        ("available", &available),
        ("used", &used),
        ("left_now", &left),
        ("not_started", &not_started),
        ("expired", &expired),
        ("overrun", &overrun),
    ] {
        assert_eq!(entry[field].as_f64().unwrap().to_string(), *value, "JSON {field}");
    }

    let (book, _) = rendered_sample();
    let page = std::fs::read_to_string(book.join(format!("engagements/{SLUG}.md"))).unwrap();
    // No overrun: the table has no overrun column.
    let row = format!("| {available} h | {used} h | {left} h | {not_started} h | {expired} h |");
    assert!(page.contains(&row), "page lacks {row}");

    let csv = std::fs::read_to_string(book.join(format!("data/communities/{SLUG}/allocations.csv"))).unwrap();
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let column = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let sums = reader.records().map(|r| r.unwrap()).fold([0.0; 6], |mut sums, record| {
        for (i, name) in
            ["Available", "Used", "Left to use now", "Not started yet", "Expired unused", "Overrun"]
                .iter()
                .enumerate()
        {
            sums[i] += record[column(name)].parse::<f64>().unwrap();
        }
        sums
    });
    assert_eq!(
        sums.map(|s| s.to_string()),
        [
            available.clone(),
            used.clone(),
            left.clone(),
            not_started.clone(),
            expired.clone(),
            overrun.clone()
        ]
    );

    let pdf = pdf_text(&book.join(format!("exports/communities/{SLUG}-2026-10.pdf")));
    let cells = format!("{available} h {used} h {left} h {not_started} h {expired} h");
    assert!(pdf.contains(&cells), "PDF lacks {cells}:\n{pdf}");
}
