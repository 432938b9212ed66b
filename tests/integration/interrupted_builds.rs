//! Builds of a large synthetic export killed (SIGKILL) at seeded random moments: after each
//! kill the output folder holds the complete old output or the complete new one, as the
//! README states it; the next build succeeds and leaves no temporary folder, inside the
//! output or beside it. Files of one's own in the folder are never touched.
//!
//! The kill moments are spread over the whole build and, so that enough of them land while
//! files are being written, over the writing and the swap, timed from when the build's work
//! folder or journal appears.

use std::collections::BTreeMap;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Kills that must interrupt a running build: at least 5 while it writes, 1 while it swaps.
const INTERRUPTIONS: usize = 20;
/// A kill can land after the build ended, or miss the short swap: more tries, up to this.
const ATTEMPTS: usize = 40;
const MONTHS: [&str; 2] = ["2026-09", "2026-10"];
/// Files of one's own, there from the start: they must come through every kill untouched.
const OWN_FILES: [(&str, &str); 3] =
    [("notes.md", "my notes\n"), ("exports/board-pack.md", "mine\n"), ("_build/keep.txt", "mine too\n")];

type Files = BTreeMap<String, Vec<u8>>;

/// Starts a build; its stderr is kept for `build` only (a pipe no one reads would block it).
fn start_build(data: &Path, out: &Path, month: &str, stderr: Stdio) -> Child {
    Command::new(env!("CARGO_BIN_EXE_ces-report"))
        .args(["build", data.to_str().unwrap(), "--month", month, "--out", out.to_str().unwrap()])
        .stdout(Stdio::null())
        .stderr(stderr)
        .spawn()
        .expect("the binary runs")
}

/// Builds to completion; its stderr.
fn build(data: &Path, out: &Path, month: &str) -> String {
    let output = start_build(data, out, month, Stdio::piped()).wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).to_string();
    assert!(output.status.success(), "{stderr}");
    stderr
}

/// Every file under `dir` but those under `skip` (relative path → bytes).
fn files(dir: &Path, skip: Option<&str>) -> Files {
    // A killed run's lock is left behind by design: the next run takes it over.
    crate::support::files_under(dir, &|path| Some(path) == skip || path == ".ces-report.lock")
}

/// A small deterministic generator (xorshift) for the kill moments.
struct Random(u64);

impl Random {
    fn below(&mut self, bound: Duration) -> Duration {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        bound.mul_f64((self.0 % 10_000) as f64 / 10_000.0)
    }
}

/// When to kill: some time after the start, after the work folder appears, or after the
/// journal appears.
#[derive(Clone, Copy, Debug)]
enum Trigger {
    Start,
    Writing,
    Swapping,
}

/// How long a build runs from each trigger: from the start to its end, from when the work
/// folder appears to its end, and from when the journal appears to when it goes (the renames).
#[derive(Debug)]
struct Phases {
    whole: Duration,
    writing: Duration,
    swapping: Duration,
}

impl Phases {
    /// Times a build of `out`.
    fn measure(data: &Path, out: &Path, month: &str) -> Phases {
        let started = Instant::now();
        let mut child = start_build(data, out, month, Stdio::null());
        let journal = out.join(".ces-report/swapping");
        let (mut writing, mut swapping, mut swapped) = (None, None, None);
        while child.try_wait().unwrap().is_none() {
            let now = Instant::now();
            if writing.is_none() && out.join(".ces-report").exists() {
                writing = Some(now);
            }
            match (swapping, swapped, journal.exists()) {
                (None, _, true) => swapping = Some(now),
                (Some(_), None, false) => swapped = Some(now),
                _ => {}
            }
            std::thread::sleep(Duration::from_micros(200));
        }
        assert!(child.wait().unwrap().success());
        let ended = Instant::now();
        let (writing, swapping) = (writing.expect("a work folder"), swapping.expect("a journal"));
        Phases {
            whole: ended - started,
            writing: ended - writing,
            swapping: swapped.unwrap_or(ended) - swapping,
        }
    }

