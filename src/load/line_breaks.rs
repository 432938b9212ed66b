//! Old Mac line endings. The CSV reader ends a row at a lone carriage return but counts lines
//! by line feeds only, so in a CR-only export every message would say line 1. Turning each
//! lone CR into a LF as the bytes stream in makes lines count the way an editor shows them.

use std::io::{BufRead, Read, Result};

/// `inner` with every CR that is not followed by a LF replaced by a LF; CRLF is kept.
pub struct LoneCarriageReturns<R> {
    inner: R,
}

impl<R: BufRead> LoneCarriageReturns<R> {
    pub fn new(inner: R) -> Self {
        LoneCarriageReturns { inner }
    }
}

impl<R: BufRead> Read for LoneCarriageReturns<R> {
    fn read(&mut self, out: &mut [u8]) -> Result<usize> {
        let available = self.inner.fill_buf()?;
        let count = available.len().min(out.len());
        out[..count].copy_from_slice(&available[..count]);
        self.inner.consume(count);
        let mut from = 0;
        while let Some(found) = memchr::memchr(b'\r', &out[from..count]) {
            let position = from + found;
            let next = if position + 1 < count {
                Some(out[position + 1])
            } else {
                // The CR ends this chunk: look at what comes next without taking it.
                self.inner.fill_buf()?.first().copied()
            };
            if next != Some(b'\n') {
                out[position] = b'\n';
            }
            from = position + 1;
        }
        Ok(count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads `input` through the adapter, `chunk` bytes at a time from a reader that hands
    /// over `inner_chunk` bytes a time.
    fn converted(input: &[u8], chunk: usize, inner_chunk: usize) -> Vec<u8> {
        let inner = std::io::BufReader::with_capacity(inner_chunk, input);
        let mut reader = LoneCarriageReturns::new(inner);
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
    fn lone_carriage_returns_become_line_feeds_across_chunk_edges() {
        let input = b"a,b\rc,d\r\ne,f\r\rg\r";
        let expected = b"a,b\nc,d\r\ne,f\n\ng\n";
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
