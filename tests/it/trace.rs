//! `actsim trace`: one machine's attempts, and its status at a time (slmgr /dlv style).

use super::support::actsim;
use super::support::one_host;

fn scenario(dir: &std::path::Path, text: &str) -> String {
    let path = dir.join("s.ron");
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

/// KMS-COUNT-2: in a 25-machine greenfield the first askers get a count below 25
/// (0xC004F038) and activate at their retry two hours later (KMS-CLI-2).
#[test]
fn a_greenfield_machine_is_refused_then_activates() {
    let dir = tempfile::tempdir().unwrap();
    let fleets = r#"Fleet(name: "pcs", site: "hq", count: 25, activation: Kms())"#;
    let file = scenario(dir.path(), &one_host("10d", "ServerC", fleets, ""));
    let o = actsim(&["trace", &file, "--machine", "pcs/3"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = String::from_utf8(o.stdout).unwrap();
    let refused = out.find("0xC004F038").expect("refused first");
    let activated = out.find("activated").expect("then activated");
    assert!(refused < activated, "{out}");
    assert!(
        out.contains("kms1: count 4"),
        "the fourth asker sees count 4: {out}"
    );
    assert!(out.contains("grace → licensed"), "{out}");
    let lines: Vec<&str> = out.lines().filter(|l| l.contains("activated")).collect();
    assert!(lines[0].trim_start().starts_with("2h"), "{lines:?}");
}

/// KMS-CLI-6: after the only host dies, `--at` inside the out-of-tolerance window says so,
/// with the time remaining in minutes.
#[test]
fn status_at_a_time_in_out_of_tolerance_grace() {
    let o = actsim(&[
        "trace",
        "scenarios/host-outage.ron",
        "--machine",
        "desktops/0",
        "--at",
        "200d",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(
        out.contains("License Status: Out-of-Tolerance grace period"),
        "{out}"
    );
    let remaining = out
        .lines()
        .find(|l| l.contains("Time remaining"))
        .expect(&out);
    // Validity ran out at 194d (last renewal day 14); 30 days of grace end at 224d.
    assert!(
        remaining.contains("(24 day(s))") || remaining.contains("(23 day(s))"),
        "{remaining}"
    );
    assert!(
        out.contains("0xC004F074"),
        "the failed renewals are listed: {out}"
    );
    assert!(out.contains("KMS machine name from DNS: kms1"), "{out}");
    assert!(out.contains("Renewal interval: 10080 minutes"), "{out}");
}

#[test]
fn unknown_machines_and_times_are_usage_errors() {
    let q = "scenarios/quickstart.ron";
    for args in [
        vec!["trace", q, "--machine", "nobody/0"],
        vec!["trace", q, "--machine", "desktops"],
        vec!["trace", q, "--machine", "desktops/100000"],
        vec!["trace", q, "--machine", "desktops/0", "--at", "9999d"],
    ] {
        let o = actsim(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
    }
}

#[test]
fn tracing_does_not_change_the_run() {
    let model = actsim::load("scenarios/two-hosts.ron".as_ref()).unwrap();
    let plain = actsim::run(&model, model.seed);
    let fleet = model.fleets.ids().next().unwrap();
    let probes = (
        actsim::observe::Observer::new(&model),
        actsim::observe::trace::Tracer::new(fleet, 5),
    );
    let ran = actsim::world::World::new(&model, model.seed, probes).run(None);
    assert!(!ran.probe.1.records.is_empty(), "the machine was traced");
    let traced = ran.probe.0.finish(&model, model.duration, ran.events);
    assert_eq!(plain.outcomes, traced.outcomes);
    assert_eq!(plain.events, traced.events);
    assert_eq!(plain.series.rows, traced.series.rows);
}

#[test]
fn a_retired_machine_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let fleets = r#"Fleet(name: "pcs", site: "hq", count: 30, activation: Kms())"#;
    let timeline = r#"Event(at: "5d", do: RetireMachines(fleet: "pcs", count: 2))"#;
    let file = scenario(dir.path(), &one_host("10d", "ServerC", fleets, timeline));
    let o = actsim(&["trace", &file, "--machine", "pcs/1", "--at", "6d"]);
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(
        out.lines()
            .any(|l| l.split_whitespace().collect::<Vec<_>>() == ["5d", "retired"]),
        "{out}"
    );
    assert!(out.contains("The machine is not present"), "{out}");
}
