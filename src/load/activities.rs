//! `activities.csv`: time logged by a team member against an allocation. This table can hold
//! millions of rows, so repeated names are interned rather than stored per row.

use std::io::Read;
use std::sync::Arc;

use chrono::NaiveDate;

use super::cells::single_link;
use super::names::link_key;
use super::shape::{cut_long_cell, LONG_CELL};
use super::spec::{Column, TableSpec};
use super::table::{read_table_in_parallel, BatchParser, Row, CHUNK_SIZE};
use super::Symbols;
use crate::diagnostics::Diagnostics;
use crate::hours::Hours;
use crate::ids::{AllocationId, Id, MemberId};
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

/// Time logged by a team member against an allocation: a row of `activities.csv`, and the
/// model's record once linked (`crate::model::Activity`). The loader writes each row where the
/// linked record will lie, so that a million of them are linked in place.
#[derive(Debug, Clone, PartialEq)]
pub struct Activity {
    /// The line of `activities.csv` it was read from.
    pub line: u32,
    /// Once linked, the allocation's id; as read, the place of its name among
    /// [`super::Tables::activity_allocations`], which `model::link` resolves.
    pub allocation: AllocationId,
    /// The team member: the place of their name among [`super::Tables::team_members`].
    pub team_member: MemberId,
    pub units: Hours,
    pub start: NaiveDate,
    /// Equal to `start` for a one-day activity (the export leaves End date empty).
    pub end: NaiveDate,
    /// When it was logged, if the export says.
    pub created: Option<NaiveDate>,
    /// The description as logged and the public one (see `Activity::description`).
    pub texts: Texts,
}

/// An activity's description and public description. An export can hold a million
/// activities: the texts of the rows of one chunk share one buffer (one allocation per chunk,
/// not one per row); a long text (over [`Texts::SHARED_AT_MOST`] bytes) has a buffer of its own,
/// so that cutting it (see `model::long_cells`) frees it.
#[derive(Clone)]
pub struct Texts {
    /// `None` when both texts are empty (or while a row's chunk is being parsed, see
    /// [`TextBuffer`]).
    buffer: Option<Arc<str>>,
    /// Where the description starts in a shared buffer; [`Texts::OWN`] for a buffer of its own,
    /// which holds the two texts and nothing else.
    start: u32,
    /// In a shared buffer, the description's length and the public description's, 16 bits
    /// each; in a buffer of its own, where the public description starts.
    lengths: u32,
}

impl Texts {
    /// Both texts empty.
    pub const EMPTY: Texts = Texts { buffer: None, start: 0, lengths: 0 };
    /// The longest texts (together, in bytes) that go in a shared buffer; their lengths fit in
    /// 16 bits each.
    pub const SHARED_AT_MOST: usize = crate::load::LONG_CELL;
    const OWN: u32 = u32::MAX;

    /// `description` and `public` in a buffer of their own.
    pub fn own(description: &str, public: &str) -> Texts {
        if description.is_empty() && public.is_empty() {
            return Texts::EMPTY;
        }
        let mut texts = String::with_capacity(description.len() + public.len());
        texts.push_str(description);
        texts.push_str(public);
        let public_from = u32::try_from(description.len()).expect("a cell shorter than 4 GB");
        Texts { buffer: Some(Arc::from(texts)), start: Texts::OWN, lengths: public_from }
    }

    /// Where the description starts, the public description starts and it ends in the
    /// buffer.
    fn bounds(&self) -> (usize, usize, usize) {
        let lengths = self.lengths as usize;
        match &self.buffer {
            None => (0, 0, 0),
            Some(buffer) if self.start == Texts::OWN => (0, lengths, buffer.len()),
            Some(_) => {
                let public_from = self.start as usize + (lengths & 0xffff);
                (self.start as usize, public_from, public_from + (lengths >> 16))
            }
        }
    }

    /// The description as logged.
    pub fn description(&self) -> &str {
        let (start, public_from, _) = self.bounds();
        self.buffer.as_deref().map_or("", |buffer| &buffer[start..public_from])
    }

