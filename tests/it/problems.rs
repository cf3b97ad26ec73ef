//! Outputs that show the problem: host lifecycle (AddHost, RemoveHost, PublishOn), per-fleet
//! outcomes, the risk horizon and NoneAtRisk, findings and the honest verdict (`--strict`),
//! charts that lead with trouble, DNS events, overdue renewals spread at the start, and a
//! trace that collapses repeated attempts — mostly on the shipped migration scenario.

use super::support::actsim;
use super::support::{DAY, HOUR, run, shipped, summary};
use actsim::report::findings::Severity;
use serde_json::Value;

/// Two hosts under CreatorOnly DNS; `timeline` acts on them.
fn two_hosts(duration: &str, timeline: &str, expect: &str) -> String {
    format!(
        r#"Scenario(
    name: "lifecycle", duration: "{duration}", seed: 3,
    sites: [Site(name: "hq")],
    domains: [Domain(name: "corp", dns_site: "hq", scavenging: "5d")],
    kms_hosts: [KmsHost(name: "old", site: "hq"), KmsHost(name: "new", site: "hq")],
    fleets: [Fleet(name: "pcs", site: "hq", count: 40, activation: Kms(discovery: Dns))],
    timeline: [{timeline}],
    expect: [{expect}],
)"#
    )
}

/// Host lifecycle: a host built on day 10 is nowhere before — not in DNS (the PCs find
/// nobody, 0xC004F074), not counted (`hosts.csv` has an empty count), no table — and serves
/// from its first registration on.
#[test]
fn a_host_built_during_the_run_does_not_exist_before() {
    let text = r#"Scenario(
    name: "built later", duration: "20d", seed: 1,
    sites: [Site(name: "hq")],
    domains: [Domain(name: "corp", dns_site: "hq")],
    kms_hosts: [KmsHost(name: "kms1", site: "hq")],
    fleets: [Fleet(name: "pcs", site: "hq", count: 30, activation: Kms(discovery: Dns))],
    timeline: [Event(at: "10d", do: AddHost("kms1"))],
)"#;
    let (m, o) = run(text);
    let s = summary(&m, &o);
    let pcs = &s["fleets"]["pcs"];
    assert_eq!(pcs["final"]["licensed"], 30, "{pcs}");
    assert!(pcs["first_licensed_s"].as_u64().unwrap() >= 10 * DAY);
    assert!(pcs["outcomes"]["0xC004F074"].as_u64().unwrap() > 0);
    let hosts = String::from_utf8(actsim::report::hosts_csv(&m, &o)).unwrap();
    let count = |day: &str| -> String {
        hosts
            .lines()
            .find(|l| l.split(',').nth(1) == Some(day) && l.contains(",windows,"))
            .unwrap()
            .split(',')
            .nth(4)
            .unwrap()
            .to_owned()
    };
    assert_eq!(count("9"), "", "not drawn before it is built");
    assert_eq!(
        count("10"),
        "0",
        "built, nobody has asked yet at the sample"
    );
    assert_eq!(count("12"), "30");
    assert_eq!(s["hosts"]["kms1"]["failures"], 0, "nobody tried it before");
}

/// RemoveHost under CreatorOnly (DNS-3, DNS-4): the old host stops answering at once, its
/// record stays until scavenging (5 days) removes it, and until then the new host's daily
/// registrations are refused; then it registers and the PCs move over.
#[test]
fn a_removed_host_ages_out_of_dns_and_frees_the_record() {
    let (m, o) = run(&two_hosts(
        "40d",
        r#"Event(at: "20d", do: RemoveHost("old"))"#,
        r#"ThresholdReached(host: "new", pool: Windows, by: "27d")"#,
    ));
    let s = summary(&m, &o);
    let events = s["dns"]["corp"]["events"].as_array().unwrap();
    let refused = events
        .iter()
        .find(|e| e["event"] == "registration_refused" && e["target"] == "new")
        .expect("refusals recorded");
    let aged = events
        .iter()
        .find(|e| e["event"] == "record_aged_out" && e["target"] == "old")
        .expect("the old record aged out");
    // Replication delay 15 minutes after 5 days of scavenging.
    assert_eq!(aged["at_s"], 25 * DAY + 900);
    assert!(refused["count"].as_u64().unwrap() >= 20, "{refused}");
    assert!(refused["last_s"].as_u64().unwrap() < 25 * DAY, "{refused}");
    assert!(s["expectations"][0]["held"].as_bool().unwrap(), "{s}");
    assert_eq!(s["fleets"]["pcs"]["final"]["licensed"], 40);
    // The refusals stopped: a note, not a problem.
    let f = actsim::report::summary(&m, m.seed, &o).findings;
    let about_new: Vec<_> = f.iter().filter(|f| f.subject == "new").collect();
    assert!(
        about_new.iter().all(|f| f.severity == Severity::Note),
        "{about_new:?}"
    );
}

