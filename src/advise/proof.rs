//! The proof by simulation: the current and the advised scenario run with common random
//! numbers (`compare`: a machine's draws depend only on the seed, its fleet's name and its
//! index, and the advised plan keeps every fleet's name), and again with one KMS host down
//! for a while (the fault run), so that what a plan costs when its central host fails shows
//! beside what it does when all is well.

#![allow(clippy::indexing_slicing)] // indices are positions in the series of one run (samples × populations, built together) and ids of the validated model

use crate::Outcome;
use crate::code::Code;
use crate::compare::{Comparison, compare_with};
use crate::model::{ActionModel, HostId, KmsAction, Model, StateSet, TimedAction};
use crate::sweep::metrics::{self, Metrics};
use crate::time::{DAY, SimTime};

/// A KMS host down for a while (`--fault HOST:DURATION[@START]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    pub host: String,
    pub from: SimTime,
    pub duration: SimTime,
}

impl Fault {
    /// Parses `HOST:DURATION` or `HOST:DURATION@START` against the scenario's hosts; the
    /// outage starts at `START`, by default in the middle of the run (to the day).
    pub fn parse(text: &str, model: &Model) -> Result<Fault, String> {
        let (host, rest) = text.rsplit_once(':').ok_or_else(|| {
            format!("--fault {text}: expected HOST:DURATION or HOST:DURATION@START, e.g. kms1:7d")
        })?;
        let (duration, start) = match rest.split_once('@') {
            Some((d, s)) => (d, Some(s)),
            None => (rest, None),
        };
        if model.kms.hosts.position(|h| h.name == host).is_none() {
            let names: Vec<&str> = model.kms.hosts.iter().map(|h| h.name.as_str()).collect();
            return Err(if names.is_empty() {
                format!("--fault {text}: the scenario has no KMS host")
            } else {
                format!(
                    "--fault {text}: no KMS host \"{host}\" (hosts: {})",
                    names.join(", ")
                )
            });
        }
        let span = |what: &str, t: &str| -> Result<SimTime, String> {
            let d = crate::scenario::duration::parse(t)
                .map_err(|e| format!("--fault {text}: {what}: {e}"))?;
            u64::try_from(d.secs()).map_err(|_| format!("--fault {text}: {what} is negative"))
        };
        let duration = span("duration", duration)?;
        if duration == 0 {
            return Err(format!("--fault {text}: the outage lasts no time"));
        }
        let from = match start {
            Some(s) => span("start", s)?,
            None => Fault::default_start(model),
        };
        if from >= model.duration {
            return Err(format!(
                "--fault {text}: the outage starts after the run ends ({})",
                crate::time::human(model.duration)
            ));
        }
        Ok(Fault {
            host: host.to_owned(),
            from,
            duration,
        })
    }

    /// Where an outage starts unless told: the middle of the run, to the day.
    pub fn default_start(model: &Model) -> SimTime {
        model.duration / 2 / DAY * DAY
    }

    /// The default fault: a week without the host that most machines reach now.
    pub fn central(model: &Model, plan: &super::plan::Plan) -> Option<Fault> {
        let busiest = model.kms.hosts.ids().max_by_key(|&h| {
            let reached: u64 = plan
                .fleets
                .iter()
                .filter(|a| a.criteria.hosts.contains(&h))
                .map(|a| a.criteria.machines)
                .sum();
            (reached, std::cmp::Reverse(h))
        })?;
        Some(Fault {
            host: model.kms.hosts[busiest].name.clone(),
            from: Fault::default_start(model),
            duration: 7 * DAY,
        })
    }

    /// `model` with the host down from `from` for `duration` (HostDown, then HostUp, which
    /// restarts the service: KMS-COUNT-6).
    pub fn apply(&self, model: &Model) -> Model {
        let mut m = model.clone();
        if let Some(h) = m.kms.hosts.position(|h| h.name == self.host) {
            let at = |t: SimTime, a: fn(HostId) -> KmsAction| TimedAction {
                at: t,
                action: ActionModel::Kms(a(h)),
            };
            m.timeline.push(at(self.from, KmsAction::HostDown));
            let back = self.from.saturating_add(self.duration);
            if back <= m.duration {
                m.timeline.push(at(back, KmsAction::HostUp));
            }
        }
        m
    }
}

/// The column of out-of-tolerance grace among the Windows states.
const OOT_GRACE: usize = 2;

/// The two plans compared, without and with the fault.
pub struct Proof {
    pub plain: Comparison,
    pub fault: Option<(Fault, Comparison)>,
}

/// Runs the current and the advised plan with `replications` paired seeds from `seed`.
pub fn prove(
    current: &Model,
    advised: &Model,
    fault: Option<Fault>,
    seed: u64,
    replications: u64,
    threads: usize,
) -> Result<Proof, String> {
    let plain = compare_with(current, advised, seed, replications, threads, measure)?;
    let fault = match fault {
        None => None,
        Some(f) => {
            let c = compare_with(
                &f.apply(current),
                &f.apply(advised),
                seed,
                replications,
                threads,
                measure,
            )?;
            Some((f, c))
        }
    };
    Ok(Proof { plain, fault })
}

