//! Splitting an export into records, the way the `csv` crate splits it, fast.
//!
//! Nearly every line of an export is a record without a quote: its cells are the text between
//! commas. Such a line is found with one byte search for a line feed or a quote, and its
//! commas are found by the parser that reads it, on another core. Only a record that holds a
//! quote (a cell with a comma, a quote or a line break in it) goes through `csv_core`'s state
//! machine, which the `csv` crate itself uses: the records, their cells and their line
//! numbers are the same as that crate's (a test below compares the two on random input).
//!
//! The line of a record is the `csv` crate's: the line after the previous record's end, which
//! blank lines skipped before the record do not move. Line breaks reach this module as line
//! feeds only (see [`super::line_breaks`]).

use std::io::{ErrorKind, Read};
use std::ops::Range;

/// How many records go in one batch.
pub(super) const BATCH_SIZE: usize = 4096;

/// Records split from an export on their way to a parser, not yet checked to be UTF-8.
#[derive(Default)]
pub(super) struct Batch {
    /// The records' bytes: a plain record's line as read, a quoted record's cells unescaped.
    text: Vec<u8>,
    records: Vec<Split>,
    /// The cells of quoted records: where each ends, counted from the record's start.
    ends: Vec<usize>,
    /// The error that ended this batch, if any.
    pub(super) error: Option<csv::Error>,
}

/// One record of a [`Batch`].
struct Split {
    line: u64,
    /// Its bytes in [`Batch::text`].
    bytes: Range<usize>,
    /// A quoted record's cell ends in [`Batch::ends`]; `None` for a plain record, whose cells
    /// are the text between commas.
    ends: Option<Range<usize>>,
}

/// One record of a batch as its parser sees it: its line and its bytes.
pub(super) struct SplitRecord<'a> {
    pub(super) line: u64,
    pub(super) bytes: &'a [u8],
    /// `None` when the cells are the text between commas.
    pub(super) ends: Option<&'a [usize]>,
    /// The bytes as text, when they are known to be UTF-8 already (a plain record of a chunk
    /// that is UTF-8 throughout).
    pub(super) text: Option<&'a str>,
}

impl Batch {
    pub(super) fn records(&self) -> impl Iterator<Item = SplitRecord<'_>> {
        self.records.iter().map(|split| SplitRecord {
            line: split.line,
            bytes: &self.text[split.bytes.clone()],
            ends: split.ends.clone().map(|ends| &self.ends[ends]),
            text: None,
        })
    }

    fn clear(&mut self) {
        self.text.clear();
        self.records.clear();
        self.ends.clear();
        self.error = None;
    }
}

/// Splits the bytes of `input` into records.
pub(super) struct Splitter<R> {
    input: R,
    buffer: Vec<u8>,
    /// The bytes read and not yet split are `buffer[start..end]`.
    start: usize,
    end: usize,
    /// The input has no more bytes.
    eof: bool,
    /// The input failed: nothing more is split.
    failed: bool,
    /// The line the next unsplit byte is on.
    line: u64,
    /// The line the next record is said to start on.
    record_line: u64,
    /// The start of the input was looked at for a byte order mark.
    bom_checked: bool,
    /// Reads quoted records.
    core: csv_core::Reader,
    /// The cells of a quoted record as `csv_core` writes them.
    cells: Vec<u8>,
    cell_ends: Vec<usize>,
}

const READ_SIZE: usize = 1 << 16;

impl<R: Read> Splitter<R> {
    pub(super) fn new(input: R) -> Splitter<R> {
        let core = primed_core();
        Splitter {
            input,
            buffer: vec![0; 4 * READ_SIZE],
            start: 0,
            end: 0,
            eof: false,
            failed: false,
            line: 1,
            record_line: 1,
            bom_checked: false,
            core,
            cells: vec![0; 1024],
            cell_ends: vec![0; 64],
        }
    }

    /// Splits up to [`BATCH_SIZE`] records into `batch`, replacing what it held; `true` when
    /// the input is done (or failed: the batch then holds the error).
    pub(super) fn fill(&mut self, batch: &mut Batch) -> bool {
        batch.clear();
        while batch.records.len() < BATCH_SIZE {
            match self.next_into(batch) {
                Ok(true) => {}
                Ok(false) => return true,
                Err(error) => {
                    self.failed = true;
                    batch.error = Some(error.into());
                    return true;
                }
            }
        }
        false
    }

