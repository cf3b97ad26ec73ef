//! What `actsim advise` prints: what is wrong with the current plan first, then the advice
//! table (Table 1's criteria per fleet, current and advised method, why), the proof by
//! simulation side by side, the costs, the fault run and the totals.

#![allow(clippy::indexing_slicing)] // indices are ids of fleets and sites of the validated model

use super::Advice;
use super::criteria::Criteria;
use super::plan::{self, FleetAdvice};
use super::proof::Verdict;
use super::sections::{self, show};
use crate::model::Model;
use crate::numbers::thousands;
use crate::report::text::{Paint, table_aligned};
use crate::time::human;
use anstyle::AnsiColor;
use std::fmt::Write;

/// ✓, ✗, or – when the criterion does not apply.
fn mark(v: Option<bool>) -> String {
    match v {
        Some(true) => "✓".to_owned(),
        Some(false) => "✗".to_owned(),
        None => "–".to_owned(),
    }
}

/// The criteria columns of one fleet: joined to AD, DC reached, ADBA version, activation
/// object, longest offline stretch, KMS hosts reached, count/threshold, rebuilt every.
pub fn criteria_cells(model: &Model, a: &FleetAdvice) -> Vec<String> {
    let c: &Criteria = &a.criteria;
    if !c.windows {
        return vec!["–".to_owned(); 8];
    }
    let hosts: Vec<&str> = c
        .hosts
        .iter()
        .map(|&h| model.kms.hosts[h].name.as_str())
        .collect();
    vec![
        mark(Some(c.joined)),
        mark(c.joined.then_some(c.dc_reached.is_some())),
        mark(Some(c.adba_product)),
        mark(c.joined.then_some(c.activation_object)),
        if c.longest_offline == 0 {
            "0".to_owned()
        } else {
            human(c.longest_offline)
        },
        if hosts.is_empty() {
            "none".to_owned()
        } else {
            hosts.join(" ")
        },
        a.count.map_or("–".to_owned(), |(n, t)| {
            format!("{}/{t} {}", thousands(n), mark(Some(n >= u64::from(t))))
        }),
        c.rebuilt_every.map_or("–".to_owned(), human),
    ]
}

/// The header of the advice table.
pub const HEADER: [&str; 13] = [
    "fleet",
    "machines",
    "AD-joined",
    "DC",
    "ADBA version",
    "AD object",
    "offline ≤",
    "KMS reached",
    "count/threshold",
    "rebuilt every",
    "current",
    "advised",
    "row",
];

/// The rows of the advice table.
pub fn rows(model: &Model, advice: &Advice) -> Vec<Vec<String>> {
    advice
        .plan
        .fleets
        .iter()
        .map(|a| {
            let mut row = vec![
                model.fleets[a.criteria.fleet].name.clone(),
                thousands(a.criteria.machines),
            ];
            row.extend(criteria_cells(model, a));
            row.push(plan::current_words(model, a.criteria.fleet));
            let advised = plan::method_words(model, &advice.plan, &a.recommended);
            row.push(if a.same_as_current {
                format!("= {advised}")
            } else {
                advised
            });
            row.push(a.row.map_or("–".to_owned(), |r| r.number().to_string()));
            row
        })
        .collect()
}

/// Wraps `text` at `width` columns, each line after the first indented by `indent`.
fn wrap(text: &str, width: usize, indent: &str) -> String {
    let mut out = String::new();
    let mut line = 0;
    for word in text.split(' ') {
        let n = word.chars().count();
        if line > 0 && line + 1 + n > width {
            out.push('\n');
            out.push_str(indent);
            line = indent.chars().count();
        } else if line > 0 {
            out.push(' ');
            line += 1;
        }
        out.push_str(word);
        line += n;
    }
    out
}

