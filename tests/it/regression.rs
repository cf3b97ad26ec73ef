//! One test per bug found, each naming what it guards against.

use crate::support::{DAY, HOUR, actsim, model, one_host, run, summary};
use actsim::engine::queue::{CalendarQueue, HeapQueue, SEQ_LIMIT, Scheduler};
use actsim::time::SimTime;

/// Thirty PCs activate at t = 0 and renew weekly; all retire on day 20 (last seen day 14).
/// Day 50: the CMID retention becomes 60 days, so their entries (36 days old) count again.
/// Day 51: one new PC asks: it sees 31 and activates — unless a sample expired the table
/// with the old 30-day retention in between, which it did with daily samples.
fn retention_scenario(sample_every: &str) -> String {
    one_host(
        "100d",
        "ServerC",
        r#"Fleet(name: "pcs", site: "hq", count: 30, activation: Kms())"#,
        r#"Event(at: "20d", do: RetireMachines(fleet: "pcs", count: 30)),
           Event(at: "50d", do: SetPolicy(Policy(cmid_retention: "60d"))),
           Event(at: "51d", do: AddMachines(fleet: "pcs", count: 1))"#,
    )
    .replace(
        "duration: \"100d\",",
        &format!("duration: \"100d\", sample_every: \"{sample_every}\","),
    )
}

/// Bug: `Observer::sample` expired the hosts' CMID tables, so the sampling grid changed the
/// simulation. Observation is read-only now: every grid gives the same run.
#[test]
fn sampling_never_changes_the_run() {
    let runs: Vec<_> = ["1d", "7d", "100d", "1h"]
        .iter()
        .map(|every| run(&retention_scenario(every)))
        .collect();
    let (first_model, first) = &runs[0];
    let s = summary(first_model, first);
    assert_eq!(
        s["fleets"]["pcs"]["final"]["licensed"], 1,
        "the new PC activated"
    );
    assert_eq!(s["outcomes"]["activated"], 31);
    for (m, o) in &runs[1..] {
        let other = summary(m, o);
        assert_eq!(o.outcomes, first.outcomes);
        assert_eq!(o.events, first.events);
        assert_eq!(other["fleets"]["pcs"]["final"], s["fleets"]["pcs"]["final"]);
        assert_eq!(other["hosts"], s["hosts"]);
    }
}

/// Bug: ids were `u16` made with `i as u16`, so a 65,537th host wrapped to the first. Every
/// list is capped below the id range, and a longer one is refused with the limit.
#[test]
fn a_list_longer_than_the_id_range_is_refused_not_wrapped() {
    let hosts: Vec<String> = (0..10_001)
        .map(|i| format!("KmsHost(name: \"h{i}\", site: \"hq\", publish: false)"))
        .collect();
    let text = format!(
        r#"Scenario(name: "many", duration: "1d",
            sites: [Site(name: "hq")],
            kms_hosts: [{}],
            fleets: [Fleet(name: "pcs", site: "hq", count: 1, activation: Kms(discovery: Static("h10000")))])"#,
        hosts.join(", ")
    );
    let err = actsim::parse("many.ron", text.as_bytes()).unwrap_err();
    assert_eq!(err.exit_code(), 65);
    let message = err.to_string();
    assert!(
        message.contains("kms_hosts") && message.contains("10000"),
        "{message}"
    );
}

/// A long mixed sequence of pushes and pops at few distinct times (many ties), some far
/// ahead, as seen from the queue's pops.
fn pops<Q: Scheduler<u32>>(mut q: Q) -> Vec<(SimTime, u32)> {
    let mut out = Vec::new();
    let mut n = 0;
    for round in 0..40u64 {
        for k in 0..25u64 {
            let far = if k % 7 == 0 { 400 * DAY } else { 0 };
            q.push(round * HOUR + (k % 3) * 1_800 + far, n);
            n += 1;
        }
        for _ in 0..20 {
            out.extend(q.pop());
        }
    }
    out.extend(std::iter::from_fn(|| q.pop()));
    out
}

/// Bug: the event queue's 34-bit sequence number could overflow into the time bits in a
/// release build (only a debug assertion guarded it): a million machines retrying every 15
/// minutes for half a year schedule 1.7 × 10¹⁰ events. Now the pending events are
/// renumbered when the numbers run out, and the order stays exact.
#[test]
fn the_event_order_survives_running_out_of_sequence_numbers() {
    let reference = pops(HeapQueue::default());
    assert_eq!(reference.len(), 1_000);
    assert!(
        reference
            .windows(2)
            .all(|w| w[0].0 < w[1].0 || w[0].1 < w[1].1),
        "ties pop in scheduling order"
    );
    let late = SEQ_LIMIT - 300;
    assert_eq!(pops(HeapQueue::numbering_from(late)), reference);
    assert_eq!(pops(CalendarQueue::numbering_from(late)), reference);
}