    /// The first record (the header row) on its own.
    pub(super) fn first_record(&mut self) -> Result<Batch, csv::Error> {
        let mut batch = Batch::default();
        self.next_into(&mut batch)?;
        Ok(batch)
    }

    /// Splits a run of whole records cut from an export (see [`Chunker`]), whose first byte
    /// is on `line`: the input's start is not looked at for a byte order mark. What
    /// [`for_each_record`] is tested against.
    #[cfg(test)]
    pub(super) fn resume(input: R, line: u64) -> Splitter<R> {
        Splitter { line, record_line: line, bom_checked: true, ..Splitter::new(input) }
    }

    /// What is left after the records split so far, to be cut into chunks. Called right after
    /// a record, where the next line is the next record's.
    pub(super) fn into_chunker(self) -> Chunker<R> {
        let mut buffer = self.buffer;
        buffer.truncate(self.end);
        buffer.drain(..self.start);
        Chunker {
            input: self.input,
            buffer,
            line: self.line,
            eof: self.eof,
            failed: self.failed,
            core: primed_core(),
        }
    }

    /// Reads more input after the unsplit bytes; `false` at the end of the input.
    fn refill(&mut self) -> std::io::Result<bool> {
        if self.eof || self.failed {
            return Ok(false);
        }
        if self.start > 0 {
            self.buffer.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
        if self.buffer.len() - self.end < READ_SIZE {
            self.buffer.resize(self.buffer.len() * 2, 0);
        }
        loop {
            match self.input.read(&mut self.buffer[self.end..]) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(false);
                }
                Ok(read) => {
                    self.end += read;
                    return Ok(true);
                }
                Err(error) if error.kind() == ErrorKind::Interrupted => {}
                Err(error) => return Err(error),
            }
        }
    }

    /// Appends the next record to `batch`; `Ok(false)` when there is none.
    fn next_into(&mut self, batch: &mut Batch) -> std::io::Result<bool> {
        if self.failed {
            return Ok(false);
        }
        if !self.bom_checked {
            // As `csv_core` does, a byte order mark at the start of the input is dropped.
            self.bom_checked = true;
            while self.end < 3 && self.refill()? {}
            if self.buffer[..self.end].starts_with(b"\xef\xbb\xbf") {
                self.start = 3;
            }
        }
        // How far the search for the end of the record has looked, from `start`.
        let mut searched = 0;
        loop {
            // Blank lines before a record are skipped.
            while self.start < self.end && self.buffer[self.start] == b'\n' {
                self.start += 1;
                self.line += 1;
                searched = 0;
            }
            let rest = &self.buffer[self.start..self.end];
            match memchr::memchr2(b'\n', b'"', &rest[searched..]).map(|at| searched + at) {
                Some(at) if rest[at] == b'\n' => {
                    self.push_plain(batch, at);
                    self.start += at + 1;
                    self.line += 1;
                    self.record_line = self.line;
                    return Ok(true);
                }
                Some(_) => return self.quoted_into(batch),
                None if self.eof => {
                    if rest.is_empty() {
                        return Ok(false);
                    }
                    self.push_plain(batch, rest.len());
                    self.start = self.end;
                    self.record_line = self.line;
                    return Ok(true);
                }
                None => {
                    searched = rest.len();
                    self.refill()?;
                }
            }
        }
    }

    fn push_plain(&self, batch: &mut Batch, len: usize) {
        let from = batch.text.len();
        batch.text.extend_from_slice(&self.buffer[self.start..self.start + len]);
        batch.records.push(Split { line: self.record_line, bytes: from..batch.text.len(), ends: None });
    }

    /// Reads a record holding a quote with `csv_core`, from its first byte.
    fn quoted_into(&mut self, batch: &mut Batch) -> std::io::Result<bool> {
        use csv_core::ReadRecordResult;
        let (mut written, mut ended) = (0, 0);
        loop {
            let input = &self.buffer[self.start..self.end];
            let (result, read, wrote, ends) =
                self.core.read_record(input, &mut self.cells[written..], &mut self.cell_ends[ended..]);
            self.line += memchr::memchr_iter(b'\n', &input[..read]).count() as u64;
            self.start += read;
            written += wrote;
            ended += ends;
            match result {
                ReadRecordResult::InputEmpty => {
                    self.refill()?;
                }
                ReadRecordResult::OutputFull => self.cells.resize(self.cells.len() * 2, 0),
                ReadRecordResult::OutputEndsFull => self.cell_ends.resize(self.cell_ends.len() * 2, 0),
                ReadRecordResult::Record => {
                    let from = batch.text.len();
                    batch.text.extend_from_slice(&self.cells[..written]);
                    let first_end = batch.ends.len();
                    batch.ends.extend_from_slice(&self.cell_ends[..ended]);
                    batch.records.push(Split {
                        line: self.record_line,
                        bytes: from..batch.text.len(),
                        ends: Some(first_end..batch.ends.len()),
                    });
                    self.record_line = self.line;
                    return Ok(true);
                }
                ReadRecordResult::End => return Ok(false),
            }
        }
    }
}

