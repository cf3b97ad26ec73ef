//! Invariants of every run, checked on random small scenarios (proptest shrinks a failure to
//! a smallest scenario): a probe watches every happening of the run and a second run with
//! another seed handling or sampling grid must agree.
//!
//! - no happening is reported at a time before the previous one, and no attempt is planned
//!   in the past; grid samples are strictly increasing;
//! - at every sample, each fleet's machines in each of its state families add up to the
//!   machines arrived and not retired (and so do the final counts);
//! - a host's count never exceeds its table's capacity (2 × the highest threshold of the
//!   products of its pool, KMS-COUNT-4), and a reply "activates" exactly when the count meets
//!   the asking product's threshold (KMS-CLI-1);
//! - no Windows machine becomes licensed without a successful attempt at that instant — for a
//!   KMS fleet, a reply whose count met its threshold (MAK, ADBA: their success) — unless it
//!   arrives already `Activated`; no Kaspersky device gets a valid key without being handed
//!   one (KSC-4, KSC-5);
//! - the same seed gives the same summary, byte for byte, and the sampling grid changes no
//!   outcome.

use actsim::code::Code;
use actsim::model::{
    DomainId, FleetId, HostId, Id, InitialModel, LicenseKeyId, MachineId, Method, Model, Pool,
    ProductId, StateSet,
};
use actsim::probe::{KeysCause, Probe, Sample, StateIndex};
use actsim::time::SimTime;
use proptest::prelude::*;
use std::collections::BTreeSet;

// ---------------------------------------------------------------------------------------
// Random scenarios

#[derive(Debug, Clone)]
struct FleetSpec {
    count: u64,
    /// 0 Kms, 1 Kms Static, 2 Mak Independent, 3 Mak Proxy, 4 Mak Phone, 5 Adba, 6 Ksc.
    method: u8,
    branch: bool,
    product: &'static str,
    /// 0 AllAtStart, 1 Ramp, 2 At.
    arrival: u8,
    /// 0 Always, 1 Daily, 2 Random, 3 Windows.
    online: u8,
    activated: Option<u64>,
    cloned: bool,
    ksc_beside: bool,
    caching: bool,
}

#[derive(Debug, Clone)]
struct Spec {
    seed: u64,
    days: u64,
    branch_ports: Vec<&'static str>,
    hosts: u8,
    any_host: bool,
    mak_activations: u64,
    renewal: &'static str,
    retention_days: u64,
    fleets: Vec<FleetSpec>,
    events: Vec<(u64, u8, u8, u64)>,
}

fn fleet_spec() -> impl Strategy<Value = FleetSpec> {
    (
        (0u64..25, 0u8..7, any::<bool>()),
        prop::sample::select(vec![
            "WindowsClient",
            "Windows7",
            "Windows10",
            "Windows11",
            "WindowsServer2019",
            "Office2016",
        ]),
        (0u8..3, 0u8..4),
        prop::option::weighted(0.3, 0u64..60),
        (
            prop::bool::weighted(0.15),
            prop::bool::weighted(0.2),
            any::<bool>(),
        ),
    )
        .prop_map(
            |(
                (count, method, branch),
                product,
                (arrival, online),
                activated,
                (cloned, ksc_beside, caching),
            )| {
                FleetSpec {
                    count,
                    method,
                    branch,
                    product,
                    arrival,
                    online,
                    activated,
                    cloned,
                    ksc_beside,
                    caching,
                }
            },
        )
}

fn spec() -> impl Strategy<Value = Spec> {
    (
        (any::<u64>(), 20u64..200),
        prop::sample::subsequence(
            vec!["Tcp(1688)", "Udp(53)", "Tcp(389)", "Tcp(135)", "Tcp(13000)"],
            0..=5,
        ),
        (0u8..3, any::<bool>(), 1u64..40),
        (prop::sample::select(vec!["1d", "7d", "30d"]), 5u64..60),
        prop::collection::vec(fleet_spec(), 1..4),
        prop::collection::vec((0u64..1000, 0u8..16, 0u8..4, 1u64..20), 0..7),
    )
        .prop_map(
            |(
                (seed, days),
                branch_ports,
                (hosts, any_host, mak_activations),
                (renewal, retention_days),
                fleets,
                events,
            )| {
                Spec {
                    seed,
                    days,
                    branch_ports,
                    hosts,
                    any_host,
                    mak_activations,
                    renewal,
                    retention_days,
                    fleets,
                    events,
                }
            },
        )
}

