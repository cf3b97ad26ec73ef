//! JUnit XML (`--junit FILE`): the test-report format CI servers read (Jenkins, GitLab,
//! GitHub test-report actions, Azure Pipelines...), so a pipeline shows which expectation or
//! `--fail-if` condition failed, with its time and value, instead of a bare "exit 1".
//!
//! Only what every reader accepts is written (`tests/junit/junit.xsd` is the schema the
//! tests validate against): `testsuites` > `testsuite` (name, tests, failures, errors,
//! skipped; `file` when there is one) > `properties` first, then `testcase`s (name,
//! classname) with at most one `failure` (message, type, and the details as text), then the
//! suite's `system-out`. No wall-clock value (`time`, `timestamp`, `hostname`) is written:
//! the same run gives the same bytes.

use std::fmt::Write;

/// One `<testsuite>`.
#[derive(Debug, Clone, Default)]
pub struct Suite {
    pub name: String,
    /// The file the suite checks (a scenario), if any.
    pub file: Option<String>,
    /// `<properties>`: the run's metrics and settings, in order.
    pub properties: Vec<(String, String)>,
    pub cases: Vec<Case>,
    /// What the run found, in words (`<system-out>`), if anything.
    pub out: String,
}

/// One `<testcase>`: an expectation or a condition.
#[derive(Debug, Clone)]
pub struct Case {
    pub name: String,
    pub classname: String,
    pub failure: Option<Failure>,
}

/// Why a case failed.
#[derive(Debug, Clone)]
pub struct Failure {
    /// One line: the decisive time and value.
    pub message: String,
    /// What kind of check failed (`expectation`, `fail-if`, `strict`).
    pub kind: &'static str,
    /// The full story, `FILE:LINE: ...` first.
    pub text: String,
}

/// The document for `suites`, under `<testsuites name="...">`.
pub fn xml(name: &str, suites: &[Suite]) -> Vec<u8> {
    let count = |s: &Suite| {
        let failures = s.cases.iter().filter(|c| c.failure.is_some()).count();
        (s.cases.len(), failures)
    };
    let (tests, failures) = suites
        .iter()
        .map(count)
        .fold((0, 0), |(t, f), (a, b)| (t + a, f + b));
    let mut x = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        x,
        "<testsuites name=\"{}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\">",
        attr(name)
    );
    for s in suites {
        let (tests, failures) = count(s);
        let _ = write!(
            x,
            "  <testsuite name=\"{}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" skipped=\"0\"",
            attr(&s.name)
        );
        if let Some(file) = &s.file {
            let _ = write!(x, " file=\"{}\"", attr(file));
        }
        x.push_str(">\n");
        if !s.properties.is_empty() {
            x.push_str("    <properties>\n");
            for (k, v) in &s.properties {
                let _ = writeln!(
                    x,
                    "      <property name=\"{}\" value=\"{}\"/>",
                    attr(k),
                    attr(v)
                );
            }
            x.push_str("    </properties>\n");
        }
        for c in &s.cases {
            let _ = write!(
                x,
                "    <testcase name=\"{}\" classname=\"{}\"",
                attr(&c.name),
                attr(&c.classname)
            );
            match &c.failure {
                None => x.push_str("/>\n"),
                Some(f) => {
                    let _ = writeln!(
                        x,
                        ">\n      <failure message=\"{}\" type=\"{}\">{}</failure>\n    </testcase>",
                        attr(&f.message),
                        f.kind,
                        text(&f.text)
                    );
                }
            }
        }
        if !s.out.is_empty() {
            let _ = writeln!(x, "    <system-out>{}</system-out>", text(&s.out));
        }
        x.push_str("  </testsuite>\n");
    }
    x.push_str("</testsuites>\n");
    x.into_bytes()
}

/// The classname of a scenario's cases: its file name without `.ron` (a dot would split it
/// into a package and a class in Jenkins).
pub fn classname(file: &str) -> String {
    let stem = std::path::Path::new(file)
        .file_stem()
        .map_or_else(|| file.to_owned(), |s| s.to_string_lossy().into_owned());
    stem.replace('.', "_")
}

