//! The rules of the output folder (README, "Who owns what in the output folder"), one test
//! per rule, with the exact text of each message: a file the tool did not write is never
//! touched and stops a build that needs its path; files of one's own in `exports/` and
//! `_build/` stay; `--out` is never renamed, so a symlink or a mount point works; what a
//! stopped build leaves is undone or finished by the next one. `interrupted_builds.rs`
//! kills real builds.

use std::collections::BTreeMap;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn build(data: &Path, out: &Path, month: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ces-report"))
        .args(["build", data.to_str().unwrap(), "--month", month, "--out", out.to_str().unwrap()])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the binary runs")
}

fn sample_data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data")
}

fn built(data: &Path, out: &Path, month: &str) -> String {
    let output = build(data, out, month);
    let stderr = String::from_utf8_lossy(&output.stderr).to_string();
    assert!(output.status.success(), "{stderr}");
    stderr
}

/// The lines of stderr that are not data warnings.
fn messages(output: &Output) -> Vec<String> {
    String::from_utf8_lossy(&output.stderr)
        .lines()
        .filter(|line| !line.starts_with("warning: "))
        .map(str::to_string)
        .collect()
}

/// Every file under `dir`, hidden ones included (relative path → bytes).
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    crate::support::files_under(dir, &|_| false)
}

fn put(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn owned(out: &Path) -> Vec<String> {
    std::fs::read_to_string(out.join(".ces-report-files")).unwrap().lines().map(str::to_string).collect()
}

/// The small baseline data folder, with a second community, Acme, when `with_acme`.
fn small_data(folder: &Path, with_acme: bool) -> PathBuf {
    let mut data = crate::support::Data::baseline();
    if with_acme {
        data = data
            .add("engagements.csv", "Acme 2026,Acme,1/1/2026,12/31/2027,Tier,Active,rec2\n")
            .add("projects.csv", "Acme hub,Acme 2026,1/1/2026,12/31/2027,Hub support,\n")
            .add("allocations.csv", "Acme 2026 Q4,Acme hub,10/1/2026,12/31/2026,12,Ana Silva\n")
            .add("activities.csv", "Acme 2026 Q4,Ana Silva,2,Call,10/6/2026,,10/6/2026 3:00pm\n");
    }
    let dir = folder.join(if with_acme { "data-acme" } else { "data" });
    std::fs::create_dir_all(&dir).unwrap();
    for (name, text) in &data.files {
        std::fs::write(dir.join(name), text).unwrap();
    }
    dir
}

/// The process id of a process that has ended.
fn ended_process() -> u32 {
    let mut child = Command::new("true").spawn().unwrap();
    let pid = child.id();
    child.wait().unwrap();
    pid
}

#[test]
fn a_file_the_tool_did_not_write_stops_a_build_that_needs_its_path() {
    let folder = crate::support::temp_folder("in-the-way");
    let out = folder.join("book");
    built(&small_data(&folder, false), &out, "2026-10");
    let acme = small_data(&folder, true);
    put(&out.join("engagements/acme.md"), "my notes on Acme\n");
    let before = snapshot(&out);
    let output = build(&acme, &out, "2026-10");
    assert_eq!(output.status.code(), Some(1));
    let o = out.display();
    assert_eq!(
        messages(&output),
        [format!("error: {o}/engagements/acme.md was not written by ces-report (it is not listed in {o}/.ces-report-files), and the new output needs that path; nothing was changed: move or rename it, then build again")]
    );
    assert_eq!(snapshot(&out), before, "nothing changed");

    // A PDF of one's own where render will put Acme's, a file where a folder goes: all named.
    put(&out.join("exports/communities/acme-2026-10.pdf"), "my PDF");
    put(&out.join("figures/communities/acme"), "a file where the new output needs a folder");
    let before = snapshot(&out);
    let output = build(&acme, &out, "2026-10");
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        messages(&output),
        [
            format!("error: 3 files were not written by ces-report (they are not listed in {o}/.ces-report-files), and the new output needs their paths; nothing was changed: move or rename them, then build again:"),
            format!("  {o}/engagements/acme.md"),
            format!("  {o}/exports/communities/acme-2026-10.pdf"),
            format!("  {o}/figures/communities/acme"),
        ]
    );
    assert_eq!(snapshot(&out), before, "nothing changed");

    for path in ["engagements/acme.md", "exports/communities/acme-2026-10.pdf", "figures/communities/acme"] {
        std::fs::rename(out.join(path), folder.join(path.replace('/', "-"))).unwrap();
    }
    built(&acme, &out, "2026-10");
    assert!(std::fs::read_to_string(out.join("engagements/acme.md")).unwrap().contains("Acme"));
    assert_eq!(std::fs::read_to_string(folder.join("engagements-acme.md")).unwrap(), "my notes on Acme\n");
    assert!(owned(&out).contains(&"exports/communities/acme-2026-10.pdf".to_string()));
}

