//! The parts of the advice both the terminal and `advice.html` show, as plain data: what is
//! wrong with the current plan, the side-by-side measures, each fleet's verdict, the costs,
//! the fault run, the totals and the work to do.

#![allow(clippy::indexing_slicing)] // indices are ids of fleets, sites, domains and hosts of the validated models, and of the plan's own hosts and keys

use super::Advice;
use super::plan::{HostRef, MakWay, Recommended};
use super::proof::{Verdict, mean, verdict};
use crate::compare::Comparison;
use crate::model::Model;
use crate::numbers::thousands;
use crate::time::human;

/// One thing wrong with the current plan.
#[derive(Debug, Clone)]
pub struct Wrong {
    /// A problem (machines unlicensed, or a method that cannot work) rather than a note.
    pub problem: bool,
    pub text: String,
}

/// How a measure is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Share,
    Count,
    Days,
}

/// One measure side by side.
#[derive(Debug, Clone)]
pub struct Measure {
    pub label: &'static str,
    pub metric: String,
    pub unit: Unit,
    /// Whether more is better (for the colour of the change).
    pub more_is_better: bool,
    pub current: Option<f64>,
    pub advised: Option<f64>,
    /// The 95 % confidence interval of the paired change, with several replications.
    pub ci95: Option<(f64, f64)>,
}

/// A value for a table cell.
pub fn show(v: Option<f64>, unit: Unit) -> String {
    match (v, unit) {
        (None, _) => "—".to_owned(),
        (Some(x), Unit::Share) => format!("{:.1} %", x * 100.0),
        (Some(x), Unit::Count) => thousands(x.round() as u64),
        (Some(x), Unit::Days) if x.fract() == 0.0 => thousands(x as u64),
        (Some(x), Unit::Days) => {
            let tenths = (x.abs() * 10.0).round() as u64;
            let sign = if x < 0.0 { "−" } else { "" };
            format!("{sign}{}.{}", thousands(tenths / 10), tenths % 10)
        }
    }
}

/// Both values of a measure for a cell: shares get more decimals (up to three) until two
/// different values read differently ("99.93 % → 99.84 %", not "99.9 % → 99.8 %" twice the
/// same), and a share under 100 % never reads as 100.0 %.
pub fn pair(m: &Measure) -> (String, String) {
    if m.unit != Unit::Share {
        return (show(m.current, m.unit), show(m.advised, m.unit));
    }
    let share = |x: Option<f64>, decimals: usize| {
        x.map_or("—".to_owned(), |x| format!("{:.decimals$} %", x * 100.0))
    };
    let rounds_up = |x: Option<f64>, decimals: usize| {
        x.is_some_and(|x| x < 1.0 && share(Some(x), decimals).starts_with("100"))
    };
    let mut decimals = 1;
    while decimals < 3
        && ((m.current != m.advised && share(m.current, decimals) == share(m.advised, decimals))
            || rounds_up(m.current, decimals)
            || rounds_up(m.advised, decimals))
    {
        decimals += 1;
    }
    (share(m.current, decimals), share(m.advised, decimals))
}

/// The change from current to advised, in words ("+7.8 pts", "−58", "=").
pub fn change(m: &Measure) -> String {
    match (m.current, m.advised) {
        (Some(c), Some(a)) if (a - c).abs() < 1e-9 => "=".to_owned(),
        (Some(c), Some(a)) => {
            let d = a - c;
            let sign = if d > 0.0 { "+" } else { "−" };
            match m.unit {
                Unit::Share => format!("{sign}{:.1} pts", d.abs() * 100.0),
                Unit::Count => format!("{sign}{}", thousands(d.abs().round() as u64)),
                Unit::Days => format!("{sign}{}", show(Some(d.abs()), Unit::Days)),
            }
        }
        _ => "changed".to_owned(),
    }
}

/// Whether the change is for the better (Some(true)), the worse, or none.
pub fn improves(m: &Measure) -> Option<bool> {
    let (c, a) = (m.current?, m.advised?);
    ((a - c).abs() >= 1e-9).then_some((a > c) == m.more_is_better)
}

fn measure(
    c: &Comparison,
    label: &'static str,
    metric: &str,
    unit: Unit,
    more_is_better: bool,
) -> Measure {
    Measure {
        label,
        metric: metric.to_owned(),
        unit,
        more_is_better,
        current: mean(c, metric, 0),
        advised: mean(c, metric, 1),
        ci95: c
            .row(metric)
            .and_then(|r| r.change.ci95())
            .filter(|(lo, hi)| lo != hi),
    }
}

