//! `report.html`: one self-contained page for a planning document — the question, the
//! verdict, the network in words and as a diagram, the charts (inline SVG), the tables, the
//! outcome codes explained and the expectations. No network reference of any kind; a print
//! stylesheet keeps charts and tables whole on paper.

#![allow(clippy::indexing_slicing)] // indices are positions in series and tables built by the same run (equal lengths; files read back are checked by RunTables::parse and check)

use super::chart::palette;
use super::findings::{self, Severity, Verdict};
use super::summary::{FleetSummary, Summary};
use super::words;
use crate::code::Code;
use crate::model::{Id, Model, Pool, SiteId, StateSet};
use std::fmt::Write;

pub(crate) const STYLE: &str = r#"
:root { --ink: #222; --muted: #5a5a5a; --rule: #d9d9d9; --ok: #1A7F5A; --bad: #8E121F; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", "Segoe UI", Helvetica, Arial, sans-serif; color: var(--ink);
       max-width: 1180px; margin: 2rem auto; padding: 0 1.5rem; line-height: 1.45; font-size: 15px; }
h1 { font-size: 1.7rem; margin: 0 0 .3rem; }
h2 { font-size: 1.2rem; margin: 2.2rem 0 .6rem; padding-bottom: .25rem; border-bottom: 2px solid var(--rule); }
.question { font-size: 1.1rem; margin: .4rem 0 .8rem; }
.meta { color: var(--muted); font-size: .9rem; }
.verdict { display: inline-block; padding: .35rem .8rem; border-radius: 4px; font-weight: bold; margin: .8rem 0; }
.verdict.ok { background: #e3f2ec; color: var(--ok); border: 1px solid var(--ok); }
.verdict.bad { background: #f7e4e6; color: var(--bad); border: 1px solid var(--bad); }
.verdict.none { background: #f0f0f0; color: var(--muted); border: 1px solid var(--rule); }
.verdict.warn { background: #fdf0dc; color: #7a3d00; border: 1px solid #E06C00; }
ul.findings { margin: 0 0 1rem; padding-left: 1.2rem; }
ul.findings li.problem { color: var(--bad); }
ul.findings li.note { color: var(--muted); }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; font-size: .9rem; }
th, td { padding: .35rem .6rem; border-bottom: 1px solid var(--rule); text-align: right; vertical-align: top; }
th { background: #f4f4f4; font-weight: 600; }
th:first-child, td:first-child, th.text, td.text { text-align: left; }
td { white-space: nowrap; }
td.text { white-space: normal; }
.date { color: var(--muted); font-size: .8em; }
td.held { color: var(--ok); font-weight: bold; text-align: left; }
td.failed { color: var(--bad); font-weight: bold; text-align: left; }
.bad { color: var(--bad); }
code { font-family: "DejaVu Sans Mono", Consolas, monospace; font-size: .88em; }
figure { margin: 1rem 0 1.5rem; }
figure svg { width: 100%; height: auto; display: block; border: 1px solid var(--rule); }
.diagram svg { border: none; margin: 0 auto; }
figcaption { color: var(--muted); font-size: .88rem; margin-top: .3rem; }
.network { display: grid; grid-template-columns: 1fr 1fr; gap: 1.5rem; align-items: start; }
.network ul { margin: 0; padding-left: 1.1rem; }
.swatch { display: inline-block; width: .9em; height: .9em; vertical-align: -.1em; margin-right: .3em; }
footer { color: var(--muted); font-size: .8rem; margin-top: 3rem; border-top: 1px solid var(--rule); padding-top: .5rem; }
@media print {
  body { max-width: none; margin: 0; padding: 0; font-size: 10.5pt; }
  h2 { break-after: avoid; }
  figure, tr { break-inside: avoid; }
  figure svg { border: none; width: auto; max-width: 100%; max-height: 150mm; margin: 0 auto; }
  .verdict { border-width: 2px; }
  @page { size: A4 landscape; margin: 14mm; }
}
"#;

/// Escapes text for HTML content and attribute values.
pub(crate) fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A time in seconds from the summary (or null) for a table cell: "19d 22h", with the
/// calendar date below when the scenario has a start.
fn when(model: &Model, v: Option<u64>) -> String {
    let span = esc(&words::short_time(v));
    let date = v.zip(model.start).and_then(|(t, s)| {
        s.and_hms_opt(0, 0, 0)?
            .checked_add_signed(chrono::TimeDelta::seconds(t as i64))
    });
    match date {
        Some(d) => format!(
            "{span}<br><span class=\"date\">{}</span>",
            d.format("%b %-d %Y %H:%M")
        ),
        None => span,
    }
}

/// A measure for a table cell: whole numbers plainly, others with two decimals.
fn float(f: f64) -> String {
    if f.fract() == 0.0 {
        format!("{f:.0}")
    } else {
        format!("{f:.2}")
    }
}

/// The charts a report can hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Figure {
    Activation,
    KmsCount,
    Load,
    Ksc,
}

impl Figure {
    /// Its files: SVG and PNG.
    pub fn files(self) -> (&'static str, &'static str) {
        match self {
            Figure::Activation => ("activation.svg", "activation.png"),
            Figure::KmsCount => ("kms-count.svg", "kms-count.png"),
            Figure::Load => ("load.svg", "load.png"),
            Figure::Ksc => ("ksc.svg", "ksc.png"),
        }
    }

    fn caption(self) -> &'static str {
        match self {
            Figure::Activation => {
                "Machine states over time. Licensed machines at the bottom; initial grace, out-of-tolerance grace and notification above; the dashed line counts machines offline at each sample."
            }
            Figure::KmsCount => {
                "Each KMS host's count per pool, with the products' activation thresholds (dashed) and the table's capacity (dotted)."
            }
            Figure::Load => {
                "Load on the hosts, and the attempts that did not succeed, by outcome code."
            }
            Figure::Ksc => {
                "Kaspersky-managed devices: their licence keys over time (no key and expired are the states to worry about), and each key's devices in use against its limit with the 90 / 100 / 110 % bands of the server's Info, Warning and Critical events."
            }
        }
    }
}

pub fn report(model: &Model, summary: &Summary, figures: &[(Figure, &String)]) -> String {
    let mut h = String::with_capacity(figures.iter().map(|(_, s)| s.len()).sum::<usize>() + 32_000);
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        esc(&model.name)
    );
    header(&mut h, model, summary);
    network(&mut h, model, summary);
    charts(&mut h, figures);
    fleets(&mut h, model, summary);
    hosts(&mut h, model, summary);
    mak_keys(&mut h, model, summary);
    ksc_keys(&mut h, model, summary);
    outcomes(&mut h, summary);
    expectations(&mut h, summary);
    let _ = writeln!(
        h,
        "<footer>Produced by actsim {} from the scenario file kept beside this report \
         (<code>scenario.ron</code>). Same scenario and seed give the same report.</footer>\n\
         </body>\n</html>",
        env!("CARGO_PKG_VERSION")
    );
    h
}

fn header(h: &mut String, model: &Model, summary: &Summary) {
    let _ = writeln!(h, "<h1>{}</h1>", esc(&model.name));
    if let Some(q) = &model.question {
        let _ = writeln!(
            h,
            "<p class=\"question\"><strong>Question:</strong> {}</p>",
            esc(q)
        );
    }
    let mut meta = format!(
        "Seed {} · {} simulated · sampled every {}",
        summary.seed,
        crate::time::human(model.duration),
        crate::time::human(model.sample_every)
    );
    if let Some(start) = model.start {
        let _ = write!(meta, " · starting {}", start.format("%A %-d %B %Y"));
    }
    let _ = write!(meta, " · {} events", summary.events);
    let _ = writeln!(h, "<p class=\"meta\">{meta}</p>");
    // The verdict first, then every finding: what is wrong although the expectations held.
    let (kind, text) = findings::verdict(summary);
    let class = match kind {
        Verdict::Clean if summary.expectations.is_empty() => "none",
        Verdict::Clean => "ok",
        Verdict::HeldBut => "warn",
        Verdict::Failed => "bad",
    };
    let _ = writeln!(h, "<div class=\"verdict {class}\">{}</div>", esc(&text));
    let problems = summary.problems().count();
    let listed: Vec<&findings::Finding> = summary
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Note || problems > 1 || kind == Verdict::Failed)
        .collect();
    if !listed.is_empty() {
        let _ = writeln!(h, "<ul class=\"findings\">");
        for f in listed {
            let class = match f.severity {
                Severity::Problem => "problem",
                Severity::Note => "note",
            };
            let _ = writeln!(h, "<li class=\"{class}\">{}</li>", esc(&f.text));
        }
        let _ = writeln!(h, "</ul>");
    }
}

