//! The last stage: a plan of files held in memory, written into the output folder.
//!
//! This is the only module that writes the book to disk, so the rules of the output folder
//! (the README's "Who owns what in the output folder" says them for users) live here:
//!
//! - Only what the tool owns is ever replaced or removed: the files listed in
//!   `.ces-report-files` (what `build` wrote, and the PDFs `render` writes from it), and what
//!   MyST and `render` leave in the `_build/` folder of a MyST project the tool wrote. When the
//!   new output has a file where someone else's file is, the build stops before changing
//!   anything and names it.
//! - `--out` may be a symlink or a mount point (a Docker volume), neither of which can be
//!   renamed, so all the work happens inside it, in the hidden folder `.ces-report/`: the new
//!   files are written to `.ces-report/new/` (the same file system, so putting each one in
//!   place is a rename), then the journal `.ces-report/swapping` appears in one rename, then
//!   the files are moved in and `.ces-report/` is deleted.
//! - A run stopped at any moment is settled by the next one. Without a journal the visible
//!   output was never touched, and `.ces-report/` is deleted. With one, the new output is
//!   complete on disk (the files moved in plus those still staged) and the next run finishes
//!   moving it in before anything else. A file is only ever moved, never written in place, so
//!   every path holds the old file or the new one (or, between the two renames that swap it,
//!   neither), never a half-written one.

use std::collections::BTreeSet;
use std::fs;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

pub(crate) use crate::file_plan::Plan;

/// Lists the files the tool owns, one relative path per line.
pub(crate) const OWNED_LIST: &str = ".ces-report-files";
/// The files a ces-report run wrote into `root` (its `.ces-report-files`), or `None` when it
/// holds no such list: then nothing in it is the tool's to read back.
pub(crate) fn owned_files(root: &Path) -> Result<Option<BTreeSet<String>>> {
    match fs::read_to_string(root.join(OWNED_LIST)) {
        Ok(text) => Ok(Some(lines(&text).map(str::to_string).collect())),
        Err(error) if error.kind() == ErrorKind::NotFound => Ok(None),
        Err(error) => Err(error).with_context(|| format!("cannot read {}", root.join(OWNED_LIST).display())),
    }
}

/// The bytes of `relative`, a file the tool wrote into `root`: it must be in `owned`, be a
/// regular file (not a symlink) and lie inside `root`, whatever has been put in the folder since.
pub(crate) fn read_owned(root: &Path, relative: &str, owned: &BTreeSet<String>) -> Result<Vec<u8>> {
    let path = root.join(relative);
    if !owned.contains(relative) {
        bail!("{} was not written by ces-report (it is not in {OWNED_LIST})", path.display());
    }
    let metadata = fs::symlink_metadata(&path).with_context(|| format!("cannot read {}", path.display()))?;
    if !metadata.is_file() {
        bail!("{} is not a regular file", path.display());
    }
    let inside = fs::canonicalize(&path)?.starts_with(fs::canonicalize(root)?);
    if !inside {
        bail!("{} leads outside {}", path.display(), root.display());
    }
    fs::read(&path).with_context(|| format!("cannot read {}", path.display()))
}

/// The hidden folder inside the output that holds a build in progress, and nothing after one.
pub(crate) const WORK_FOLDER: &str = ".ces-report";

/// Inside the work folder: the new output being written.
const STAGED: &str = "new";
/// Inside the work folder: what the swap takes away, deleted once the new output is in place.
const TRASH: &str = "trash";
/// Inside the work folder: present once the new output is complete; lists what to take away.
const JOURNAL: &str = "swapping";
/// Inside the work folder: which process is writing it (see [`process_identity`]).
const WRITER: &str = "pid";

/// A folder holding this file is a MyST project, with its own `_build/`.
const PROJECT_CONFIG: &str = "myst.yml";
/// MyST's build folder in each project.
const BUILD_FOLDER: &str = "_build";
/// What MyST (the folders `myst clean --all` removes, and `typst/`, a PDF's Typst source) and
/// `render` (fonts, `pdfs/` with the PDF logs; `render.log` from older versions) write in a
/// project's `_build/`. Every build clears them, so nothing cached from the old sources reaches
/// a site or PDF made from the new ones; anything else in `_build/` is someone else's.
const BUILD_PRODUCTS: [&str; 13] = [
    "cache",
    "execute",
    "exports",
    "html",
    "logs",
    "site",
    "temp",
    "templates",
    "fonts",
    "typst",
    "pdfs",
    "render.log",
    "site-build.log",
];

/// What a command writes into its output folder. Each folder holds one kind, marked in
/// [`KIND_FILE`], so one command's `--out` never replaces another command's output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OutputKind {
    /// `build` and `render`: the MyST project with its PDFs.
    Book,
    /// `emails`: the `.eml` drafts and usage emails.
    Emails,
    /// `brief`: one check-in brief.
    Brief,
    /// `initiatives`: the initiative drafts.
    Initiatives,
    /// `pull`: the tables of a base as CSV exports.
    Exports,
}