/// The confidence interval of a change for a cell ("[−60, −56]"), or nothing.
pub fn interval(m: &Measure) -> String {
    m.ci95.map_or(String::new(), |(lo, hi)| {
        let one = |x: f64| {
            let sign = if x < 0.0 { "−" } else { "+" };
            match m.unit {
                Unit::Share => format!("{sign}{:.2}", x.abs() * 100.0),
                _ => format!("{sign}{}", thousands(x.abs().round() as u64)),
            }
        };
        let unit = if m.unit == Unit::Share { " pts" } else { "" };
        format!("[{}, {}]{unit}", one(lo), one(hi))
    })
}

/// The headline measures of both plans.
pub fn headline(c: &Comparison) -> Vec<Measure> {
    vec![
        measure(
            c,
            "licensed share, mean over the run",
            "licensed_share_mean",
            Unit::Share,
            true,
        ),
        measure(
            c,
            "machines in notification, most at once",
            "notification_peak",
            Unit::Count,
            false,
        ),
        measure(
            c,
            "machine-days in notification",
            "notification_machine_days",
            Unit::Days,
            false,
        ),
        measure(
            c,
            "machine-days at risk (renewal overdue)",
            "at_risk_machine_days",
            Unit::Days,
            false,
        ),
        measure(c, "failed attempts", "failed_attempts", Unit::Count, false),
        measure(c, "KMS requests answered", "requests", Unit::Count, false),
        measure(
            c,
            "KMS requests per hour, busiest host at its peak",
            "peak_requests_per_hour",
            Unit::Count,
            false,
        ),
        measure(c, "KMS hosts in use", "kms_hosts_used", Unit::Count, false),
        measure(c, "MAK activations used", "mak_used", Unit::Count, false),
    ]
}

/// One fleet's numbers in both plans and its verdict.
#[derive(Debug, Clone)]
pub struct FleetProof {
    pub name: String,
    pub measures: Vec<Measure>,
    pub verdict: Verdict,
    /// The measure that decided it.
    pub decided_by: Option<&'static str>,
}

/// Per Windows fleet (and advised change), its measures and verdict.
pub fn fleets(model: &Model, advice: &Advice) -> Vec<FleetProof> {
    fleets_in(model, advice, &advice.proof.plain)
}

/// As `fleets`, in comparison `c` (the plain runs or the fault runs).
pub fn fleets_in(model: &Model, advice: &Advice, c: &Comparison) -> Vec<FleetProof> {
    advice
        .plan
        .fleets
        .iter()
        .filter(|a| a.recommended != Recommended::Unchanged)
        .map(|a| {
            let name = model.fleets[a.criteria.fleet].name.clone();
            let m = |label, what: &str, unit, more| {
                measure(c, label, &format!("fleet.{name}.{what}"), unit, more)
            };
            let measures = vec![
                m(
                    "licensed share (mean)",
                    "licensed_share_mean",
                    Unit::Share,
                    true,
                ),
                m(
                    "in notification (most)",
                    "notification_peak",
                    Unit::Count,
                    false,
                ),
                m(
                    "notification machine-days",
                    "notification_machine_days",
                    Unit::Days,
                    false,
                ),
                m(
                    "machine-days at risk",
                    "at_risk_machine_days",
                    Unit::Days,
                    false,
                ),
                m("failed attempts", "failed_attempts", Unit::Count, false),
            ];
            let (verdict, decided_by) = verdict(c, Some(&name));
            FleetProof {
                name,
                measures,
                verdict,
                decided_by,
            }
        })
        .collect()
}

