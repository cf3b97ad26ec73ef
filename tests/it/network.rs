//! Networks: the shipped network scenarios with outcomes worked out from the rules, and small
//! networks that isolate one rule each (firewalls, links, DNS reach, publishing, replication,
//! caching, offline schedules).

use super::support::*;
use actsim::code::Code;
use actsim::methods::licence::LicenceState::{self, *};

fn final_count(o: &actsim::Outcome, fleet: usize, s: LicenceState) -> u64 {
    o.populations[fleet].final_counts[s as usize]
}

fn all_held(o: &actsim::Outcome) {
    let failed: Vec<_> = o.expectations.iter().filter(|e| !e.held).collect();
    assert!(failed.is_empty(), "{failed:?}");
}

/// NET-1, KMS-HOST-6: DNS crosses the branch link but TCP 1688 does not until the change at
/// 35d 9h. Branch PCs try every 2 hours (KMS-CLI-2) from t=0: attempts at 0, 2h, ... 35d 8h,
/// 425 each, all 0xC004F074; grace ends at 30d (KMS-CLI-5); the 10:00 retry activates them
/// all, since HQ's 40 desktops keep kms1's count above 25.
#[test]
fn net_1_kms_host_6_branch_firewall_opens_on_day_35() {
    let (_, o) = shipped("branch-firewall");
    all_held(&o);
    assert_eq!(o.outcomes[Code::NoHost as usize], 30 * 425);
    assert_eq!(
        o.kms.hosts.as_slice()[0].failures,
        30 * 425,
        "each one a failed contact of kms1"
    );
    let branch = &o.populations[1];
    assert_eq!(branch.first_in_state[Notification as usize], Some(30 * DAY));
    assert_eq!(o.outcomes[Code::Notification as usize], 30);
    assert_eq!(branch.first_licensed, Some(35 * DAY + 10 * HOUR));
    assert_eq!(branch.all_licensed, Some(35 * DAY + 10 * HOUR));
    assert_eq!(o.populations[0].all_licensed, Some(2 * HOUR));
}

/// NET-3: the lab's host counts only the lab's 23 machines. Servers (threshold 5) activate at
/// once; PCs (25) ask every 2 hours for 60 days (721 attempts each, all 0xC004F038) and enter
/// notification at 30d. HQ's 300 desktops: only the first 24 askers are refused at t=0.
#[test]
fn net_3_isolated_lab_needs_its_own_threshold() {
    let (_, o) = shipped("isolated-lab");
    all_held(&o);
    let (hq, lab) = (&o.kms.hosts.as_slice()[0], &o.kms.hosts.as_slice()[1]);
    assert_eq!(lab.max_count[0], 23);
    assert_eq!(
        hq.max_count[0], 50,
        "HQ's count stops at twice the threshold"
    );
    assert_eq!(o.populations[1].first_licensed, None);
    assert_eq!(final_count(&o, 1, Notification), 20);
    assert_eq!(o.populations[2].all_licensed, Some(0));
    assert_eq!(o.outcomes[Code::CountTooLow as usize], 24 + 20 * 721);
    assert_eq!(
        o.outcomes[Code::NoHost as usize],
        0,
        "no lab machine ever reaches HQ"
    );
}

/// NET-2: Daily laptops start at 08:00 plus up to an hour of jitter; their arrival at
/// midnight is an offline outcome. Ships (online 0-20d, 220d-end) renew last on day 14,
/// drop to oot_grace at 194d (KMS-CLI-4), their day-21 renewal waits offline and runs on day
/// 220, before notification at 224d (KMS-CLI-6).
#[test]
fn net_2_laptops_by_day_and_ships_at_sea() {
    let (_, o) = shipped("laptops-and-ships");
    all_held(&o);
    let (laptops, ships) = (&o.populations[1], &o.populations[2]);
    let first = laptops.first_licensed.unwrap();
    assert!((8 * HOUR..9 * HOUR).contains(&first), "{first}");
    assert!(laptops.all_licensed.unwrap() < 9 * HOUR);
    assert_eq!(laptops.first_in_state[OotGrace as usize], None);
    assert_eq!(ships.first_in_state[OotGrace as usize], Some(194 * DAY));
    assert_eq!(ships.first_in_state[Notification as usize], None);
    assert_eq!(
        o.outcomes[Code::Offline as usize],
        100 + 12,
        "laptops at arrival, ships at their day-21 renewal"
    );
    // At the end (midnight) the laptops are off and the ships in port.
    assert_eq!(final_count(&o, 1, Licensed), 100);
    assert_eq!(laptops.final_counts[4], 100);
    assert_eq!(ships.final_counts[4], 0);
    assert_eq!(final_count(&o, 2, Licensed), 12);
}

