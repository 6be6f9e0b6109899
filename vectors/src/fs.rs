//! Reading vector files from disk (native builds only).

use super::{is_vector_file, Files};
use std::path::{Path, PathBuf};

/// Reads files from the file system, paths as given (relative to the
/// current directory or absolute).
#[derive(Clone, Copy, Debug, Default)]
pub struct FsFiles;

/// The largest file the runner reads (vector files and their inputs).
const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

impl Files for FsFiles {
    fn read(&self, path: &str) -> Result<Vec<u8>, String> {
        let meta = std::fs::metadata(path).map_err(|e| format!("{path}: {e}"))?;
        if meta.len() > MAX_FILE_BYTES {
            return Err(format!("{path}: larger than {MAX_FILE_BYTES} bytes"));
        }
        std::fs::read(path).map_err(|e| format!("{path}: {e}"))
    }
}

/// The vector files under `paths`, in a stable order.
///
/// A folder is walked recursively (symbolic links to folders are not
/// followed): every `*.json` file below it that [`is_vector_file`] is
/// included, any other file is input data and passed over. A file named
/// directly is always included, so the runner reports it if it is not a
/// vector file. A path that does not exist is returned as is and fails
/// when read.
pub fn collect(paths: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for p in paths {
        let path = Path::new(p);
        if path.is_dir() {
            let mut found = Vec::new();
            walk(path, &mut found);
            found.sort();
            out.extend(found.into_iter().map(|f| f.to_string_lossy().into_owned()));
        } else {
            out.push(p.clone());
        }
    }
    out
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let Ok(file_type) = entry.file_type() else {
            continue;
        };
        let path = entry.path();
        if file_type.is_dir() {
            walk(&path, out);
        } else if path.extension().is_some_and(|e| e == "json")
            && std::fs::read(&path).is_ok_and(|b| is_vector_file(&b))
        {
            out.push(path);
        }
    }
}
