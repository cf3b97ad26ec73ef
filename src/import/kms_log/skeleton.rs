//! The scenario skeleton of a logged network as of the midnight after its last event:
//! its hosts (each publishing in the domains whose clients it answered), its fleets —
//! one per DNS suffix and product, licensed clients apart from the others, counted by
//! distinct CMID, `Activated` with the ages the log shows — and each host's table at that
//! instant, whose entries name the fleet machines they are, so the run continues from the
//! log's state. A header comment names what the log could not tell.

#![allow(clippy::indexing_slicing)] // ids of domains, hosts, fleets and CMIDs are positions in the tables built here from the same log, in range by construction

use super::{Log, RETENTION, Replay, VALIDITY, licensed, seconds};
use crate::eventlog::format_guid;
use crate::eventlog::time::{SECONDS_PER_DAY, TICKS_PER_SECOND, format_date};
use crate::model::{Pool, ProductModel};
use crate::scenario::duration::Duration;
use std::collections::BTreeMap;
use std::fmt::Write;

/// How long the generated scenario runs from the last event.
pub const DURATION: i64 = 90 * SECONDS_PER_DAY;
/// Names in scenarios are at most this long.
const MAX_NAME: usize = 64;

struct Fleet {
    name: String,
    domain: usize,
    product: String,
    licensed: bool,
    count: u64,
    /// The oldest last request of its members, in seconds before t = 0.
    max_age: i64,
}

struct Host {
    name: String,
    domain: usize,
    publish: Vec<usize>,
    office: bool,
}

pub struct Skeleton<'a> {
    log: &'a Log,
    replay: &'a Replay,
    domains: Vec<String>,
    hosts: Vec<Host>,
    fleets: Vec<Fleet>,
    /// Per CMID, its fleet.
    fleet_of: Vec<usize>,
    /// Products the catalogue does not have (unknown activation ids) that fleets use.
    products: Vec<ProductModel>,
}

/// A name the scenario language accepts (`check::safe_name`): letters, digits, space, `.`,
/// `_`, `-`, starting with a letter or digit.
pub fn name(text: &str) -> String {
    let cleaned: String = text
        .trim()
        .trim_start_matches(|c: char| !c.is_ascii_alphanumeric())
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, ' ' | '.' | '_' | '-') {
                c
            } else {
                '-'
            }
        })
        .take(MAX_NAME)
        .collect();
    let cleaned = cleaned.trim().to_owned();
    if cleaned.is_empty() {
        "unnamed".to_owned()
    } else {
        cleaned
    }
}

/// The DNS suffix of an FQDN (what follows its first label), lower case.
pub fn suffix(fqdn: &str) -> String {
    fqdn.split_once('.')
        .map(|(_, s)| s.trim_end_matches('.').to_ascii_lowercase())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "workgroup".to_owned())
}

/// Names made unique by a number: "x", "x 2", "x 3".
fn unique(names: &mut Vec<String>, wanted: String) -> String {
    let mut candidate = wanted.clone();
    let mut n = 2;
    while names.contains(&candidate) {
        let tail = format!(" {n}");
        let keep: String = wanted.chars().take(MAX_NAME - tail.len()).collect();
        candidate = format!("{keep}{tail}");
        n += 1;
    }
    names.push(candidate.clone());
    candidate
}

impl<'a> Skeleton<'a> {
    pub fn new(log: &'a Log, replay: &'a Replay) -> Self {
        let mut domains: Vec<String> = Vec::new();
        let mut domain = |s: String| -> usize {
            match domains.iter().position(|d| *d == s) {
                Some(i) => i,
                None => {
                    domains.push(s);
                    domains.len() - 1
                }
            }
        };
        // Fleets keyed by (domain, product, licensed), in that order.
        let mut groups: BTreeMap<(usize, String, bool), (u64, i64)> = BTreeMap::new();
        let mut keys: Vec<(usize, String, bool)> = Vec::with_capacity(replay.clients.len());
        let mut host_domains: Vec<Vec<usize>> = vec![Vec::new(); log.hosts.len()];
        let mut office = vec![false; log.hosts.len()];
        for r in &log.requests {
            if log.sku(r.sku).product.pool == Pool::Office {
                office[usize::from(r.host)] = true;
            }
        }
        for c in &replay.clients {
            let r = &log.requests[c.last];
            let fqdn = c.names.last().map_or("", |&n| log.client(n));
            let d = domain(name(&suffix(fqdn)));
            let age = replay.end - seconds(r.ticks);
            let ok = licensed(r) && age < VALIDITY - 3_600;
            let key = (d, log.sku(r.sku).product.name.clone(), ok);
            let g = groups.entry(key.clone()).or_insert((0, 0));
            g.0 += 1;
            g.1 = g.1.max(age);
            keys.push(key);
            let hd = &mut host_domains[usize::from(r.host)];
            if !hd.contains(&d) {
                hd.push(d);
            }
        }
        let mut host_names = Vec::new();
        let hosts: Vec<Host> = log
            .hosts
            .iter()
            .enumerate()
            .map(|(h, computer)| {
                let own = if computer.contains('.') {
                    domain(name(&suffix(computer)))
                } else {
                    host_domains[h].first().copied().unwrap_or(0)
                };
                Host {
                    name: unique(&mut host_names, name(computer)),
                    domain: own,
                    publish: host_domains[h]
                        .iter()
                        .copied()
                        .filter(|&d| d != own)
                        .collect(),
                    office: office[h],
                }
            })
            .collect();
        let mut fleet_names = Vec::new();
        let order: Vec<(usize, String, bool)> = groups.keys().cloned().collect();
        let fleets: Vec<Fleet> = groups
            .into_iter()
            .map(|((d, product, ok), (count, max_age))| {
                let base = format!(
                    "{} {product}{}",
                    domains[d],
                    if ok { "" } else { " unlicensed" }
                );
                Fleet {
                    name: unique(&mut fleet_names, name(&base)),
                    domain: d,
                    product,
                    licensed: ok,
                    count,
                    max_age,
                }
            })
            .collect();
        let fleet_of = keys
            .iter()
            .map(|k| order.iter().position(|o| o == k).unwrap_or(0))
            .collect();
        let mut products: Vec<ProductModel> = Vec::new();
        for s in log.skus.iter().filter(|s| !s.known) {
            if fleets.iter().any(|f| f.product == s.product.name) {
                products.push(s.product.clone());
            }
        }
        Skeleton {
            log,
            replay,
            domains,
            hosts,
            fleets,
            fleet_of,
            products,
        }
    }

