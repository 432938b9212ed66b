//! Hours do not roll over: work dated after an allocation's end (or before its start) does not
//! draw on it. It is delivered, costed and named, in every output, but never used hours of the
//! allocation and never fewer hours expired. And no chart draws use that has not happened.

use serde_json::Value;

use crate::support::{ces_report, literal_text, pdf_text, rendered_sample, text, Data};

/// The baseline's Alpha Lab (Q4 2026: 12 h, 4 h used in October) with Harbourside's August: 20 h
/// from 1 to 31 August, 6 h and 4 h logged in August, then 3 h on 3 September and 4 h on
/// 8 October, after the allocation ended; a Technical contact for the usage email.
fn alpha_with_work_after_august() -> Data {
    Data::baseline()
        .add("allocations.csv", "Alpha August 2026,Alpha hub,8/1/2026,8/31/2026,20,Ana Silva\n")
        .add(
            "activities.csv",
            "Alpha August 2026,Ana Silva,6,Workshop,8/10/2026,,8/10/2026 5:00pm
Alpha August 2026,Ana Silva,4,Office hours,8/24/2026,,8/24/2026 5:00pm
Alpha August 2026,Ana Silva,3,Follow-up on the workshop,9/3/2026,,9/3/2026 5:00pm
Alpha August 2026,Ana Silva,4,Support,10/8/2026,,10/8/2026 5:00pm
",
        )
        .with(
            "contacts.csv",
            "Name,Email,Engagement,Role\nRosa Díaz,rosa@alpha.example.org,Alpha 2026 Premier,Technical\n",
        )
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// August: used 10 h, expired 10 h, 7 h outside. The engagement, as of 31 October: 32 h
/// available (20 + 12), 14 h used (10 in August, 4 in Q4), 8 h left to use now (Q4), 10 h
/// expired, 7 h outside the allocations' dates: 14 + 8 + 10 = 32.
#[test]
fn work_after_an_allocations_end_is_outside_it_in_every_output() {
    let folder = alpha_with_work_after_august().folder("work-after-the-end");
    let data = folder.to_str().unwrap();

    let json: Value = serde_json::from_slice(
        &ces_report(&["summary", data, "--month", "2026-10", "--format", "json"]).stdout,
    )
    .unwrap();
    let august =
        json["allocations"].as_array().unwrap().iter().find(|a| a["name"] == "Alpha August 2026").unwrap();
    let hours = |value: &Value, field: &str| value[field].as_f64().unwrap();
    assert_eq!(
        ["used", "expired", "overrun", "outside_window_hours"].map(|field| hours(august, field)),
        [10.0, 10.0, 0.0, 7.0]
    );
    let engagement = &json["engagements"][0];
    assert_eq!(
        ["available", "used", "left_now", "not_started", "expired", "overrun", "outside_window_hours"]
            .map(|field| hours(engagement, field)),
        [32.0, 14.0, 8.0, 0.0, 10.0, 0.0, 7.0]
    );

    let terminal = text(&ces_report(&["summary", data, "--month", "2026-10"]).stdout);
    assert!(
        terminal.contains(
            "32 h available: 14 h used, 8 h left to use now, 10 h expired unused; 7 h outside the allocations' dates"
        ),
        "{terminal}"
    );

    let book = folder.join("book");
    let output = ces_report(&["render", data, "--month", "2026-10", "--out", book.to_str().unwrap()]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(book.join("exports/manifest.json")).unwrap()).unwrap();
    let in_all = &manifest["communities"][0]["in_all"];
    assert_eq!(
        [
            "available",
            "used",
            "left_to_use_now",
            "not_started",
            "expired_unused",
            "overrun",
            "outside_allocation_dates"
        ]
        .map(|field| hours(in_all, field)),
        [32.0, 14.0, 8.0, 0.0, 10.0, 0.0, 7.0]
    );

    // MyST sets apostrophes as ’ in the PDF.
    let pdf = one_line(&pdf_text(&book.join("exports/communities/alpha-lab-2026-10.pdf"))).replace('’', "'");
    assert!(
        pdf.contains("Available Used Left to use now Not started yet Expired unused 32 h 14 h 8 h 0 h 10 h"),
        "{pdf}"
    );
    assert!(pdf.contains("We also worked 7 h outside your allocations' dates"), "{pdf}");
    let page = literal_text(&std::fs::read_to_string(book.join("engagements/alpha-lab.md")).unwrap());
    assert!(page.contains("7 h were logged outside the allocations' dates"), "{page}");
    let report = literal_text(&std::fs::read_to_string(book.join("monthly-report.md")).unwrap());
    assert!(report.contains("| Alpha Lab | 32 | 14 | 8 | 0 | 10 | 0 | 7 |"), "{report}");
    assert!(report.contains("2 activities dated outside their allocation's window."), "a finding for staff");

    let drafts = folder.join("drafts");
    let from = "2i2c Community Enablement Service <ces@2i2c.example.org>";
    crate::emails::emails(
        &folder,
        &drafts,
        &["--as-of", "2026-11-02", "--month", "2026-10", "--book", book.to_str().unwrap(), "--from", from],
    );
    let body = one_line(
        crate::emails::parse_drafts(&drafts)["usage-alpha-lab-2026-10.eml"]["body"].as_str().unwrap(),
    );
    assert!(
        body.contains(
            "In all, since your agreement began: 32 h available: 14 h used, 8 h left to use now, 0 h not started yet, 10 h expired unused. We also worked 7 h outside your allocations' dates"
        ),
        "{body}"
    );
}

/// The x of the dashed as-of line of a timeline, and the largest x of any shape drawn in the
/// colour of hours used (the legend's key box excepted: it sits under the chart).
fn as_of_line_and_rightmost_use(svg: &str) -> (f64, f64) {
    let document = roxmltree::Document::parse(svg).expect("an SVG");
    let points = |node: roxmltree::Node| -> Vec<(f64, f64)> {
        node.attribute("points")
            .unwrap_or_default()
            .split_whitespace()
            .filter_map(|pair| pair.split_once(','))
            .map(|(x, y)| (x.parse().unwrap(), y.parse().unwrap()))
            .collect()
    };
    let as_of = document
        .descendants()
        .filter(|node| node.attribute("stroke") == Some("#D55E00"))
        .flat_map(points)
        .map(|(x, _)| x)
        .fold(f64::NAN, f64::max);
    let used = ces_report::site::charts::USED_COLOUR;
    let rightmost = document
        .descendants()
        .filter(|node| node.attribute("fill") == Some(used) && node.has_tag_name("polygon"))
        .flat_map(points)
        .map(|(x, _)| x)
        .fold(0.0, f64::max);
    (as_of, rightmost)
}

#[test]
fn no_timeline_draws_hours_used_after_the_as_of_date() {
    let (book, _) = rendered_sample();
    let mut checked = 0;
    for community in std::fs::read_dir(book.join("figures/communities")).unwrap() {
        let timeline = community.unwrap().path().join("timeline.svg");
        let Ok(svg) = std::fs::read_to_string(&timeline) else { continue };
        let (as_of, rightmost) = as_of_line_and_rightmost_use(&svg);
        assert!(as_of.is_finite(), "{}: no as-of line", timeline.display());
        assert!(rightmost > 0.0, "{}: no use drawn", timeline.display());
        assert!(
            rightmost <= as_of,
            "{}: use drawn at x = {rightmost}, right of the as-of line at {as_of}",
            timeline.display()
        );
        checked += 1;
    }
    assert_eq!(checked, 10, "every sample community has a timeline, the ended one too");
}

/// The check fails on a timeline that draws use past the date, as the old one did: Northwind's
/// Q4 drawn 9.5 of 12 h along its window, to mid-December.
#[test]
fn the_timeline_check_finds_use_drawn_past_the_date() {
    let svg = r##"<svg xmlns="http://www.w3.org/2000/svg">
<polygon fill="#0072B2" points="10,5 500,5 500,10 10,10"/>
<polyline fill="none" stroke="#D55E00" points="432,149 432,145"/>
</svg>"##;
    let (as_of, rightmost) = as_of_line_and_rightmost_use(svg);
    assert!(rightmost > as_of);
}
