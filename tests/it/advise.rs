//! `actsim advise`: one test per row of Table 1 ("criteria for activation methods"), each a
//! small scenario where exactly that criterion decides (and, flipped, decides otherwise);
//! the shipped organisation's advice as a snapshot; the advised scenario checked and
//! simulated; `advised.ron` edited without losing the user's text; the command line.

use crate::support::{model, seen};
use actsim::Model;
use actsim::advise::{self, FaultChoice, Options, Plan, Recommended, Row};

/// The plan for a scenario (Table 1 only, no simulation).
fn plan(text: &str) -> (Model, Plan) {
    let m = model(text);
    let p = advise::plan::plan(&m);
    (m, p)
}

/// The row of Table 1 that decided fleet `name`.
fn row(m: &Model, p: &Plan, name: &str) -> Option<Row> {
    p.fleets
        .iter()
        .find(|a| m.fleets[a.criteria.fleet].name == name)
        .unwrap_or_else(|| panic!("no fleet {name}"))
        .row
}

fn recommended<'p>(m: &Model, p: &'p Plan, name: &str) -> &'p Recommended {
    &p.fleets
        .iter()
        .find(|a| m.fleets[a.criteria.fleet].name == name)
        .unwrap()
        .recommended
}

fn options() -> Options {
    Options {
        seed: 1,
        replications: 1,
        threads: 1,
        fault: FaultChoice::Central,
    }
}

/// Head office with a KMS host and 100 desktops, and a remote site `road` joined by `link`.
fn road(link: &str, product: &str, adba: bool, online: &str) -> String {
    format!(
        r#"// test
Scenario(name: "road", duration: "200d",
    sites: [Site(name: "hq"), Site(name: "road")],
    links: [Link(between: ("hq", "road"), allow: [{link}])],
    domains: [Domain(name: "corp", dns_site: "hq", dc_sites: ["hq"], adba: {adba})],
    kms_hosts: [KmsHost(name: "kms1", site: "hq")],
    fleets: [
        Fleet(name: "desktops", site: "hq", count: 100, product: "Windows7", activation: Kms()),
        Fleet(name: "laptops", site: "road", count: 50, product: "{product}", activation: Kms(),
              online: {online}),
    ],
)"#
    )
}

/// Row 1 (ADBA-1, ADBA-2): domain-joined machines of a supported version that reach a domain
/// controller get AD-based activation; without the LDAP port (no DC) or with a product older
/// than generation 3, the same laptops use the central KMS host over the VPN (row 4).
#[test]
fn table1_row_1_adba_for_domain_joined_machines_that_reach_a_dc() {
    let vpn = "Tcp(389), Tcp(1688), Udp(53)";
    let (m, p) = plan(&road(vpn, "Windows11", true, "Daily(hours: 9)"));
    assert_eq!(row(&m, &p, "laptops"), Some(Row::Adba));
    assert_eq!(
        recommended(&m, &p, "laptops"),
        &Recommended::Adba { fallback_kms: true }
    );
    assert!(p.create_objects.is_empty(), "the object exists");
    // The DC decides: without TCP 389 on the VPN, no AD-based activation.
    let (m, p) = plan(&road(
        "Tcp(1688), Udp(53)",
        "Windows11",
        true,
        "Daily(hours: 9)",
    ));
    assert_eq!(row(&m, &p, "laptops"), Some(Row::CentralSemiIsolated));
    // The version decides: Windows 7 is older than ADBA (generation 3).
    let (m, p) = plan(&road(vpn, "Windows7", true, "Daily(hours: 9)"));
    assert_eq!(row(&m, &p, "laptops"), Some(Row::CentralSemiIsolated));
    // Without an activation object ADBA is still advised, and advised.ron creates one.
    let (m, p) = plan(&road(vpn, "Windows11", false, "Daily(hours: 9)"));
    assert_eq!(row(&m, &p, "laptops"), Some(Row::Adba));
    assert_eq!(p.create_objects.len(), 1);
    let (text, advised) = advise::edit::advised(&m, &p).unwrap();
    assert!(advised.domains.iter().all(|d| d.adba), "{text}");
}

