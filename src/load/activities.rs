//! `activities.csv`: time logged by a team member against an allocation. This table can hold
//! millions of rows, so repeated names are interned rather than stored per row.

use std::io::Read;

use chrono::NaiveDate;

use super::cells::single_link;
use super::names::link_key;
use super::spec::{Column, TableSpec};
use super::table::{read_table_in_parallel, BatchParser, Row, CHUNK_SIZE};
use super::Symbols;
use crate::diagnostics::Diagnostics;
use crate::hours::Hours;
use crate::settings::Settings;

pub const ALLOCATION: Column = Column::required(0, "Allocation");
pub const TEAM_MEMBER: Column = Column::required(1, "Team member");
/// The service's own Airtable interface calls the units "Hours" and the description "Activity".
pub const UNITS: Column = Column::required(2, "Units").or(&["Hours"]);
pub const DESCRIPTION: Column = Column::optional(4, "Description").or(&["Activity"]);
pub const START: Column = Column::required(3, "Start date").date();
pub const END: Column = Column::optional(5, "End date").date();
/// "Created time" is the name Airtable gives a new field of that type.
pub const CREATED: Column = Column::optional(6, "Created").or(&["Created time"]).date();
/// What the community reads instead of Description, when staff keep notes there.
pub const PUBLIC_DESCRIPTION: Column = Column::optional(7, "Public description");

pub const SPEC: TableSpec = TableSpec {
    file: "activities.csv",
    columns: &[ALLOCATION, TEAM_MEMBER, UNITS, START, DESCRIPTION, END, CREATED, PUBLIC_DESCRIPTION],
};

#[derive(Debug, Clone, PartialEq)]
pub struct ActivityRow {
    pub line: u32,
    /// Interned allocation name (see [`Symbols`]).
    pub allocation: u32,
    /// Interned team member name.
    pub team_member: u32,
    pub units: Hours,
    pub start: NaiveDate,
    /// Equal to `start` when the export leaves it empty (a one-day activity).
    pub end: NaiveDate,
    pub created: Option<NaiveDate>,
    /// The description as logged, followed by the public description when there is one.
    pub texts: Box<str>,
    /// Where the public description starts in `texts` (its length when there is none). Both
    /// texts share one allocation: an export can hold a million activities.
    pub public_from: u32,
}

impl ActivityRow {
    /// `description` and an optional `public` description, stored together.
    pub fn texts(description: String, public: &str) -> (Box<str>, u32) {
        Self::texts_of(&description, public)
    }

    /// [`ActivityRow::texts`] from borrowed text, in one allocation of the exact size.
    pub fn texts_of(description: &str, public: &str) -> (Box<str>, u32) {
        let public_from = u32::try_from(description.len()).unwrap_or(u32::MAX);
        let mut texts = String::with_capacity(description.len() + public.len());
        texts.push_str(description);
        texts.push_str(public);
        (texts.into_boxed_str(), public_from)
    }
}

pub fn parse(row: &mut Row<'_>, allocations: &mut Symbols, members: &mut Symbols) -> Option<ActivityRow> {
    let allocation = row.required_str(ALLOCATION);
    let member = row.required_str(TEAM_MEMBER);
    let units = row.required_hours(UNITS);
    let start = row.required_date(START);
    let end = row.optional_date(END);
    let created = row.optional_date(CREATED);
    if units.is_some_and(|units| units < Hours::ZERO) {
        row.error(UNITS, "expected units of 0 or more");
        return None;
    }
    let (end, created) = (end.ok()?, created.ok()?);
    if !row.check_order(start, end, END) {
        return None;
    }
    let start = start?;
    let (texts, public_from) =
        ActivityRow::texts_of(&row.free_str(DESCRIPTION), &row.free_str(PUBLIC_DESCRIPTION));
    Some(ActivityRow {
        line: row.line as u32,
        allocation: allocations.intern(allocation?),
        team_member: members.intern(&member_name(member?)),
        units: units?,
        start,
        end: end.unwrap_or(start),
        created,
        texts,
        public_from,
    })
}

/// A team member as a name to count hours by: without the quotes of a linked record, and
/// written with a no-break space or decomposed accents it is still the same person.
fn member_name(written: &str) -> std::borrow::Cow<'_, str> {
    match single_link(written) {
        std::borrow::Cow::Borrowed(unquoted) => link_key(unquoted),
        std::borrow::Cow::Owned(unquoted) => link_key(&unquoted).into_owned().into(),
    }
}

/// Parses batches on a worker thread with names interned locally; the merge maps them to
/// the shared tables.
struct ActivityParser {
    worker: usize,
    allocations: Symbols,
    members: Symbols,
    rows: Vec<ActivityRow>,
    /// How many local names earlier batches already handed over.
    handed_over: (usize, usize),
}