/// DNS-4, DNS-5, DNS-6, DNS-7: the stale record has the better priority, so every discovery
/// tries it first. 100 caching desktops pay once each; 20 kiosks without caching pay at their
/// activation on day 1 and each weekly renewal before the record goes on day 90 (days 8 ...
/// 85): 13 times each. Nobody fails an attempt.
#[test]
fn dns_4_stale_record_costs_one_failed_connection_per_discovery() {
    let (_, o) = shipped("stale-srv");
    all_held(&o);
    assert_eq!(o.kms.stale_record_failures.as_slice()[0], 100 + 20 * 13);
    assert_eq!(o.outcomes[Code::NoHost as usize], 0);
}

/// DNS-3, KMS-HOST-8: with CreatorOnly permissions kms2's registrations are refused while
/// kms1's record stands, so DNS names only the dead kms1: all licences lapse at 208d (last
/// renewal day 28, KMS-CLI-4), kms2 is never asked. After the record is removed on day 215,
/// kms2's next daily registration (within 24 h) becomes visible 15 minutes later (DNS-4) and
/// the next 2-hourly retry finds it.
#[test]
fn dns_3_kms_host_8_creator_only_standby_is_invisible_until_the_record_goes() {
    let (_, o) = shipped("creator-only");
    all_held(&o);
    let desktops = &o.populations[0];
    assert_eq!(desktops.first_in_state[OotGrace as usize], Some(208 * DAY));
    assert_eq!(desktops.max_by_state[OotGrace as usize], 200);
    let kms2 = o.kms.hosts.as_slice()[1].threshold_reached[0].unwrap();
    assert!(
        (215 * DAY..216 * DAY + 15 * 60 + 2 * HOUR).contains(&kms2),
        "{kms2}"
    );
    // Everything kms2 answered came after day 215: 200 activations (24 of them refused
    // first) and the weekly renewals after.
    assert_eq!(o.outcomes[Code::Activated as usize], 200 + 200);
}

/// Two sites, one host at HQ with `host` extra fields, a link with `allow`, and the given
/// fleets and timeline.
fn two_sites(duration: &str, host: &str, allow: &str, fleets: &str, timeline: &str) -> String {
    format!(
        r#"Scenario(
    name: "t", duration: "{duration}",
    sites: [Site(name: "hq"), Site(name: "branch")],
    links: [Link(between: ("hq", "branch"), allow: [{allow}])],
    domains: [Domain(name: "corp", dns_site: "hq")],
    kms_hosts: [KmsHost(name: "kms1", site: "hq"{host})],
    fleets: [{fleets}],
    timeline: [{timeline}],
)"#
    )
}

const BRANCH_30: &str = r#"Fleet(name: "branch", site: "branch", count: 30, activation: Kms())"#;

/// NET-1: TCP 1688 alone is not enough for DNS discovery, which needs UDP 53 to the DNS
/// server; a host set by hand (DNS-8) needs no DNS.
#[test]
fn net_1_discovery_needs_a_path_to_the_dns_server() {
    let fleets = format!(
        r#"{BRANCH_30}, Fleet(name: "pinned", site: "branch", count: 30, activation: Kms(discovery: Static("kms1")))"#
    );
    let (_, o) = run(&two_sites("3d", "", "Tcp(1688)", &fleets, ""));
    assert_eq!(o.populations[0].first_licensed, None);
    assert_eq!(
        o.outcomes[Code::NoHost as usize],
        30 * 37,
        "every 2 hours for 3 days"
    );
    assert_eq!(o.populations[1].all_licensed, Some(2 * HOUR));
    assert_eq!(
        o.kms.hosts.as_slice()[0].failures,
        0,
        "DNS failed before any host was tried"
    );
}