impl Spec {
    /// The scenario text, sampled every `sample_every`.
    fn text(&self, sample_every: &str) -> String {
        let days = self.days;
        let mut hosts = Vec::new();
        for h in 0..self.hosts {
            let site = if h == 0 { "hq" } else { "branch" };
            hosts.push(format!(r#"KmsHost(name: "kms{h}", site: "{site}")"#));
        }
        let mut fleets = Vec::new();
        for (i, f) in self.fleets.iter().enumerate() {
            let site = if f.branch { "branch" } else { "hq" };
            let method = match f.method {
                1 if self.hosts > 0 => r#"Kms(discovery: Static("kms0"))"#.to_owned(),
                0 | 1 => "Kms()".to_owned(),
                2 => r#"Mak(key: "mak")"#.to_owned(),
                3 => r#"Mak(key: "mak", mode: Proxy(via: "hq"))"#.to_owned(),
                4 => r#"Mak(key: "mak", mode: Phone(delay: "1d"))"#.to_owned(),
                5 => "Adba()".to_owned(),
                _ => r#"Ksc(server: "ksc1")"#.to_owned(),
            };
            let arrival = match f.arrival {
                0 => "AllAtStart".to_owned(),
                1 => format!(r#"Ramp(start: "1d", over: "{}d")"#, days / 2),
                _ => format!(r#"At("{}d")"#, days / 3),
            };
            let online = match f.online {
                0 => "Always".to_owned(),
                1 => "Daily(hours: 9)".to_owned(),
                2 => r#"Random(mean_on: "2d", mean_off: "1d")"#.to_owned(),
                _ => format!(
                    r#"Windows([("0d", "{}d"), ("{}d", "{days}d")])"#,
                    days / 4,
                    days / 2
                ),
            };
            let mut extra = String::new();
            if let Some(age) = f.activated
                && f.method != 6
            {
                extra += &format!(r#", initial: Activated(age_up_to: "{age}d")"#);
            }
            if f.cloned {
                extra += ", image: Cloned";
            }
            if f.ksc_beside && f.method != 6 {
                extra += r#", ksc: Ksc(server: "ksc1")"#;
            }
            if !f.caching {
                extra += ", host_caching: false";
            }
            fleets.push(format!(
                r#"Fleet(name: "f{i}", site: "{site}", count: {}, product: "{}", activation: {method}, arrival: {arrival}, online: {online}{extra})"#,
                f.count, f.product
            ));
        }
        let mut timeline = Vec::new();
        let mut events = self.events.clone();
        events.sort();
        for &(permille, kind, target, count) in &events {
            let at = days * 86_400 * permille / 1000;
            let fleet = format!("f{}", target as usize % self.fleets.len());
            let host = format!("kms{}", target % self.hosts.max(1));
            let action = match kind {
                0 if self.hosts > 0 => format!(r#"HostDown("{host}")"#),
                1 if self.hosts > 0 => format!(r#"HostUp("{host}")"#),
                2 if self.hosts > 0 => format!(r#"HostRestart("{host}")"#),
                3 if self.hosts > 0 => format!(r#"HostReinstall("{host}")"#),
                4 => r#"Block(between: ("hq", "branch"), port: Tcp(1688))"#.to_owned(),
                5 => r#"Allow(between: ("hq", "branch"), port: Tcp(1688))"#.to_owned(),
                6 => r#"LinkDown(between: ("hq", "branch"))"#.to_owned(),
                7 => r#"LinkUp(between: ("hq", "branch"))"#.to_owned(),
                8 => format!(r#"Rearm(fleet: "{fleet}")"#),
                9 => format!(r#"Reimage(fleet: "{fleet}", count: {count})"#),
                10 => format!(r#"HardwareChange(fleet: "{fleet}", count: {count})"#),
                11 => format!(r#"AddMachines(fleet: "{fleet}", count: {count})"#),
                12 => format!(r#"RetireMachines(fleet: "{fleet}", count: {count})"#),
                13 => format!(
                    r#"SetPolicy(Policy(renewal_interval: "{}d"))"#,
                    count.min(30)
                ),
                14 => r#"RemoveLicenseKey(server: "ksc1", key: "k1")"#.to_owned(),
                _ => format!(r#"SetPolicy(Policy(cmid_retention: "{count}d"))"#),
            };
            timeline.push(format!(r#"Event(at: "{at}s", do: {action})"#));
        }
        format!(
            r#"Scenario(
    name: "random", seed: {seed}, duration: "{days}d", sample_every: "{sample_every}",
    sites: [Site(name: "hq"), Site(name: "branch")],
    links: [
        Link(between: ("hq", "branch"), allow: [{ports}]),
        Link(between: ("hq", "internet"), allow: [Tcp(443)]),
    ],
    domains: [Domain(name: "corp.example", dns_site: "hq", dc_sites: ["hq"], adba: true, srv_update: {srv})],
    kms_hosts: [{hosts}],
    mak_keys: [MakKey(name: "mak", activations: {mak})],
    ksc_servers: [KscServer(name: "ksc1", site: "hq", max_persistent: 5, keys: [
        LicenseKey(name: "k1", source: KeyFile, valid_for: "{k1}d", devices: 30, auto_distribute: true),
        LicenseKey(name: "k2", source: ActivationCode, valid_from: "{k2}d", valid_for: "365d", devices: 20, auto_distribute: true),
    ])],
    fleets: [{fleets}],
    policy: Policy(renewal_interval: "{renewal}", cmid_retention: "{retention}d"),
    timeline: [{timeline}],
)"#,
            seed = self.seed,
            ports = self.branch_ports.join(", "),
            srv = if self.any_host {
                "AnyHost"
            } else {
                "CreatorOnly"
            },
            hosts = hosts.join(", "),
            mak = self.mak_activations,
            k1 = days / 2 + 1,
            k2 = days / 3,
            fleets = fleets.join(",\n        "),
            renewal = self.renewal,
            retention = self.retention_days,
            timeline = timeline.join(",\n        "),
        )
    }
}

// ---------------------------------------------------------------------------------------
// The probe that checks

/// Watches a run and notes every broken invariant.
struct Checker<'m> {
    model: &'m Model,
    now: SimTime,
    last_grid: Option<SimTime>,
    broken: Vec<String>,
    fleet_of: Vec<FleetId>,
    /// Per fleet: machines arrived and not retired.
    present: Vec<i64>,
    /// Per fleet and family: machines in each state.
    in_state: Vec<[[i64; 4]; StateSet::COUNT]>,
    /// Per pool: 2 × the highest threshold of its products (the largest capacity).
    capacity: [u32; 2],
    /// (machine, instant) of successful attempts, of replies that met the threshold, of
    /// Kaspersky keys handed over, of arrivals.
    succeeded: BTreeSet<(MachineId, SimTime)>,
    counted: BTreeSet<(MachineId, SimTime)>,
    keyed: BTreeSet<(MachineId, SimTime)>,
    arrived_at: BTreeSet<(MachineId, SimTime)>,
    /// (machine, instant, family) of entries into a licensed state.
    licensed: Vec<(MachineId, SimTime, StateSet, bool)>,
}

impl<'m> Checker<'m> {
    fn new(model: &'m Model) -> Self {
        let mut capacity = [0; 2];
        for p in model.products.iter() {
            let c = &mut capacity[p.pool.index()];
            *c = (*c).max(2 * p.threshold);
        }
        Checker {
            model,
            now: 0,
            last_grid: None,
            broken: Vec::new(),
            fleet_of: Vec::new(),
            present: vec![0; model.fleets.len()],
            in_state: vec![[[0; 4]; StateSet::COUNT]; model.fleets.len()],
            capacity,
            succeeded: BTreeSet::new(),
            counted: BTreeSet::new(),
            keyed: BTreeSet::new(),
            arrived_at: BTreeSet::new(),
            licensed: Vec::new(),
        }
    }

    fn at(&mut self, now: SimTime, what: &str) {
        if now < self.now {
            self.broken
                .push(format!("{what} at {now} after a happening at {}", self.now));
        }
        self.now = now;
    }

    /// The families a fleet's machines are counted in.
    fn families(&self, f: FleetId) -> Vec<StateSet> {
        let fleet = &self.model.fleets[f];
        let mut sets = vec![fleet.method.states()];
        if fleet.ksc.is_some() {
            sets.push(StateSet::Ksc);
        }
        sets
    }

    fn check_counts(&mut self, now: SimTime) {
        for f in self.model.fleets.ids() {
            for set in self.families(f) {
                let sum: i64 = self.in_state[f.index()][set.index()].iter().sum();
                if sum != self.present[f.index()] {
                    self.broken.push(format!(
                        "at {now}: fleet {} has {} machines present but {sum} in {set:?} states",
                        self.model.fleets[f].name,
                        self.present[f.index()]
                    ));
                }
            }
        }
    }

    /// The invariants that need the whole run.
    fn finish(mut self, outcome: &actsim::Outcome) -> Vec<String> {
        for &(m, t, set, from_none) in &self.licensed {
            let f = self.fleet_of[m.index()];
            let fleet = &self.model.fleets[f];
            let initial = matches!(fleet.initial, InitialModel::Activated { .. })
                && from_none
                && self.arrived_at.contains(&(m, t));
            let ok = match set {
                StateSet::Ksc => self.keyed.contains(&(m, t)),
                StateSet::Windows => {
                    initial
                        || (self.succeeded.contains(&(m, t))
                            && (!matches!(fleet.method, Method::Kms(_))
                                || self.counted.contains(&(m, t))))
                }
            };
            if !ok {
                self.broken.push(format!(
                    "{}/{m:?} became licensed ({set:?}) at {t} without a success",
                    fleet.name
                ));
            }
        }
        for p in &outcome.populations {
            let states = p.population.set.names().len();
            let sum: u64 = p.final_counts[..states].iter().sum();
            if sum != p.machines || p.machines as i64 != self.present[p.population.fleet.index()] {
                self.broken.push(format!(
                    "fleet {}: final counts add up to {sum}, {} machines reported, {} present",
                    self.model.fleets[p.population.fleet].name,
                    p.machines,
                    self.present[p.population.fleet.index()]
                ));
            }
        }
        self.broken
    }
}

impl Probe for Checker<'_> {
    fn created(&mut self, m: MachineId, fleet: FleetId, _index: u32) {
        assert_eq!(
            m.index(),
            self.fleet_of.len(),
            "machines are created in order"
        );
        self.fleet_of.push(fleet);
    }
    fn arrived(&mut self, m: MachineId, fleet: FleetId, _scheduled: bool, now: SimTime) {
        self.at(now, "arrival");
        self.present[fleet.index()] += 1;
        self.arrived_at.insert((m, now));
    }
    fn transition(
        &mut self,
        m: MachineId,
        fleet: FleetId,
        set: StateSet,
        from: Option<StateIndex>,
        to: Option<StateIndex>,
        now: SimTime,
    ) {
        self.at(now, "transition");
        let counts = &mut self.in_state[fleet.index()][set.index()];
        if let Some(s) = from {
            counts[usize::from(s)] -= 1;
        }
        if let Some(s) = to {
            counts[usize::from(s)] += 1;
            let was = from.is_some_and(|s| set.is_licensed(s));
            if set.is_licensed(s) && !was {
                self.licensed.push((m, now, set, from.is_none()));
            }
        }
    }
    fn attempted(
        &mut self,
        m: MachineId,
        _fleet: FleetId,
        code: Code,
        next: SimTime,
        now: SimTime,
    ) {
        self.at(now, "attempt");
        if next < now {
            self.broken
                .push(format!("attempt at {now} planned the next one at {next}"));
        }
        if matches!(code, Code::Activated | Code::Renewed) {
            self.succeeded.insert((m, now));
        }
    }
    fn offline(&mut self, _m: MachineId, _fleet: FleetId, until: SimTime, now: SimTime) {
        self.at(now, "offline");
        if until < now {
            self.broken.push(format!("offline at {now} until {until}"));
        }
    }
    fn outcome(&mut self, _m: MachineId, _fleet: FleetId, _code: Code, now: SimTime) {
        self.at(now, "outcome");
    }
    fn retired(&mut self, m: MachineId, now: SimTime) {
        self.at(now, "retirement");
        self.present[self.fleet_of[m.index()].index()] -= 1;
    }
    fn host_request(&mut self, _h: HostId, _pool: Pool, now: SimTime) {
        self.at(now, "host request");
    }
    fn host_count(
        &mut self,
        m: MachineId,
        _h: HostId,
        product: ProductId,
        count: u32,
        activating: bool,
        now: SimTime,
    ) {
        self.at(now, "host count");
        let p = &self.model.products[product];
        if count > self.capacity[p.pool.index()] {
            self.broken.push(format!(
                "count {count} over the capacity {}",
                self.capacity[p.pool.index()]
            ));
        }
        if activating != (count >= p.threshold) {
            self.broken.push(format!(
                "count {count} for {} (threshold {}) said activating = {activating}",
                p.name, p.threshold
            ));
        }
        if activating {
            self.counted.insert((m, now));
        }
    }
    fn ksc_keys(
        &mut self,
        m: MachineId,
        active: Option<LicenseKeyId>,
        _reserve: Option<LicenseKeyId>,
        _cause: KeysCause,
        now: SimTime,
    ) {
        self.at(now, "Kaspersky keys");
        if active.is_some() {
            self.keyed.insert((m, now));
        }
    }
    fn host_failure(&mut self, _h: HostId, _pool: Pool) {}
    fn stale_record(&mut self, _d: DomainId) {}
    fn sample(&mut self, sample: &Sample<'_>) {
        self.at(sample.now, "sample");
        if sample.on_grid {
            if self.last_grid.is_some_and(|t| t >= sample.now) {
                self.broken
                    .push(format!("grid sample at {} not after the last", sample.now));
            }
            self.last_grid = Some(sample.now);
            for counts in sample.host_counts.iter().flatten() {
                for pool in Pool::ALL {
                    if counts[pool.index()] > self.capacity[pool.index()] {
                        self.broken
                            .push(format!("sampled count {counts:?} over capacity"));
                    }
                }
            }
        }
        self.check_counts(sample.now);
    }
}

// ---------------------------------------------------------------------------------------

/// Runs `model` with the checker beside the observer.
fn checked_run(model: &Model) -> (actsim::Outcome, Vec<String>) {
    let probe = (actsim::observe::Observer::new(model), Checker::new(model));
    let ran = actsim::world::World::new(model, model.seed, probe).run(None);
    let (observer, checker) = ran.probe;
    let outcome = observer.finish(model, model.duration, ran.events);
    let broken = checker.finish(&outcome);
    (outcome, broken)
}

fn parse(text: &str) -> Result<Model, TestCaseError> {
    actsim::parse("random.ron", text.as_bytes()).map_err(|e| {
        TestCaseError::fail(format!(
            "the generator wrote an invalid scenario: {e}\n{text}"
        ))
    })
}

proptest! {
    #![proptest_config(crate::support::proptest_config(96))]

    #[test]
    fn every_run_keeps_the_invariants(spec in spec()) {
        let text = spec.text("1d");
        let model = parse(&text)?;
        let (outcome, broken) = checked_run(&model);
        prop_assert!(broken.is_empty(), "{}\n{text}", broken.join("\n"));

        // Same seed, same summary, byte for byte.
        let again = actsim::run(&model, model.seed);
        let json = |o: &actsim::Outcome| actsim::report::summary(&model, model.seed, o).to_json();
        prop_assert_eq!(json(&outcome), json(&again));

        // The sampling grid changes no outcome.
        let coarse = parse(&spec.text("9d"))?;
        let other = actsim::run(&coarse, coarse.seed);
        prop_assert_eq!(outcome.outcomes, other.outcomes);
        prop_assert_eq!(outcome.events, other.events);
        for (a, b) in outcome.populations.iter().zip(&other.populations) {
            prop_assert_eq!(a.final_counts, b.final_counts);
            prop_assert_eq!(a.outcomes, b.outcomes);
        }
    }
}
