//! Typst, as the project runs it: the `typst` package from PyPI (a prebuilt Typst with a Python
//! binding), pinned and installed by `scripts/setup`, driven by `compile-typst.py`, which
//! compiles every PDF of a run in one process with the fonts loaded once. Installing it takes
//! seconds where compiling the Typst CLI took minutes.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use anyhow::{anyhow, bail, Context, Result};

use crate::interrupt::Waited;

/// The Typst the PDFs are made with, as the pinned package embeds it.
pub const TYPST_VERSION: &str = "0.15.1";
/// The pinned PyPI package `typst` (its own version: 0.15.2 embeds Typst 0.15.1).
pub const PACKAGE_VERSION: &str = "0.15.2";

/// The pinned Typst as `provenance.json` records it.
pub fn pinned() -> crate::site::TypstVersion {
    crate::site::TypstVersion { version: TYPST_VERSION, package: format!("typst=={PACKAGE_VERSION} (PyPI)") }
}

/// Compiles the Typst files of one run (see the script's comment).
const COMPILE_SCRIPT: &str = include_str!("compile-typst.py");

/// Python and the folder that holds the pinned `typst` package.
#[derive(Debug, Clone)]
pub struct TypstPackage {
    python: PathBuf,
    folder: PathBuf,
}

impl TypstPackage {
    /// `CES_TYPST` (a folder the package was installed into with `pip install --target`), else
    /// where `scripts/setup` installs it: `$CES_CACHE/typst-py-VERSION`, `CES_CACHE` being
    /// `~/.cache/ces-report` unless set.
    pub fn find() -> Result<TypstPackage> {
        let folder = match std::env::var_os("CES_TYPST").map(PathBuf::from) {
            Some(folder) if !folder.join("typst").is_dir() => bail!(
                "CES_TYPST is set to {}, which holds no `typst` package (install it there with `python3 -m pip install --target DIR typst=={PACKAGE_VERSION}`)",
                folder.display()
            ),
            Some(folder) => folder,
            None => installed_folder().with_context(missing)?,
        };
        let python = python().context("cannot find `python3`, which runs Typst: install Python 3.9 or later, or set CES_PYTHON to its path")?;
        let folder = folder.canonicalize().unwrap_or(folder);
        Ok(TypstPackage { python, folder })
    }

    /// Runs the compile program on `run`'s jobs with `book` as the working folder (the jobs'
    /// paths may be relative to it). `done` hears of each job as it finishes: its index, and its
    /// seconds or Typst's error.
    pub fn compile(
        &self,
        book: &Path,
        run: &TypstRun,
        done: &mut (dyn FnMut(usize, Result<f64>) + Send),
    ) -> Result<()> {
        let settings = run.write_settings(book)?;
        let mut command = Command::new(&self.python);
        command
            .args(["-I", "-c", COMPILE_SCRIPT])
            .arg(&self.folder)
            .arg(&settings)
            .arg(PACKAGE_VERSION)
            .current_dir(book)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(book.join(&run.log))?);
        let mut child = crate::interrupt::spawn(&mut command)
            .with_context(|| format!("cannot run {}", self.python.display()))?;
        let stdout = child.stdout.take().expect("stdout is piped");
        let (waited, read) = std::thread::scope(|scope| {
            let reader = scope.spawn(move || read_results(stdout, done));
            let waited = crate::interrupt::wait(&mut child, run.timeout());
            (waited, reader.join().expect("reading the results does not panic"))
        });
        match waited? {
            Waited::Exited(status) if status.success() => read,
            Waited::Exited(_) => Err(read.err().unwrap_or_else(|| {
                anyhow!("Typst stopped (log: {}){}", run.log.display(), last_lines(&book.join(&run.log)))
            })),
            Waited::Interrupted => Err(crate::interrupt::Interrupted.into()),
            Waited::TimedOut => {
                bail!("Typst stopped after {} s; see {}", run.timeout().as_secs(), run.log.display())
            }
        }
    }
}

/// One call of the compile program: what it builds, with what, and where it logs.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TypstRun {
    pub fonts: PathBuf,
    pub packages: PathBuf,
    pub timestamp: i64,
    pub threads: usize,
    pub jobs: Vec<TypstJob>,
    #[serde(skip)]
    pub log: PathBuf,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct TypstJob {
    pub input: PathBuf,
    pub output: PathBuf,
}