/// NET-1: a path over several links, each of which must be up and allow the port. The hub's
/// uplink is down from day 10 to day 15; the branch arrives on day 12 and waits for it.
#[test]
fn net_1_multi_hop_path_and_link_down() {
    let text = r#"Scenario(
    name: "t", duration: "20d",
    sites: [Site(name: "hq"), Site(name: "hub"), Site(name: "branch")],
    links: [
        Link(between: ("branch", "hub"), allow: [Tcp(1688), Udp(53)]),
        Link(between: ("hub", "hq"), allow: [Tcp(1688), Udp(53)]),
    ],
    domains: [Domain(name: "corp", dns_site: "hq")],
    kms_hosts: [KmsHost(name: "kms1", site: "hq")],
    fleets: [Fleet(name: "branch", site: "branch", count: 30, activation: Kms(), arrival: At("12d"))],
    timeline: [
        Event(at: "10d", do: LinkDown(between: ("hq", "hub"))),
        Event(at: "15d", do: LinkUp(between: ("hub", "hq"))),
    ],
)"#;
    let (_, o) = run(text);
    // Attempts at 12d, 12d 2h, ... 14d 22h fail: 36 each.
    assert_eq!(o.outcomes[Code::NoHost as usize], 30 * 36);
    assert_eq!(o.populations[0].first_licensed, Some(15 * DAY));
    assert_eq!(o.populations[0].all_licensed, Some(15 * DAY + 2 * HOUR));
}

/// NET-1: blocking TCP 1688 makes renewals fail; they retry every 2 hours (KMS-CLI-2) and
/// succeed at the first try after the port is allowed again. The 6 machines activated at t=0
/// retry from 7d (156 tries up to 19d 22h), the 24 activated at 2 h from 7d 2h (155); all
/// are on the same 2-hour grid, so all 30 renew at 20d.
#[test]
fn net_1_block_then_allow_delays_renewals() {
    let fleets = r#"Fleet(name: "branch", site: "branch", count: 30, activation: Kms())"#;
    let timeline = r#"Event(at: "3d", do: Block(between: ("hq", "branch"), port: Tcp(1688))),
                      Event(at: "20d", do: Allow(between: ("hq", "branch"), port: Tcp(1688)))"#;
    let (_, o) = run(&two_sites(
        "20d 1h",
        "",
        "Tcp(1688), Udp(53)",
        fleets,
        timeline,
    ));
    assert_eq!(o.outcomes[Code::NoHost as usize], 6 * 156 + 24 * 155);
    assert_eq!(o.outcomes[Code::Renewed as usize], 30);
    assert_eq!(o.populations[0].first_in_state[OotGrace as usize], None);
    assert_eq!(
        o.populations[0].min_licensed_share,
        Some(1.0),
        "validity is 180 days"
    );
}

/// KMS-HOST-6: a host moved off 1688 needs its own port opened; the SRV record carries it.
#[test]
fn kms_host_6_a_host_on_another_port_needs_that_port_open() {
    let host = ", port: 2000";
    let (_, closed) = run(&two_sites("1d", host, "Tcp(1688), Udp(53)", BRANCH_30, ""));
    assert_eq!(closed.populations[0].first_licensed, None);
    assert_eq!(closed.kms.hosts.as_slice()[0].failures, 30 * 13);
    let (_, open) = run(&two_sites("1d", host, "Tcp(2000), Udp(53)", BRANCH_30, ""));
    assert_eq!(open.populations[0].all_licensed, Some(2 * HOUR));
}

