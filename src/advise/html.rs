//! `advice.html`: the advice as one self-contained page in the style of `report.html` —
//! what is wrong with the current plan first, the advice table with its reasons, the
//! network diagram coloured by advised method, the proof by simulation side by side (with
//! its chart), the costs and the fault run. No network reference of any kind.

#![allow(clippy::indexing_slicing)] // indices are ids of fleets of the validated models

use super::Advice;
use super::plan::{HostRef, Recommended};
use super::proof::Verdict;
use super::sections::{self, show};
use crate::model::Model;
use crate::report::html::{STYLE, diagram_coloured, esc};
use std::fmt::Write;

/// The colour of each advised method (Okabe–Ito, as the charts' series).
pub fn colour(r: &Recommended) -> &'static str {
    match r {
        Recommended::Adba { .. } => "#0072B2",
        Recommended::Kms {
            host: HostRef::Existing(_),
            ..
        } => "#009E73",
        Recommended::Kms {
            host: HostRef::New(_),
            ..
        } => "#CC79A7",
        Recommended::Mak { .. } => "#D55E00",
        Recommended::NotActivated => "#6A6A6A",
        Recommended::Unchanged => "#222222",
    }
}

const LEGEND: [(&str, &str); 5] = [
    ("#0072B2", "AD-based activation"),
    ("#009E73", "central KMS"),
    ("#CC79A7", "local KMS"),
    ("#D55E00", "MAK"),
    ("#6A6A6A", "no activation"),
];

const EXTRA_STYLE: &str = "
.why dt { font-weight: bold; margin-top: .6rem; }
.why dd { margin: .1rem 0 0 1.2rem; }
td.better { color: var(--ok); font-weight: bold; }
td.worse { color: var(--bad); font-weight: bold; }
td.cross { color: var(--bad); }
.legend span { margin-right: 1.2rem; }
";

/// The page; `charts` are the SVGs of the plain comparison and of the fault run.
pub fn page(model: &Model, advice: &Advice, charts: &[&str]) -> String {
    let mut h = String::with_capacity(64_000 + charts.iter().map(|c| c.len()).sum::<usize>());
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{} — advice</title>\n<style>{STYLE}{EXTRA_STYLE}</style>\n</head>\n<body>\n",
        esc(&model.name)
    );
    let _ = writeln!(h, "<h1>{} — advice</h1>", esc(&model.name));
    if let Some(q) = &model.question {
        let _ = writeln!(
            h,
            "<p class=\"question\"><strong>Question:</strong> {}</p>",
            esc(q)
        );
    }
    let n = advice.proof.plain.replications;
    let _ = writeln!(
        h,
        "<p class=\"meta\">Seed {} · {} simulated · {n} replication{} of each plan with the \
         same random numbers</p>",
        model.seed,
        crate::time::human(model.duration),
        if n == 1 { "" } else { "s" }
    );
    let (good, verdict) = sections::verdict_line(model, advice);
    let _ = writeln!(
        h,
        "<div class=\"verdict {}\">{}</div>",
        if good { "ok" } else { "warn" },
        esc(&verdict)
    );
    let wrong = sections::wrong(model, advice);
    if !wrong.is_empty() {
        let _ = writeln!(
            h,
            "<h2 id=\"wrong\">What is wrong with the current plan</h2>\n<ul class=\"findings\">"
        );
        for w in &wrong {
            let _ = writeln!(
                h,
                "<li class=\"{}\">{}</li>",
                if w.problem { "problem" } else { "note" },
                esc(&w.text)
            );
        }
        let _ = writeln!(h, "</ul>");
    }
    table(&mut h, model, advice);
    let _ = writeln!(
        h,
        "<h2 id=\"network\">The network, coloured by advised method</h2>\n<p class=\"legend\">{}</p>",
        LEGEND
            .iter()
            .map(|(c, w)| format!(
                "<span><span class=\"swatch\" style=\"background:{c}\"></span>{w}</span>"
            ))
            .collect::<String>()
    );
    let advised = &advice.advised;
    h.push_str(&diagram_coloured(
        advised,
        &|id| {
            let name = &advised.fleets[id].name;
            advice
                .plan
                .fleets
                .iter()
                .find(|a| &model.fleets[a.criteria.fleet].name == name)
                .map(|a| colour(&a.recommended))
        },
        1.5,
        "The advised plan: sites, their KMS hosts (new local hosts included), DNS servers and \
         fleets, each fleet in the colour of its advised method; links with what their \
         firewalls let through.",
    ));
    proof(&mut h, model, advice, charts.first().copied());
    let _ = writeln!(h, "<h2 id=\"costs\">Costs</h2>\n<ul>");
    for line in sections::costs(model, advice) {
        let _ = writeln!(h, "<li>{}</li>", esc(&line));
    }
    let _ = writeln!(h, "</ul>");
    if let Some(f) = sections::fault(model, advice) {
        let _ = writeln!(
            h,
            "<h2 id=\"fault\">Fault run: {}</h2>\n<table>\n<tr><th>measure</th><th>current</th>\
             <th>current, fault</th><th>advised</th><th>advised, fault</th></tr>",
            esc(&f.title)
        );
        for (label, unit, v) in &f.rows {
            let _ = write!(h, "<tr><td>{}</td>", esc(label));
            for x in v {
                let _ = write!(h, "<td>{}</td>", esc(&show(*x, *unit)));
            }
            let _ = writeln!(h, "</tr>");
        }
        let _ = writeln!(h, "</table>\n<ul>");
        for w in &f.words {
            let _ = writeln!(h, "<li>{}</li>", esc(w));
        }
        let _ = writeln!(h, "</ul>");
        if let Some(svg) = charts.get(1) {
            let _ = writeln!(
                h,
                "<figure>\n{svg}<figcaption>With the outage: licensed share of the fleets the \
                 advice changed most and the requests the KMS hosts answered per hour, current \
                 plan dashed, advised plan solid.</figcaption></figure>"
            );
        }
    }
    let _ = writeln!(
        h,
        "<h2 id=\"limits\">What a scenario cannot say</h2>\n<p>{}</p>",
        esc(sections::NOT_COMPUTED)
    );
    let _ = writeln!(
        h,
        "<footer>Produced by actsim {} with <code>actsim advise</code>. The advised scenario is \
         <code>advised.ron</code> beside this page; same scenario and seed give the same \
         advice.</footer>\n</body>\n</html>",
        env!("CARGO_PKG_VERSION")
    );
    h
}

