//! The HTTP side of a pull: one base's API, paced (see [`super::pace`]), each request bounded
//! in time, failures retried within a budget for the whole pull.
//!
//! A request that fails in a way that may pass (no connection, a time-out, a connection
//! dropped before the whole answer came, an answer that is not JSON, a 5xx) is tried again
//! after a backoff of 1, 2, 4… seconds, at most [`TRIES`] times, and only while the time spent
//! on failures in the whole pull stays within the retry budget: a server that accepts and never
//! answers ends the pull in about a minute by default. A 429 waits the time Airtable asks
//! for (30 s) and is tried again, at most [`TRIES`] times. Other answers go back to the caller.

use std::time::{Duration, Instant};

use anyhow::{bail, Result};
use serde_json::Value;

use super::pace::Pacer;

/// How often one request is tried.
const TRIES: usize = 5;

/// The time limits of a pull.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// One request, from connecting to the end of the answer.
    pub request: Duration,
    /// All the failed tries of a pull together, with their backoffs.
    pub retry_budget: Duration,
    /// The wait after a 429 (Airtable asks for 30 s).
    pub rate_limited_wait: Duration,
}

impl Limits {
    pub const DEFAULT: Limits = Limits {
        request: Duration::from_secs(15),
        retry_budget: Duration::from_secs(60),
        rate_limited_wait: Duration::from_secs(30),
    };

    /// The defaults, each shortened by an environment variable in milliseconds (for tests and
    /// proxies): `CES_AIRTABLE_TIMEOUT_MS`, `CES_AIRTABLE_RETRY_BUDGET_MS`,
    /// `CES_AIRTABLE_RATE_LIMIT_WAIT_MS`.
    pub fn from_env() -> Result<Limits> {
        let read = crate::settings::wait_from_env;
        Ok(Limits {
            request: read("CES_AIRTABLE_TIMEOUT_MS", Limits::DEFAULT.request)?,
            retry_budget: read("CES_AIRTABLE_RETRY_BUDGET_MS", Limits::DEFAULT.retry_budget)?,
            rate_limited_wait: read("CES_AIRTABLE_RATE_LIMIT_WAIT_MS", Limits::DEFAULT.rate_limited_wait)?,
        })
    }
}

/// An answer other than a success: its status and body.
pub(super) enum Answer {
    Json(Value),
    Status(u16, String),
}

/// The API of one base.
pub(super) struct Http {
    agent: ureq::Agent,
    token: String,
    limits: Limits,
    pacer: Pacer,
    /// The time failed tries have taken so far, backoffs included.
    spent_on_failures: Duration,
    pub(super) requests: usize,
}

impl Http {
    pub(super) fn new(token: String, limits: Limits) -> Http {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(limits.request))
            .build()
            .into();
        Http { agent, token, limits, pacer: Pacer::default(), spent_on_failures: Duration::ZERO, requests: 0 }
    }

    /// GET `url` with `query`; `what` names what is read, for messages ("table Activities").
    pub(super) fn get(&mut self, url: &str, query: &[(&str, &str)], what: &str) -> Result<Answer> {
        let mut backoff = Duration::from_secs(1);
        let mut rate_limited = 0;
        let mut failed = 0;
        loop {
            self.pacer.next();
            crate::interrupt::check()?;
            self.requests += 1;
            let started = Instant::now();
            match self.try_once(url, query) {
                Ok(Answer::Status(429, _)) => {
                    rate_limited += 1;
                    if rate_limited >= TRIES {
                        bail!("{what}: Airtable kept answering 429 (too many requests); try again later");
                    }
                    crate::interrupt::sleep(self.limits.rate_limited_wait)?;
                }
                Ok(Answer::Status(500..=599, _)) | Err(()) => {
                    failed += 1;
                    self.spent_on_failures += started.elapsed();
                    let next = self.spent_on_failures + backoff + self.limits.request;
                    if failed >= TRIES || next > self.limits.retry_budget {
                        bail!(
                            "Airtable did not answer for {what} ({failed} {} in {} s); try again later",
                            if failed == 1 { "try" } else { "tries" },
                            self.spent_on_failures.as_secs()
                        );
                    }
                    crate::interrupt::sleep(backoff)?;
                    self.spent_on_failures += backoff;
                    backoff *= 2;
                }
                Ok(answer) => return Ok(answer),
            }
        }
    }

    /// One try: `Err(())` when it may pass on another (no connection, a time-out, a cut or
    /// unreadable answer).
    fn try_once(&self, url: &str, query: &[(&str, &str)]) -> Result<Answer, ()> {
        let mut request = self.agent.get(url).header("Authorization", &format!("Bearer {}", self.token));
        for (key, value) in query {
            request = request.query(*key, *value);
        }
        let mut response = request.call().map_err(|_| ())?;
        let status = response.status().as_u16();
        let body = response.body_mut().read_to_string().map_err(|_| ())?;
        if status != 200 {
            return Ok(Answer::Status(status, body));
        }
        serde_json::from_str(&body).map(Answer::Json).map_err(|_| ())
    }
}
