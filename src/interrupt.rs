//! Ctrl-C and SIGTERM: the first asks the run to stop. Work already under way that must not be
//! left half done (a swap of the output folder) finishes; no new work starts; every child
//! process the run started is ended with its own children; the tool exits 130. A second signal
//! while stopping ends the process at once.

use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use anyhow::Result;

static REQUESTED: OnceLock<Arc<AtomicBool>> = OnceLock::new();

/// The exit code of a run stopped by a signal, as shells report Ctrl-C.
pub const EXIT_CODE: u8 = 130;

/// The error a stopped run returns, so that `main` knows to exit with [`EXIT_CODE`].
#[derive(Debug)]
pub struct Interrupted;

impl std::fmt::Display for Interrupted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "interrupted: stopped before the work was done")
    }
}

impl std::error::Error for Interrupted {}

/// Installs the handlers; called once, first thing in `main`.
pub fn install() -> Result<()> {
    let flag = REQUESTED.get_or_init(|| Arc::new(AtomicBool::new(false)));
    for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        // Registered first, so it sees the flag as it was before this signal: set means this
        // is the second one.
        signal_hook::flag::register_conditional_shutdown(signal, i32::from(EXIT_CODE), Arc::clone(flag))?;
        signal_hook::flag::register(signal, Arc::clone(flag))?;
    }
    Ok(())
}

/// Whether a stop was asked for.
pub fn requested() -> bool {
    REQUESTED.get().is_some_and(|flag| flag.load(Ordering::Relaxed))
}

/// `Err(Interrupted)` once a stop was asked for: a point where the run may stop cleanly.
pub fn check() -> Result<()> {
    if requested() {
        return Err(Interrupted.into());
    }
    Ok(())
}

/// Sleeps for `duration`, waking every 100 ms to stop early (`Err(Interrupted)`) when a stop
/// is asked for: a long wait (a 429's 30 s) never holds up Ctrl-C.
pub fn sleep(duration: Duration) -> Result<()> {
    let until = std::time::Instant::now() + duration;
    loop {
        check()?;
        let left = until.saturating_duration_since(std::time::Instant::now());
        if left.is_zero() {
            return Ok(());
        }
        std::thread::sleep(left.min(Duration::from_millis(100)));
    }
}

/// Starts `command` in a process group of its own, so that it and every process it starts can
/// be ended together (a terminal's Ctrl-C then reaches only this tool, which ends them).
pub fn spawn(command: &mut Command) -> std::io::Result<Child> {
    use std::os::unix::process::CommandExt;
    command.process_group(0).spawn()
}

/// How a child started with [`spawn`] ended.
pub enum Waited {
    Exited(std::process::ExitStatus),
    /// Stopped because a stop was asked for.
    Interrupted,
    /// Stopped because it ran longer than allowed.
    TimedOut,
}

/// Waits for `child`, ending its whole process group when a stop is asked for or `timeout`
/// passes.
pub fn wait(child: &mut Child, timeout: Duration) -> std::io::Result<Waited> {
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(Waited::Exited(status));
        }
        let ending = if requested() {
            Some(Waited::Interrupted)
        } else if started.elapsed() > timeout {
            Some(Waited::TimedOut)
        } else {
            None
        };
        if let Some(ending) = ending {
            end_group(child);
            return Ok(ending);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Ends `child`'s process group: SIGTERM, then SIGKILL after a grace period. `kill(1)` does the
/// signalling, so the crate needs no unsafe code.
fn end_group(child: &mut Child) {
    let group = format!("-{}", child.id());
    let signal = |name: &str| {
        let _ = Command::new("kill")
            .args(["-s", name, "--", &group])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    };
    signal("TERM");
    let grace = Instant::now();
    while grace.elapsed() < Duration::from_secs(2) {
        if matches!(child.try_wait(), Ok(Some(_))) {
            // The leader is gone; end any of its children still in the group.
            signal("KILL");
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    signal("KILL");
    let _ = child.wait();
}
