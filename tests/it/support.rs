//! Helpers shared by the integration tests.

use actsim::{Model, Outcome};

/// Parses and validates inline scenario text; panics with the error if it is invalid.
pub fn model(text: &str) -> Model {
    actsim::parse("test.ron", text.as_bytes()).unwrap_or_else(|e| panic!("{e}"))
}

/// Runs inline scenario text with its own seed.
pub fn run(text: &str) -> (Model, Outcome) {
    let model = model(text);
    let outcome = actsim::run(&model, model.seed);
    (model, outcome)
}

/// The summary JSON of a run.
pub fn summary(model: &Model, outcome: &Outcome) -> serde_json::Value {
    serde_json::to_value(actsim::report::summary(model, model.seed, outcome))
        .expect("a summary converts to JSON")
}

/// A one-site, one-domain, one-host scenario with the given fleets, timeline and host keys.
pub fn one_host(duration: &str, keys: &str, fleets: &str, timeline: &str) -> String {
    format!(
        r#"Scenario(
    name: "test", duration: "{duration}",
    sites: [Site(name: "hq")],
    domains: [Domain(name: "corp", dns_site: "hq")],
    kms_hosts: [KmsHost(name: "kms1", site: "hq", keys: [{keys}])],
    fleets: [{fleets}],
    timeline: [{timeline}],
)"#
    )
}

pub const DAY: u64 = 86_400;
pub const HOUR: u64 = 3_600;

/// Loads and runs a shipped scenario (`scenarios/NAME.ron`) with its own seed.
pub fn shipped(name: &str) -> (Model, Outcome) {
    let path = format!("scenarios/{name}.ron");
    let model = actsim::load(std::path::Path::new(&path)).unwrap_or_else(|e| panic!("{e}"));
    let outcome = actsim::run(&model, model.seed);
    (model, outcome)
}

/// The charts and report that `run --out` draws (and `actsim chart` redraws).
pub const DRAWN: [&str; 7] = [
    "activation.svg",
    "activation.png",
    "kms-count.svg",
    "kms-count.png",
    "load.svg",
    "load.png",
    "report.html",
];

/// Runs the `actsim` binary as a user would outside GitHub Actions.
pub fn actsim(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_actsim"))
        .args(args)
        .env_remove("GITHUB_ACTIONS")
        .output()
        .expect("the binary runs")
}

/// Output bytes as text.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Runs `actsim` with `args` and renders what a user sees: exit code, stdout and stderr,
/// with the temporary directory `tmp` written `[TMP]`.
pub fn seen(args: &[&str], tmp: &std::path::Path) -> String {
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_actsim"))
        .args(args)
        .env_remove("GITHUB_ACTIONS")
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs");
    let text = format!(
        "exit: {}\n----- stdout -----\n{}----- stderr -----\n{}",
        o.status
            .code()
            .map_or("signal".to_owned(), |c| c.to_string()),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    text.replace(&tmp.display().to_string(), "[TMP]")
}

/// The configuration of the property tests: `cases` random cases from a fixed seed, so CI
/// sees the same cases on every run and a failure is never luck. Set PROPTEST_RNG_SEED to
/// another number to explore other cases (proptest prints the failing one, shrunk).
pub fn proptest_config(cases: u32) -> proptest::test_runner::Config {
    let mut config = proptest::test_runner::Config {
        cases,
        ..proptest::test_runner::Config::default()
    };
    if std::env::var_os("PROPTEST_RNG_SEED").is_none() {
        config.rng_seed = proptest::test_runner::RngSeed::Fixed(0x00AC_7513);
    }
    config
}
