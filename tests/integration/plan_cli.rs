//! `ces-report plan` on the command line: a monthly SoW phrase expanded into periods,
//! `--no-prorate` and `--all`, each output worked by hand.
//!
//! The data: one project, Alpha monthly, from Thu 2026-10-15 to Wed 2027-01-20, promising
//! "Up to 4 hours / month". October 2026 has 22 working days, 12 of them from Oct 15 (Oct 15–16,
//! 19–23, 26–30); January 2027 has 21 (Fri Jan 1, then four full weeks), 14 of them up to
//! Jan 20 (Jan 1, 4–8, 11–15, 18–20). November and December are whole.

use std::path::PathBuf;

use crate::support::{ces_report, text, Data};

const HEADER: &str = "Allocation name,Project,Allocation start date,Allocation end date,Hours available,Note";

/// The monthly project with `allocations` (rows of allocations.csv) and no activity.
fn monthly(name: &str, allocations: &str) -> PathBuf {
    Data::baseline()
        .with(
            "projects.csv",
            "Project name,Engagement,Project start date,Project end date,Project description,Capacity
Alpha monthly,Alpha 2026 Premier,10/15/2026,1/20/2027,Monthly office hours,Up to 4 hours / month
",
        )
        .with(
            "allocations.csv",
            &format!("Allocation name,Project,Allocation start date,Allocation end date,Hours available,Allocation provider\n{allocations}"),
        )
        .with("activities.csv", "Allocation,Team member,Units,Start date\n")
        .folder(name)
}

fn plan(folder: &std::path::Path, extra: &[&str]) -> String {
    let mut args = vec!["plan", folder.to_str().unwrap()];
    args.extend_from_slice(extra);
    let output = ces_report(&args);
    assert!(output.status.success(), "{args:?}: {}", text(&output.stderr));
    assert_eq!(text(&output.stderr), "", "{args:?}");
    text(&output.stdout)
}

#[test]
fn a_monthly_phrase_gives_one_allocation_per_month_with_cut_months_pro_rated() {
    // October: 4 × 12/22 = 2.18 h, to the nearest half hour 2 h. January: 4 × 14/21 = 2.67 h
    // → 2.5 h. November and December: 4 h each.
    let folder = monthly("plan-monthly", "");
    assert_eq!(
        plan(&folder, &["--as-of", "2026-10-01"]),
        format!(
            "{HEADER}
Alpha monthly October 2026,Alpha monthly,2026-10-15,2026-10-31,2,pro-rated from 4 h: 12 of 22 working days
Alpha monthly November 2026,Alpha monthly,2026-11-01,2026-11-30,4,
Alpha monthly December 2026,Alpha monthly,2026-12-01,2026-12-31,4,
Alpha monthly January 2027,Alpha monthly,2027-01-01,2027-01-20,2.5,pro-rated from 4 h: 14 of 21 working days
"
        )
    );
}

#[test]
fn no_prorate_on_the_command_line_keeps_the_full_hours_of_cut_months() {
    let folder = monthly("plan-no-prorate", "");
    assert_eq!(
        plan(&folder, &["--as-of", "2026-10-01", "--no-prorate"]),
        format!(
            "{HEADER}
Alpha monthly October 2026,Alpha monthly,2026-10-15,2026-10-31,4,
Alpha monthly November 2026,Alpha monthly,2026-11-01,2026-11-30,4,
Alpha monthly December 2026,Alpha monthly,2026-12-01,2026-12-31,4,
Alpha monthly January 2027,Alpha monthly,2027-01-01,2027-01-20,4,
"
        )
    );
}

#[test]
fn all_lists_every_period_with_the_allocation_already_covering_it() {
    // November is allocated; as of Sun Nov 1, October is over. Without --all only December
    // and January are left to allocate; with it, every month, November with its allocation.
    let folder = monthly("plan-all", "Alpha November,Alpha monthly,11/1/2026,11/30/2026,4,Ana Silva\n");
    assert_eq!(
        plan(&folder, &["--as-of", "2026-11-01"]),
        format!(
            "{HEADER}
Alpha monthly December 2026,Alpha monthly,2026-12-01,2026-12-31,4,
Alpha monthly January 2027,Alpha monthly,2027-01-01,2027-01-20,2.5,pro-rated from 4 h: 14 of 21 working days
"
        )
    );
    assert_eq!(
        plan(&folder, &["--as-of", "2026-11-01", "--all"]),
        format!(
            "{HEADER},Already allocated as
Alpha monthly October 2026,Alpha monthly,2026-10-15,2026-10-31,2,pro-rated from 4 h: 12 of 22 working days,
Alpha monthly November 2026,Alpha monthly,2026-11-01,2026-11-30,4,,Alpha November
Alpha monthly December 2026,Alpha monthly,2026-12-01,2026-12-31,4,,
Alpha monthly January 2027,Alpha monthly,2027-01-01,2027-01-20,2.5,pro-rated from 4 h: 14 of 21 working days,
"
        )
    );
}