#[test]
fn files_of_ones_own_in_exports_and_build_folders_stay_and_the_tools_own_go() {
    let out = crate::support::temp_folder("exports-build").join("book");
    built(&sample_data(), &out, "2026-10");
    // What render and MyST write after a build: the PDFs build listed, the site, logs.
    let pdfs: Vec<String> = owned(&out).into_iter().filter(|path| path.ends_with(".pdf")).collect();
    assert_eq!(pdfs.len(), 10, "{pdfs:?}");
    for pdf in &pdfs {
        put(&out.join(pdf), "%PDF of October");
    }
    let tools = [
        "_build/site/content/index.json",
        "_build/temp/x.typ",
        "_build/fonts/DejaVuSans.ttf",
        "_build/pdfs/typst.log",
        "pdf/monthly-report/_build/typst/report.typ",
        "pdf/monthly-report/_build/render.log",
        "pdf/communities/tidewater-ocean-lab/_build/logs/myst.log",
    ];
    let mine = [
        "exports/board-pack.pdf",
        "exports/communities/cover-letter.md",
        "_build/my-notes.txt",
        "pdf/monthly-report/_build/drafts/keep.md",
    ];
    for path in tools.iter().chain(&mine) {
        put(&out.join(path), path);
    }

    built(&sample_data(), &out, "2026-11");
    for path in mine {
        assert_eq!(std::fs::read_to_string(out.join(path)).unwrap(), path, "{path} is kept");
    }
    for path in pdfs.iter().map(String::as_str).chain(tools) {
        assert!(!out.join(path).exists(), "{path} is the tool's and stale: it goes");
    }
    assert!(
        !out.join("_build/site").exists() && !out.join("pdf/communities/tidewater-ocean-lab/_build").exists()
    );
    let november: Vec<String> = owned(&out).into_iter().filter(|path| path.ends_with(".pdf")).collect();
    assert!(!november.is_empty() && november.iter().all(|pdf| pdf.ends_with("-2026-11.pdf")), "{november:?}");
}

#[test]
fn a_symlinked_output_folder_is_written_through_the_link() {
    let folder = crate::support::temp_folder("symlink");
    let (real, link) = (folder.join("real"), folder.join("book"));
    std::fs::create_dir(&real).unwrap();
    std::os::unix::fs::symlink(&real, &link).unwrap();
    built(&sample_data(), &link, "2026-09");
    built(&sample_data(), &link, "2026-10");
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink(), "still a link");
    let fresh = folder.join("fresh");
    built(&sample_data(), &fresh, "2026-10");
    assert_eq!(snapshot(&real), snapshot(&fresh));
    assert_eq!(crate::support::names_in(&folder), ["book", "fresh", "real"], "nothing beside the link");
}

/// A mount point (a Docker volume) cannot be renamed or replaced: building works when the
/// output folder stays the same folder, with nothing made beside it.
#[test]
fn the_output_folder_itself_is_never_renamed_so_a_mount_point_works() {
    let folder = crate::support::temp_folder("mount-point");
    let out = folder.join("volume");
    std::fs::create_dir(&out).unwrap();
    let identity = |path: &Path| {
        let metadata = std::fs::metadata(path).unwrap();
        (metadata.dev(), metadata.ino())
    };
    let before = identity(&out);
    built(&sample_data(), &out, "2026-09");
    built(&sample_data(), &out, "2026-10");
    assert_eq!(identity(&out), before, "the same folder");
    assert_eq!(crate::support::names_in(&folder), ["volume"]);
    assert!(!out.join(".ces-report").exists());
}

#[test]
fn a_build_stopped_while_writing_is_undone_by_the_next() {
    let folder = crate::support::temp_folder("stopped-writing");
    let out = folder.join("book");
    built(&sample_data(), &out, "2026-10");
    let october = snapshot(&out);
    // As a build killed while writing leaves it: part of the new output, no journal.
    put(&out.join(".ces-report/new/index.md"), "half of a new ind");
    put(&out.join(".ces-report/pid"), &format!("{}\n", ended_process()));
    let output = build(&sample_data(), &out, "2026-10");
    assert!(output.status.success());
    assert!(messages(&output).iter().all(|line| !line.starts_with("note:")), "{:?}", messages(&output));
    assert_eq!(snapshot(&out), october);
}