/// KMS-HOST-4: a 7th host on a 6-host key was never activated with it, so it has no
/// reactivation to use: after `HostReinstall` it still refuses every client (0xC004F041).
/// It used to become activated and serve.
#[test]
fn kms_host_4_a_seventh_host_stays_unactivated_after_reinstall() {
    let hosts: Vec<String> = (1..=7)
        .map(|i| {
            format!("KmsHost(name: \"k{i}\", site: \"hq\", host_key: \"csvlk\", publish: false)")
        })
        .collect();
    let text = format!(
        r#"Scenario(name: "seventh", duration: "10d",
            sites: [Site(name: "hq")],
            domains: [Domain(name: "corp", dns_site: "hq")],
            host_keys: [HostKey(name: "csvlk", max_hosts: 6)],
            kms_hosts: [{}],
            fleets: [Fleet(name: "servers", site: "hq", count: 6, product: "WindowsServerC",
                           activation: Kms(discovery: Static("k7")))],
            timeline: [Event(at: "1d", do: HostReinstall("k7"))])"#,
        hosts.join(", ")
    );
    let m = model(&text);
    let o = actsim::run(&m, m.seed);
    let s = summary(&m, &o);
    assert_eq!(s["outcomes"]["activated"], 0);
    assert_eq!(s["fleets"]["servers"]["final"]["licensed"], 0);
    // 6 servers × (12 tries a day for 10 days, plus the one at the end).
    assert_eq!(s["outcomes"]["0xC004F041"], 6 * (12 * 10 + 1));
}

/// KMS-COUNT-6: a host that was down and comes back has restarted its service, so its table
/// is empty: a PC arriving an hour after `HostUp` gets count 1. It used to get 31 (the
/// thirty PCs of before the outage) and activate at once.
#[test]
fn kms_count_6_a_host_coming_back_up_starts_counting_from_zero() {
    let text = one_host(
        "3d",
        "ServerC",
        r#"Fleet(name: "pcs", site: "hq", count: 30, activation: Kms()),
           Fleet(name: "late", site: "hq", count: 1, activation: Kms(), arrival: At("2d 1h"))"#,
        r#"Event(at: "1d", do: HostDown("kms1")), Event(at: "2d", do: HostUp("kms1"))"#,
    );
    let (m, o) = run(&text);
    let s = summary(&m, &o);
    assert_eq!(
        s["fleets"]["late"]["first_licensed_s"],
        serde_json::Value::Null
    );
    let late = o
        .populations
        .iter()
        .find(|p| m.fleets[p.population.fleet].name == "late");
    assert_eq!(late.map(|p| p.first_licensed), Some(None));
}

/// KMS-COUNT-4, KMS-COUNT-6: a reinstalled host is a new installation: its table's capacity
/// starts from nothing again, so after servers only (threshold 5) it holds 10 CMIDs. It used
/// to keep the 50 it had grown to when a client asked before.
#[test]
fn kms_count_6_a_reinstalled_host_contacted_by_servers_only_holds_ten() {
    let text = one_host(
        "10d",
        "ServerC",
        r#"Fleet(name: "pc", site: "hq", count: 1, activation: Kms()),
           Fleet(name: "servers", site: "hq", count: 12, product: "WindowsServerC", activation: Kms())"#,
        r#"Event(at: "12h", do: RetireMachines(fleet: "pc", count: 1)),
           Event(at: "1d", do: HostReinstall("kms1"))"#,
    );
    let (m, o) = run(&text);
    // hosts.csv rows: per day, windows then office. Day 0: 13 CMIDs (a client asked, so the
    // capacity is 50). The reinstall empties the table; the servers renew on day 7 and, with
    // servers only since, the table holds 10 of the 12.
    let windows = |day: usize| o.series.hosts[day * 2].count;
    assert_eq!(windows(0), Some(13));
    assert_eq!(windows(2), Some(0));
    assert_eq!(windows(8), Some(10));
    assert_eq!(summary(&m, &o)["hosts"]["kms1"]["max_count"]["windows"], 13);
}