/// Row 2 (KMS-CLI-1): machines of the core network that cannot use ADBA use the central KMS
/// host when the machines that ask it meet the threshold; 20 Windows 7 PCs alone do not
/// (row 3, "no network meets the threshold").
#[test]
fn table1_row_2_central_kms_in_the_core_when_the_threshold_is_met() {
    let core = |n: u32| {
        format!(
            r#"// test
Scenario(name: "core", duration: "60d",
    sites: [Site(name: "hq")],
    domains: [Domain(name: "corp", dns_site: "hq", dc_sites: ["hq"], adba: true)],
    kms_hosts: [KmsHost(name: "kms1", site: "hq")],
    fleets: [
        Fleet(name: "desktops", site: "hq", count: 500, product: "Windows11", activation: Kms()),
        Fleet(name: "legacy", site: "hq", count: {n}, product: "Windows7", activation: Kms()),
    ],
)"#
        )
    };
    let (m, p) = plan(&core(30));
    assert_eq!(row(&m, &p, "legacy"), Some(Row::CentralCore));
    let a = p.fleets.iter().find(|a| a.criteria.machines == 30).unwrap();
    assert_eq!(a.count, Some((30, 25)), "the 500 desktops go to ADBA");
    assert!(a.same_as_current);
    // The threshold decides: 20 is under 25 once the desktops use ADBA.
    let (m, p) = plan(&core(20));
    assert_eq!(row(&m, &p, "legacy"), Some(Row::MakBelowThreshold));
    assert_eq!(Row::MakBelowThreshold.number(), 3);
}

/// Row 3 (KMS-CLI-4, ADBA-2, MAK-2): machines offline longer than an activation lasts get MAK;
/// the same ships away 150 days keep AD-based activation.
#[test]
fn table1_row_3_mak_for_machines_offline_longer_than_180_days() {
    let ships = |back: &str| {
        format!(
            r#"// test
Scenario(name: "ships", duration: "300d",
    sites: [Site(name: "hq"), Site(name: "ships")],
    links: [Link(between: ("hq", "ships"), allow: [Tcp(389), Tcp(1688), Udp(53)]),
            Link(between: ("ships", "internet"), allow: [Tcp(443)])],
    domains: [Domain(name: "corp", dns_site: "hq", dc_sites: ["hq"], adba: true)],
    kms_hosts: [KmsHost(name: "kms1", site: "hq")],
    fleets: [
        Fleet(name: "desktops", site: "hq", count: 100, activation: Kms()),
        Fleet(name: "ships", site: "ships", count: 12, activation: Kms(),
              online: Windows([("0d", "20d"), ("{back}", "300d")])),
    ],
)"#
        )
    };
    let (m, p) = plan(&ships("220d"));
    assert_eq!(row(&m, &p, "ships"), Some(Row::MakOffline));
    let Recommended::Mak { key, way } = recommended(&m, &p, "ships") else {
        panic!("MAK expected");
    };
    assert_eq!(*way, advise::plan::MakWay::Independent, "in port, on 443");
    assert_eq!(p.mak_keys[*key].activations, 12);
    // The offline stretch decides: 150 days is within the 180-day validity.
    let (m, p) = plan(&ships("170d"));
    assert_eq!(row(&m, &p, "ships"), Some(Row::Adba));
}

/// A branch over a VPN whose `allow` is given, not in the forest (its own DNS zone, no DCs).
fn branch(allow: &str, pcs: u32) -> String {
    format!(
        r#"// test
Scenario(name: "branch", duration: "90d",
    sites: [Site(name: "hq"), Site(name: "branch")],
    links: [Link(between: ("hq", "branch"), allow: [{allow}])],
    domains: [Domain(name: "corp", dns_site: "hq", dc_sites: ["hq"], adba: true),
              Domain(name: "branch.example", dns_site: "branch")],
    kms_hosts: [KmsHost(name: "kms1", site: "hq", domain: "corp",
                        publish_domains: ["branch.example"])],
    fleets: [
        Fleet(name: "desktops", site: "hq", count: 100, activation: Kms()),
        Fleet(name: "branch-pcs", site: "branch", domain: "branch.example", count: {pcs},
              activation: Kms()),
    ],
)"#
    )
}

