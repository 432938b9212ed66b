//! Running MyST and Typst on a written book: every PDF (each from its own small MyST project,
//! several at a time, offline) and the site content. MyST exits 0 even when a PDF fails, so
//! every PDF is checked to exist and be fresh.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

use anyhow::{bail, Context, Result};
use chrono::NaiveDate;

use crate::interrupt::Waited;

/// The Typst CLI version the project pins (installed by `scripts/setup`).
pub const TYPST_VERSION: &str = "0.15.1";
/// A PDF build that takes longer than this is stuck: it is stopped and reported.
const PDF_TIMEOUT: Duration = Duration::from_secs(300);
/// The same for the site build, which reads every page.
const SITE_TIMEOUT: Duration = Duration::from_secs(1800);

/// Runs MyST's bundle keeping V8's compiled code in a cache file (see the script's comment).
const CACHED_MYST: &str = include_str!("cached-myst.cjs");

/// The external programs the job runs.
pub struct Toolchain {
    pub myst: PathBuf,
    pub typst: PathBuf,
    /// Where MyST's compiled code is cached, when MyST is a Node bundle and `node` and a cache
    /// folder are at hand.
    myst_code_cache: Option<PathBuf>,
}

impl Toolchain {
    /// Finds `myst` and `typst`, or explains how to install them.
    pub fn find() -> Result<Toolchain> {
        let myst = from_env("CES_MYST")?.or_else(find_myst).with_context(|| {
            "cannot find `myst` (mystmd): run `npm ci` in the ces-report folder (it installs the pinned mystmd into node_modules/), or set CES_MYST to its path".to_string()
        })?;
        let typst = from_env("CES_TYPST")?.or_else(find_typst).with_context(|| {
            format!("cannot find `typst`: run scripts/setup, or `cargo install typst-cli --locked --version {TYPST_VERSION}`, or set CES_TYPST to its path")
        })?;
        // Children run in other folders: relative paths would no longer resolve there.
        let absolute = |path: PathBuf| path.canonicalize().unwrap_or(path);
        let myst = absolute(myst);
        let myst_code_cache = code_cache_for(&myst);
        Ok(Toolchain { myst, typst: absolute(typst), myst_code_cache })
    }

    /// A command that starts MyST: with the code cache when there is one, else as it is.
    fn myst_command(&self) -> Command {
        match &self.myst_code_cache {
            Some(cache) => {
                let mut command = Command::new("node");
                command.arg("-e").arg(CACHED_MYST).arg("--").arg(&self.myst);
                command.env("CES_MYST_CODE_CACHE", cache);
                command
            }
            None => Command::new(&self.myst),
        }
    }

    /// PATH for MyST's children, with our typst first.
    fn path_with_typst(&self) -> std::ffi::OsString {
        let typst_dir = self.typst.parent().map(Path::to_path_buf).unwrap_or_default();
        let mut paths = vec![typst_dir];
        paths.extend(
            std::env::var_os("PATH")
                .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
                .unwrap_or_default(),
        );
        std::env::join_paths(paths).unwrap_or_default()
    }
}

/// The code cache file for `myst` when it is a CommonJS bundle (as `npm ci` installs it): in
/// `~/.cache/ces-report/`, named by the bundle's size so that another MyST version gets its
/// own. One render starts MyST once per PDF, and the cache saves a third of each start.
fn code_cache_for(myst: &Path) -> Option<PathBuf> {
    let bundle = myst.extension().is_some_and(|extension| extension == "cjs");
    let size = std::fs::metadata(myst).ok()?.len();
    let home = std::env::var_os("HOME").map(PathBuf::from)?;
    (bundle && on_path("node").is_some())
        .then(|| home.join(format!(".cache/ces-report/myst-code-cache/mystmd-{size}.bin")))
}

/// A program named by an environment variable, which must exist when set.
fn from_env(variable: &str) -> Result<Option<PathBuf>> {
    match std::env::var_os(variable).map(PathBuf::from) {
        Some(path) if !path.is_file() => {
            bail!("{variable} is set to {}, which is not a file", path.display())
        }
        found => Ok(found),
    }
}

