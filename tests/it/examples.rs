//! The worked examples of docs/rules.md ("Worked examples") and other small scenarios,
//! run whole.

use super::support::*;
use actsim::code::Code;
use actsim::methods::licence::LicenceState;

fn clients(n: u32) -> String {
    format!(r#"Fleet(name: "pcs", site: "hq", count: {n}, activation: Kms())"#)
}

fn state(outcome: &actsim::Outcome, fleet: usize, s: LicenceState) -> u64 {
    outcome.populations[fleet].final_counts[s as usize]
}

#[test]
fn kms_cli_1_twenty_four_clients_never_activate() {
    let (_, o) = run(&one_host("60d", "ServerC", &clients(24), ""));
    assert_eq!(o.populations[0].first_licensed, None);
    assert_eq!(o.outcomes[Code::Activated as usize], 0);
    assert_eq!(state(&o, 0, LicenceState::Notification), 24);
    assert_eq!(o.kms.hosts.as_slice()[0].max_count[0], 24);
    // KMS-CLI-5: notification after the 30-day grace, counted once per machine.
    assert_eq!(
        o.populations[0].first_in_state[LicenceState::Notification as usize],
        Some(30 * DAY)
    );
    assert_eq!(o.outcomes[Code::Notification as usize], 24);
}

#[test]
fn kms_count_2_twenty_five_clients_the_last_asker_at_once_the_rest_at_their_retry() {
    let (_, o) = run(&one_host("10d", "ServerC", &clients(25), ""));
    assert_eq!(o.populations[0].first_licensed, Some(0));
    assert_eq!(o.populations[0].all_licensed, Some(2 * HOUR));
    let first = o.series.attempts[0];
    assert_eq!(
        first[Code::Activated as usize],
        1,
        "only the 25th asker activates at t=0"
    );
    assert_eq!(first[Code::CountTooLow as usize], 24);
    assert_eq!(o.outcomes[Code::Activated as usize], 25);
}

/// KMS-HOST-5: one host serves any number of clients: 20,000 machines on one host all
/// activate and none is refused. Its table, not its service, is what is bounded: it keeps
/// twice the highest threshold (KMS-COUNT-4), so the count it reports stops at 50.
#[test]
fn kms_host_5_one_host_serves_twenty_thousand_clients() {
    let (m, o) = run(&one_host("10d", "ServerC", &clients(20_000), ""));
    let s = summary(&m, &o);
    assert_eq!(state(&o, 0, LicenceState::Licensed), 20_000);
    assert_eq!(o.outcomes[Code::Activated as usize], 20_000);
    for refusal in [
        Code::NoHost,
        Code::ProductRefused,
        Code::HostNotActivated,
        Code::ClockSkew,
    ] {
        assert_eq!(o.outcomes[refusal as usize], 0, "{}", refusal.as_str());
    }
    // Only the first 24 askers, before the count reached 25 (KMS-CLI-1).
    assert_eq!(o.outcomes[Code::CountTooLow as usize], 24);
    assert_eq!(s["hosts"]["kms1"]["max_count"]["windows"], 50);
}

#[test]
fn worked_example_1_twenty_six_clients() {
    let (m, o) = run(&one_host("30d", "ServerC", &clients(26), ""));
    let s = summary(&m, &o);
    assert_eq!(s["fleets"]["pcs"]["first_licensed_s"], 0);
    assert_eq!(s["fleets"]["pcs"]["all_licensed_s"], 7200);
    assert_eq!(o.series.attempts[0][Code::Activated as usize], 2);
    assert_eq!(o.series.attempts[0][Code::CountTooLow as usize], 24);
    // KMS-CLI-3: renewals follow 7 days after each activation: days 7, 14, 21, 28.
    assert_eq!(o.outcomes[Code::Renewed as usize], 26 * 4);
    assert_eq!(s["hosts"]["kms1"]["max_count"]["windows"], 26);
}

#[test]
fn worked_example_2_four_servers_then_one_client_kms_count_4_5() {
    let fleets = r#"Fleet(name: "servers", site: "hq", count: 4, product: "WindowsServerC", activation: Kms()),
                    Fleet(name: "client", site: "hq", count: 1, activation: Kms())"#;
    let (_, o) = run(&one_host("40d", "ServerC", fleets, ""));
    // Servers: counts 1-4 at t=0, 5 at 2 h: all activate then.
    assert_eq!(o.populations[0].first_licensed, Some(2 * HOUR));
    assert_eq!(o.populations[0].all_licensed, Some(2 * HOUR));
    // The client gets 5: the shared count, too low for 25; notification at 30 days.
    assert_eq!(o.populations[1].first_licensed, None);
    assert_eq!(
        o.populations[1].first_in_state[LicenceState::Notification as usize],
        Some(30 * DAY)
    );
    assert_eq!(o.kms.hosts.as_slice()[0].max_count[0], 5);
}

#[test]
fn worked_example_3_office_keeps_its_own_count_kms_count_5() {
    let fleets = r#"Fleet(name: "office", site: "hq", count: 6, product: "Office", activation: Kms()),
                    Fleet(name: "servers", site: "hq", count: 3, product: "WindowsServerC", activation: Kms())"#;
    let (_, o) = run(&one_host("20d", "ServerC, Office", fleets, ""));
    assert_eq!(
        o.series.attempts[0][Code::Activated as usize],
        2,
        "Office counts 5 and 6 activate at once"
    );
    assert_eq!(o.populations[0].all_licensed, Some(2 * HOUR));
    assert_eq!(o.populations[1].first_licensed, None);
    assert_eq!(o.kms.hosts.as_slice()[0].max_count, [3, 6]);
}

#[test]
fn three_clients_and_two_servers_activate_the_servers_only() {
    let fleets = r#"Fleet(name: "clients", site: "hq", count: 3, activation: Kms()),
                    Fleet(name: "servers", site: "hq", count: 2, product: "WindowsServerC", activation: Kms())"#;
    let (_, o) = run(&one_host("20d", "ServerC", fleets, ""));
    assert_eq!(state(&o, 0, LicenceState::Licensed), 0);
    assert_eq!(state(&o, 1, LicenceState::Licensed), 2);
    // The second server gets count 5 at t=0; the first gets 5 again at its 2-hour retry.
    assert_eq!(o.populations[1].first_licensed, Some(0));
    assert_eq!(o.populations[1].all_licensed, Some(2 * HOUR));
}

#[test]
fn worked_example_4_a_host_that_disappears_kms_cli_4_6() {
    let timeline = r#"Event(at: "9d", do: HostDown("kms1"))"#;
    let text = one_host("240d", "ServerC", &clients(30), timeline).replace(
        "timeline:",
        r#"expect: [LicensedShare(fleet: "pcs", at_least: 1.0, at: "186d 23h 59m 59s"),
                   LicensedShare(fleet: "pcs", at_least: 1.0, at: "188d")],
           timeline:"#,
    );
    let (_, o) = run(&text);
    let f = &o.populations[0];
    // Six activate at t=0, the rest at 2 h; renewals on day 7 (at 0 h and 2 h).
    assert_eq!(o.series.attempts[0][Code::Activated as usize], 6);
    // Licences hold until 180 days after the last renewal: day 187 (+2 h for 24 of them).
    assert_eq!(
        f.first_in_state[LicenceState::OotGrace as usize],
        Some(187 * DAY)
    );
    assert_eq!(
        f.first_in_state[LicenceState::Notification as usize],
        Some(217 * DAY)
    );
    assert_eq!(state(&o, 0, LicenceState::Notification), 30);
    assert!(o.outcomes[Code::NoHost as usize] > 0);
    assert!(o.expectations[0].held, "{:?}", o.expectations[0]);
    assert!(!o.expectations[1].held);
    assert!(
        o.expectations[1].detail.contains("188d"),
        "{}",
        o.expectations[1].detail
    );
    // A host that is down receives no requests: only failures after day 9.
    assert!(o.kms.hosts.as_slice()[0].failures > 0);
}

