//! Documentation that cannot drift from the code: every item of the scenario schema is in
//! `docs/scenario-format.md`, every rule id cited in `src/` is defined in `docs/rules.md` (and
//! every rule defined there is cited), every RON example in `docs/` and the README passes
//! `actsim check`, and every shell example runs.

use actsim::scenario::schema;
use serde_reflection::{ContainerFormat, Format, Registry, Samples, Tracer, TracerConfig};
use serde_reflection::{Named, VariantFormat};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The scenario schema as serde sees it: every struct with its fields and every enum with its
/// variants, traced from the `Deserialize` implementations themselves (serde-reflection), so
/// nothing here has to be listed by hand and nothing can be forgotten. Strings are traced as
/// "1d" because `Duration` parses its string while deserializing.
fn schema() -> Registry {
    let mut tracer = Tracer::new(TracerConfig::default().default_string_value("1d".to_owned()));
    let samples = Samples::new();
    tracer
        .trace_type::<schema::Scenario>(&samples)
        .expect("the schema traces");
    // A nested enum is traced one variant at a time: trace each until all are known. An enum
    // added to the schema and missing here makes `registry()` fail below.
    macro_rules! enums {
        ($($t:ty),*) => {$(
            tracer.trace_simple_type::<$t>().expect(stringify!($t));
        )*};
    }
    enums!(
        schema::Port,
        schema::SrvUpdate,
        schema::HostOs,
        schema::KeyGroup,
        schema::Pool,
        schema::Discovery,
        schema::MakMode,
        schema::Activation,
        schema::KscManaged,
        schema::Arrival,
        schema::Online,
        schema::Image,
        schema::Initial,
        schema::KeySource,
        schema::Action,
        schema::StateName,
        schema::Expect,
        schema::TableEntry
    );
    tracer
        .registry()
        .expect("every enum of the schema is traced in full")
}

/// The section of `docs/scenario-format.md` that documents each item of the schema.
const SECTIONS: &[(&str, &str)] = &[
    ("Scenario", "## Scenario"),
    ("Site", "## Network: Site, Link, Domain"),
    ("Link", "## Network: Site, Link, Domain"),
    ("Port", "## Network: Site, Link, Domain"),
    ("Domain", "## Network: Site, Link, Domain"),
    ("SrvUpdate", "## Network: Site, Link, Domain"),
    ("KmsHost", "## KMS hosts: KmsHost, HostKey, Srv"),
    ("HostOs", "## KMS hosts: KmsHost, HostKey, Srv"),
    ("HostKey", "## KMS hosts: KmsHost, HostKey, Srv"),
    ("Srv", "## KMS hosts: KmsHost, HostKey, Srv"),
    ("TableEntry", "## KMS hosts: KmsHost, HostKey, Srv"),
    ("Product", "## Products"),
    ("Pool", "## Products"),
    ("KeyGroup", "## Products"),
    ("MakKey", "## MAK keys: MakKey"),
    (
        "KscServer",
        "## Kaspersky Security Center: KscServer, LicenseKey",
    ),
    (
        "LicenseKey",
        "## Kaspersky Security Center: KscServer, LicenseKey",
    ),
    (
        "KeySource",
        "## Kaspersky Security Center: KscServer, LicenseKey",
    ),
    ("Fleet", "## Fleets"),
    ("Activation", "## Fleets"),
    ("Discovery", "## Fleets"),
    ("MakMode", "## Fleets"),
    ("KscManaged", "## Fleets"),
    ("Arrival", "## Fleets"),
    ("Online", "## Fleets"),
    ("Image", "## Fleets"),
    ("Initial", "## Fleets"),
    ("Policy", "## Policy"),
    ("Event", "## Timeline"),
    ("Action", "## Timeline"),
    ("Expect", "## Expectations"),
    ("StateName", "## Expectations"),
];