/// The records of a chunk cut by a [`Chunker`] whose first byte is on `line`, in order, as a
/// [`Splitter`] gives them, each to `each`: a plain record is handed over where it lies in
/// `bytes`, not copied, with its text when `text` is `bytes` read as UTF-8. `core` is a
/// `csv_core` reader at the start of a record ([`primed_core`]), and is left so.
pub(super) fn for_each_record(
    (bytes, text): (&[u8], Option<&str>),
    mut line: u64,
    core: &mut csv_core::Reader,
    each: &mut dyn FnMut(SplitRecord<'_>),
) {
    use csv_core::ReadRecordResult;
    let (mut cells, mut cell_ends) = (Vec::new(), Vec::new());
    let (mut start, mut record_line, mut at_end) = (0, line, false);
    let plain = |start: usize, len: usize, line: u64| SplitRecord {
        line,
        bytes: &bytes[start..start + len],
        ends: None,
        text: text.map(|text| &text[start..start + len]),
    };
    while let Some(rest) = bytes.get(start..).filter(|rest| !rest.is_empty()) {
        // Blank lines before a record are skipped.
        if rest[0] == b'\n' {
            start += 1;
            line += 1;
            continue;
        }
        match memchr::memchr2(b'\n', b'"', rest) {
            None => return each(plain(start, rest.len(), record_line)),
            Some(at) if rest[at] == b'\n' => {
                each(plain(start, at, record_line));
                start += at + 1;
                line += 1;
                record_line = line;
            }
            Some(_) => {
                cells.resize(1024, 0);
                cell_ends.resize(64, 0);
                let (mut written, mut ended) = (0, 0);
                loop {
                    // At the end of the chunk, empty input ends the record as the end of a file
                    // does; the reader is then primed again for the next chunk.
                    let input = &bytes[start..];
                    if input.is_empty() {
                        at_end = true;
                    }
                    let (result, read, wrote, ends) =
                        core.read_record(input, &mut cells[written..], &mut cell_ends[ended..]);
                    line += memchr::memchr_iter(b'\n', &input[..read]).count() as u64;
                    (start, written, ended) = (start + read, written + wrote, ended + ends);
                    match result {
                        ReadRecordResult::InputEmpty => {}
                        ReadRecordResult::OutputFull => cells.resize(cells.len() * 2, 0),
                        ReadRecordResult::OutputEndsFull => cell_ends.resize(cell_ends.len() * 2, 0),
                        ReadRecordResult::Record => break,
                        ReadRecordResult::End => {
                            prime(core);
                            return;
                        }
                    }
                }
                each(SplitRecord {
                    line: record_line,
                    bytes: &cells[..written],
                    ends: Some(&cell_ends[..ended]),
                    text: None,
                });
                record_line = line;
            }
        }
    }
    if at_end {
        prime(core);
    }
}

/// A `csv_core` reader at the start of a record. It drops a byte order mark at the start of
/// what it reads first; the start of the input is handled by [`Splitter::next_into`], so it is
/// given a blank line first, which it skips.
pub(super) fn primed_core() -> csv_core::Reader {
    let mut core = csv_core::Reader::new();
    prime(&mut core);
    core
}

/// `core` back at the start of a record as [`primed_core`] makes it, without building its
/// tables again.
fn prime(core: &mut csv_core::Reader) {
    core.reset();
    let _ = core.read_record(b"\n", &mut [0; 1], &mut [0; 1]);
}

/// A run of whole records of an export, cut by a [`Chunker`]: a parser on another thread
/// splits it with [`Splitter::resume`].
#[derive(Default)]
pub(super) struct Chunk {
    /// The line of its first byte.
    pub(super) line: u64,
    pub(super) bytes: Vec<u8>,
    /// The input failed after these records: nothing follows.
    pub(super) error: Option<std::io::Error>,
}

/// Cuts an export into [`Chunk`]s of whole records, so that several threads can split and
/// parse them side by side with the records, lines and cells that one [`Splitter`] gives.
///
/// A chunk ends right after the line feed that ends a record, never after a blank line (a
/// record's line is the one after the previous record, whatever blank lines come between),
/// and never inside a quoted cell: only the records that hold a quote are read with
/// `csv_core` to find where they end; the rest is a byte search for quotes and line feeds.
pub(super) struct Chunker<R> {
    input: R,
    /// Bytes read and not yet handed out, from the start of a record.
    buffer: Vec<u8>,
    /// The line of `buffer[0]`.
    line: u64,
    eof: bool,
    failed: bool,
    core: csv_core::Reader,
}

impl<R: Read> Chunker<R> {
    /// The next chunk of about `size` bytes (more when one record is longer), its bytes in
    /// `recycled`'s allocation; `None` after the last.
    pub(super) fn next_chunk(&mut self, size: usize, recycled: Vec<u8>) -> Option<Chunk> {
        if self.failed || (self.eof && self.buffer.is_empty()) {
            return None;
        }
        let mut wanted = size.max(1);
        loop {
            if let Err(error) = self.read_up_to(wanted) {
                self.failed = true;
                let end = self.last_record_end(self.buffer.len());
                let mut chunk = self.take(end, recycled);
                chunk.error = Some(error);
                return Some(chunk);
            }
            let end = match self.buffer.len() {
                0 => return None,
                len if self.eof && len <= wanted => len,
                len => self.last_record_end(len.min(wanted)),
            };
            if end > 0 {
                return Some(self.take(end, recycled));
            }
            // Not one whole record yet.
            wanted *= 2;
        }
    }

    /// Reads until `wanted` bytes are buffered or the input ends.
    fn read_up_to(&mut self, wanted: usize) -> std::io::Result<()> {
        let missing = wanted.saturating_sub(self.buffer.len());
        if !self.eof && missing > 0 {
            // What was read before a failure stays in the buffer.
            let read = (&mut self.input).take(missing as u64).read_to_end(&mut self.buffer)?;
            self.eof = read < missing;
        }
        Ok(())
    }

    /// The first `end` bytes as a chunk; the rest stays, in `recycled`'s allocation.
    fn take(&mut self, end: usize, mut recycled: Vec<u8>) -> Chunk {
        recycled.clear();
        recycled.extend_from_slice(&self.buffer[end..]);
        let mut bytes = std::mem::replace(&mut self.buffer, recycled);
        bytes.truncate(end);
        let line = self.line;
        self.line += memchr::memchr_iter(b'\n', &bytes).count() as u64;
        Chunk { line, bytes, error: None }
    }

    /// Where the last record that ends in the first `limit` bytes of the buffer ends (0 when
    /// none does).
    fn last_record_end(&mut self, limit: usize) -> usize {
        let (mut scan, mut end) = (0, 0);
        loop {
            let rest = &self.buffer[scan..limit];
            let Some(quote) = memchr::memchr(b'"', rest) else {
                return last_line_end(rest).map_or(end, |at| scan + at);
            };
            let start = memchr::memrchr(b'\n', &rest[..quote]).map_or(0, |at| at + 1);
            if let Some(at) = last_line_end(&rest[..start]) {
                end = scan + at;
            }
            match self.quoted_record_len(scan + start..limit) {
                Some(len) => {
                    scan += start + len;
                    end = scan;
                }
                None => return end,
            }
        }
    }

    /// The length of the record holding a quote that starts at the range's start, its line
    /// feed included; `None` when it goes on past the range's end.
    fn quoted_record_len(&mut self, Range { start, end }: Range<usize>) -> Option<usize> {
        use csv_core::ReadRecordResult;
        let (mut cells, mut ends) = ([0; 1024], [0; 64]);
        let mut at = start;
        loop {
            let (result, read, _, _) = self.core.read_record(&self.buffer[at..end], &mut cells, &mut ends);
            at += read;
            match result {
                ReadRecordResult::OutputFull | ReadRecordResult::OutputEndsFull => {}
                ReadRecordResult::Record => return Some(at - start),
                ReadRecordResult::InputEmpty | ReadRecordResult::End => {
                    self.core = primed_core();
                    return None;
                }
            }
        }
    }
}

/// Where the last line of `bytes` that is not blank ends, after its line feed, when `bytes`
/// starts a line and holds no quote.
fn last_line_end(bytes: &[u8]) -> Option<usize> {
    memchr::memrchr_iter(b'\n', bytes).find(|at| *at > 0 && bytes[at - 1] != b'\n').map(|at| at + 1)
}

/// A record's cells as text: a plain record's line with the commas between its cells, or a
/// quoted record's (or a cleaned record's) cells one after the other.
#[derive(Clone, Copy)]
pub(super) struct Record<'a> {
    pub(super) line: u64,
    text: &'a str,
    /// Where each cell ends in `text`.
    ends: &'a [usize],
    /// Bytes between two cells: 1 (a comma) or 0.
    gap: usize,
}