#[test]
fn worked_example_5_service_restart_kms_count_6() {
    let timeline = r#"Event(at: "20d", do: HostRestart("kms1"))"#;
    let (_, o) = run(&one_host("60d", "ServerC", &clients(50), timeline));
    // 24 too-low answers at t=0, 24 more on day 21 after the restart; nobody loses anything.
    assert_eq!(o.outcomes[Code::CountTooLow as usize], 48);
    assert_eq!(o.populations[0].min_licensed_share, Some(1.0));
    assert_eq!(
        o.populations[0].max_by_state[LicenceState::OotGrace as usize],
        0
    );
    let day21 = o.series.attempts[21];
    assert_eq!(day21[Code::CountTooLow as usize], 24);
}

/// Worked example 6: cloned machines share a CMID (KMS-COUNT-7); a rearm gives each a new
/// one (KMS-CLI-7).
#[test]
fn worked_example_6_clones_kms_count_7_and_rearm_kms_cli_7() {
    let fleet = r#"Fleet(name: "clones", site: "hq", count: 30, image: Cloned, activation: Kms())"#;
    let timeline = r#"Event(at: "5d", do: Rearm(fleet: "clones"))"#;
    let (_, o) = run(&one_host("20d", "ServerC", fleet, timeline));
    assert_eq!(
        o.series.hosts[2 * 4].count,
        Some(1),
        "30 clones count once (day 4)"
    );
    assert_eq!(o.populations[0].first_licensed, Some(5 * DAY));
    assert_eq!(o.populations[0].all_licensed, Some(5 * DAY + 2 * HOUR));
    assert_eq!(
        o.kms.hosts.as_slice()[0].max_count[0],
        31,
        "the image's id plus 30 new ones"
    );
}