/// `node_modules/.bin/myst` in the current folder or next to the installed binary's project.
fn find_myst() -> Option<PathBuf> {
    let mut candidates = vec![PathBuf::from("node_modules/.bin/myst")];
    if let Ok(exe) = std::env::current_exe() {
        candidates.extend(exe.ancestors().skip(1).map(|dir| dir.join("node_modules/.bin/myst")));
    }
    candidates.into_iter().find(|path| path.is_file()).or_else(|| on_path("myst"))
}

fn find_typst() -> Option<PathBuf> {
    on_path("typst").or_else(|| {
        let cache = std::env::var_os("HOME")
            .map(PathBuf::from)?
            .join(format!(".cache/ces-report/typst-{TYPST_VERSION}/bin/typst"));
        cache.is_file().then_some(cache)
    })
}

fn on_path(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|dir| dir.join(program)).find(|candidate| candidate.is_file())
}

/// One PDF to build: its small project folder and the file it must produce.
#[derive(Debug, Clone)]
pub struct PdfJob {
    pub project: PathBuf,
    pub output: PathBuf,
}

/// A PDF that was built.
#[derive(Debug, Clone)]
pub struct BuiltPdf {
    pub path: PathBuf,
    pub pages: Option<usize>,
    pub bytes: u64,
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

/// Builds the PDFs `jobs` at a time, reporting each as it finishes. Each PDF carries `dated`
/// (the as-of date) as its creation date instead of the wall clock, so the same book gives
/// byte-identical PDFs.
pub fn build_pdfs(
    tools: &Toolchain,
    book: &Path,
    jobs: &[PdfJob],
    parallel: usize,
    dated: NaiveDate,
) -> Result<Vec<BuiltPdf>> {
    let book = book.canonicalize()?;
    let creation = Creation(dated.and_time(chrono::NaiveTime::MIN).and_utc().timestamp());
    let fonts = book.join(crate::site::layout::FONTS);
    let packages = book.join(crate::site::layout::TYPST_PACKAGES);
    let queue = std::sync::Mutex::new(jobs.iter().enumerate());
    let results = std::sync::Mutex::new(Vec::new());
    let done = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for _ in 0..parallel.max(1) {
            scope.spawn(|| loop {
                if crate::interrupt::requested() {
                    return;
                }
                let Some((index, job)) = queue.lock().expect("queue lock").next() else { return };
                let result = build_one_pdf(tools, job, &packages, &fonts, creation);
                let finished = done.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
                match &result {
                    Ok(pdf) => crate::say!(
                        "  [{finished}/{}] {} ({:.1} s)",
                        jobs.len(),
                        display_name(&pdf.path),
                        pdf.seconds
                    ),
                    Err(error) => crate::say!(
                        "  [{finished}/{}] FAILED {}: {error:#}",
                        jobs.len(),
                        display_name(&job.output)
                    ),
                }
                results.lock().expect("results lock").push((index, result));
            });
        }
    });
    crate::interrupt::check()?;
    let mut results = results.into_inner().expect("results lock");
    results.sort_by_key(|(index, _)| *index);
    let (built, failed): (Vec<_>, Vec<_>) = results.into_iter().map(|(_, r)| r).partition(Result::is_ok);
    if !failed.is_empty() {
        let messages: Vec<String> =
            failed.into_iter().filter_map(Result::err).map(|e| format!("{e:#}")).collect();
        bail!("{} of {} PDFs failed:\n  {}", messages.len(), jobs.len(), messages.join("\n  "));
    }
    Ok(built.into_iter().filter_map(Result::ok).collect())
}

fn display_name(path: &Path) -> String {
    path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().to_string())
}

/// A PDF's creation date, in seconds since 1970 as Typst reads it from `SOURCE_DATE_EPOCH`.
#[derive(Debug, Clone, Copy)]
struct Creation(i64);

