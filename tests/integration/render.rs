//! End to end: `ces-report render` on the sample data builds the site content and every PDF
//! offline; the PDFs' text (pdftotext) shows the right figures, stays within its engagement,
//! never names a Billing contact, and keeps hostile text literal. Needs the pinned toolchain
//! (`scripts/setup`); fails, never skips, without it.

use crate::support::*;

use std::path::{Path, PathBuf};
use std::process::Command;

#[test]
fn sample_pdfs_show_each_engagements_own_figures() {
    let (out, summary) = rendered_sample();
    assert!(summary.contains("PDFs      10 in"), "{summary}");
    let names: Vec<String> =
        pdfs(out).iter().map(|p| p.file_name().unwrap().to_string_lossy().to_string()).collect();
    assert_eq!(names.len(), 10, "{names:?}");
    assert!(names.contains(&"rio-claro-data-society-2026-10.pdf".to_string()));
    assert!(names.contains(&"2i2c-ces-report-2026-10.pdf".to_string()));
    assert!(out.join("_build/site/content/index.json").exists());

    // Río Claro: 68 h available, 56 h used, 3 h left now, none to start, 11 h expired unused, 2 h
    // overrun in a quarter that ended on 2026-09-30, more than 30 days before: history, nothing
    // to act on. Its 1 h dated on 1 July against Q2 (April–June) is outside Q2: Q2's hour stays
    // unused, so expired (11 h, not 10), and the hour is named as worked outside the dates.
    let text = pdf_text(&out.join("exports/communities/rio-claro-data-society-2026-10.pdf"));
    for expected in [
        "Río Claro Data & Society",
        "68 h 56 h 3 h 0 h 11 h 2 h",
        "3 h of Open data clinics 2026 Q4, to use by 31 December 2026",
        "7 earlier allocations",
        "Nothing needs your attention this month.",
        "Tomás Quispe",
        "lucia.fernandez@rioclaro.example.org",
        "Page 1 of",
    ] {
        assert!(text.contains(expected), "Río Claro PDF lacks {expected:?}:\n{text}");
    }
    let dataset = sample_dataset();
    for other in dataset.engagements.iter().filter(|e| !e.community.starts_with("Río")) {
        assert!(!text.contains(&other.community), "Río Claro's PDF names {}", other.community);
        assert!(!text.contains(&other.name), "Río Claro's PDF names {}", other.name);
    }
    let billing: Vec<_> = dataset.contacts.iter().filter(|c| !c.is_reported()).collect();
    for pdf in pdfs(out) {
        let text = pdf_text(&pdf);
        for contact in &billing {
            assert!(
                !text.contains(&contact.name) && !text.contains(&contact.email),
                "{} names Billing contact {}",
                pdf.display(),
                contact.name
            );
        }
    }
    let manifest = std::fs::read_to_string(out.join("exports/manifest.json")).unwrap();
    for contact in &billing {
        assert!(
            !manifest.contains(&contact.email),
            "the manifest addresses Billing contact {}",
            contact.name
        );
    }
}

/// Rendering the sample again, into another folder, gives byte-identical PDFs: each is dated
/// with the as-of date, and Typst is given paths inside the book only.
#[test]
fn the_sample_rendered_again_elsewhere_gives_byte_identical_pdfs() {
    let (out, _) = rendered_sample();
    let again = temp_folder("rendered-again").join("book");
    render(&root().join("sample-data"), &again);
    let first = pdfs(out);
    assert_eq!(first.len(), 10);
    for pdf in first {
        let twin = again.join(pdf.strip_prefix(out).unwrap());
        assert!(std::fs::read(&pdf).unwrap() == std::fs::read(&twin).unwrap(), "{} differs", twin.display());
    }
}

