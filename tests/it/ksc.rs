//! Kaspersky Security Center licence keys across managed devices: the shipped scenarios
//! with figures worked out from the rules, and the connection rules KSC-1 to KSC-3.

use crate::support::{DAY, HOUR, run, shipped, summary};
use actsim::Model;
use actsim::observe::{Outcome, PopulationResult};
use serde_json::Value;

const MINUTE: u64 = 60;

fn fleet<'a>(m: &Model, o: &'a Outcome, name: &str) -> &'a PopulationResult {
    o.populations
        .iter()
        .find(|p| m.fleets[p.population.fleet].name == name)
        .unwrap()
}

/// Columns of a KSC population: no_key, active, active_with_reserve, expired, offline.
const NO_KEY: usize = 0;
const WITH_RESERVE: usize = 2;
const EXPIRED: usize = 3;

/// KSC-4 to KSC-6: every device gets the key at its first connection (head office at t = 0;
/// the branch PCs, off at night, at their first morning), the key file becomes every
/// device's reserve from its first synchronisation in the 30 days before expiry, and each
/// switches by itself on day 365. Three events per device: first connection, reserve,
/// expiry.
#[test]
fn ksc_5_a_key_file_renewal_is_seamless() {
    let (m, o) = shipped("ksc-renewal");
    let s = summary(&m, &o);
    assert_eq!(s["events"], 850 * 3);
    for name in ["workstations", "branch-pcs"] {
        let f = fleet(&m, &o, name);
        assert_eq!(f.first_in_state[EXPIRED], None, "{name}");
        assert_eq!(
            f.max_by_state[WITH_RESERVE], f.machines,
            "{name}: all had a reserve"
        );
        assert_eq!(s["fleets"][name]["expired_device_days"], 0.0);
    }
    // The branch PCs come online between 08:00 and 09:00 and synchronise then.
    let branch = &s["fleets"]["branch-pcs"];
    let first = branch["first_licensed_s"].as_u64().unwrap();
    let all = branch["all_licensed_s"].as_u64().unwrap();
    assert!(
        (8 * HOUR..9 * HOUR).contains(&first) && (first..9 * HOUR + 15 * MINUTE).contains(&all)
    );
    let key = &s["ksc_keys"]["k-2028"];
    assert_eq!(
        (key["active_on"].as_u64(), key["reserve_on"].as_u64()),
        (Some(850), Some(0))
    );
    assert_eq!(key["peak_usage_share"], 0.85);
    assert_eq!(s["ksc_keys"]["k-2027"]["expires_s"], 365 * DAY);
    assert_eq!(s["ksc_keys"]["k-2027"]["expires_soon_s"], 335 * DAY);
    assert!(o.all_held());
}

/// KSC-5: an activation code is never a reserve, so every device runs in limited mode from
/// the old key's end until its first synchronisation after: under 15 minutes at head
/// office (so at most 600 × 15 min of expired device-time), and from midnight to the
/// branch PCs' first sync of the morning (between 8 h and 9 h 15 min each).
#[test]
fn ksc_5_an_activation_code_renewal_leaves_devices_expired_until_they_sync() {
    let (m, o) = shipped("ksc-activation-code");
    let ws = fleet(&m, &o, "workstations");
    assert_eq!(ws.first_in_state[EXPIRED], Some(365 * DAY));
    assert_eq!(ws.max_by_state[EXPIRED], 600);
    assert!(ws.worst_machine_days > 0.0 && ws.worst_machine_days <= 600.0 * 15.0 / 1440.0);
    let branch = fleet(&m, &o, "branch-pcs");
    let per_device_hours = branch.worst_machine_days * 24.0 / 250.0;
    assert!(
        (8.0..9.25).contains(&per_device_hours),
        "{per_device_hours}"
    );
    assert_eq!(branch.max_by_state[WITH_RESERVE], 0);
    assert!(o.all_held());
}

/// KSC-8, KSC-10: a key for 500 devices on 540: distribution stops at 500; the 40 left
/// have no key. Crossing 90 % raises Info, reaching 100 % Warning; after 20 retirements
/// (usage 96 %, back to Info) the 20 first waiting devices take the freed seats and usage
/// is 100 % again: a second Warning.
#[test]
fn ksc_8_10_a_key_too_small_leaves_devices_without_and_raises_events() {
    let (m, o) = shipped("ksc-device-limit");
    let s = summary(&m, &o);
    let pcs = fleet(&m, &o, "pcs");
    assert_eq!(pcs.max_by_state[NO_KEY], 40);
    assert_eq!(pcs.final_counts[NO_KEY], 20);
    let key = &s["ksc_keys"]["k-500"];
    assert_eq!(key["active_on"], 500);
    assert_eq!(key["peak_usage_share"], 1.0);
    assert_eq!(key["usage_events"]["info"], 1);
    assert_eq!(key["usage_events"]["warning"], 2);
    assert_eq!(key["usage_events"]["critical"], 0);
    assert!(o.all_held());
}