    /// The public description, empty when there is none.
    pub fn public(&self) -> &str {
        let (_, public_from, end) = self.bounds();
        self.buffer.as_deref().map_or("", |buffer| &buffer[public_from..end])
    }
}

impl PartialEq for Texts {
    fn eq(&self, other: &Texts) -> bool {
        self.description() == other.description() && self.public() == other.public()
    }
}

impl std::fmt::Debug for Texts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Texts")
            .field("description", &self.description())
            .field("public", &self.public())
            .finish()
    }
}

/// The shared buffer of the texts of the rows of one chunk, while it is parsed: [`TextBuffer::add`]
/// gives a row's texts, which read as empty until [`TextBuffer::finish`] hands the buffer to
/// them.
#[derive(Default)]
pub struct TextBuffer {
    text: String,
}

impl TextBuffer {
    /// A row's texts: in this buffer, or in one of their own when long.
    pub fn add(&mut self, description: &str, public: &str) -> Texts {
        let len = description.len() + public.len();
        if len == 0 {
            return Texts::EMPTY;
        }
        let start = self.text.len();
        if len > Texts::SHARED_AT_MOST || start + len >= Texts::OWN as usize {
            return Texts::own(description, public);
        }
        self.text.push_str(description);
        self.text.push_str(public);
        let lengths = (description.len() | public.len() << 16) as u32;
        Texts { buffer: None, start: start as u32, lengths }
    }

    /// Hands the buffer to the texts added since the last call (every one of them, in any
    /// order) and starts an empty one.
    pub fn finish<'t>(&mut self, texts: impl Iterator<Item = &'t mut Texts>) {
        if self.text.is_empty() {
            return;
        }
        let buffer: Arc<str> = Arc::from(std::mem::take(&mut self.text));
        for texts in texts.filter(|texts| texts.buffer.is_none() && texts.lengths != 0) {
            texts.buffer = Some(Arc::clone(&buffer));
        }
    }
}

/// One activity row, its texts in a buffer of their own.
pub fn parse(row: &mut Row<'_>, allocations: &mut Symbols, members: &mut Symbols) -> Option<Activity> {
    parse_with(row, allocations, members, Texts::own)
}

