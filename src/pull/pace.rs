//! Pacing under Airtable's limit of 5 requests a second per base. Spacing requests 200 ms
//! apart is not enough: the time a request takes to reach the server varies, so six of them can
//! land inside one second there and lock the base out for 30 s. Instead at most
//! [`PER_WINDOW`] requests start within any [`WINDOW`] (a second and a margin for that
//! variation), a sliding window over the start times of the last requests.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// The most requests that may start within [`WINDOW`].
pub(super) const PER_WINDOW: usize = 5;
/// One second at the server, and a quarter of a second for requests that travel at different
/// speeds.
pub(super) const WINDOW: Duration = Duration::from_millis(1250);

/// The start times of the last [`PER_WINDOW`] requests.
#[derive(Default)]
pub(super) struct Pacer {
    started: VecDeque<Instant>,
}

impl Pacer {
    /// How long to wait before the next request may start, as of `now`.
    pub(super) fn wait_at(&self, now: Instant) -> Duration {
        match self.started.front() {
            Some(oldest) if self.started.len() >= PER_WINDOW => {
                (*oldest + WINDOW).saturating_duration_since(now)
            }
            _ => Duration::ZERO,
        }
    }

    /// Records that a request starts at `now`.
    pub(super) fn start_at(&mut self, now: Instant) {
        self.started.push_back(now);
        while self.started.len() > PER_WINDOW {
            self.started.pop_front();
        }
    }

    /// Waits until the next request may start, and records that it does.
    pub(super) fn next(&mut self) {
        let wait = self.wait_at(Instant::now());
        if !wait.is_zero() {
            std::thread::sleep(wait);
        }
        self.start_at(Instant::now());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Requests started as soon as allowed: any window of 1.25 s holds at most 5 starts, and
    /// 100 requests take 19 windows after the first 5 (23.75 s), 4 a second.
    #[test]
    fn no_window_holds_more_than_five_starts() {
        let zero = Instant::now();
        let mut pacer = Pacer::default();
        let mut now = zero;
        let mut starts = Vec::new();
        for _ in 0..100 {
            now += pacer.wait_at(now);
            pacer.start_at(now);
            starts.push(now);
        }
        for (i, start) in starts.iter().enumerate() {
            let within = starts[i..].iter().take_while(|s| **s < *start + WINDOW).count();
            assert!(within <= PER_WINDOW, "{within} starts within a window from request {i}");
        }
        assert_eq!(starts[99] - zero, WINDOW * 19);
    }
}
