//! Did it help? The wrap-up's feedback form read back, hand-worked on a fixture of responses for
//! the sample (October 2026; wrap-ups count as asking from 1 July 2026):
//!
//! - Ten wrap-ups were due: the allocations that ended from 1 July to 30 October: Tidewater,
//!   Kestrel, Río Claro, Northwind (two: Q3 and the GPU pilot), Saltmarsh, Lumen and Cedar
//!   Ridge's Q3, and Harbourside's July and August.
//! - Counted, four responses: Tidewater Q3 5 (2 October); Harbourside August 4 (5 October: the
//!   same respondent's second answer replaces the 3 of 3 October); Río Claro Q3 2 (6 October);
//!   Harbourside July 4 (4 August, no address). A response naming "Atlantis Institute" is
//!   warned about and left out; Kestrel's of 3 November comes after the as-of date.
//! - The service: 4 responses, a mean of (5 + 4 + 2 + 4) / 4 = 3.75, 4 of 10 wrap-ups
//!   answered (40%); 2026 Q3 one response (4), 2026 Q4 three (5, 4, 2: 3.67).
//! - Communities, lowest first: Río Claro 2 (1 of 1), Harbourside 4 (2 of 2), Tidewater 5 (1 of
//!   1), then those without an answer: Kestrel, Northwind (0 of 2), Saltmarsh, Lumen, Cedar
//!   Ridge. Providers: Mateo Ferreira 2 (1 of 2), Priya Raghunathan 4 (2 of 3), Wren Calloway 5
//!   (1 of 2), then Amara Okonkwo, Hana Kobayashi, Jonas Lindqvist (0 of 1 each).
//! - Northwind's last two wrap-ups (Q3 and the GPU pilot) went unanswered: its providers ask
//!   again.

use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use crate::support::{ces_report, literal_text, pdf_text, root, temp_folder, text};

const FEEDBACK: &str = "Timestamp,Email Address,Community,Allocation,How valuable was our support? (1–5),Comment
10/2/2026 9:15:00,marisol@tidewater.example.org,Tidewater Ocean Lab,Tidewater Ocean Lab — Hub support 2026 Q3,5,The migration help was excellent.
10/3/2026 10:00:00,elena@harbourside.example.edu,Harbourside Community College,Harbourside Community College — Intro stats hub August 2026,3,\"Good, but response times slipped in August.\"
10/5/2026 11:00:00,Elena@Harbourside.example.edu,Harbourside Community College,Harbourside Community College — Intro stats hub August 2026,4,Better after the call.
10/6/2026 16:20:00,tomas@rioclaro.example.org,Río Claro Data & Society,Río Claro Data & Society — Open data clinics 2026 Q3,2,Too few hours for the clinic.
8/4/2026 12:00:00,,Harbourside Community College,Harbourside Community College — Intro stats hub July 2026,4,
10/7/2026 8:00:00,someone@atlantis.example.org,Atlantis Institute,Atlantis — Hub 2026 Q3,1,Who are you?
11/3/2026 9:00:00,lee@kestrel.example.org,Kestrel Valley Schools,Kestrel Valley Schools — Classroom hub onboarding 2026 Q3,5,Late but happy.
";

const FORM: &str =
    "https://forms.example.org/d/e/FORM/viewform?usp=pp_url&entry.1={community}&entry.2={allocation}";

/// The sample with the form's responses and its settings: the form's score question mapped,
/// wrap-ups due from 1 July, the pre-filled form link.
fn sample_with_feedback(name: &str, feedback: &str) -> PathBuf {
    let folder = temp_folder(name);
    for entry in std::fs::read_dir(root().join("sample-data")).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, folder.join(path.file_name().unwrap())).unwrap();
    }
    let settings = std::fs::read_to_string(folder.join("settings.toml")).unwrap();
    let settings = format!(
        "feedback_url = \"{FORM}\"\n{settings}\n[feedback]\nsince = 2026-07-01\n\n[columns.feedback]\nscore = \"How valuable was our support? (1–5)\"\n"
    );
    std::fs::write(folder.join("settings.toml"), settings).unwrap();
    std::fs::write(folder.join("feedback.csv"), feedback).unwrap();
    folder
}

fn score(
    name: &str,
    responses: u64,
    mean: Option<f64>,
    due: u64,
    answered: u64,
) -> (String, u64, Option<f64>, u64, u64) {
    (name.to_string(), responses, mean, due, answered)
}