/// KSC-2: with TCP 13000 blocked from day 358 to 372, the branch devices cannot take the
/// renewal key (added on day 360) as reserve; their key ends on day 365 and they run in
/// limited mode until their first synchronisation after the port opens: 7 days and up to
/// 15 minutes each. Head office takes the reserve on day 360 and never expires.
#[test]
fn ksc_2_a_closed_port_keeps_the_branch_in_limited_mode() {
    let (m, o) = shipped("ksc-blocked-port");
    let branch = fleet(&m, &o, "branch-pcs");
    assert_eq!(branch.first_in_state[EXPIRED], Some(365 * DAY));
    assert_eq!(branch.max_by_state[EXPIRED], 120);
    let days = branch.worst_machine_days;
    assert!(
        (7.0 * 120.0..7.0 * 120.0 + 120.0 * 15.0 / 1440.0).contains(&days),
        "{days}"
    );
    let hq = fleet(&m, &o, "hq-pcs");
    assert_eq!(hq.first_in_state[EXPIRED], None);
    assert_eq!(hq.max_by_state[WITH_RESERVE], 400);
    assert!(o.all_held());
}

/// KSC-3: 900 servers ask to keep a connection, the server holds 300: those 300 take the
/// new key (an activation code, so no reserve) the instant the old one ends; the other 600
/// synchronise every 15 minutes and are in limited mode until then.
#[test]
fn ksc_3_persistent_connections_beyond_the_limit_fall_back_to_periodic_syncs() {
    let (m, o) = shipped("ksc-persistent");
    let servers = fleet(&m, &o, "servers");
    assert_eq!(servers.max_by_state[EXPIRED], 600);
    assert!(servers.worst_machine_days <= 600.0 * 15.0 / 1440.0);
    assert!(servers.worst_machine_days > 0.0);
    assert!(o.all_held());
}

fn one_server(fleets: &str, timeline: &str, policy: &str) -> String {
    format!(
        r#"Scenario(
    name: "ksc", duration: "20d", start: "2027-01-04",
    sites: [Site(name: "hq"), Site(name: "branch")],
    links: [Link(between: ("hq", "branch"), allow: [Tcp(13000)])],
    domains: [Domain(name: "corp", dns_site: "hq")],
    kms_hosts: [KmsHost(name: "kms1", site: "hq")],
    ksc_servers: [KscServer(name: "ksc1", site: "hq",
        keys: [LicenseKey(name: "k", source: KeyFile, valid_from: "5d", valid_for: "365d", devices: 100, auto_distribute: true)])],
    fleets: [{fleets}],
    policy: Policy({policy}),
    timeline: [{timeline}],
)"#
    )
}