impl<'a> Record<'a> {
    /// A plain line; `ends` receives where its cells end.
    pub(super) fn plain(line: u64, text: &'a str, ends: &'a mut Vec<usize>) -> Record<'a> {
        ends.clear();
        push_commas(text.as_bytes(), ends);
        ends.push(text.len());
        Record { line, text, ends, gap: 1 }
    }

    /// Cells one after the other in `text`, each ending where `ends` says.
    pub(super) fn joined(line: u64, text: &'a str, ends: &'a [usize]) -> Record<'a> {
        Record { line, text, ends, gap: 0 }
    }

    pub(super) fn len(&self) -> usize {
        self.ends.len()
    }

    /// A plain line, its cells between commas: it holds no line feed.
    pub(super) fn is_plain(&self) -> bool {
        self.gap == 1
    }

    pub(super) fn get(&self, index: usize) -> Option<&'a str> {
        let end = *self.ends.get(index)?;
        let start = match index {
            0 => 0,
            _ => self.ends[index - 1] + self.gap,
        };
        Some(&self.text[start..end])
    }

    pub(super) fn iter(&self) -> impl Iterator<Item = &'a str> + '_ {
        (0..self.len()).map(|index| self.get(index).expect("a cell"))
    }

    /// The record's bytes, the commas of a plain record included: for searching for a byte
    /// other than a comma.
    pub(super) fn bytes(&self) -> &'a [u8] {
        self.text.as_bytes()
    }

    /// The length of its cells together.
    pub(super) fn cells_len(&self) -> usize {
        self.text.len() - self.gap * self.len().saturating_sub(1)
    }
}

