//! One self-contained HTML page: no script, no external resource (a
//! Content-Security-Policy that allows only the inline style says so to
//! the browser too), readable printed or offline.

use super::text::{attr, text};
use super::{ReportMeta, Tally, Totals, NO_FLAG};
use crate::{CaseReport, FileReport, Summary};
use core::fmt::Write as _;
use std::collections::BTreeMap;

const STYLE: &str = r#"
:root { color-scheme: light; --ok: #1a7f37; --fail: #cf222e; --line: #d0d7de; --muted: #57606a; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; margin: 0; color: #1f2328; background: #fff; }
header, main { max-width: 1200px; margin: 0 auto; padding: 0 24px; }
header { padding-top: 24px; }
h1 { font-size: 24px; margin: 0 0 8px; }
h2 { font-size: 18px; margin: 32px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 15px; margin: 24px 0 6px; word-break: break-all; }
.verdict { display: inline-block; font-size: 18px; font-weight: 600; padding: 6px 14px; border-radius: 6px; color: #fff; margin: 4px 0 12px; }
.verdict.pass { background: var(--ok); } .verdict.fail { background: var(--fail); }
dl.run { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 0 0 8px; }
dl.run dt { color: var(--muted); } dl.run dd { margin: 0; word-break: break-all; }
nav a { margin-right: 14px; }
table { border-collapse: collapse; width: 100%; margin: 4px 0 8px; }
th, td { border: 1px solid var(--line); padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #f6f8fa; font-weight: 600; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.hash, code, .mono { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 12px; overflow-wrap: anywhere; }
td.hash { word-break: break-all; }
p.defect { color: var(--fail); }
tr.ok td.outcome { color: var(--ok); font-weight: 600; }
tr.fail td.outcome, td.failed-some { color: var(--fail); font-weight: 600; }
tr.fail { background: #ffebe9; }
details { margin: 2px 0; } summary { cursor: pointer; color: var(--muted); }
ol.checks { margin: 4px 0; padding-left: 28px; }
ol.checks li.failed { color: var(--fail); font-weight: 600; }
ol.checks .check { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 12px; }
dl.inputs { display: grid; grid-template-columns: max-content 1fr; gap: 0 12px; margin: 4px 0; font-size: 12px; }
dl.inputs dt { font-family: ui-monospace, "DejaVu Sans Mono", monospace; color: var(--muted); }
dl.inputs dd { margin: 0; font-family: ui-monospace, "DejaVu Sans Mono", monospace; word-break: break-all; }
.muted { color: var(--muted); }
@media print { details { display: block; } nav { display: none; } }
"#;

/// The run as one HTML page: the verdict, the idbridge version and
/// backends, totals per kind, per flag and per source, every vector file
/// with its SHA-256, and every case with its outcome (and, when the runner
/// recorded them, the case's inputs, its SAML checks with their rules and
/// the command that replays it).
pub fn html(reports: &[FileReport], meta: &ReportMeta) -> String {
    let summary = Summary::of(reports);
    let totals = Totals::of(reports);
    let mut out = String::with_capacity(4096 + reports.len() * 2048);
    let verdict = format!("{} passed, {} failed", summary.passed, summary.failed);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
<title>idbridge vectors: {}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<header>\n\
<h1>idbridge test vectors</h1>\n",
        text(&verdict)
    );
    let class = if summary.failed == 0 && summary.passed > 0 {
        "pass"
    } else {
        "fail"
    };
    let _ = writeln!(
        out,
        "<p id=\"verdict\" class=\"verdict {class}\" data-passed=\"{}\" data-failed=\"{}\">{}</p>",
        summary.passed,
        summary.failed,
        text(&verdict)
    );
    out.push_str("<dl class=\"run\" id=\"run\">\n");
    let mut run = vec![
        ("idbridge", meta.version.clone()),
        ("backends", meta.backends.join(", ")),
        ("vector files", reports.len().to_string()),
    ];
    if let Some(t) = &meta.generated_at {
        run.push(("generated", t.clone()));
    }
    if let Some(c) = &meta.command {
        run.push(("command", c.clone()));
    }
    for (k, v) in run {
        let _ = writeln!(
            out,
            "<dt>{}</dt><dd data-key=\"{}\">{}</dd>",
            text(k),
            attr(k),
            text(&v)
        );
    }
    out.push_str("</dl>\n<nav>");
    if summary.failed > 0 {
        out.push_str("<a href=\"#failures\">failures</a>");
    }
    out.push_str(
        "<a href=\"#by-kind\">per kind</a><a href=\"#by-flag\">per flag</a>\
<a href=\"#by-source\">per source</a><a href=\"#files\">vector files</a><a href=\"#cases\">cases</a></nav>\n</header>\n<main>\n",
    );

    if summary.failed > 0 {
        failures(&mut out, reports);
    }
    tally_table(
        &mut out,
        "by-kind",
        "Totals per kind",
        "kind",
        &totals.by_kind,
        None,
    );
    tally_table(
        &mut out,
        "by-flag",
        "Totals per flag",
        "flag",
        &totals.by_flag,
        Some(&totals.bug_types),
    );
    tally_table(
        &mut out,
        "by-source",
        "Totals per source",
        "source",
        &totals.by_source,
        None,
    );
    files_table(&mut out, reports);
    out.push_str("<section id=\"cases\">\n<h2>Cases</h2>\n");
    for (i, r) in reports.iter().enumerate() {
        cases(&mut out, i, r);
    }
    out.push_str("</section>\n</main>\n</body>\n</html>\n");
    out
}

fn row_id(file: usize, tc_id: u64) -> String {
    format!("f{file}-tc{tc_id}")
}

fn failures(out: &mut String, reports: &[FileReport]) {
    out.push_str("<section id=\"failures\">\n<h2>Failures</h2>\n<ul>\n");
    for (i, r) in reports.iter().enumerate() {
        if let Some(d) = &r.defect {
            let _ = writeln!(
                out,
                "<li><a href=\"#file-{i}\">{}</a>: malformed vector file: {}</li>",
                text(&r.path),
                text(d)
            );
        }
        for c in r.cases.iter().filter(|c| !c.passed) {
            let _ = writeln!(
                out,
                "<li><a href=\"#{}\">{} tcId={}</a>: expected {}, got {}</li>",
                row_id(i, c.tc_id),
                text(&r.path),
                c.tc_id,
                text(&c.expected),
                text(&c.got)
            );
        }
    }
    out.push_str("</ul>\n</section>\n");
}

fn tally_table(
    out: &mut String,
    id: &str,
    title: &str,
    what: &str,
    rows: &BTreeMap<String, Tally>,
    bug_types: Option<&BTreeMap<String, String>>,
) {
    let _ = write!(
        out,
        "<section id=\"{id}\">\n<h2>{}</h2>\n<table>\n<thead><tr><th>{}</th>",
        text(title),
        text(what)
    );
    if bug_types.is_some() {
        out.push_str("<th>bugType</th>");
    }
    out.push_str("<th class=\"n\">files</th><th class=\"n\">cases</th><th class=\"n\">passed</th><th class=\"n\">failed</th></tr></thead>\n<tbody>\n");
    for (name, t) in rows {
        let _ = write!(
            out,
            "<tr data-{what}=\"{}\"><td>{}</td>",
            attr(name),
            text(name)
        );
        if let Some(bt) = bug_types {
            let b = if name == NO_FLAG {
                ""
            } else {
                bt.get(name).map_or("", String::as_str)
            };
            let _ = write!(out, "<td class=\"mono\">{}</td>", text(b));
        }
        let _ = writeln!(
            out,
            "<td class=\"n\">{}</td><td class=\"n\" data-total=\"cases\">{}</td><td class=\"n\" data-total=\"passed\">{}</td><td class=\"n{}\" data-total=\"failed\">{}</td></tr>",
            t.files,
            t.cases,
            t.passed,
            if t.failed > 0 { " failed-some" } else { "" },
            t.failed
        );
    }
    out.push_str("</tbody>\n</table>\n</section>\n");
}

fn files_table(out: &mut String, reports: &[FileReport]) {
    out.push_str(
        "<section id=\"files\">\n<h2>Vector files</h2>\n<table>\n<thead><tr><th>file</th><th>kind</th>\
<th class=\"n\">cases</th><th class=\"n\">passed</th><th class=\"n\">failed</th><th>SHA-256</th></tr></thead>\n<tbody>\n",
    );
    for (i, r) in reports.iter().enumerate() {
        let _ = writeln!(
            out,
            "<tr><td><a href=\"#file-{i}\">{}</a></td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n{}\">{}</td><td class=\"hash\">{}</td></tr>",
            text(&r.path),
            text(r.kind.as_deref().unwrap_or("")),
            r.cases.len(),
            r.passed(),
            if r.failed() > 0 { " failed-some" } else { "" },
            r.failed(),
            text(r.sha256.as_deref().unwrap_or("(not read)"))
        );
    }
    out.push_str("</tbody>\n</table>\n</section>\n");
}

fn cases(out: &mut String, i: usize, r: &FileReport) {
    let _ = writeln!(
        out,
        "<h3 id=\"file-{i}\">{} <span class=\"muted\">{}</span></h3>",
        text(&r.path),
        text(r.kind.as_deref().unwrap_or(""))
    );
    if let Some(d) = &r.defect {
        let _ = writeln!(
            out,
            "<p class=\"mono defect\">FAIL malformed vector file: {}</p>",
            text(d)
        );
        return;
    }
    out.push_str(
        "<table class=\"cases\">\n<thead><tr><th class=\"n\">tcId</th><th>outcome</th><th>expected</th>\
<th>got</th><th>flags</th><th>comment</th></tr></thead>\n<tbody>\n",
    );
    for c in &r.cases {
        case_row(out, i, c);
    }
    out.push_str("</tbody>\n</table>\n");
}

fn case_row(out: &mut String, i: usize, c: &CaseReport) {
    let (class, outcome) = if c.passed {
        ("ok", "ok")
    } else {
        ("fail", "FAIL")
    };
    let mut got = text(&c.got);
    if let Some(d) = &c.detail {
        let _ = write!(got, "<br><span class=\"muted\">{}</span>", text(d));
    }
    let _ = writeln!(
        out,
        "<tr id=\"{}\" class=\"{class}\" data-tcid=\"{}\"><td class=\"n\">{}</td><td class=\"outcome\">{outcome}</td>\
<td class=\"mono\">{}</td><td class=\"mono\">{got}</td><td>{}</td><td>{}</td></tr>",
        row_id(i, c.tc_id),
        c.tc_id,
        c.tc_id,
        text(&c.expected),
        text(&c.flags.join(", ")),
        text(&c.comment)
    );
    let Some(e) = &c.explanation else {
        return;
    };
    let what = if e.replay.is_some() {
        "inputs and replay"
    } else {
        "inputs"
    };
    let summary = if e.steps.is_empty() {
        what.to_string()
    } else {
        let failed = e.steps.iter().filter(|s| s.failed.is_some()).count();
        format!("{} checks ({failed} failed), {what}", e.steps.len())
    };
    let _ = writeln!(
        out,
        "<tr class=\"explain\"><td></td><td colspan=\"5\"><details><summary>{}</summary>",
        text(&summary)
    );
    if !e.steps.is_empty() {
        out.push_str("<ol class=\"checks\">\n");
        for s in &e.steps {
            let (li, mark) = match s.failed {
                None => (String::new(), "ok".to_string()),
                Some(code) => (" class=\"failed\"".to_string(), format!("FAIL → {code}")),
            };
            let _ = writeln!(
                out,
                "<li{li}><span class=\"check\">{}</span> — {} <span class=\"mono\">[{}]</span></li>",
                text(s.check),
                text(s.rule),
                text(&mark)
            );
        }
        out.push_str("</ol>\n");
    }
    out.push_str("<dl class=\"inputs\">\n");
    for (k, v) in &e.inputs {
        let _ = writeln!(out, "<dt>{}</dt><dd>{}</dd>", text(k), text(v));
    }
    if let Some(r) = &e.replay {
        let _ = writeln!(out, "<dt>replay</dt><dd>{}</dd>", text(r));
    }
    for n in &e.notes {
        let _ = writeln!(out, "<dt>note</dt><dd>{}</dd>", text(n));
    }
    out.push_str("</dl>\n</details></td></tr>\n");
}