impl OutputKind {
    fn name(self) -> &'static str {
        match self {
            OutputKind::Book => "book",
            OutputKind::Emails => "emails",
            OutputKind::Brief => "brief",
            OutputKind::Initiatives => "initiatives",
            OutputKind::Exports => "exports",
        }
    }

    fn parse(text: &str) -> Option<OutputKind> {
        [
            OutputKind::Book,
            OutputKind::Emails,
            OutputKind::Brief,
            OutputKind::Initiatives,
            OutputKind::Exports,
        ]
        .into_iter()
        .find(|kind| kind.name() == text.trim())
    }

    /// `a book (written by build or render)`.
    fn described(self) -> &'static str {
        match self {
            OutputKind::Book => "a book (written by build or render)",
            OutputKind::Emails => "emails (written by emails)",
            OutputKind::Brief => "a check-in brief (written by brief)",
            OutputKind::Initiatives => "initiative drafts (written by initiatives)",
            OutputKind::Exports => "exports (written by pull)",
        }
    }

    /// What an output written before folders were marked holds, from the files it owns.
    fn inferred(owned: &BTreeSet<String>) -> Option<OutputKind> {
        if owned.contains("brief.md") {
            Some(OutputKind::Brief)
        } else if owned.contains("myst.yml") {
            Some(OutputKind::Book)
        } else if owned.iter().any(|path| path.ends_with(".eml")) {
            Some(OutputKind::Emails)
        } else if owned.contains("initiatives.json") {
            Some(OutputKind::Initiatives)
        } else if owned.contains("pull.json") {
            Some(OutputKind::Exports)
        } else {
            None
        }
    }
}

/// Names the kind of output a folder holds (see [`OutputKind`]).
pub(crate) const KIND_FILE: &str = ".ces-report-kind";

/// Beside the output, while a run writes it: who that run is ([`process_identity`]).
pub(crate) const LOCK_FILE: &str = ".ces-report.lock";

/// A whole run's hold on its output folder (the book, then its PDFs and site), so that a second
/// run into the same folder is refused until this one ends. A lock left by a run that was
/// killed is taken over; one this process already holds is shared.
pub(crate) struct RunLock {
    path: PathBuf,
    /// Whether this guard made the lock, and so removes it.
    made: bool,
}

impl RunLock {
    pub(crate) fn take(out: &Path) -> Result<RunLock> {
        // The folder the lock goes in is the output's own: as `Output::open` makes it.
        drop(Output::open(out)?);
        let path = out.join(LOCK_FILE);
        let pid = std::process::id();
        let me = process_identity(pid).unwrap_or_else(|| pid.to_string());
        loop {
            match fs::OpenOptions::new().write(true).create_new(true).open(&path) {
                Ok(mut file) => {
                    use std::io::Write as _;
                    file.write_all(format!("{me}\n").as_bytes())
                        .with_context(|| format!("cannot write {}", path.display()))?;
                    return Ok(RunLock { path, made: true });
                }
                Err(error) if error.kind() == ErrorKind::AlreadyExists => {
                    let holder = fs::read_to_string(&path).unwrap_or_default();
                    let holder = holder.trim();
                    if holder == me {
                        return Ok(RunLock { path, made: false });
                    }
                    let alive = holder
                        .split_whitespace()
                        .next()
                        .and_then(|pid| pid.parse().ok())
                        .and_then(process_identity)
                        .is_some_and(|identity| identity == holder);
                    if alive {
                        bail!(
                            "another ces-report run is writing {} right now; wait for it to finish (if none is running, delete {})",
                            out.display(),
                            path.display()
                        );
                    }
                    // A killed run's: take it over.
                    let _ = fs::remove_file(&path);
                }
                Err(error) => return Err(error).with_context(|| format!("cannot create {}", path.display())),
            }
        }
    }
}

impl Drop for RunLock {
    fn drop(&mut self) {
        if self.made {
            let _ = fs::remove_file(&self.path);
        }
    }
}

/// Writes `plan` into `out`, replacing the previous output as described in the module docs.
/// `out` must be empty or hold output of the same `kind`.
pub(crate) fn write(plan: &Plan, out: &Path, kind: OutputKind) -> Result<()> {
    let _lock = RunLock::take(out)?;
    let output = Output::open(out)?;
    output.settle_interrupted_run()?;
    let previous = output.previous_owned(kind)?;
    output.refuse_another_kind(kind, &previous)?;
    output.refuse_files_in_the_way(plan, &previous)?;
    output.claim()?;
    let staged =
        output.stage(plan, kind).and_then(|()| output.commit(&output.take_away_list(&previous, plan)));
    if let Err(error) = staged {
        let _ = remove_tree(&output.work());
        return Err(error);
    }
    output.finish_swap()?;
    remove_legacy_leftovers(out)
}

/// Whether `out` can take output of `kind`, checked without changing anything: it is a folder
/// or does not exist yet, and holds nothing but this tool's output of that kind. For a command
/// that spends a while before it writes (a pull), so a wrong `--out` is refused at once.
pub(crate) fn check_target(out: &Path, kind: OutputKind) -> Result<()> {
    match fs::metadata(out) {
        Ok(metadata) if metadata.is_dir() => {}
        Ok(_) => bail!("{} is not a folder; choose a folder for the output", out.display()),
        Err(error) if error.kind() == ErrorKind::NotFound => return Ok(()),
        Err(error) => return Err(error).with_context(|| format!("cannot read {}", out.display())),
    }
    let output = Output { root: out.to_path_buf() };
    let previous = output.previous_owned(kind)?;
    output.refuse_another_kind(kind, &previous)
}

