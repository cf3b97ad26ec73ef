//! MAK, AD-based activation, product generations, and organisations that mix them: whole
//! scenarios with figures worked out by hand from the rules.

use crate::support::{DAY, HOUR, model, run, shipped, summary};
use serde_json::Value;

fn fleet<'a>(s: &'a Value, name: &str) -> &'a Value {
    &s["fleets"][name]
}

/// MAK-1, MAK-2: 12 PCs on 50 activations, re-imaged on days 30, 60, 90, 120 (each
/// re-image a new installation). 12 + 12 + 12 + 12 = 48; on day 120 the machines ask in
/// index order and the first two take the last two activations. The other ten fail with
/// 0xC004C020 every 2 hours to the end (60 days × 12 + 1 = 721 each), stay in grace 30
/// days, then notification from day 150 (10 × 30 machine-days).
#[test]
fn mak_1_a_branch_runs_out_at_the_fourth_re_image() {
    let (m, o) = shipped("mak-branch");
    let s = summary(&m, &o);
    assert_eq!(s["mak_keys"]["mak-branch"]["used"], 50);
    assert_eq!(s["mak_keys"]["mak-branch"]["remaining"], 0);
    assert_eq!(s["mak_keys"]["mak-branch"]["exhausted_s"], 120 * DAY);
    assert_eq!(s["outcomes"]["0xC004C020"], 10 * 721);
    let branch = fleet(&s, "branch-pcs");
    assert_eq!(branch["final"]["licensed"], 2);
    assert_eq!(branch["final"]["notification"], 10);
    assert_eq!(branch["notification_machine_days"], 300.0);
    // MAK-2: the activations are for good: no renewal is ever counted for the branch (the
    // 1,500 renewals are the 60 HQ desktops': 25 weekly rounds).
    assert_eq!(s["outcomes"]["renewed"], 60 * 25);
    assert!(o.all_held());
}

/// MAK-2 (proxy): the VAMT host's batch runs at 12:00 every day, so each re-imaged PC waits
/// until noon; after the key runs out on day 120 at noon, the ten left fail once per daily
/// batch (days 120 to 179: 60 batches × 10).
#[test]
fn mak_2_a_vamt_proxy_activates_in_a_daily_batch() {
    let (m, o) = shipped("mak-proxy");
    let s = summary(&m, &o);
    assert_eq!(fleet(&s, "branch-pcs")["first_licensed_s"], 12 * HOUR);
    assert_eq!(
        s["mak_keys"]["mak-branch"]["exhausted_s"],
        120 * DAY + 12 * HOUR
    );
    assert_eq!(s["outcomes"]["0xC004C020"], 600);
    assert!(o.all_held());
}

fn mak_scenario(mode: &str, links: &str, timeline: &str) -> String {
    format!(
        r#"Scenario(
    name: "mak", duration: "60d",
    sites: [Site(name: "hq"), Site(name: "ship")],
    links: [{links}],
    mak_keys: [MakKey(name: "k", activations: 10)],
    fleets: [Fleet(name: "pcs", site: "ship", count: 4, activation: Mak(key: "k", mode: {mode}))],
    timeline: [{timeline}],
)"#
    )
}

/// MAK-1: re-images and hardware changes use an activation each; a rearm too (the machine
/// starts a new grace and must activate again).
#[test]
fn mak_1_every_activation_uses_one_re_images_and_hardware_changes_included() {
    let text = mak_scenario(
        "Independent",
        r#"Link(between: ("ship", "internet"), allow: [Tcp(443)])"#,
        r#"Event(at: "10d", do: Reimage(fleet: "pcs", count: 2)),
           Event(at: "20d", do: HardwareChange(fleet: "pcs", count: 3)),
           Event(at: "30d", do: Rearm(fleet: "pcs"))"#,
    );
    let (m, o) = run(&text);
    let s = summary(&m, &o);
    // 4 + 2 = 6, then 3 more = 9, then the rearm of 4: one activation left for four.
    assert_eq!(s["mak_keys"]["k"]["used"], 10);
    assert_eq!(s["mak_keys"]["k"]["exhausted_s"], 30 * DAY);
    assert_eq!(fleet(&s, "pcs")["final"]["licensed"], 1);
    assert_eq!(s["outcomes"]["0xC004F00F"], 3);
}

/// MAK-2: independent activation needs a path to the internet on TCP 443; without one the
/// attempt is 0xC004F074 every 2 hours and nothing is used.
#[test]
fn mak_2_independent_needs_the_internet() {
    let (m, o) = run(&mak_scenario("Independent", "", ""));
    let s = summary(&m, &o);
    assert_eq!(s["mak_keys"]["k"]["used"], 0);
    assert_eq!(s["outcomes"]["0xC004F074"], 4 * (60 * 12 + 1));
    assert_eq!(fleet(&s, "pcs")["final"]["notification"], 4);
}

