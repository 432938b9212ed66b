//! Writes a synthetic Airtable export of any size, for benchmarks:
//!
//! ```text
//! cargo run --release --example synthetic -- OUT_DIR [ENGAGEMENTS ALLOCATIONS ACTIVITIES]
//! ```
//!
//! Defaults: 1,000 engagements, 10,000 allocations, 1,000,000 activities. The output is the
//! same for the same arguments (a fixed-seed generator), formatted like a real export: a BOM,
//! US dates, quoted thousands, extra columns.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use chrono::{Datelike, Days, NaiveDate};

/// A small deterministic generator (xorshift), enough for plausible spreads of values.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, bound: u64) -> u64 {
        self.next() % bound
    }
}

const MEMBERS: [&str; 8] = [
    "Ana Silva",
    "Ben Okafor",
    "Chen Wei",
    "Dara Nwosu",
    "Eli Haddad",
    "Femi Adeyemi",
    "Gita Rao",
    "Hana Sato",
];
const UNITS: [&str; 6] = ["1", "2", "3", "5", "8", "2.5"];

fn us(date: NaiveDate) -> String {
    format!("{}/{}/{}", date.month(), date.day(), date.year())
}

fn create(dir: &Path, name: &str) -> std::io::Result<BufWriter<File>> {
    let mut file = BufWriter::with_capacity(1 << 20, File::create(dir.join(name))?);
    file.write_all("\u{feff}".as_bytes())?;
    Ok(file)
}

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().is_some_and(|arg| arg.starts_with('-')) {
        eprintln!(
            "usage: synthetic OUT_DIR [ENGAGEMENTS ALLOCATIONS ACTIVITIES] (default 1000 10000 1000000)"
        );
        std::process::exit(2);
    }
    let dir = Path::new(args.first().map(String::as_str).unwrap_or("target/synthetic"));
    let count =
        |index: usize, default: usize| args.get(index).and_then(|a| a.parse().ok()).unwrap_or(default);
    write_export(dir, count(1, 1_000), count(2, 10_000), count(3, 1_000_000))
}

/// Writes the export's CSV files into `dir` (the crash test in `tests/` builds one too).
pub(crate) fn write_export(
    dir: &Path,
    engagements: usize,
    allocations: usize,
    activities: usize,
) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let mut random = Random(0x9E37_79B9_7F4A_7C15);
    let start = NaiveDate::from_ymd_opt(2025, 1, 1).expect("valid date");
    let export_date = NaiveDate::from_ymd_opt(2026, 11, 20).expect("valid date");

    let mut names = Vec::with_capacity(engagements);
    let mut engagement_windows = Vec::with_capacity(engagements);
    let mut out = create(dir, "engagements.csv")?;
    writeln!(out, "Engagement name,Record ID,Community,Engagement start date,Engagement end date,Engagement description,Status,Service agreement")?;
    for e in 0..engagements {
        let first = start + Days::new(random.below(365));
        let last = first + Days::new(365 + random.below(730));
        let name = format!("Community {e} {} Premier Tier", first.year());
        writeln!(out, "{name},rec{e:08},Community {e},{},{},\"Premier Tier\nHub support and training for community {e}\",Active,", us(first), us(last))?;
        names.push(name);
        engagement_windows.push((first, last));
    }
    out.flush()?;

    let mut out = create(dir, "projects.csv")?;
    writeln!(
        out,
        "Project name,Engagement,Project start date,Project end date,Project description,Capacity"
    )?;
    for (e, name) in names.iter().enumerate() {
        writeln!(out, "Community {e} hub,{name},1/1/2025,12/31/2027,\"Hub support\nBetter hubs\",Up to 12 hours / quarter")?;
    }
    out.flush()?;

    let mut windows = Vec::with_capacity(allocations);
    let mut out = create(dir, "allocations.csv")?;
    writeln!(out, "Allocation name,Project,Allocation start date,Allocation end date,Hours available,Allocation description,Allocation provider,Hours used")?;
    for a in 0..allocations {
        let e = a % engagements.max(1);
        // Inside the engagement's window, so the data is as clean as a well-kept base.
        let (engagement_start, engagement_end) = engagement_windows[e];
        let span = (engagement_end - engagement_start).num_days() as u64;
        let length = 30 + random.below(330).min(span - 30);
        let first = engagement_start + Days::new(random.below(span - length + 1));
        let last = first + Days::new(length);
        let hours = [12, 24, 40, 100, 1100][random.below(5) as usize];
        let hours_text = if hours >= 1000 {
            format!("\"{},{:03}\"", hours / 1000, hours % 1000)
        } else {
            hours.to_string()
        };
        let provider = MEMBERS[random.below(MEMBERS.len() as u64) as usize];
        writeln!(
            out,
            "Allocation {a},Community {e} hub,{},{},{hours_text},Support block {a},{provider},0",
            us(first),
            us(last)
        )?;
        windows.push((first, (last - first).num_days() as u64));
    }
    out.flush()?;

    let mut out = create(dir, "activities.csv")?;
    writeln!(out, "Allocation,Team member,Units,Description,Start date,End date,Created")?;
    for _ in 0..activities {
        let a = random.below(allocations as u64) as usize;
        let (first, length) = windows[a];
        // Nothing logged in the future: work happens up to the export date.
        let logged_until = length.min((export_date - first).num_days().max(0) as u64);
        let day = first + Days::new(random.below(logged_until + 1));
        let member = MEMBERS[random.below(MEMBERS.len() as u64) as usize];
        let units = UNITS[random.below(UNITS.len() as u64) as usize];
        let created = day + Days::new(random.below(5));
        writeln!(out, "Allocation {a},{member},{units},Community call,{},,{} 3:15pm", us(day), us(created))?;
    }
    out.flush()?;

    let mut out = create(dir, "capacity.csv")?;
    writeln!(out, "Effective from,Hours per working day\n1/1/2025,600\n1/1/2026,800")?;
    out.flush()?;
    Ok(())
}