impl TypstRun {
    /// The settings file the program reads, beside the log (both relative to `book`).
    fn write_settings(&self, book: &Path) -> Result<PathBuf> {
        let path = self.log.with_extension("json");
        let mut file = std::fs::File::create(book.join(&path))?;
        serde_json::to_writer(&mut file, self)?;
        file.flush()?;
        Ok(path)
    }

    /// Generous: a Typst PDF takes a tenth of a second; this only catches a stuck run.
    fn timeout(&self) -> Duration {
        Duration::from_secs(120 + 10 * self.jobs.len() as u64)
    }
}

/// Reads the program's lines: first the package's version (the program stops there unless it is
/// the pinned one), then one line per job.
fn read_results(stdout: impl std::io::Read, done: &mut (dyn FnMut(usize, Result<f64>) + Send)) -> Result<()> {
    let mut lines = BufReader::new(stdout).lines();
    let first: serde_json::Value = match lines.next() {
        Some(line) => serde_json::from_str(&line?)?,
        None => bail!("Typst did not start"),
    };
    let version = first["typst"].as_str().unwrap_or_default();
    if version != PACKAGE_VERSION {
        bail!("the `typst` package found is version {version}, and ces-report needs {PACKAGE_VERSION}: run scripts/setup");
    }
    for line in lines {
        let result: serde_json::Value = serde_json::from_str(&line?)?;
        let index = result["job"].as_u64().context("a result without its job")? as usize;
        match result["error"].as_str() {
            Some(error) => done(index, Err(anyhow!("{error}"))),
            None => done(index, Ok(result["seconds"].as_f64().unwrap_or_default())),
        }
    }
    Ok(())
}

/// The last lines of a log, indented, to say why a program stopped.
fn last_lines(log: &Path) -> String {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let lines: Vec<&str> = text.lines().rev().take(5).collect();
    lines.iter().rev().map(|line| format!("\n    {line}")).collect()
}

fn missing() -> String {
    format!("cannot find Typst: run scripts/setup (it installs the `typst` package {PACKAGE_VERSION} from PyPI), or install it with `python3 -m pip install --target DIR typst=={PACKAGE_VERSION}` and set CES_TYPST to DIR")
}

/// Where `scripts/setup` installs the package, when it is there.
fn installed_folder() -> Option<PathBuf> {
    let folder = cache_folder()?.join(format!("typst-py-{PACKAGE_VERSION}"));
    folder.join("typst").is_dir().then_some(folder)
}

/// `CES_CACHE`, else `~/.cache/ces-report`: where `scripts/setup` installs what it downloads.
pub fn cache_folder() -> Option<PathBuf> {
    std::env::var_os("CES_CACHE")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cache/ces-report")))
}

/// `CES_PYTHON`, else `python3` on PATH.
fn python() -> Option<PathBuf> {
    match std::env::var_os("CES_PYTHON") {
        Some(path) => Some(PathBuf::from(path)),
        None => super::on_path("python3"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_line_must_name_the_pinned_package() {
        let mut seen = Vec::new();
        let output = format!(
            "{{\"typst\": \"{PACKAGE_VERSION}\"}}\n{{\"job\": 1, \"seconds\": 0.25}}\n{{\"job\": 0, \"error\": \"error: unknown variable: x\\n  ┌─ a.typ:3:1\"}}\n"
        );
        read_results(output.as_bytes(), &mut |index, result| {
            seen.push((index, result.map_err(|e| e.to_string())))
        })
        .unwrap();
        assert_eq!(seen, [(1, Ok(0.25)), (0, Err("error: unknown variable: x\n  ┌─ a.typ:3:1".to_string()))]);
        let older = read_results("{\"typst\": \"0.14.9\"}\n".as_bytes(), &mut |_, _| {}).unwrap_err();
        assert_eq!(
            older.to_string(),
            format!("the `typst` package found is version 0.14.9, and ces-report needs {PACKAGE_VERSION}: run scripts/setup")
        );
    }
}
