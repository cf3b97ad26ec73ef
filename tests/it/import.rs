//! `actsim import kms-log` and `actsim run --event-log`: the hand-written fixtures in the
//! real layouts (tests/fixtures/kms-log: two hosts, clones, a refused request, an unknown
//! activation id, Office and Windows pools, XML and CSV), malformed input, and the round
//! trip of a run's event log through the import.

use std::path::{Path, PathBuf};
use std::process::Command;

fn actsim(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_actsim"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs")
}

fn fixture(name: &str) -> String {
    format!("tests/fixtures/kms-log/{name}")
}

fn import(files: &[&str], out: &Path) -> std::process::Output {
    let out = out.display().to_string();
    let mut args = vec!["import", "kms-log"];
    args.extend(files);
    args.extend(["--out", out.as_str()]);
    actsim(&args)
}

/// KMS-COUNT-7, KMS-CLI-8: the fixtures' findings and generated scenario, as reviewed.
#[test]
fn fixtures_give_findings_and_a_scenario_that_runs() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("imp");
    let o = import(&[&fixture("kms1.xml"), &fixture("kms2.csv")], &out);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    for f in [
        "requests.csv",
        "hosts.csv",
        "clients.csv",
        "findings.txt",
        "scenario.ron",
        "kms-count.svg",
        "kms-count.png",
    ] {
        assert!(out.join(f).exists(), "{f}");
    }
    let findings = std::fs::read_to_string(out.join("findings.txt")).unwrap();
    assert!(findings.starts_with("problem:"), "problems first");
    assert!(findings.contains("shared by 3 machines"), "the clones");
    assert!(findings.contains("0xC004F042 × 1"), "the refused request");
    insta::assert_snapshot!("import-fixture-findings", findings);
    let scenario = std::fs::read_to_string(out.join("scenario.ron")).unwrap();
    let scenario = scenario.replace(&fixture(""), "tests/fixtures/kms-log/");
    insta::assert_snapshot!("import-fixture-scenario", scenario);
    // The skeleton runs, from the log's state.
    let model = actsim::load(&out.join("scenario.ron")).unwrap();
    assert!(!model.kms.start_tables.is_empty());
    let outcome = actsim::run(&model, model.seed);
    assert!(outcome.events > 0);
    // Every request, in time order, with the replayed count.
    let requests = std::fs::read_to_string(out.join("requests.csv")).unwrap();
    assert_eq!(requests.lines().count(), 1 + 98);
    let times: Vec<&str> = requests
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "time order");
    // The clones count once (KMS-COUNT-7): lab02's request after lab01's adds nothing.
    let lab: Vec<&str> = requests
        .lines()
        .filter(|l| l.contains("lab0"))
        .take(2)
        .collect();
    let count = |l: &str| l.split(',').nth(9).unwrap().parse::<u32>().unwrap();
    assert_eq!(count(lab[0]), count(lab[1]));
}

/// Bad input exits 65 with the file and line, writes nothing, never panics.
#[test]
fn malformed_logs_name_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let xml = std::fs::read_to_string(fixture("kms1.xml")).unwrap();
    let lines: Vec<&str> = xml.lines().collect();
    let csv = std::fs::read_to_string(fixture("kms2.csv")).unwrap();
    let csv_lines: Vec<&str> = csv.lines().collect();
    let cases: Vec<(&str, String, &str, &str)> = vec![
        (
            "truncated.xml",
            format!("{}\n{}\n", lines[0], &lines[1][..lines[1].len() / 2]),
            ":2:",
            "",
        ),
        (
            "eight-fields.xml",
            format!(
                "{}\n{}\n",
                lines[0],
                lines[1].replacen("<Data>0x0</Data>", "", 1)
            ),
            ":2:",
            "8 data fields",
        ),
        (
            "locale.csv",
            format!(
                "{}\n{}\n",
                csv_lines[0],
                csv_lines[1].replacen(
                    "2024-03-10T18:05:00.0000000+00:00",
                    "10.03.2024 18:05:00",
                    1
                )
            ),
            ":2:",
            "ISO 8601",
        ),
        (
            "short-row.csv",
            format!(
                "{}\n{}\n\"2024-03-10T18:05:00Z\",\"kms2\"\n",
                csv_lines[0], csv_lines[1]
            ),
            ":3:",
            "2 fields",
        ),
        (
            "bad-sku.csv",
            format!(
                "{}\n{}\n",
                csv_lines[0],
                csv_lines[1].replacen("ae2ee509-1b34-41c0-acb7-6d4650168915", "Windows 7", 1)
            ),
            ":2:",
            "activation id",
        ),
        ("empty.xml", String::new(), ":1:", "empty"),
        // Found by the damaged-copies test: one year typed wrong made a log of centuries,
        // whose chart could not be drawn.
        (
            "centuries.csv",
            format!(
                "{}\n{}\n{}\n",
                csv_lines[0],
                csv_lines[1],
                csv_lines[2].replacen("2024-03-10T17", "2924-03-10T17", 1)
            ),
            ":3:",
            "more than 7,300 (20 years)",
        ),
        // The days spanned count, not the hours: 7,300 days less an hour, from late on the
        // first day to early on the last, is 7,301 days of replay (the review found it).
        (
            "7300-days.csv",
            format!(
                "{}\n{}\n{}\n",
                csv_lines[0],
                csv_lines[1].replacen("2024-03-10T18:05", "2004-03-11T23:00", 1),
                csv_lines[2].replacen("2024-03-10T17:05", "2024-03-06T22:00", 1)
            ),
            ":3:",
            "more than 7,300 (20 years)",
        ),
    ];
    for (name, text, line, words) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        let out = dir.path().join(format!("out-{name}"));
        let o = import(&[path.to_str().unwrap()], &out);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(65), "{name}: {err}");
        assert!(err.contains(&format!("{name}{line}")), "{name}: {err}");
        assert!(err.contains(words), "{name}: {err}");
        assert!(!out.exists(), "{name}: nothing written");
    }
}