/// What became of a timeline event, when the run says so: a host key that did not take.
fn outcome_of(
    model: &Model,
    summary: &Summary,
    e: &crate::model::TimedAction,
) -> Option<&'static str> {
    let crate::model::ActionModel::Kms(crate::model::KmsAction::InstallHostKey { host, .. }) =
        &e.action
    else {
        return None;
    };
    let installs = &summary
        .hosts
        .get(&model.kms.hosts[*host].name)?
        .key_installs;
    match installs
        .iter()
        .find(|i| i.at_s == e.at)?
        .reason
        .as_deref()?
    {
        "os_cannot_hold" => {
            Some("failed: the host's OS cannot hold that generation; it keeps its old key")
        }
        "no_reactivations_left" => Some(
            "failed: the host has no re-activation left with that key; the host is not activated",
        ),
        _ => Some("failed: the key is over its host limit; the host is not activated"),
    }
}

fn network(h: &mut String, model: &Model, summary: &Summary) {
    let _ = writeln!(
        h,
        "<h2 id=\"network\">The network</h2>\n<div class=\"network\">\n<ul>"
    );
    for line in words::network(model) {
        let _ = writeln!(h, "<li>{}</li>", esc(&line));
    }
    // The scenario's timeline, with what happened to DNS records (refused registrations,
    // removals, records aged out) in time order among the events.
    let mut lines: Vec<(u64, String)> = model
        .timeline
        .iter()
        .map(|e| {
            let failed = outcome_of(model, summary, e)
                .map(|why| format!(" — <strong class=\"bad\">{}</strong>", esc(why)))
                .unwrap_or_default();
            let words = esc(&words::action(model, &e.action));
            (e.at, format!("{words}{failed}"))
        })
        .collect();
    for (domain, d) in &summary.dns {
        for e in &d.events {
            let words = match e.event.as_str() {
                "registration_refused" => {
                    let last = e.last_s.unwrap_or(e.at_s);
                    let times = format!("{} time{}", e.count, if e.count == 1 { "" } else { "s" });
                    // Still refused at the end (hosts register daily): a problem.
                    if last + 2 * crate::time::DAY >= summary.duration_s {
                        format!(
                            "<strong class=\"bad\">DNS: {} refused to register in {} ({times}, to the end)</strong>",
                            esc(&e.target),
                            esc(domain),
                        )
                    } else {
                        format!(
                            "DNS: {} refused to register in {} ({times}, until {})",
                            esc(&e.target),
                            esc(domain),
                            esc(&crate::time::human(last))
                        )
                    }
                }
                "record_removed" => {
                    format!(
                        "DNS: SRV record of {} in {} removed",
                        esc(&e.target),
                        esc(domain)
                    )
                }
                _ => format!(
                    "DNS: SRV record of {} in {} aged out",
                    esc(&e.target),
                    esc(domain)
                ),
            };
            lines.push((e.at_s, words));
        }
    }
    lines.sort_by_key(|(at, _)| *at);
    if !lines.is_empty() {
        let _ = writeln!(h, "</ul>\n<div><p><strong>Timeline</strong></p>\n<ul>");
        for (at, line) in lines {
            let _ = writeln!(h, "<li>{}: {line}</li>", esc(&crate::time::human(at)));
        }
        let _ = writeln!(h, "</ul></div>");
    } else {
        let _ = writeln!(h, "</ul>");
    }
    let _ = writeln!(h, "</div>");
    h.push_str(&diagram(model));
}

