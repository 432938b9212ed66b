//! The ledger: what `send` has done with each message, one line per step, each on disk
//! (`fsync`) before the step that follows it. A message is recorded as `sending` just before
//! its content goes to the server (after every recipient was accepted), as `sent` once the
//! server has answered 250, and as `failed` when the server certainly did not take it. A
//! message whose last line is `sending` is one whose outcome a crash or a broken connection
//! left unknown: it may have been delivered, so it is never sent again without being asked
//! (`--resend`).
//!
//! Lines are `STATE<TAB>KEY<TAB>FILE`, the key a Message-ID (or the file's name); a line of
//! an older ledger, `KEY<TAB>FILE`, means sent.

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum State {
    Sending,
    Sent,
    Failed,
}

impl State {
    fn word(self) -> &'static str {
        match self {
            State::Sending => "sending",
            State::Sent => "sent",
            State::Failed => "failed",
        }
    }
}

pub(super) struct Ledger {
    path: PathBuf,
    /// Open for appending; `None` when it is only read (a dry run).
    file: Option<File>,
    states: HashMap<String, State>,
}

impl Ledger {
    /// Reads the ledger, if there is one, without changing anything.
    pub(super) fn read(path: &Path) -> Result<Ledger> {
        let states = match std::fs::read_to_string(path) {
            Ok(text) => parse(&text),
            Err(error) if error.kind() == ErrorKind::NotFound => HashMap::new(),
            Err(error) => {
                return Err(error).with_context(|| format!("cannot read the ledger {}", path.display()))
            }
        };
        Ok(Ledger { path: path.to_path_buf(), file: None, states })
    }

    /// Opens the ledger for writing, created if missing, before anything is sent: a ledger
    /// that cannot be written stops the run before its first message.
    pub(super) fn open(path: &Path) -> Result<Ledger> {
        let folder = match path.parent() {
            Some(folder) if !folder.as_os_str().is_empty() => folder,
            _ => Path::new("."),
        };
        if !folder.is_dir() {
            bail!(
                "the ledger's folder {} does not exist: create it, or give --ledger a file in a folder that exists; nothing was sent",
                folder.display()
            );
        }
        let existed = path.exists();
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .with_context(|| format!("cannot write the ledger {}; nothing was sent", path.display()))?;
        if !existed {
            // The new file's name is on disk too.
            if let Ok(folder) = File::open(folder) {
                let _ = folder.sync_all();
            }
        }
        let mut ledger = Ledger::read(path)?;
        ledger.file = Some(file);
        Ok(ledger)
    }

    pub(super) fn path(&self) -> &Path {
        &self.path
    }

    pub(super) fn state(&self, key: &str) -> Option<State> {
        self.states.get(key).copied()
    }

    /// Appends one step, on disk before this returns.
    pub(super) fn record(&mut self, state: State, key: &str, file: &str) -> Result<()> {
        let path = self.path.display().to_string();
        let ledger =
            self.file.as_mut().with_context(|| format!("the ledger {path} is open for reading only"))?;
        let file = file.replace(['\t', '\n', '\r'], " ");
        writeln!(ledger, "{}\t{key}\t{file}", state.word())
            .and_then(|()| ledger.sync_data())
            .with_context(|| format!("cannot write the ledger {path}"))?;
        self.states.insert(key.to_string(), state);
        Ok(())
    }
}

/// Each key's last state.
fn parse(text: &str) -> HashMap<String, State> {
    let mut states = HashMap::new();
    for line in text.lines() {
        let fields: Vec<&str> = line.split('\t').collect();
        let (state, key) = match fields.as_slice() {
            ["sending", key, ..] => (State::Sending, key),
            ["sent", key, ..] => (State::Sent, key),
            ["failed", key, ..] => (State::Failed, key),
            [key, ..] if !key.is_empty() => (State::Sent, key),
            _ => continue,
        };
        states.insert((*key).to_string(), state);
    }
    states
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_line_of_a_key_is_its_state_and_old_lines_are_sent() {
        let states = parse("<a@x>\ta.eml\nsending\t<b@x>\tb.eml\nsending\t<c@x>\tc.eml\nsent\t<c@x>\tc.eml\nsending\t<d@x>\td.eml\nfailed\t<d@x>\td.eml\n");
        assert_eq!(states["<a@x>"], State::Sent);
        assert_eq!(states["<b@x>"], State::Sending);
        assert_eq!(states["<c@x>"], State::Sent);
        assert_eq!(states["<d@x>"], State::Failed);
    }
}
