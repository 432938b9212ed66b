//! `brief`: the check-in brief's quarter totals for an engagement spanning a year boundary, the
//! kinds of work on a fixed set of descriptions, which community a name finds and the message
//! for an unknown one, the keyword table from `--templates`, and one sample community's PDF
//! read back: its figures those of `summary --format json`, no Billing contact anywhere.

use std::path::Path;

use serde_json::Value;

use crate::support::*;

/// Writes `data` into a fresh folder and returns it.
/// `ces-report brief DATA --community NAME --out OUT ARGS…`.
fn brief(data: &Path, community: &str, out: &Path, args: &[&str]) -> std::process::Output {
    let mut all =
        vec!["brief", data.to_str().unwrap(), "--community", community, "--out", out.to_str().unwrap()];
    all.extend_from_slice(args);
    ces_report(&all)
}

/// The brief's Markdown page (`--no-pdf`), which must be written.
fn brief_page(data: &Path, community: &str, as_of: &str, extra: &[&str]) -> String {
    let out = data.join("brief");
    let mut args = vec!["--as-of", as_of, "--no-pdf"];
    args.extend_from_slice(extra);
    let output = brief(data, community, &out, &args);
    assert!(output.status.success(), "brief failed:\n{}", text(&output.stderr));
    std::fs::read_to_string(out.join("brief.md")).unwrap()
}

/// The rows of the page's table whose header row starts with `header`, as cells.
fn table_rows(page: &str, header: &str) -> Vec<Vec<String>> {
    let lines: Vec<&str> = page.lines().collect();
    let start = lines.iter().position(|line| line.starts_with(header)).unwrap_or_else(|| {
        panic!("no table {header:?} in:\n{page}");
    });
    lines[start + 2..]
        .iter()
        .take_while(|line| line.starts_with('|'))
        .map(|line| {
            let cells = line.trim().trim_matches('|');
            cells.split(" | ").map(|cell| literal_text(cell.trim())).collect()
        })
        .collect()
}

#[test]
fn quarter_totals_of_an_engagement_spanning_a_year_boundary() {
    // Alpha's engagement runs from 1 January 2026; as of Monday 15 March 2027:
    // - 5 and 20 October 2026: 2 h each, in 2026 Q4;
    // - 10 December 2026: 3 h, in 2026 Q4;
    // - Monday 28 December 2026 to Friday 8 January 2027, 10 h over its 10 working days
    //   (28–31 December, 1 and 4–8 January): 4 h in 2026 Q4 and 6 h in 2027 Q1;
    // - 3 February 2027: 1.5 h, in 2027 Q1, counted to date;
    // - 20 March 2027: after the as-of date, not counted.
    // 2026 Q4: 2 + 2 + 3 + 4 = 11 h; 2027 Q1: 6 + 1.5 = 7.5 h; in all 18.5 h.
    let data = Data::baseline()
        .add(
            "projects.csv",
            "Alpha winter,Alpha 2026 Premier,11/1/2026,1/31/2027,Winter school,Up to 14 hours\n",
        )
        .add(
            "allocations.csv",
            "Alpha winter school,Alpha winter,11/1/2026,1/31/2027,14,Ben Okafor\n\
             Alpha 2027 Q1,Alpha hub,1/1/2027,3/31/2027,12,Ana Silva\n",
        )
        .add(
            "activities.csv",
            "Alpha winter school,Ben Okafor,3,Workshop prep,12/10/2026,,12/10/2026\n\
             Alpha winter school,Ana Silva,10,Winter school workshops,12/28/2026,1/8/2027,1/8/2027\n\
             Alpha 2027 Q1,Ana Silva,1.5,Office hours,2/3/2027,,2/3/2027\n\
             Alpha 2027 Q1,Ana Silva,4,Later call,3/20/2027,,3/20/2027\n",
        );
    let folder = data.folder("brief-quarters");
    let page = brief_page(&folder, "Alpha Lab", "2027-03-15", &[]);
    assert_eq!(
        table_rows(&page, "| Quarter |"),
        [
            ["2026 Q1", "0"],
            ["2026 Q2", "0"],
            ["2026 Q3", "0"],
            ["2026 Q4", "11"],
            ["2027 Q1 (to date)", "7.5"],
        ]
    );
    assert!(page.contains("18\\.5 h delivered over the whole engagement, in 5 logged activities"), "{page}");
    // The same total as the summary's hours used.
    let summary =
        ces_report(&["summary", folder.to_str().unwrap(), "--as-of", "2027-03-15", "--format", "json"]);
    let json: Value = serde_json::from_slice(&summary.stdout).unwrap();
    assert_eq!(json["engagements"][0]["used"], 18.5);
    // The engagement ends on 31 December 2027: 291 days after 15 March 2027.
    assert!(page.contains("**in 291 days**: the engagement ends on 31 December 2027"), "{page}");
    // By member, most first: Ana Silva 2 + 10 + 1.5 = 13.5 h, Ben Okafor 2 + 3 = 5 h.
    let team = page.lines().find(|line| line.starts_with("- **Who worked with them:**")).expect("team line");
    assert_eq!(
        crate::support::literal_text(team),
        "- **Who worked with them:** Ana Silva (13.5 h) and Ben Okafor (5 h)."
    );
}