/// KMS-HOST-3: a client-OS host may hold an Office host key beside its Client VL key (seed
/// 002: Windows 7 can host Office KMS); such a scenario is valid and activates Office.
#[test]
fn kms_host_3_a_client_os_host_serves_office() {
    let text = one_host(
        "1d",
        "ClientVl, Office",
        r#"Fleet(name: "office", site: "hq", count: 5, product: "Office", activation: Kms())"#,
        "",
    )
    .replace(
        "keys: [ClientVl, Office]",
        "os: Client, keys: [ClientVl, Office]",
    );
    let (m, o) = run(&text);
    assert_eq!(summary(&m, &o)["fleets"]["office"]["final"]["licensed"], 5);
}

/// Five servers and a host holding shared key A (9 reactivations) and B (none).
fn host_keys(a_reactivations: u32) -> String {
    format!(
        r#"Scenario(
    name: "host keys", duration: "10d",
    sites: [Site(name: "hq")],
    domains: [Domain(name: "corp", dns_site: "hq")],
    kms_hosts: [KmsHost(name: "kms1", site: "hq", host_key: Some("A"))],
    host_keys: [HostKey(name: "A", max_hosts: 6, reactivations: {a_reactivations}),
                HostKey(name: "B", max_hosts: 6, reactivations: 0)],
    fleets: [Fleet(name: "s", site: "hq", count: 5, product: "WindowsServerC", activation: Kms())],
    timeline: [
        Event(at: "1d", do: InstallHostKey(host: "kms1", keys: [ServerC], generation: 8, host_key: Some("B"))),
        Event(at: "2d", do: InstallHostKey(host: "kms1", keys: [ServerC], generation: 8, host_key: Some("A"))),
    ],
)"#
    )
}

/// KMS-HOST-4, KMS-GEN-3: a host activated with key A (9 reactivations) installs key B
/// (none), then A again. Reactivations were counted per host, so going back to A used B's
/// count (0): `over_host_limit`, and 181 × 0xC004F041 for its clients. They are counted per
/// host and key now: A takes, with 8 left. With none left on A, the reason says so.
#[test]
fn kms_host_4_reactivations_are_counted_per_host_and_key() {
    let (m, o) = run(&host_keys(9));
    let s = summary(&m, &o);
    let installs = &s["hosts"]["kms1"]["key_installs"];
    assert_eq!(installs[0]["ok"], true);
    assert_eq!(installs[1]["ok"], true);
    assert_eq!(s["outcomes"]["0xC004F041"], 0);
    assert_eq!(s["fleets"]["s"]["final"]["licensed"], 5);

    let (m, o) = run(&host_keys(0));
    let s = summary(&m, &o);
    let installs = &s["hosts"]["kms1"]["key_installs"];
    assert_eq!(installs[0]["ok"], true);
    assert_eq!(installs[1]["ok"], false);
    assert_eq!(installs[1]["reason"], "no_reactivations_left");
    assert!(s["outcomes"]["0xC004F041"].as_u64().unwrap() > 0);
    let text = actsim::report::text(&m, &actsim::report::summary(&m, m.seed, &o), false);
    assert!(text.contains("no re-activation left"), "{text}");
}

fn phone(activations: u64, delay: &str) -> String {
    format!(
        r#"Scenario(
    name: "phone", duration: "2d",
    sites: [Site(name: "lab")],
    mak_keys: [MakKey(name: "mk", activations: {activations})],
    fleets: [Fleet(name: "ph", site: "lab", count: 2, activation: Mak(key: "mk", mode: Phone(delay: "{delay}")))],
)"#
    )
}

/// MAK-1: a telephone activation that finds the key exhausted (0xC004C020) retries every
/// activation interval (2 hours), as the other modes and the README say: 24 failures in 2
/// days. It retried every `delay` (48 failures with a 1-hour delay; with a zero delay, at
/// the same instant forever: the run hung).
#[test]
fn mak_1_a_telephone_call_on_an_exhausted_key_retries_every_activation_interval() {
    let (m, o) = run(&phone(1, "1h"));
    let s = summary(&m, &o);
    assert_eq!(s["outcomes"]["activated"], 1);
    assert_eq!(s["outcomes"]["0xC004C020"], 24);
}

/// MAK-1: `Phone(delay: "0s")` is refused at validation, at the field (exit 65): a call
/// takes time, and a zero delay made the exhausted-key retries loop at one instant.
#[test]
fn mak_1_a_zero_telephone_delay_is_refused() {
    let text = phone(5, "0s");
    let err = actsim::parse("phone.ron", text.as_bytes()).unwrap_err();
    assert_eq!(err.exit_code(), 65);
    let message = err.to_string();
    let column = text.lines().nth(4).unwrap().find("delay").unwrap() + 1;
    assert!(
        message.starts_with(&format!("phone.ron:5:{column}:")) && message.contains("delay"),
        "{message}"
    );
    actsim::parse("phone.ron", phone(5, "1s").as_bytes()).unwrap();
}