/// A journal means the stopped build's output was complete: the next build finishes moving
/// it in before anything else, here before it stops on a file in its own way.
#[test]
fn a_build_stopped_while_moving_in_is_finished_by_the_next() {
    let folder = crate::support::temp_folder("stopped-moving");
    let september = folder.join("september");
    built(&sample_data(), &september, "2026-09");
    let out = folder.join("book");
    built(&sample_data(), &out, "2026-10");
    // As a build of September killed halfway through moving its files in leaves it.
    let staged = out.join(".ces-report/new");
    std::fs::create_dir_all(&staged).unwrap();
    let new_list = owned(&september);
    let stale: String =
        owned(&out).iter().filter(|path| !new_list.contains(path)).map(|path| format!("{path}\n")).collect();
    for (index, path) in new_list.iter().enumerate().filter(|(_, path)| september.join(path).exists()) {
        let target = if index % 2 == 0 { out.join(path) } else { staged.join(path) };
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(september.join(path), &target).unwrap();
    }
    std::fs::copy(september.join(".ces-report-files"), staged.join(".ces-report-files")).unwrap();
    put(&out.join(".ces-report/swapping"), &stale);
    put(&out.join(".ces-report/pid"), &format!("{}\n", ended_process()));
    put(&out.join("exports/2i2c-ces-report-2026-11.pdf"), "mine");

    let output = build(&sample_data(), &out, "2026-11");
    assert_eq!(output.status.code(), Some(1));
    let o = out.display();
    assert_eq!(
        messages(&output),
        [
            format!("note: {o} holds a build that was stopped while its files were being moved in; finishing it first"),
            format!("error: {o}/exports/2i2c-ces-report-2026-11.pdf was not written by ces-report (it is not listed in {o}/.ces-report-files), and the new output needs that path; nothing was changed: move or rename it, then build again"),
        ]
    );
    let mut expected = snapshot(&september);
    expected.insert("exports/2i2c-ces-report-2026-11.pdf".to_string(), b"mine".to_vec());
    assert_eq!(snapshot(&out), expected, "September's output, complete, and the file in the way");
}

/// A process's id and start time, as a run signs its work folder.
fn identity(pid: u32) -> String {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    format!("{pid} {}", stat.rsplit_once(')').unwrap().1.split_whitespace().nth(19).unwrap())
}

#[test]
fn a_build_another_run_is_writing_is_left_alone() {
    let out = crate::support::temp_folder("another-run").join("book");
    built(&sample_data(), &out, "2026-10");
    let october = snapshot(&out);
    // This test's own process stands for the other run: it is alive.
    put(&out.join(".ces-report/pid"), &format!("{}\n", identity(std::process::id())));
    put(&out.join(".ces-report/new/index.md"), "being written");
    let before = snapshot(&out);
    let output = build(&sample_data(), &out, "2026-10");
    assert_eq!(output.status.code(), Some(1));
    let o = out.display();
    assert_eq!(
        messages(&output),
        [format!("error: another ces-report run is writing {o} right now; wait for it to finish, then build again (if none is running, delete {o}/.ces-report)")]
    );
    assert_eq!(snapshot(&out), before);

    // The same id with another start time: a stopped run's, whose id was given out again.
    put(&out.join(".ces-report/pid"), &format!("{} 1\n", std::process::id()));
    built(&sample_data(), &out, "2026-10");
    assert_eq!(snapshot(&out), october);
}

#[test]
fn what_earlier_versions_left_beside_the_output_is_cleaned_up_or_restored() {
    let folder = crate::support::temp_folder("legacy");
    let out = folder.join("book");
    let first = built(&sample_data(), &out, "2026-10");
    let wrote = first.lines().find(|line| line.starts_with("wrote ")).expect("a summary line").to_string();
    put(&out.join("notes.md"), "my notes\n");
    // A run stopped while writing its copy, and one stopped after moving the output aside
    // (whose list, as earlier versions wrote it, names no PDF).
    built(&sample_data(), &folder.join(".book.tmp-4242"), "2026-10");
    let list: String =
        owned(&out).iter().filter(|path| !path.ends_with(".pdf")).map(|p| format!("{p}\n")).collect();
    std::fs::write(out.join(".ces-report-files"), list).unwrap();
    std::fs::rename(&out, folder.join(".book.old-4243")).unwrap();
    let output = build(&sample_data(), &out, "2026-10");
    assert!(output.status.success());
    let (o, f) = (out.display(), folder.display());
    assert_eq!(
        messages(&output),
        [
            format!("note: restored {o} from {f}/.book.old-4243, where an interrupted run of an earlier ces-report had moved it"),
            wrote,
        ]
    );
    assert_eq!(std::fs::read_to_string(out.join("notes.md")).unwrap(), "my notes\n");
    assert_eq!(crate::support::names_in(&folder), ["book"]);

    // With the output in place, the copies beside it just go.
    built(&sample_data(), &folder.join(".book.old-17"), "2026-09");
    built(&sample_data(), &folder.join(".book.tmp-18"), "2026-09");
    built(&sample_data(), &out, "2026-10");
    assert_eq!(crate::support::names_in(&folder), ["book"]);
}

#[test]
fn an_output_that_is_a_file_is_refused() {
    let out = crate::support::temp_folder("a-file").join("book.md");
    std::fs::write(&out, "my book").unwrap();
    let output = build(&sample_data(), &out, "2026-10");
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        messages(&output),
        [format!("error: {} is not a folder; choose a folder for the output", out.display())]
    );
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "my book");
}