/// Pushes where each comma of `bytes` is, in order. A line has a comma every few bytes, too
/// often for a search per comma to pay: eight bytes are looked at together instead.
fn push_commas(bytes: &[u8], ends: &mut Vec<usize>) {
    const LOW: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    let mut words = bytes.chunks_exact(8);
    for (index, word) in words.by_ref().enumerate() {
        let word = u64::from_le_bytes(word.try_into().expect("eight bytes")) ^ u64::from_ne_bytes([b','; 8]);
        // The high bit of each byte that is zero (a comma), exactly: no carry crosses bytes.
        let mut commas = !(((word & LOW) + LOW) | word) & !LOW;
        while commas != 0 {
            ends.push(index * 8 + commas.trailing_zeros() as usize / 8);
            commas &= commas - 1;
        }
    }
    let tail = bytes.len() - words.remainder().len();
    ends.extend(
        words.remainder().iter().enumerate().filter(|(_, byte)| **byte == b',').map(|(at, _)| tail + at),
    );
}

/// A record built anew (with characters replaced), owning its text.
pub(super) struct OwnedRecord {
    line: u64,
    text: String,
    ends: Vec<usize>,
}

impl OwnedRecord {
    pub(super) fn new<'c>(line: u64, cells: impl Iterator<Item = std::borrow::Cow<'c, str>>) -> OwnedRecord {
        let (mut text, mut ends) = (String::new(), Vec::new());
        for cell in cells {
            text.push_str(&cell);
            ends.push(text.len());
        }
        OwnedRecord { line, text, ends }
    }

    pub(super) fn record(&self) -> Record<'_> {
        Record::joined(self.line, &self.text, &self.ends)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Records as (line, cells) the way the `csv` crate reads them after the line feed
    /// conversion, header row included.
    fn csv_crate_records(input: &[u8]) -> Vec<(u64, Vec<Vec<u8>>)> {
        let input = super::super::line_breaks::LineFeeds::new(std::io::BufReader::new(input));
        let mut reader = csv::ReaderBuilder::new().flexible(true).has_headers(false).from_reader(input);
        let mut record = csv::ByteRecord::new();
        let mut records = Vec::new();
        while reader.read_byte_record(&mut record).expect("in memory") {
            let line = record.position().expect("a position").line();
            records.push((line, record.iter().map(<[u8]>::to_vec).collect()));
        }
        records
    }

    /// The same through [`Splitter`], reading `chunk` bytes at a time.
    fn split_records(input: &[u8], chunk: usize) -> Vec<(u64, Vec<Vec<u8>>)> {
        struct Chunks<'a>(&'a [u8], usize);
        impl Read for Chunks<'_> {
            fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
                let count = self.0.len().min(self.1).min(out.len());
                out[..count].copy_from_slice(&self.0[..count]);
                self.0 = &self.0[count..];
                Ok(count)
            }
        }
        let input = super::super::line_breaks::LineFeeds::new(std::io::BufReader::new(Chunks(input, chunk)));
        let mut splitter = Splitter::new(input);
        let mut records = Vec::new();
        let mut batch = Batch::default();
        loop {
            let finished = splitter.fill(&mut batch);
            assert!(batch.error.is_none());
            for split in batch.records() {
                let cells = match split.ends {
                    Some(ends) => {
                        let starts = std::iter::once(0).chain(ends.iter().copied());
                        starts.zip(ends).map(|(start, end)| split.bytes[start..*end].to_vec()).collect()
                    }
                    None => split.bytes.split(|b| *b == b',').map(<[u8]>::to_vec).collect(),
                };
                records.push((split.line, cells));
            }
            if finished {
                return records;
            }
        }
    }

    #[test]
    fn splits_as_the_csv_crate_does() {
        let cases: [&[u8]; 16] = [
            b"",
            b"\n\n",
            b"\xef\xbb\xbfa,b\n1,2\n",
            b"a,b\n\n\n1,2\n\n3\n",
            b"a,b\r\n1,\"x\r\ny\",3\r\n\r\n4,5",
            b"a\n\"unterminated\n1,2\n3,4",
            b"a\n5\" screen,x\n\"a\"b,c\n\"\"\"\",d",
            b"a\n\xef\xbb\xbf\"x\",y\n",
            b"a,b,c\n,,\n   \n,\n",
            b"h\n\"a\nb\"\n\"c\n\n\nd\",e\nf\n",
            b"h\r\"a\rb\",c\r\r\rd\r",
            b"h\n\xff\xfe,\xc3\n\"\xc3\",\"\xa9\"\n",
            b"\xef\xbb",
            b"\xef\xbb\xbf",
            b"\xef\xbb\xbf\n\"q\"\n",
            b"x\n\"",
        ];
        for case in cases {
            for chunk in [1, 2, 3, 7, 64, 1 << 20] {
                assert_eq!(split_records(case, chunk), csv_crate_records(case), "{case:?} by {chunk}");
            }
        }
    }

    proptest! {
        #[test]
        fn random_input_splits_as_the_csv_crate_does(
            bytes in proptest::collection::vec(
                prop_oneof![Just(b'a'), Just(b','), Just(b'"'), Just(b'\n'), Just(b'\r'), Just(b' '), Just(0xef), Just(0xbb), Just(0xbf), any::<u8>()],
                0..200,
            ),
            chunk in 1usize..40,
        ) {
            prop_assert_eq!(split_records(&bytes, chunk), csv_crate_records(&bytes));
        }
    }

    /// The same through [`for_each_record`], the input taken as a chunk starting on `line`.
    fn chunk_records(input: &[u8], line: u64) -> Vec<(u64, Vec<Vec<u8>>)> {
        let mut records = Vec::new();
        let text = std::str::from_utf8(input).ok();
        let mut core = primed_core();
        for_each_record((input, text), line, &mut core, &mut |split| {
            if let (Some(text), None) = (split.text, split.ends) {
                assert_eq!(text.as_bytes(), split.bytes);
            }
            records.push((split.line, cells_of(&split)))
        });
        // The reader is left at the start of a record, as it was given.
        let again = b"a,\"b\"\n";
        let mut cells = Vec::new();
        for_each_record((again, None), 1, &mut core, &mut |split| cells.push(cells_of(&split)));
        assert_eq!(cells, [vec![b"a".to_vec(), b"b".to_vec()]]);
        records
    }

    /// The same through [`Splitter::resume`].
    fn resumed_records(input: &[u8], line: u64) -> Vec<(u64, Vec<Vec<u8>>)> {
        let mut splitter = Splitter::resume(input, line);
        let (mut records, mut batch) = (Vec::new(), Batch::default());
        loop {
            let finished = splitter.fill(&mut batch);
            records.extend(batch.records().map(|split| (split.line, cells_of(&split))));
            if finished {
                return records;
            }
        }
    }

    fn cells_of(split: &SplitRecord<'_>) -> Vec<Vec<u8>> {
        match split.ends {
            Some(ends) => {
                let starts = std::iter::once(0).chain(ends.iter().copied());
                starts.zip(ends).map(|(start, end)| split.bytes[start..*end].to_vec()).collect()
            }
            None => split.bytes.split(|b| *b == b',').map(<[u8]>::to_vec).collect(),
        }
    }

    proptest! {
        #[test]
        fn a_chunk_splits_in_place_as_a_splitter_splits_it(
            bytes in proptest::collection::vec(
                prop_oneof![Just(b'a'), Just(b','), Just(b'"'), Just(b'\n'), Just(b' '), Just(0xef), any::<u8>()],
                0..300,
            ),
            line in 1u64..100,
        ) {
            prop_assert_eq!(chunk_records(&bytes, line), resumed_records(&bytes, line));
        }
    }

    #[test]
    fn a_long_quoted_record_splits_in_place() {
        let mut input = b"x,\"".to_vec();
        input.extend(std::iter::repeat_n(b'z', 5000));
        input.extend(b"\"".iter().chain(&[b','; 100]).chain(b"\n\n\"unterminated\nend"));
        assert_eq!(chunk_records(&input, 7), resumed_records(&input, 7));
    }

    #[test]
    fn a_long_record_is_read_across_refills() {
        let mut input = b"a,b\n".to_vec();
        input.extend(std::iter::repeat_n(b'x', 1 << 20));
        input.extend(b",y\n\"");
        input.extend(std::iter::repeat_n(b'z', 1 << 19));
        input.extend(b"\",w\nlast");
        assert_eq!(split_records(&input, 1 << 16), csv_crate_records(&input));
    }

    #[test]
    fn commas_are_found_where_they_are() {
        let mut ends = Vec::new();
        for text in [
            "",
            ",",
            "a,b",
            ",,,,,,,,,,,,,,,,,",
            ",-,-,-,-",
            "-,\u{2c}\u{ac},\u{12c}",
            "abcdefgh,ijklmnop,q,",
            "Allocation 7,Ana Silva,2.5,x,3/1/2026,,",
        ] {
            ends.clear();
            push_commas(text.as_bytes(), &mut ends);
            let expected: Vec<usize> =
                text.bytes().enumerate().filter(|(_, b)| *b == b',').map(|(at, _)| at).collect();
            assert_eq!(ends, expected, "{text:?}");
        }
        for byte in 0..=255u8 {
            let bytes: Vec<u8> = (0..20).map(|at| if at % 3 == 0 { byte } else { b',' }).collect();
            ends.clear();
            push_commas(&bytes, &mut ends);
            let expected: Vec<usize> = (0..20).filter(|at| at % 3 != 0 || byte == b',').collect();
            assert_eq!(ends, expected, "{byte}");
        }
    }

    #[test]
    fn cells_of_plain_and_joined_records() {
        let mut ends = Vec::new();
        let plain = Record::plain(2, "a,,bc", &mut ends);
        assert_eq!(plain.iter().collect::<Vec<_>>(), ["a", "", "bc"]);
        assert_eq!((plain.len(), plain.cells_len(), plain.get(3)), (3, 3, None));
        let owned = OwnedRecord::new(3, ["x", "", "yz"].into_iter().map(Into::into));
        let joined = owned.record();
        assert_eq!(joined.iter().collect::<Vec<_>>(), ["x", "", "yz"]);
        assert_eq!((joined.len(), joined.cells_len(), joined.line), (3, 3, 3));
    }
}
