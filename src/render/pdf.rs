//! Every PDF of a run, in two steps. MyST turns each small PDF project into a Typst source
//! (`myst build --typst` over many projects at once, one MyST process per core: starting MyST
//! costs more than exporting a page); then one Typst process compiles all the sources, as many
//! at a time as there are cores, with the fonts loaded once. MyST exits 0 even when an export
//! fails, so every source is checked to be fresh before it is compiled.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant, SystemTime};

use anyhow::{anyhow, bail, Context, Result};
use chrono::NaiveDate;

use super::typst::{TypstJob, TypstRun};
use super::Toolchain;
use crate::interrupt::Waited;

/// Where MyST writes a PDF project's Typst source: the `output` of the export in its
/// `myst.yml` (`templates/pdf-project.yml.j2`). Its images go in `files/` beside it.
pub const TYPST_SOURCE: &str = "_build/typst/report.typ";

/// The run's own files, in the book: the stand-in `typst` MyST calls, the logs.
const RUN_FOLDER: &str = "_build/pdfs";

/// MyST calls `typst compile` on each source it writes; ces-report compiles them afterwards.
const TYPST_STAND_IN: &str = "#!/bin/sh
# Written by ces-report. MyST runs `typst compile SOURCE.typ` after writing each Typst source;
# ces-report then compiles all the sources itself in one Typst process (src/render/pdf.rs), so
# for MyST this stand-in does nothing.
exit 0
";

/// One PDF to build: its small project folder and the file it must produce.
#[derive(Debug, Clone)]
pub struct PdfJob {
    pub project: PathBuf,
    pub output: PathBuf,
}

impl PdfJob {
    /// The Typst source MyST writes for it.
    pub fn typst_source(&self) -> PathBuf {
        self.project.join(TYPST_SOURCE)
    }
}

/// A PDF that was built.
#[derive(Debug, Clone)]
pub struct BuiltPdf {
    pub path: PathBuf,
    pub pages: Option<usize>,
    pub bytes: u64,
    /// Typst's time for it.
    pub seconds: f64,
}

/// The PDF jobs of a book written to `book`: each export's small project and its output,
/// in project-folder order.
pub fn pdf_jobs(book: &Path, exports: &[crate::site::project::PdfExport]) -> Vec<PdfJob> {
    let mut jobs: Vec<PdfJob> = exports
        .iter()
        .map(|export| PdfJob {
            project: book.join(export.project_folder()),
            output: book.join(&export.output),
        })
        .collect();
    jobs.sort_by(|a, b| a.project.cmp(&b.project));
    jobs
}

/// Builds the PDFs, `parallel` MyST processes and Typst threads at a time, reporting each PDF
/// as it finishes. Each PDF carries `dated` (the as-of date) as its creation date instead of
/// the wall clock, so the same book gives byte-identical PDFs.
pub fn build_pdfs(
    tools: &Toolchain,
    book: &Path,
    jobs: &[PdfJob],
    parallel: usize,
    dated: NaiveDate,
) -> Result<Vec<BuiltPdf>> {
    if jobs.is_empty() {
        return Ok(Vec::new());
    }
    let book = book.canonicalize()?;
    let jobs: Vec<PdfJob> = jobs.iter().map(|job| absolute(job, &book)).collect();
    let run = book.join(RUN_FOLDER);
    write_stand_in(&run)?;
    let started = Instant::now();
    let mut outcomes = write_sources(tools, &book, &jobs, parallel.max(1))?;
    crate::say!("  Typst sources in {:.1} s (MyST)", started.elapsed().as_secs_f64());
    compile_sources(tools, &book, &jobs, parallel.max(1), dated, &mut outcomes)?;
    let mut built = Vec::new();
    let mut failed = Vec::new();
    for (job, outcome) in jobs.iter().zip(outcomes) {
        match outcome.and_then(|seconds| built_pdf(job, seconds)) {
            Ok(pdf) => built.push(pdf),
            Err(error) => failed.push(format!("{}: {error:#}", display_name(&job.output))),
        }
    }
    if !failed.is_empty() {
        bail!("{} of {} PDFs failed:\n  {}", failed.len(), jobs.len(), failed.join("\n  "));
    }
    Ok(built)
}

