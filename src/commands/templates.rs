//! `templates`: copy the built-in templates out, to edit them and pass `--templates`.

use std::path::Path;

use anyhow::Result;

use crate::templates::EMBEDDED;

pub(super) fn run(dir: &Path) -> Result<i32> {
    anyhow::ensure!(!dir.exists(), "{} already exists; choose a new folder", dir.display());
    for (path, text) in EMBEDDED {
        let file = dir.join(path);
        std::fs::create_dir_all(file.parent().expect("a file has a folder"))?;
        std::fs::write(&file, text)?;
    }
    crate::say!(
        "wrote {} templates to {}; edit them and pass --templates {}",
        EMBEDDED.len(),
        dir.display(),
        dir.display()
    );
    Ok(0)
}