/// Columns of a Kaspersky population: no_key, active, active_with_reserve, expired.
const KSC_NO_KEY: usize = 0;
const KSC_ACTIVE: usize = 1;
const KSC_WITH_RESERVE: usize = 2;
const KSC_EXPIRED: usize = 3;

/// The Kaspersky population of fleet `name`.
fn ksc_population<'a>(
    m: &actsim::Model,
    o: &'a actsim::Outcome,
    name: &str,
) -> &'a actsim::observe::PopulationResult {
    o.populations
        .iter()
        .find(|p| {
            m.fleets[p.population.fleet].name == name
                && p.population.set == actsim::model::StateSet::Ksc
        })
        .unwrap()
}

/// One Kaspersky server `ksc1` at site hq with the given keys, fleets, timeline, policy.
fn ksc_scenario(duration: &str, keys: &str, fleets: &str, timeline: &str, policy: &str) -> String {
    format!(
        r#"Scenario(
    name: "ksc", duration: "{duration}",
    sites: [Site(name: "hq")],
    domains: [Domain(name: "corp", dns_site: "hq")],
    kms_hosts: [KmsHost(name: "kms1", site: "hq")],
    ksc_servers: [KscServer(name: "ksc1", site: "hq", keys: [{keys}])],
    fleets: [{fleets}],
    policy: Policy({policy}),
    timeline: [{timeline}],
)"#
    )
}

/// KSC-8, KSC-9: a retirement and a re-image at the very instant the devices' key expires
/// (timeline events run before the expiry events of that instant). The state of a change
/// was recomputed from the time (already `expired`) while the observer still counted the
/// devices `active`, so the expired count went below zero (18446744073709551615 in
/// summary.json). Now: one device retired, one re-imaged without a key, one expired.
#[test]
fn ksc_8_retire_and_reimage_at_the_instant_a_key_expires_keep_the_counts() {
    let text = ksc_scenario(
        "20d",
        r#"LicenseKey(name: "k", source: KeyFile, valid_for: "10d", devices: 10, auto_distribute: true)"#,
        r#"Fleet(name: "d", site: "hq", count: 3, activation: Ksc(server: "ksc1"))"#,
        r#"Event(at: "10d", do: RetireMachines(fleet: "d", count: 1)),
           Event(at: "10d", do: Reimage(fleet: "d", count: 1))"#,
        "",
    );
    let (m, o) = run(&text);
    let d = ksc_population(&m, &o, "d");
    assert_eq!(d.machines, 2);
    assert_eq!(
        d.final_counts[..4],
        [1, 0, 0, 1],
        "no_key, active, with reserve, expired"
    );
    assert_eq!(d.max_by_state[KSC_EXPIRED], 1);
    assert_eq!(d.first_in_state[KSC_EXPIRED], Some(10 * DAY));
    let s = summary(&m, &o);
    assert_eq!(s["fleets"]["d"]["expired_device_days"], 10.0);
    assert_eq!(s["ksc_keys"]["k"]["active_on"], 1);
}

/// KSC-8: k1 (1 device) is held by d/0; k2 (10 devices) starts on day 100. d/1 planned a
/// sync for day 100 only and never joined the devices waiting for a seat, so d/0's
/// retirement on day 10 went unnoticed: it had no key until day 100. Now it takes k1 at its
/// first synchronisation after day 10.
#[test]
fn ksc_8_a_seat_freed_before_a_later_key_starts_is_taken() {
    let text = ksc_scenario(
        "120d",
        r#"LicenseKey(name: "k1", source: KeyFile, valid_for: "365d", devices: 1, auto_distribute: true),
           LicenseKey(name: "k2", source: KeyFile, valid_from: "100d", valid_for: "365d", devices: 10, auto_distribute: true)"#,
        r#"Fleet(name: "d", site: "hq", count: 2, activation: Ksc(server: "ksc1"))"#,
        r#"Event(at: "10d", do: RetireMachines(fleet: "d", count: 1))"#,
        "",
    );
    let (m, o) = run(&text);
    let s = summary(&m, &o);
    let all = s["fleets"]["d"]["all_licensed_s"].as_u64().unwrap();
    assert!((10 * DAY..10 * DAY + 15 * 60).contains(&all), "{all}");
    assert_eq!(s["ksc_keys"]["k1"]["active_on"], 1);
    assert_eq!(s["ksc_keys"]["k2"]["active_on"], 0);
}

