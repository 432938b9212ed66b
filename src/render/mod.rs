//! Running MyST and Typst on a written book: every PDF (MyST writes each small project's Typst
//! source, then one Typst process compiles them all, offline; see `pdf.rs`) and the site
//! content.

mod pdf;
mod typst;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use anyhow::{bail, Context, Result};

use crate::interrupt::Waited;

pub use pdf::{build_pdfs, pdf_jobs, BuiltPdf, PdfJob, TYPST_SOURCE};
pub use typst::{
    cache_folder, pinned as pinned_typst, TypstPackage, PACKAGE_VERSION as TYPST_PACKAGE_VERSION,
    TYPST_VERSION,
};

/// The site build, which reads every page, is stopped and reported after this long.
const SITE_TIMEOUT: Duration = Duration::from_secs(1800);

/// Runs MyST's bundle keeping V8's compiled code in a cache file (see the script's comment).
const CACHED_MYST: &str = include_str!("cached-myst.cjs");

/// The external programs the job runs.
pub struct Toolchain {
    pub myst: PathBuf,
    pub typst: TypstPackage,
    /// Where MyST's compiled code is cached, when MyST is a Node bundle and `node` and a cache
    /// folder are at hand.
    myst_code_cache: Option<PathBuf>,
}

impl Toolchain {
    /// Finds `myst` and Typst, or explains how to install them.
    pub fn find() -> Result<Toolchain> {
        let myst = from_env("CES_MYST")?.or_else(find_myst).with_context(|| {
            "cannot find `myst` (mystmd): run `npm ci` in the ces-report folder (it installs the pinned mystmd into node_modules/), or set CES_MYST to its path".to_string()
        })?;
        let typst = TypstPackage::find()?;
        // Children run in other folders: relative paths would no longer resolve there.
        let myst = myst.canonicalize().unwrap_or(myst);
        let myst_code_cache = code_cache_for(&myst);
        Ok(Toolchain { myst, typst, myst_code_cache })
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
}

/// The code cache file for `myst` when it is a CommonJS bundle (as `npm ci` installs it): in
/// the cache folder (`~/.cache/ces-report/`), named by the bundle's size so that another MyST
/// version gets its own. The cache saves a third of each MyST start.
fn code_cache_for(myst: &Path) -> Option<PathBuf> {
    let bundle = myst.extension().is_some_and(|extension| extension == "cjs");
    let size = std::fs::metadata(myst).ok()?.len();
    (bundle && on_path("node").is_some())
        .then(|| cache_folder().map(|cache| cache.join(format!("myst-code-cache/mystmd-{size}.bin"))))
        .flatten()
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

fn on_path(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|dir| dir.join(program)).find(|candidate| candidate.is_file())
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