/// KMS-CLI-7: at most 3 rearms; with none left the rearm fails and nothing changes.
#[test]
fn kms_cli_7_rearm_fails_with_none_left() {
    let fleet = r#"Fleet(name: "clones", site: "hq", count: 30, image: Cloned, activation: Kms())"#;
    let timeline = r#"Event(at: "1d", do: Rearm(fleet: "clones")), Event(at: "2d", do: Rearm(fleet: "clones")),
                      Event(at: "3d", do: Rearm(fleet: "clones")), Event(at: "4d", do: Rearm(fleet: "clones"))"#;
    let (_, o) = run(&one_host("10d", "ServerC", fleet, timeline));
    // Three rearms restart grace; the fourth changes nothing, so the machines licensed
    // after the third stay licensed.
    assert_eq!(
        o.populations[0].final_counts[LicenceState::Licensed as usize],
        30
    );
    assert_eq!(o.populations[0].all_licensed, Some(DAY + 2 * HOUR));
    let after_fourth = o.series.attempts[4];
    assert_eq!(after_fourth[Code::Activated as usize], 0);
}

/// KMS-HOST-2: a host key activates its group and those below; a product above is refused
/// with 0xC004F042.
#[test]
fn kms_host_2_key_group_refuses_a_server_product_with_0xc004f042() {
    let fleet =
        r#"Fleet(name: "srv", site: "hq", count: 5, product: "WindowsServerC", activation: Kms())"#;
    let (_, o) = run(&one_host("5d", "ServerB", fleet, ""));
    assert_eq!(
        o.outcomes[Code::ProductRefused as usize],
        o.outcomes.iter().sum::<u64>()
    );
    assert_eq!(o.populations[0].first_licensed, None);
}

#[test]
fn kms_host_9_clock_skew_is_refused_with_0xc004f06c() {
    let fleet =
        r#"Fleet(name: "pcs", site: "hq", count: 30, clock_skew: "-5h", activation: Kms())"#;
    let (_, o) = run(&one_host("1d", "ServerC", fleet, ""));
    assert_eq!(
        o.outcomes[Code::ClockSkew as usize],
        o.outcomes.iter().sum::<u64>()
    );
}

