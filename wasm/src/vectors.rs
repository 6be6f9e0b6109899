//! `runVectors` (WebCrypto) and `runVectorsSync` (pure WASM): the
//! test-vector runner of the CLI and `cargo test`, over files in memory.

use crate::js::{describe, js_error};
use crate::recording::{discharge, Recorder};
use crate::webcrypto::WebCrypto;
use idbridge_vectors::{FileReport, MemoryFiles, Runner, Summary};
use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::future_to_promise;

/// The recorder of the asynchronous runner. The runner wants a
/// `&'static dyn Backend`; a recorder holds no state between two
/// synchronous runs (see `recording`), so one serves every call.
static VECTORS_RECORDER: Recorder = Recorder::new();

/// The result of `runVectors` and `runVectorsSync`.
#[wasm_bindgen]
#[derive(Debug)]
pub struct VectorsReport {
    passed: usize,
    failed: usize,
    lines: Vec<String>,
    webcrypto_checks: u32,
    wasm_checks: u32,
}

#[wasm_bindgen]
impl VectorsReport {
    /// Cases that passed.
    #[wasm_bindgen(getter)]
    pub fn passed(&self) -> usize {
        self.passed
    }

    /// Cases that failed, plus malformed vector files.
    #[wasm_bindgen(getter)]
    pub fn failed(&self) -> usize {
        self.failed
    }

    /// One line per case, then the closing line `vectors: N passed, M failed`.
    #[wasm_bindgen(getter)]
    pub fn lines(&self) -> Vec<String> {
        self.lines.clone()
    }

    /// Signature checks WebCrypto verified (0 for `runVectorsSync`).
    #[wasm_bindgen(getter, js_name = webcryptoChecks)]
    pub fn webcrypto_checks(&self) -> u32 {
        self.webcrypto_checks
    }

    /// Signature checks `runVectors` left to the WASM backend because
    /// WebCrypto could not do them (0 for `runVectorsSync`, which does all
    /// of its checks in WASM).
    #[wasm_bindgen(getter, js_name = wasmFallbackChecks)]
    pub fn wasm_fallback_checks(&self) -> u32 {
        self.wasm_checks
    }
}

fn report(reports: &[FileReport], crypto: Option<&WebCrypto>) -> VectorsReport {
    let summary = Summary::of(reports);
    let mut lines: Vec<String> = reports.iter().flat_map(|r| r.lines()).collect();
    lines.push(summary.closing_line());
    let (webcrypto_checks, wasm_checks) = crypto.map(WebCrypto::counts).unwrap_or((0, 0));
    VectorsReport {
        passed: summary.passed,
        failed: summary.failed,
        lines,
        webcrypto_checks,
        wasm_checks,
    }
}

/// The runner over an in-memory file set, pure WASM (shared with the tests).
pub fn run_in_memory(files: &MemoryFiles, paths: &[String]) -> VectorsReport {
    let runner = Runner::new(files);
    let reports: Vec<_> = paths.iter().map(|p| runner.run_file(p)).collect();
    report(&reports, None)
}

/// The runner over an in-memory file set, every signature check on
/// WebCrypto (shared with the tests). A file whose verification cannot
/// settle its checks is reported as a failure, never skipped.
pub async fn run_in_memory_async(files: &MemoryFiles, paths: &[String]) -> VectorsReport {
    let crypto = WebCrypto::new();
    let mut reports = Vec::with_capacity(paths.len());
    for path in paths {
        let runner = Runner::new(files).with_backends(&[&VECTORS_RECORDER]);
        reports.push(
            match discharge(&VECTORS_RECORDER, &crypto, || runner.run_file(path)).await {
                Ok(r) => r,
                Err(e) => FileReport::malformed(path, format!("the checks did not settle: {e}")),
            },
        );
    }
    report(&reports, Some(&crypto))
}

/// `files` as a `MemoryFiles`.
fn memory_files(files: &JsValue) -> Result<MemoryFiles, JsValue> {
    if !files.is_object() || js_sys::Array::is_array(files) {
        return Err(js_error(
            "input.encoding",
            &format!(
                "files must be an object mapping names to contents, not {}",
                describe(files)
            ),
        ));
    }
    let mut memory = MemoryFiles::new();
    for entry in js_sys::Object::entries(files.unchecked_ref()).iter() {
        let pair = js_sys::Array::from(&entry);
        let name = pair
            .get(0)
            .as_string()
            .ok_or_else(|| js_error("input.encoding", "file names must be strings"))?;
        let value = pair.get(1);
        let bytes = if let Some(text) = value.as_string() {
            text.into_bytes()
        } else if value.is_instance_of::<js_sys::Uint8Array>() {
            js_sys::Uint8Array::new(&value).to_vec()
        } else {
            return Err(js_error(
                "input.encoding",
                "file contents must be strings or Uint8Arrays",
            ));
        };
        memory.insert(&name, bytes);
    }
    Ok(memory)
}

/// `paths` as names: an array of strings (`config.invalid` otherwise).
fn paths_of(paths: &JsValue) -> Result<Vec<String>, JsValue> {
    crate::js::optional_strings(paths, "paths")?.ok_or_else(|| {
        js_error(
            "config.invalid",
            "paths must be an array of strings, not undefined",
        )
    })
}

/// Runs test vectors held in memory, every signature check on WebCrypto
/// (the WASM backend for what it lacks).
///
/// `files` maps `/`-separated names to contents (`Uint8Array` or string):
/// the vector files and every file they name, with the same relative layout
/// as on disk. `paths` names the vector files to run, in order. Resolves
/// to the report; rejects with `input.encoding` when `files` is not such a
/// map, `config.invalid` when `paths` is not an array of strings.
#[wasm_bindgen(js_name = runVectors, unchecked_return_type = "Promise<VectorsReport>")]
pub fn run_vectors(
    #[wasm_bindgen(unchecked_param_type = "Record<string, Uint8Array | string>")] files: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string[]")] paths: JsValue,
) -> Promise {
    let (files, paths) = match (memory_files(&files), paths_of(&paths)) {
        (Ok(f), Ok(p)) => (f, p),
        (Err(e), _) | (_, Err(e)) => return Promise::reject(&e),
    };
    future_to_promise(async move { Ok(run_in_memory_async(&files, &paths).await.into()) })
}

/// As `runVectors`, synchronously, every signature check in WASM.
#[wasm_bindgen(js_name = runVectorsSync)]
pub fn run_vectors_sync(
    #[wasm_bindgen(unchecked_param_type = "Record<string, Uint8Array | string>")] files: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string[]")] paths: JsValue,
) -> Result<VectorsReport, JsValue> {
    let files = memory_files(&files)?;
    Ok(run_in_memory(&files, &paths_of(&paths)?))
}
