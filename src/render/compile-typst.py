# Compiles many Typst files to PDF in one process, with the fonts loaded once: ces-report's
# way of running Typst (the `typst` package from PyPI, a prebuilt Typst with a Python binding).
#
# Run as `python3 -I -c <this file> PACKAGE_FOLDER JOBS_FILE VERSION`, from the book's folder:
#   PACKAGE_FOLDER  where the pinned `typst` package is installed (pip install --target)
#   JOBS_FILE       JSON: {"fonts": DIR, "packages": DIR, "timestamp": SECONDS, "threads": N,
#                          "jobs": [{"input": "…/report.typ", "output": "…/x.pdf"}, …]}
#   VERSION         the package version ces-report pins
# Prints one JSON line with the package's version (and stops there unless it is VERSION), then
# one per job as it finishes, in any order: {"job": I, "seconds": S} or {"job": I, "error":
# TEXT}, the error as Typst words it, with the file, line and column. Warnings go to stderr.
# Each PDF is written to a temporary file beside it and renamed into place: whole or absent.
#
# Only the fonts in the fonts folder and those built into Typst are used, never the system's;
# `@preview` packages resolve in the packages folder and nothing is downloaded; every PDF
# carries the given creation date, so the same sources give the same bytes.
import json
import os
import sys
import threading
import time

sys.path.insert(0, sys.argv[1])
import typst  # noqa: E402  (found in PACKAGE_FOLDER)

with open(sys.argv[2], encoding="utf-8") as file:
    settings = json.load(file)
jobs = settings["jobs"]
fonts = typst.Fonts(
    include_system_fonts=False, include_embedded_fonts=True, font_paths=[settings["fonts"]]
)
lock = threading.Lock()
next_job = iter(range(len(jobs)))


def report(line):
    with lock:
        sys.stdout.write(json.dumps(line) + "\n")
        sys.stdout.flush()


def compile_one(compiler, job):
    source = job["input"]
    pdf, warnings = compiler.compile_with_warnings(
        input=source,
        root=os.path.dirname(source) or ".",
        timestamp=settings["timestamp"],
        format="pdf",
    )
    for warning in warnings:
        sys.stderr.write(warning.diagnostic or f"warning: {warning.message}\n")
    partial = f"{job['output']}.part"
    os.makedirs(os.path.dirname(job["output"]) or ".", exist_ok=True)
    with open(partial, "wb") as file:
        file.write(pdf)
    os.replace(partial, job["output"])


def worker():
    # Typst releases the interpreter while it compiles, so the threads run side by side; each
    # has its own compiler over the one set of fonts.
    compiler = typst.Compiler(font_paths=fonts, package_path=settings["packages"])
    while True:
        with lock:
            index = next(next_job, None)
        if index is None:
            return
        started = time.monotonic()
        try:
            compile_one(compiler, jobs[index])
        except typst.TypstError as error:
            report({"job": index, "error": (error.diagnostic or error.message).rstrip()})
        except Exception as error:  # a missing file, a full disk: said, and the others go on
            report({"job": index, "error": f"error: {error}"})
        else:
            report({"job": index, "seconds": round(time.monotonic() - started, 3)})


report({"typst": typst.__version__})
if typst.__version__ != sys.argv[3]:
    sys.exit(1)
threads = [threading.Thread(target=worker) for _ in range(max(1, settings["threads"]))]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