/// NET-2, KSC-1: thirty PCs are KMS clients and Kaspersky devices on a `Random` schedule.
/// Planning the reserve sync (k2 starts on day 300) looked months ahead with the machine's
/// own schedule cursor, which only moves forward; the KMS attempts of the next days were
/// then answered from the wrong period. The Windows side changed with the kind of a key
/// starting in 300 days (key file: a reserve to plan; activation code: none). Now the
/// Windows side is the same whatever the keys, and the same as without Kaspersky at all.
#[test]
fn net_2_a_kaspersky_look_ahead_does_not_move_the_windows_schedule() {
    let scenario = |ksc: &str, k2: &str| {
        format!(
            r#"Scenario(
    name: "cursor", duration: "60d",
    sites: [Site(name: "hq")],
    domains: [Domain(name: "corp", dns_site: "hq")],
    kms_hosts: [KmsHost(name: "kms1", site: "hq")],
    ksc_servers: [KscServer(name: "ksc1", site: "hq", keys: [
        LicenseKey(name: "k1", source: KeyFile, valid_for: "365d", devices: 100, auto_distribute: true),
        LicenseKey(name: "k2", source: {k2}, valid_from: "300d", valid_for: "365d", devices: 100, auto_distribute: true)])],
    fleets: [Fleet(name: "pcs", site: "hq", count: 30, activation: Kms(),
                   online: Random(mean_on: "8h", mean_off: "16h"){ksc})],
)"#
        )
    };
    let windows = |text: &str| {
        let (m, o) = run(text);
        let mut s = summary(&m, &o);
        let pcs = s["fleets"]["pcs"].as_object_mut().unwrap();
        pcs.remove("ksc");
        (
            o.outcomes,
            s["fleets"]["pcs"].clone(),
            actsim::report::timeseries_csv(&m, &o),
            actsim::report::attempts_csv(&m, &o),
        )
    };
    let with_ksc = r#", ksc: Ksc(server: "ksc1")"#;
    let key_file = windows(&scenario(with_ksc, "KeyFile"));
    let code = windows(&scenario(with_ksc, "ActivationCode"));
    let alone = windows(&scenario("", "KeyFile"));
    assert!(key_file.0.iter().sum::<u64>() > 0);
    assert_eq!(key_file, code);
    assert_eq!(key_file, alone);
}

/// KSC-1: devices online 30 s an hour on average, synchronising every 15 minutes. The
/// search for an online sync slot gave up after 64 slots (NEVER): 51 of 500 devices stayed
/// expired from day 10 to the end. Now a device wakes up at the last slot tried and
/// searches on: every device gets the activation code that follows the key.
#[test]
fn ksc_1_devices_online_in_short_bursts_keep_synchronising() {
    let text = ksc_scenario(
        "60d",
        r#"LicenseKey(name: "k1", source: KeyFile, valid_for: "10d", devices: 1000, auto_distribute: true),
           LicenseKey(name: "k2", source: ActivationCode, valid_from: "10d", valid_for: "365d", devices: 1000, auto_distribute: true)"#,
        r#"Fleet(name: "d", site: "hq", count: 500, activation: Ksc(server: "ksc1"),
                 online: Random(mean_on: "30s", mean_off: "1h"))"#,
        "",
        "",
    );
    let (m, o) = run(&text);
    let d = ksc_population(&m, &o, "d");
    assert_eq!(d.final_counts[KSC_EXPIRED], 0);
    assert_eq!(d.final_counts[KSC_ACTIVE], 500);
    // Each device waits for an online slot, about 120 slots (30 hours) on average.
    assert!(
        d.worst_machine_days < 500.0 * 3.0,
        "{}",
        d.worst_machine_days
    );
    assert_eq!(summary(&m, &o)["ksc_keys"]["k2"]["active_on"], 500);
}

/// KSC-1: a sync interval of 100,000 days (over 2³² s) overflowed `phase × interval`; the
/// scenario now runs: the devices get k1 at their first connection, and k2 never (their
/// next periodic sync lies beyond the run).
#[test]
fn ksc_1_a_huge_sync_interval_runs() {
    let text = ksc_scenario(
        "30d",
        r#"LicenseKey(name: "k1", source: KeyFile, valid_for: "10d", devices: 100, auto_distribute: true),
           LicenseKey(name: "k2", source: KeyFile, valid_from: "5d", valid_for: "365d", devices: 100, auto_distribute: true)"#,
        r#"Fleet(name: "d", site: "hq", count: 5, activation: Ksc(server: "ksc1"))"#,
        "",
        r#"ksc_sync_interval: "100000d""#,
    );
    let (m, o) = run(&text);
    let s = summary(&m, &o);
    assert_eq!(s["fleets"]["d"]["first_licensed_s"], 0);
    assert_eq!(s["ksc_keys"]["k1"]["active_on"].as_u64().unwrap(), 5);
}