    /// The span after `trigger` over which a kill is drawn.
    fn after(&self, trigger: Trigger) -> Duration {
        match trigger {
            Trigger::Start => self.whole,
            Trigger::Writing => self.writing,
            Trigger::Swapping => self.swapping,
        }
    }
}

/// Starts a build and kills it `delay` after `trigger`; whether the kill interrupted it.
fn kill_build(data: &Path, out: &Path, month: &str, trigger: Trigger, delay: Duration) -> bool {
    let mut child = start_build(data, out, month, Stdio::null());
    let marker = match trigger {
        Trigger::Start => None,
        Trigger::Writing => Some(out.join(".ces-report")),
        Trigger::Swapping => Some(out.join(".ces-report/swapping")),
    };
    if let Some(marker) = marker {
        while !marker.exists() && child.try_wait().unwrap().is_none() {
            std::thread::sleep(Duration::from_micros(200));
        }
    }
    std::thread::sleep(delay);
    let _ = child.kill();
    child.wait().unwrap().signal() == Some(9)
}

/// Where a build was when it was killed, as the folder shows it.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord, Clone, Copy)]
enum Found {
    /// No work folder: the old output, or the new one if the build had just finished.
    NoWork,
    /// A work folder without a journal and the old output, untouched: killed while writing.
    Staging,
    /// A journal: the new output complete, partly moved in.
    Swapping,
    /// A work folder without a journal and the new output: killed while cleaning up.
    CleaningUp,
}

/// Checks that `out` holds the complete old output or the complete new one, as described
/// in the README, and says which state it found.
fn check_after_kill(out: &Path, old: &Files, new: &Files, context: &str) -> Found {
    let visible = files(out, Some(".ces-report"));
    let work = out.join(".ces-report");
    if !work.exists() {
        assert!(&visible == old || &visible == new, "{context}: no work folder, and neither output in place");
        return Found::NoWork;
    }
    if !work.join("swapping").exists() {
        assert!(&visible == old || &visible == new, "{context}: no journal, and neither output in place");
        return if &visible == old { Found::Staging } else { Found::CleaningUp };
    }
    for (path, bytes) in &visible {
        let either = old.get(path) == Some(bytes) || new.get(path) == Some(bytes);
        assert!(either, "{context}: {path} is neither its old nor its new version");
    }
    let staged = files(&work.join("new"), None);
    for (path, bytes) in new {
        let there = visible.get(path) == Some(bytes) || staged.get(path) == Some(bytes);
        assert!(there, "{context}: the new output's {path} is neither in place nor staged");
    }
    Found::Swapping
}

/// The export, the two outputs expected from it, and the output folder the kills land in.
struct Scene {
    folder: PathBuf,
    data: PathBuf,
    out: PathBuf,
    expected: [Files; 2],
}

impl Scene {
    fn set_up() -> Scene {
        let folder = crate::support::temp_folder("interrupted");
        let data = folder.join("data");
        // The benchmark's 100 engagements (1,400 files) with a tenth of its activities; in a
        // debug build (CI's), 40 engagements (590 files), since there a build of 100 takes
        // two seconds and this test a minute and a half. Kills land in the same phases.
        let engagements = if cfg!(debug_assertions) { 40 } else { 100 };
        crate::synthetic::write_export(&data, engagements, engagements * 10, engagements * 100).unwrap();
        let reference = |month: &str| {
            let dir = folder.join(format!("expected-{month}"));
            build(&data, &dir, month);
            let mut expected = files(&dir, None);
            expected
                .extend(OWN_FILES.iter().map(|(path, text)| (path.to_string(), text.as_bytes().to_vec())));
            expected
        };
        let expected = MONTHS.map(reference);
        let out = folder.join("book");
        build(&data, &out, MONTHS[0]);
        for (path, text) in OWN_FILES {
            std::fs::create_dir_all(out.join(path).parent().unwrap()).unwrap();
            std::fs::write(out.join(path), text).unwrap();
        }
        Scene { folder, data, out, expected }
    }