/// Row 4 (NET-1): a semi-isolated network that reaches the central host uses it; the
/// threshold need only be met there. Cut the KMS port and the branch is an isolated network
/// (row 5: its 30 PCs meet the threshold on their own).
#[test]
fn table1_row_4_central_kms_for_a_semi_isolated_network_that_reaches_it() {
    let (m, p) = plan(&branch("Tcp(1688), Udp(53)", 30));
    assert_eq!(row(&m, &p, "branch-pcs"), Some(Row::CentralSemiIsolated));
    assert_eq!(
        recommended(&m, &p, "branch-pcs"),
        &Recommended::Kms {
            host: advise::plan::HostRef::Existing(actsim::model::HostId::FIRST),
            by_dns: true
        },
        "kms1 publishes in the branch's zone, whose DNS server is at the branch"
    );
    let (m, p) = plan(&branch("Udp(53)", 30));
    assert_eq!(row(&m, &p, "branch-pcs"), Some(Row::LocalKms));
}

/// Row 5 (NET-3): an isolated network that meets the threshold on its own gets its own KMS
/// host, placed in it; with 20 machines instead of 40 it does not (row 6, MAK).
#[test]
fn table1_row_5_local_kms_for_an_isolated_network_over_the_threshold() {
    let (m, p) = plan(&branch("Udp(53)", 40));
    assert_eq!(row(&m, &p, "branch-pcs"), Some(Row::LocalKms));
    assert_eq!(p.new_hosts.len(), 1);
    assert_eq!(m.sites[p.new_hosts[0].site], "branch");
    let (text, advised) = advise::edit::advised(&m, &p).unwrap();
    assert!(text.contains(r#"KmsHost(name: "kms-branch", site: "branch""#));
    assert!(text.contains(r#"Kms(discovery: Static("kms-branch"))"#));
    // Simulated, the local host activates them all (KMS-CLI-1 on its own count).
    let outcome = actsim::run(&advised, advised.seed);
    let f = advised.fleets.position(|f| f.name == "branch-pcs").unwrap();
    let r = outcome
        .population(f, actsim::model::StateSet::Windows)
        .unwrap();
    assert_eq!(r.final_counts[1], 40, "licensed at the end");
    // The count decides: 20 machines are under 25.
    let (m, p) = plan(&branch("Udp(53)", 20));
    assert_eq!(row(&m, &p, "branch-pcs"), Some(Row::MakIsolated));
    assert!(p.new_hosts.is_empty());
}

/// Row 6 (MAK-1, MAK-2): an isolated network under the threshold gets MAK — by telephone with
/// no path to the activation service, online with one — and the key is sized to the fleet
/// with its re-imaging as margin.
#[test]
fn table1_row_6_mak_for_an_isolated_network_under_the_threshold() {
    let lab = |links: &str| {
        format!(
            r#"// test
Scenario(name: "lab", duration: "100d",
    sites: [Site(name: "hq"), Site(name: "lab")],
    links: [{links}],
    domains: [Domain(name: "corp", dns_site: "hq")],
    kms_hosts: [KmsHost(name: "kms1", site: "hq")],
    fleets: [
        Fleet(name: "desktops", site: "hq", count: 100, activation: Kms()),
        Fleet(name: "lab", site: "lab", count: 18, activation: Kms()),
    ],
    timeline: [Event(at: "50d", do: Reimage(fleet: "lab", count: 5))],
)"#
        )
    };
    let (m, p) = plan(&lab(""));
    assert_eq!(row(&m, &p, "lab"), Some(Row::MakIsolated));
    let Recommended::Mak { key, way } = recommended(&m, &p, "lab") else {
        panic!("MAK expected");
    };
    assert_eq!(*way, advise::plan::MakWay::Phone);
    let k = &p.mak_keys[*key];
    // 18 machines and 5 re-images in 100 days: 5 × 365 / 100 = 18.25, 19 a year.
    assert_eq!((k.in_run, k.per_year, k.activations), (23, 37, 37));
    let (m, p) = plan(&lab(
        r#"Link(between: ("lab", "internet"), allow: [Tcp(443)])"#,
    ));
    let Recommended::Mak { way, .. } = recommended(&m, &p, "lab") else {
        panic!("MAK expected");
    };
    assert_eq!(*way, advise::plan::MakWay::Independent);
    // The advised scenario runs: every lab PC activated, re-images included.
    let (_, advised) = advise::edit::advised(&m, &p).unwrap();
    let outcome = actsim::run(&advised, advised.seed);
    let f = advised.fleets.position(|f| f.name == "lab").unwrap();
    let r = outcome
        .population(f, actsim::model::StateSet::Windows)
        .unwrap();
    assert_eq!(r.final_counts[1], 18);
    assert_eq!(r.max_by_state[3], 0, "none in notification");
}

/// Row 7 (KMS-CLI-5): lab machines rebuilt within their grace period need no activation;
/// rebuilt every 45 days they do (and, isolated and few, get MAK).
#[test]
fn table1_row_7_no_activation_for_lab_machines_rebuilt_within_their_grace() {
    let lab = |every: u64| {
        let events: String = (1..=180 / every)
            .map(|k| {
                format!(
                    r#"Event(at: "{}d", do: Reimage(fleet: "vms", count: 8)),"#,
                    k * every
                )
            })
            .collect();
        format!(
            r#"// test
Scenario(name: "lab", duration: "180d",
    sites: [Site(name: "hq"), Site(name: "lab")],
    domains: [Domain(name: "corp", dns_site: "hq")],
    kms_hosts: [KmsHost(name: "kms1", site: "hq")],
    fleets: [
        Fleet(name: "desktops", site: "hq", count: 100, activation: Kms()),
        Fleet(name: "vms", site: "lab", count: 8, activation: Kms(),
              initial: Activated(age_up_to: "10d")),
    ],
    timeline: [{events}],
)"#
        )
    };
    let (m, p) = plan(&lab(14));
    assert_eq!(row(&m, &p, "vms"), Some(Row::NotActivated));
    let (text, advised) = advise::edit::advised(&m, &p).unwrap();
    assert!(text.contains("activation: NotActivated"));
    assert!(
        !text.contains("initial: Activated"),
        "a fleet never activated cannot start activated"
    );
    let outcome = actsim::run(&advised, advised.seed);
    let f = advised.fleets.position(|f| f.name == "vms").unwrap();
    let r = outcome
        .population(f, actsim::model::StateSet::Windows)
        .unwrap();
    assert_eq!(r.max_by_state[3], 0, "rebuilt before notification");
    assert_eq!(r.outcomes.iter().sum::<u64>(), 0, "no attempt at all");
    // The rebuild interval decides: every 45 days is past the 30-day grace.
    let (m, p) = plan(&lab(45));
    assert_eq!(row(&m, &p, "vms"), Some(Row::MakIsolated));
}

/// Table 1's last row (MIX-1): every machine has exactly one method, and the totals add up
/// to the organisation's machines.
#[test]
fn table1_last_row_every_machine_counted_once() {
    let m = actsim::load("scenarios/activation-plan.ron".as_ref()).unwrap();
    let p = advise::plan::plan(&m);
    let total: u64 = m.fleets.iter().map(|f| f.count).sum();
    assert_eq!(p.fleets.len(), m.fleets.len());
    assert_eq!(
        p.fleets.iter().map(|a| a.criteria.machines).sum::<u64>(),
        total
    );
}

/// What seed 004 recommends for each part of the shipped organisation.
#[test]
fn the_shipped_organisation_gets_the_planning_guides_methods() {
    let m = actsim::load("scenarios/activation-plan.ron".as_ref()).unwrap();
    let p = advise::plan::plan(&m);
    let expected = [
        ("core-pcs", Row::Adba),
        ("core-servers", Row::Adba),
        ("shop-floor", Row::CentralCore),
        ("branch-pcs", Row::CentralSemiIsolated),
        ("lab-pcs", Row::MakIsolated),
        ("lab-vms", Row::NotActivated),
        ("secure-pcs", Row::LocalKms),
        ("sales-laptops", Row::Adba),
        ("ships", Row::MakOffline),
    ];
    for (fleet, r) in expected {
        assert_eq!(row(&m, &p, fleet), Some(r), "{fleet}");
    }
}

/// The shipped organisation: the advice as printed, and `advised.ron`, as snapshots.
#[test]
fn shipped_organisation_advice_snapshot() {
    let m = actsim::load("scenarios/activation-plan.ron".as_ref()).unwrap();
    let mut o = options();
    o.seed = m.seed;
    let advice = advise::advise(&m, &o).unwrap();
    insta::assert_snapshot!(
        "activation-plan-advice",
        advise::text::text(&m, &advice, false)
    );
    insta::assert_snapshot!("activation-plan-advised-ron", advice.advised_source);
}

/// The advised scenario passes `check`, and simulated it has no machine in notification
/// where the current plan has some.
#[test]
fn the_advised_organisation_checks_and_leaves_no_machine_in_notification() {
    let m = actsim::load("scenarios/activation-plan.ron".as_ref()).unwrap();
    let mut o = options();
    o.seed = m.seed;
    let advice = advise::advise(&m, &o).unwrap();
    let advised = actsim::parse("advised.ron", advice.advised_source.as_bytes()).unwrap();
    let notification = |model: &Model| {
        let outcome = actsim::run(model, model.seed);
        assert!(outcome.all_held(), "{:?}", outcome.expectations);
        outcome
            .populations
            .iter()
            .map(|p| p.max_by_state[3])
            .sum::<u64>()
    };
    assert!(notification(&m) > 0, "the current plan has some");
    assert_eq!(notification(&advised), 0);
    assert_eq!(
        advise::proof::verdict(&advice.proof.plain, None).0,
        advise::Verdict::Better
    );
}

/// Same scenario and seed ⇒ the same advice and files, whatever the thread count.
#[test]
fn advice_is_deterministic_across_threads() {
    let m = actsim::load("scenarios/activation-plan.ron".as_ref()).unwrap();
    let run = |threads| {
        let o = Options {
            seed: m.seed,
            replications: 2,
            threads,
            fault: FaultChoice::Central,
        };
        let a = advise::advise(&m, &o).unwrap();
        (
            advise::text::text(&m, &a, false),
            advise::files(&m, &a).unwrap(),
        )
    };
    assert_eq!(run(1), run(2));
}

/// `advised.ron` keeps the user's comments and layout, and adds the lists the scenario did
/// not have (hosts, keys, expectations) where they belong.
#[test]
fn advised_ron_edits_only_what_changes() {
    let text = r#"// Which method for the lab?
Scenario(
    name: "edit", duration: "60d",
    sites: [Site(name: "hq"), Site(name: "lab"), Site(name: "vault")],
    domains: [Domain(name: "corp", dns_site: "hq", dc_sites: ["hq"])],
    fleets: [
        // The desktops, on ADBA already.
        Fleet(name: "desktops", site: "hq", count: 10, activation: Adba()),
        Fleet(name: "lab", site: "lab", count: 5, activation: Adba(fallback_kms: false)), // no DC
        Fleet(name: "vault", site: "vault", count: 30, activation: Adba(fallback_kms: false)),
    ],
)"#;
    let (m, p) = plan(text);
    let (out, advised) = advise::edit::advised(&m, &p).unwrap();
    assert!(out.contains("// The desktops, on ADBA already."));
    assert!(out.contains("// no DC"));
    assert!(
        out.contains("Domain(name: \"corp\", dns_site: \"hq\", dc_sites: [\"hq\"], adba: true)")
    );
    assert!(out.contains("mak_keys: ["), "{out}");
    assert!(out.contains("kms_hosts: ["), "{out}");
    assert!(out.contains("expect: ["), "{out}");
    assert_eq!(advised.kms.hosts.len(), 1);
    assert_eq!(advised.mak_keys.len(), 1);
    assert_eq!(advised.expect.len(), 3);
    assert!(out.starts_with("// Does the plan actsim advise recommends for \"edit\""));
    assert!(out.contains("// The scenario's question: Which method for the lab?"));
}

/// `--fault`: its host must exist, its duration be positive and its start within the run.
#[test]
fn fault_options_are_checked() {
    let m = actsim::load("scenarios/activation-plan.ron".as_ref()).unwrap();
    let f = advise::Fault::parse("kms1:7d@30d", &m).unwrap();
    assert_eq!((f.from, f.duration), (30 * 86_400, 7 * 86_400));
    let f = advise::Fault::parse("kms1:2w", &m).unwrap();
    assert_eq!(f.from, 182 * 86_400, "the middle of the run by default");
    for bad in ["kms9:7d", "kms1", "kms1:0d", "kms1:7x", "kms1:7d@400d"] {
        assert!(advise::Fault::parse(bad, &m).is_err(), "{bad}");
    }
}

/// The command as a user sees it, and the files it writes: self-contained HTML, an
/// `advised.ron` that `actsim check` accepts.
#[test]
fn advise_on_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let tmp = dir.path();
    let out = tmp.join("advice");
    let out_s = out.display().to_string();
    let shown = seen(
        &[
            "advise",
            "scenarios/activation-plan.ron",
            "--out",
            &out_s,
            "--quiet",
        ],
        tmp,
    );
    assert!(shown.starts_with("exit: 0"), "{shown}");
    for f in [
        "advised.ron",
        "advice.html",
        "advice.csv",
        "advice-compare.svg",
        "advice-compare.png",
        "advice-fault.svg",
        "advice-fault.png",
        ".actsim",
    ] {
        assert!(out.join(f).is_file(), "{f}");
    }
    let html = std::fs::read_to_string(out.join("advice.html")).unwrap();
    let outside: Vec<&str> = html
        .match_indices("http")
        .map(|(i, _)| &html[i..(i + 30).min(html.len())])
        .filter(|s| !s.starts_with("http://www.w3.org/"))
        .collect();
    assert!(outside.is_empty(), "network references: {outside:?}");
    assert!(!html.contains("<script") && !html.contains("<link"));
    let advised = out.join("advised.ron").display().to_string();
    let check = seen(&["check", &advised], tmp);
    assert!(check.starts_with("exit: 0"), "{check}");
    insta::assert_snapshot!(
        "advise-bad-fault",
        seen(
            &[
                "advise",
                "scenarios/activation-plan.ron",
                "--fault",
                "kms9:7d"
            ],
            tmp
        )
    );
    insta::assert_snapshot!(
        "advise-invalid",
        seen(&["advise", "scenarios/nope.ron"], tmp)
    );
}

/// The README shows the shipped example's output as `actsim advise` prints it (its "Why"
/// section shortened): every line it shows is a line of the output.
#[test]
fn the_readme_shows_the_shipped_advice() {
    let m = actsim::load("scenarios/activation-plan.ron".as_ref()).unwrap();
    let mut o = options();
    o.seed = m.seed;
    let advice = advise::advise(&m, &o).unwrap();
    let printed = advise::text::text(&m, &advice, false);
    let readme = std::fs::read_to_string("README.md").unwrap();
    let start = readme
        .find("Organisation on KMS everywhere — advice")
        .expect("the README shows the advice");
    let block = &readme[start..start + readme[start..].find("```").unwrap()];
    let lines: Vec<&str> = printed.lines().collect();
    for line in block.lines().filter(|l| !l.contains('…')) {
        assert!(lines.contains(&line), "README line not printed: {line:?}");
    }
    assert!(block.lines().count() > 60);
}

/// Empty lists are filled, and names made from a 64-character fleet or site name still fit
/// the limit on names.
#[test]
fn advised_ron_fills_empty_lists_and_keeps_names_within_the_limit() {
    let long = "l".repeat(64);
    let text = format!(
        r#"// Long names.
Scenario(name: "long", duration: "60d",
    sites: [Site(name: "hq"), Site(name: "{long}"), Site(name: "vault")],
    domains: [Domain(name: "corp", dns_site: "hq")],
    kms_hosts: [],
    mak_keys: [],
    fleets: [
        Fleet(name: "{long}", site: "{long}", count: 5, activation: Kms()),
        Fleet(name: "vault-pcs", site: "vault", count: 30, activation: Kms()),
    ],
    expect: [],
)"#
    );
    let (m, p) = plan(&text);
    let (out, advised) = advise::edit::advised(&m, &p).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(advised.mak_keys.len(), 1, "{out}");
    assert_eq!(
        advised.mak_keys.iter().next().unwrap().name.chars().count(),
        64
    );
    assert_eq!(advised.kms.hosts.len(), 1);
    assert_eq!(advised.kms.hosts.iter().next().unwrap().name, "kms-vault");
    assert_eq!(advised.expect.len(), 2);
}
