//! End-to-end engine throughput: a whole scenario from validated model to outcome.
//! `cargo bench --bench engine`. Performance is measured here, never asserted in tests.

fn main() {
    divan::main();
}

fn load(name: &str) -> actsim::Model {
    actsim::load(format!("scenarios/bench/{name}.ron").as_ref()).expect("bench scenario loads")
}

/// `scenarios/bench/`: 90 % clients and 10 % servers on two hosts, arrivals over 30 days,
/// one year. About 53 events per machine; the counter reports machines per second.
#[divan::bench(args = ["ten-thousand", "hundred-thousand", "million"], sample_count = 2)]
fn one_year(bencher: divan::Bencher, name: &str) {
    let model = load(name);
    let machines: u64 = model.fleets.iter().map(|f| f.count).sum();
    bencher
        .counter(divan::counter::ItemsCount::new(machines))
        .bench(|| actsim::run(divan::black_box(&model), 1));
}

/// The 100,000-machine year of `scenarios/bench/`, online always and by day only (NET-2):
/// the schedule must not cost an event per machine per day.
#[divan::bench(args = ["always", "daily"], sample_count = 3)]
fn year_100k(bencher: divan::Bencher, online: &str) {
    let path = format!("scenarios/bench/year-100k-{online}.ron");
    let model = actsim::load(path.as_ref()).expect("bench scenario loads");
    bencher
        .counter(divan::counter::ItemsCount::new(100_000u64))
        .bench(|| actsim::run(divan::black_box(&model), 1));
}

/// The shipped quickstart scenario.
#[divan::bench(sample_count = 10)]
fn quickstart(bencher: divan::Bencher) {
    let model = actsim::load("scenarios/quickstart.ron".as_ref()).expect("quickstart loads");
    bencher.bench(|| actsim::run(divan::black_box(&model), 7));
}

/// A million Kaspersky-managed devices over a year with one key-file renewal
/// (`scenarios/bench/ksc-million.ron`): a device's keys change at a few instants only, so
/// it costs about three events (first connection, reserve, expiry), not one per 15-minute
/// synchronisation. The counter reports devices per second; the events per device are
/// printed once.
#[divan::bench(sample_count = 2)]
fn ksc_million_year(bencher: divan::Bencher) {
    let model = load("ksc-million");
    let devices: u64 = model.fleets.iter().map(|f| f.count).sum();
    let events = actsim::run(&model, 1).events;
    println!(
        "ksc-million: {events} events, {:.2} per device per year",
        events as f64 / devices as f64
    );
    bencher
        .counter(divan::counter::ItemsCount::new(devices))
        .bench(|| actsim::run(divan::black_box(&model), 1));
}