pub fn text(model: &Model, advice: &Advice, colour: bool) -> String {
    let p = Paint { on: colour };
    let mut s = String::new();
    let _ = writeln!(s, "{}", p.bold(&format!("{} — advice", model.name)));
    if let Some(q) = &model.question {
        let _ = writeln!(s, "  {q}");
    }
    let n = advice.proof.plain.replications;
    let _ = writeln!(
        s,
        "  seed {} · {} simulated · {} replication{} of each plan with the same random numbers",
        model.seed,
        human(model.duration),
        n,
        if n == 1 { "" } else { "s" }
    );

    // What is wrong first.
    let (good, verdict) = sections::verdict_line(model, advice);
    let verdict = if good {
        p.colour(AnsiColor::Green, &verdict)
    } else {
        p.bold(&p.colour(AnsiColor::Yellow, &verdict))
    };
    let _ = writeln!(s, "\n{}", wrap(&verdict, 100, ""));
    let wrong = sections::wrong(model, advice);
    if !wrong.is_empty() {
        let _ = writeln!(s, "\n{}", p.bold("What is wrong with the current plan"));
        for w in &wrong {
            let m = if w.problem {
                p.colour(AnsiColor::Red, "✗")
            } else {
                "·".to_owned()
            };
            let _ = writeln!(s, "  {m} {}", wrap(&w.text, 96, "    "));
        }
    }

    let _ = writeln!(
        s,
        "\n{}",
        p.bold("Advice by Table 1 (criteria for activation methods)")
    );
    table_aligned(
        &mut s,
        &HEADER,
        &rows(model, advice),
        &[0, 2, 3, 4, 5, 7, 10, 11],
        |c, cell| match c {
            2..=5 if cell == "✗" => p.colour(AnsiColor::Red, cell),
            8 if cell.ends_with('✗') => p.colour(AnsiColor::Red, cell),
            _ => cell.to_owned(),
        },
    );
    let _ = writeln!(s, "\n{}", p.bold("Why"));
    for a in &advice.plan.fleets {
        let name = &model.fleets[a.criteria.fleet].name;
        let row = a.row.map_or(String::new(), |r| {
            format!(" (row {}: {})", r.number(), r.criterion())
        });
        let _ = writeln!(
            s,
            "  {}{row}\n    {}",
            p.bold(name),
            wrap(&a.why, 96, "    ")
        );
    }
    let _ = writeln!(
        s,
        "\n  {}",
        wrap(&sections::totals(model, advice), 98, "  ")
    );
    let todo = sections::todo(model, advice);
    if !todo.is_empty() {
        let _ = writeln!(s, "\n{}", p.bold("To do for the advised plan"));
        for t in todo {
            let _ = writeln!(s, "  - {}", wrap(&t, 96, "    "));
        }
    }

    proof(&mut s, &p, model, advice);

    let _ = writeln!(s, "\n{}", p.bold("Costs"));
    for line in sections::costs(model, advice) {
        let _ = writeln!(s, "  {}", wrap(&line, 98, "    "));
    }
    if let Some(f) = sections::fault(model, advice) {
        let _ = writeln!(s, "\n{}", p.bold(&format!("Fault run: {}", f.title)));
        let rows: Vec<Vec<String>> = f
            .rows
            .iter()
            .map(|(label, unit, v)| {
                let mut r = vec![(*label).to_owned()];
                r.extend(v.iter().map(|x| show(*x, *unit)));
                r
            })
            .collect();
        table_aligned(
            &mut s,
            &[
                "measure",
                "current",
                "current, fault",
                "advised",
                "advised, fault",
            ],
            &rows,
            &[0],
            |_, cell| cell.to_owned(),
        );
        for w in &f.words {
            let _ = writeln!(s, "  {}", wrap(w, 98, "    "));
        }
    } else {
        let _ = writeln!(s, "\n  No fault run: the scenario has no KMS host.");
    }
    let _ = writeln!(s, "\n  {}", wrap(sections::NOT_COMPUTED, 98, "  "));
    s
}

/// The side-by-side measures and each fleet's verdict.
fn proof(s: &mut String, p: &Paint, model: &Model, advice: &Advice) {
    let _ = writeln!(
        s,
        "\n{}",
        p.bold("Proof by simulation: current plan against advised plan")
    );
    let headline = sections::headline(&advice.proof.plain);
    let several = advice.proof.plain.replications > 1;
    let rows: Vec<Vec<String>> = headline
        .iter()
        .map(|m| {
            let mut r = vec![
                m.label.to_owned(),
                show(m.current, m.unit),
                show(m.advised, m.unit),
                sections::change(m),
            ];
            if several {
                r.push(sections::interval(m));
            }
            r
        })
        .collect();
    let header: &[&str] = if several {
        &[
            "measure",
            "current",
            "advised",
            "change",
            "95% CI of change",
        ]
    } else {
        &["measure", "current", "advised", "change"]
    };
    table_aligned(s, header, &rows, &[0, 4], |c, cell| {
        if c != 3 {
            return cell.to_owned();
        }
        match headline
            .iter()
            .find(|m| sections::change(m) == cell)
            .and_then(sections::improves)
        {
            Some(true) => p.colour(AnsiColor::Green, cell),
            Some(false) => p.colour(AnsiColor::Red, cell),
            None => cell.to_owned(),
        }
    });
    let fleets = sections::fleets(model, advice);
    let rows: Vec<Vec<String>> = fleets
        .iter()
        .map(|f| {
            let mut r = vec![f.name.clone()];
            for m in &f.measures {
                let (c, a) = sections::pair(m);
                r.push(format!("{c} → {a}"));
            }
            r.push(verdict_words(f));
            r
        })
        .collect();
    let _ = writeln!(s);
    table_aligned(
        s,
        &[
            "fleet",
            "licensed share (mean)",
            "in notification (most)",
            "notification machine-days",
            "machine-days at risk",
            "failed attempts",
            "advice in simulation",
        ],
        &rows,
        &[0, 6],
        |c, cell| match c {
            6 if cell.starts_with("better") => p.colour(AnsiColor::Green, cell),
            6 if cell.starts_with("WORSE") => p.bold(&p.colour(AnsiColor::Red, cell)),
            _ => cell.to_owned(),
        },
    );
}

/// "better (machine-days in notification 6,030 → 0)", "same", "WORSE (licensed share
/// (mean) 99.9 % → 99.8 %)": the measure that decided, with both values.
pub fn verdict_words(f: &sections::FleetProof) -> String {
    let why = f
        .decided_by
        .and_then(|metric| f.measures.iter().find(|m| m.metric.ends_with(metric)))
        .map_or(String::new(), |m| {
            let (c, a) = sections::pair(m);
            format!(" ({} {c} → {a})", m.label)
        });
    match f.verdict {
        Verdict::Better => format!("better{why}"),
        Verdict::Same => "same".to_owned(),
        Verdict::Worse => format!("WORSE{why}"),
    }
}
