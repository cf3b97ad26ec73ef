//! Properties that hold for every scenario of a kind, checked on random ones (proptest
//! shrinks a failure to a smallest scenario). Cases are few enough for CI.

use proptest::prelude::*;

/// A chain of key files, each added before the previous one's "expires soon" window
/// starts, with seats for every device, and devices always online: the scenario of
/// KSC-5's promise.
fn renewal_chain(
    devices: u64,
    terms: &[u64],
    warning_days: u64,
    sync_minutes: u64,
    start_offset_days: u64,
) -> String {
    let mut keys = Vec::new();
    let mut from = 0;
    let mut last_end = 0;
    for (i, &days) in terms.iter().enumerate() {
        keys.push(format!(
            r#"LicenseKey(name: "k{i}", source: KeyFile, valid_from: "{from}d", valid_for: "{days}d", devices: {devices}, auto_distribute: true)"#
        ));
        last_end = from + days;
        // The next key is in storage before this one enters its warning window.
        from = (from + days).saturating_sub(warning_days + start_offset_days + 1);
    }
    // The run ends before the last key does: past it, no key is left to distribute and a
    // device is rightly expired (a key ending exactly at the run's end failed here once).
    let end: u64 = (terms.iter().sum::<u64>() / 2 + 30).min(last_end.saturating_sub(1));
    format!(
        r#"Scenario(
    name: "chain", duration: "{end}d", seed: {devices},
    sites: [Site(name: "hq")],
    ksc_servers: [KscServer(name: "ksc1", site: "hq", keys: [{}])],
    fleets: [Fleet(name: "pcs", site: "hq", count: {devices}, activation: Ksc(server: "ksc1"))],
    policy: Policy(ksc_sync_interval: "{sync_minutes}m", ksc_expiry_warning: "{warning_days}d"),
    expect: [NoneIn(fleet: "pcs", state: Expired), AtMost(fleet: "pcs", state: NoKey, count: 0, from: "0d")],
)"#,
        keys.join(", ")
    )
}

proptest! {
    #![proptest_config(crate::support::proptest_config(48))]

    /// KSC-5: no device is ever `expired` (nor, at a sample, without a key) while a valid key file with
    /// free seats is auto-distributed and the device synchronises before the warning
    /// window ends.
    #[test]
    fn ksc_5_no_device_expires_while_a_key_file_is_distributed_in_time(
        devices in 1u64..40,
        terms in proptest::collection::vec(60u64..400, 2..5),
        warning_days in 2u64..45,
        sync_minutes in 15u64..240,
        start_offset_days in 0u64..10,
    ) {
        let text = renewal_chain(devices, &terms, warning_days, sync_minutes, start_offset_days);
        let model = actsim::parse("chain.ron", text.as_bytes()).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let outcome = actsim::run(&model, model.seed);
        for e in &outcome.expectations {
            prop_assert!(e.held, "{}: {}\n{text}", e.expect, e.detail);
        }
    }

    /// Observation is read-only: the sampling grid never changes a run's outcomes.
    #[test]
    fn sampling_changes_no_outcome(
        pcs in 1u64..60,
        retire_day in 1u64..40,
        retention_days in 10u64..90,
        every in prop_oneof![Just("1h"), Just("6h"), Just("1d"), Just("7d"), Just("90d")],
    ) {
        let text = |every: &str| format!(
            r#"Scenario(name: "grid", duration: "90d", sample_every: "{every}",
                sites: [Site(name: "hq")],
                domains: [Domain(name: "corp", dns_site: "hq")],
                kms_hosts: [KmsHost(name: "kms1", site: "hq")],
                fleets: [Fleet(name: "pcs", site: "hq", count: {pcs}, activation: Kms())],
                timeline: [
                    Event(at: "{retire_day}d", do: RetireMachines(fleet: "pcs", count: {pcs})),
                    Event(at: "{}d", do: SetPolicy(Policy(cmid_retention: "{retention_days}d"))),
                    Event(at: "{}d", do: AddMachines(fleet: "pcs", count: 1)),
                ])"#,
            retire_day + 20,
            retire_day + 21,
        );
        let run = |every: &str| {
            let m = actsim::parse("grid.ron", text(every).as_bytes()).unwrap();
            let o = actsim::run(&m, m.seed);
            (o.outcomes, o.events, o.populations[0].final_counts)
        };
        prop_assert_eq!(run(every), run("1d"));
    }
}