/// Sites as boxes on an ellipse (listing their hosts and fleets), links as lines labelled
/// with the ports they let through.
fn diagram(model: &Model) -> String {
    diagram_coloured(
        model,
        &|_| None,
        1.0,
        "Sites, the links between them and what their firewalls let through.",
    )
}

/// The network diagram with each fleet's line in the colour `colour_of` gives it (bold),
/// `room` times as tall (more room between the boxes of many sites), under `caption`.
pub(crate) fn diagram_coloured(
    model: &Model,
    colour_of: &dyn Fn(crate::model::FleetId) -> Option<&'static str>,
    room: f64,
    caption: &str,
) -> String {
    let sites: Vec<usize> = (1..model.sites.len())
        .chain(
            model
                .links
                .iter()
                .any(|l| l.a == SiteId::FIRST || l.b == SiteId::FIRST)
                .then_some(0),
        )
        .collect();
    let n = sites.len();
    let contents = |site: usize| -> Vec<(String, Option<&'static str>)> {
        let hosts = model.kms.hosts.iter().filter(|h| h.site.index() == site);
        let dns = model.domains.iter().filter(|d| d.dns_site.index() == site);
        let fleets = model
            .fleets
            .enumerate()
            .filter(|(_, f)| f.site.index() == site);
        hosts
            .map(|h| (format!("KMS {}", h.name), None))
            .chain(dns.map(|d| (format!("DNS {}", d.name), None)))
            .chain(fleets.map(|(id, f)| (format!("{} × {}", f.count, f.name), colour_of(id))))
            .collect()
    };
    let tallest = sites.iter().map(|&s| contents(s).len()).max().unwrap_or(0) as f64;
    let box_h = 30.0 + 16.0 * tallest;
    let (w, hgt) = match n {
        1 => (400.0, box_h + 40.0),
        2 => (800.0, box_h + 40.0),
        _ => (1100.0, (2.0 * box_h + 160.0).max(420.0) * room),
    };
    let (cx, cy) = (w / 2.0, hgt / 2.0);
    let (rx, ry) = (w / 2.0 - 160.0, hgt / 2.0 - box_h / 2.0 - 20.0);
    let pos = |i: usize| -> (f64, f64) {
        if n == 1 {
            return (cx, cy);
        }
        let a = std::f64::consts::PI + 2.0 * std::f64::consts::PI * i as f64 / n as f64;
        (
            cx + rx * a.cos(),
            cy + if n == 2 { 0.0 } else { ry * a.sin() },
        )
    };
    let at = |site: SiteId| sites.iter().position(|&s| s == site.index()).map(pos);
    let mut s = format!(
        "<figure class=\"diagram\"><svg viewBox=\"0 0 {w} {hgt}\" style=\"max-width:{w}px\" role=\"img\" \
         aria-label=\"network diagram\" font-family=\"DejaVu Sans, sans-serif\">\n"
    );
    for l in &model.links {
        let (Some((x1, y1)), Some((x2, y2))) = (at(l.a), at(l.b)) else {
            continue;
        };
        let ports: Vec<String> = l.allow.iter().map(|&p| words::port(p)).collect();
        let label = if ports.is_empty() {
            "nothing allowed".to_owned()
        } else {
            ports.join(", ")
        };
        let (mx, my) = ((x1 + x2) / 2.0, (y1 + y2) / 2.0);
        let lw = label.chars().count() as f64 * 7.2 + 12.0;
        let _ = write!(
            s,
            "<line x1=\"{x1:.0}\" y1=\"{y1:.0}\" x2=\"{x2:.0}\" y2=\"{y2:.0}\" stroke=\"#777\" stroke-width=\"2\"/>\n\
             <rect x=\"{:.0}\" y=\"{:.0}\" width=\"{lw:.0}\" height=\"20\" fill=\"#fff\" stroke=\"#bbb\" rx=\"3\"/>\n\
             <text x=\"{mx:.0}\" y=\"{:.0}\" font-size=\"12\" text-anchor=\"middle\">{}</text>\n",
            mx - lw / 2.0,
            my - 10.0,
            my + 4.0,
            esc(&label)
        );
    }
    for (i, &site) in sites.iter().enumerate() {
        let (x, y) = pos(i);
        let lines = contents(site);
        let bw = lines
            .iter()
            .map(|(l, _)| l)
            .chain(std::iter::once(&model.sites.as_slice()[site]))
            .map(|l| l.chars().count())
            .max()
            .unwrap_or(4) as f64
            * 7.4
            + 24.0;
        let bh = 30.0 + 16.0 * lines.len() as f64;
        let _ = write!(
            s,
            "<rect x=\"{:.0}\" y=\"{:.0}\" width=\"{bw:.0}\" height=\"{bh:.0}\" rx=\"6\" fill=\"#f7f9fb\" stroke=\"#333\" stroke-width=\"1.5\"/>\n\
             <text x=\"{:.0}\" y=\"{:.0}\" font-size=\"14\" font-weight=\"bold\" text-anchor=\"middle\">{}</text>\n",
            x - bw / 2.0,
            y - bh / 2.0,
            x,
            y - bh / 2.0 + 19.0,
            esc(&model.sites.as_slice()[site])
        );
        for (k, (line, colour)) in lines.iter().enumerate() {
            let paint = colour.map_or(String::new(), |c| {
                format!(" fill=\"{c}\" font-weight=\"bold\"")
            });
            let _ = writeln!(
                s,
                "<text x=\"{x:.0}\" y=\"{:.0}\" font-size=\"12\" text-anchor=\"middle\"{paint}>{}</text>",
                y - bh / 2.0 + 38.0 + 16.0 * k as f64,
                esc(line)
            );
        }
    }
    let _ = writeln!(
        s,
        "</svg><figcaption>{}</figcaption></figure>",
        esc(caption)
    );
    s
}