#[test]
fn hostile_text_stays_literal_in_the_pdf() {
    let folder = temp_folder("render-hostile");
    let data = folder.join("data");
    std::fs::create_dir_all(&data).unwrap();
    let lines = [
        "- not a list",
        "+ not an enum",
        "= not a heading",
        "/ not a term",
        "12. not an enum",
        "a//b stays",
        "x -- y -? z... -5",
        "$x$ #set @cite <b> [a](b)",
        "Waiting...ok",
        "v1..v2 upgrade",
        "12.(draft)",
        "-(x) item",
        "x..replace(\"\", \"INJECTED\")",
    ];
    let mut activities = String::from("Allocation,Team member,Units,Description,Start date\n");
    for (day, line) in lines.iter().enumerate() {
        activities.push_str(&format!("Q4,Ana,1,\"{}\",10/{}/2026\n", line.replace('"', "\"\""), day + 1));
    }
    std::fs::write(data.join("activities.csv"), activities).unwrap();
    std::fs::write(data.join("engagements.csv"), "Engagement name,Community,Engagement start date,Engagement end date,Engagement description,Status\nE,\"Quote \"\" and \\ back # hash\",1/1/2026,12/31/2027,Tier,Active\n").unwrap();
    std::fs::write(data.join("projects.csv"), format!("Project name,Engagement,Project start date,Project end date,Project description\nP,E,1/1/2026,12/31/2027,\"Title\n{}\"\n", lines.join("\n").replace('"', "\"\""))).unwrap();
    std::fs::write(data.join("allocations.csv"), "Allocation name,Project,Allocation start date,Allocation end date,Hours available,Allocation provider\nQ4,P,10/1/2026,12/31/2026,40,Ana\n").unwrap();
    let out = folder.join("book");
    render(&data, &out);
    let pdf = pdfs(&out).into_iter().find(|p| !p.to_string_lossy().contains("ces-report")).unwrap();
    let text = pdf_text(&pdf);
    for line in lines.iter().chain(&["Quote \" and \\ back # hash"]) {
        assert!(text.contains(line), "the PDF lost {line:?}:\n{text}");
    }
}

#[test]
fn a_missing_typst_is_reported_with_the_fix_before_anything_is_written() {
    let folder = temp_folder("render-no-typst");
    let out = folder.join("book");
    let output = Command::new(env!("CARGO_BIN_EXE_ces-report"))
        .args(["render", "sample-data", "--month", "2026-10", "--out", out.to_str().unwrap()])
        .current_dir(root())
        .env("PATH", "/usr/bin:/bin")
        .env("HOME", &folder)
        .env_remove("CES_TYPST")
        .env_remove("CES_CACHE")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "error: cannot find Typst: run scripts/setup (it installs the `typst` package 0.15.2 from PyPI), or install it with `python3 -m pip install --target DIR typst==0.15.2` and set CES_TYPST to DIR\n"
    );
    assert!(!out.exists(), "nothing is written when the toolchain is missing");
    let bogus = Command::new(env!("CARGO_BIN_EXE_ces-report"))
        .args(["render", "sample-data", "--out", out.to_str().unwrap()])
        .current_dir(root())
        .env("CES_MYST", folder.join("no-such-myst"))
        .output()
        .unwrap();
    assert_eq!(bogus.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bogus.stderr).contains("CES_MYST is set to"));
    let empty = folder.join("no-typst-here");
    std::fs::create_dir_all(&empty).unwrap();
    let elsewhere = Command::new(env!("CARGO_BIN_EXE_ces-report"))
        .args(["render", "sample-data", "--out", out.to_str().unwrap()])
        .current_dir(root())
        .env("CES_TYPST", &empty)
        .output()
        .unwrap();
    assert_eq!(elsewhere.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&elsewhere.stderr),
        format!("error: CES_TYPST is set to {}, which holds no `typst` package (install it there with `python3 -m pip install --target DIR typst==0.15.2`)\n", empty.display())
    );
    assert!(!out.exists());
}

/// Control characters and bidi overrides, as a careless paste or a hostile cell brings them.
const INVISIBLE: &str = "\u{1b}[2J\u{0}\u{7}\u{85}\u{202e}\u{2066}";

fn has_unsafe(text: &str) -> bool {
    text.chars().any(ces_report::text::is_unsafe_char)
}