/// KSC-1: devices synchronise periodically, each from a phase of its own: a key that
/// becomes valid on day 5 reaches the devices at their first synchronisation after,
/// within one interval (15 minutes by default, 1 hour when the policy says so).
#[test]
fn ksc_1_devices_get_a_new_key_within_one_sync_interval() {
    for (policy, interval) in [("", 15 * MINUTE), (r#"ksc_sync_interval: "1h""#, HOUR)] {
        let text = one_server(
            r#"Fleet(name: "pcs", site: "hq", count: 50, activation: Ksc(server: "ksc1"))"#,
            "",
            policy,
        );
        let (m, o) = run(&text);
        let s = summary(&m, &o);
        let first = s["fleets"]["pcs"]["first_licensed_s"].as_u64().unwrap();
        let all = s["fleets"]["pcs"]["all_licensed_s"].as_u64().unwrap();
        assert!(
            first >= 5 * DAY && all < 5 * DAY + interval,
            "{first} {all} {interval}"
        );
        assert!(
            all - first > interval / 2,
            "the phases spread the syncs over the interval"
        );
    }
}

/// KSC-2: a device that cannot reach its server on its port does not synchronise; it does
/// as soon as the port opens.
#[test]
fn ksc_2_no_sync_without_the_port() {
    let text = one_server(
        r#"Fleet(name: "pcs", site: "branch", count: 10, activation: Ksc(server: "ksc1"))"#,
        r#"Event(at: "1d", do: Block(between: ("hq", "branch"), port: Tcp(13000))),
           Event(at: "8d", do: Allow(between: ("hq", "branch"), port: Tcp(13000)))"#,
        "",
    );
    let (m, o) = run(&text);
    let s = summary(&m, &o);
    let first = s["fleets"]["pcs"]["first_licensed_s"].as_u64().unwrap();
    assert!((8 * DAY..8 * DAY + 15 * MINUTE).contains(&first), "{first}");
}

/// A fleet can be Windows clients and Kaspersky-managed devices at once: its Windows
/// licence and its keys are counted apart, in `timeseries.csv` and `ksc_timeseries.csv`.
#[test]
fn a_fleet_can_be_kms_clients_and_kaspersky_devices() {
    let text = one_server(
        r#"Fleet(name: "pcs", site: "hq", count: 30, activation: Kms(), ksc: Ksc(server: "ksc1"))"#,
        "",
        "",
    );
    let (m, o) = run(&text);
    let s = summary(&m, &o);
    assert_eq!(s["fleets"]["pcs"]["final"]["licensed"], 30);
    assert_eq!(s["fleets"]["pcs"]["ksc"]["final"]["active"], 30);
    assert_eq!(s["fleets"]["pcs"]["ksc"]["expired_device_days"], 0.0);
    let windows = String::from_utf8(actsim::report::timeseries_csv(&m, &o)).unwrap();
    let ksc = String::from_utf8(actsim::report::ksc_timeseries_csv(&m, &o)).unwrap();
    assert!(windows.lines().nth(1).unwrap().contains(",pcs,"));
    assert!(ksc.starts_with("time_s,day,fleet,no_key,active,active_with_reserve,expired,offline"));
    assert_eq!(ksc.lines().count(), windows.lines().count());
}

/// KSC-7: removing the key from the storage leaves it on the devices that have it; a device
/// arriving later gets none.
#[test]
fn ksc_7_a_removed_key_stays_on_devices_but_is_not_distributed() {
    let text = one_server(
        r#"Fleet(name: "pcs", site: "hq", count: 10, activation: Ksc(server: "ksc1"))"#,
        r#"Event(at: "6d", do: RemoveLicenseKey(server: "ksc1", key: "k")),
           Event(at: "7d", do: AddMachines(fleet: "pcs", count: 2))"#,
        "",
    );
    let (m, o) = run(&text);
    let s = summary(&m, &o);
    assert_eq!(s["fleets"]["pcs"]["final"]["active"], 10);
    assert_eq!(s["fleets"]["pcs"]["final"]["no_key"], 2);
    assert_eq!(s["ksc_keys"]["k"]["removed_s"], 6 * DAY);
    assert_eq!(s["ksc_keys"]["k"]["active_on"], 10);
}

/// KSC-11: devices in "Unassigned devices" get no auto-distributed key.
#[test]
fn ksc_11_unassigned_devices_get_no_key() {
    let text = one_server(
        r#"Fleet(name: "pcs", site: "hq", count: 10, activation: Ksc(server: "ksc1", unassigned: true))"#,
        "",
        "",
    );
    let (m, o) = run(&text);
    let s = summary(&m, &o);
    assert_eq!(s["fleets"]["pcs"]["final"]["no_key"], 10);
    assert_eq!(s["fleets"]["pcs"]["first_licensed_s"], Value::Null);
}

/// KSC-9: a re-installed device loses its keys (the active one and so its reserve) and
/// gets the distributed key again at its first connection.
#[test]
fn ksc_9_a_reinstall_removes_both_keys() {
    let text = one_server(
        r#"Fleet(name: "pcs", site: "hq", count: 10, activation: Ksc(server: "ksc1"))"#,
        r#"Event(at: "10d", do: Reimage(fleet: "pcs", count: 4))"#,
        "",
    );
    let (m, o) = run(&text);
    let pcs = fleet(&m, &o, "pcs");
    assert_eq!(pcs.final_counts[1], 10, "all active again");
    // Four re-installs: back to no key for an instant, then the key at once.
    assert_eq!(o.populations.len(), 1);
    let s = summary(&m, &o);
    assert_eq!(s["ksc_keys"]["k"]["active_on"], 10);
}