/// A host removed and built again keeps existing from the start, and comes back empty.
#[test]
fn a_host_removed_then_built_again_existed_from_the_start() {
    let (m, o) = run(&two_hosts(
        "30d",
        r#"Event(at: "5d", do: RemoveHost("old")), Event(at: "8d", do: AddHost("old"))"#,
        "",
    ));
    let s = summary(&m, &o);
    assert!(s["hosts"]["old"]["requests"].as_u64().unwrap() > 0);
    let text = m
        .kms
        .hosts
        .iter()
        .map(|h| h.built_later)
        .collect::<Vec<_>>();
    assert_eq!(text, [false, false]);
    assert_eq!(s["fleets"]["pcs"]["final"]["licensed"], 40);
}

/// PublishOn reverses PublishOff (slmgr /sdns): the host registers again at once, so after
/// its record was deleted the clients find it again.
#[test]
fn publish_on_registers_again() {
    let timeline = r#"Event(at: "1d", do: PublishOff("old")),
        Event(at: "2d", do: RemoveSrv(domain: "corp", target: "old")),
        Event(at: "2d", do: HostDown("new")),
        Event(at: "20d", do: PublishOn("old"))"#;
    // Without host caching, every attempt asks DNS.
    let text = two_hosts("40d", timeline, "").replace(
        "activation: Kms(discovery: Dns))",
        "activation: Kms(discovery: Dns), host_caching: false)",
    );
    let (m, o) = run(&text);
    let s = summary(&m, &o);
    let pcs = &s["fleets"]["pcs"];
    // Between day 2 and day 20 nothing is in DNS: renewals fail; afterwards they succeed.
    assert!(pcs["outcomes"]["0xC004F074"].as_u64().unwrap() > 0);
    assert!(pcs["last_failure_s"].as_u64().unwrap() < 21 * DAY, "{pcs}");
    assert_eq!(pcs["at_risk"]["machines"], 0);
}

/// Per-fleet outcomes: `attempts_by_fleet.csv` adds up to `attempts.csv` at every sample,
/// and the fleets' outcomes in the summary add up to the run's.
#[test]
fn per_fleet_outcomes_add_up() {
    let (m, o) = shipped("migration");
    let all = String::from_utf8(actsim::report::attempts_csv(&m, &o)).unwrap();
    let by_fleet = String::from_utf8(actsim::report::attempts_by_fleet_csv(&m, &o)).unwrap();
    let header: Vec<&str> = all.lines().next().unwrap().split(',').collect();
    let fleet_header: Vec<&str> = by_fleet.lines().next().unwrap().split(',').collect();
    assert_eq!(fleet_header[2], "fleet");
    assert_eq!(&fleet_header[3..], &header[2..]);
    for row in all.lines().skip(1) {
        let cells: Vec<&str> = row.split(',').collect();
        let mut sums = vec![0u64; header.len() - 2];
        for f in by_fleet
            .lines()
            .skip(1)
            .filter(|l| l.starts_with(&format!("{},", cells[0])))
        {
            for (s, v) in sums.iter_mut().zip(f.split(',').skip(3)) {
                *s += v.parse::<u64>().unwrap();
            }
        }
        let expected: Vec<u64> = cells[2..].iter().map(|v| v.parse().unwrap()).collect();
        assert_eq!(sums, expected, "at {}", cells[0]);
    }
    let s = summary(&m, &o);
    for (code, total) in s["outcomes"].as_object().unwrap() {
        let sum: u64 = s["fleets"]
            .as_object()
            .unwrap()
            .values()
            .map(|f| f["outcomes"][code].as_u64().unwrap())
            .sum();
        assert_eq!(sum, total.as_u64().unwrap(), "{code}");
    }
    // The DMZ's failures are its own: renewals until day 60, then no host.
    let dmz: Vec<(&String, u64)> = s["fleets"]["dmz-servers"]["outcomes"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(c, n)| (c, n.as_u64().unwrap()))
        .filter(|(_, n)| *n > 0)
        .collect();
    let codes: Vec<&str> = dmz.iter().map(|(c, _)| c.as_str()).collect();
    assert_eq!(codes, ["renewed", "0xC004F074"]);
}

