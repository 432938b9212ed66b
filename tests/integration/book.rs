//! The generated MyST project: golden files, determinism, safe writes, isolation between
//! engagements, and hostile text through the real `myst build --site`.
//!
//! `UPDATE_EXPECTED=1 cargo test --test integration book::` rewrites the committed `book/`
//! after a deliberate change; review the diff before committing it.

use crate::support::*;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Every file under `dir` (relative path → bytes), skipping what myst and render add.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    files_under(dir, &|path| path.split('/').any(|part| part == "_build") || path.ends_with(".pdf"))
}

fn sample_book(name: &str) -> PathBuf {
    let out = temp_folder(name).join("book");
    let output = build(Path::new("sample-data"), &out, &["--month", "2026-10"]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    out
}

#[test]
fn sample_book_matches_the_committed_book() {
    let fresh = sample_book("golden");
    let expected_dir = root().join("book");
    if std::env::var_os("UPDATE_EXPECTED").is_some() {
        let output = build(Path::new("sample-data"), &expected_dir, &["--month", "2026-10"]);
        assert!(output.status.success());
        return;
    }
    let fresh = snapshot(&fresh);
    let expected = snapshot(&expected_dir);
    let missing: Vec<_> = expected.keys().filter(|k| !fresh.contains_key(*k)).collect();
    let extra: Vec<_> = fresh.keys().filter(|k| !expected.contains_key(*k)).collect();
    assert!(missing.is_empty(), "no longer produced: {missing:?}");
    assert!(extra.is_empty(), "new files not in book/: {extra:?} (UPDATE_EXPECTED=1 to accept)");
    for (path, bytes) in &fresh {
        assert!(bytes == &expected[path], "{path} differs from book/{path} (UPDATE_EXPECTED=1 to accept)");
    }
}

#[test]
fn building_twice_gives_identical_bytes() {
    let first = snapshot(&sample_book("twice-a"));
    let second = snapshot(&sample_book("twice-b"));
    assert_eq!(first.len(), second.len());
    for (path, bytes) in &first {
        assert!(bytes == &second[path], "{path} differs between two runs");
    }
}

#[test]
fn a_failed_build_leaves_the_previous_output_untouched() {
    let out = sample_book("failed");
    std::fs::write(out.join("notes.md"), "my own notes\n").unwrap();
    let before = snapshot(&out);
    // Bad data: stops before anything is written.
    let bad = temp_folder("failed-data");
    for file in ["engagements.csv", "projects.csv", "allocations.csv", "activities.csv"] {
        std::fs::copy(root().join("sample-data").join(file), bad.join(file)).unwrap();
    }
    std::fs::write(
        bad.join("projects.csv"),
        "Project name,Engagement,Project start date,Project end date,Project description\nX,Nobody,,,\n",
    )
    .unwrap();
    assert_eq!(build(&bad, &out, &[]).status.code(), Some(1));
    assert_eq!(snapshot(&out), before);
    // A template that fails halfway through rendering.
    let templates = temp_folder("failed-templates");
    std::fs::write(templates.join("capacity.md.j2"), "{{ no_such_value }}\n").unwrap();
    let output = build(Path::new("sample-data"), &out, &["--templates", templates.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("no_such_value"));
    assert_eq!(snapshot(&out), before);
    let leftovers: Vec<_> = std::fs::read_dir(out.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|name| name.starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "temporary folders left behind: {leftovers:?}");
}

#[test]
fn user_files_are_kept_and_stale_output_is_removed() {
    let out = sample_book("ownership");
    std::fs::write(out.join("notes.md"), "my own notes\n").unwrap();
    std::fs::create_dir_all(out.join("figures/extra")).unwrap();
    std::fs::write(out.join("figures/extra/logo.svg"), "<svg/>").unwrap();
    std::fs::write(out.join("engagements/gone.md"), "stale").unwrap();
    let mut owned = std::fs::read_to_string(out.join(".ces-report-files")).unwrap();
    owned.push_str("engagements/gone.md\n");
    std::fs::write(out.join(".ces-report-files"), owned).unwrap();
    std::fs::create_dir_all(out.join("_build/cache")).unwrap();
    std::fs::create_dir_all(out.join("pdf/communities/tidewater-ocean-lab/_build")).unwrap();
    std::fs::write(out.join("pdf/communities/tidewater-ocean-lab/_build/render.log"), "old log").unwrap();
    let output = build(Path::new("sample-data"), &out, &["--month", "2026-10"]);
    assert!(output.status.success());
    assert_eq!(std::fs::read_to_string(out.join("notes.md")).unwrap(), "my own notes\n");
    assert!(out.join("figures/extra/logo.svg").exists());
    assert!(!out.join("engagements/gone.md").exists(), "output no longer produced must go");
    assert!(!out.join("_build").exists(), "MyST's cache is rebuilt from the new sources");
    assert!(
        !out.join("pdf/communities/tidewater-ocean-lab/_build").exists(),
        "so are the PDF projects' caches"
    );
}

#[test]
fn a_folder_the_tool_did_not_write_is_refused() {
    let out = temp_folder("foreign");
    std::fs::write(out.join("thesis.md"), "precious").unwrap();
    let output = build(Path::new("sample-data"), &out, &[]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("is not empty and was not written by ces-report"), "{stderr}");
    assert_eq!(std::fs::read_to_string(out.join("thesis.md")).unwrap(), "precious");
}

/// Names that belong to one engagement only.
fn private_names(dataset: &ces_report::model::Dataset, engagement: &str) -> BTreeSet<String> {
    let index = dataset.engagements.iter_enumerated().find(|(_, e)| e.name == engagement).unwrap().0;
    let mut names: BTreeSet<String> = BTreeSet::from([dataset.engagements[index].name.clone()]);
    for project in &dataset.engagements[index].projects {
        names.insert(dataset.projects[*project].name.clone());
        for allocation in &dataset.projects[*project].allocations {
            names.insert(dataset.allocations[*allocation].name.clone());
        }
    }
    for contact in dataset.contacts.iter().filter(|c| c.engagements == [index]) {
        names.insert(contact.email.clone());
    }
    names
}

#[test]
fn an_engagement_page_and_its_downloads_hold_only_its_own_data() {
    let out = sample_book("isolation");
    let dataset = sample_dataset();
    let slugs = [
        "tidewater-ocean-lab",
        "rio-claro-data-society",
        "harbourside-community-college",
        "lumen-public-library-network",
    ];
    for slug in slugs {
        let own = dataset
            .engagements
            .iter()
            .find(|e| ces_report::site::slug::slugify(&e.community, 60) == slug)
            .unwrap();
        let mut files = vec![
            out.join(format!("engagements/{slug}.md")),
            out.join(format!("pdf/communities/{slug}/report.md")),
        ];
        for entry in std::fs::read_dir(out.join("data/communities").join(slug))
            .unwrap()
            .chain(std::fs::read_dir(out.join("figures/communities").join(slug)).unwrap())
        {
            files.push(entry.unwrap().path());
        }
        let texts: Vec<(PathBuf, String)> = files
            .iter()
            .filter(|f| f.exists())
            .map(|f| (f.clone(), literal_text(&std::fs::read_to_string(f).unwrap())))
            .collect();
        assert!(texts.len() >= 4, "{slug}: expected the page, its PDF page and downloads");
        for other in dataset.engagements.iter().filter(|e| e.name != own.name) {
            for name in private_names(&dataset, &other.name) {
                for (file, text) in &texts {
                    assert!(
                        !text.contains(&name),
                        "{} mentions {name:?} of another engagement",
                        file.display()
                    );
                }
            }
        }
    }
}

#[test]
fn billing_contacts_appear_nowhere() {
    let out = sample_book("billing");
    let dataset = sample_dataset();
    let billing_only: Vec<_> = dataset.contacts.iter().filter(|c| !c.is_reported()).collect();
    assert!(billing_only.len() >= 3, "the sample data must exercise this");
    for (path, bytes) in snapshot(&out) {
        let text = literal_text(&String::from_utf8_lossy(&bytes));
        for contact in &billing_only {
            assert!(
                !text.contains(&contact.name) && !text.contains(&contact.email),
                "{path} names Billing contact {}",
                contact.name
            );
        }
    }
}

#[test]
fn templates_can_be_copied_out_and_overridden_file_by_file() {
    let folder = temp_folder("templates");
    let templates = folder.join("templates");
    let output = ces_report(&["templates", templates.to_str().unwrap()]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(templates.join("engagement.md.j2").exists() && templates.join("pdf/template.typ").exists());
    // Keep only an edited dashboard: every other file falls back to the built-in default.
    let dashboard = std::fs::read_to_string(templates.join("dashboard.md.j2")).unwrap();
    std::fs::remove_dir_all(&templates).unwrap();
    std::fs::create_dir_all(&templates).unwrap();
    std::fs::write(
        templates.join("dashboard.md.j2"),
        dashboard.replace("## At a glance", "## This month at a glance"),
    )
    .unwrap();
    let out = folder.join("book");
    let output = build(
        Path::new("sample-data"),
        &out,
        &["--month", "2026-10", "--templates", templates.to_str().unwrap()],
    );
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let index = std::fs::read_to_string(out.join("index.md")).unwrap();
    assert!(index.contains("## This month at a glance"));
    let expected = std::fs::read_to_string(root().join("book/capacity.md")).unwrap();
    assert_eq!(std::fs::read_to_string(out.join("capacity.md")).unwrap(), expected);
}

/// Communities named like the tool's own outputs or like each other.
fn colliding_data(folder: &Path) {
    let communities = ["2i2c CES Report", "Monthly Report", "A b", "a-b"];
    let mut engagements = String::from(
        "Engagement name,Community,Engagement start date,Engagement end date,Engagement description,Status\n",
    );
    let mut projects =
        String::from("Project name,Engagement,Project start date,Project end date,Project description\n");
    let mut allocations = String::from("Allocation name,Project,Allocation start date,Allocation end date,Hours available,Allocation provider\n");
    let mut activities = String::from("Allocation,Team member,Units,Description,Start date\n");
    let mut contacts = String::from("Name,Email,Engagement,Role\n");
    for (index, community) in communities.iter().enumerate() {
        engagements.push_str(&format!("E{index},{community},1/1/2026,12/31/2027,Tier,Active\n"));
        projects.push_str(&format!("P{index},E{index},1/1/2026,12/31/2027,Outcome\n"));
        allocations.push_str(&format!("A{index},P{index},10/1/2026,12/31/2026,10,Ana\n"));
        activities.push_str(&format!("A{index},Ana,1,Work,10/5/2026\n"));
        contacts.push_str(&format!("Person {index},p{index}@example.org,E{index},Technical\n"));
    }
    for (file, text) in [
        ("engagements.csv", engagements),
        ("projects.csv", projects),
        ("allocations.csv", allocations),
        ("activities.csv", activities),
        ("contacts.csv", contacts),
    ] {
        std::fs::write(folder.join(file), text).unwrap();
    }
}

#[test]
fn communities_named_like_outputs_or_each_other_each_get_their_own_pdf() {
    let folder = temp_folder("collisions");
    let data = folder.join("data");
    std::fs::create_dir_all(&data).unwrap();
    colliding_data(&data);
    let out = folder.join("book");
    let output = build(&data, &out, &["--month", "2026-10"]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("warning: communities \"A b\" and \"a-b\" make the same file name \"a-b\": their files are named \"a-b-"),
        "{stderr}"
    );
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("exports/manifest.json")).unwrap()).unwrap();
    let aggregated = manifest["aggregated_pdf"].as_str().unwrap();
    assert_eq!(aggregated, "exports/2i2c-ces-report-2026-10.pdf");
    let entries = manifest["communities"].as_array().unwrap();
    assert_eq!(entries.len(), 4);
    let mut pdfs = BTreeSet::new();
    for entry in entries {
        let pdf = entry["pdf"].as_str().unwrap();
        assert!(pdf.starts_with("exports/communities/"), "{pdf}");
        assert_ne!(pdf, aggregated);
        assert!(pdfs.insert(pdf.to_string()), "two communities share {pdf}");
        // The PDF's own project builds that community's page, and only it.
        let index = entry["engagement"].as_str().unwrap().trim_start_matches('E');
        let email = format!("p{index}@example.org");
        assert_eq!(entry["to"][0]["email"], email.as_str());
        let slug = pdf.trim_start_matches("exports/communities/").trim_end_matches("-2026-10.pdf");
        let project = out.join("pdf/communities").join(slug);
        let config = std::fs::read_to_string(project.join("myst.yml")).unwrap();
        let community = entry["community"].as_str().unwrap();
        assert!(config.contains(&format!("community: \"{community}\"")), "{config}");
        assert!(config.contains(&format!("output: {}\n", ces_report::render::TYPST_SOURCE)), "{config}");
        let page = std::fs::read_to_string(project.join("report.md")).unwrap();
        assert!(literal_text(&page).contains(&email), "{slug}'s PDF page is not about E{index}");
    }
    let aggregated_config = std::fs::read_to_string(out.join("pdf/monthly-report/myst.yml")).unwrap();
    assert!(aggregated_config.contains("id: \"monthly-report\""), "{aggregated_config}");
    // Stable: the same names get the same files on every run.
    let again = folder.join("again");
    assert!(build(&data, &again, &["--month", "2026-10"]).status.success());
    assert_eq!(
        std::fs::read(again.join("exports/manifest.json")).unwrap(),
        std::fs::read(out.join("exports/manifest.json")).unwrap()
    );
}

/// Alpha Lab's October with `entries` entries in all: the baseline's two and one-hour calls.
fn alpha_october(entries: usize) -> (String, String) {
    let calls: String = (2..entries)
        .map(|n| format!("Alpha 2026 Q4,Ana Silva,1,Call {n},10/{}/2026,,10/28/2026 9:00am\n", 6 + n % 20))
        .collect();
    let data = Data::baseline().add("activities.csv", &calls).folder(&format!("busy-month-{entries}"));
    let out = data.join("book");
    let output = build(&data, &out, &["--month", "2026-10"]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let read = |path: &str| std::fs::read_to_string(out.join(path)).unwrap();
    (literal_text(&read("pdf/communities/alpha-lab/report.md")), read("engagements/alpha-lab.md"))
}

#[test]
fn a_month_of_more_than_forty_entries_is_summed_up_in_the_community_report_only() {
    let (report, site) = alpha_october(40);
    assert!(report.contains("Call 39"), "40 entries are listed one by one");
    assert!(!report.contains("summed up per allocation"));

    let (report, site_busy) = alpha_october(41);
    assert!(!report.contains("Call 40"), "{report}");
    assert!(report.contains(
        "41 entries in October 2026, summed up per allocation. Reply to this email for the full list."
    ));
    assert!(report.contains("| Alpha 2026 Q4 | 43 | 41 |"), "{report}");
    for page in [&site, &site_busy] {
        assert!(
            page.contains("Call 39") && !page.contains("summed up per allocation"),
            "the site lists every entry"
        );
    }
    assert!(site_busy.contains("Call 40"));
}

#[test]
fn the_site_lists_the_latest_hundred_entries_of_the_months_before() {
    // 105 one-hour entries in September, one a day from the 1st, oldest first; October's
    // report lists October, and its site page the latest 100 of September's.
    let september: String = (0..105)
        .map(|n| {
            format!("Alpha 2026 Q3,Ana Silva,1,September call {n},9/{}/2026,,9/30/2026 9:00am\n", 1 + n % 29)
        })
        .collect();
    let allocation = "Alpha 2026 Q3,Alpha hub,7/1/2026,9/30/2026,200,Ana Silva\n";
    let data = Data::baseline()
        .add("allocations.csv", allocation)
        .add("activities.csv", &september)
        .folder("recent-entries");
    let out = data.join("book");
    let output = build(&data, &out, &["--month", "2026-10"]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let site = std::fs::read_to_string(out.join("engagements/alpha-lab.md")).unwrap();
    assert!(site.contains("## The months before, July – September 2026"), "{site}");
    assert!(site.contains("The latest 100 of their 105 entries."), "{site}");
    let listed = site.lines().filter(|line| line.starts_with("| 2026\\-09")).count();
    assert_eq!(listed, 100);
    assert!(site.contains("All 107 entries are in the [activity record (CSV)]"), "{site}");
}

/// A folder written by `pull` says when: every page states the as-of date and the pull's day
/// and UTC time, in the same words.
#[test]
fn every_page_states_when_the_data_was_pulled() {
    let data = temp_folder("pulled-data");
    for entry in std::fs::read_dir(root().join("sample-data")).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, data.join(path.file_name().unwrap())).unwrap();
    }
    std::fs::write(data.join("pull.json"), r#"{"pulled_at": "2026-11-01T06:05:09Z"}"#).unwrap();
    let out = data.join("book");
    let output = build(&data, &out, &["--month", "2026-10"]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let line =
        "Figures as of **31 October 2026**, from the Airtable data pulled on 1 November 2026 at 06:05 UTC.";
    for page in [
        "index.md",
        "monthly-report.md",
        "since-last-meeting.md",
        "capacity.md",
        "data-warnings.md",
        "engagements/northwind-atmospheric-consortium.md",
    ] {
        let text = literal_text(&std::fs::read_to_string(out.join(page)).unwrap());
        assert!(text.contains(line), "{page} lacks {line:?}");
    }
}