/// An activation id actsim does not know becomes a product named by the id, with the
/// logged threshold.
#[test]
fn an_unknown_activation_id_becomes_a_product() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("imp");
    let o = import(&[&fixture("kms2.csv")], &out);
    assert_eq!(o.status.code(), Some(0));
    let scenario = std::fs::read_to_string(out.join("scenario.ron")).unwrap();
    assert!(scenario.contains(
        "Product(name: \"11111111-2222-4333-8444-555555555555\", threshold: 5, pool: Windows, group: ServerC)"
    ));
}

const ROUND_TRIP: &str = r#"// Round trip: does a run's event log give back its counts?
Scenario(
    name: "round trip", seed: 5, start: "2024-05-01", duration: "60d", sample_every: "1d",
    sites: [Site(name: "hq")],
    domains: [Domain(name: "corp.example", dns_site: "hq"),
              Domain(name: "lab.example", dns_site: "hq", srv_update: AnyHost)],
    kms_hosts: [KmsHost(name: "kms1", site: "hq", keys: [ServerC, Office]),
                KmsHost(name: "kms2", site: "hq", domain: Some("lab.example"), keys: [ServerC])],
    fleets: [
        Fleet(name: "desktops", site: "hq", count: 40, product: "Windows10", activation: Kms(),
              arrival: Ramp(start: "0d", over: "20d")),
        Fleet(name: "servers", site: "hq", count: 6, product: "WindowsServer2022", activation: Kms()),
        Fleet(name: "office", site: "hq", count: 12, product: "Office2019", activation: Kms(),
              arrival: Ramp(start: "2d", over: "10d")),
        Fleet(name: "lab", site: "hq", domain: Some("lab.example"), count: 10, product: "Windows10",
              activation: Kms(), online: Daily(hours: 9)),
    ],
)
"#;

/// Rows of a hosts.csv keyed by (day, host, pool) → count.
fn counts(
    path: &Path,
    day_col: usize,
    host_col: usize,
    strip: &str,
) -> Vec<(u64, String, String, String)> {
    let text = std::fs::read_to_string(path).unwrap();
    let header: Vec<&str> = text.lines().next().unwrap().split(',').collect();
    let pool_col = header.iter().position(|h| *h == "pool").unwrap();
    let count_col = header.iter().position(|h| *h == "count").unwrap();
    text.lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (
                f[day_col].parse().unwrap(),
                f[host_col].trim_end_matches(strip).to_owned(),
                f[pool_col].to_owned(),
                f[count_col].to_owned(),
            )
        })
        .collect()
}