/// The text of a Markdown document from `heading` to the next heading of the same or a
/// higher level.
fn section_of<'a>(doc: &'a str, heading: &str) -> &'a str {
    let level = heading.split(' ').next().unwrap_or_default();
    let start = doc
        .find(&format!("\n{heading}\n"))
        .unwrap_or_else(|| panic!("no heading {heading:?}"))
        + 1;
    let rest = &doc[start + heading.len()..];
    let end = rest
        .lines()
        .scan(0, |offset, line| {
            let at = *offset;
            *offset += line.len() + 1;
            Some((at, line))
        })
        .find(|(_, line)| {
            let hashes = line.len() - line.trim_start_matches('#').len();
            hashes > 0 && hashes <= level.len() && line[hashes..].starts_with(' ')
        })
        .map_or(rest.len(), |(at, _)| at);
    &rest[..end]
}

/// Whether `word` appears as a whole word inside a code span (`` `name` ``,
/// `` `Block(between, port)` ``, `` `Proxy(via: "hq")` ``).
fn in_code(text: &str, word: &str) -> bool {
    text.split('`').skip(1).step_by(2).any(|code| {
        code.match_indices(word).any(|(i, _)| {
            let before = code[..i].chars().next_back();
            let after = code[i + word.len()..].chars().next();
            let part = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
            !part(before) && !part(after)
        })
    })
}

#[test]
fn every_field_variant_event_and_expectation_is_documented() {
    let doc = std::fs::read_to_string("docs/scenario-format.md").unwrap();
    let registry = schema();
    let mut missing = Vec::new();
    for (name, container) in &registry {
        let Some((_, heading)) = SECTIONS.iter().find(|(n, _)| n == name) else {
            missing.push(format!(
                "{name}: a new item of the schema; document it and add it to SECTIONS"
            ));
            continue;
        };
        let text = section_of(&doc, heading);
        // A structure is written by its name (`Site(...)`); an enum's name is never written,
        // only its variants.
        let is_struct = matches!(container, ContainerFormat::Struct(_));
        if is_struct && !in_code(text, name) {
            missing.push(format!("{name} (under {heading})"));
        }
        let fields = |fields: &[Named<Format>], owner: &str, missing: &mut Vec<String>| {
            for f in fields {
                if !in_code(text, &f.name) {
                    missing.push(format!("{owner}.{} (under {heading})", f.name));
                }
            }
        };
        match container {
            ContainerFormat::Struct(fs) => fields(fs, name, &mut missing),
            ContainerFormat::Enum(variants) => {
                for v in variants.values() {
                    if !in_code(text, &v.name) {
                        missing.push(format!("{name}::{} (under {heading})", v.name));
                    }
                    if let VariantFormat::Struct(fs) = &v.value {
                        fields(fs, &format!("{name}::{}", v.name), &mut missing);
                    }
                }
            }
            other => panic!("{name}: unexpected shape {other:?}"),
        }
    }
    assert!(
        missing.is_empty(),
        "missing from docs/scenario-format.md:\n  {}",
        missing.join("\n  ")
    );
    // The trace saw the whole schema: the top level, the timeline and every expectation.
    for known in ["Scenario", "Action", "Expect", "Policy", "Fleet"] {
        assert!(registry.contains_key(known), "{known}");
    }
}

/// Every rule id (`KMS-COUNT-4`, `NET-2`, ...) written in `text`.
fn rule_ids(text: &str) -> BTreeSet<String> {
    const FAMILIES: [&str; 10] = [
        "KMS-COUNT-",
        "KMS-HOST-",
        "KMS-GEN-",
        "KMS-CLI-",
        "DNS-",
        "NET-",
        "MAK-",
        "ADBA-",
        "MIX-",
        "KSC-",
    ];
    let mut ids = BTreeSet::new();
    for family in FAMILIES {
        for (i, _) in text.match_indices(family) {
            let before = text[..i].chars().next_back();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '-' || c == '_') {
                continue;
            }
            let digits: String = text[i + family.len()..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            if !digits.is_empty() {
                ids.insert(format!("{family}{digits}"));
            }
        }
    }
    ids
}

fn files(dir: &str, ext: &str, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files(path.to_str().unwrap(), ext, out);
        } else if path.extension().is_some_and(|e| e == ext) {
            out.push(path);
        }
    }
}

/// The ids `docs/rules.md` defines: the first cell of a rule table's row.
fn defined_rules() -> BTreeSet<String> {
    let rules = std::fs::read_to_string("docs/rules.md").unwrap();
    rules
        .lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .filter_map(|l| l.split('`').next())
        .filter(|id| rule_ids(id).contains(*id))
        .map(str::to_owned)
        .collect()
}