/// The numbers of one run that advice reports: the sweep metrics, and per fleet and in all
/// the mean licensed share over the run, the most machines in notification at once, the
/// machine-days at risk and the failed attempts; MAK activations and KMS hosts used.
pub fn measure(model: &Model, outcome: &Outcome) -> Metrics {
    let mut m = metrics::of(model, outcome);
    let series = &outcome.series;
    let pops = outcome.populations.len();
    let grid: Vec<usize> = (0..series.times.len())
        .filter(|&i| series.on_grid[i])
        .collect();
    let days_per_sample = model.sample_every as f64 / DAY as f64;
    let notification = usize::from(StateSet::Windows.worst());
    let windows: Vec<usize> = (0..pops)
        .filter(|&p| outcome.populations[p].population.set == StateSet::Windows)
        .collect();
    let mut licensed_all = 0u64;
    let mut present_all = 0u64;
    let mut notif_by_sample = vec![0u64; grid.len()];
    let mut risk_all = 0.0;
    let mut failed_all = 0u64;
    for &p in &windows {
        let r = &outcome.populations[p];
        let name = &model.fleets[r.population.fleet].name;
        let (mut licensed, mut present) = (0u64, 0u64);
        for (k, &i) in grid.iter().enumerate() {
            let row = &series.rows[i * pops + p];
            licensed += StateSet::Windows.licensed_in(&row.columns);
            present += row.present;
            notif_by_sample[k] += row.columns[notification];
        }
        licensed_all += licensed;
        present_all += present;
        let risk: f64 = (0..grid.len())
            .map(|k| series.risk.get(k * pops + p).map_or(0, |r| r.machines) as f64)
            .sum::<f64>()
            * days_per_sample;
        risk_all += risk;
        let failed: u64 = Code::ALL
            .iter()
            .filter(|c| c.is_failed_attempt())
            .map(|&c| r.outcomes[c as usize])
            .sum();
        failed_all += failed;
        m.push((
            format!("fleet.{name}.licensed_share_mean"),
            (present > 0).then(|| licensed as f64 / present as f64),
        ));
        m.push((
            format!("fleet.{name}.notification_peak"),
            Some(r.max_by_state[notification] as f64),
        ));
        m.push((
            format!("fleet.{name}.oot_peak"),
            Some(r.max_by_state[OOT_GRACE] as f64),
        ));
        m.push((format!("fleet.{name}.at_risk_machine_days"), Some(risk)));
        m.push((format!("fleet.{name}.failed_attempts"), Some(failed as f64)));
    }
    m.push((
        "licensed_share_mean".into(),
        (present_all > 0).then(|| licensed_all as f64 / present_all as f64),
    ));
    m.push((
        "notification_peak".into(),
        Some(notif_by_sample.into_iter().max().unwrap_or(0) as f64),
    ));
    m.push(("at_risk_machine_days".into(), Some(risk_all)));
    m.push(("failed_attempts".into(), Some(failed_all as f64)));
    m.push((
        "kms_hosts_used".into(),
        Some(outcome.kms.hosts.iter().filter(|h| h.requests > 0).count() as f64),
    ));
    m.push((
        "mak_used".into(),
        Some(outcome.mak.keys.iter().map(|k| k.used as f64).sum()),
    ));
    m
}

/// How a fleet fared under the advised plan against the current one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Better,
    Same,
    Worse,
}

/// The measures that decide a fleet's verdict, most important first, with whether more is
/// better: machine-days in notification, the mean licensed share, machine-days at risk, the
/// failed attempts.
const DECIDING: [(&str, bool); 4] = [
    ("notification_machine_days", false),
    ("licensed_share_mean", true),
    ("at_risk_machine_days", false),
    ("failed_attempts", false),
];

/// The verdict for fleet `name` (or for all fleets with `None`), and the measure that
/// decided it.
pub fn verdict(c: &Comparison, name: Option<&str>) -> (Verdict, Option<&'static str>) {
    for (measure, more_is_better) in DECIDING {
        let key = match name {
            Some(n) => format!("fleet.{n}.{measure}"),
            None => measure.to_owned(),
        };
        let Some(row) = c.row(&key) else {
            continue;
        };
        let (Some(b), Some(a)) = (row.base.mean(), row.candidate.mean()) else {
            continue;
        };
        if (a - b).abs() <= 1e-9 * b.abs().max(1.0) {
            continue;
        }
        let better = (a > b) == more_is_better;
        return (
            if better {
                Verdict::Better
            } else {
                Verdict::Worse
            },
            Some(measure),
        );
    }
    (Verdict::Same, None)
}

/// The mean of `metric` in the current (0) or advised (1) plan.
pub fn mean(c: &Comparison, metric: &str, side: usize) -> Option<f64> {
    let row = c.any_row(metric)?;
    if side == 0 {
        row.base.mean()
    } else {
        row.candidate.mean()
    }
}