/// KMS-COUNT-1 to KMS-COUNT-5, KMS-COUNT-8: a run's event log imported again gives back
/// the run's host counts exactly, and fleets of the run's sizes and products.
#[test]
fn a_runs_event_log_imported_gives_back_its_counts_and_fleets() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("rt.ron");
    std::fs::write(&scenario, ROUND_TRIP).unwrap();
    let (run, log, imp) = (
        dir.path().join("run"),
        dir.path().join("log"),
        dir.path().join("imp"),
    );
    let o = actsim(&[
        "run",
        scenario.to_str().unwrap(),
        "--out",
        run.to_str().unwrap(),
        "--event-log",
        log.to_str().unwrap(),
        "--quiet",
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    for f in actsim::eventlog::write::DIR_FILES {
        assert!(log.join(f).exists(), "{f}");
    }
    let o = import(&[log.join("kms-host-events.xml").to_str().unwrap()], &imp);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    // The CSV layout gives the same replay as the XML.
    let imp_csv = dir.path().join("imp-csv");
    let o = import(
        &[log.join("kms-host-events.csv").to_str().unwrap()],
        &imp_csv,
    );
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        std::fs::read(imp.join("hosts.csv")).unwrap(),
        std::fs::read(imp_csv.join("hosts.csv")).unwrap()
    );
    // Counts: every day the import covers, for both hosts and pools.
    let ran = counts(&run.join("hosts.csv"), 1, 2, "");
    let replayed: Vec<(u64, String, String, String)> = counts(&imp.join("hosts.csv"), 1, 3, "")
        .into_iter()
        .map(|(d, h, p, c)| {
            let host = h.split('.').next().unwrap().to_owned();
            (d, host, p, c)
        })
        .collect();
    assert!(replayed.len() > 100);
    for row in &replayed {
        let same = ran
            .iter()
            .find(|r| r.0 == row.0 && r.1 == row.1 && r.2 == row.2)
            .unwrap_or_else(|| panic!("no run row for {row:?}"));
        assert_eq!(same.3, row.3, "day {} {} {}", row.0, row.1, row.2);
    }
    assert!(
        replayed.iter().any(|r| r.1 == "kms2" && r.3 != "0"),
        "both hosts answered"
    );
    // Fleets: one per product and DNS suffix, of the run's sizes.
    let model = actsim::load(&imp.join("scenario.ron")).unwrap();
    let mut fleets: Vec<(String, String, u64)> = model
        .fleets
        .iter()
        .map(|f| {
            let domain = f
                .domain
                .map(|d| model.domains[d].name.clone())
                .unwrap_or_default();
            (domain, model.products[f.product].name.clone(), f.count)
        })
        .collect();
    fleets.sort();
    assert_eq!(
        fleets,
        [
            ("corp.example".into(), "Office2019".into(), 12),
            ("corp.example".into(), "Windows10".into(), 40),
            ("corp.example".into(), "WindowsServer2022".into(), 6),
            ("lab.example".into(), "Windows10".into(), 10),
        ]
    );
}

