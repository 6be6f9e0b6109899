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

/// The distinct `tcId`s of a vector file, in file order; `None` when the
/// file is not a JSON object with `testGroups[].tests[].tcId` (the runner
/// then runs it whole and reports what is wrong with it).
fn case_ids(bytes: &[u8]) -> Option<Vec<u64>> {
    let file: serde_json::Value = serde_json::from_slice(bytes).ok()?;
    let mut ids = Vec::new();
    for group in file.get("testGroups")?.as_array()? {
        for case in group.get("tests")?.as_array()? {
            let id = case.get("tcId")?.as_u64()?;
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
    }
    Some(ids)
}

/// How long a stepwise run computes before it lets the event loop run, in
/// milliseconds: well under the 50 ms a browser counts as a long task's
/// start, so a page stays responsive and a test runner's polling is answered.
const SLICE_MS: f64 = 40.0;

/// Gives the JavaScript event loop a turn once [`SLICE_MS`] have passed
/// since the last one: a `setTimeout(0)` task, so rendering, input and a
/// test runner's polling run, not only microtasks. (Yielding before every
/// case would cost the 4 ms a browser adds to nested timers, each time.)
struct Slicer {
    last: f64,
}

impl Slicer {
    fn new() -> Self {
        Slicer {
            last: js_sys::Date::now(),
        }
    }

    async fn maybe_yield(&mut self) {
        if js_sys::Date::now() - self.last < SLICE_MS {
            return;
        }
        yield_to_event_loop().await;
        self.last = js_sys::Date::now();
    }
}

/// One `setTimeout(0)` turn of the event loop; nothing where there is no
/// `setTimeout`.
async fn yield_to_event_loop() {
    let Ok(set_timeout) = js_sys::Reflect::get(&js_sys::global(), &"setTimeout".into()) else {
        return;
    };
    let Ok(set_timeout) = set_timeout.dyn_into::<js_sys::Function>() else {
        return;
    };
    let mut called = true;
    let promise = Promise::new(&mut |resolve, _| {
        called = set_timeout
            .call2(&JsValue::NULL, &resolve, &0.into())
            .is_ok();
    });
    if called {
        // A setTimeout callback cannot reject: the outcome carries nothing.
        let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
    }
}

/// Runs the file at `path` one case at a time (`run_case` runs one
/// `tcId`, `None` the whole file), letting `slicer` give the event loop a
/// turn before every case, and joins the cases into one file report: the same cases,
/// results and lines as one run of the whole file, without blocking a
/// page for the whole file. A case that does not come back is a defect of
/// the file, never a silent gap.
async fn run_file_stepwise<F, Fut>(
    files: &MemoryFiles,
    path: &str,
    slicer: &mut Slicer,
    mut run_case: F,
) -> FileReport
where
    F: FnMut(Option<u64>) -> Fut,
    Fut: core::future::Future<Output = FileReport>,
{
    use idbridge_vectors::Files;
    let ids = match files.read(path).ok().as_deref().and_then(case_ids) {
        Some(ids) if !ids.is_empty() => ids,
        _ => {
            slicer.maybe_yield().await;
            return run_case(None).await;
        }
    };
    let mut joined: Option<FileReport> = None;
    for id in ids {
        slicer.maybe_yield().await;
        let one = run_case(Some(id)).await;
        if one.defect.is_some() {
            return one;
        }
        if one.cases.is_empty() {
            return FileReport::malformed(path, format!("tcId {id}: the case did not run"));
        }
        match &mut joined {
            None => joined = Some(one),
            Some(all) => all.cases.extend(one.cases),
        }
    }
    joined.unwrap_or_else(|| FileReport::malformed(path, "no case ran".into()))
}

/// As [`run_in_memory`], one case at a time, giving the event loop a turn
/// between cases every few tens of milliseconds (a page, or a headless
/// browser's test runner, is never blocked for much more than one case).
pub async fn run_in_memory_stepwise(files: &MemoryFiles, paths: &[String]) -> VectorsReport {
    let mut reports = Vec::with_capacity(paths.len());
    let mut slicer = Slicer::new();
    for path in paths {
        reports.push(
            run_file_stepwise(files, path, &mut slicer, |id| {
                let runner = Runner::new(files);
                let runner = match id {
                    Some(id) => runner.only_case(id),
                    None => runner,
                };
                core::future::ready(runner.run_file(path))
            })
            .await,
        );
    }
    report(&reports, None)
}

/// The runner over an in-memory file set, every signature check on
/// WebCrypto (shared with the tests), one case at a time, giving the event
/// loop a turn between cases every few tens of milliseconds. A case whose verification cannot settle its
/// checks is reported as a failure of its file, never skipped.
pub async fn run_in_memory_async(files: &MemoryFiles, paths: &[String]) -> VectorsReport {
    let crypto = WebCrypto::new();
    let mut reports = Vec::with_capacity(paths.len());
    let mut slicer = Slicer::new();
    for path in paths {
        let crypto = &crypto;
        reports.push(
            run_file_stepwise(files, path, &mut slicer, |id| async move {
                let runner = Runner::new(files).with_backends(&[&VECTORS_RECORDER]);
                let runner = match id {
                    Some(id) => runner.only_case(id),
                    None => runner,
                };
                match discharge(&VECTORS_RECORDER, crypto, || runner.run_file(path)).await {
                    Ok(r) => r,
                    Err(e) => {
                        FileReport::malformed(path, format!("the checks did not settle: {e}"))
                    }
                }
            })
            .await,
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
/// as on disk. `paths` names the vector files to run, in order; they run
/// one case at a time, the page's event loop getting a turn every few tens
/// of milliseconds (a long run never freezes a page). Resolves
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