/// DNS-2: a host publishes in its own domain only, unless its publish list names more; a
/// client finds other domains' records through its suffix search list.
#[test]
fn dns_2_publish_list_and_suffix_search() {
    let scenario = |host: &str, fleet: &str| {
        format!(
            r#"Scenario(
    name: "t", duration: "1d",
    sites: [Site(name: "hq")],
    domains: [Domain(name: "corp", dns_site: "hq"), Domain(name: "sales", dns_site: "hq")],
    kms_hosts: [KmsHost(name: "kms1", site: "hq", domain: "corp"{host})],
    fleets: [Fleet(name: "sales", site: "hq", domain: "sales", count: 30, activation: Kms(){fleet})],
)"#
        )
    };
    let (_, own_only) = run(&scenario("", ""));
    assert_eq!(own_only.populations[0].first_licensed, None);
    assert_eq!(own_only.outcomes[Code::NoHost as usize], 30 * 13);
    let (_, listed) = run(&scenario(r#", publish_domains: ["sales"]"#, ""));
    assert_eq!(listed.populations[0].all_licensed, Some(2 * HOUR));
    let (_, searched) = run(&scenario("", r#", dns_suffixes: ["corp"]"#));
    assert_eq!(searched.populations[0].all_licensed, Some(2 * HOUR));
}

/// DNS-4: a removal reaches clients only after the replication delay. The hand-made record
/// of kms1 (which does not publish itself) goes at 1d with a 6-hour delay: a fleet arriving
/// at 1d 5h still finds kms1, one arriving at 1d 7h finds nothing, ever.
#[test]
fn dns_4_replication_delay_of_a_removal() {
    let text = r#"Scenario(
    name: "t", duration: "3d",
    sites: [Site(name: "hq")],
    domains: [Domain(name: "corp", dns_site: "hq", replication_delay: "6h")],
    kms_hosts: [KmsHost(name: "kms1", site: "hq", publish: false)],
    manual_srv: [Srv(domain: "corp", target: "kms1", port: 1688, priority: 0, weight: 0)],
    fleets: [
        Fleet(name: "early", site: "hq", count: 30, activation: Kms(), arrival: At("1d 5h")),
        Fleet(name: "late", site: "hq", count: 30, activation: Kms(), arrival: At("1d 7h")),
    ],
    timeline: [Event(at: "1d", do: RemoveSrv(domain: "corp", target: "kms1"))],
)"#;
    let (_, o) = run(text);
    assert_eq!(o.populations[0].all_licensed, Some(DAY + 7 * HOUR));
    assert_eq!(o.populations[1].first_licensed, None);
    assert_eq!(
        o.kms.stale_record_failures.as_slice()[0],
        0,
        "kms1 is a real host, not a stale record"
    );
}

/// DNS-7: a client keeps its cached host even after the preferred host returns; with caching
/// off (/ckhc) every attempt starts from DNS and the preferred host gets the renewals back.
#[test]
fn dns_7_cached_host_is_kept_after_the_preferred_one_returns() {
    let scenario = |caching: bool| {
        format!(
            r#"Scenario(
    name: "t", duration: "15d",
    sites: [Site(name: "hq")],
    domains: [Domain(name: "corp", dns_site: "hq", srv_update: AnyHost)],
    kms_hosts: [
        KmsHost(name: "preferred", site: "hq", priority: 0),
        KmsHost(name: "standby", site: "hq", priority: 10),
    ],
    fleets: [Fleet(name: "pcs", site: "hq", count: 30, activation: Kms(), host_caching: {caching})],
    timeline: [
        Event(at: "0d", do: HostDown("preferred")),
        Event(at: "1d", do: HostUp("preferred")),
    ],
)"#
        )
    };
    let (_, cached) = run(&scenario(true));
    assert_eq!(
        cached.kms.hosts.as_slice()[0].failures,
        30,
        "one failover each, then the cache"
    );
    assert_eq!(cached.kms.hosts.as_slice()[0].requests, 0);
    assert_eq!(cached.outcomes[Code::Renewed as usize], 60, "days 7 and 14");
    let (_, uncached) = run(&scenario(false));
    // The 24 refused at t=0 try the preferred host again at 2 h: down, so 54 failures.
    assert_eq!(uncached.kms.hosts.as_slice()[0].failures, 30 + 24);
    // Every renewal goes back to it. Its own table starts empty: at 7d the first 24 renewals
    // see a count below 25 and retry 2 hours later (KMS-COUNT-2), then 30 more at 14d.
    assert_eq!(uncached.kms.hosts.as_slice()[0].requests, 30 + 24 + 30);
}

/// KMS-HOST-9: more than 4 hours of clock difference is refused with 0xC004F06C.
#[test]
fn kms_host_9_clock_skew_over_four_hours_is_refused_in_a_run() {
    let fleets = r#"Fleet(name: "ok", site: "hq", count: 30, activation: Kms(), clock_skew: "-3h 59m"),
                    Fleet(name: "skewed", site: "hq", count: 5, activation: Kms(), clock_skew: "4h 1m")"#;
    let (_, o) = run(&one_host("1d", "ServerC", fleets, ""));
    assert_eq!(o.populations[0].all_licensed, Some(2 * HOUR));
    assert_eq!(o.populations[1].first_licensed, None);
    assert_eq!(o.outcomes[Code::ClockSkew as usize], 5 * 13);
}