#[test]
fn kinds_of_work_on_a_fixed_set_of_descriptions() {
    let hostile = "*Bold* [link](http://x) {raw:typst}`#x`";
    let data = Data::baseline().add(
        "activities.csv",
        &format!(
            "Alpha 2026 Q4,Ana Silva,3,Workshop: intro to Jupyter,10/6/2026,,\n\
             Alpha 2026 Q4,Ana Silva,1,Answered questions by email,10/7/2026,,\n\
             Alpha 2026 Q4,Ben Okafor,0.5,Quarterly summary email,10/8/2026,,\n\
             Alpha 2026 Q4,Ana Silva,1,Planning call for the workshop,10/9/2026,,\n\
             Alpha 2026 Q4,Ben Okafor,1,Tidying up,10/12/2026,,\n\
             Alpha 2026 Q4,Ben Okafor,0.5,\"{}\",10/13/2026,,\n",
            hostile.replace('"', "\"\"")
        ),
    );
    let folder = data.folder("brief-kinds");
    let page = brief_page(&folder, "Alpha Lab", "2026-10-31", &[]);
    // The baseline's "Kick-off call" (2 h) and "Image update" (2 h), and the six above: 11 h.
    // A description is the first group of templates/brief-topics.toml with a keyword among
    // its words ("Planning call for the workshop" is a workshop: workshops come first); most
    // hours first, table order on a tie, the rest last. Examples: the descriptions logged most
    // often, the one with more hours on a tie. Shares of 11 h: 4 h is 36%, 0.5 h 5%.
    let rows = table_rows(&page, "| Kind of work |");
    let expected: [[&str; 5]; 6] = [
        [
            "Workshops and training",
            "4",
            "36%",
            "2",
            "Workshop: intro to Jupyter; Planning call for the workshop",
        ],
        ["Meetings and check-ins", "2", "18%", "1", "Kick-off call"],
        ["Hub and environment", "2", "18%", "1", "Image update"],
        ["Support and troubleshooting", "1", "9%", "1", "Answered questions by email"],
        ["Emails, reports and docs", "0.5", "5%", "1", "Quarterly summary email"],
        ["Other", "1.5", "14%", "2", &format!("Tidying up; {hostile}")],
    ];
    assert_eq!(rows, expected.map(|row| row.map(str::to_string).to_vec()));
}

#[test]
fn the_keyword_table_comes_from_the_templates_folder() {
    let folder = Data::baseline().folder("brief-topics");
    let templates = folder.join("templates");
    std::fs::create_dir_all(&templates).unwrap();
    std::fs::write(
        templates.join("brief-topics.toml"),
        "other = \"Everything else\"\n[[group]]\nname = \"Talking\"\nkeywords = [\"call\"]\n",
    )
    .unwrap();
    let templates_arg = templates.to_str().unwrap();
    let page = brief_page(&folder, "Alpha Lab", "2026-10-31", &["--templates", templates_arg]);
    let kinds: Vec<String> =
        table_rows(&page, "| Kind of work |").into_iter().map(|row| row[0].clone()).collect();
    assert_eq!(kinds, ["Talking", "Everything else"]);

    std::fs::write(
        templates.join("brief-topics.toml"),
        "[[group]]\nname = \"Talking\"\nkeywords = [\"?\"]\n",
    )
    .unwrap();
    let output =
        brief(&folder, "Alpha Lab", &folder.join("refused"), &["--no-pdf", "--templates", templates_arg]);
    assert_eq!(output.status.code(), Some(1));
    assert!(text(&output.stderr).starts_with("error: template brief-topics.toml: missing field `other`"));
    assert!(!folder.join("refused").exists());
}