/// The risk horizon: the 40 DMZ servers pinned to the retired host last renewed between
/// day 53 and day 60; from a day after their renewal is due they are at risk, and at the
/// end of the 180-day run the first licence ends on day 233 — 180 days after it renewed.
#[test]
fn the_dmz_is_at_risk_long_before_its_licences_lapse() {
    let (m, o) = shipped("migration");
    let s = summary(&m, &o);
    let dmz = &s["fleets"]["dmz-servers"];
    assert_eq!(dmz["final"]["licensed"], 40, "still licensed at the end");
    assert_eq!(dmz["at_risk"]["machines"], 40);
    let expiry = dmz["at_risk"]["earliest_expiry_s"].as_u64().unwrap();
    assert!((233 * DAY..=240 * DAY).contains(&expiry), "{expiry}");
    assert_eq!(
        dmz["at_risk"]["last_renewed_s"].as_u64().unwrap(),
        expiry - 180 * DAY
    );
    assert_eq!(dmz["first_failure_s"].as_u64().unwrap() / DAY, 60);
    assert!(dmz["last_failure_s"].as_u64().unwrap() > 179 * DAY);
    // The other fleets were at risk during the DNS gap only.
    assert_eq!(s["fleets"]["hq-desktops"]["at_risk"]["machines"], 0);
    let risk = String::from_utf8(actsim::report::risk_csv(&m, &o)).unwrap();
    let at = |day: &str, fleet: &str| -> u64 {
        let row = risk
            .lines()
            .find(|l| l.split(',').nth(1) == Some(day) && l.split(',').nth(2) == Some(fleet))
            .unwrap();
        row.split(',').nth(3).unwrap().parse().unwrap()
    };
    assert_eq!(at("59", "dmz-servers"), 0);
    assert_eq!(at("70", "dmz-servers"), 40);
    assert_eq!(at("70", "hq-desktops"), 2400, "nobody renews in the gap");
    assert_eq!(at("90", "hq-desktops"), 0);
}

