//! Stage 5: the generated crate's files, written to disk or compared with what is there. Only
//! files whose text changed are rewritten, and files generation no longer produces are removed.
//! What the files say is decided before this stage (`render.rs`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Generated files by path relative to the crate directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    pub files: BTreeMap<PathBuf, String>,
}

/// What `write` changed, or what `check` found different.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Changes {
    pub added: Vec<PathBuf>,
    pub changed: Vec<PathBuf>,
    pub removed: Vec<PathBuf>,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.changed.is_empty() && self.removed.is_empty()
    }

    /// Every path concerned, sorted.
    pub fn paths(&self) -> Vec<&PathBuf> {
        let mut all: Vec<&PathBuf> = self
            .added
            .iter()
            .chain(&self.changed)
            .chain(&self.removed)
            .collect();
        all.sort();
        all
    }
}

impl std::fmt::Display for Changes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} added, {} changed, {} removed",
            self.added.len(),
            self.changed.len(),
            self.removed.len()
        )
    }
}

impl Output {
    /// Files under `dir` that generation owns: the crate's `Cargo.toml` and everything in `src/`.
    fn existing(dir: &Path) -> Result<Vec<PathBuf>> {
        let mut found = Vec::new();
        if dir.join("Cargo.toml").exists() {
            found.push(PathBuf::from("Cargo.toml"));
        }
        let mut stack = vec![dir.join("src")];
        while let Some(current) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&current) else {
                continue;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_dir() {
                    stack.push(path);
                } else if let Ok(relative) = path.strip_prefix(dir) {
                    found.push(relative.to_path_buf());
                }
            }
        }
        found.sort();
        Ok(found)
    }

    /// Compares with the crate in `dir` without writing.
    pub fn check(&self, dir: &Path) -> Result<Changes> {
        let mut changes = Changes::default();
        for (path, text) in &self.files {
            match std::fs::read_to_string(dir.join(path)) {
                Ok(existing) if existing == *text => {}
                Ok(_) => changes.changed.push(path.clone()),
                Err(_) => changes.added.push(path.clone()),
            }
        }
        changes.removed = Self::existing(dir)?
            .into_iter()
            .filter(|path| !self.files.contains_key(path))
            .collect();
        Ok(changes)
    }

    /// Writes the crate to `dir`: only files whose text changed are rewritten, and files no
    /// longer generated are removed.
    pub fn write(&self, dir: &Path) -> Result<Changes> {
        let changes = self.check(dir)?;
        for path in changes.added.iter().chain(&changes.changed) {
            let target = dir.join(path);
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent).map_err(|source| Error::Write {
                    path: parent.to_path_buf(),
                    source,
                })?;
            }
            std::fs::write(&target, &self.files[path]).map_err(|source| Error::Write {
                path: target,
                source,
            })?;
        }
        for path in &changes.removed {
            let target = dir.join(path);
            std::fs::remove_file(&target).map_err(|source| Error::Write {
                path: target,
                source,
            })?;
        }
        Ok(changes)
    }
}