/// MAK-2 (telephone): no network at all; each activation happens `delay` after it is
/// needed and uses one activation.
#[test]
fn mak_2_by_telephone_needs_no_network() {
    let text = mak_scenario(
        r#"Phone(delay: "1d")"#,
        "",
        r#"Event(at: "10d", do: Reimage(fleet: "pcs", count: 1))"#,
    );
    let (m, o) = run(&text);
    let s = summary(&m, &o);
    assert_eq!(fleet(&s, "pcs")["first_licensed_s"], DAY);
    assert_eq!(s["mak_keys"]["k"]["used"], 5);
    assert_eq!(s["outcomes"]["activated"], 5);
    // The re-imaged machine is licensed again one day after the re-image.
    let pcs = &o.populations[0];
    assert_eq!(pcs.final_counts[1], 4);
    let licensed_at = |day: usize| o.series.rows[day].columns[1];
    assert_eq!(licensed_at(10), 3);
    assert_eq!(licensed_at(11), 4);
}

fn adba_scenario(domain: &str, fleet: &str, links: &str) -> String {
    format!(
        r#"Scenario(
    name: "adba", duration: "30d",
    sites: [Site(name: "hq"), Site(name: "branch")],
    links: [{links}],
    domains: [{domain}],
    kms_hosts: [KmsHost(name: "kms1", site: "hq")],
    fleets: [
        Fleet(name: "desktops", site: "hq", count: 30, activation: Kms()),
        {fleet},
    ],
)"#
    )
}

const AD_DOMAIN: &str = r#"Domain(name: "corp", dns_site: "hq", dc_sites: ["hq"], adba: true)"#;
const ALL_PORTS: &str = r#"Link(between: ("hq", "branch"), allow: [Tcp(389), Tcp(1688), Udp(53)])"#;

/// ADBA-1: a domain-joined machine of a supported product activates from its domain's
/// activation object at once: no threshold, no KMS request. ADBA-2: it re-checks every 7
/// days (four renewals in 30 days).
#[test]
fn adba_1_2_activates_without_a_count_and_re_checks_weekly() {
    let text = adba_scenario(
        AD_DOMAIN,
        r#"Fleet(name: "pcs", site: "branch", count: 3, product: "Windows10", activation: Adba(fallback_kms: false))"#,
        ALL_PORTS,
    );
    let (m, o) = run(&text);
    let s = summary(&m, &o);
    assert_eq!(fleet(&s, "pcs")["first_licensed_s"], 0);
    assert_eq!(fleet(&s, "pcs")["final"]["licensed"], 3);
    // Only the desktops ask the host: 30 at t = 0, 24 retries, 4 weekly renewals each.
    assert_eq!(s["hosts"]["kms1"]["requests"], 30 + 24 + 30 * 4);
    assert_eq!(s["outcomes"]["renewed"], 30 * 4 + 3 * 4);
}

/// ADBA-2: a product older than generation 3 (Windows 7), a domain without an activation
/// object, or no domain controller reachable on TCP 389: with `fallback_kms` the machine
/// asks KMS in the same attempt; without, the attempt fails with 0xC004F074.
#[test]
fn adba_2_falls_back_to_kms_or_fails() {
    let with = |domain: &str, product: &str, links: &str, fallback: bool| {
        let fleet = format!(
            r#"Fleet(name: "pcs", site: "branch", count: 3, product: "{product}", activation: Adba(fallback_kms: {fallback}))"#
        );
        let (m, o) = run(&adba_scenario(domain, &fleet, links));
        summary(&m, &o)
    };
    let no_object = r#"Domain(name: "corp", dns_site: "hq", dc_sites: ["hq"], adba: false)"#;
    let no_ldap = r#"Link(between: ("hq", "branch"), allow: [Tcp(1688), Udp(53)])"#;
    for (domain, product, links) in [
        (AD_DOMAIN, "Windows7", ALL_PORTS),
        (no_object, "Windows10", ALL_PORTS),
        (AD_DOMAIN, "Windows10", no_ldap),
    ] {
        let s = with(domain, product, links, true);
        // The three machines join the KMS count (30 desktops already there): licensed at 0.
        assert_eq!(
            fleet(&s, "pcs")["first_licensed_s"],
            0,
            "{product} {domain} {links}"
        );
        assert_eq!(s["hosts"]["kms1"]["requests"], 30 + 24 + 30 * 4 + 3 + 3 * 4);
        let s = with(domain, product, links, false);
        assert_eq!(fleet(&s, "pcs")["final"]["notification"], 3);
        assert_eq!(s["outcomes"]["0xC004F074"], 3 * (30 * 12 + 1));
    }
}