    /// Kills a build of month `next` over the other month's output, checks what it left, then
    /// builds `next` to the end and checks that; where the killed build was, if it was killed.
    fn kill_then_rebuild(&self, next: usize, trigger: Trigger, delay: Duration) -> Option<Found> {
        let (old, new) = (&self.expected[1 - next], &self.expected[next]);
        let beside = crate::support::names_in(&self.folder);
        let killed = kill_build(&self.data, &self.out, MONTHS[next], trigger, delay);
        let context = format!("{} killed {delay:?} after {trigger:?}", MONTHS[next]);
        let found = check_after_kill(&self.out, old, new, &context);
        let stderr = build(&self.data, &self.out, MONTHS[next]);
        let finished_the_swap = stderr.contains("finishing it first");
        assert_eq!(finished_the_swap, found == Found::Swapping, "{context}: {stderr}");
        assert!(&files(&self.out, None) == new, "{context}: the next build did not give the new output");
        assert!(!self.out.join(".ces-report").exists(), "{context}: the work folder was left behind");
        assert_eq!(
            crate::support::names_in(&self.folder),
            beside,
            "{context}: something was left beside the output"
        );
        killed.then_some(found)
    }
}

#[test]
fn a_build_killed_at_any_moment_leaves_a_complete_output_and_the_next_one_succeeds() {
    let started = Instant::now();
    let scene = Scene::set_up();
    let phases = Phases::measure(&scene.data, &scene.out, MONTHS[1]);
    let mut random = Random(0x5EED_C4A5_0F00_D15C);
    let triggers = [Trigger::Start, Trigger::Writing, Trigger::Writing, Trigger::Swapping];
    let mut found = BTreeMap::<Found, usize>::new();
    let enough = |found: &BTreeMap<Found, usize>| {
        found.values().sum::<usize>() >= INTERRUPTIONS
            && found.get(&Found::Staging) >= Some(&5)
            && found.contains_key(&Found::Swapping)
    };
    let mut attempts = 0;
    while attempts < ATTEMPTS && !enough(&found) {
        let trigger = triggers[attempts % triggers.len()];
        let delay = random.below(phases.after(trigger));
        if let Some(state) = scene.kill_then_rebuild(attempts % 2, trigger, delay) {
            *found.entry(state).or_default() += 1;
        }
        attempts += 1;
    }
    eprintln!(
        "killed {} builds in {attempts} tries: {found:?}; {phases:?}; {:.1} s",
        found.values().sum::<usize>(),
        started.elapsed().as_secs_f64()
    );
    assert!(enough(&found), "too few kills while a build ran, wrote or swapped: {found:?}");
    std::fs::remove_dir_all(&scene.folder).unwrap();
}

/// Processes whose working folder or command line is inside `folder`.
fn processes_inside(folder: &Path) -> Vec<String> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let pid = entry.file_name().to_string_lossy().to_string();
        if !pid.chars().all(|c| c.is_ascii_digit()) || pid == std::process::id().to_string() {
            continue;
        }
        let cwd = std::fs::read_link(entry.path().join("cwd")).ok();
        let cmdline = std::fs::read(entry.path().join("cmdline")).unwrap_or_default();
        let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
        if cwd.is_some_and(|cwd| cwd.starts_with(folder)) || cmdline.contains(folder.to_str().unwrap()) {
            found.push(format!("{pid}: {cmdline}"));
        }
    }
    found
}