/// The output folder, and the places of a build in progress inside it.
struct Output {
    root: PathBuf,
}

impl Output {
    /// The output folder, created if missing; never renamed or replaced.
    fn open(out: &Path) -> Result<Output> {
        restore_legacy_backup(out)?;
        match fs::metadata(out) {
            Ok(metadata) if metadata.is_dir() => {}
            Ok(_) => bail!("{} is not a folder; choose a folder for the output", out.display()),
            Err(error) if error.kind() == ErrorKind::NotFound => {
                if let Ok(target) = fs::read_link(out) {
                    bail!(
                        "{} is a symbolic link to {}, which does not exist: create that folder, or give another one",
                        out.display(),
                        target.display()
                    );
                }
                fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?
            }
            Err(error) => return Err(error).with_context(|| format!("cannot read {}", out.display())),
        }
        Ok(Output { root: out.to_path_buf() })
    }

    fn path(&self, relative: &str) -> PathBuf {
        self.root.join(relative)
    }

    fn work(&self) -> PathBuf {
        self.root.join(WORK_FOLDER)
    }

    fn staged(&self, relative: &str) -> PathBuf {
        self.work().join(STAGED).join(relative)
    }

    fn journal(&self) -> PathBuf {
        self.work().join(JOURNAL)
    }

    /// Finishes or undoes what a stopped run left in the work folder.
    fn settle_interrupted_run(&self) -> Result<()> {
        let work = self.work();
        if fs::symlink_metadata(&work).is_err() {
            return Ok(());
        }
        if self.another_run_is_writing() {
            bail!(self.another_run_message());
        }
        if fs::symlink_metadata(self.journal()).is_ok() {
            crate::say!(
                "note: {} holds a build that was stopped while its files were being moved in; finishing it first",
                self.root.display()
            );
            return self.finish_swap();
        }
        self.remove_work_folder()
    }

    /// Whether the process that signed the work folder is still running (Linux only:
    /// elsewhere a work folder always counts as a stopped run's).
    fn another_run_is_writing(&self) -> bool {
        let Ok(signature) = fs::read_to_string(self.work().join(WRITER)) else { return false };
        let Some(pid) = signature.split_whitespace().next().and_then(|pid| pid.parse().ok()) else {
            return false;
        };
        pid != std::process::id()
            && process_identity(pid).is_some_and(|identity| identity == signature.trim())
    }

    fn another_run_message(&self) -> String {
        format!(
            "another ces-report run is writing {} right now; wait for it to finish, then build again (if none is running, delete {})",
            self.root.display(),
            self.work().display()
        )
    }

    /// The paths a previous run owned: none in an empty folder; an error if the folder holds
    /// files and no list, since then they are someone else's. A folder `pull` writes may hold
    /// its settings file (the data folder's `settings.toml`, where pull reads its tables'
    /// names) before the first pull.
    fn previous_owned(&self, kind: OutputKind) -> Result<BTreeSet<String>> {
        let list = self.path(OWNED_LIST);
        match fs::read_to_string(&list) {
            Ok(text) => Ok(lines(&text).map(str::to_string).collect()),
            Err(error) if error.kind() == ErrorKind::NotFound => {
                let entries = fs::read_dir(&self.root)
                    .with_context(|| format!("cannot read {}", self.root.display()))?;
                let mut others = entries.filter(|entry| {
                    entry.as_ref().map_or(true, |e| {
                        e.file_name() != LOCK_FILE
                            && !(kind == OutputKind::Exports
                                && e.file_name() == crate::settings::SETTINGS_FILE)
                    })
                });
                if others.next().is_some() {
                    bail!(
                        "{} is not empty and was not written by ces-report (it has no {OWNED_LIST}); choose a new or empty folder",
                        self.root.display()
                    );
                }
                Ok(BTreeSet::new())
            }
            Err(error) => Err(error).with_context(|| format!("cannot read {}", list.display())),
        }
    }

    /// Stops before anything changes when the new output has a file where one of someone
    /// else's is, naming them all.
    fn refuse_files_in_the_way(&self, plan: &Plan, previous: &BTreeSet<String>) -> Result<()> {
        let in_the_way: Vec<String> = self
            .files_in_the_way(plan, previous)
            .iter()
            .map(|path| self.path(path).display().to_string())
            .collect();
        let list = self.path(OWNED_LIST);
        match in_the_way.as_slice() {
            [] => Ok(()),
            [one] => bail!(
                "{one} was not written by ces-report (it is not listed in {}), and the new output needs that path; nothing was changed: move or rename it, then build again",
                list.display()
            ),
            many => bail!(
                "{} files were not written by ces-report (they are not listed in {}), and the new output needs their paths; nothing was changed: move or rename them, then build again:\n  {}",
                many.len(),
                list.display(),
                many.join("\n  ")
            ),
        }
    }