/// One activity row, its texts made by `texts` from the description and the public one.
fn parse_with(
    row: &mut Row<'_>,
    allocations: &mut Symbols,
    members: &mut Symbols,
    texts: impl FnOnce(&str, &str) -> Texts,
) -> Option<Activity> {
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
    let (description, public) = (row.free_str(DESCRIPTION), row.free_str(PUBLIC_DESCRIPTION));
    let texts = if description.len() > LONG_CELL || public.len() > LONG_CELL {
        let (mut description, mut public) = (description.into_owned(), public.into_owned());
        cut_long_cell(&mut description, SPEC.file, row.line);
        cut_long_cell(&mut public, SPEC.file, row.line);
        texts(&description, &public)
    } else {
        texts(&description, &public)
    };
    Some(Activity {
        line: row.line as u32,
        allocation: AllocationId::from_index(allocations.intern(allocation?) as usize),
        team_member: MemberId::from_index(members.intern(&member_name(member?)) as usize),
        units: units?,
        start,
        end: end.unwrap_or(start),
        created,
        texts,
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
    rows: Vec<Activity>,
    /// The texts of the batch's rows.
    texts: TextBuffer,
    /// How many local names earlier batches already handed over.
    handed_over: (usize, usize),
}

/// One batch's rows, with the names first seen in it (in local id order).
pub struct ParsedBatch {
    worker: usize,
    rows: Vec<Activity>,
    new_allocations: Vec<String>,
    new_members: Vec<String>,
}

impl BatchParser for ActivityParser {
    type Output = ParsedBatch;

    fn parse_row(&mut self, row: &mut Row<'_>) {
        let texts = &mut self.texts;
        let parsed = parse_with(row, &mut self.allocations, &mut self.members, |description, public| {
            texts.add(description, public)
        });
        self.rows.extend(parsed);
    }

    fn finish_batch(&mut self) -> ParsedBatch {
        let new_names = |symbols: &Symbols, from: usize| {
            (from..symbols.len()).map(|id| symbols.name(id as u32).to_string()).collect()
        };
        self.texts.finish(self.rows.iter_mut().map(|row| &mut row.texts));
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
) -> Vec<Activity> {
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
) -> Vec<Activity> {
    let parsers = (0..workers)
        .map(|worker| ActivityParser {
            worker,
            allocations: Symbols::default(),
            members: Symbols::default(),
            rows: Vec::new(),
            texts: TextBuffer::default(),
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
            row.allocation = AllocationId::from_index(allocation_ids[row.allocation.index()] as usize);
            row.team_member = MemberId::from_index(member_ids[row.team_member.index()] as usize);
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
    type Read = (Vec<(Activity, String, String)>, Vec<crate::diagnostics::Diagnostic>);

    fn named(
        rows: Vec<Activity>,
        allocations: &Symbols,
        members: &Symbols,
    ) -> Vec<(Activity, String, String)> {
        let names = |row: &Activity| {
            let (allocation, member) = (row.allocation.index() as u32, row.team_member.index() as u32);
            (allocations.name(allocation).to_string(), members.name(member).to_string())
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

    /// A pasted megabyte in a description is cut as it is read, on one thread or many: the
    /// first 10,000 characters and where the rest was.
    #[test]
    fn a_long_description_is_cut_where_it_is_read() {
        let description = format!("{}{}", "é".repeat(LONG_CELL), "x".repeat(1_234_567));
        let input = format!(
            "Allocation,Team member,Units,Description,Start date\nA,Ana,1,short,3/2/2026\nA,Ana,1,{description},3/2/2026\n"
        );
        let settings = Settings::default();
        let expected =
            format!("{}… 1,234,567 more characters in activities.csv line 3", "é".repeat(LONG_CELL));
        let read = sequential(input.as_bytes(), &settings);
        let texts: Vec<&str> = read.0.iter().map(|(row, _, _)| row.texts.description()).collect();
        assert_eq!(texts, ["short", expected.as_str()]);
        assert!(in_chunks(input.as_bytes(), &settings, (2, 64)) == read);
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
        /// Texts in a shared buffer read as in one of their own, whatever their lengths (long
        /// ones get a buffer of their own) and however many rows share the buffer; the buffer
        /// is handed to each row of its batch, in any order, once the batch is done.
        #[test]
        fn texts_in_a_shared_buffer_read_as_their_own(
            batches in proptest::collection::vec(
                proptest::collection::vec((0usize..12_000, 0usize..3, "[a-zé\n]{0,8}", "[A-Z]{0,4}"), 0..20),
                1..4,
            ),
        ) {
            let mut buffer = TextBuffer::default();
            for batch in batches {
                let pairs: Vec<(String, String)> = batch
                    .iter()
                    .map(|(long, public_len, description, public)| {
                        let description = if *long > 9_000 { description.repeat(long / 4) } else { description.clone() };
                        (description, public.repeat(*public_len))
                    })
                    .collect();
                let mut texts: Vec<Texts> = pairs.iter().map(|(d, p)| buffer.add(d, p)).collect();
                buffer.finish(texts.iter_mut().rev());
                for ((description, public), texts) in pairs.iter().zip(&texts) {
                    prop_assert_eq!(texts.description(), description.as_str());
                    prop_assert_eq!(texts.public(), public.as_str());
                    prop_assert_eq!(texts, &Texts::own(description, public));
                    prop_assert_eq!(texts.buffer.is_none(), description.is_empty() && public.is_empty());
                    let long = description.len() + public.len() > Texts::SHARED_AT_MOST;
                    prop_assert_eq!(texts.start == Texts::OWN, long);
                }
            }
        }

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