/// ADBA-2: validity runs `adba_validity` from the last successful check; laptops away 200
/// days fall out of tolerance 180 days after their last check (day 7) and are licensed
/// again the moment they are back (day 210), like their KMS twins.
#[test]
fn adba_2_laptops_away_fall_out_of_tolerance_after_180_days() {
    let (m, o) = shipped("adba-laptops");
    let s = summary(&m, &o);
    for name in ["laptops-adba", "laptops-kms"] {
        let p = o
            .populations
            .iter()
            .find(|p| m.fleets[p.population.fleet].name == name)
            .unwrap();
        assert_eq!(
            p.first_in_state[2],
            Some(187 * DAY),
            "{name} out of tolerance"
        );
        assert_eq!(p.first_in_state[3], None, "{name} never in notification");
        assert_eq!(fleet(&s, name)["final"]["licensed"], 600);
    }
    assert!(o.all_held());
}

/// MIX-1: KMS, ADBA and MAK fleets in one organisation, sharing nothing, give each fleet
/// the results it has alone.
#[test]
fn mix_1_methods_mixed_in_one_organisation_do_not_disturb_each_other() {
    let parts = [
        r#"Fleet(name: "kms-pcs", site: "hq", count: 40, activation: Kms())"#,
        r#"Fleet(name: "adba-pcs", site: "hq", count: 20, product: "Windows10", activation: Adba(fallback_kms: false))"#,
        r#"Fleet(name: "mak-pcs", site: "hq", count: 8, activation: Mak(key: "k"))"#,
    ];
    let scenario = |fleets: &str| {
        format!(
            r#"Scenario(
    name: "mix", duration: "90d", seed: 4,
    sites: [Site(name: "hq")],
    links: [Link(between: ("hq", "internet"), allow: [Tcp(443)])],
    domains: [Domain(name: "corp", dns_site: "hq", dc_sites: ["hq"], adba: true)],
    kms_hosts: [KmsHost(name: "kms1", site: "hq")],
    mak_keys: [MakKey(name: "k", activations: 20)],
    fleets: [{fleets}],
    timeline: [],
)"#
        )
    };
    let (mm, mixed) = run(&scenario(&parts.join(", ")));
    let mixed = summary(&mm, &mixed);
    for part in parts {
        let (m, o) = run(&scenario(part));
        let alone = summary(&m, &o);
        let name = m.fleets.iter().next().unwrap().name.clone();
        // The codes a scenario reports depend on its methods (0xC004C020 only with MAK
        // keys): compare the outcomes that happened.
        let happened = |s: &Value| {
            let mut f = fleet(s, &name).clone();
            if let Some(o) = f["outcomes"].as_object_mut() {
                o.retain(|_, n| n != 0);
            }
            f
        };
        assert_eq!(happened(&mixed), happened(&alone), "{name}");
    }
}

/// KMS-GEN-1, KMS-GEN-2, KMS-GEN-3: Windows 11 PCs arrive on day 30 on a host with a
/// generation 5 key and are refused (0xC004F042) every 2 hours: 11 days × 12 = 132 tries
/// each, 26,400 in all. The update (day 40) and the generation 7 key (day 41, 00:00, before
/// the retries due then) let them in at once.
#[test]
fn kms_gen_a_new_generation_waits_for_the_update_and_the_new_key() {
    let (m, o) = shipped("generation-migration");
    let s = summary(&m, &o);
    assert_eq!(s["outcomes"]["0xC004F042"], 200 * 132);
    assert_eq!(fleet(&s, "win11")["first_licensed_s"], 41 * DAY);
    assert_eq!(fleet(&s, "win11")["all_licensed_s"], 41 * DAY);
    let installs = &s["hosts"]["kms1"]["key_installs"];
    assert_eq!(installs[0]["at_s"], 41 * DAY);
    assert_eq!(installs[0]["generation"], 7);
    assert_eq!(installs[0]["ok"], true);
    assert!(o.all_held());
}

/// KMS-GEN-2: a key installed before the update fails, and the host keeps its old key:
/// the Windows 11 PCs are refused until their grace ends on day 60 and after.
#[test]
fn kms_gen_2_a_key_the_os_cannot_hold_changes_nothing() {
    let (m, o) = shipped("generation-key-before-update");
    let s = summary(&m, &o);
    let installs = &s["hosts"]["kms1"]["key_installs"];
    assert_eq!(installs[0]["ok"], false);
    assert_eq!(installs[0]["reason"], "os_cannot_hold");
    assert_eq!(fleet(&s, "win11")["final"]["notification"], 200);
    assert_eq!(fleet(&s, "win11")["first_licensed_s"], Value::Null);
    assert!(o.all_held());
}