    /// Paths the new output needs that hold something the tool does not own: a file or
    /// folder at one of its files, or a file at one of its folders that is not leaving.
    fn files_in_the_way<'p>(&self, plan: &'p Plan, previous: &BTreeSet<String>) -> BTreeSet<&'p str> {
        let owned = plan.owned();
        let folders: BTreeSet<&str> = owned.iter().flat_map(|path| ancestors(path)).collect();
        let leaving = |path: &str| previous.contains(path) && plan.get(path).is_none();
        let files = owned.iter().copied().filter(|path| match fs::symlink_metadata(self.path(path)) {
            Ok(metadata) => metadata.is_dir() || !previous.contains(*path),
            Err(_) => false,
        });
        let blocked_folders =
            folders.into_iter().filter(|folder| !leaving(folder) && blocks_a_folder(&self.path(folder)));
        files.chain(blocked_folders).collect()
    }

    /// Creates the work folder, signed with this process's id.
    fn claim(&self) -> Result<()> {
        let work = self.work();
        if let Err(error) = fs::create_dir(&work) {
            if error.kind() == ErrorKind::AlreadyExists {
                bail!(self.another_run_message());
            }
            return Err(error).with_context(|| format!("cannot create {}", work.display()));
        }
        // No folder is created here: if a run racing this one removed the work folder, this
        // fails rather than writing into a folder that run now thinks it owns.
        let signature = work.join(WRITER);
        let pid = std::process::id();
        let identity = process_identity(pid).unwrap_or_else(|| pid.to_string());
        fs::write(&signature, format!("{identity}\n"))
            .with_context(|| format!("cannot write {}", signature.display()))
    }

    /// Writes the new output, and its list of owned files, into the staging folder.
    fn stage(&self, plan: &Plan, kind: OutputKind) -> Result<()> {
        let staging = self.staged("");
        write_all(plan, &staging)?;
        write_file(&staging.join(KIND_FILE), format!("{}\n", kind.name()).as_bytes())?;
        let mut owned = plan.owned();
        owned.insert(KIND_FILE);
        let listing: String = owned.iter().map(|path| format!("{path}\n")).collect();
        write_file(&staging.join(OWNED_LIST), listing.as_bytes())
    }

    /// Stops before anything changes when the folder holds another command's output.
    fn refuse_another_kind(&self, kind: OutputKind, previous: &BTreeSet<String>) -> Result<()> {
        let marked = if previous.contains(KIND_FILE) {
            fs::read_to_string(self.path(KIND_FILE)).ok().and_then(|text| OutputKind::parse(&text))
        } else {
            None
        };
        match marked.or_else(|| OutputKind::inferred(previous)) {
            Some(found) if found != kind => bail!(
                "{} holds {}; this command writes {}: give it another folder",
                self.root.display(),
                found.described(),
                kind.described()
            ),
            _ => Ok(()),
        }
    }

    /// What the swap takes out of the visible output: the files the tool owned that the new
    /// output does not write (pages no longer produced, the old PDFs), and what MyST and
    /// `render` left in the `_build/` of each MyST project, old or new.
    fn take_away_list(&self, previous: &BTreeSet<String>, plan: &Plan) -> Vec<String> {
        let stale = previous.iter().filter(|path| plan.get(path).is_none() && *path != KIND_FILE).cloned();
        let projects: BTreeSet<&str> =
            previous.iter().map(String::as_str).chain(plan.owned()).filter_map(project_folder).collect();
        let build_products = projects.into_iter().flat_map(|project| self.build_products(project));
        stale.chain(build_products).collect::<BTreeSet<String>>().into_iter().collect()
    }

    /// The entries of `project`'s `_build/` that MyST or `render` write, as relative paths.
    fn build_products(&self, project: &str) -> Vec<String> {
        let folder = join(project, BUILD_FOLDER);
        let Ok(entries) = fs::read_dir(self.path(&folder)) else { return Vec::new() };
        entries
            .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
            .filter(|name| BUILD_PRODUCTS.contains(&name.as_str()))
            .map(|name| join(&folder, &name))
            .collect()
    }

    /// The commit point: the journal appears in one rename, once the new output is staged.
    fn commit(&self, take_away: &[String]) -> Result<()> {
        let draft = self.work().join(format!("{JOURNAL}.part"));
        let listing: String = take_away.iter().map(|path| format!("{path}\n")).collect();
        write_file(&draft, listing.as_bytes())?;
        fs::rename(&draft, self.journal())
            .with_context(|| format!("cannot create {}", self.journal().display()))
    }

    /// Moves the staged output in, after taking away what the journal lists, then deletes the
    /// work folder. Every step can be repeated, so a stopped run is finished by calling this
    /// again: the staged list of owned files goes last, and its absence means all is moved.
    fn finish_swap(&self) -> Result<()> {
        let staged_list = self.staged(OWNED_LIST);
        if fs::symlink_metadata(&staged_list).is_ok() {
            self.move_in_staged(&staged_list).with_context(|| {
                format!(
                    "cannot finish moving the new output into {} (the next build finishes it)",
                    self.root.display()
                )
            })?;
        }
        // The journal goes first: from then on the new output is in place, and a run stopped
        // while the rest is deleted leaves nothing that needs finishing.
        match fs::remove_file(self.journal()) {
            Err(error) if error.kind() != ErrorKind::NotFound => {
                return Err(error).with_context(|| format!("cannot remove {}", self.journal().display()))
            }
            _ => {}
        }
        self.remove_work_folder()
    }

    fn move_in_staged(&self, staged_list: &Path) -> Result<()> {
        self.take_away(&read_lines(&self.journal())?)?;
        self.move_in(&read_lines(staged_list)?)?;
        let list = self.path(OWNED_LIST);
        fs::rename(staged_list, &list).with_context(|| format!("cannot move in {}", list.display()))
    }

    /// Moves `paths` into the trash, then removes the folders they leave empty.
    fn take_away(&self, paths: &[String]) -> Result<()> {
        self.make_trash()?;
        for (index, path) in paths.iter().enumerate() {
            self.take_away_one(index, path)?;
        }
        let mut folders: Vec<&str> = paths.iter().flat_map(|path| ancestors(path)).collect();
        folders.sort_by_key(|folder| (std::cmp::Reverse(folder.matches('/').count()), *folder));
        folders.dedup();
        for folder in folders {
            // Only an empty folder goes: one still holding anyone's file stays.
            let _ = fs::remove_dir(self.path(folder));
        }
        Ok(())
    }

    fn make_trash(&self) -> Result<()> {
        let trash = self.work().join(TRASH);
        fs::create_dir_all(&trash).with_context(|| format!("cannot create {}", trash.display()))
    }

    /// Moves the `index`th path of the journal into the trash.
    fn take_away_one(&self, index: usize, path: &str) -> Result<()> {
        move_aside(&self.path(path), &self.work().join(TRASH).join(format!("taken-{index}")))
    }

    /// Moves each staged file in on all cores; a path already moved, or reserved for a later
    /// step, has nothing staged and is skipped.
    fn move_in(&self, paths: &[String]) -> Result<()> {
        self.make_trash()?;
        crate::parallel::map(paths.len(), |index| self.move_in_one(index, &paths[index]))
            .into_iter()
            .collect()
    }

    /// Moves the old file at `path` (the `index`th of the new list) into the trash, then the
    /// staged one in its place, creating its folder if missing. Two renames rather than one
    /// over the old file: replacing a file costs what deleting it does (0.2–0.3 s for 1,400
    /// files on this project's machine), and this way that cost is paid when the trash is
    /// deleted, after the swap, which stays short (0.06 s).
    fn move_in_one(&self, index: usize, path: &str) -> Result<()> {
        let (from, to) = (self.staged(path), self.path(path));
        if fs::symlink_metadata(&from).is_err() {
            return Ok(());
        }
        move_aside(&to, &self.work().join(TRASH).join(format!("replaced-{index}")))?;
        let cannot = || format!("cannot move {} to {}", from.display(), to.display());
        match fs::rename(&from, &to) {
            Err(error) if error.kind() == ErrorKind::NotFound => {
                let folder = to.parent().expect("a file has a folder");
                fs::create_dir_all(folder).with_context(|| format!("cannot create {}", folder.display()))?;
                fs::rename(&from, &to).with_context(cannot)
            }
            moved => moved.with_context(cannot),
        }
    }

    /// Deletes the trash (its entries side by side: a swap puts thousands there), then the
    /// rest of the work folder.
    fn remove_work_folder(&self) -> Result<()> {
        let (work, trash) = (self.work(), self.work().join(TRASH));
        if trash.exists() {
            remove_tree(&trash).with_context(|| format!("cannot remove {}", trash.display()))?;
        }
        remove_tree(&work).with_context(|| format!("cannot remove {}", work.display()))
    }
}

