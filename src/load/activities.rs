//! `activities.csv`: time logged by a team member against an allocation. This table can hold
//! millions of rows, so repeated names are interned rather than stored per row.

use std::io::Read;

use chrono::NaiveDate;

use super::cells::single_link;
use super::names::link_key;
use super::table::{read_table_in_parallel, BatchParser, Column, Row, TableSpec};
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
        let batch = ParsedBatch {
            worker: self.worker,
            rows: std::mem::take(&mut self.rows),
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
    let workers = crate::parallel::workers();
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
    read_table_in_parallel(input, &SPEC, settings, diagnostics, parsers, |batch| {
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