fn charts(h: &mut String, figures: &[(Figure, &String)]) {
    let _ = writeln!(h, "<h2 id=\"charts\">Charts</h2>");
    for (figure, svg) in figures {
        let _ = writeln!(
            h,
            "<figure>\n{svg}<figcaption>{}</figcaption></figure>",
            figure.caption()
        );
    }
}

fn fleets(h: &mut String, model: &Model, summary: &Summary) {
    let windows: Vec<(&String, &FleetSummary)> = summary
        .fleets
        .iter()
        .filter(|(_, f)| f.notification_machine_days.is_some())
        .collect();
    let ksc: Vec<(&String, &FleetSummary)> = summary
        .fleets
        .iter()
        .filter_map(|(name, f)| match (&f.ksc, f.expired_device_days) {
            (Some(k), _) => Some((name, k.as_ref())),
            (None, Some(_)) => Some((name, f)),
            (None, None) => None,
        })
        .collect();
    if !windows.is_empty() {
        let head = "<h2 id=\"fleets\">Fleets at the end</h2>\n<table>\n<tr><th>fleet</th><th>machines</th>";
        let tail = "<th>first licensed</th><th>all licensed</th><th>notification machine-days</th><th>lowest licensed share</th></tr>";
        fleet_table(h, model, StateSet::Windows, &windows, head, tail);
    }
    if !ksc.is_empty() {
        let head = "<h2 id=\"ksc\">Kaspersky-managed devices at the end</h2>\n<table>\n<tr><th>fleet</th><th>devices</th>";
        let tail = "<th>first with a key</th><th>all with a key</th><th>expired device-days</th><th>lowest share with a key</th></tr>";
        fleet_table(h, model, StateSet::Ksc, &ksc, head, tail);
    }
}

