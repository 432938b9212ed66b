//! Line endings. The CSV reader ends a row at CR, LF or CRLF but counts lines by line feeds,
//! and for CRLF (Airtable's) it dates each row from before the LF: every message would name
//! the line above, and in a CR-only export line 1. Turning CRLF and lone CRs into LF as the
//! bytes stream in makes lines count the way an editor shows them. A line break inside a
//! quoted cell becomes a LF too, as free text is read anyway.

use std::io::{BufRead, Read, Result};

/// `inner` with each CRLF and each lone CR turned into one LF.
pub(super) struct LineFeeds<R> {
    inner: R,
    /// The last byte handed over was a CR standing for a line break, written as a LF;
    /// a LF right after it belongs to it.
    pending_cr: bool,
}

impl<R: BufRead> LineFeeds<R> {
    pub(super) fn new(inner: R) -> Self {
        LineFeeds { inner, pending_cr: false }
    }

    /// Copies what `inner` has buffered into `out` with line breaks converted; the count of
    /// bytes written, which is 0 only at the end of the input.
    fn convert_some(&mut self, out: &mut [u8]) -> Result<usize> {
        let available = self.inner.fill_buf()?;
        let mut skip = 0;
        if self.pending_cr && available.first() == Some(&b'\n') {
            skip = 1;
        }
        self.pending_cr = false;
        let take = (available.len() - skip).min(out.len()) + skip;
        let mut written = 0;
        let mut from = skip;
        while let Some(found) = memchr::memchr(b'\r', &available[from..take]) {
            let cr = from + found;
            out[written..written + cr - from].copy_from_slice(&available[from..cr]);
            written += cr - from;
            out[written] = b'\n';
            written += 1;
            from = cr + 1;
            if from < take && available[from] == b'\n' {
                from += 1;
            } else if from == take {
                self.pending_cr = true;
            }
        }
        out[written..written + take - from].copy_from_slice(&available[from..take]);
        written += take - from;
        self.inner.consume(take);
        Ok(written)
    }
}

impl<R: BufRead> Read for LineFeeds<R> {
    fn read(&mut self, out: &mut [u8]) -> Result<usize> {
        if out.is_empty() {
            return Ok(0);
        }
        loop {
            let written = self.convert_some(out)?;
            // A chunk that was only the LF of a CRLF split across reads writes nothing.
            if written > 0 || self.inner.fill_buf()?.is_empty() {
                return Ok(written);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads `input` through the adapter, `chunk` bytes at a time from a reader that hands
    /// over `inner_chunk` bytes a time.
    fn converted(input: &[u8], chunk: usize, inner_chunk: usize) -> Vec<u8> {
        let inner = std::io::BufReader::with_capacity(inner_chunk, input);
        let mut reader = LineFeeds::new(inner);
        let mut out = Vec::new();
        let mut buffer = vec![0; chunk];
        loop {
            let read = reader.read(&mut buffer).unwrap();
            if read == 0 {
                return out;
            }
            out.extend_from_slice(&buffer[..read]);
        }
    }

    #[test]
    fn crlf_and_lone_carriage_returns_become_line_feeds_across_chunk_edges() {
        let input = b"a,b\rc,d\r\ne,f\r\rg\r\n\r\nh\r";
        let expected = b"a,b\nc,d\ne,f\n\ng\n\nh\n";
        for chunk in 1..=6 {
            for inner_chunk in 1..=6 {
                assert_eq!(converted(input, chunk, inner_chunk), expected, "{chunk}, {inner_chunk}");
            }
        }
    }

    #[test]
    fn text_without_carriage_returns_is_unchanged() {
        assert_eq!(converted(b"a,b\nc,d\n", 64, 64), b"a,b\nc,d\n");
    }
}