/// Same scenario and seed, same event logs, byte for byte.
/// A directory of event logs is an output directory: one holding files actsim did not
/// write is refused without --force (exit 2), and nothing is written into it.
#[test]
fn an_event_log_directory_of_the_users_is_refused_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("logs");
    std::fs::create_dir(&logs).unwrap();
    std::fs::write(logs.join("mine.txt"), b"mine").unwrap();
    let logs = logs.to_str().unwrap();
    let o = actsim(&[
        "run",
        "scenarios/quickstart.ron",
        "--quiet",
        "--event-log",
        logs,
    ]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(
        std::fs::read_dir(logs).unwrap().count(),
        1,
        "nothing written"
    );
    let o = actsim(&[
        "run",
        "scenarios/quickstart.ron",
        "--quiet",
        "--event-log",
        logs,
        "--force",
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn event_logs_are_deterministic() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("rt.ron");
    std::fs::write(&scenario, ROUND_TRIP).unwrap();
    let write = |name: &str| -> PathBuf {
        let path = dir.path().join(name);
        let o = actsim(&[
            "run",
            scenario.to_str().unwrap(),
            "--event-log",
            path.to_str().unwrap(),
            "--quiet",
        ]);
        assert_eq!(o.status.code(), Some(0));
        path
    };
    let (a, b) = (write("a.xml"), write("b.xml"));
    assert_eq!(std::fs::read(a).unwrap(), std::fs::read(b).unwrap());
}

/// A 200 MB export is streamed: memory stays far below the file's size. Slow (it writes
/// and reads 200 MB): run with
/// `cargo test --release --test it import::a_200_mb_log -- --ignored`.
#[test]
#[ignore]
fn a_200_mb_log_is_read_in_bounded_memory() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.xml");
    let xml = std::fs::read_to_string(fixture("kms1.xml")).unwrap();
    let lines: Vec<&str> = xml.lines().collect();
    let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    let (mut written, mut count) = (0usize, 0u64);
    while written < 200 << 20 {
        for l in &lines {
            f.write_all(l.as_bytes()).unwrap();
            f.write_all(b"\n").unwrap();
            written += l.len() + 1;
            count += 1;
        }
    }
    // A truncated last event: the error names its line, after reading everything before.
    f.write_all(&lines[0].as_bytes()[..200]).unwrap();
    drop(f);
    let hwm = |pid: u32| -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        status
            .lines()
            .find(|l| l.starts_with("VmHWM:"))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    let before = hwm(std::process::id());
    let result = actsim::import::kms_log::read(std::slice::from_ref(&path));
    let after = hwm(std::process::id());
    let e = result.err().expect("the truncated end is an error");
    assert_eq!(e.exit_code(), 65);
    assert!(
        e.to_string().contains(&format!("big.xml:{}:", count + 1)),
        "{e}"
    );
    eprintln!(
        "{e}; peak memory grew by {} MB",
        after.saturating_sub(before) / 1024
    );
    assert!(
        after.saturating_sub(before) < 100 * 1024,
        "grew {} kB",
        after - before
    );
}

/// `actsim import inventory FIXTURE --out OUT EXTRA...`, and the fleets' total.
fn inventory(fixture: &str, out: &Path, extra: &[&str]) -> (std::process::Output, u64) {
    let path = format!("tests/fixtures/inventory/{fixture}");
    let mut args = vec!["import", "inventory", &path, "--out", out.to_str().unwrap()];
    args.extend(extra);
    let o = actsim(&args);
    let total = actsim::load(out).map_or(0, |m| m.fleets.iter().map(|f| f.count).sum());
    (o, total)
}

/// An AD export: fleets by OU and operating system, stale machines (no logon within 90
/// days of the newest logon in the file) counted apart and left out; the scenario runs.
#[test]
fn an_ad_inventory_gives_fleets_by_ou_and_os() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("ad.ron");
    let (o, total) = inventory("ad.csv", &out, &[]);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(stdout.contains("2 stale"), "{stdout}");
    assert_eq!(total, 19);
    let text = std::fs::read_to_string(&out).unwrap();
    insta::assert_snapshot!("import-inventory-ad", text);
    // Asked for, stale machines stay; the reference date moves what is stale.
    assert_eq!(inventory("ad.csv", &out, &["--include-stale"]).1, 21);
    let (_, total) = inventory(
        "ad.csv",
        &out,
        &["--as-of", "2024-06-10", "--stale-days", "100"],
    );
    assert_eq!(total, 14, "logons from 2024-03-02 on");
}

/// An Intune export: Windows 11 from build 22000, phones skipped.
#[test]
fn an_intune_inventory_tells_windows_11_by_its_build() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("intune.ron");
    let (o, _) = inventory("intune.csv", &out, &[]);
    assert_eq!(o.status.code(), Some(0));
    let model = actsim::load(&out).unwrap();
    let fleets: Vec<(String, u64)> = model
        .fleets
        .iter()
        .map(|f| (model.products[f.product].name.clone(), f.count))
        .collect();
    assert_eq!(fleets, [("Windows10".into(), 3), ("Windows11".into(), 6)]);
}

/// A date in a locale's format is refused with its line.
#[test]
fn an_inventory_with_a_local_date_names_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.csv");
    std::fs::write(
        &path,
        "deviceName,operatingSystem,osVersion,lastSyncDateTime\nA,Windows,10.0.22631.1,2024-03-01T08:00:00Z\nB,Windows,10.0.22631.1,01.03.2024 08:00\n",
    )
    .unwrap();
    let out = dir.path().join("x.ron");
    let o = actsim(&[
        "import",
        "inventory",
        path.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(65));
    assert!(String::from_utf8_lossy(&o.stderr).contains("bad.csv:3:"));
    assert!(!out.exists());
}

/// KMS-COUNT-3: a host's start table holds its entries at t = 0; the fleet machines they
/// name are not placed a second time, and an entry of a client outside the scenario
/// counts until it ages out.
#[test]
fn a_start_table_is_the_hosts_table_at_t0() {
    let text = r#"Scenario(
        name: "start table", duration: "40d",
        sites: [Site(name: "hq")],
        domains: [Domain(name: "corp", dns_site: "hq")],
        kms_hosts: [KmsHost(name: "kms1", site: "hq", table: [
            Seen(cmid: "00000000-0000-4000-8000-000000000001", ago: "2d", fleet: "pcs"),
            Seen(cmid: "00000000-0000-4000-8000-000000000002", ago: "1d", fleet: "pcs"),
            Seen(cmid: "00000000-0000-4000-8000-000000000003", ago: "20d", product: "WindowsClient"),
        ])],
        fleets: [Fleet(name: "pcs", site: "hq", count: 3, activation: Kms(),
                       initial: Activated(age_up_to: "5d"))],
    )"#;
    let model = actsim::parse("t.ron", text.as_bytes()).unwrap();
    assert_eq!(model.fleets.iter().next().unwrap().known.len(), 2);
    let outcome = actsim::run(&model, model.seed);
    let tables = actsim::report::tables_of(&model, &outcome);
    let count = |day: usize| tables.hosts[0][0][day].count.unwrap();
    // Two named machines, the outsider, and the third machine placed by its drawn age.
    assert_eq!(count(0), 4);
    // Day 10: the outsider (seen 20 days before the start) has aged out after day 10.
    assert_eq!(count(11), 3);
}

