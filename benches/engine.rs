//! End-to-end engine throughput: a whole scenario from validated model to outcome.
//! `cargo bench --bench engine`. Performance is measured here, never asserted in tests.

use actsim::scenario;

fn main() {
    divan::main();
}

fn fleet_scenario(machines: u64, days: u32) -> actsim::Model {
    let text = format!(
        r#"Scenario(
    name: "bench", seed: 1, duration: "{days}d",
    sites: [Site(name: "hq")],
    domains: [Domain(name: "corp", dns_site: "hq", srv_update: AnyHost)],
    kms_hosts: [KmsHost(name: "kms1", site: "hq", weight: 10), KmsHost(name: "kms2", site: "hq", weight: 10)],
    fleets: [Fleet(name: "desktops", site: "hq", count: {machines}, activation: Kms(), arrival: Ramp(start: "0d", over: "30d"))],
    timeline: [Event(at: "100d", do: HostDown("kms1")), Event(at: "130d", do: HostUp("kms1"))],
)"#
    );
    scenario::parse("bench.ron", text.as_bytes()).expect("valid bench scenario")
}

/// Machines over one simulated year (about 53 events per machine).
#[divan::bench(args = [1_000, 10_000, 100_000], sample_count = 5)]
fn one_year(bencher: divan::Bencher, machines: u64) {
    let model = fleet_scenario(machines, 365);
    bencher
        .counter(divan::counter::ItemsCount::new(machines))
        .bench(|| actsim::run(divan::black_box(&model), 1));
}

/// The 100,000-machine year of `scenarios/bench/`, online always and by day only (NET-2):
/// the schedule must not cost an event per machine per day.
#[divan::bench(args = ["always", "daily"], sample_count = 3)]
fn year_100k(bencher: divan::Bencher, online: &str) {
    let path = format!("scenarios/bench/year-100k-{online}.ron");
    let model = scenario::load(path.as_ref()).expect("bench scenario loads");
    bencher
        .counter(divan::counter::ItemsCount::new(100_000u64))
        .bench(|| actsim::run(divan::black_box(&model), 1));
}

/// The shipped quickstart scenario.
#[divan::bench(sample_count = 10)]
fn quickstart(bencher: divan::Bencher) {
    let model = scenario::load("scenarios/quickstart.ron".as_ref()).expect("quickstart loads");
    bencher.bench(|| actsim::run(divan::black_box(&model), 7));
}