#[test]
fn an_unknown_community_gets_the_list_of_known_ones() {
    let data = Data::baseline().add(
        "engagements.csv",
        "Zeta 2026,Zeta Org,1/1/2026,12/31/2026,Tier,Active,rec2\n\
         Beta 2026,beta Group,1/1/2026,12/31/2026,Tier,Active,rec3\n\
         Beta 2027,beta Group,1/1/2027,12/31/2027,Tier,Closed-Won,rec4\n",
    );
    let folder = data.folder("brief-unknown");
    let out = folder.join("brief");
    let output = brief(&folder, "Gamma", &out, &["--as-of", "2026-10-31", "--no-pdf"]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        text(&output.stderr),
        "error: no community \"Gamma\": known communities are Alpha Lab, beta Group, Zeta Org\n"
    );
    assert!(!out.exists(), "nothing is written");
}

#[test]
fn a_community_is_found_by_its_name_in_any_case_or_by_its_slug() {
    let data = Data::baseline()
        .add("engagements.csv", "Alpha 2028,Alpha Lab,1/1/2028,12/31/2028,Tier,Closed-Won,rec2\n");
    let folder = data.folder("brief-names");
    let out = folder.join("brief");
    for name in ["Alpha Lab", "  ALPHA lab ", "alpha-lab"] {
        let output = brief(&folder, name, &out, &["--as-of", "2026-10-31", "--no-pdf"]);
        assert!(output.status.success(), "{name:?}: {}", text(&output.stderr));
        // Two engagements: the one running on the as-of date, not the one still to start.
        assert_eq!(
            text(&output.stdout),
            format!("brief     {} (Alpha 2026 Premier, as of 2026-10-31)\n", out.join("brief.md").display()),
            "{name:?}"
        );
    }
    let output = brief(&folder, "alpha", &out, &["--as-of", "2026-10-31", "--no-pdf"]);
    assert_eq!(text(&output.stderr), "error: no community \"alpha\": known communities are Alpha Lab\n");
}

/// Hours as the pages write them: `161.5`, `1,400`.
fn hours_text(value: &Value) -> String {
    ces_report::present::format::hours_grouped(value.as_f64().expect("hours"))
}