#[test]
fn control_characters_in_every_text_column_never_reach_an_output() {
    let folder = temp_folder("render-control");
    let data = folder.join("data");
    std::fs::create_dir_all(&data).unwrap();
    let x = INVISIBLE;
    let files = [
        ("engagements.csv", format!("Engagement name,Community,Engagement start date,Engagement end date,Engagement description,Status,Service agreement\nE{x},Comm{x}unity,1/1/2026,12/31/2027,Tier{x},Active{x},Agreement{x}\n")),
        ("projects.csv", format!("Project name,Engagement,Project start date,Project end date,Project description,Capacity\nP{x},E{x},1/1/2026,12/31/2027,Outcome{x},Up to 4 hours / quarter{x}\n")),
        ("allocations.csv", format!("Allocation name,Project,Allocation start date,Allocation end date,Hours available,Allocation description,Allocation provider\nQ4{x},P{x},10/1/2026,12/31/2026,40,About{x},Ana{x}\n")),
        ("activities.csv", format!("Allocation,Team member,Units,Description,Start date\nQ4{x},Ana{x},2,Call{x},10/5/2026\n")),
        ("contacts.csv", format!("Name,Email,Engagement,Role,GitHub,Phone,Organization,Position title\nRosa{x},rosa@example.org,E{x},Technical,gh{x},555{x},Org{x},Lead{x}\n")),
    ];
    for (file, text) in &files {
        std::fs::write(data.join(file), text).unwrap();
    }
    let run = |args: &[&str]| {
        let output =
            Command::new(env!("CARGO_BIN_EXE_ces-report")).args(args).current_dir(root()).output().unwrap();
        assert!(output.status.success(), "{args:?}: {}", String::from_utf8_lossy(&output.stderr));
        format!("{}{}", String::from_utf8(output.stdout).unwrap(), String::from_utf8(output.stderr).unwrap())
    };
    let data_arg = data.to_str().unwrap();
    let check = run(&["check", data_arg]);
    assert!(!has_unsafe(&check), "check printed a control character:\n{check}");
    // One warning per cell: 5 + 4 + 4 + 3 + 6 cells hold the characters (links included).
    assert_eq!(check.matches("contains the invisible control character U+001B").count(), 22, "{check}");
    let summary = run(&["summary", data_arg, "--as-of", "2026-10-31"]);
    assert!(!has_unsafe(&summary) && summary.contains("Comm\u{fffd}[2J"), "{summary}");
    let json = run(&["summary", data_arg, "--as-of", "2026-10-31", "--format", "json"]);
    assert!(!has_unsafe(&json), "{json}");

    let out = folder.join("book");
    render(&data, &out);
    let mut svgs = 0;
    for entry in walk(&out) {
        if entry.extension().is_some_and(|x| x == "svg") {
            let svg = std::fs::read_to_string(&entry).unwrap();
            roxmltree::Document::parse(&svg)
                .unwrap_or_else(|e| panic!("{} is not XML: {e}", entry.display()));
            assert!(!has_unsafe(&svg), "{}", entry.display());
            svgs += 1;
        }
    }
    assert!(svgs >= 4, "{svgs} charts");
    for pdf in pdfs(&out) {
        let text = pdf_text(&pdf);
        // pdftotext itself ends each page with a form feed.
        assert!(!has_unsafe(&text.replace('\u{c}', "")), "{}: {text}", pdf.display());
        assert!(text.contains("Comm\u{fffd}[2J"), "{}: {text}", pdf.display());
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

/// Collapses runs of whitespace, since a PDF's text wraps where the page does.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn community_pdfs_carry_nothing_internal() {
    let (out, _) = rendered_sample();
    let dataset = sample_dataset();
    let settings = ces_report::settings::Settings::parse(
        &std::fs::read_to_string(root().join("sample-data/settings.toml")).unwrap(),
    )
    .unwrap();
    let figures = ces_report::figures::compute(&dataset, &settings, day("2026-10-31"));
    let phrases = phrases();
    let mut checked = 0;
    for (id, engagement) in dataset.engagements.iter_enumerated() {
        let slug = ces_report::site::slug::slugify(&engagement.community, 60);
        let pdf = out.join(format!("exports/communities/{slug}-2026-10.pdf"));
        if !pdf.exists() {
            continue;
        }
        let text = one_line(&pdf_text(&pdf));
        let status = &figures.engagements[id].status;
        let internal = status
            .reasons
            .iter()
            .chain(&status.history)
            .filter(|r| r.audience() == ces_report::figures::status::Audience::Internal);
        for reason in internal {
            let sentence = one_line(&phrases.reason(&dataset, reason).unwrap());
            assert!(!text.contains(&sentence), "{slug}'s PDF shows the internal finding {sentence:?}");
        }
        for needle in [
            "Notes for the team",
            "flagged to BD",
            "told BD",
            "no provider",
            "has no description",
            "still marked Active",
            "outside their allocation's window",
            "dated outside",
        ] {
            assert!(!text.contains(needle), "{slug}'s PDF says {needle:?}:\n{text}");
        }
        checked += 1;
    }
    assert_eq!(checked, 9, "every reported community's PDF is read");
    // Harbourside's staff notes stay out; its public descriptions are what the community reads.
    let harbourside =
        one_line(&pdf_text(&out.join("exports/communities/harbourside-community-college-2026-10.pdf")));
    assert!(
        harbourside.contains("Answered instructor question about nbgrader exchange directory"),
        "{harbourside}"
    );
    assert!(harbourside.contains("Your agreement ended on 31 August 2026; we have continued to support you since (7 h). Reply to this email to renew it."), "{harbourside}");
}

/// `2026-11-09` as the card writes it: `9 November 2026`.
fn long_date(iso: &str) -> String {
    let day = chrono::NaiveDate::parse_from_str(iso, "%Y-%m-%d").unwrap();
    day.format("%-d %B %Y").to_string()
}

#[test]
fn lumens_card_reads_its_usable_and_coming_hours_with_their_dates_as_the_json_has_them() {
    let (out, _) = rendered_sample();
    let summary = ces_report(&["summary", "sample-data", "--as-of", "2026-10-31", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&summary.stdout).unwrap();
    let lumen: Vec<&serde_json::Value> = json["allocations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["engagement"].as_str().unwrap().starts_with("Lumen"))
        .collect();
    let short = |a: &serde_json::Value| {
        a["name"].as_str().unwrap().trim_start_matches("Lumen Public Library Network — ").to_string()
    };
    let hours = |value: &serde_json::Value| value.as_f64().unwrap().to_string();
    let mut expected = Vec::new();
    for allocation in &lumen {
        match allocation["state"].as_str().unwrap() {
            "active" => expected.push(format!(
                "{} h of {}, to use by {}",
                hours(&allocation["left_now"]),
                short(allocation),
                long_date(allocation["end"].as_str().unwrap())
            )),
            "upcoming" => expected.push(format!(
                "{} h of {}, from {}",
                hours(&allocation["available"]),
                short(allocation),
                long_date(allocation["start"].as_str().unwrap())
            )),
            _ => {}
        }
    }
    assert_eq!(
        expected,
        [
            "3 h of Digital literacy hub 2026 Q4, to use by 31 December 2026",
            "4 h of Digital literacy hub 2027 Q1, from 1 January 2027",
            "24 h of Data storytelling workshops 2026–27, from 9 November 2026",
        ]
    );
    let text = one_line(&pdf_text(&out.join("exports/communities/lumen-public-library-network-2026-10.pdf")));
    let card = &text[text.find("Your hours").unwrap()..text.find("Hours do not roll over").unwrap()];
    assert!(card.contains(&format!("Left to use now {}", expected[0])), "{card}");
    assert!(card.contains(&format!("Coming next {} {}", expected[2], expected[1])), "{card}");
}

/// Every word of every sample PDF, charts included, is at least 7 pt tall (`pdftotext -bbox`
/// gives each word's box; its height is the font size).
#[test]
fn every_word_of_every_sample_pdf_is_at_least_7_pt() {
    let (out, _) = rendered_sample();
    let mut small = Vec::new();
    for pdf in crate::support::pdfs(out) {
        let output = std::process::Command::new("pdftotext")
            .args(["-bbox", pdf.to_str().unwrap(), "-"])
            .output()
            .unwrap();
        let html = String::from_utf8_lossy(&output.stdout).to_string();
        for word in html.split("<word ").skip(1) {
            let number = |name: &str| -> f64 {
                let start = word.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
                word[start..].split('"').next().unwrap().parse().unwrap()
            };
            let height = number("yMax") - number("yMin");
            if height < 7.0 {
                let text = word.split('>').nth(1).unwrap_or_default().split('<').next().unwrap_or_default();
                small
                    .push(format!("{}: {text:?} {height:.1} pt", pdf.file_name().unwrap().to_string_lossy()));
            }
        }
    }
    assert!(small.is_empty(), "{} words under 7 pt: {:?}", small.len(), &small[..small.len().min(20)]);
}

/// No chart of the sample cuts a label short.
#[test]
fn no_sample_chart_cuts_a_label() {
    let (out, _) = rendered_sample();
    let charts = crate::support::files_under(&out.join("figures"), &|_| false);
    assert!(charts.len() > 20);
    for (path, bytes) in charts {
        let svg = String::from_utf8(bytes).unwrap();
        assert!(
            !svg.contains('…'),
            "{path} cuts a label: {}",
            svg.split('…').next().unwrap().rsplit('>').next().unwrap()
        );
    }
}

/// The headings of a PDF's MyST source as they read in the PDF: `## Status: {raw:typst}...`
/// reads "Status:", `{raw:typst}`#"October 2026";`` reads "October 2026".
fn headings(markdown: &str) -> Vec<String> {
    markdown
        .lines()
        .filter_map(|line| line.strip_prefix("## ").or_else(|| line.strip_prefix("### ")))
        .map(|heading| {
            let mut text = String::new();
            let mut rest = heading;
            while let Some(start) = rest.find("{raw:typst}`") {
                text.push_str(&rest[..start]);
                let raw = &rest[start + "{raw:typst}`".len()..];
                let end = raw.find('`').unwrap();
                if let Some(quoted) = raw[..end].strip_prefix("#\"") {
                    text.push_str(quoted.trim_end_matches(['"', ';']));
                }
                rest = &raw[end + 1..];
            }
            text.push_str(rest);
            text.trim().to_string()
        })
        .collect()
}

/// Page flow in every sample PDF: each page's running header spells the organisation as it is
/// written ("2i2c", never "2I2C"), no page ends with a heading or a lead-in line (ending with
/// a colon) away from what it introduces, and no figure caption starts a page away from its
/// chart.
#[test]
fn every_sample_pdf_keeps_headings_with_their_text_and_figures_with_their_captions() {
    let (out, _) = rendered_sample();
    let mut problems = Vec::new();
    for pdf in crate::support::pdfs(out) {
        let name = pdf.file_name().unwrap().to_string_lossy().to_string();
        let source_folder = if name.starts_with("2i2c-") {
            "monthly-report".to_string()
        } else {
            format!("communities/{}", name.trim_end_matches("-2026-10.pdf"))
        };
        let markdown =
            std::fs::read_to_string(out.join("pdf").join(source_folder).join("report.md")).unwrap();
        let headings = headings(&markdown);
        assert!(headings.len() >= 5, "{name}: {headings:?}");
        let text = pdf_text(&pdf);
        let pages: Vec<&str> = text.split('\u{c}').filter(|page| !page.trim().is_empty()).collect();
        assert!(pages.len() >= 2, "{name}");
        for (number, page) in pages.iter().enumerate().map(|(index, page)| (index + 1, page)) {
            let body: Vec<&str> = page
                .lines()
                .map(str::trim)
                .filter(|line| !line.is_empty() && !line.contains(&format!("Page {number} of")))
                .collect();
            if !body[0].starts_with("2i2c · Community Enablement Service") {
                problems.push(format!("{name} page {number}: running header {:?}", body[0]));
            }
            let last = body.last().unwrap();
            if let Some(heading) = headings.iter().find(|heading| last.starts_with(heading.as_str())) {
                problems.push(format!("{name} page {number} ends with the heading {heading:?}"));
            }
            if last.ends_with(':') {
                problems.push(format!("{name} page {number} ends with a lead-in: {last:?}"));
            }
            if body.iter().skip(1).take(2).any(|line| line.starts_with("Figure ")) {
                problems.push(format!("{name} page {number} starts with a caption: {:?}", body[1]));
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}