/// What is wrong with the current plan: per fleet, what the criteria say its method cannot
/// do and what its simulation showed; fleets whose method works but is not the advised one
/// as notes.
pub fn wrong(model: &Model, advice: &Advice) -> Vec<Wrong> {
    let c = &advice.proof.plain;
    let mut out = Vec::new();
    for a in &advice.plan.fleets {
        if a.recommended == Recommended::Unchanged {
            continue;
        }
        let f = &model.fleets[a.criteria.fleet];
        let name = &f.name;
        let now = super::plan::current_words(model, a.criteria.fleet);
        let get = |what: &str| mean(c, &format!("fleet.{name}.{what}"), 0).unwrap_or(0.0);
        let mut seen = Vec::new();
        let notified = get("notification_peak");
        if notified > 0.0 {
            seen.push(format!(
                "{} machines in notification at the worst moment ({} machine-days)",
                thousands(notified.round() as u64),
                show(Some(get("notification_machine_days")), Unit::Days)
            ));
        }
        let oot = get("oot_peak");
        if oot > 0.0 {
            seen.push(format!(
                "{} machines out of tolerance (their activation lapsed)",
                thousands(oot.round() as u64)
            ));
        }
        let head = format!(
            "{name} ({} × {}, {now})",
            thousands(a.criteria.machines),
            model.products[f.product].name
        );
        if !a.current_issues.is_empty() || !seen.is_empty() {
            let mut text = format!("{head}: {}", a.current_issues.join("; "));
            if !seen.is_empty() {
                if !a.current_issues.is_empty() {
                    text.push_str(". ");
                }
                text.push_str(&format!("Simulated: {}", seen.join(", ")));
            }
            text.push('.');
            // Machines that need no activation lose nothing but their attempts.
            let problem = !seen.is_empty() || a.recommended != Recommended::NotActivated;
            out.push(Wrong { problem, text });
        } else if !a.same_as_current {
            out.push(Wrong {
                problem: false,
                text: format!(
                    "{head}: works in simulation, but Table 1 row {} advises {}.",
                    a.row.map_or(0, |r| r.number()),
                    super::plan::method_words(model, &advice.plan, &a.recommended)
                ),
            });
        }
    }
    out
}

/// The headline verdict: what the current plan leaves wrong, and what the advised one does
/// about it.
pub fn verdict_line(model: &Model, advice: &Advice) -> (bool, String) {
    let c = &advice.proof.plain;
    let fleets = fleets(model, advice);
    let count = |v: Verdict| fleets.iter().filter(|f| f.verdict == v).count();
    let (better, same, worse) = (
        count(Verdict::Better),
        count(Verdict::Same),
        count(Verdict::Worse),
    );
    let n = |side| mean(c, "notification_peak", side).unwrap_or(0.0).round() as u64;
    let worse_names: Vec<&str> = fleets
        .iter()
        .filter(|f| f.verdict == Verdict::Worse)
        .map(|f| f.name.as_str())
        .collect();
    let mut line = format!(
        "Current plan: {} machines in notification at the worst moment; advised plan: {}. \
         In simulation the advice is better for {better} fleet{}, the same for {same}, worse \
         for {}.",
        thousands(n(0)),
        thousands(n(1)),
        if better == 1 { "" } else { "s" },
        if worse == 0 {
            "none".to_owned()
        } else {
            format!("{worse} ({})", worse_names.join(", "))
        }
    );
    if better == 0 && worse == 0 {
        line.push_str(" The current plan already does as well as the advice.");
    }
    (worse == 0 && better > 0, line)
}

