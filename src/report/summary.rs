//! `summary.json` (outputs.md): every field listed there, in a fixed order, with no
//! wall-clock value, so it is byte-identical for the same scenario, seed and version.

use crate::code::Code;
use crate::engine::SimTime;
use crate::kms::host::{POOLS, pool_index};
use crate::observe::{FLEET_COLUMNS, Outcome};
use crate::scenario::Model;
use crate::scenario::model::Pool;
use serde_json::{Map, Value, json};

fn pool_name(pool: Pool) -> &'static str {
    match pool {
        Pool::Windows => "windows",
        Pool::Office => "office",
    }
}

/// Rounds to `digits` decimals so that the JSON shows meaningful figures only.
fn round(x: f64, digits: i32) -> f64 {
    let scale = 10f64.powi(digits);
    (x * scale).round() / scale
}

fn time(t: Option<SimTime>) -> Value {
    t.map_or(Value::Null, Value::from)
}

pub fn summary(model: &Model, seed: u64, outcome: &Outcome) -> Value {
    let fleets: Map<String, Value> = model
        .fleets
        .iter()
        .zip(&outcome.fleets)
        .map(|(f, r)| {
            let states: Map<String, Value> = FLEET_COLUMNS
                .iter()
                .zip(r.final_counts)
                .map(|(name, n)| ((*name).to_owned(), Value::from(n)))
                .collect();
            let value = json!({
                "machines": r.machines,
                "final": states,
                "first_licensed_s": time(r.first_licensed),
                "all_licensed_s": time(r.all_licensed),
                "notification_machine_days": round(r.notification_machine_days, 3),
                "min_licensed_share": r.min_licensed_share.map(|s| round(s, 6)),
            });
            (f.name.clone(), value)
        })
        .collect();
    let hosts: Map<String, Value> = model
        .hosts
        .iter()
        .zip(&outcome.hosts)
        .map(|(h, s)| {
            let per_pool = |f: &dyn Fn(usize) -> Value| -> Map<String, Value> {
                POOLS
                    .iter()
                    .map(|&p| (pool_name(p).to_owned(), f(pool_index(p))))
                    .collect()
            };
            let value = json!({
                "requests": s.requests,
                "failures": s.failures,
                "max_count": per_pool(&|p| Value::from(s.max_count[p])),
                "threshold_reached_s": per_pool(&|p| time(s.threshold_reached[p])),
                "peak_requests_per_hour": s.peak_requests_per_hour,
            });
            (h.name.clone(), value)
        })
        .collect();
    let outcomes: Map<String, Value> = Code::ALL
        .iter()
        .map(|&c| {
            (
                c.as_str().to_owned(),
                Value::from(outcome.outcomes[c as usize]),
            )
        })
        .collect();
    let dns: Map<String, Value> = model
        .domains
        .iter()
        .zip(&outcome.stale_record_failures)
        .map(|(d, &n)| (d.name.clone(), json!({ "stale_record_failures": n })))
        .collect();
    let expectations: Vec<Value> = outcome
        .expectations
        .iter()
        .map(|e| json!({ "expect": e.expect, "held": e.held, "detail": e.detail }))
        .collect();
    json!({
        "scenario": model.name,
        "question": model.question,
        "seed": seed,
        "start": model.start.map(|d| d.format("%Y-%m-%d").to_string()),
        "duration_s": model.duration,
        "sample_every_s": model.sample_every,
        "events": outcome.events,
        "fleets": fleets,
        "hosts": hosts,
        "dns": dns,
        "mak_keys": Map::new(),
        "outcomes": outcomes,
        "expectations": expectations,
    })
}