/// The advice table, the reasons, the totals and the work to do.
fn table(h: &mut String, model: &Model, advice: &Advice) {
    let _ = writeln!(
        h,
        "<h2 id=\"advice\">Advice by Table 1 (criteria for activation methods)</h2>\n<table>\n<tr>"
    );
    for (i, c) in super::text::HEADER.iter().enumerate() {
        let class = if [10, 11].contains(&i) {
            " class=\"text\""
        } else {
            ""
        };
        let _ = write!(h, "<th{class}>{}</th>", esc(c));
    }
    let _ = writeln!(h, "</tr>");
    for (row, a) in super::text::rows(model, advice)
        .iter()
        .zip(&advice.plan.fleets)
    {
        let _ = write!(h, "<tr>");
        for (i, cell) in row.iter().enumerate() {
            let (class, content) = match i {
                10 => (" class=\"text\"", esc(cell)),
                11 => (
                    " class=\"text\"",
                    format!(
                        "<span class=\"swatch\" style=\"background:{}\"></span>{}",
                        colour(&a.recommended),
                        esc(cell)
                    ),
                ),
                2..=5 | 8 if cell.ends_with('✗') => (" class=\"cross\"", esc(cell)),
                _ => ("", esc(cell)),
            };
            let _ = write!(h, "<td{class}>{content}</td>");
        }
        let _ = writeln!(h, "</tr>");
    }
    let _ = writeln!(
        h,
        "</table>\n<p class=\"meta\">AD-joined: the fleet's domain has domain controllers. \
         DC: one of them is reached on TCP 389. ADBA version: the product is Windows 8 / Server \
         2012 / Office 2013 or later. AD object: the domain has an activation object. offline \
         ≤: the longest the machines stay offline at a stretch. KMS reached: the hosts whose \
         key covers the product and whose port the fleet reaches. count/threshold: the machines \
         that would ask the KMS host it would use, against the product's threshold. row: the \
         row of Table 1 that decided.</p>\n<dl class=\"why\">"
    );
    for a in &advice.plan.fleets {
        let row = a.row.map_or(String::new(), |r| {
            format!(" — row {}: {}", r.number(), r.criterion())
        });
        let _ = writeln!(
            h,
            "<dt>{}{}</dt><dd>{}</dd>",
            esc(&model.fleets[a.criteria.fleet].name),
            esc(&row),
            esc(&a.why)
        );
    }
    let _ = writeln!(h, "</dl>\n<p>{}</p>", esc(&sections::totals(model, advice)));
    let todo = sections::todo(model, advice);
    if !todo.is_empty() {
        let _ = writeln!(
            h,
            "<p><strong>To do for the advised plan</strong></p>\n<ul>"
        );
        for t in todo {
            let _ = writeln!(h, "<li>{}</li>", esc(&t));
        }
        let _ = writeln!(h, "</ul>");
    }
}

/// The side-by-side measures, each fleet's verdict, and the chart.
fn proof(h: &mut String, model: &Model, advice: &Advice, chart: Option<&str>) {
    let _ = writeln!(
        h,
        "<h2 id=\"proof\">Proof by simulation: current plan against advised plan</h2>\n\
         <table>\n<tr><th>measure</th><th>current</th><th>advised</th><th>change</th>\
         <th>95% CI of change</th></tr>"
    );
    for m in sections::headline(&advice.proof.plain) {
        let class = match sections::improves(&m) {
            Some(true) => " class=\"better\"",
            Some(false) => " class=\"worse\"",
            None => "",
        };
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td{class}>{}</td><td>{}</td></tr>",
            esc(m.label),
            esc(&show(m.current, m.unit)),
            esc(&show(m.advised, m.unit)),
            esc(&sections::change(&m)),
            esc(&sections::interval(&m))
        );
    }
    let _ = writeln!(
        h,
        "</table>\n<table>\n<tr><th>fleet</th><th>licensed share (mean)</th>\
         <th>in notification (most)</th><th>notification machine-days</th>\
         <th>machine-days at risk</th><th>failed attempts</th>\
         <th class=\"text\">advice in simulation</th></tr>"
    );
    for f in sections::fleets(model, advice) {
        let _ = write!(h, "<tr><td>{}</td>", esc(&f.name));
        for m in &f.measures {
            let (c, a) = sections::pair(m);
            let _ = write!(h, "<td>{} → {}</td>", esc(&c), esc(&a));
        }
        let class = match f.verdict {
            Verdict::Better => "text better",
            Verdict::Same => "text",
            Verdict::Worse => "text worse",
        };
        let _ = writeln!(
            h,
            "<td class=\"{class}\">{}</td></tr>",
            esc(&super::text::verdict_words(&f))
        );
    }
    let _ = writeln!(h, "</table>");
    if let Some(svg) = chart {
        let _ = writeln!(
            h,
            "<figure>\n{svg}<figcaption>Licensed share of the fleets the advice changed most, \
             and the requests the KMS hosts answered per hour: current plan dashed, advised \
             plan solid (replication 0).</figcaption></figure>"
        );
    }
}