/// One mutation of `text`, drawn from `rng`: a wide character inserted, a byte deleted, a
/// line repeated or dropped, a digit changed, or the text cut short. The result stays
/// UTF-8 only when the edit lands on a character boundary; the readers get bytes and must
/// answer either way.
fn mutate(text: &[u8], rng: &mut impl rand_chacha::rand_core::Rng) -> Vec<u8> {
    let mut out = text.to_vec();
    let at = (rng.next_u64() % (out.len() as u64 + 1)) as usize;
    match rng.next_u32() % 6 {
        0 => {
            let wide =
                ["\u{38a}", "\u{2014}", "\u{6c71a}", "\"", ",", "<"][rng.next_u32() as usize % 6];
            out.splice(at..at, wide.bytes());
        }
        1 if at < out.len() => {
            out.remove(at);
        }
        2 | 3 => {
            let start = out[..at]
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |i| i + 1);
            let end = out[at..]
                .iter()
                .position(|&b| b == b'\n')
                .map_or(out.len(), |i| at + i + 1);
            let line = out[start..end].to_vec();
            if rng.next_u32() % 2 == 0 {
                out.splice(end..end, line);
            } else {
                out.drain(start..end);
            }
        }
        4 => {
            if let Some(d) = out[at..].iter().position(u8::is_ascii_digit) {
                out[at + d] = b'0' + (rng.next_u32() % 10) as u8;
            }
        }
        _ => out.truncate(at),
    }
    out
}

/// The importers on 1,200 damaged copies of the fixtures (a fixed seed: the same copies on
/// every machine): each answers with outputs or an error naming a line, never a panic, and
/// a scenario they write is one actsim reads.
#[test]
fn damaged_logs_and_inventories_never_panic_the_importers() {
    use rand_chacha::rand_core::{Rng, SeedableRng};
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(12290);
    let dir = tempfile::tempdir().unwrap();
    let fixtures = [
        ("kms-log", "kms1.xml"),
        ("kms-log", "kms2.csv"),
        ("inventory", "ad.csv"),
        ("inventory", "intune.csv"),
    ];
    let mut written = 0;
    for (kind, name) in fixtures {
        let text = std::fs::read(format!("tests/fixtures/{kind}/{name}")).unwrap();
        for i in 0..300 {
            let mut damaged = mutate(&text, &mut rng);
            for _ in 0..rng.next_u32() % 3 {
                damaged = mutate(&damaged, &mut rng);
            }
            let input = dir.path().join(format!("{i}-{name}"));
            std::fs::write(&input, &damaged).unwrap();
            let out = dir.path().join(format!("out-{i}-{name}"));
            let answer = std::panic::catch_unwind(|| match kind {
                "kms-log" => {
                    actsim::import::kms_log::import(std::slice::from_ref(&input), &out).map(|_| ())
                }
                _ => {
                    let options = actsim::import::inventory::Options {
                        stale_days: 90,
                        as_of: None,
                        include_stale: false,
                    };
                    actsim::import::inventory::import(&input, &out.join("s.ron"), &options)
                        .map(|_| ())
                }
            });
            let what = format!("{name}, damaged copy {i} ({})", input.display());
            match answer {
                Err(_) => panic!("{what} panicked the importer"),
                Ok(Err(e)) => {
                    assert!(matches!(e, actsim::Error::Input { .. }), "{what}: {e}");
                    assert!(
                        !out.exists() || std::fs::read_dir(&out).unwrap().next().is_none(),
                        "{what}: {e} but wrote"
                    );
                }
                Ok(Ok(())) => {
                    let scenario = if kind == "kms-log" {
                        out.join("scenario.ron")
                    } else {
                        out.join("s.ron")
                    };
                    actsim::load(&scenario).unwrap_or_else(|e| panic!("{what}: {e}"));
                    written += 1;
                }
            }
        }
    }
    // Most damage is refused, some is harmless (a digit in a date): both kinds are seen.
    assert!(
        written > 50 && written < 1_100,
        "{written} of 1,200 imported"
    );
}