#[test]
fn a_sample_brief_pdf_reads_the_summary_figures_and_names_no_billing_contact() {
    let folder = temp_folder("brief-sample");
    let out = folder.join("tidewater");
    let sample = root().join("sample-data");
    let output = brief(&sample, "tidewater-ocean-lab", &out, &["--as-of", "2026-10-31"]);
    assert!(output.status.success(), "brief failed:\n{}", text(&output.stderr));
    let pdf = out.join("exports/tidewater-ocean-lab-brief-2026-10-31.pdf");
    assert!(
        text(&output.stdout).contains(&format!("PDF       {} (2 pages", pdf.display())),
        "{}",
        text(&output.stdout)
    );
    let pdf_text = pdf_text(&pdf);

    let summary =
        ces_report(&["summary", sample.to_str().unwrap(), "--as-of", "2026-10-31", "--format", "json"]);
    let json: Value = serde_json::from_slice(&summary.stdout).unwrap();
    let engagement = json["engagements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["community"] == "Tidewater Ocean Lab")
        .unwrap();
    let row = ["available", "used", "left_now", "not_started", "expired"]
        .map(|field| format!("{} h", hours_text(&engagement[field])))
        .join(" ");
    assert_eq!(engagement["overrun"], 0.0, "no overrun column");
    assert!(
        pdf_text.contains(&format!("Available Used Left to use now Not started yet Expired unused\n{row}\n")),
        "{pdf_text}"
    );
    let used = hours_text(&engagement["used"]);
    assert!(pdf_text.contains(&format!("{used} h delivered over the whole engagement")), "{pdf_text}");
    // Ends 2027-12-31: 426 days after 2026-10-31.
    assert_eq!(engagement["end"], "2027-12-31");
    assert!(pdf_text.contains("in 426 days: the engagement ends on 31 December 2027"), "{pdf_text}");
    assert!(pdf_text.contains("How happy are you with the service?"));

    let billing_only: Vec<String> = sample_dataset()
        .contacts
        .iter()
        .filter(|contact| !contact.is_reported())
        .flat_map(|contact| [contact.name.clone(), contact.email.clone()])
        .filter(|text| !text.is_empty())
        .collect();
    assert!(billing_only.iter().any(|name| name == "Derek Osei"), "Tidewater has a Billing contact");
    let page = std::fs::read_to_string(out.join("brief.md")).unwrap();
    let pdf_page = std::fs::read_to_string(out.join("pdf/brief/report.md")).unwrap();
    for written in [&pdf_text, &literal_text(&page), &literal_text(&pdf_page)] {
        for text in &billing_only {
            assert!(!written.contains(text.as_str()), "{text} appears in the brief");
        }
    }
    // The Technical and Administrative contacts are named.
    assert!(pdf_text.contains("Marisol Vega (Technical)"), "{pdf_text}");
}

#[test]
fn the_same_brief_twice_is_the_same_bytes_pdf_included() {
    let sample = root().join("sample-data");
    let folder = temp_folder("brief-twice");
    let written: Vec<_> = ["first", "second"]
        .iter()
        .map(|name| {
            let out = folder.join(name);
            let output = brief(&sample, "Río Claro Data & Society", &out, &["--as-of", "2026-10-31"]);
            assert!(output.status.success(), "{}", text(&output.stderr));
            files_under(&out, &|path| path.split('/').any(|part| part == "_build"))
        })
        .collect();
    assert!(written[0].contains_key("brief.md"));
    assert!(written[0].contains_key("figures/quarters.svg"));
    assert!(written[0].contains_key("pdf/brief/report.md"));
    let pdf = "exports/rio-claro-data-society-brief-2026-10-31.pdf";
    assert!(written[0].contains_key(pdf), "{:?}", written[0].keys());
    assert_eq!(written[0], written[1]);
}

#[test]
fn the_brief_puts_the_commercial_findings_and_the_calls_figures_before_the_checklist() {
    // The baseline's engagement now ends Thu 2026-12-31 and is worth $12,000; a pilot project
    // (Jun 1 – Sep 30 2026, 10 h, a go/no-go deliverable) used 4 h on Wed Jun 10. As of Mon
    // 2026-11-30:
    // - renewal due: 31 days left, within 60; since 60 days before the end, 2026-11-01;
    // - the pilot ended on 30 September with 10 − 4 = 6 h expired: its deliverable is asked
    //   about, since the hours expired on 1 October;
    // - 8 h delivered in all (4 h Q4, 4 h pilot); by 30 November the contract has earned
    //   12,000 × 238 / 261 working days = 10,942.53: 10,942.53 / 8 = 1,368 USD per hour;
    // - activities from Jun 10 to Tue Oct 20 (Image update); the last contact Mon Oct 5 (the
    //   Kick-off call, a meeting in brief-topics.toml);
    // - left now: Q4's 12 − 4 = 8 h, to use by 31 December 2026.
    let data = Data::baseline()
        .with(
            "engagements.csv",
            &ENGAGEMENTS
                .replace("Record ID", "Record ID,Contract value")
                .replace("rec1", "rec1,\"$12,000\"")
                .replace("12/31/2027", "12/31/2026"),
        )
        .add(
            "projects.csv",
            "Alpha pilot,Alpha 2026 Premier,6/1/2026,9/30/2026,\"GPU pilot\nDeliverable: a go/no-go recommendation.\",Up to 10 hours\n",
        )
        .add("allocations.csv", "Alpha pilot 2026,Alpha pilot,6/1/2026,9/30/2026,10,Ana Silva\n")
        .add("activities.csv", "Alpha pilot 2026,Ana Silva,4,GPU image build,6/10/2026,,\n");
    let folder = data.folder("brief-commercial");
    let page = brief_page(&folder, "Alpha Lab", "2026-11-30", &[]);
    let key = |name: &str| {
        table_rows(&page, "| Engagement |").into_iter().find(|row| row[0] == name).map(|row| row[1].clone())
    };
    assert_eq!(key("Contract value").as_deref(), Some("12,000 USD, 1,368 USD per hour delivered"));
    assert_eq!(key("Renewal").as_deref(), Some("**in 31 days**: the engagement ends on 31 December 2026"));
    assert!(
        literal_text(&page).contains(
            "8 h delivered over the whole engagement, in 3 logged activities from 10 June 2026 to 20 \
             October 2026, the last call or meeting on 5 October 2026. Left to use now: 8 h by 31 \
             December 2026.\n"
        ),
        "{page}"
    );
    assert_eq!(
        table_rows(&page, "| Finding | Who acts | Suggested action |"),
        [
            [
                "The engagement ends on 2026-12-31, in 31 days: renewal is due. Since 1 November 2026.",
                "Partnerships",
                "Start the renewal conversation",
            ],
            [
                "GPU pilot ended on 30 September 2026, 6 h unused; deliverable: a go/no-go recommendation.",
                "Business Development",
                "Ask whether it was received and what comes next",
            ],
        ]
    );
    assert!(!page.contains("## Other findings"), "no other finding: no section");
    let at = |heading: &str| page.find(heading).unwrap_or_else(|| panic!("no {heading:?} in:\n{page}"));
    assert!(at("## For Business Development") < at("## How they used the service"));
    assert!(at("## How they used the service") < at("## Check-in questions"));
}
