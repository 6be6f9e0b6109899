//! JUnit XML, as CI systems read it: one `testsuite` per vector file, one
//! `testcase` per case (its backends in the suite's properties and in any
//! failure's text), a `failure` with what was expected and what came back,
//! an `error` for a malformed vector file. The schema it follows is
//! `scripts/junit-report.xsd`.

use super::text::{attr, text};
use super::ReportMeta;
use crate::{CaseReport, FileReport};
use core::fmt::Write as _;

/// The run as JUnit XML: `testsuites` (totals: `tests`, `failures` for
/// cases that failed, `errors` for malformed vector files), one
/// `testsuite` per file with the properties `idbridge.version`,
/// `backends`, `kind` and `sha256`, and one `testcase` per case named
/// `tcId=N` (and the comment), its class the file's path with `.` for `/`.
pub fn junit(reports: &[FileReport], meta: &ReportMeta) -> String {
    let tests: usize = reports.iter().map(case_count).sum();
    let failures: usize = reports
        .iter()
        .map(|r| r.cases.iter().filter(|c| !c.passed).count())
        .sum();
    let errors = reports.iter().filter(|r| r.defect.is_some()).count();
    let time: f64 = reports.iter().map(seconds).sum();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"idbridge vectors\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\" skipped=\"0\" time=\"{time:.3}\">"
    );
    for (i, r) in reports.iter().enumerate() {
        suite(&mut out, i, r, meta);
    }
    out.push_str("</testsuites>\n");
    out
}

fn case_count(r: &FileReport) -> usize {
    r.cases.len() + usize::from(r.defect.is_some())
}

fn seconds(r: &FileReport) -> f64 {
    r.elapsed.map_or(0.0, |d| d.as_secs_f64())
}

/// The file's path as a JUnit class name: its segments joined with `.`,
/// without `.`/`..` segments and the `.json` extension.
fn class_name(path: &str) -> String {
    let trimmed = path.strip_suffix(".json").unwrap_or(path);
    let parts: Vec<&str> = trimmed
        .split(['/', '\\'])
        .filter(|s| !s.is_empty() && *s != "." && *s != "..")
        .collect();
    parts.join(".")
}

fn suite(out: &mut String, id: usize, r: &FileReport, meta: &ReportMeta) {
    let failures = r.cases.iter().filter(|c| !c.passed).count();
    let errors = usize::from(r.defect.is_some());
    let _ = writeln!(
        out,
        "  <testsuite id=\"{id}\" name=\"{}\" tests=\"{}\" failures=\"{failures}\" errors=\"{errors}\" skipped=\"0\" time=\"{:.3}\">",
        attr(&r.path),
        case_count(r),
        seconds(r)
    );
    out.push_str("    <properties>\n");
    let mut props = vec![
        ("idbridge.version", meta.version.clone()),
        ("backends", meta.backends.join(", ")),
        ("kind", r.kind.clone().unwrap_or_default()),
        ("sha256", r.sha256.clone().unwrap_or_default()),
    ];
    if let Some(t) = &meta.generated_at {
        props.push(("generated_at", t.clone()));
    }
    for (name, value) in props {
        let _ = writeln!(
            out,
            "      <property name=\"{name}\" value=\"{}\"/>",
            attr(&value)
        );
    }
    out.push_str("    </properties>\n");
    let class = attr(&class_name(&r.path));
    if let Some(defect) = &r.defect {
        let message = format!("malformed vector file: {defect}");
        let _ = writeln!(
            out,
            "    <testcase name=\"malformed vector file\" classname=\"{class}\" time=\"0.000\">\n      <error message=\"{}\" type=\"malformed\">{}</error>\n    </testcase>",
            attr(&message),
            text(&format!("{}: {message}", r.path))
        );
    }
    for c in &r.cases {
        case(out, &class, c);
    }
    out.push_str("  </testsuite>\n");
}

fn case(out: &mut String, class: &str, c: &CaseReport) {
    let name = if c.comment.is_empty() {
        format!("tcId={}", c.tc_id)
    } else {
        format!("tcId={} ({})", c.tc_id, c.comment)
    };
    let _ = write!(
        out,
        "    <testcase name=\"{}\" classname=\"{class}\" time=\"0.000\"",
        attr(&name)
    );
    if c.passed {
        out.push_str("/>\n");
        return;
    }
    let message = format!("expected {}, got {}", c.expected, c.got);
    let mut body = format!(
        "expected: {}\ngot: {}\nbackends: {}\n",
        c.expected,
        c.got,
        c.backends.join(", ")
    );
    if let Some(d) = &c.detail {
        let _ = writeln!(body, "detail: {d}");
    }
    if !c.flags.is_empty() {
        let _ = writeln!(body, "flags: {}", c.flags.join(", "));
    }
    if let Some(s) = &c.source {
        let _ = writeln!(body, "source: {s}");
    }
    let _ = writeln!(body, "comment: {}", c.comment);
    if let Some(e) = &c.explanation {
        for line in e.lines(c) {
            let _ = writeln!(body, "{line}");
        }
    }
    let _ = writeln!(
        out,
        ">\n      <failure message=\"{}\" type=\"{}\">{}</failure>\n    </testcase>",
        attr(&message),
        failure_type(c),
        text(&body)
    );
}

/// `accepted` (an invalid case verified), `refused` (a valid one did not),
/// or `mismatch` (another code, another identity, backends disagreeing).
fn failure_type(c: &CaseReport) -> &'static str {
    match (c.expected.as_str(), c.got.as_str()) {
        (e, "valid") if e.starts_with("invalid") => "accepted",
        ("valid", g) if g.starts_with("invalid") => "refused",
        _ => "mismatch",
    }
}

#[cfg(test)]
mod tests {
    use super::class_name;

    #[test]
    fn class_names_drop_dot_segments_and_the_extension() {
        assert_eq!(
            class_name("test-vectors/signature/rsa_pss.json"),
            "test-vectors.signature.rsa_pss"
        );
        assert_eq!(
            class_name("../shared/vectors/spid/x.json"),
            "shared.vectors.spid.x"
        );
        assert_eq!(class_name("./a.json"), "a");
    }
}