/// KMS-CLI-9: a major hardware change puts the machine out of tolerance until it
/// reactivates.
#[test]
fn kms_cli_9_hardware_change_goes_out_of_tolerance_then_reactivates() {
    let timeline = r#"Event(at: "3d", do: HardwareChange(fleet: "pcs", count: 5))"#;
    let (_, o) = run(&one_host("10d", "ServerC", &clients(30), timeline));
    assert_eq!(o.outcomes[Code::HardwareChange as usize], 5);
    assert_eq!(
        o.populations[0].max_by_state[LicenceState::OotGrace as usize],
        5
    );
    assert_eq!(
        state(&o, 0, LicenceState::Licensed),
        30,
        "they reactivate at once"
    );
}

/// KMS-HOST-7: the intervals a host sets are sent in every reply and override the client's.
#[test]
fn kms_host_7_host_pushed_renewal_interval_overrides_the_policy() {
    let text = one_host("30d", "ServerC", &clients(25), "").replace(
        r#"keys: [ServerC])"#,
        r#"keys: [ServerC], renewal_interval: "1d")"#,
    );
    let (_, o) = run(&text);
    // Activation on day 0 (one at 0 h, 24 at 2 h), then daily renewals: days 1..=30 at 0 h
    // for the first (the run includes its last instant), days 1..=29 at 2 h for the others.
    assert_eq!(o.outcomes[Code::Renewed as usize], 30 + 24 * 29);
}

#[test]
fn timeline_add_and_retire_machines() {
    let timeline = r#"Event(at: "2d", do: AddMachines(fleet: "pcs", count: 5)),
                      Event(at: "4d", do: RetireMachines(fleet: "pcs", count: 10))"#;
    let (m, o) = run(&one_host("6d", "ServerC", &clients(25), timeline));
    let s = summary(&m, &o);
    assert_eq!(s["fleets"]["pcs"]["machines"], 20);
    assert_eq!(s["fleets"]["pcs"]["final"]["licensed"], 20);
    // The added five activate at arrival (count 26..30).
    assert_eq!(o.series.attempts[2][Code::Activated as usize], 5);
}

#[test]
fn dns_8_static_host_and_dns_7_caching() {
    let text = r#"Scenario(
        name: "two hosts", duration: "20d",
        sites: [Site(name: "hq")],
        domains: [Domain(name: "corp", dns_site: "hq", srv_update: AnyHost)],
        kms_hosts: [KmsHost(name: "a", site: "hq", priority: 0), KmsHost(name: "b", site: "hq", priority: 10)],
        fleets: [Fleet(name: "pinned", site: "hq", count: 5, product: "WindowsServerC", activation: Kms(discovery: Static("b"))),
                 Fleet(name: "pcs", site: "hq", count: 30, activation: Kms())],
        timeline: [Event(at: "3d", do: HostDown("a")), Event(at: "10d", do: HostUp("a"))],
    )"#;
    let (_, o) = run(text);
    // Priority 0 wins (DNS-5) until "a" goes down; the pcs then fail over to "b" (DNS-6) and
    // keep "b" even after "a" is back (DNS-7); the pinned servers only ever ask "b" (DNS-8).
    assert_eq!(o.kms.hosts.as_slice()[1].max_count[0], 35);
    let a_requests_after_day_10: u64 = (11..=20).map(|d| o.series.hosts[d * 4].requests).sum();
    assert_eq!(a_requests_after_day_10, 0);
    assert!(o.kms.hosts.as_slice()[0].failures > 0);
    assert_eq!(o.populations[1].min_licensed_share, Some(1.0));
}

/// DNS-1, DNS-3: hosts publish their SRV records by dynamic update; with default
/// permissions only the record's creator can, so the second host's publishing fails.
#[test]
fn dns_3_creator_only_lets_the_first_host_publish() {
    let text = r#"Scenario(
        name: "creator", duration: "2d",
        sites: [Site(name: "hq")],
        domains: [Domain(name: "corp", dns_site: "hq")],
        kms_hosts: [KmsHost(name: "a", site: "hq"), KmsHost(name: "b", site: "hq")],
        fleets: [Fleet(name: "pcs", site: "hq", count: 40, activation: Kms())],
    )"#;
    let (_, o) = run(text);
    assert_eq!(
        o.kms.hosts.as_slice()[1].requests,
        0,
        "b failed to publish its SRV record"
    );
    let any = text.replace(
        r#"dns_site: "hq")"#,
        r#"dns_site: "hq", srv_update: AnyHost)"#,
    );
    let (_, o) = run(&any);
    // KMS-COUNT-8: both published, the 40 clients split between them and nobody activates.
    assert!(o.kms.hosts.as_slice()[0].requests > 0 && o.kms.hosts.as_slice()[1].requests > 0);
    assert!(
        o.kms.hosts.as_slice()[0].max_count[0] < 25 && o.kms.hosts.as_slice()[1].max_count[0] < 25
    );
    assert_eq!(o.populations[0].first_licensed, None);
}