/// Ctrl-C (SIGINT to the process, or to its process group as a terminal sends it) and SIGTERM
/// at seeded moments of `render`: each run stops with exit 130 within a few seconds, no process
/// it started outlives it, no PDF is left half written, and the next render completes.
#[test]
fn ctrl_c_at_any_moment_of_render_stops_it_cleanly() {
    let data = crate::support::root().join("sample-data");
    let out = crate::support::temp_folder("interrupted-render").join("book");
    crate::support::render(&data, &out);
    let out = out.canonicalize().unwrap();
    let mut random = Random(0x5eed_c7c1);
    let signals = [("-INT", false), ("-INT", true), ("-TERM", false), ("-INT", true), ("-INT", false)];
    let mut stopped = 0;
    for (signal, to_group) in signals {
        let mut command = Command::new(env!("CARGO_BIN_EXE_ces-report"));
        command
            .args(["render", data.to_str().unwrap(), "--month", "2026-10", "--out", out.to_str().unwrap()])
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        use std::os::unix::process::CommandExt;
        command.process_group(0);
        let mut child = command.spawn().unwrap();
        std::thread::sleep(Duration::from_millis(300) + random.below(Duration::from_secs(6)));
        let target = if to_group { format!("-{}", child.id()) } else { child.id().to_string() };
        let sent = Instant::now();
        Command::new("kill").args([signal, "--", &target]).status().unwrap();
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            assert!(sent.elapsed() < Duration::from_secs(10), "{signal} {target}: still running after 10 s");
            std::thread::sleep(Duration::from_millis(20));
        };
        // It may have finished just before the signal.
        assert!(matches!(status.code(), Some(130) | Some(0)), "{signal} {target}: {status:?}");
        stopped += usize::from(status.code() == Some(130));
        std::thread::sleep(Duration::from_millis(200));
        let left = processes_inside(&out);
        assert!(left.is_empty(), "{signal} {target}: processes outlived the run: {left:?}");
        assert!(!out.join(".ces-report").exists(), "{signal}: the work folder was left behind");
        // The book is whole (old or new); the PDFs it lists may not all be built yet, but none
        // is half written.
        assert!(out.join(".ces-report-files").is_file());
        let built =
            if out.join("exports/communities").is_dir() { crate::support::pdfs(&out) } else { Vec::new() };
        for pdf in built {
            let bytes = std::fs::read(&pdf).unwrap();
            let tail = String::from_utf8_lossy(&bytes[bytes.len().saturating_sub(64)..]).to_string();
            assert!(bytes.starts_with(b"%PDF") && tail.contains("%%EOF"), "{}: half written", pdf.display());
        }
    }
    assert!(stopped >= 3, "the signals must land while render runs ({stopped} of {})", signals.len());
    crate::support::render(&data, &out);
    assert_eq!(crate::support::pdfs(&out).len(), 10);
}

/// One lock covers a whole render, PDFs included: a build into the same folder while the PDFs
/// are being built is refused, and the render finishes unharmed.
#[test]
fn a_second_run_is_refused_while_render_builds_its_pdfs() {
    use std::io::{BufRead, BufReader};
    let data = crate::support::root().join("sample-data");
    let out = crate::support::temp_folder("locked-render").join("book");
    let mut render = Command::new(env!("CARGO_BIN_EXE_ces-report"))
        .args(["render", data.to_str().unwrap(), "--month", "2026-10", "--out", out.to_str().unwrap()])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(render.stderr.take().unwrap()).lines();
    let building = lines.by_ref().map(Result::unwrap).find(|line| line.starts_with("building 10 PDFs"));
    assert!(building.is_some(), "render never reached its PDFs");
    let second = crate::support::ces_report(&[
        "build",
        data.to_str().unwrap(),
        "--month",
        "2026-09",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(second.status.code(), Some(1));
    let stderr = crate::support::text(&second.stderr);
    assert!(stderr.contains("another ces-report run is writing"), "{stderr}");
    let rest: Vec<String> = lines.map(Result::unwrap).collect();
    assert!(render.wait().unwrap().success(), "{rest:?}");
    assert!(!rest.iter().any(|line| line.contains("FAILED")), "{rest:?}");
    assert!(!out.join(".ces-report.lock").exists(), "the lock outlived the run");
}