    fn date(&self, s: i64) -> String {
        format_date(s * TICKS_PER_SECOND)
    }

    /// The scenario of the network as of the midnight after the last event.
    pub fn text(&self, header: bool) -> String {
        let mut out = String::new();
        let start = self.date(self.replay.end);
        if header {
            self.header(&mut out, &start);
        }
        self.body(
            &mut out,
            &format!("KMS network on {start}"),
            &start,
            DURATION,
            true,
        );
        out
    }

    /// The same network over the log's days, without tables: the model the count chart
    /// of the import is drawn with.
    pub fn chart_scenario(&self) -> String {
        let mut out = String::new();
        let start = self.date(self.replay.day0);
        let title = format!(
            "KMS log {start} to {}",
            self.date(self.replay.end - SECONDS_PER_DAY)
        );
        self.body(
            &mut out,
            &title,
            &start,
            self.replay.end - self.replay.day0,
            false,
        );
        out
    }

    fn header(&self, out: &mut String, start: &str) {
        let log = self.log;
        let hosts: Vec<&str> = self.hosts.iter().map(|h| h.name.as_str()).collect();
        let first = log.requests.first().map_or(0, |r| r.ticks);
        let last = log.requests.last().map_or(0, |r| r.ticks);
        let _ = writeln!(
            out,
            "// From {start} on: the KMS network that {} logged — what happens next?",
            hosts.join(", ")
        );
        let _ = writeln!(
            out,
            "// Written by `actsim import kms-log` from {} requests ({} to {}) in {}.",
            log.requests.len(),
            format_date(first),
            format_date(last),
            log.files
                .iter()
                .map(|(f, n)| format!("{f} ({n})"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let _ = writeln!(
            out,
            "// t = 0 is {start} 00:00 UTC, the midnight after the last event; each host's \
             table holds the CMIDs it held then."
        );
        for line in [
            "// What the log could not tell — fill it in:",
            "// - sites and links: every host and fleet is on one site, \"hq\", with nothing between them;",
            "// - online schedules: every fleet is online Always;",
            "// - DNS: one domain per DNS suffix, its DNS server at \"hq\"; each host publishes in every",
            "//   domain whose clients it answered (a client set by hand, slmgr /skms, looks the same);",
            "// - host keys and generations: each host holds ServerC (and Office if it served Office),",
            "//   of the newest generation its fleets use; shared host keys (CSVLK limits) are unknown;",
            "// - policy: rules.md's defaults (renewal 7d, retention 30d); hosts' own intervals are unknown;",
            "// - machines that never asked during the log (off, or not reaching any host) are missing;",
            "// - service restarts and outages before t = 0 (12290 events do not show them);",
            "// - fleets whose last request failed are \"unlicensed\" and start Fresh (their remaining",
            "//   grace is not replayed); Windows 10 and 11 share activation ids: both are Windows10.",
        ] {
            out.push_str(line);
            out.push('\n');
        }
    }

    fn body(&self, out: &mut String, title: &str, start: &str, duration: i64, tables: bool) {
        let _ = writeln!(out, "Scenario(");
        let _ = writeln!(out, "    name: \"{title}\",");
        let _ = writeln!(out, "    seed: 1,");
        let _ = writeln!(out, "    start: \"{start}\",");
        let _ = writeln!(out, "    duration: \"{}\",", Duration(duration));
        let _ = writeln!(out, "    sample_every: \"1d\",");
        let _ = writeln!(out, "    sites: [Site(name: \"hq\")],");
        let _ = writeln!(out, "    domains: [");
        for d in &self.domains {
            let _ = writeln!(out, "        Domain(name: \"{d}\", dns_site: \"hq\"),");
        }
        let _ = writeln!(out, "    ],");
        let _ = writeln!(out, "    kms_hosts: [");
        for (h, host) in self.hosts.iter().enumerate() {
            let keys = if host.office {
                "[ServerC, Office]"
            } else {
                "[ServerC]"
            };
            let _ = write!(
                out,
                "        KmsHost(name: \"{}\", site: \"hq\", domain: Some(\"{}\"), keys: {keys}",
                host.name, self.domains[host.domain]
            );
            if !host.publish.is_empty() {
                let list: Vec<String> = host
                    .publish
                    .iter()
                    .map(|&d| format!("\"{}\"", self.domains[d]))
                    .collect();
                let _ = write!(out, ", publish_domains: [{}]", list.join(", "));
            }
            if tables {
                self.table(out, h);
            }
            let _ = writeln!(out, "),");
        }
        let _ = writeln!(out, "    ],");
        if !self.products.is_empty() {
            let _ = writeln!(out, "    products: [");
            for p in &self.products {
                let _ = writeln!(
                    out,
                    "        Product(name: \"{}\", threshold: {}, pool: {:?}, group: {:?}),",
                    p.name, p.threshold, p.pool, p.group
                );
            }
            let _ = writeln!(out, "    ],");
        }
        let _ = writeln!(out, "    fleets: [");
        for f in &self.fleets {
            let initial = if f.licensed {
                let hour = 3_600;
                let age = ((f.max_age + hour) / hour * hour).clamp(hour, VALIDITY - hour);
                format!(", initial: Activated(age_up_to: \"{}\")", Duration(age))
            } else {
                String::new()
            };
            let _ = writeln!(
                out,
                "        Fleet(name: \"{}\", site: \"hq\", domain: Some(\"{}\"), count: {}, \
                 product: \"{}\", activation: Kms(){initial}),",
                f.name, self.domains[f.domain], f.count, f.product
            );
        }
        let _ = writeln!(out, "    ],");
        let _ = writeln!(out, ")");
    }

    /// A host's table at t = 0: the CMIDs seen within the retention window, each naming
    /// its fleet, at most 2 × the highest threshold of their products per pool.
    fn table(&self, out: &mut String, h: usize) {
        let host = &self.replay.tables[h];
        let t0 = self.replay.end;
        let mut lines = Vec::new();
        for pool in Pool::ALL {
            let mut entries: Vec<(i64, u32)> = host
                .pool(pool)
                .entries()
                .filter(|&(_, seen)| seen > t0 - RETENTION)
                .map(|(c, seen)| (seen, c as u32))
                .filter(|&(_, c)| {
                    let f = &self.fleets[self.fleet_of[c as usize]];
                    self.pool_of(&f.product) == Some(pool)
                })
                .collect();
            // Newest first, up to the capacity the products written allow (KMS-COUNT-4).
            entries.reverse();
            let mut highest = 0;
            let mut kept = Vec::new();
            for (seen, c) in entries {
                let f = &self.fleets[self.fleet_of[c as usize]];
                let t = self.threshold_of(&f.product).unwrap_or(1);
                let new_highest = highest.max(t);
                if kept.len() < 2 * new_highest as usize {
                    highest = new_highest;
                    kept.push((seen, c));
                }
            }
            kept.reverse();
            for (seen, c) in kept {
                let f = &self.fleets[self.fleet_of[c as usize]];
                lines.push(format!(
                    "            Seen(cmid: \"{}\", ago: \"{}\", fleet: \"{}\"),",
                    format_guid(self.log.cmid(c)),
                    Duration(t0 - seen),
                    f.name
                ));
            }
        }
        if !lines.is_empty() {
            out.push_str(", table: [\n");
            for l in lines {
                out.push_str(&l);
                out.push('\n');
            }
            out.push_str("        ]");
        }
    }

    fn product(&self, name: &str) -> Option<&ProductModel> {
        self.log
            .skus
            .iter()
            .map(|s| &s.product)
            .find(|p| p.name == name)
    }

    fn pool_of(&self, product: &str) -> Option<Pool> {
        self.product(product).map(|p| p.pool)
    }

    fn threshold_of(&self, product: &str) -> Option<u32> {
        self.product(product).map(|p| p.threshold)
    }
}

#[cfg(test)]
mod tests {
    use super::name;
    use crate::scenario::check::safe_name;

    /// Every name made from a log is one the scenario language accepts (a host logged as
    /// `-kms.corp` once made an invalid scenario: found by the damaged-copies test).
    #[test]
    fn names_from_logs_are_valid_scenario_names() {
        for (logged, made) in [
            ("kms1.corp.example", "kms1.corp.example"),
            ("-kms.corp", "kms.corp"),
            ("..é_x", "x"),
            ("Ω", "unnamed"),
            ("", "unnamed"),
            ("  a=b  ", "a-b"),
        ] {
            assert_eq!(name(logged), made);
            safe_name(&name(logged)).unwrap();
        }
        safe_name(&name(&"x".repeat(200))).unwrap();
    }
}
