//! Determinism is a feature: same scenario and seed give byte-identical outputs, and an
//! unrelated edit does not disturb other fleets' random draws.

use super::support::*;

fn files(model: &actsim::Model, seed: u64) -> Vec<Vec<u8>> {
    let o = actsim::run(model, seed);
    vec![
        serde_json::to_vec(&actsim::report::summary(model, seed, &o)).unwrap(),
        actsim::report::timeseries_csv(model, &o),
        actsim::report::hosts_csv(model, &o),
        actsim::report::attempts_csv(model, &o),
    ]
}

#[test]
fn same_scenario_and_seed_twice_is_byte_identical() {
    let model = actsim::load("scenarios/quickstart.ron".as_ref()).unwrap();
    assert_eq!(files(&model, 7), files(&model, 7));
    assert_ne!(files(&model, 7)[1], files(&model, 8)[1], "the seed matters");
}

const BASE: &str = r#"Scenario(
    name: "base", seed: 3, duration: "60d",
    sites: [Site(name: "hq")],
    domains: [Domain(name: "corp", dns_site: "hq", srv_update: AnyHost)],
    kms_hosts: [KmsHost(name: "a", site: "hq", weight: 30), KmsHost(name: "b", site: "hq", weight: 10)],
    fleets: [
        FLEETS
    ],
)"#;

#[test]
fn an_unrelated_fleet_does_not_change_another_fleets_draws() {
    let desktops = r#"Fleet(name: "desktops", site: "hq", count: 300, arrival: Ramp(start: "0d", over: "20d"), activation: Kms())"#;
    // The lab asks a host of its own (no SRV record), so it shares no count with desktops;
    // it is listed first, shifting every machine id of desktops.
    let lab = r#"Fleet(name: "lab", site: "hq", count: 40, arrival: Ramp(start: "1d", over: "5d"), activation: Kms(discovery: Static("c")))"#;
    let alone = BASE.replace("FLEETS", desktops);
    let with_lab = BASE
        .replace("FLEETS", &format!("{lab},\n{desktops}"))
        .replace(
            "weight: 10)]",
            "weight: 10), KmsHost(name: \"c\", site: \"hq\", publish: false)]",
        );
    let (m1, o1) = run(&alone);
    let (m2, o2) = run(&with_lab);
    let desktops_rows = |model: &actsim::Model, o: &actsim::Outcome| -> Vec<String> {
        String::from_utf8(actsim::report::timeseries_csv(model, o))
            .unwrap()
            .lines()
            .filter(|l| l.contains(",desktops,"))
            .map(str::to_owned)
            .collect()
    };
    assert_eq!(desktops_rows(&m1, &o1), desktops_rows(&m2, &o2));
    let s1 = summary(&m1, &o1);
    let s2 = summary(&m2, &o2);
    assert_eq!(s1["fleets"]["desktops"], s2["fleets"]["desktops"]);
    assert_eq!(s1["hosts"]["a"], s2["hosts"]["a"]);
    assert_eq!(s1["hosts"]["b"], s2["hosts"]["b"]);
}