/// KMS-GEN-3, KMS-HOST-4: installing a shared key on a host uses one of the key's hosts; a
/// host beyond `max_hosts` is not activated by it and refuses its clients (0xC004F041).
#[test]
fn kms_gen_3_a_shared_key_over_its_host_limit_does_not_activate() {
    let text = r#"Scenario(
    name: "limit", duration: "3d",
    sites: [Site(name: "hq")],
    domains: [Domain(name: "corp", dns_site: "hq")],
    host_keys: [HostKey(name: "new", max_hosts: 1)],
    kms_hosts: [KmsHost(name: "a", site: "hq", key_generation: 5), KmsHost(name: "b", site: "hq", key_generation: 5, publish: false)],
    fleets: [Fleet(name: "servers", site: "hq", count: 5, product: "WindowsServer2016", activation: Kms(discovery: Static("b")))],
    timeline: [
        Event(at: "1d", do: InstallHostKey(host: "a", keys: [ServerC], generation: 7, host_key: "new")),
        Event(at: "1d", do: InstallHostKey(host: "b", keys: [ServerC], generation: 7, host_key: "new")),
    ],
)"#;
    let (m, o) = run(text);
    let s = summary(&m, &o);
    assert_eq!(s["hosts"]["a"]["key_installs"][0]["ok"], true);
    assert_eq!(
        s["hosts"]["b"]["key_installs"][0]["reason"],
        "over_host_limit"
    );
    // The servers activated on day 0 and renew weekly: none is refused within 3 days, but
    // a new server asking b would be. The host's state is visible through a new arrival.
    assert_eq!(s["outcomes"]["0xC004F041"], 0);
    let with_late = text.replace(
        "timeline: [",
        "timeline: [Event(at: \"2d\", do: AddMachines(fleet: \"servers\", count: 1)),",
    );
    let (m, o) = run(&with_late);
    let s = summary(&m, &o);
    assert_eq!(
        s["outcomes"]["0xC004F041"],
        12 + 1,
        "refused every 2 hours from day 2"
    );
}

/// KMS-GEN-1: a scenario that never writes a generation behaves as before: every host's key
/// is of the newest generation its fleets use (checked across every older shipped scenario
/// by `golden::outputs_of_scenarios_shipped_before_generations_are_unchanged`).
#[test]
fn kms_gen_1_defaults_serve_every_product() {
    let m = model(&crate::support::one_host(
        "1d",
        "ServerC",
        r#"Fleet(name: "old", site: "hq", count: 30, product: "Windows7", activation: Kms()),
           Fleet(name: "new", site: "hq", count: 30, product: "Windows11", activation: Kms())"#,
        "",
    ));
    assert_eq!(m.kms.hosts.iter().next().unwrap().key_generation, 7);
    let o = actsim::run(&m, m.seed);
    assert_eq!(o.outcomes[actsim::code::Code::ProductRefused as usize], 0);
}

/// KMS-CLI-5, Table 1 "None": machines that are never activated attempt nothing, live on
/// their initial grace, get a new one at each re-image, and enter notification when a
/// rebuild comes too late — the only finding such a fleet can have.
#[test]
fn not_activated_machines_live_on_their_grace() {
    let (m, o) = run(r#"Scenario(name: "lab", duration: "75d",
        sites: [Site(name: "lab")],
        fleets: [
            Fleet(name: "vms", site: "lab", count: 6, activation: NotActivated),
            Fleet(name: "late", site: "lab", count: 4, activation: NotActivated),
        ],
        timeline: [
            Event(at: "20d", do: Reimage(fleet: "vms", count: 6)),
            Event(at: "40d", do: Reimage(fleet: "vms", count: 6)),
            Event(at: "60d", do: Reimage(fleet: "vms", count: 6)),
            Event(at: "50d", do: Reimage(fleet: "late", count: 4)),
        ],
    )"#);
    let s = summary(&m, &o);
    let vms = fleet(&s, "vms");
    assert_eq!(vms["final"]["grace"], 6);
    assert_eq!(vms["notification_machine_days"], 0.0);
    // Grace ends on day 30, the rebuild on day 50 starts a new one (to day 80, after the end).
    let late = fleet(&s, "late");
    assert_eq!(late["notification_machine_days"], 4.0 * 20.0);
    assert_eq!(late["final"]["grace"], 4);
    assert_eq!(
        s["outcomes"]["0xC004F009"], 4,
        "entered notification once each"
    );
    assert_eq!(s["outcomes"]["activated"], 0);
    let findings: Vec<&str> = s["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| f["subject"].as_str().unwrap())
        .collect();
    assert!(
        findings.is_empty(),
        "in grace at the end is where they belong: {findings:?}"
    );
}