/// `job` with absolute paths: MyST and Typst run in the book's folder.
fn absolute(job: &PdfJob, book: &Path) -> PdfJob {
    let absolute = |path: &Path| std::path::absolute(path).unwrap_or_else(|_| book.join(path));
    PdfJob { project: absolute(&job.project), output: absolute(&job.output) }
}

fn write_stand_in(run: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::create_dir_all(run)?;
    let path = run.join("typst");
    std::fs::write(&path, TYPST_STAND_IN)?;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))?;
    Ok(())
}

/// What became of each job so far: Typst's seconds once compiled, or why it failed.
type Outcomes = Vec<Result<f64>>;

/// Runs MyST over the jobs' projects, split into `groups` processes side by side; each job's
/// outcome says whether its Typst source was written (`Ok(0.0)`) or why not.
fn write_sources(tools: &Toolchain, book: &Path, jobs: &[PdfJob], groups: usize) -> Result<Outcomes> {
    let groups = groups.min(jobs.len()).max(1);
    let since = SystemTime::now();
    let waited: Vec<std::io::Result<Waited>> = std::thread::scope(|scope| {
        let runs: Vec<_> = (0..groups)
            .map(|group| {
                let members: Vec<&PdfJob> = jobs.iter().skip(group).step_by(groups).collect();
                scope.spawn(move || run_myst(tools, book, &members, group))
            })
            .collect();
        runs.into_iter().map(|run| run.join().expect("a MyST run does not panic")).collect()
    });
    let mut timed_out = vec![false; groups];
    for (group, result) in waited.into_iter().enumerate() {
        match result? {
            Waited::Interrupted => return Err(crate::interrupt::Interrupted.into()),
            Waited::TimedOut => timed_out[group] = true,
            Waited::Exited(_) => {}
        }
    }
    let limit = myst_timeout(jobs.len().div_ceil(groups));
    let outcome = |(index, job): (usize, &PdfJob)| {
        let log = myst_log(book, index % groups);
        match timed_out[index % groups] {
            true => Err(anyhow!("MyST stopped after {} s; see {}", limit.as_secs(), log.display())),
            false => source_written(job, since, &log),
        }
    };
    Ok(jobs.iter().enumerate().map(outcome).collect())
}

/// `Ok(0.0)` when MyST wrote `job`'s Typst source after `since`, else why not, from its log.
fn source_written(job: &PdfJob, since: SystemTime, log: &Path) -> Result<f64> {
    let source = job.typst_source();
    let fresh = std::fs::metadata(&source).and_then(|m| m.modified()).is_ok_and(|modified| modified >= since);
    if !fresh {
        bail!("myst did not write {} (log: {}){}", source.display(), log.display(), problems(log));
    }
    Ok(0.0)
}

/// One MyST process exporting the Typst source of each of `members`.
fn run_myst(tools: &Toolchain, book: &Path, members: &[&PdfJob], group: usize) -> std::io::Result<Waited> {
    let log = std::fs::File::create(myst_log(book, group))?;
    let mut command = tools.myst_command();
    command.arg("build");
    command.args(members.iter().map(|job| job.project.join("myst.yml")));
    command
        .arg("--typst")
        .current_dir(book)
        .env("PATH", path_with(&book.join(RUN_FOLDER)))
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(log.try_clone()?)
        .stderr(log);
    let mut child = crate::interrupt::spawn(&mut command)?;
    crate::interrupt::wait(&mut child, myst_timeout(members.len()))
}

fn myst_log(book: &Path, group: usize) -> PathBuf {
    book.join(RUN_FOLDER).join(format!("myst-{}.log", group + 1))
}

/// Generous: MyST exports a page in a fraction of a second; this only catches a stuck run.
fn myst_timeout(projects: usize) -> Duration {
    Duration::from_secs(120 + 30 * projects as u64)
}

