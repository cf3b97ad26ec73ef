//! `actsim advise FILE`: which activation method for each part of the network, by Table 1
//! ("criteria for activation methods") of the volume-activation planning guide, with the
//! criteria computed from the scenario (`criteria.rs`), the choice and its reasons
//! (`plan.rs`, `words.rs`), the scenario rewritten with the advice (`edit.rs`: `advised.ron`),
//! and the proof: both plans simulated with common random numbers, with and without a
//! week's outage of the central KMS host (`proof.rs`). `text.rs` and `html.rs` report it,
//! leading with what is wrong with the current plan.

pub mod criteria;
pub mod edit;
pub mod html;
pub mod plan;
pub mod proof;
pub mod sections;
pub mod text;
pub mod words;

use crate::model::Model;
pub use plan::{Plan, Recommended, Row};
pub use proof::{Fault, Proof, Verdict};

/// Which outage the fault runs simulate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FaultChoice {
    /// A week without the KMS host most machines reach, from the middle of the run.
    Central,
    Given(Fault),
}

/// How to run the proof.
#[derive(Debug, Clone)]
pub struct Options {
    pub seed: u64,
    pub replications: u64,
    pub threads: usize,
    pub fault: FaultChoice,
}

/// The advice and its proof.
pub struct Advice {
    pub plan: Plan,
    /// The text of `advised.ron`, and the scenario it is.
    pub advised_source: String,
    pub advised: Model,
    pub proof: Proof,
}

/// Advises `model`: applies Table 1, writes the advised scenario and simulates both plans.
/// An error is a defect of the advice (the advised scenario does not validate) or of the
/// run, in words.
pub fn advise(model: &Model, options: &Options) -> Result<Advice, String> {
    let plan = plan::plan(model);
    let (advised_source, advised) = edit::advised(model, &plan)
        .map_err(|e| format!("the advised scenario does not validate: {e}"))?;
    let fault = match &options.fault {
        FaultChoice::Central => Fault::central(model, &plan),
        FaultChoice::Given(f) => Some(f.clone()),
    };
    let proof = proof::prove(
        model,
        &advised,
        fault,
        options.seed,
        options.replications,
        options.threads,
    )?;
    Ok(Advice {
        plan,
        advised_source,
        advised,
        proof,
    })
}

/// The files `actsim advise --out DIR` writes: `advised.ron`, `advice.html`, `advice.csv`,
/// and the side-by-side charts `advice-compare` and `advice-fault` (SVG and PNG).
pub fn files(model: &Model, advice: &Advice) -> Result<Vec<(&'static str, Vec<u8>)>, String> {
    let names = ["current plan", "advised plan"];
    let plain = advice.proof.plain.chart_labelled(
        model,
        &advice.advised,
        format!("{} — current and advised plans", model.name),
        names,
    )?;
    let fault = match &advice.proof.fault {
        Some((f, c)) => Some(c.chart_labelled(
            &f.apply(model),
            &f.apply(&advice.advised),
            format!(
                "{} — {} down for {} from {}",
                model.name,
                f.host,
                crate::time::human(f.duration),
                crate::report::findings::when(model, f.from)
            ),
            names,
        )?),
        None => None,
    };
    let mut svgs: Vec<&str> = vec![plain.svg.as_str()];
    svgs.extend(fault.as_ref().map(|f| f.svg.as_str()));
    let html = html::page(model, advice, &svgs);
    let mut out = vec![
        ("advised.ron", advice.advised_source.clone().into_bytes()),
        ("advice.html", html.into_bytes()),
        ("advice.csv", csv(model, advice)),
        ("advice-compare.svg", plain.svg.into_bytes()),
        ("advice-compare.png", plain.png),
    ];
    if let Some(f) = fault {
        out.push(("advice-fault.svg", f.svg.into_bytes()));
        out.push(("advice-fault.png", f.png));
    }
    Ok(out)
}

/// `advice.csv`: one row per fleet — its criteria, current and advised method, the row of
/// Table 1, the verdict of the simulation and why.
pub fn csv(model: &Model, advice: &Advice) -> Vec<u8> {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    let _ = w.write_record([
        "fleet",
        "machines",
        "ad_joined",
        "dc_reached",
        "adba_version",
        "activation_object",
        "longest_offline_s",
        "kms_hosts_reached",
        "count",
        "threshold",
        "rebuilt_every_s",
        "current",
        "advised",
        "table1_row",
        "unchanged",
        "simulation",
        "why",
    ]);
    let verdicts = sections::fleets(model, advice);
    let yes = |b: bool| if b { "yes" } else { "no" }.to_owned();
    for a in &advice.plan.fleets {
        let c = &a.criteria;
        let name = model
            .fleets
            .get(c.fleet)
            .map_or(String::new(), |f| f.name.clone());
        let verdict = verdicts
            .iter()
            .find(|v| v.name == name)
            .map_or(String::new(), text::verdict_words);
        let hosts: Vec<&str> = c
            .hosts
            .iter()
            .filter_map(|&h| model.kms.hosts.get(h).map(|h| h.name.as_str()))
            .collect();
        let _ = w.write_record([
            name,
            c.machines.to_string(),
            yes(c.joined),
            yes(c.dc_reached.is_some()),
            yes(c.adba_product),
            yes(c.activation_object),
            c.longest_offline.to_string(),
            hosts.join(" "),
            a.count.map_or(String::new(), |(n, _)| n.to_string()),
            a.count.map_or(String::new(), |(_, t)| t.to_string()),
            c.rebuilt_every.map_or(String::new(), |r| r.to_string()),
            plan::current_words(model, c.fleet),
            plan::method_words(model, &advice.plan, &a.recommended),
            a.row.map_or(String::new(), |r| r.number().to_string()),
            yes(a.same_as_current),
            verdict,
            a.why.clone(),
        ]);
    }
    w.into_inner().unwrap_or_default()
}