#[test]
fn every_rule_cited_in_src_is_in_rules_md_and_the_other_way_round() {
    let defined = defined_rules();
    let mut sources = Vec::new();
    files("src", "rs", &mut sources);
    let mut cited = BTreeSet::new();
    for f in &sources {
        cited.extend(rule_ids(&std::fs::read_to_string(f).unwrap()));
    }
    let undefined: Vec<_> = cited.difference(&defined).collect();
    let uncited: Vec<_> = defined.difference(&cited).collect();
    assert!(
        undefined.is_empty(),
        "cited in src/ but not defined in docs/rules.md: {undefined:?}"
    );
    assert!(
        uncited.is_empty(),
        "defined in docs/rules.md but cited nowhere in src/: {uncited:?}"
    );
    // The documentation and the scenarios cite only rules that exist.
    let mut texts = vec![PathBuf::from("README.md")];
    files("docs", "md", &mut texts);
    files("scenarios", "ron", &mut texts);
    for f in texts {
        let ids = rule_ids(&std::fs::read_to_string(&f).unwrap());
        let unknown: Vec<_> = ids.difference(&defined).collect();
        assert!(
            unknown.is_empty(),
            "{}: unknown rule ids {unknown:?}",
            f.display()
        );
    }
}

/// The fenced blocks of `lang` in a Markdown file, each with the line it starts on.
fn blocks(path: &Path, lang: &str) -> Vec<(usize, String)> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut out = Vec::new();
    let mut current: Option<(usize, String)> = None;
    for (n, line) in text.lines().enumerate() {
        match &mut current {
            None if line.trim_start() == format!("```{lang}") => {
                current = Some((n + 1, String::new()));
            }
            Some(_) if line.trim_start().starts_with("```") => out.extend(current.take()),
            Some((_, body)) => {
                body.push_str(line);
                body.push('\n');
            }
            None => {}
        }
    }
    out
}

fn documents() -> Vec<PathBuf> {
    let mut docs = vec![PathBuf::from("README.md")];
    files("docs", "md", &mut docs);
    docs.sort();
    docs
}

/// Every RON example passes `actsim check` and runs with its expectations held.
#[test]
fn every_ron_example_passes_check_and_holds() {
    let mut checked = 0;
    for doc in documents() {
        for (line, body) in blocks(&doc, "ron") {
            let name = format!("{}:{line}", doc.display());
            let model = actsim::parse(&name, body.as_bytes()).unwrap_or_else(|e| {
                panic!("the RON example at {name} is not a valid scenario: {e}")
            });
            // An example shows what it says: its expectations hold.
            let outcome = actsim::run(&model, model.seed);
            let failed: Vec<_> = outcome.expectations.iter().filter(|e| !e.held).collect();
            assert!(failed.is_empty(), "the RON example at {name}: {failed:?}");
            checked += 1;
        }
    }
    assert!(checked >= 10, "only {checked} RON examples found");
}

/// Shell examples that cannot run in a test, each with the reason: (file, a text the block
/// contains, why).
const NOT_RUN: &[(&str, &str, &str)] = &[
    (
        "README.md",
        "cargo test --release --locked",
        "the quick start builds actsim and runs this very test suite",
    ),
    (
        "README.md",
        "cargo install --locked --path .",
        "installs from the checkout, which the scratch directory is not (the tests build the same binary)",
    ),
    (
        "README.md",
        "actsim check network.ron",
        "the reader's own network.ron and base.ron (the CI jobs of docs/ci.md, which run these commands, are run by tests/it/ci.rs)",
    ),
    (
        "README.md",
        "sbatch --array",
        "needs a Slurm cluster (the commands it runs are those of the sweep examples)",
    ),
];

