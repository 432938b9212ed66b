//! The real `myst build --site` (mystmd pinned in package.json, installed by `npm ci`) on the
//! generated book: no warnings on the sample data, and text from the data rendered literally
//! however hostile it is. These tests fail, never skip, when myst is missing.

use crate::support::*;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn myst() -> PathBuf {
    let myst = root().join("node_modules/.bin/myst");
    assert!(
        myst.exists(),
        "mystmd is not installed: run `npm ci` in {} (scripts/test does)",
        root().display()
    );
    myst
}

fn build_book(data: &Path, out: &Path) {
    let output = Command::new(env!("CARGO_BIN_EXE_ces-report"))
        .args(["build", data.to_str().unwrap(), "--month", "2026-10", "--out", out.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
}

/// Runs the offline site build and returns each page's JSON, failing on any MyST warning.
fn site_content(book: &Path) -> Vec<(String, Value)> {
    let output = Command::new(myst())
        .args(["--config", "myst.offline.yml", "build", "--site"])
        .current_dir(book)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let log =
        format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert!(output.status.success(), "myst failed:\n{log}");
    assert!(!log.contains('⚠') && !log.contains('⛔'), "myst reported problems:\n{log}");
    let content = book.join("_build/site/content");
    let mut pages: Vec<(String, Value)> = std::fs::read_dir(&content)
        .unwrap()
        .map(|entry| {
            let path = entry.unwrap().path();
            let json = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
            (path.file_name().unwrap().to_string_lossy().to_string(), json)
        })
        .collect();
    pages.sort_by(|a, b| a.0.cmp(&b.0));
    pages
}

/// Calls `visit(node)` for every node of the page's syntax tree.
fn walk(node: &Value, visit: &mut dyn FnMut(&Value)) {
    visit(node);
    if let Some(children) = node.get("children").and_then(Value::as_array) {
        for child in children {
            walk(child, visit);
        }
    }
}

#[test]
fn the_sample_book_builds_without_warnings() {
    let out = temp_folder("myst-sample").join("book");
    build_book(&root().join("sample-data"), &out);
    let pages = site_content(&out);
    let names: Vec<&str> = pages.iter().map(|(name, _)| name.as_str()).collect();
    // The dashboard, since the last meeting, capacity, the monthly report, the data warnings and
    // ten communities.
    assert_eq!(names.len(), 15, "{names:?}");
    let dashboard = &pages.iter().find(|(name, _)| name == "index.json").unwrap().1;
    let mut texts = String::new();
    walk(&dashboard["mdast"], &mut |node| {
        if node["type"] == "text" {
            texts.push_str(node["value"].as_str().unwrap());
            texts.push('\n');
        }
    });
    assert!(texts.contains("Río Claro Data & Society"), "{texts}");
    // The status table's reasons in a few words each; the sentence is on the community's page.
    assert!(texts.contains("Model output hub 2026 Q4: forecast 29.5 of 12 h"), "{texts}");
    let northwind =
        &pages.iter().find(|(name, _)| name == "northwind-atmospheric-consortium.json").unwrap().1;
    let mut page = String::new();
    walk(&northwind["mdast"], &mut |node| {
        if node["type"] == "text" {
            page.push_str(node["value"].as_str().unwrap());
        }
    });
    assert!(page.contains("Allocation “Northwind Atmospheric Consortium — Model output hub 2026 Q4” is forecast to use 29.5 h of 12 h by its end on 2026-12-31 at the current pace."), "{page}");
}

/// Text that would be markup if it were not escaped, one per line of the fixture.
const HOSTILE: &[&str] = &[
    "{eval}`1+1` role",
    "$x^2$ math and $$y$$",
    "(target-x)= label",
    "% a comment",
    "+++ block break",
    ":::{warning} colon fence",
    "```{code-cell} python",
    "<script>alert('x')</script>",
    "<img src=x onerror=alert(1)>",
    "<iframe src=\"https://example.org\"></iframe>",
    "[click](javascript:alert(1))",
    "{{ substitution }}",
    "@citation-key and [@cite]",
    "footnote[^1] here",
    "a | table | pipe",
    "# not a heading",
    "> not a quote",
    "- not a list",
    "1. not a list",
    "* not * emphasis _ok_",
    "<!-- html comment -->",
    "https://example.org/autolink?a=1&b=2",
    "{download}`x.csv`",
    "\\backslash\\ and \\* star",
    "~~strike~~ ^sup^ ~sub~",
    "Café Ñandú 📚 & <b>bold</b>",
    "a//b -- c -? d... -5",
    "= heading / term 12. enum",
];

fn hostile_data(folder: &Path) {
    let mut engagements = csv::Writer::from_path(folder.join("engagements.csv")).unwrap();
    engagements
        .write_record([
            "Engagement name",
            "Community",
            "Engagement start date",
            "Engagement end date",
            "Engagement description",
            "Status",
        ])
        .unwrap();
    engagements
        .write_record([
            "<script>E</script> 2026",
            "Comm <b>X</b> | $y$ {eval}`z`",
            "1/1/2026",
            "12/31/2027",
            "# Title\n:::{note}\nbody",
            "Active",
        ])
        .unwrap();
    engagements.flush().unwrap();
    let mut projects = csv::Writer::from_path(folder.join("projects.csv")).unwrap();
    projects
        .write_record([
            "Project name",
            "Engagement",
            "Project start date",
            "Project end date",
            "Project description",
            "Capacity",
        ])
        .unwrap();
    let outcome = HOSTILE.join("\n");
    projects
        .write_record([
            "P [a](b)",
            "<script>E</script> 2026",
            "1/1/2026",
            "12/31/2027",
            &format!("Title `code`\n{outcome}"),
            "Up to 4 hours / quarter",
        ])
        .unwrap();
    projects.flush().unwrap();
    let mut allocations = csv::Writer::from_path(folder.join("allocations.csv")).unwrap();
    allocations
        .write_record([
            "Allocation name",
            "Project",
            "Allocation start date",
            "Allocation end date",
            "Hours available",
            "Allocation provider",
        ])
        .unwrap();
    allocations
        .write_record([
            "Alloc {{ a }} (x)=",
            "P [a](b)",
            "10/1/2026",
            "12/31/2026",
            "40",
            "<img src=x onerror=alert(2)>",
        ])
        .unwrap();
    allocations.flush().unwrap();
    let mut activities = csv::Writer::from_path(folder.join("activities.csv")).unwrap();
    activities.write_record(["Allocation", "Team member", "Units", "Description", "Start date"]).unwrap();
    for (index, text) in HOSTILE.iter().enumerate() {
        let member = if index % 2 == 0 { "Ana $m$ Silva" } else { "% Ben" };
        activities
            .write_record(["Alloc {{ a }} (x)=", member, "1", text, &format!("10/{}/2026", index + 1)])
            .unwrap();
    }
    activities.flush().unwrap();
    let mut contacts = csv::Writer::from_path(folder.join("contacts.csv")).unwrap();
    contacts.write_record(["Name", "Email", "Engagement", "Role", "Position title", "Organization"]).unwrap();
    contacts
        .write_record([
            "Dr. <u>Who</u>",
            "who@example.org",
            "<script>E</script> 2026",
            "Technical",
            "[^2] lead",
            "Org > {{ x }}",
        ])
        .unwrap();
    contacts.flush().unwrap();
}

/// Node types that text from a cell must never become.
const FORBIDDEN: &[&str] = &[
    "html",
    "inlineMath",
    "math",
    "mystRole",
    "mystDirective",
    "footnoteReference",
    "footnoteDefinition",
    "cite",
    "citeGroup",
    "mystTarget",
    "comment",
    "code",
    "inlineCode",
    "blockquote",
    "thematicBreak",
    "definition",
    "linkReference",
    "delete",
    "superscript",
    "subscript",
    "iframe",
];

#[test]
fn hostile_cell_text_renders_literally_on_the_site() {
    let folder = temp_folder("hostile");
    let data = folder.join("data");
    std::fs::create_dir_all(&data).unwrap();
    hostile_data(&data);
    let out = folder.join("book");
    build_book(&data, &out);
    let pages = site_content(&out);
    let mut texts = Vec::new();
    for (name, page) in &pages {
        walk(&page["mdast"], &mut |node| {
            let kind = node["type"].as_str().unwrap_or_default();
            assert!(!FORBIDDEN.contains(&kind), "{name}: cell text became a `{kind}` node: {node}");
            if kind == "link" {
                let url = node["url"].as_str().unwrap_or_default();
                assert!(
                    !url.contains("javascript") && !url.contains("example.org"),
                    "{name}: link from cell text: {url}"
                );
            }
            if kind == "text" {
                texts.push(node["value"].as_str().unwrap().to_string());
            }
        });
    }
    let all_text = texts.join("\n");
    for text in HOSTILE {
        assert!(texts.iter().any(|t| t.contains(text)), "not found literally as text: {text:?}");
    }
    for text in [
        "Comm <b>X</b> | $y$ {eval}`z`",
        "Alloc {{ a }} (x)=",
        "<img src=x onerror=alert(2)>",
        "Ana $m$ Silva",
        "% Ben",
        "Dr. <u>Who</u>",
        "[^2] lead",
    ] {
        assert!(all_text.contains(text), "not found literally as text: {text:?}");
    }
}