fn build_one_pdf(
    tools: &Toolchain,
    job: &PdfJob,
    packages: &Path,
    fonts: &Path,
    creation: Creation,
) -> Result<BuiltPdf> {
    let started = Instant::now();
    let since = SystemTime::now();
    let log_path = job.project.join("_build/render.log");
    std::fs::create_dir_all(log_path.parent().expect("a log has a folder"))?;
    let log = std::fs::File::create(&log_path)?;
    let mut command = tools.myst_command();
    command
        .args(["build", "--pdf"])
        .current_dir(&job.project)
        .env("PATH", tools.path_with_typst())
        .env("TYPST_PACKAGE_PATH", packages)
        .env("TYPST_FONT_PATHS", fonts)
        .env("TYPST_IGNORE_SYSTEM_FONTS", "true")
        .env("SOURCE_DATE_EPOCH", creation.0.to_string())
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(log.try_clone()?)
        .stderr(log);
    let mut child = crate::interrupt::spawn(&mut command)
        .with_context(|| format!("cannot run {}", tools.myst.display()))?;
    match crate::interrupt::wait(&mut child, PDF_TIMEOUT)? {
        Waited::Exited(_) => {}
        Waited::Interrupted => {
            // A PDF the stopped build may have begun to write is not kept.
            let _ = std::fs::remove_file(&job.output);
            return Err(crate::interrupt::Interrupted.into());
        }
        Waited::TimedOut => {
            let _ = std::fs::remove_file(&job.output);
            bail!("stopped after {} s; see {}", PDF_TIMEOUT.as_secs(), log_path.display());
        }
    }
    let fresh =
        std::fs::metadata(&job.output).and_then(|m| m.modified()).is_ok_and(|modified| modified >= since);
    if !fresh {
        let log = std::fs::read_to_string(&log_path).unwrap_or_default();
        let reason =
            log.lines().filter(|l| l.contains('⛔') || l.contains("rror")).collect::<Vec<_>>().join("\n    ");
        bail!(
            "myst did not write {} (log: {}){}",
            job.output.display(),
            log_path.display(),
            if reason.is_empty() { String::new() } else { format!("\n    {reason}") }
        );
    }
    let bytes = std::fs::read(&job.output)?;
    Ok(BuiltPdf {
        path: job.output.clone(),
        pages: count_pages(&bytes),
        bytes: bytes.len() as u64,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// The page count of a PDF from its page tree's `/Count` (Typst writes one, uncompressed);
/// `None` when it cannot be seen.
pub fn count_pages(pdf: &[u8]) -> Option<usize> {
    let needle = b"/Count ";
    let start = pdf.windows(needle.len()).position(|w| w == needle)? + needle.len();
    let digits: Vec<u8> = pdf[start..].iter().copied().take_while(u8::is_ascii_digit).collect();
    std::str::from_utf8(&digits).ok()?.parse().ok()
}

/// Builds the site: the offline content build by default, the real themed HTML with `html`.
pub fn build_site(tools: &Toolchain, book: &Path, html: bool) -> Result<usize> {
    let args: &[&str] =
        if html { &["build", "--html"] } else { &["--config", "myst.offline.yml", "build", "--site"] };
    let log_path = book.join("_build/site-build.log");
    std::fs::create_dir_all(book.join("_build"))?;
    let log_file = std::fs::File::create(&log_path)?;
    let mut command = tools.myst_command();
    command
        .args(args)
        .current_dir(book)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(log_file.try_clone()?)
        .stderr(log_file);
    let mut child = crate::interrupt::spawn(&mut command)
        .with_context(|| format!("cannot run {}", tools.myst.display()))?;
    let status = match crate::interrupt::wait(&mut child, SITE_TIMEOUT)? {
        Waited::Exited(status) => status,
        Waited::Interrupted => return Err(crate::interrupt::Interrupted.into()),
        Waited::TimedOut => bail!(
            "myst {} stopped after {} s; see {}",
            args.join(" "),
            SITE_TIMEOUT.as_secs(),
            log_path.display()
        ),
    };
    let log = std::fs::read_to_string(&log_path).unwrap_or_default();
    let problems: Vec<&str> = log.lines().filter(|line| line.contains('⚠') || line.contains('⛔')).collect();
    if !status.success() || !problems.is_empty() {
        bail!(
            "myst {} reported problems:\n  {}",
            args.join(" "),
            if problems.is_empty() { log.trim().to_string() } else { problems.join("\n  ") }
        );
    }
    let content = book.join("_build/site/content");
    Ok(std::fs::read_dir(content).map(|entries| entries.count()).unwrap_or(0))
}