/// One batch's rows, with the names first seen in it (in local id order).
pub struct ParsedBatch {
    worker: usize,
    rows: Vec<ActivityRow>,
    new_allocations: Vec<String>,
    new_members: Vec<String>,
}

impl BatchParser for ActivityParser {
    type Output = ParsedBatch;

    fn parse_row(&mut self, row: &mut Row<'_>) {
        self.rows.extend(parse(row, &mut self.allocations, &mut self.members));
    }

    fn finish_batch(&mut self) -> ParsedBatch {
        let new_names = |symbols: &Symbols, from: usize| {
            (from..symbols.len()).map(|id| symbols.name(id as u32).to_string()).collect()
        };
        let rows = Vec::with_capacity(self.rows.len());
        let batch = ParsedBatch {
            worker: self.worker,
            rows: std::mem::replace(&mut self.rows, rows),
            new_allocations: new_names(&self.allocations, self.handed_over.0),
            new_members: new_names(&self.members, self.handed_over.1),
        };
        self.handed_over = (self.allocations.len(), self.members.len());
        batch
    }
}

/// The activities with their allocation and team member names interned in `allocations` and
/// `members`, in file order, parsed on all cores.
pub fn read_all<R: Read + Send>(
    input: R,
    settings: &Settings,
    diagnostics: &mut Diagnostics,
    allocations: &mut Symbols,
    members: &mut Symbols,
) -> Vec<ActivityRow> {
    let split = (crate::parallel::workers(), CHUNK_SIZE);
    read_in_chunks(input, settings, diagnostics, (allocations, members), split)
}

