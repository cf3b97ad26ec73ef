//! Bad input never panics: every error names FILE:LINE:COLUMN and what is wrong (exit 65).

use actsim::Error;
use actsim::engine::Streams;

const GOOD: &str = include_str!("../../scenarios/quickstart.ron");

fn error(text: &[u8]) -> (usize, usize, String) {
    match actsim::parse("bad.ron", text) {
        Err(Error::Scenario {
            file,
            line,
            column,
            message,
        }) => {
            assert_eq!(file, "bad.ron");
            assert!(line >= 1 && column >= 1);
            (line, column, message)
        }
        Err(other) => panic!("expected a scenario error, got {other}"),
        Ok(_) => panic!("accepted bad input:\n{}", String::from_utf8_lossy(text)),
    }
}

fn minimal(fleet_extra: &str, top_extra: &str) -> String {
    format!(
        "Scenario(\n  name: \"t\",\n  duration: \"10d\",\n  sites: [Site(name: \"hq\")],\n  domains: [Domain(name: \"corp\", dns_site: \"hq\")],\n  kms_hosts: [KmsHost(name: \"kms1\", site: \"hq\")],\n  fleets: [Fleet(name: \"pcs\", site: \"hq\", count: 30, activation: Kms(){fleet_extra})],\n{top_extra})"
    )
}

#[test]
fn the_minimal_scenario_is_valid() {
    actsim::parse("ok.ron", minimal("", "").as_bytes()).unwrap();
}

#[test]
fn unknown_field_is_named_with_its_position() {
    let (line, column, message) = error(minimal(", colour: \"blue\"", "").as_bytes());
    assert_eq!(line, 7);
    assert!(column > 60, "{column}");
    assert!(message.contains("colour"), "{message}");
}

#[test]
fn unknown_reference() {
    let text = minimal("", "").replace("site: \"hq\", count", "site: \"branch\", count");
    let (line, _, message) = error(text.as_bytes());
    assert_eq!(line, 7);
    assert!(message.contains("branch"), "{message}");
}

#[test]
fn duplicate_name() {
    let text = minimal("", "").replace(
        "[Site(name: \"hq\")]",
        "[Site(name: \"hq\"), Site(name: \"hq\")]",
    );
    let (line, _, message) = error(text.as_bytes());
    assert_eq!(line, 4);
    assert!(
        message.contains("hq") && message.contains("more than once")
            || message.contains("duplicate"),
        "{message}"
    );
}

#[test]
fn zero_duration() {
    let text = minimal("", "").replace("\"10d\"", "\"0d\"");
    let (line, _, message) = error(text.as_bytes());
    assert_eq!(line, 3);
    assert!(message.contains("duration"), "{message}");
}

#[test]
fn unreadable_duration() {
    let text = minimal("", "").replace("\"10d\"", "\"10 parsecs\"");
    let (line, _, message) = error(text.as_bytes());
    assert_eq!(line, 3);
    assert!(message.contains("parsecs"), "{message}");
}

#[test]
fn month_is_not_a_unit() {
    let text = minimal("", "").replace("\"10d\"", "\"1M\"");
    let (_, _, message) = error(text.as_bytes());
    assert!(message.contains("1M"), "{message}");
}

#[test]
fn empty_file() {
    let (line, column, _) = error(b"");
    assert_eq!((line, column), (1, 1));
}

#[test]
fn binary_garbage() {
    let garbage: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    error(&garbage);
}

#[test]
fn absurd_machine_count_is_refused_with_the_limit() {
    let text = minimal("", "").replace("count: 30", "count: 1000000000000");
    let (line, _, message) = error(text.as_bytes());
    assert_eq!(line, 7);
    assert!(message.contains("limit"), "{message}");
}

#[test]
fn expectation_naming_an_unknown_fleet() {
    let text = minimal(
        "",
        "  expect: [NoneIn(fleet: \"lab\", state: Notification)],\n",
    );
    let (line, _, message) = error(text.as_bytes());
    assert_eq!(line, 8);
    assert!(message.contains("lab"), "{message}");
}

#[test]
fn a_feature_not_simulated_yet_is_refused_by_name() {
    let text = minimal("", "").replace("activation: Kms()", "activation: Ksc(server: \"ksc1\")");
    let (_, _, message) = error(text.as_bytes());
    assert!(message.contains("Kaspersky"), "{message}");
}

#[test]
fn kms_host_3_a_client_os_cannot_hold_a_server_key() {
    let text = minimal("", "").replace(
        "KmsHost(name: \"kms1\", site: \"hq\")",
        "KmsHost(name: \"kms1\", site: \"hq\", os: Client, keys: [ServerA])",
    );
    let (line, _, message) = error(text.as_bytes());
    assert_eq!(line, 6);
    assert!(message.contains("ServerA"), "{message}");
}