#[test]
fn initial_activated_machines_start_licensed_with_cmids_in_the_table() {
    let fleet = r#"Fleet(name: "pcs", site: "hq", count: 100, initial: Activated(age_up_to: "7d"), activation: Kms())"#;
    let (_, o) = run(&one_host("30d", "ServerC", fleet, ""));
    assert_eq!(o.populations[0].first_licensed, Some(0));
    assert_eq!(o.populations[0].min_licensed_share, Some(1.0));
    assert_eq!(
        o.outcomes[Code::CountTooLow as usize],
        0,
        "the table already holds their CMIDs"
    );
    assert_eq!(
        o.series.hosts[0].count,
        Some(50),
        "capacity 50 (KMS-COUNT-4)"
    );
}

/// KMS-HOST-6: a record created by hand with the wrong port reaches nothing.
#[test]
fn kms_host_6_a_record_with_the_wrong_port_reaches_nothing() {
    let text = one_host("1d", "ServerC", &clients(30), "")
        .replace(r#"keys: [ServerC])]"#, r#"keys: [ServerC], publish: false)], manual_srv: [Srv(domain: "corp", target: "kms1", port: 1689)]"#);
    let (_, o) = run(&text);
    assert_eq!(
        o.outcomes[Code::NoHost as usize],
        o.outcomes.iter().sum::<u64>()
    );
    assert_eq!(o.kms.hosts.as_slice()[0].requests, 0);
    assert!(o.kms.hosts.as_slice()[0].failures > 0);
}

/// KMS-HOST-4, KMS-HOST-10: a shared host key activates at most `max_hosts` hosts, and a
/// reinstall with no reactivation left leaves the host unactivated (0xC004F041).
#[test]
fn kms_host_4_host_key_limits() {
    let text = r#"Scenario(
        name: "keys", duration: "4d",
        sites: [Site(name: "hq")],
        domains: [Domain(name: "corp", dns_site: "hq")],
        host_keys: [HostKey(name: "k", max_hosts: 1, reactivations: 0)],
        kms_hosts: [KmsHost(name: "a", site: "hq", host_key: "k"), KmsHost(name: "b", site: "hq", host_key: "k", publish: false)],
        fleets: [Fleet(name: "to-a", site: "hq", count: 5, product: "WindowsServerC", activation: Kms(discovery: Static("a"))),
                 Fleet(name: "to-b", site: "hq", count: 5, product: "WindowsServerC", activation: Kms(discovery: Static("b")))],
        timeline: [Event(at: "2d", do: HostReinstall("a"))],
    )"#;
    let (_, o) = run(text);
    assert_eq!(o.populations[0].first_licensed, Some(0));
    assert_eq!(
        o.populations[1].first_licensed, None,
        "b is the second host on a one-host key"
    );
    assert_eq!(o.kms.hosts.as_slice()[1].max_count[0], 0);
    // Only "a" now: after its reinstall (no reactivation left) the day-7 renewals are
    // refused; until then nothing was.
    let only_a = text
        .replace("duration: \"4d\"", "duration: \"8d\"")
        .replace(",\n                 Fleet(name: \"to-b\", site: \"hq\", count: 5, product: \"WindowsServerC\", activation: Kms(discovery: Static(\"b\")))", "");
    let (m, o) = run(&only_a);
    assert_eq!(m.fleets.len(), 1);
    let refused = |d: usize| o.series.attempts[d][Code::HostNotActivated as usize];
    assert_eq!((0..=6).map(refused).sum::<u64>(), 0);
    assert!(refused(7) > 0);
    assert_eq!(
        o.populations[0].final_counts[LicenceState::Licensed as usize],
        5,
        "a failed renewal keeps the licence"
    );
}