/// KSC-5: the warning is raised from 30 to 60 days on day 5. The sync planned for day 70
/// stayed: the reserve came on day 70. Now every device plans again with the policy in
/// force: the reserve comes at the first sync from day 40, and `expires_soon_s` is day 40.
#[test]
fn ksc_5_a_longer_expiry_warning_brings_the_reserve_sooner() {
    let text = ksc_scenario(
        "100d",
        r#"LicenseKey(name: "k1", source: KeyFile, valid_for: "100d", devices: 5, auto_distribute: true),
           LicenseKey(name: "k2", source: KeyFile, valid_from: "10d", valid_for: "400d", devices: 5, auto_distribute: true)"#,
        r#"Fleet(name: "d", site: "hq", count: 1, activation: Ksc(server: "ksc1"))"#,
        r#"Event(at: "5d", do: SetPolicy(Policy(ksc_expiry_warning: "60d")))"#,
        "",
    );
    let (m, o) = run(&text);
    let d = ksc_population(&m, &o, "d");
    let reserve = d.first_in_state[KSC_WITH_RESERVE].unwrap();
    assert!(
        (40 * DAY..40 * DAY + 15 * 60).contains(&reserve),
        "{reserve}"
    );
    assert_eq!(d.first_in_state[KSC_EXPIRED], None);
    assert_eq!(d.first_in_state[KSC_NO_KEY], Some(0));
    let s = summary(&m, &o);
    assert_eq!(s["ksc_keys"]["k1"]["expires_soon_s"], 40 * DAY);
    assert_eq!(s["ksc_keys"]["k2"]["expires_soon_s"], 350 * DAY);
}

/// KSC-1: a shorter sync interval set on day 5 applies to the syncs already planned: with
/// a one-day interval, the key starting on day 10 reaches the device within the new
/// 15-minute interval, not at its next daily sync.
#[test]
fn ksc_1_a_shorter_sync_interval_applies_to_planned_syncs() {
    let text = ksc_scenario(
        "20d",
        r#"LicenseKey(name: "k", source: KeyFile, valid_from: "10d", valid_for: "100d", devices: 5, auto_distribute: true)"#,
        r#"Fleet(name: "d", site: "hq", count: 20, activation: Ksc(server: "ksc1"))"#,
        r#"Event(at: "5d", do: SetPolicy(Policy(ksc_sync_interval: "15m")))"#,
        r#"ksc_sync_interval: "1d""#,
    );
    let (m, o) = run(&text);
    let s = summary(&m, &o);
    let all = s["fleets"]["d"]["all_licensed_s"].as_u64();
    let first = s["fleets"]["d"]["first_licensed_s"].as_u64().unwrap();
    assert!((10 * DAY..10 * DAY + 15 * 60).contains(&first), "{first}");
    assert_eq!(s["ksc_keys"]["k"]["active_on"], 5);
    assert_eq!(all, None, "5 seats for 20 devices");
}