/// The lines of a MyST log that say what went wrong, indented.
fn problems(log: &Path) -> String {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    text.lines().filter(|l| l.contains('⛔') || l.contains("rror")).map(|l| format!("\n    {l}")).collect()
}

/// PATH for MyST's children, with the stand-in `typst` first.
fn path_with(folder: &Path) -> std::ffi::OsString {
    let mut paths = vec![folder.to_path_buf()];
    paths.extend(
        std::env::var_os("PATH").map(|p| std::env::split_paths(&p).collect::<Vec<_>>()).unwrap_or_default(),
    );
    std::env::join_paths(paths).unwrap_or_default()
}

/// Compiles the sources MyST wrote (the jobs whose outcome is still `Ok`) in one Typst run,
/// reporting each PDF as it finishes (those MyST failed first).
fn compile_sources(
    tools: &Toolchain,
    book: &Path,
    jobs: &[PdfJob],
    threads: usize,
    dated: NaiveDate,
    outcomes: &mut Outcomes,
) -> Result<()> {
    let mut finished = 0;
    for (job, outcome) in jobs.iter().zip(outcomes.iter()).filter(|(_, outcome)| outcome.is_err()) {
        finished += 1;
        report(finished, jobs.len(), job, outcome);
    }
    let ready: Vec<usize> = (0..jobs.len()).filter(|&index| outcomes[index].is_ok()).collect();
    if ready.is_empty() {
        return Ok(());
    }
    let run = typst_run(book, jobs, &ready, threads, dated);
    for &index in &ready {
        outcomes[index] = Err(anyhow!("Typst gave no result for it; see {}", run.log.display()));
    }
    let compiled = tools.typst.compile(book, &run, &mut |at, result| {
        finished += 1;
        report(finished, jobs.len(), &jobs[ready[at]], &result);
        outcomes[ready[at]] = result;
    });
    if compiled.is_err() {
        for job in jobs {
            let _ = std::fs::remove_file(part_file(&job.output));
        }
    }
    compiled
}

/// The Typst run of the `ready` jobs, with the book's fonts and Typst packages, paths relative
/// to the book (so that Typst's errors name `pdf/…/report.typ`).
fn typst_run(book: &Path, jobs: &[PdfJob], ready: &[usize], threads: usize, dated: NaiveDate) -> TypstRun {
    let relative = |path: &Path| path.strip_prefix(book).unwrap_or(path).to_path_buf();
    let job = |index: usize| TypstJob {
        input: relative(&jobs[index].typst_source()),
        output: relative(&jobs[index].output),
    };
    TypstRun {
        fonts: book.join(crate::site::layout::FONTS),
        packages: book.join(crate::site::layout::TYPST_PACKAGES),
        timestamp: dated.and_time(chrono::NaiveTime::MIN).and_utc().timestamp(),
        threads,
        jobs: ready.iter().map(|&index| job(index)).collect(),
        log: PathBuf::from(RUN_FOLDER).join("typst.log"),
    }
}

/// What Typst leaves while it writes a PDF (see compile-typst.py).
fn part_file(pdf: &Path) -> PathBuf {
    let mut name = pdf.as_os_str().to_os_string();
    name.push(".part");
    PathBuf::from(name)
}

fn report(finished: usize, total: usize, job: &PdfJob, outcome: &Result<f64>) {
    match outcome {
        Ok(seconds) => crate::say!("  [{finished}/{total}] {} ({seconds:.2} s)", display_name(&job.output)),
        Err(error) => crate::say!("  [{finished}/{total}] FAILED {}: {error:#}", display_name(&job.output)),
    }
}

fn built_pdf(job: &PdfJob, seconds: f64) -> Result<BuiltPdf> {
    let bytes =
        std::fs::read(&job.output).with_context(|| format!("cannot read {}", job.output.display()))?;
    Ok(BuiltPdf {
        path: job.output.clone(),
        pages: super::count_pages(&bytes),
        bytes: bytes.len() as u64,
        seconds,
    })
}

fn display_name(path: &Path) -> String {
    path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().to_string())
}
