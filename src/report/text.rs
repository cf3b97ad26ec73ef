//! The human summary `actsim run` prints: fleet states at the end, time to threshold,
//! outcomes by code, expectations.

use crate::code::Code;
use crate::engine::SimTime;
use crate::kms::host::{POOLS, pool_index};
use crate::observe::expect::time;
use crate::observe::{FLEET_COLUMNS, Outcome};
use crate::scenario::Model;
use std::fmt::Write;

fn when(t: Option<SimTime>) -> String {
    t.map_or_else(|| "never".to_owned(), time)
}

pub fn text(model: &Model, seed: u64, outcome: &Outcome) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "{}", model.name);
    if let Some(q) = &model.question {
        let _ = writeln!(s, "  question: {q}");
    }
    let _ = writeln!(
        s,
        "  seed {seed}, {} simulated, {} events\n",
        time(model.duration),
        outcome.events
    );

    let name_width = model
        .fleets
        .iter()
        .map(|f| f.name.len())
        .max()
        .unwrap_or(5)
        .max(5);
    let _ = writeln!(s, "Fleets at the end");
    let _ = write!(s, "  {:<name_width$} {:>9}", "fleet", "machines");
    for c in FLEET_COLUMNS {
        let _ = write!(s, " {c:>12}");
    }
    let _ = writeln!(
        s,
        "    first licensed      all licensed  notification machine-days"
    );
    for (f, r) in model.fleets.iter().zip(&outcome.fleets) {
        let _ = write!(s, "  {:<name_width$} {:>9}", f.name, r.machines);
        for n in r.final_counts {
            let _ = write!(s, " {n:>12}");
        }
        let _ = writeln!(
            s,
            "  {:>16}  {:>16}  {:>12.1}",
            when(r.first_licensed),
            when(r.all_licensed),
            r.notification_machine_days
        );
    }

    if !model.hosts.is_empty() {
        let _ = writeln!(s, "\nKMS hosts");
        for (h, st) in model.hosts.iter().zip(&outcome.hosts) {
            let pools: Vec<String> = POOLS
                .iter()
                .map(|&p| {
                    let i = pool_index(p);
                    format!(
                        "{p:?} max count {}, threshold {}",
                        st.max_count[i],
                        st.threshold_reached[i].map_or_else(
                            || "never reached".to_owned(),
                            |t| format!("reached at {}", time(t))
                        )
                    )
                })
                .collect();
            let _ = writeln!(
                s,
                "  {}: {} requests, {} failed contacts, peak {}/h; {}",
                h.name,
                st.requests,
                st.failures,
                st.peak_requests_per_hour,
                pools.join("; ")
            );
        }
    }

    let stale: Vec<String> = model
        .domains
        .iter()
        .zip(&outcome.stale_record_failures)
        .filter(|(_, n)| **n > 0)
        .map(|(d, n)| format!("  {}: {n} failed connections to stale SRV records", d.name))
        .collect();
    if !stale.is_empty() {
        let _ = writeln!(s, "\nDNS\n{}", stale.join("\n"));
    }

    let _ = writeln!(s, "\nAttempt outcomes");
    for c in Code::ALL {
        let n = outcome.outcomes[c as usize];
        if n > 0 {
            let _ = writeln!(s, "  {:<11} {n:>12}  {}", c.as_str(), c.meaning());
        }
    }

    if !outcome.expectations.is_empty() {
        let _ = writeln!(s, "\nExpectations");
        for e in &outcome.expectations {
            let mark = if e.held { "held  " } else { "FAILED" };
            let _ = writeln!(s, "  {mark} {}: {}", e.expect, e.detail);
        }
    }
    s
}