/// KMS-COUNT-2: `HostCount` reads the host's count at grid samples (`from`) and at an extra
/// sample off the grid (`at`); a host that does not exist yet is not checked.
#[test]
fn kms_count_2_host_count_expectation() {
    let expect = r#"expect: [
            HostCount(host: "kms1", pool: Windows, at_least: 24, at_most: 24, from: "1d"),
            HostCount(host: "kms1", pool: Windows, at_most: 23, at: "1d 12h"),
            HostCount(host: "kms1", pool: Office, at_most: 0, from: "0d"),
            HostCount(host: "kms2", pool: Windows, at_least: 1, from: "0d"),
        ],
        timeline:"#;
    let text = one_host("3d", "ServerC", &clients(24), "")
        .replace(
            r#"keys: [ServerC])]"#,
            r#"keys: [ServerC]), KmsHost(name: "kms2", site: "hq", publish: false)]"#,
        )
        .replace("timeline:", expect)
        .replace(
            "timeline: [],",
            r#"timeline: [Event(at: "2d 12h", do: AddHost("kms2"))],"#,
        );
    let (_, o) = run(&text);
    let e = &o.expectations;
    assert!(e[0].held, "{:?}", e[0]);
    assert!(!e[1].held);
    assert_eq!(
        e[1].detail,
        "count 24 at 1d 12h is above at_most 23; lowest 24 at 1d 12h, highest 24 at 1d 12h"
    );
    assert!(e[2].held, "{:?}", e[2]);
    // kms2 exists from 2d 12h on and nobody asks it: only the sample at 3d is checked.
    assert!(!e[3].held);
    assert!(e[3].detail.starts_with("count 0 at 3d"), "{}", e[3].detail);
}

#[test]
fn host_count_needs_a_bound_and_one_time() {
    for (bounds, error) in [
        (r#"from: "1d""#, "give `at_least`, `at_most` or both"),
        (
            r#"at_least: 5, at_most: 4, from: "1d""#,
            "at_least 5 is above at_most 4",
        ),
        (r#"at_least: 5"#, "give exactly one of `from` or `at`"),
    ] {
        let text = one_host("3d", "ServerC", &clients(3), "").replace(
            "timeline:",
            &format!(r#"expect: [HostCount(host: "kms1", pool: Windows, {bounds})], timeline:"#),
        );
        let e = actsim::parse("t.ron", text.as_bytes()).unwrap_err();
        assert!(e.to_string().contains(error), "{e}");
    }
}

/// KMS-COUNT-3: an entry seen exactly `cmid_retention` ago has gone. A lab re-imaged every
/// 7 days with a 7-day cache alternates (docs/cookbook.md, "A cache exactly as long as the
/// re-imaging cycle"): the PCs that activated at 06:00 are forgotten at the next re-image,
/// those that activated at their 08:00 retry are not, so one Monday starts from 0 and the
/// next from 24.
#[test]
fn kms_count_3_a_cache_as_long_as_the_reimaging_cycle() {
    let text = std::fs::read_to_string("scenarios/lab-turnover.ron")
        .unwrap()
        .replace(r#"cmid_retention: "10d""#, r#"cmid_retention: "7d""#);
    let (_, o) = run(&text);
    let refused = |day: usize| o.series.attempts[day + 1][Code::CountTooLow as usize];
    // Week 8 (day 56) starts from 0: 24 refusals; week 9 (day 63) from 24: none.
    assert_eq!(refused(56), 24);
    assert_eq!(refused(63), 0);
    assert_eq!(refused(70), 24);
    assert_eq!(refused(77), 0);
    // With the scenario's 10 days, no Monday refuses anything.
    let (_, o) = shipped("lab-turnover");
    let total: u64 = (56..119)
        .map(|d| o.series.attempts[d][Code::CountTooLow as usize])
        .sum();
    assert_eq!(total, 0);
}