/// NoneAtRisk(fleet, within): fails when a machine at risk has a licence ending within
/// `within` of a sample (or of the end), holds otherwise.
#[test]
fn none_at_risk_reads_the_horizon() {
    let source = std::fs::read_to_string("scenarios/migration.ron").unwrap();
    let with = |expect: &str| {
        source.replace(
            r#"NoneAtRisk(fleet: "hq-desktops", within: "30d"),"#,
            &format!("{expect},"),
        )
    };
    let (m, o) = run(&with(r#"NoneAtRisk(fleet: "dmz-servers", within: "90d")"#));
    let e = &o.expectations[5];
    assert!(!e.held, "{}", e.detail);
    assert!(e.detail.contains("40 machines at risk"), "{}", e.detail);
    let (_, o) = run(&with(r#"NoneAtRisk(fleet: "dmz-servers", within: "30d")"#));
    assert!(o.expectations[5].held, "{}", o.expectations[5].detail);
    // MAK licences are for good; a KSC-only fleet is refused at validation.
    let err = actsim::parse(
        "t.ron",
        with(r#"NoneAtRisk(fleet: "nobody", within: "30d")"#).as_bytes(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("nobody"), "{err}");
    let _ = m;
}

/// The verdict is honest: the expectations hold, but the terminal summary and report.html
/// lead with the DMZ; `--strict` turns that into exit 1 (and says why on stderr).
#[test]
fn the_verdict_leads_with_the_dmz() {
    let o = actsim(&["run", "scenarios/migration.ron"]);
    assert_eq!(o.status.code(), Some(0));
    let out = String::from_utf8(o.stdout).unwrap();
    let verdict = out.lines().nth(4).unwrap();
    assert!(
        verdict.starts_with(
            "All 6 expectations held, but dmz-servers: 40 machines have not renewed since day 53"
        ),
        "{out}"
    );
    assert!(verdict.contains("0xC004F074"), "{verdict}");
    let strict = actsim(&["run", "scenarios/migration.ron", "--strict", "--quiet"]);
    assert_eq!(strict.status.code(), Some(1));
    let err = String::from_utf8(strict.stderr).unwrap();
    assert!(
        err.starts_with("problem: dmz-servers: 40 machines"),
        "{err}"
    );
    // Without problems --strict changes nothing.
    let clean = actsim(&[
        "run",
        "scenarios/branch-firewall.ron",
        "--strict",
        "--quiet",
    ]);
    assert_eq!(clean.status.code(), Some(0));

    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().display().to_string();
    let o = actsim(&[
        "run",
        "scenarios/migration.ron",
        "--out",
        &out_dir,
        "--quiet",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let html = std::fs::read_to_string(dir.path().join("report.html")).unwrap();
    let verdict_at = html
        .find("<div class=\"verdict warn\">All 6 expectations held, but dmz-servers")
        .expect("verdict");
    let network_at = html.find("<h2 id=\"network\">").unwrap();
    assert!(verdict_at < network_at, "the verdict comes first");
    assert!(html.contains("DNS: kms-new refused to register in corp.example (15 times, until 73d"));
    assert!(html.contains("DNS: SRV record of kms-old in corp.example aged out"));
    let json: Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("summary.json")).unwrap()).unwrap();
    assert_eq!(json["findings"][0]["severity"], "problem");
    assert_eq!(json["findings"][0]["subject"], "dmz-servers");
}

/// Charts lead with trouble: the activation chart's first panel is the DMZ, with its
/// problem in words and its machines at risk; the load chart names the fleets behind each
/// failure code; thresholds are labelled with their products and hosts with their lifecycle.
#[test]
fn charts_lead_with_the_problem() {
    let (m, o) = shipped("migration");
    let s = actsim::report::summary(&m, m.seed, &o);
    let tables = actsim::report::tables_of(&m, &o);
    let svg = |chart: Result<actsim::report::chart::Rendered, String>| chart.unwrap().svg;
    let activation = svg(actsim::report::chart::render(
        &actsim::report::chart::Activation::new(&m, &tables, &s.findings),
    ));
    let first = activation.find("dmz-servers: up to 40 machines").unwrap();
    let second = activation.find("hq-desktops: up to 2400 machines").unwrap();
    assert!(first < second, "the troubled fleet comes first");
    assert!(activation.contains("dmz-servers: 40 machines have not renewed since day 53"));
    assert!(activation.contains("at risk (licensed, renewal overdue)"));
    let load = svg(actsim::report::chart::render(
        &actsim::report::chart::Load::new(&m, &tables),
    ));
    assert!(
        load.contains("0xC004F074: hq-desktops 329,800, branch-pcs 123,953, dmz-servers 55,901"),
        "{}",
        &load[..2000]
    );
    let count = svg(actsim::report::chart::render(
        &actsim::report::chart::KmsCount::new(&m, &tables),
    ));
    assert!(count.contains("threshold 25: Windows11"));
    assert!(count.contains("threshold 5: WindowsServer2022"));
    assert!(count.contains("kms-new (built 60d)"));
    assert!(count.contains("kms-old (removed 60d)"));
}

/// With more fleets than panels, a fleet with a problem is never lumped into "other", even
/// the smallest; the compare chart names the fleets it leaves out.
#[test]
fn troubled_small_fleets_get_their_own_panel() {
    let mut fleets: Vec<String> = (0..7)
        .map(|i| {
            format!(
                r#"Fleet(name: "big{i}", site: "hq", count: {}, activation: Kms(discovery: Dns))"#,
                100 + i
            )
        })
        .collect();
    fleets.push(r#"Fleet(name: "tiny", site: "hq", count: 3, activation: Kms(discovery: Static("nobody")))"#.into());
    let text = format!(
        r#"Scenario(
    name: "many fleets", duration: "20d", seed: 5,
    sites: [Site(name: "hq")],
    domains: [Domain(name: "corp", dns_site: "hq")],
    kms_hosts: [KmsHost(name: "kms1", site: "hq"), KmsHost(name: "nobody", site: "hq")],
    fleets: [{}],
    timeline: [Event(at: "0d", do: HostDown("nobody"))],
)"#,
        fleets.join(",\n")
    );
    let (m, o) = run(&text);
    let s = actsim::report::summary(&m, m.seed, &o);
    assert!(
        s.findings
            .iter()
            .any(|f| f.subject == "tiny" && f.severity == Severity::Problem)
    );
    let tables = actsim::report::tables_of(&m, &o);
    let svg = actsim::report::chart::render(&actsim::report::chart::Activation::new(
        &m,
        &tables,
        &s.findings,
    ))
    .unwrap()
    .svg;
    assert!(svg.contains("tiny: up to 3 machines"), "its own panel");
    let other = svg.find("other ").expect("the rest are grouped");
    assert!(!svg[other..other + 80].contains("tiny"));

    // compare: 8 fleets, 6 panels; the chart says which two it left out.
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("a.ron");
    let cand = dir.path().join("b.ron");
    std::fs::write(&base, &text).unwrap();
    std::fs::write(&cand, text.replace("count: 3,", "count: 4,")).unwrap();
    let out = dir.path().join("cmp");
    let o = actsim(&[
        "compare",
        base.to_str().unwrap(),
        cand.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let chart = std::fs::read_to_string(out.join("compare.svg")).unwrap();
    assert!(
        chart.contains("not drawn (changed least): "),
        "names what it leaves out"
    );
}

/// KMS-CLI-3: machines that start `Activated` but overdue renew at phases spread over the
/// renewal interval, not all within the first activation interval: with 2,400 machines,
/// ages up to 7 days and a 1-day renewal interval, the peak is about 2,400 / 24 an hour
/// (it was over 1,000 when they all came in the first 2 hours).
#[test]
fn overdue_renewals_at_the_start_are_spread_over_the_renewal_interval() {
    let text = r#"Scenario(
    name: "overdue", duration: "3d", seed: 9,
    sites: [Site(name: "hq")],
    domains: [Domain(name: "corp", dns_site: "hq")],
    kms_hosts: [KmsHost(name: "kms1", site: "hq")],
    policy: Policy(renewal_interval: "1d"),
    fleets: [Fleet(name: "pcs", site: "hq", count: 2400, activation: Kms(discovery: Dns),
                   initial: Activated(age_up_to: "7d"))],
)"#;
    let (m, o) = run(text);
    let s = summary(&m, &o);
    let peak = s["hosts"]["kms1"]["peak_requests_per_hour"]
        .as_u64()
        .unwrap();
    assert!((100..=200).contains(&peak), "peak {peak}/h");
    // "threshold at" names the product, and is the first answer that met it.
    let t = &s["hosts"]["kms1"]["thresholds"][0];
    assert_eq!(t["product"], "WindowsClient");
    assert_eq!(t["threshold"], 25);
    assert!(t["reached_s"].as_u64().unwrap() < HOUR);
}

/// The trace collapses runs of identical attempts, keeps its columns and shows dates.
#[test]
fn the_trace_collapses_repeated_attempts() {
    let o = actsim(&[
        "trace",
        "scenarios/migration.ron",
        "--machine",
        "dmz-servers/0",
    ]);
    assert!(o.status.success());
    let out = String::from_utf8(o.stdout).unwrap();
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines.len() < 12, "{out}");
    assert!(
        out.contains("0xC004F074  × 1398, every 2h, until 2027-07-02"),
        "{out}"
    );
    assert!(out.contains("2027-01-04 00:00:00"));
    // Fixed columns: the outcome column starts at the same place on every line.
    let header = lines.iter().find(|l| l.contains("outcome")).unwrap();
    let column = header.find("outcome").unwrap();
    for l in lines
        .iter()
        .filter(|l| l.contains("renewed") || l.contains("0xC004F074"))
    {
        let at = l.find("renewed").or_else(|| l.find("0xC004F074")).unwrap();
        assert_eq!(at, column, "{l}");
    }
}
