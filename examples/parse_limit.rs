//! The floor under `check` and `summary`: read every export of a folder with the `csv` crate
//! and count its records and cells, doing nothing else. `scripts/bench` times it beside the
//! tool so the gap between "parsing the CSV" and "a checked, computed summary" stays visible.
//!
//!     cargo run --release --example parse_limit -- FOLDER

use std::fs::File;
use std::io::BufReader;
use std::path::Path;

fn main() -> anyhow::Result<()> {
    let folder = std::env::args().nth(1).ok_or_else(|| anyhow::anyhow!("usage: parse_limit FOLDER"))?;
    let mut records = 0u64;
    let mut cells = 0u64;
    for table in ["engagements", "contacts", "projects", "allocations", "activities", "capacity"] {
        let path = Path::new(&folder).join(format!("{table}.csv"));
        let Ok(file) = File::open(&path) else { continue };
        let mut reader =
            csv::ReaderBuilder::new().flexible(true).from_reader(BufReader::with_capacity(1 << 20, file));
        let mut record = csv::ByteRecord::new();
        while reader.read_byte_record(&mut record)? {
            records += 1;
            cells += record.len() as u64;
        }
    }
    println!("{records} records, {cells} cells");
    Ok(())
}