/// A running process's id and start time (`/proc/PID/stat`), which together name it even
/// where ids are reused: another container sharing the output folder has its own ids.
fn process_identity(pid: u32) -> Option<String> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The fields after the command name, which is in brackets and may hold spaces; the
    // start time is the 22nd field in all.
    let started = stat.rsplit_once(')')?.1.split_whitespace().nth(19)?;
    Some(format!("{pid} {started}"))
}

/// Moves `path` (file or folder) to `aside`, or deletes it where it cannot be moved (another
/// file system mounted inside the output); nothing to do when it is gone.
fn move_aside(path: &Path, aside: &Path) -> Result<()> {
    match fs::rename(path, aside) {
        Ok(()) => Ok(()),
        // Gone, or under something that is not a folder: nothing there to move.
        Err(error) if matches!(error.kind(), ErrorKind::NotFound | ErrorKind::NotADirectory) => Ok(()),
        Err(_) => remove_entry(path).with_context(|| format!("cannot remove {}", path.display())),
    }
}

fn remove_entry(path: &Path) -> std::io::Result<()> {
    if fs::symlink_metadata(path)?.is_dir() {
        fs::remove_dir_all(path)
    } else {
        fs::remove_file(path)
    }
}

/// Whether something at `path` stops a folder from being there: a file, or a link that does
/// not lead to a folder.
fn blocks_a_folder(path: &Path) -> bool {
    match fs::metadata(path) {
        Ok(metadata) => !metadata.is_dir(),
        Err(_) => fs::symlink_metadata(path).is_ok(),
    }
}

/// The folders above a relative path, nearest first: `a/b/c.md` → `a/b`, `a`.
fn ancestors(path: &str) -> impl Iterator<Item = &str> {
    path.char_indices().rev().filter(|(_, c)| *c == '/').map(move |(index, _)| &path[..index])
}