fn scores(list: &Value) -> Vec<(String, u64, Option<f64>, u64, u64)> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["name"].as_str().unwrap().to_string(),
                s["responses"].as_u64().unwrap(),
                s["mean"].as_f64(),
                s["wrap_ups_due"].as_u64().unwrap(),
                s["wrap_ups_answered"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn the_forms_responses_give_means_rates_and_trends_the_same_in_every_output() {
    let data = sample_with_feedback("satisfaction", FEEDBACK);
    let data_arg = data.to_str().unwrap();
    let output = ces_report(&["summary", data_arg, "--month", "2026-10", "--format", "json"]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    let found = &json["satisfaction"];
    assert_eq!(
        found["service"],
        json!({
            "responses": 4, "mean": 3.75, "wrap_ups_due": 10, "wrap_ups_answered": 4, "response_rate": 0.4,
            "comments": [
                {"sent": "2026-10-06", "text": "Too few hours for the clinic."},
                {"sent": "2026-10-05", "text": "Better after the call."},
                {"sent": "2026-10-02", "text": "The migration help was excellent."}
            ]
        })
    );
    assert_eq!(
        scores(&found["by_quarter"]),
        [score("2026 Q3", 1, Some(4.0), 0, 0), score("2026 Q4", 3, Some(3.67), 0, 0)]
    );
    assert_eq!(
        scores(&found["by_community"]),
        [
            score("Río Claro Data & Society", 1, Some(2.0), 1, 1),
            score("Harbourside Community College", 2, Some(4.0), 2, 2),
            score("Tidewater Ocean Lab", 1, Some(5.0), 1, 1),
            score("Kestrel Valley Schools", 0, None, 1, 0),
            score("Northwind Atmospheric Consortium", 0, None, 2, 0),
            score("Saltmarsh Ecology Network", 0, None, 1, 0),
            score("Lumen Public Library Network", 0, None, 1, 0),
            score("Cedar Ridge Tribal College", 0, None, 1, 0),
        ]
    );
    assert_eq!(
        scores(&found["by_provider"]),
        [
            score("Mateo Ferreira", 1, Some(2.0), 2, 1),
            score("Priya Raghunathan", 2, Some(4.0), 3, 2),
            score("Wren Calloway", 1, Some(5.0), 2, 1),
            score("Amara Okonkwo", 0, None, 1, 0),
            score("Hana Kobayashi", 0, None, 1, 0),
            score("Jonas Lindqvist", 0, None, 1, 0),
        ]
    );
    assert_eq!(
        found["ask_again"],
        json!([{
            "community": "Northwind Atmospheric Consortium",
            "allocations": ["Northwind Atmospheric Consortium — Model output hub 2026 Q3", "Northwind Atmospheric Consortium — GPU pilot 2026"]
        }])
    );
    let checked = text(&ces_report(&["check", data_arg]).stderr);
    assert!(
        checked.contains("warning: feedback.csv:7: column \"Community\": value \"Atlantis Institute\": no engagement is of this community: this response is not counted"),
        "{checked}"
    );

    // The dashboard and the monthly report state the same numbers; the action list asks again.
    let book = data.join("book");
    let output = crate::support::build(&data, &book, &["--month", "2026-10"]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    for page in ["index.md", "monthly-report.md"] {
        let page = literal_text(&std::fs::read_to_string(book.join(page)).unwrap());
        for expected in [
            "4 responses, a mean of 3.8; wrap-ups answered: 4 of 10 (40%).",
            "| 2026 Q4 | 3 | 3.7 |",
            "| Río Claro Data & Society | 1 | 2.0 | 1 of 1 (100%) | Too few hours for the clinic. (6 October 2026) |",
            "| Harbourside Community College | 2 | 4.0 | 2 of 2 (100%) | Better after the call. (5 October 2026) |",
            "| Northwind Atmospheric Consortium | 0 | – | 0 of 2 (0%) |  |",
            "| Mateo Ferreira | 1 | 2.0 | 1 of 2 (50%) |",
        ] {
            assert!(page.contains(expected), "{page} lacks {expected:?}");
        }
    }
    let report = literal_text(&std::fs::read_to_string(book.join("monthly-report.md")).unwrap());
    assert!(
        report.contains("No answer to the feedback form after the last two wrap-ups (Model output hub 2026 Q3 and GPU pilot 2026). | Jonas Lindqvist and Hana Kobayashi (providers) | Ask again"),
        "{report}"
    );

    // The brief opens its conversation with what the community said since its engagement began.
    let briefs = data.join("briefs");
    let output = ces_report(&[
        "brief",
        data_arg,
        "--community",
        "Harbourside Community College",
        "--as-of",
        "2026-10-31",
        "--no-pdf",
        "--out",
        briefs.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let brief = literal_text(&std::fs::read_to_string(briefs.join("brief.md")).unwrap());
    let questions = &brief[brief.find("## Check-in questions").unwrap()..];
    assert!(
        questions.contains("**What they told us** since 1 September 2025 (feedback form, scores 1–5): 2 responses, a mean of 4.0; wrap-ups answered: 2 of 2 (100%). Latest comments: “Better after the call. (5 October 2026)”."),
        "{questions}"
    );
}

#[test]
fn a_score_off_the_scale_is_refused_with_its_line_and_column() {
    let feedback = format!("{}\n10/2/2026 9:15:00,a@b.example.org,Tidewater Ocean Lab,Tidewater Ocean Lab — Hub support 2026 Q3,6,Great\n", FEEDBACK.lines().next().unwrap());
    let data = sample_with_feedback("score-off-scale", &feedback);
    let output = ces_report(&["check", data.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        text(&output.stderr).contains("error: feedback.csv:2: column \"How valuable was our support? (1–5)\": value \"6\": expected a score from 1 to 5"),
        "{}",
        text(&output.stderr)
    );
}

/// The wrap-up's link pre-fills the form with the community and the allocation, each one query
/// value whatever its characters: read back with Python's URL parser, it names them exactly.
#[test]
fn the_wrap_ups_prefilled_link_names_the_community_and_the_allocation() {
    let link = ces_report::drafts::prefilled(FORM, "Río Claro Data & Society", "Clínica #3 & más = 2026 Q3");
    let parsed = std::process::Command::new("python3")
        .args(["-c", "import sys, urllib.parse, json; q = urllib.parse.urlparse(sys.argv[1]); print(json.dumps(urllib.parse.parse_qs(q.query), ensure_ascii=False))", &link])
        .output()
        .expect("python3");
    let query: Value = serde_json::from_slice(&parsed.stdout).unwrap();
    assert_eq!(query["entry.1"], json!(["Río Claro Data & Society"]));
    assert_eq!(query["entry.2"], json!(["Clínica #3 & más = 2026 Q3"]));
    assert_eq!(query["usp"], json!(["pp_url"]));
    assert!(!link.contains(' ') && !link.contains('#'), "{link}");

    // In a sample wrap-up: Harbourside's August allocation ended on 31 August.
    let data = sample_with_feedback("prefilled-link", FEEDBACK);
    let drafts = data.join("drafts");
    crate::emails::emails(&data, &drafts, &["--as-of", "2026-09-02"]);
    let wrap_up = &crate::emails::parse_drafts(&drafts)
        ["wrap-up-harbourside-community-college-intro-stats-hub-august-2026.eml"];
    let expected = ces_report::drafts::prefilled(
        FORM,
        "Harbourside Community College",
        "Harbourside Community College — Intro stats hub August 2026",
    );
    assert!(wrap_up["body"].as_str().unwrap().contains(&expected), "{}", wrap_up["body"]);
}

/// A community's PDF and usage email carry no comment and no score: they are for the team.
#[test]
fn no_comment_and_no_score_reach_a_communitys_pdf_or_email() {
    let data = sample_with_feedback("feedback-private", FEEDBACK);
    let book = data.join("book");
    crate::support::render(&data, &book);
    let drafts = data.join("drafts");
    crate::emails::emails(
        &data,
        &drafts,
        &[
            "--as-of",
            "2026-11-02",
            "--month",
            "2026-10",
            "--book",
            book.to_str().unwrap(),
            "--from",
            "CES <ces@example.org>",
        ],
    );
    let emails = crate::emails::parse_drafts(&drafts);
    let private = [
        "migration help",
        "Better after the call",
        "Too few hours",
        "response times",
        "mean of",
        "feedback form",
    ];
    for pdf in std::fs::read_dir(book.join("exports/communities")).unwrap() {
        let pdf = pdf.unwrap().path();
        let text = pdf_text(Path::new(&pdf));
        for words in private {
            assert!(!text.contains(words), "{} says {words:?}", pdf.display());
        }
    }
    for (file, email) in emails.iter().filter(|(file, _)| file.starts_with("usage-")) {
        let body = email["body"].as_str().unwrap();
        for words in private {
            assert!(!body.contains(words), "{file} says {words:?}");
        }
    }
}