/// One table of fleets counted in one family of states.
fn fleet_table(
    h: &mut String,
    model: &Model,
    set: StateSet,
    fleets: &[(&String, &FleetSummary)],
    head: &str,
    tail: &str,
) {
    let _ = write!(h, "{head}");
    let colours = match set {
        StateSet::Windows => palette::STATE_HEX,
        StateSet::Ksc => palette::KSC_STATE_HEX,
    };
    for (i, c) in set.columns().enumerate() {
        let _ = write!(
            h,
            "<th><span class=\"swatch\" style=\"background:{}\"></span>{c}</th>",
            colours[i]
        );
    }
    let _ = writeln!(h, "{tail}");
    for (name, v) in fleets {
        let _ = write!(h, "<tr><td>{}</td><td>{}</td>", esc(name), v.machines);
        for n in v.final_counts.values() {
            let _ = write!(h, "<td>{n}</td>");
        }
        let share = v
            .min_licensed_share
            .map_or("—".to_owned(), |s| format!("{:.1} %", s * 100.0));
        let _ = writeln!(
            h,
            "<td>{}</td><td>{}</td><td>{}</td><td>{share}</td></tr>",
            when(model, v.first_licensed_s),
            when(model, v.all_licensed_s),
            float(
                v.notification_machine_days
                    .or(v.expired_device_days)
                    .unwrap_or(0.0)
            ),
        );
    }
    let _ = writeln!(h, "</table>");
}

fn ksc_keys(h: &mut String, model: &Model, summary: &Summary) {
    if summary.ksc_keys.is_empty() {
        return;
    }
    let _ = writeln!(
        h,
        "<h2 id=\"ksc-keys\">Kaspersky licence keys</h2>\n<table>\n<tr><th>key</th><th class=\"text\">server</th>\
         <th>device limit</th><th>active on</th><th>reserve on</th><th>peak use</th>\
         <th>Info / Warning / Critical events</th><th>expires soon</th><th>expires</th></tr>"
    );
    for (name, k) in &summary.ksc_keys {
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td class=\"text\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{:.1} %</td>\
             <td>{} / {} / {}</td><td>{}</td><td>{}</td></tr>",
            esc(name),
            esc(&k.server),
            k.devices_limit,
            k.active_on,
            k.reserve_on,
            k.peak_usage_share * 100.0,
            k.usage_events.info,
            k.usage_events.warning,
            k.usage_events.critical,
            when(model, Some(k.expires_soon_s)),
            when(model, Some(k.expires_s)),
        );
    }
    let _ = writeln!(h, "</table>");
}