/// The project folder of a MyST config path (`""` for the book's own `myst.yml`).
fn project_folder(path: &str) -> Option<&str> {
    if path == PROJECT_CONFIG {
        return Some("");
    }
    path.strip_suffix(PROJECT_CONFIG)?.strip_suffix('/')
}

fn join(folder: &str, name: &str) -> String {
    if folder.is_empty() {
        name.to_string()
    } else {
        format!("{folder}/{name}")
    }
}

fn lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines().filter(|line| !line.is_empty())
}

fn read_lines(path: &Path) -> Result<Vec<String>> {
    let text = fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    Ok(lines(&text).map(str::to_string).collect())
}

/// Writes the plan's files on all cores: a book has thousands of small files and creating
/// them is most of the time a build takes.
fn write_all(plan: &Plan, staging: &Path) -> Result<()> {
    let folders: BTreeSet<&Path> = plan.files().filter_map(|(path, _)| Path::new(path).parent()).collect();
    for folder in folders {
        let folder = staging.join(folder);
        fs::create_dir_all(&folder).with_context(|| format!("cannot create {}", folder.display()))?;
    }
    let files: Vec<(&str, &[u8])> = plan.files().collect();
    crate::parallel::map(files.len(), |index| {
        let (path, bytes) = files[index];
        let path = staging.join(path);
        fs::write(&path, bytes).with_context(|| format!("cannot write {}", path.display()))
    })
    .into_iter()
    .collect()
}

/// Removes a folder tree, its top-level entries side by side.
fn remove_tree(folder: &Path) -> std::io::Result<()> {
    let entries: Vec<PathBuf> =
        fs::read_dir(folder)?.map(|entry| entry.map(|e| e.path())).collect::<std::io::Result<_>>()?;
    crate::parallel::map(entries.len(), |index| remove_entry(&entries[index]))
        .into_iter()
        .collect::<std::io::Result<()>>()?;
    fs::remove_dir(folder)
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
    }
    fs::write(path, bytes).with_context(|| format!("cannot write {}", path.display()))
}

/// Folders that earlier versions of ces-report left beside the output when they were stopped:
/// `.NAME.tmp-PID` (a new output being written) or `.NAME.old-PID` (the previous output,
/// moved aside), oldest first by when their output was written.
fn legacy_leftovers(out: &Path, purpose: &str) -> Vec<PathBuf> {
    let Some(name) = out.file_name() else { return Vec::new() };
    let prefix = format!(".{}.{purpose}-", name.to_string_lossy());
    let beside = out.parent().filter(|parent| !parent.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let Ok(entries) = fs::read_dir(beside) else { return Vec::new() };
    let is_leftover = |name: &str| {
        name.strip_prefix(&prefix)
            .is_some_and(|pid| !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()))
    };
    let mut found: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| is_leftover(name))
        .map(|name| out.with_file_name(name))
        .filter(|path| fs::symlink_metadata(path).is_ok_and(|metadata| metadata.is_dir()))
        .collect();
    found.sort_by_key(|folder| fs::metadata(folder.join(OWNED_LIST)).and_then(|m| m.modified()).ok());
    found
}

/// When the output is missing because an earlier ces-report was stopped between moving it
/// aside and moving the new one in, puts back the newest complete copy it moved aside.
fn restore_legacy_backup(out: &Path) -> Result<()> {
    if fs::symlink_metadata(out).is_ok() {
        return Ok(());
    }
    let Some(backup) = legacy_leftovers(out, "old").into_iter().rev().find(|backup| is_complete(backup))
    else {
        return Ok(());
    };
    fs::rename(&backup, out)
        .with_context(|| format!("cannot move {} to {}", backup.display(), out.display()))?;
    crate::say!(
        "note: restored {} from {}, where an interrupted run of an earlier ces-report had moved it",
        out.display(),
        backup.display()
    );
    Ok(())
}

/// Whether every file an output's list names is there.
fn is_complete(output: &Path) -> bool {
    fs::read_to_string(output.join(OWNED_LIST))
        .is_ok_and(|text| lines(&text).all(|path| fs::symlink_metadata(output.join(path)).is_ok()))
}