/// `actsim trace` names what changed a device's keys: the switch to the reserve at the
/// active key's end (KSC-5) is not a synchronisation. Both were labelled "Kaspersky keys".
#[test]
fn the_trace_says_the_reserve_key_took_over_at_expiry() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_actsim"))
        .args([
            "trace",
            "scenarios/ksc-renewal.ron",
            "--machine",
            "workstations/0",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let out = String::from_utf8(out.stdout).unwrap();
    let line = |what: &str| {
        out.lines()
            .find(|l| l.contains(what))
            .unwrap_or_else(|| panic!("no {what}: {out}"))
            .to_owned()
    };
    assert!(line("key expired: reserve key activated").contains("active k-2028, reserve none"));
    assert!(line("Kaspersky sync").contains("active k-2027, reserve none"));
    assert!(!out.contains("Kaspersky keys"), "{out}");
}

/// Bug: `actsim run ... | head` panicked with "failed printing to stdout: Broken pipe" and
/// exited 101 once the reader had closed the pipe. It now ends as `cat` does: by SIGPIPE,
/// quietly. (The read end is closed before the run prints, so this does not depend on
/// timing.)
#[cfg(unix)]
#[test]
fn a_closed_pipe_ends_the_output_quietly() {
    use std::os::unix::process::ExitStatusExt;
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_actsim"))
        .args(["run", "scenarios/quickstart.ron", "--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(
        out.status.signal(),
        Some(13),
        "ended by SIGPIPE: {:?}",
        out.status
    );
}

// ---------------------------------------------------------------------------------------
// The reliability review (a mutation fuzzer run from outside the repository): one test per
// finding.

fn stderr_of(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A minimal valid scenario with `top` fields added and `fleets` as its fleets.
fn scenario_with(top: &str, fleets: &str, timeline: &str) -> String {
    format!(
        r#"Scenario(
    name: "r", duration: "30d", {top}
    sites: [Site(name: "hq")],
    domains: [Domain(name: "corp", dns_site: "hq")],
    kms_hosts: [KmsHost(name: "kms1", site: "hq")],
    fleets: [{fleets}],
    timeline: [{timeline}],
)"#
    )
}

/// Finding 1: ten one-machine fleets sampled every second for 1,000,000 s ran out of
/// memory (3.2 GB) before the run ended. The limit bounds samples × series now, and is
/// checked before anything is allocated.
#[test]
fn reliability_1_samples_times_series_are_bounded() {
    let fleets: Vec<String> = (0..10)
        .map(|i| format!(r#"Fleet(name: "f{i}", site: "hq", count: 1, activation: Kms())"#))
        .collect();
    let text = scenario_with("", &fleets.join(", "), "").replace(
        r#"duration: "30d","#,
        r#"duration: "1000000s", sample_every: "1s","#,
    );
    let e = actsim::parse("r.ron", text.as_bytes())
        .unwrap_err()
        .to_string();
    assert!(e.contains("samples") && e.contains("2,000,000"), "{e}");
}

/// Finding 2: `check` was quadratic in the timeline (40,000 events took over 20 s). It is
/// linear: an event's position is looked up only when it is in error. 40,000 valid events
/// check here (a quadratic check would make this test take minutes).
#[test]
fn reliability_2_a_long_timeline_checks() {
    let events = vec![r#"Event(at: "20d", do: HostRestart("kms1"))"#; 40_000].join(",\n");
    let text = scenario_with(
        "",
        r#"Fleet(name: "pcs", site: "hq", count: 5, activation: Kms())"#,
        &events,
    );
    let model = actsim::parse("r.ron", text.as_bytes()).unwrap();
    assert_eq!(model.timeline.len(), 40_000);
}

/// Finding 3: a 4-million-character scenario name cost 8 µs per character in `run --out`.
/// Titles are limited to 200 characters (names of items to 64).
#[test]
fn reliability_3_a_huge_name_is_refused() {
    let text = scenario_with(
        "",
        r#"Fleet(name: "pcs", site: "hq", count: 5, activation: Kms())"#,
        "",
    )
    .replace(
        r#"name: "r""#,
        &format!(r#"name: "{}""#, "x".repeat(4_000_000)),
    );
    let e = actsim::parse("r.ron", text.as_bytes())
        .unwrap_err()
        .to_string();
    assert!(e.contains("200"), "{}", &e[..e.len().min(300)]);
}

/// Finding 5: a run that could not write one output (a directory stood where
/// `report.html` goes) exited 74 but left the files written before it. Now nothing of the
/// failed run is left: the directory holds exactly what it held before.
#[test]
fn reliability_5_a_failed_write_leaves_the_directory_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let first = actsim(&[
        "run",
        "scenarios/quickstart.ron",
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(first.status.code(), Some(0), "{}", stderr_of(&first));
    let snapshot = |p: &std::path::Path| {
        let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(p)
            .unwrap()
            .map(|e| e.unwrap())
            .filter(|e| e.file_type().unwrap().is_file())
            .map(|e| {
                (
                    e.file_name().to_string_lossy().into_owned(),
                    std::fs::read(e.path()).unwrap(),
                )
            })
            .collect();
        files.sort();
        files
    };
    // Something in the way of report.html: a directory of the user's.
    std::fs::remove_file(out.join("report.html")).unwrap();
    std::fs::create_dir(out.join("report.html")).unwrap();
    std::fs::write(out.join("report.html").join("mine.txt"), b"mine").unwrap();
    let before = snapshot(&out);
    let second = actsim(&[
        "run",
        "scenarios/two-hosts.ron",
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(second.status.code(), Some(74), "{}", stderr_of(&second));
    assert_eq!(
        snapshot(&out),
        before,
        "the previous output is left as it was"
    );
    assert_eq!(
        std::fs::read(out.join("report.html").join("mine.txt")).unwrap(),
        b"mine"
    );
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n != "out")
        .collect();
    assert!(
        leftovers.is_empty(),
        "no staging left beside it: {leftovers:?}"
    );
}

/// Finding 6: a swept path given twice ran every unit with the last value and labelled
/// them with the first; `--set seed=` duplicated the seed column; `--replications 0` ran
/// one. Each is refused as a usage error (2) before anything runs or is written.
#[test]
fn reliability_6_sweep_refuses_ambiguous_command_lines() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("sweep");
    let out = out.to_str().unwrap();
    for (args, says) in [
        (
            vec![
                "--set",
                "fleets.desktops.count=1,2",
                "--set",
                "fleets.desktops.count=3",
            ],
            "fleets.desktops.count",
        ),
        (vec!["--set", "seed=1,2"], "seed"),
        (
            vec!["--set", "fleets.desktops.count=1,2", "--replications", "0"],
            "replications",
        ),
    ] {
        let mut all = vec!["sweep", "scenarios/two-hosts.ron", "--quiet", "--out", out];
        all.extend(&args);
        let o = actsim(&all);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr_of(&o));
        assert!(stderr_of(&o).contains(says), "{args:?}: {}", stderr_of(&o));
        assert!(!std::path::Path::new(out).exists(), "{args:?} wrote {out}");
    }
}

/// Finding 6: `actsim chart` redrew charts from CSV files with absurd values. It checks
/// the files against the run's own scenario and summary first, and rewrites nothing.
#[test]
fn reliability_6_chart_refuses_doctored_csv_files() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let o = actsim(&[
        "run",
        "scenarios/quickstart.ron",
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0));
    let report = std::fs::read(out.join("report.html")).unwrap();
    let csv = std::fs::read_to_string(out.join("timeseries.csv")).unwrap();
    let doctored: Vec<(&str, String)> = vec![
        // 4 billion machines in grace.
        ("absurd count", {
            let mut lines: Vec<String> = csv.lines().map(str::to_owned).collect();
            let cells: Vec<&str> = lines[1].split(',').collect();
            let mut cells: Vec<String> = cells.iter().map(|c| c.to_string()).collect();
            cells[3] = "4000000000".into();
            lines[1] = cells.join(",");
            lines.join("\n") + "\n"
        }),
        // Rows in reverse order.
        ("reversed", {
            let mut lines: Vec<&str> = csv.lines().collect();
            lines[1..].reverse();
            lines.join("\n") + "\n"
        }),
        // A time far beyond the run.
        ("far time", csv.replacen("\n0,", "\n99999999999999999,", 1)),
    ];
    for (what, text) in doctored {
        std::fs::write(out.join("timeseries.csv"), &text).unwrap();
        let o = actsim(&["chart", out.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(65), "{what}: {}", stderr_of(&o));
        assert_eq!(
            std::fs::read(out.join("report.html")).unwrap(),
            report,
            "{what}"
        );
    }
}

/// Finding 6: `merge` accepted units written by another actsim version.
#[test]
fn reliability_6_merge_refuses_units_of_another_version() {
    let dir = tempfile::tempdir().unwrap();
    let sweep = dir.path().join("sweep");
    let o = actsim(&[
        "sweep",
        "scenarios/two-hosts.ron",
        "--set",
        "fleets.desktops.count=20,40",
        "--quiet",
        "--out",
        sweep.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr_of(&o));
    let unit = sweep.join("units").join("u000000.json");
    let unit = if unit.exists() {
        unit
    } else {
        std::fs::read_dir(sweep.join("units"))
            .unwrap()
            .next()
            .unwrap()
            .unwrap()
            .path()
    };
    let text = std::fs::read_to_string(&unit).unwrap();
    let version = env!("CARGO_PKG_VERSION");
    assert!(text.contains(version));
    std::fs::write(&unit, text.replace(version, "0.0.0-other")).unwrap();
    let merged = dir.path().join("merged");
    let o = actsim(&[
        "merge",
        sweep.to_str().unwrap(),
        "--out",
        merged.to_str().unwrap(),
    ]);
    assert_ne!(o.status.code(), Some(0));
    assert!(stderr_of(&o).contains("0.0.0-other"), "{}", stderr_of(&o));
    assert!(!merged.exists());
}

/// Finding 9: `/dev/zero` as the scenario was read until memory ran out. Input stops at
/// 64 MB and is refused.
#[cfg(unix)]
#[test]
fn reliability_9_an_endless_input_is_cut_at_64_mb() {
    let o = actsim(&["check", "/dev/zero"]);
    assert_eq!(o.status.code(), Some(65), "{}", stderr_of(&o));
    assert!(stderr_of(&o).contains("64 MB"), "{}", stderr_of(&o));
}