/// [`read_all`] with `workers` parsers and chunks of about `chunk_size` bytes.
fn read_in_chunks<R: Read + Send>(
    input: R,
    settings: &Settings,
    diagnostics: &mut Diagnostics,
    (allocations, members): (&mut Symbols, &mut Symbols),
    (workers, chunk_size): (usize, usize),
) -> Vec<ActivityRow> {
    let parsers = (0..workers)
        .map(|worker| ActivityParser {
            worker,
            allocations: Symbols::default(),
            members: Symbols::default(),
            rows: Vec::new(),
            handed_over: (0, 0),
        })
        .collect();
    // Per worker: local id → shared id.
    let mut to_shared = vec![(Vec::new(), Vec::new()); workers];
    let mut activities = Vec::new();
    read_table_in_parallel(input, (&SPEC, settings, chunk_size), diagnostics, parsers, |batch| {
        let (allocation_ids, member_ids) = &mut to_shared[batch.worker];
        allocation_ids.extend(batch.new_allocations.iter().map(|name| allocations.intern(name)));
        member_ids.extend(batch.new_members.iter().map(|name| members.intern(name)));
        activities.extend(batch.rows.into_iter().map(|mut row| {
            row.allocation = allocation_ids[row.allocation as usize];
            row.team_member = member_ids[row.team_member as usize];
            row
        }));
    });
    activities
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::SlashDates;
    use proptest::prelude::*;

    /// What reading `input` gives: the rows with their names, the diagnostics in order.
    type Read = (Vec<(ActivityRow, String, String)>, Vec<crate::diagnostics::Diagnostic>);

    fn named(
        rows: Vec<ActivityRow>,
        allocations: &Symbols,
        members: &Symbols,
    ) -> Vec<(ActivityRow, String, String)> {
        let names = |row: &ActivityRow| {
            (allocations.name(row.allocation).to_string(), members.name(row.team_member).to_string())
        };
        rows.into_iter()
            .map(|row| {
                let (a, m) = names(&row);
                (row, a, m)
            })
            .collect()
    }

    /// One thread, record after record, as every other table is read.
    fn sequential(input: impl std::io::Read, settings: &Settings) -> Read {
        let (mut diagnostics, mut allocations, mut members) = Default::default();
        let mut rows = Vec::new();
        super::super::read_table(input, &SPEC, settings, &mut diagnostics, |row| {
            rows.extend(parse(row, &mut allocations, &mut members))
        });
        (named(rows, &allocations, &members), diagnostics.all().to_vec())
    }

    fn in_chunks(input: impl std::io::Read + Send, settings: &Settings, split: (usize, usize)) -> Read {
        let (mut diagnostics, mut allocations, mut members) = Default::default();
        let rows = read_in_chunks(input, settings, &mut diagnostics, (&mut allocations, &mut members), split);
        (named(rows, &allocations, &members), diagnostics.all().to_vec())
    }

    /// An export with a bit of everything: quoted cells with commas, quotes and line breaks
    /// (some holding lines that look like rows), CRLF and lone CR line ends, blank lines, a
    /// stray quote, bad dates, hours and links, a control character and a row that is not
    /// UTF-8, spread over the file so that they land in many chunks.
    fn export(rows: usize) -> Vec<u8> {
        let mut text =
            b"\xef\xbb\xbfAllocation,Team member,Units,Description,Start date,End date,Created\r\n".to_vec();
        for n in 0..rows {
            let line: Vec<u8> = match n % 17 {
                0 => format!("Allocation {},Ana Silva,2,\"Call, then notes\non two lines\",3/2/2026,,3/3/2026 3:15pm\n", n % 5).into(),
                1 => format!("Allocation {},\"Okafor, Ben\",1.5,\"He said \"\"yes\"\"\",3/4/2026,3/6/2026,\n", n % 3).into(),
                2 => b"\r\n".to_vec(),
                3 => format!("Allocation {},Chen Wei,lots,Call,3/4/2026,,\r\n", n % 4).into(),
                4 => format!("Allocation {},Chen Wei,3,\"Workshop\r\nAllocation 1,Chen Wei,3,x,3/4/2026,,\",2/30/2026,,\r", n % 4).into(),
                5 => b"Allocation 2,,-1,,3/5/2026,3/1/2026,\n".to_vec(),
                6 => b"\n\n".to_vec(),
                7 => b"Allocation 1,Dara\xff,1,x,3/5/2026,,\n".to_vec(),
                8 => format!("Allocation {},Eli\u{7}Haddad,1,ok,3/5/2026,,,extra\n", n % 6).into(),
                9 => format!(",,,,,,\nAllocation {},Ana Silva,8,,2026-03-09,2026-03-13,3/20/2026 9:00am\n", n % 7).into(),
                _ => format!("Allocation {},Gita Rao,{},Community call,3/{}/2026,,3/{}/2026 3:15pm\n", n % 9, n % 5, 1 + n % 28, 1 + n % 28).into(),
            };
            text.extend(line);
        }
        text.extend(b"Allocation 1,Hana Sato,1,\"a last cell that never closes\n2,3\n");
        text
    }

    #[test]
    fn chunks_parsed_side_by_side_give_the_rows_and_messages_of_one_thread() {
        let input = export(400);
        let settings = Settings::default();
        let expected = sequential(&input[..], &settings);
        assert!(
            expected.0.len() > 200 && expected.1.len() > 100,
            "{} rows, {} diagnostics",
            expected.0.len(),
            expected.1.len()
        );
        for workers in [1, 2, 3] {
            for chunk_size in [1, 2, 3, 5, 16, 61, 100, 1000, 1 << 20] {
                assert!(
                    in_chunks(&input[..], &settings, (workers, chunk_size)) == expected,
                    "{workers} workers, chunks of {chunk_size}"
                );
            }
        }
    }

    /// A file that fails mid-way is reported after every row read before the failure, at the
    /// same place as when read on one thread.
    #[test]
    fn a_read_failure_is_reported_after_the_rows_before_it() {
        struct FailsAfter<'a>(&'a [u8]);
        impl std::io::Read for FailsAfter<'_> {
            fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
                if self.0.is_empty() {
                    return Err(std::io::Error::other("the disk went away"));
                }
                let count = self.0.len().min(out.len()).min(777);
                out[..count].copy_from_slice(&self.0[..count]);
                self.0 = &self.0[count..];
                Ok(count)
            }
        }
        let input = export(300);
        let settings = Settings::default();
        for cut in [40, 2000, 9999, input.len() - 10] {
            let expected = sequential(FailsAfter(&input[..cut]), &settings);
            let last = expected.1.last().expect("the failure");
            assert_eq!(
                (last.line, last.message.as_str()),
                (u64::from(cut == 40), "cannot read the file: the disk went away")
            );
            for chunk_size in [7, 500, 1 << 20] {
                assert!(
                    in_chunks(FailsAfter(&input[..cut]), &settings, (2, chunk_size)) == expected,
                    "cut at {cut}, chunks of {chunk_size}"
                );
            }
        }
    }

    proptest! {
        #[test]
        fn random_exports_read_in_chunks_as_on_one_thread(
            cells in proptest::collection::vec(
                prop_oneof![
                    Just("Allocation 1"), Just("Ana Silva"), Just("2.5"), Just("3/2/2026"), Just("2026-03-04"),
                    Just("x"), Just(""), Just(","), Just("\""), Just("\n"), Just("\r\n"), Just("\r"), Just(" "),
                    Just("\"a,\nb\""), Just("\"\"\""), Just("1,000"), Just("-1"), Just("é"),
                ],
                0..300,
            ),
            chunk_size in 1usize..200,
            workers in 1usize..4,
            eu in any::<bool>(),
        ) {
            let mut input = b"Allocation,Team member,Units,Start date,End date,Description\n".to_vec();
            input.extend(cells.concat().bytes());
            let settings = Settings { slash_dates: if eu { SlashDates::Eu } else { SlashDates::Us }, ..Settings::default() };
            let expected = sequential(&input[..], &settings);
            prop_assert!(in_chunks(&input[..], &settings, (workers, chunk_size)) == expected);
        }
    }
}