/// Runs every shell example of the README and `docs/` in a scratch directory that holds the
/// shipped scenarios (`scenarios/`, read only), the import fixtures under the names the
/// examples use, and the binary both as `actsim` on the PATH and as
/// `./target/release/actsim`. Each block must exit 0.
#[test]
fn every_shell_example_runs() {
    let bin = Path::new(env!("CARGO_BIN_EXE_actsim"));
    let root = std::env::current_dir().unwrap();
    let mut skipped = BTreeSet::new();
    let mut ran = 0;
    for doc in documents() {
        for (line, body) in blocks(&doc, "sh") {
            let name = format!("{}:{line}", doc.display());
            if let Some(i) = NOT_RUN
                .iter()
                .position(|(file, text, _)| doc == Path::new(file) && body.contains(text))
            {
                skipped.insert(i);
                continue;
            }
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path();
            std::fs::create_dir_all(path.join("target/release")).unwrap();
            std::os::unix::fs::symlink(bin, path.join("target/release/actsim")).unwrap();
            std::fs::create_dir(path.join("bin")).unwrap();
            std::os::unix::fs::symlink(bin, path.join("bin/actsim")).unwrap();
            std::os::unix::fs::symlink(root.join("scenarios"), path.join("scenarios")).unwrap();
            // The exports the import examples name (kms1.xml, kms2.csv, ad.csv): the test
            // fixtures, which are in those layouts.
            for dir in ["tests/fixtures/kms-log", "tests/fixtures/inventory"] {
                for entry in std::fs::read_dir(root.join(dir)).unwrap() {
                    let entry = entry.unwrap();
                    std::fs::copy(entry.path(), path.join(entry.file_name())).unwrap();
                }
            }
            let paths = format!(
                "{}:{}",
                path.join("bin").display(),
                std::env::var("PATH").unwrap_or_default()
            );
            let o = Command::new("bash")
                .args(["-e", "-o", "pipefail", "-c", &body])
                .current_dir(path)
                .env("PATH", paths)
                .env("NO_COLOR", "1")
                // Examples that install into the home directory install into the scratch one.
                .env("HOME", path)
                .output()
                .unwrap();
            assert!(
                o.status.success(),
                "the shell example at {name} failed ({}):\n{body}\nstdout:\n{}\nstderr:\n{}",
                o.status,
                String::from_utf8_lossy(&o.stdout),
                String::from_utf8_lossy(&o.stderr)
            );
            ran += 1;
        }
    }
    let stale: Vec<_> = (0..NOT_RUN.len())
        .filter(|i| !skipped.contains(i))
        .map(|i| NOT_RUN[i].1)
        .collect();
    assert!(
        stale.is_empty(),
        "NOT_RUN entries match no example: {stale:?}"
    );
    assert!(ran >= 10, "only {ran} shell examples ran");
}

/// Every field of `summary.json` and every column of the CSV files that the shipped
/// scenarios write is in `docs/outputs.md` (names of fleets, hosts, domains and keys, and
/// outcome codes and states, which the page lists in their own tables, aside).
#[test]
fn every_summary_field_and_csv_column_is_in_outputs_md() {
    fn keys(v: &serde_json::Value, parent: &str, out: &mut BTreeSet<String>) {
        match v {
            serde_json::Value::Object(map) => {
                let named = matches!(
                    parent,
                    "fleets" | "hosts" | "dns" | "mak_keys" | "ksc_keys" | "outcomes" | "final"
                );
                for (k, child) in map {
                    if !named {
                        out.insert(k.clone());
                    }
                    keys(child, if named { "" } else { k }, out);
                }
            }
            serde_json::Value::Array(items) => {
                for item in items {
                    keys(item, parent, out);
                }
            }
            _ => {}
        }
    }
    let doc = std::fs::read_to_string("docs/outputs.md").unwrap();
    let codes: Vec<&str> = actsim::code::Code::ALL.iter().map(|c| c.as_str()).collect();
    let mut missing = BTreeSet::new();
    let mut scenarios = Vec::new();
    files("scenarios", "ron", &mut scenarios);
    for path in scenarios
        .iter()
        .filter(|p| !p.starts_with("scenarios/bench"))
    {
        let model = actsim::load(path).unwrap();
        let outcome = actsim::run(&model, model.seed);
        let summary =
            serde_json::to_value(actsim::report::summary(&model, model.seed, &outcome)).unwrap();
        let mut names = BTreeSet::new();
        keys(&summary, "", &mut names);
        for (file, bytes) in actsim::report::data(&model, &outcome) {
            let text = String::from_utf8(bytes).unwrap();
            let header = text.lines().next().unwrap_or_default();
            names.extend(
                header
                    .split(',')
                    .filter(|c| !codes.contains(c))
                    .map(|c| format!("{c} ({file})")),
            );
        }
        for name in names {
            let bare = name.split(' ').next().unwrap_or_default();
            if !in_code(&doc, bare) {
                missing.insert(name);
            }
        }
    }
    assert!(
        missing.is_empty(),
        "missing from docs/outputs.md: {missing:?}"
    );
}