/// Thousands of random corruptions of a valid scenario: each is accepted or refused with a
/// position, never a panic.
#[test]
fn no_panic_on_corrupted_scenarios() {
    let mut streams = Streams::new(2026);
    let bytes = GOOD.as_bytes();
    for case in 0..3000u64 {
        let mut text = bytes.to_vec();
        for k in 0..1 + streams.below(1, case * 8, 3) {
            let at = streams.below(2, case * 8 + k, text.len() as u64) as usize;
            match streams.below(3, case * 8 + k, 3) {
                0 => text[at] = streams.below(4, case * 8 + k, 256) as u8,
                1 => {
                    text.remove(at);
                }
                _ => text.insert(
                    at,
                    b"(),:\"[]0-9dx"[streams.below(5, case * 8 + k, 12) as usize],
                ),
            }
        }
        let _ = actsim::parse("fuzz.ron", &text);
    }
}

fn with_link(link: &str) -> String {
    minimal("", &format!("  links: [{link}],\n"))
}

#[test]
fn net_1_link_to_an_unknown_site() {
    let (line, column, message) =
        error(with_link(r#"Link(between: ("hq", "branch"), allow: [Tcp(1688)])"#).as_bytes());
    assert_eq!(line, 8);
    assert!(column > 10, "{column}");
    assert!(message.contains("branch"), "{message}");
}

#[test]
fn kms_host_6_ports_outside_1_to_65535_are_refused() {
    for port in ["Tcp(0)", "Udp(0)", "Tcp(70000)", "Tcp(-1)"] {
        let (line, _, message) = error(
            with_link(&format!(
                r#"Link(between: ("hq", "internet"), allow: [{port}])"#
            ))
            .as_bytes(),
        );
        assert_eq!(line, 8, "{port}: {message}");
        assert!(
            message.contains("port") || message.contains("integer"),
            "{port}: {message}"
        );
    }
    let (_, _, message) = error(
        minimal("", "")
            .replace("site: \"hq\")]", "site: \"hq\", port: 0)]")
            .as_bytes(),
    );
    assert!(message.contains("port"), "{message}");
}

#[test]
fn a_link_to_itself_and_a_duplicate_link_are_refused() {
    let (_, _, message) = error(with_link(r#"Link(between: ("hq", "hq"))"#).as_bytes());
    assert!(message.contains("hq"), "{message}");
    let twice = r#"Link(between: ("hq", "internet")), Link(between: ("internet", "hq"))"#;
    let (_, _, message) = error(with_link(twice).as_bytes());
    assert!(message.contains("internet"), "{message}");
}

#[test]
fn net_2_bad_online_schedules_are_refused() {
    for online in [
        "Daily(hours: 0)",
        "Daily(hours: 25)",
        r#"Windows([("10d", "5d")])"#,
        r#"Windows([("0d", "5d"), ("4d", "8d")])"#,
        r#"Random(mean_on: "0s", mean_off: "1d")"#,
    ] {
        let (line, _, message) = error(minimal(&format!(", online: {online}"), "").as_bytes());
        assert_eq!(line, 7, "{online}: {message}");
    }
}

/// Every mistake in the catalogue (`tests/bad/`) and one shipped scenario, edited once at
/// every position in turn: a character deleted, or one of a set inserted (punctuation of
/// the language, digits, a sign, characters of several bytes): the reader answers (valid or
/// a positioned error) and never panics. The messages read the text around an error back in
/// bytes; the fuzzer twice found a place that cut a character in two (a letter, then a
/// four-byte symbol that is neither letter nor digit), each time at one position only. This
/// tries every position, the same way on every machine.
#[test]
fn one_edit_anywhere_never_panics_the_reader() {
    let mut files: Vec<(String, String)> = std::fs::read_dir("tests/bad")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "ron"))
        .filter_map(|p| Some((p.display().to_string(), std::fs::read_to_string(&p).ok()?)))
        .collect();
    files.sort();
    files.push(("quickstart.ron".to_owned(), GOOD.to_owned()));
    // A letter, a symbol (neither letter nor digit), an unassigned four-byte character
    // (the one the fuzzer found), then the language's punctuation, a digit, a sign and an
    // exponent.
    let inserts = [
        "\u{38a}",
        "\u{2014}",
        "\u{6c71a}",
        "(",
        ")",
        "[",
        "]",
        ",",
        ":",
        "\"",
        "9",
        "-",
        "e",
    ];
    let mut tried = 0usize;
    for (name, text) in &files {
        for (at, c) in text.char_indices() {
            let deleted = format!("{}{}", &text[..at], &text[at + c.len_utf8()..]);
            let inserted = inserts
                .iter()
                .map(|s| format!("{}{s}{}", &text[..at], &text[at..]));
            for (what, edited) in std::iter::once(("deleted".to_owned(), deleted)).chain(
                inserts
                    .iter()
                    .map(|s| format!("{s:?} inserted"))
                    .zip(inserted),
            ) {
                let answer =
                    std::panic::catch_unwind(|| actsim::parse("edit.ron", edited.as_bytes()));
                match answer {
                    Err(_) => panic!("{name}: {what} at byte {at} panicked the reader"),
                    Ok(Ok(_)) => {}
                    Ok(Err(Error::Scenario { line, column, .. })) => {
                        assert!(line >= 1 && column >= 1, "{name}: {what} at byte {at}")
                    }
                    Ok(Err(e)) => panic!("{name}: {what} at byte {at}: no position: {e}"),
                }
                tried += 1;
            }
        }
    }
    assert!(tried > 300_000, "{tried}");
}