/// Deletes what earlier versions left beside the output, once the new output is in place:
/// from then on each is an older copy.
fn remove_legacy_leftovers(out: &Path) -> Result<()> {
    for leftover in legacy_leftovers(out, "tmp").into_iter().chain(legacy_leftovers(out, "old")) {
        remove_tree(&leftover).with_context(|| format!("cannot remove {}", leftover.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    /// A fresh folder for one test.
    fn scratch(name: &str) -> PathBuf {
        let folder = std::env::temp_dir().join(format!("ces-report-output-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&folder);
        fs::create_dir_all(&folder).unwrap();
        folder
    }

    /// Removes the scratch folder holding `root`, once a test has passed.
    fn remove_scratch(root: &Path) {
        fs::remove_dir_all(root.parent().unwrap()).unwrap();
    }

    fn plan(files: &[(&str, &str)], reserved: &[&str]) -> Plan {
        let mut plan = Plan::default();
        for (path, text) in files {
            plan.add(*path, *text);
        }
        for path in reserved {
            plan.reserve(*path);
        }
        plan
    }

    /// Every file under `root` outside the work folder, path → text.
    fn visible(root: &Path) -> BTreeMap<String, String> {
        fn walk(root: &Path, folder: &Path, files: &mut BTreeMap<String, String>) {
            for entry in fs::read_dir(folder).unwrap() {
                let path = entry.unwrap().path();
                let relative = path.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/");
                if relative == WORK_FOLDER {
                    continue;
                }
                if path.is_dir() {
                    walk(root, &path, files);
                } else {
                    files.insert(relative, fs::read_to_string(&path).unwrap());
                }
            }
        }
        let mut files = BTreeMap::new();
        walk(root, root, &mut files);
        files
    }

    fn put(root: &Path, path: &str, text: &str) {
        write_file(&root.join(path), text.as_bytes()).unwrap();
    }

    fn old_plan() -> Plan {
        let files = [
            ("myst.yml", "old config"),
            ("index.md", "old index"),
            ("gone.md", "old page no longer produced"),
            ("pdf/a/myst.yml", "old project a"),
            ("pdf/a/report.md", "old report a"),
        ];
        plan(&files, &["exports/a-1.pdf"])
    }

    fn new_plan() -> Plan {
        let files = [
            ("myst.yml", "new config"),
            ("index.md", "new index"),
            ("added/page.md", "new page"),
            ("pdf/b/myst.yml", "new project b"),
            ("pdf/b/report.md", "new report b"),
        ];
        plan(&files, &["exports/b-2.pdf"])
    }

    /// The files of someone else's and what MyST and render write after a build of `old_plan`.
    const USER_FILES: [(&str, &str); 4] = [
        ("notes.md", "mine"),
        ("_build/mine.txt", "mine too"),
        ("exports/mine.pdf", "my own PDF"),
        ("pdf/a/_build/keep.txt", "kept"),
    ];
    const PRODUCTS: [(&str, &str); 4] = [
        ("exports/a-1.pdf", "rendered"),
        ("_build/site/content.json", "site"),
        ("_build/fonts/a.ttf", "font"),
        ("pdf/a/_build/render.log", "log"),
    ];

    /// `old_plan` written, then used by MyST, render and its owner.
    fn used_output(name: &str) -> PathBuf {
        let root = scratch(name).join("book");
        write(&old_plan(), &root, OutputKind::Book).unwrap();
        for (path, text) in USER_FILES.iter().chain(&PRODUCTS) {
            put(&root, path, text);
        }
        root
    }

    /// What the folder holds once `new_plan` is written over `used_output`.
    fn expected_new() -> BTreeMap<String, String> {
        let new = new_plan();
        let mut files: BTreeMap<String, String> = new
            .files()
            .map(|(path, bytes)| (path.to_string(), String::from_utf8(bytes.to_vec()).unwrap()))
            .collect();
        let mut owned = new.owned();
        owned.insert(KIND_FILE);
        files.insert(OWNED_LIST.to_string(), owned.iter().map(|p| format!("{p}\n")).collect());
        files.insert(KIND_FILE.to_string(), "book\n".to_string());
        files.extend(USER_FILES.iter().map(|(path, text)| (path.to_string(), text.to_string())));
        files
    }

    #[test]
    fn only_what_the_tool_owns_is_replaced_or_removed() {
        let root = used_output("owned");
        write(&new_plan(), &root, OutputKind::Book).unwrap();
        assert_eq!(visible(&root), expected_new());
        assert!(!root.join(WORK_FOLDER).exists());
        assert!(!root.join("pdf/a/report.md").exists() && root.join("pdf/a/_build/keep.txt").exists());
        assert!(!root.join("_build/site").exists(), "MyST's output of the old sources is cleared");
        remove_scratch(&root);
    }

    #[test]
    fn a_run_stopped_before_its_journal_leaves_the_old_output_and_is_undone() {
        let root = used_output("before-journal");
        let before = visible(&root);
        let output = Output { root: root.clone() };
        output.claim().unwrap();
        output.stage(&new_plan(), OutputKind::Book).unwrap();
        assert_eq!(visible(&root), before);
        output.settle_interrupted_run().unwrap();
        assert_eq!(visible(&root), before);
        assert!(!root.join(WORK_FOLDER).exists());
        remove_scratch(&root);
    }

    /// Every state a stopped swap can leave: the first `taken` take-aways done, then the first
    /// `moved` files moved in (they move in parallel, in any order; each prefix stands for a
    /// set of that size), perhaps the next one's old file moved aside, then the list. The
    /// folder then holds, path by path, the old file or the new one (or none), and the next
    /// run finishes the swap.
    #[test]
    fn a_swap_stopped_after_any_step_is_finished_by_the_next_run() {
        let used = used_output("swap");
        let (old, new) = (visible(&used), expected_new());
        let previous: BTreeSet<String> = old_plan().owned().iter().map(|path| path.to_string()).collect();
        let take_aways = Output { root: used.clone() }.take_away_list(&previous, &new_plan());
        let expected_take_aways = [
            "_build/fonts",
            "_build/site",
            "exports/a-1.pdf",
            "gone.md",
            "pdf/a/_build/render.log",
            "pdf/a/myst.yml",
            "pdf/a/report.md",
        ];
        assert_eq!(take_aways, expected_take_aways);
        let staged: Vec<String> = new_plan().owned().iter().map(|path| path.to_string()).collect();
        let root = used.with_file_name("stopped");
        for taken in 0..=take_aways.len() {
            for moved in 0..=staged.len() {
                for (half_moved, list_moved) in [(false, false), (true, false), (false, true)] {
                    let all_moved = moved == staged.len() && taken == take_aways.len();
                    if (list_moved && !all_moved) || (half_moved && moved == staged.len()) {
                        continue;
                    }
                    let _ = fs::remove_dir_all(&root);
                    copy_tree(&used, &root);
                    let output = Output { root: root.clone() };
                    output.claim().unwrap();
                    output.stage(&new_plan(), OutputKind::Book).unwrap();
                    output.commit(&take_aways).unwrap();
                    output.make_trash().unwrap();
                    for (index, path) in take_aways.iter().enumerate().take(taken) {
                        output.take_away_one(index, path).unwrap();
                    }
                    for (index, path) in staged.iter().enumerate().take(moved) {
                        output.move_in_one(index, path).unwrap();
                    }
                    if let Some(next) = staged.get(moved).filter(|_| half_moved) {
                        let aside = output.work().join(TRASH).join(format!("replaced-{moved}"));
                        move_aside(&output.path(next), &aside).unwrap();
                    }
                    if list_moved {
                        fs::rename(output.staged(OWNED_LIST), output.path(OWNED_LIST)).unwrap();
                    }
                    let state = format!(
                        "{taken} taken away, {moved} moved in, the next one half: {half_moved}, list moved: {list_moved}"
                    );
                    for (path, text) in visible(&root) {
                        let either = old.get(&path) == Some(&text) || new.get(&path) == Some(&text);
                        assert!(either, "{state}: {path} holds {text:?}, neither old nor new");
                    }
                    output.settle_interrupted_run().unwrap();
                    assert_eq!(visible(&root), new, "{state}");
                    assert!(!root.join(WORK_FOLDER).exists(), "{state}");
                }
            }
        }
        remove_scratch(&used);
    }

    #[test]
    fn a_swap_that_cannot_finish_is_finished_by_the_next_run() {
        let root = used_output("cannot-finish");
        let output = Output { root: root.clone() };
        output.claim().unwrap();
        output.stage(&new_plan(), OutputKind::Book).unwrap();
        let previous = old_plan().owned().iter().map(|path| path.to_string()).collect();
        output.commit(&output.take_away_list(&previous, &new_plan())).unwrap();
        put(&root, "added", "a file where the new output needs a folder, put there meanwhile");
        let error = format!("{:#}", output.finish_swap().unwrap_err());
        let r = root.display();
        assert_eq!(
            error,
            format!(
                "cannot finish moving the new output into {r} (the next build finishes it): cannot move {r}/.ces-report/new/added/page.md to {r}/added/page.md: Not a directory (os error 20)"
            )
        );
        fs::remove_file(root.join("added")).unwrap();
        output.settle_interrupted_run().unwrap();
        assert_eq!(visible(&root), expected_new());
        remove_scratch(&root);
    }

    fn copy_tree(from: &Path, to: &Path) {
        fs::create_dir_all(to).unwrap();
        for entry in fs::read_dir(from).unwrap() {
            let path = entry.unwrap().path();
            let target = to.join(path.file_name().unwrap());
            if path.is_dir() {
                copy_tree(&path, &target);
            } else {
                fs::copy(&path, &target).unwrap();
            }
        }
    }

    #[test]
    fn paths_the_new_output_needs_are_refused_when_someone_else_holds_them() {
        let root = scratch("in-the-way").join("book");
        write(&plan(&[("a.md", "owned"), ("old", "owned, leaving")], &[]), &root, OutputKind::Book).unwrap();
        put(&root, "b/c.md", "someone else's file where the new output writes");
        put(&root, "d", "someone else's file where the new output needs a folder");
        fs::create_dir_all(root.join("e.pdf/inside")).unwrap();
        std::os::unix::fs::symlink("nowhere", root.join("f.md")).unwrap();
        let previous = Output { root: root.clone() }.previous_owned(OutputKind::Book).unwrap();
        let new = plan(
            &[("a.md", "x"), ("b/c.md", "x"), ("d/page.md", "x"), ("f.md", "x"), ("old/page.md", "x")],
            &["e.pdf"],
        );
        let in_the_way = Output { root: root.clone() }.files_in_the_way(&new, &previous);
        assert_eq!(in_the_way, BTreeSet::from(["b/c.md", "d", "e.pdf", "f.md"]));
        remove_scratch(&root);
    }

    #[test]
    fn relative_path_helpers() {
        assert_eq!(ancestors("a/b/c.md").collect::<Vec<_>>(), ["a/b", "a"]);
        assert_eq!(ancestors("c.md").count(), 0);
        assert_eq!(project_folder("myst.yml"), Some(""));
        assert_eq!(project_folder("pdf/a/myst.yml"), Some("pdf/a"));
        assert_eq!(project_folder("pdf/a/notmyst.yml"), None);
        assert_eq!(join("", "_build"), "_build");
        assert_eq!(join("pdf/a", "_build"), "pdf/a/_build");
    }
}