/// Every command and every option of the command line is documented in its section of
/// `docs/outputs.md` (`### run`, `### sweep`, ...).
#[test]
fn every_command_and_option_is_in_outputs_md() {
    use clap::CommandFactory;
    let doc = std::fs::read_to_string("docs/outputs.md").unwrap();
    let mut missing = Vec::new();
    // A command with commands of its own (`import`) is documented per command
    // (`### import kms-log`).
    let mut commands: Vec<(String, clap::Command)> = actsim::cli::Cli::command()
        .get_subcommands()
        .map(|c| (c.get_name().to_owned(), c.clone()))
        .collect();
    while let Some((name, command)) = commands.pop() {
        if command.has_subcommands() {
            commands.extend(
                command
                    .get_subcommands()
                    .map(|c| (format!("{name} {}", c.get_name()), c.clone())),
            );
            continue;
        }
        let heading = format!("### {name}");
        if !doc.contains(&format!("\n{heading}\n")) {
            missing.push(format!("the command {name} (a section {heading})"));
            continue;
        }
        let text = section_of(&doc, &heading);
        for arg in command.get_arguments() {
            let Some(long) = arg.get_long() else { continue };
            if long != "help" && !text.contains(&format!("`--{long}")) {
                missing.push(format!("{name} --{long}"));
            }
        }
    }
    missing.sort();
    assert!(
        missing.is_empty(),
        "missing from docs/outputs.md: {missing:?}"
    );
}

/// The README's table of shipped scenarios lists every scenario with its question.
#[test]
fn the_readme_lists_every_scenario_with_its_question() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    let mut scenarios = Vec::new();
    files("scenarios", "ron", &mut scenarios);
    for path in scenarios
        .iter()
        .filter(|p| !p.starts_with("scenarios/bench"))
    {
        let text = std::fs::read_to_string(path).unwrap();
        let question = text.lines().next().unwrap().trim_start_matches("// ");
        let row = format!("| [`{0}`]({0}) | {question} |", path.display());
        assert!(readme.contains(&row), "README.md lacks the row:\n{row}");
    }
}

/// GitHub's anchor of a heading: lower case, punctuation dropped, spaces as `-`.
fn anchor(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == ' ' || *c == '-' || *c == '_')
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

/// Every relative link of the README and `docs/` points at a file of the repository, and at
/// a heading of it when it names one.
#[test]
fn every_relative_link_resolves() {
    let mut broken = Vec::new();
    for doc in documents() {
        let text = std::fs::read_to_string(&doc).unwrap();
        let dir = doc.parent().unwrap_or(Path::new("."));
        for (i, _) in text.match_indices("](") {
            let rest = &text[i + 2..];
            let Some(end) = rest.find(')') else { continue };
            let target = &rest[..end];
            if target.contains("://") || target.starts_with("mailto:") || target.contains(' ') {
                continue;
            }
            let (file, fragment) = target.split_once('#').unwrap_or((target, ""));
            let path = if file.is_empty() {
                doc.clone()
            } else {
                dir.join(file)
            };
            if !path.exists() {
                broken.push(format!("{}: {target} (no such file)", doc.display()));
                continue;
            }
            if fragment.is_empty() || path.extension().is_none_or(|e| e != "md") {
                continue;
            }
            let linked = std::fs::read_to_string(&path).unwrap();
            let found = linked
                .lines()
                .filter(|l| l.starts_with('#'))
                .any(|l| anchor(l.trim_start_matches('#')) == fragment);
            if !found {
                broken.push(format!("{}: {target} (no such heading)", doc.display()));
            }
        }
    }
    assert!(
        broken.is_empty(),
        "broken links:\n  {}",
        broken.join("\n  ")
    );
}