/// Table 1's last row: every machine has exactly one method; the totals per method.
pub fn totals(model: &Model, advice: &Advice) -> String {
    let plan = &advice.plan;
    let mut groups: Vec<(String, u64)> = Vec::new();
    let mut add = |k: String, n: u64| match groups.iter_mut().find(|(g, _)| *g == k) {
        Some(g) => g.1 += n,
        None => groups.push((k, n)),
    };
    for a in &plan.fleets {
        let k = match &a.recommended {
            Recommended::Adba { .. } => "AD-based activation".to_owned(),
            Recommended::Kms {
                host: HostRef::Existing(h),
                by_dns,
            } => {
                let hosts = &a.criteria.hosts_by_dns;
                if *by_dns && hosts.len() > 1 {
                    let names: Vec<&str> = hosts
                        .iter()
                        .map(|&h| model.kms.hosts[h].name.as_str())
                        .collect();
                    format!("KMS on {}", names.join(" and "))
                } else {
                    format!("KMS on {}", model.kms.hosts[*h].name)
                }
            }
            Recommended::Kms {
                host: HostRef::New(k),
                ..
            } => format!("local KMS on {}", plan.new_hosts[*k].name),
            Recommended::Mak { .. } => "MAK".to_owned(),
            Recommended::NotActivated => "no activation".to_owned(),
            Recommended::Unchanged => "Kaspersky only (not advised)".to_owned(),
        };
        add(k, a.criteria.machines);
    }
    let total: u64 = plan.fleets.iter().map(|a| a.criteria.machines).sum();
    format!(
        "{} machines, each with one method (MIX-1): {}.",
        thousands(total),
        groups
            .iter()
            .map(|(k, n)| format!("{} {k}", thousands(*n)))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

/// What the administrator has to do for the advised plan.
pub fn todo(model: &Model, advice: &Advice) -> Vec<String> {
    let plan = &advice.plan;
    let mut out = Vec::new();
    for &d in &plan.create_objects {
        out.push(format!(
            "Create the Active Directory activation object in {} (Volume Activation Tools, \
             with a KMS host key; ADBA-1).",
            model.domains[d].name
        ));
    }
    for h in &plan.new_hosts {
        out.push(format!(
            "Build KMS host {} at {} with a host key for {} and set it on its clients by hand \
             (slmgr /skms {}:1688; NET-3, KMS-HOST-1).",
            h.name,
            model.sites[h.site],
            if h.office {
                "Windows and Office"
            } else {
                "Windows"
            },
            h.name
        ));
    }
    for k in &plan.mak_keys {
        out.push(match k.existing {
            None => format!(
                "Get MAK {} for {} activations ({} a year, {} over the run; MAK-1).",
                k.name,
                thousands(k.activations),
                thousands(k.per_year),
                thousands(k.in_run)
            ),
            Some(e) if e < k.activations => format!(
                "Raise MAK {} from {} to {} activations (MAK-1).",
                k.name,
                thousands(e),
                thousands(k.activations)
            ),
            Some(_) => continue,
        });
    }
    for a in &plan.fleets {
        if a.same_as_current {
            continue;
        }
        let name = &model.fleets[a.criteria.fleet].name;
        let what = match &a.recommended {
            Recommended::Adba { .. } => {
                format!("{name}: nothing on the machines (their GVLK finds the activation object)")
            }
            Recommended::Kms { by_dns: true, .. } => {
                format!("{name}: nothing on the machines (KMS through DNS)")
            }
            Recommended::Kms { .. } => continue,
            Recommended::Mak { way, key } => format!(
                "{name}: install MAK {} on the machines and activate {}",
                plan.mak_keys[*key].name,
                match way {
                    MakWay::Independent => "online".to_owned(),
                    MakWay::Proxy(s) => format!("through VAMT at {}", model.sites[*s]),
                    MakWay::Phone => "by telephone".to_owned(),
                }
            ),
            Recommended::NotActivated => {
                format!("{name}: stop trying to activate; keep rebuilding within the grace period")
            }
            Recommended::Unchanged => continue,
        };
        out.push(format!("{what}."));
    }
    out
}

/// The costs of each plan that matter to the choice: KMS hosts and their load, MAK
/// activations.
pub fn costs(model: &Model, advice: &Advice) -> Vec<String> {
    let c = &advice.proof.plain;
    let host_line = |m: &Model, side: usize| -> String {
        let used: Vec<String> = m
            .kms
            .hosts
            .iter()
            .filter_map(|h| {
                let req = mean(c, &format!("host.{}.requests", h.name), side)?;
                (req > 0.0).then(|| {
                    let peak = mean(c, &format!("host.{}.peak_requests_per_hour", h.name), side)
                        .unwrap_or(0.0);
                    format!(
                        "{} ({} requests, {} an hour at peak)",
                        h.name,
                        thousands(req.round() as u64),
                        thousands(peak.round() as u64)
                    )
                })
            })
            .collect();
        if used.is_empty() {
            "no KMS host in use".to_owned()
        } else {
            format!(
                "{} KMS host{} in use: {}",
                used.len(),
                if used.len() == 1 { "" } else { "s" },
                used.join(", ")
            )
        }
    };
    let mak_line = |m: &Model, side: usize| -> String {
        let keys: Vec<String> = m
            .mak_keys
            .iter()
            .filter_map(|k| {
                let used = mean(c, &format!("mak.{}.used", k.name), side)?;
                Some(format!(
                    "{} used {} of {}",
                    k.name,
                    thousands(used.round() as u64),
                    thousands(k.activations)
                ))
            })
            .collect();
        if keys.is_empty() {
            "no MAK".to_owned()
        } else {
            format!("MAK: {}", keys.join(", "))
        }
    };
    let per_year: u64 = advice.plan.mak_keys.iter().map(|k| k.per_year).sum();
    vec![
        format!(
            "Current plan: {}; {}.",
            host_line(model, 0),
            mak_line(model, 0)
        ),
        format!(
            "Advised plan: {}; {} ({} MAK activations a year: one per machine and the \
             re-imaging the timeline does).",
            host_line(&advice.advised, 1),
            mak_line(&advice.advised, 1),
            thousands(per_year)
        ),
    ]
}

/// The fault run: for each plan, what the outage changed.
pub struct FaultReport {
    pub title: String,
    /// Per measure: (label, unit, current without, current with, advised without, advised
    /// with).
    pub rows: Vec<(&'static str, Unit, [Option<f64>; 4])>,
    pub words: Vec<String>,
}

pub fn fault(model: &Model, advice: &Advice) -> Option<FaultReport> {
    let (f, with) = advice.proof.fault.as_ref()?;
    let without = &advice.proof.plain;
    let title = format!(
        "{} down for {} from {} (HostDown, then HostUp restarts its count: KMS-COUNT-6)",
        f.host,
        human(f.duration),
        crate::report::findings::when(model, f.from)
    );
    let pick = [
        (
            "licensed share, mean over the run",
            "licensed_share_mean",
            Unit::Share,
        ),
        (
            "machines in notification, most at once",
            "notification_peak",
            Unit::Count,
        ),
        (
            "machine-days in notification",
            "notification_machine_days",
            Unit::Days,
        ),
        ("machine-days at risk", "at_risk_machine_days", Unit::Days),
        ("failed attempts", "failed_attempts", Unit::Count),
        (
            "KMS requests per hour, busiest host at its peak",
            "peak_requests_per_hour",
            Unit::Count,
        ),
    ];
    let rows = pick
        .iter()
        .map(|&(label, metric, unit)| {
            (
                label,
                unit,
                [
                    mean(without, metric, 0),
                    mean(with, metric, 0),
                    mean(without, metric, 1),
                    mean(with, metric, 1),
                ],
            )
        })
        .collect();
    let mut words = Vec::new();
    let verdicts = fleets_in(model, advice, with);
    let named = |v: Verdict| -> Vec<String> {
        verdicts
            .iter()
            .filter(|f| f.verdict == v)
            .map(|f| {
                super::text::verdict_words(f)
                    .replacen("better", &f.name, 1)
                    .replacen("WORSE", &f.name, 1)
            })
            .collect()
    };
    let (better, worse) = (named(Verdict::Better), named(Verdict::Worse));
    words.push(format!(
        "With the outage the advice is better for {} fleet{}{}, worse for {}.",
        better.len(),
        if better.len() == 1 { "" } else { "s" },
        if better.is_empty() {
            String::new()
        } else {
            format!(": {}", better.join("; "))
        },
        if worse.is_empty() {
            "none".to_owned()
        } else {
            format!("{}: {}", worse.len(), worse.join("; "))
        }
    ));
    for (side, plan) in [(0, "current"), (1, "advised")] {
        let m = if side == 0 { model } else { &advice.advised };
        let hit: Vec<String> = m
            .fleets
            .iter()
            .filter_map(|g| {
                let key = format!("fleet.{}.failed_attempts", g.name);
                let extra = mean(with, &key, side)? - mean(without, &key, side)?;
                (extra > 0.0).then(|| format!("{} (+{})", g.name, thousands(extra.round() as u64)))
            })
            .collect();
        let lost = |metric: &str| {
            mean(with, metric, side).unwrap_or(0.0) - mean(without, metric, side).unwrap_or(0.0)
        };
        let notif = lost("notification_machine_days");
        let mut line = if hit.is_empty() {
            format!("{plan} plan: no fleet noticed the outage")
        } else {
            format!(
                "{plan} plan: failed attempts during the outage in {}",
                hit.join(", ")
            )
        };
        if notif > 0.0 {
            line.push_str(&format!("; {:.1} more machine-days in notification", notif));
        } else {
            line.push_str("; no machine lost its licence or went into notification because of it");
        }
        words.push(format!("{line}."));
    }
    Some(FaultReport { title, rows, words })
}

/// What the scenario cannot say, and what advice did instead.
pub const NOT_COMPUTED: &str = "Table 1 rows 8 and 9 (machines licensed retail or OEM) \
    cannot be decided from a scenario: every fleet is volume-licensed. Whether a lab's \
    licence agreement covers test copies (row 7) is not in a scenario either: advice takes \
    a fleet the timeline rebuilds within its grace period as one that need not be activated.";