/// Metrics as properties: the value at a sensible precision, empty when there is none.
pub fn metric_properties(metrics: &crate::sweep::metrics::Metrics) -> Vec<(String, String)> {
    metrics
        .iter()
        .map(|(name, v)| {
            (
                name.clone(),
                v.map_or_else(String::new, crate::numbers::decimal),
            )
        })
        .collect()
}

/// The report of `actsim run FILE --junit`: one case per expectation, failed with the time
/// and value that broke it; with `strict`, one more case failed by the run's problems. The
/// properties are the seed and the run's metrics; `system-out` is the verdict and findings.
pub fn run(
    file: &str,
    model: &crate::Model,
    summary: &super::Summary,
    metrics: &crate::sweep::metrics::Metrics,
    strict: bool,
) -> Vec<u8> {
    let class = classname(file);
    let mut cases: Vec<Case> = summary
        .expectations
        .iter()
        .zip(&model.expect)
        .map(|(e, m)| Case {
            name: e.expect.clone(),
            classname: class.clone(),
            failure: (!e.held).then(|| Failure {
                message: e.detail.clone(),
                kind: "expectation",
                text: format!("{file}:{}: {}: {}", m.line, e.expect, e.detail),
            }),
        })
        .collect();
    if strict {
        let problems: Vec<&str> = summary.problems().map(|f| f.text.as_str()).collect();
        cases.push(Case {
            name: "no problem found (--strict)".into(),
            classname: class,
            failure: problems.first().map(|first| Failure {
                message: (*first).to_owned(),
                kind: "strict",
                text: problems.join("\n"),
            }),
        });
    }
    let mut properties = vec![("seed".to_owned(), summary.seed.to_string())];
    properties.extend(metric_properties(metrics));
    let mut out = super::findings::verdict(summary).1;
    for f in &summary.findings {
        let kind = match f.severity {
            super::findings::Severity::Problem => "problem",
            super::findings::Severity::Note => "note",
        };
        let _ = write!(out, "\n{kind}: {}", f.text);
    }
    let suite = Suite {
        name: model.name.clone(),
        file: Some(file.to_owned()),
        properties,
        cases,
        out,
    };
    xml("actsim run", &[suite])
}

/// A character XML 1.0 can hold: others (control characters) become U+FFFD.
fn allowed(c: char) -> char {
    match c {
        '\t' | '\n' | '\r' => c,
        c if c < ' ' || c == '\u{FFFE}' || c == '\u{FFFF}' => '\u{FFFD}',
        c => c,
    }
}

/// Text content: `&`, `<` and `>` escaped.
fn text(s: &str) -> String {
    escape(s, false)
}

/// An attribute value in double quotes: also quotes and line breaks escaped (a raw line
/// break in an attribute would be read back as a space).
fn attr(s: &str) -> String {
    escape(s, true)
}

fn escape(s: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().map(allowed) {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\r' if attribute => out.push_str("&#13;"),
            '\t' if attribute => out.push_str("&#9;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_counts() {
        let suite = Suite {
            name: "a <b> & \"c\"".into(),
            file: Some("s.ron".into()),
            properties: vec![("requests".into(), "10".into())],
            cases: vec![
                Case {
                    name: "held".into(),
                    classname: "s".into(),
                    failure: None,
                },
                Case {
                    name: "NoneIn(fleet: \"pcs\")".into(),
                    classname: "s".into(),
                    failure: Some(Failure {
                        message: "at 30d\nnext".into(),
                        kind: "expectation",
                        text: "s.ron:9: x < y\u{7}".into(),
                    }),
                },
            ],
            out: String::new(),
        };
        let x = String::from_utf8(xml("actsim run", &[suite])).unwrap();
        assert!(
            x.contains("<testsuites name=\"actsim run\" tests=\"2\" failures=\"1\" errors=\"0\">")
        );
        assert!(x.contains("name=\"a &lt;b&gt; &amp; &quot;c&quot;\" tests=\"2\" failures=\"1\""));
        assert!(x.contains("name=\"NoneIn(fleet: &quot;pcs&quot;)\""));
        assert!(x.contains("message=\"at 30d&#10;next\""));
        assert!(x.contains(">s.ron:9: x &lt; y\u{FFFD}</failure>"));
        assert!(!x.contains("<system-out>"));
    }
}