fn hosts(h: &mut String, model: &Model, summary: &Summary) {
    if summary.hosts.is_empty() {
        return;
    }
    let _ = writeln!(
        h,
        "<h2 id=\"hosts\">KMS hosts</h2>\n<table>\n<tr><th>host</th><th>requests answered</th><th>failed contacts</th>\
         <th>peak requests per hour</th><th>max count Windows</th><th>threshold reached (Windows)</th>\
         <th>max count Office</th><th>threshold reached (Office)</th></tr>"
    );
    for (name, v) in &summary.hosts {
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(name),
            v.requests,
            v.failures,
            v.peak_requests_per_hour,
            v.max_count(Pool::Windows),
            when(model, v.threshold_reached(Pool::Windows)),
            v.max_count(Pool::Office),
            when(model, v.threshold_reached(Pool::Office)),
        );
    }
    let _ = writeln!(h, "</table>");
    for (name, v) in &summary.hosts {
        for i in &v.key_installs {
            let what = match i.reason.as_deref() {
                None => "installed; the host is activated with it",
                Some("os_cannot_hold") => {
                    "<strong>did not take</strong>: the host's OS cannot hold that generation; it keeps its old key"
                }
                Some("no_reactivations_left") => {
                    "<strong>did not take</strong>: the host has no re-activation left with that key; the host is not activated"
                }
                Some(_) => {
                    "<strong>did not take</strong>: the key is over its host limit; the host is not activated"
                }
            };
            let _ = writeln!(
                h,
                "<p>{}: generation {} host key at {} — {what}.</p>",
                esc(name),
                i.generation,
                esc(&crate::time::human(i.at_s))
            );
        }
    }
    for (domain, v) in &summary.dns {
        if v.stale_record_failures > 0 {
            let _ = writeln!(
                h,
                "<p>DNS domain <code>{}</code>: {} connections to SRV records of hosts that no longer exist (stale records).</p>",
                esc(domain),
                v.stale_record_failures
            );
        }
    }
}

fn mak_keys(h: &mut String, model: &Model, summary: &Summary) {
    if summary.mak_keys.is_empty() {
        return;
    }
    let _ = writeln!(
        h,
        "<h2 id=\"mak\">MAK keys</h2>\n<table>\n<tr><th>key</th><th>activations used</th><th>remaining</th><th>ran out</th></tr>"
    );
    for (name, k) in &summary.mak_keys {
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(name),
            k.used,
            k.remaining,
            when(model, k.exhausted_s)
        );
    }
    let _ = writeln!(h, "</table>");
}

fn outcomes(h: &mut String, summary: &Summary) {
    let _ = writeln!(
        h,
        "<h2 id=\"outcomes\">Attempt outcomes</h2>\n<table>\n<tr><th>code</th><th>attempts</th><th class=\"text\">what it means</th></tr>"
    );
    for c in Code::ALL {
        let n = summary.outcomes.get(c.as_str()).copied().unwrap_or(0);
        if n > 0 {
            let _ = writeln!(
                h,
                "<tr><td><code>{}</code></td><td>{n}</td><td class=\"text\">{}</td></tr>",
                c.as_str(),
                esc(c.meaning())
            );
        }
    }
    let _ = writeln!(h, "</table>");
}

fn expectations(h: &mut String, summary: &Summary) {
    let list = &summary.expectations;
    if list.is_empty() {
        return;
    }
    let _ = writeln!(
        h,
        "<h2 id=\"expectations\">Expectations</h2>\n<table>\n<tr><th>result</th><th class=\"text\">expectation</th><th class=\"text\">detail</th></tr>"
    );
    for e in list {
        let held = e.held;
        let _ = writeln!(
            h,
            "<tr><td class=\"{}\">{}</td><td class=\"text\"><code>{}</code></td><td class=\"text\">{}</td></tr>",
            if held { "held" } else { "failed" },
            if held { "✓ held" } else { "✗ failed" },
            esc(&e.expect),
            esc(&e.detail)
        );
    }
    let _ = writeln!(h, "</table>");
}
