//! Table 1 of the volume-activation planning guide applied to each fleet's criteria: which
//! activation method, and why, in the guide's order of preference —
//!
//! 1. machines rebuilt within their grace period need no activation (row 7);
//! 2. domain-joined machines of a supported version that reach a domain controller at least
//!    every 180 days: AD-based activation (row 1, ADBA-1, ADBA-2);
//! 3. machines offline longer than an activation lasts: MAK (row 3, MAK-2);
//! 4. machines that reach a KMS host on which the machines reaching it together meet their
//!    product's threshold: central KMS (rows 2 and 4, KMS-CLI-1);
//! 5. machines that reach no KMS host: a local host if their isolated network meets the
//!    threshold on its own (row 5, NET-3), else MAK (row 6);
//! 6. machines whose KMS hosts do not meet the threshold: MAK (row 3).
//!
//! Thresholds are met by the machines that will actually ask: fleets moved to AD-based
//! activation or MAK no longer count on a host, so counts are settled by removing, until
//! nothing changes, the fleets a host cannot activate.

#![allow(clippy::indexing_slicing)] // indices are ids of fleets, sites, domains, products and hosts of the validated model, and positions in the per-fleet lists built here (one per fleet)

use super::criteria::{self, Criteria, Reach};
use crate::model::{
    DEFAULT_KMS_PORT, Discovery, DomainId, FleetId, HostId, MakMode, Method, Model, Pool,
    PortModel, SiteId,
};
use crate::time::{DAY, SimTime};

/// The rows of Table 1 ("Criteria for activation methods") that a scenario can decide.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Row {
    /// Domain-joined machines that reach a domain controller at least every 180 days.
    Adba,
    /// Machines of the core network, where the central KMS host's threshold is met.
    CentralCore,
    /// Machines that do not connect at least once every 180 days.
    MakOffline,
    /// Machines of a semi-isolated network that reach the central KMS host.
    CentralSemiIsolated,
    /// An isolated network that meets the KMS threshold on its own.
    LocalKms,
    /// An isolated network below the KMS threshold.
    MakIsolated,
    /// Machines whose reachable KMS hosts do not meet the threshold ("no network meets the
    /// activation threshold", the second half of row 3).
    MakBelowThreshold,
    /// Lab machines that will not be activated.
    NotActivated,
}

impl Row {
    /// The row's number in Table 1.
    pub fn number(self) -> u8 {
        match self {
            Row::Adba => 1,
            Row::CentralCore => 2,
            Row::MakOffline | Row::MakBelowThreshold => 3,
            Row::CentralSemiIsolated => 4,
            Row::LocalKms => 5,
            Row::MakIsolated => 6,
            Row::NotActivated => 7,
        }
    }

    /// The row's criterion, in the guide's words.
    pub fn criterion(self) -> &'static str {
        match self {
            Row::Adba => {
                "domain-joined machines that connect to a domain controller at least every 180 days"
            }
            Row::CentralCore => {
                "machines of the core network that connect every 180 days, where the threshold is met"
            }
            Row::MakOffline => "machines that do not connect at least once every 180 days",
            Row::MakBelowThreshold => "machines where no network meets the activation threshold",
            Row::CentralSemiIsolated => {
                "machines of semi-isolated networks that reach the KMS host of the core network"
            }
            Row::LocalKms => "isolated networks that meet the KMS activation threshold",
            Row::MakIsolated => "isolated networks that do not meet the KMS activation threshold",
            Row::NotActivated => "lab machines that will not be activated",
        }
    }
}

/// How a MAK fleet reaches the vendor's activation service (MAK-2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MakWay {
    Independent,
    Proxy(SiteId),
    Phone,
}

/// A telephone activation happens this long after it is needed: someone calls within a
/// working day.
pub const PHONE_DELAY: SimTime = DAY;

/// The method advised for a fleet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recommended {
    /// ADBA-1; `fallback_kms` when the machines find a KMS host through DNS.
    Adba { fallback_kms: bool },
    /// KMS through `host` (an index into the scenario's hosts, or past them into the new
    /// local hosts), found through DNS or set by hand.
    Kms { host: HostRef, by_dns: bool },
    /// MAK with key `key` (an index into `Plan::mak_keys`).
    Mak { key: usize, way: MakWay },
    /// Never activated.
    NotActivated,
    /// Not a Windows fleet (Kaspersky devices only): nothing to advise.
    Unchanged,
}

/// A KMS host of the scenario, or one the plan adds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HostRef {
    Existing(HostId),
    New(usize),
}

/// A local KMS host the plan adds in an isolated network (NET-3).
#[derive(Debug, Clone)]
pub struct NewHost {
    pub name: String,
    pub site: SiteId,
    /// Some of its clients run Office: it needs an Office host key beside the Windows one.
    pub office: bool,
}

/// A MAK key of the plan: the scenario's own (kept or resized) or a new one.
#[derive(Debug, Clone)]
pub struct MakKeyPlan {
    pub name: String,
    /// The activations it allows in the advised plan.
    pub activations: u64,
    /// The activations it has in the scenario (None: a new key).
    pub existing: Option<u64>,
    /// The activations its fleets use in a year, and over the run.
    pub per_year: u64,
    pub in_run: u64,
}

/// What the plan says about one fleet.
#[derive(Debug, Clone)]
pub struct FleetAdvice {
    pub criteria: Criteria,
    pub row: Option<Row>,
    pub recommended: Recommended,
    /// The count the KMS host it would use reaches with the machines that ask it, and the
    /// product's threshold (central and local KMS, and the MAK fleets that fell short).
    pub count: Option<(u64, u32)>,
    /// Why, in plain words with rule ids.
    pub why: String,
    /// What is wrong with its current method, from the criteria alone (the simulation adds
    /// what it saw).
    pub current_issues: Vec<String>,
    /// The advised method is the current one.
    pub same_as_current: bool,
}

/// The whole advice.
#[derive(Debug, Clone)]
pub struct Plan {
    pub fleets: Vec<FleetAdvice>,
    pub new_hosts: Vec<NewHost>,
    pub mak_keys: Vec<MakKeyPlan>,
    /// Domains that need an activation object for the advised ADBA fleets (ADBA-1).
    pub create_objects: Vec<DomainId>,
}

/// What a fleet's method is before thresholds are settled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Choice {
    Unchanged,
    NotActivated,
    Adba,
    MakOffline,
    Central,
    Isolated,
    MakBelowThreshold { count: u64, threshold: u32 },
    MakIsolated { count: u64, threshold: u32 },
}

/// Applies Table 1 to every fleet of `model`.
pub fn plan(model: &Model) -> Plan {
    let reach = Reach::new(model);
    let criteria = criteria::of(model);
    let policy = &model.policy;
    let mut choices: Vec<Choice> = criteria
        .iter()
        .map(|c| {
            let f = &model.fleets[c.fleet];
            let grace = model.products[f.product].grace.unwrap_or(policy.grace);
            if !c.windows {
                Choice::Unchanged
            } else if c.rebuilt_every.is_some_and(|r| r < grace) {
                Choice::NotActivated
            } else if adba_possible(c) && c.longest_offline <= policy.adba_validity {
                Choice::Adba
            } else if c.longest_offline > policy.validity {
                Choice::MakOffline
            } else if !c.hosts.is_empty() {
                Choice::Central
            } else {
                Choice::Isolated
            }
        })
        .collect();
    // Which isolated network a fleet is in: the first site its site reaches on the KMS port.
    let island = |c: &Criteria| -> SiteId {
        let site = model.fleets[c.fleet].site;
        model
            .sites
            .ids()
            .find(|&s| reach.reaches(site, s, PortModel::Tcp(DEFAULT_KMS_PORT)))
            .unwrap_or(site)
    };
    // The machines an isolated network's own host would count in `pool` (KMS-COUNT-8): those
    // of every fleet of that network that stays on KMS there.
    let island_count = |choices: &[Choice], here: SiteId, pool: Pool| -> u64 {
        criteria
            .iter()
            .enumerate()
            .filter(|&(j, d)| {
                choices[j] == Choice::Isolated
                    && island(d) == here
                    && criteria::pool(model, &model.fleets[d.fleet]) == pool
            })
            .map(|(_, d)| d.counted)
            .sum()
    };
    // The core network: the one (of sites joined on the KMS port) with the most machines. A
    // host in it is central; a host elsewhere is an isolated network's own (NET-3).
    let core: Option<SiteId> = {
        let mut sizes: Vec<(SiteId, u64)> = Vec::new();
        for c in criteria.iter().filter(|c| c.windows) {
            let here = island(c);
            match sizes.iter_mut().find(|(s, _)| *s == here) {
                Some(entry) => entry.1 += c.machines,
                None => sizes.push((here, c.machines)),
            }
        }
        sizes.iter().rev().max_by_key(|(_, n)| *n).map(|(s, _)| *s)
    };
    let in_core = |h: HostId| {
        let site = model.kms.hosts[h].site;
        core.is_some_and(|core| reach.reaches(site, core, PortModel::Tcp(DEFAULT_KMS_PORT)))
    };
    // How each KMS fleet reaches its hosts: as now when it can (a host set by hand, or DNS),
    // else by hand to the host most machines reach.
    let mut routes: Vec<Route> = criteria
        .iter()
        .enumerate()
        .map(|(i, c)| {
            if choices[i] != Choice::Central {
                return Route::None;
            }
            match criteria::kms_discovery(&model.fleets[c.fleet]) {
                Some(Discovery::Static(h)) if c.hosts.contains(&h) => Route::Static(h),
                _ if !c.hosts_by_dns.is_empty() => Route::Dns(c.hosts_by_dns.clone()),
                _ => Route::Static(c.hosts[0]),
            }
        })
        .collect();
    // Settle the thresholds (KMS-COUNT-8: each host counts only the machines that ask it): a
    // fleet whose hosts fall short is set by hand to the host where it would make the count,
    // or else moves to MAK — which lowers the counts for the others, so until nothing moves.
    for _ in 0..=4 * criteria.len() {
        let mut moved = false;
        for i in 0..criteria.len() {
            let c = &criteria[i];
            let f = &model.fleets[c.fleet];
            let pool = criteria::pool(model, f);
            let threshold = f64::from(model.products[f.product].threshold);
            match choices[i] {
                Choice::Central => {
                    let count = |h: HostId| host_count(model, &criteria, &routes, h, pool);
                    let met = match &routes[i] {
                        Route::Static(h) => count(*h) >= threshold,
                        Route::Dns(hosts) => hosts.iter().all(|&h| count(h) >= threshold),
                        Route::None => false,
                    };
                    if met {
                        continue;
                    }
                    // Its count on each host if all its machines asked there alone.
                    let alone =
                        |h: HostId| count(h) - share(&routes[i], h, c.counted) + c.counted as f64;
                    let best = c
                        .hosts
                        .iter()
                        .copied()
                        .max_by(|&a, &b| alone(a).total_cmp(&alone(b)).then(b.cmp(&a)));
                    match best.filter(|&h| alone(h) >= threshold) {
                        Some(h) => routes[i] = Route::Static(h),
                        None => {
                            let count = best.map_or(0.0, alone) as u64;
                            choices[i] = if best.is_some_and(&in_core) {
                                Choice::MakBelowThreshold {
                                    count,
                                    threshold: threshold as u32,
                                }
                            } else {
                                Choice::MakIsolated {
                                    count,
                                    threshold: threshold as u32,
                                }
                            };
                            routes[i] = Route::None;
                        }
                    }
                    moved = true;
                }
                Choice::Isolated => {
                    let count = island_count(&choices, island(c), pool);
                    if (count as f64) < threshold {
                        choices[i] = Choice::MakIsolated {
                            count,
                            threshold: threshold as u32,
                        };
                        moved = true;
                    }
                }
                _ => {}
            }
        }
        if !moved {
            break;
        }
    }
    // Local hosts, one per isolated network that keeps KMS, at the site of its largest fleet.
    let mut new_hosts: Vec<NewHost> = Vec::new();
    let mut islands: Vec<(SiteId, usize)> = Vec::new();
    for (i, c) in criteria.iter().enumerate() {
        if choices[i] != Choice::Isolated {
            continue;
        }
        let here = island(c);
        let f = &model.fleets[c.fleet];
        let office = criteria::pool(model, f) == Pool::Office;
        match islands.iter().find(|(s, _)| *s == here) {
            Some(&(_, k)) => new_hosts[k].office |= office,
            None => {
                let largest = criteria
                    .iter()
                    .enumerate()
                    .filter(|&(j, d)| choices[j] == Choice::Isolated && island(d) == here)
                    .max_by_key(|&(j, d)| (d.machines, std::cmp::Reverse(j)))
                    .map_or(f.site, |(_, d)| model.fleets[d.fleet].site);
                islands.push((here, new_hosts.len()));
                new_hosts.push(NewHost {
                    name: unique_host_name(model, &new_hosts, &model.sites[largest]),
                    site: largest,
                    office,
                });
            }
        }
    }
    let mut mak_keys: Vec<MakKeyPlan> = Vec::new();
    let mut create_objects: Vec<DomainId> = Vec::new();
    let mut fleets: Vec<FleetAdvice> = Vec::new();
    for (i, c) in criteria.iter().enumerate() {
        let f = &model.fleets[c.fleet];
        let pool = criteria::pool(model, f);
        let threshold = model.products[f.product].threshold;
        let (row, recommended, count) = match choices[i] {
            Choice::Unchanged => (None, Recommended::Unchanged, None),
            Choice::NotActivated => (Some(Row::NotActivated), Recommended::NotActivated, None),
            Choice::Adba => {
                if !c.activation_object
                    && let Some(d) = f.domain
                    && !create_objects.contains(&d)
                {
                    create_objects.push(d);
                }
                let fallback_kms = !c.hosts_by_dns.is_empty();
                (Some(Row::Adba), Recommended::Adba { fallback_kms }, None)
            }
            Choice::Central => {
                let (host, by_dns) = match &routes[i] {
                    Route::Static(h) => (*h, false),
                    Route::Dns(hosts) => (hosts[0], true),
                    Route::None => (HostId::FIRST, false),
                };
                let count = match &routes[i] {
                    Route::Dns(hosts) => hosts
                        .iter()
                        .map(|&h| host_count(model, &criteria, &routes, h, pool))
                        .fold(f64::INFINITY, f64::min),
                    _ => host_count(model, &criteria, &routes, host, pool),
                };
                let row = if !in_core(host) {
                    Row::LocalKms
                } else if model.kms.hosts[host].site == f.site {
                    Row::CentralCore
                } else {
                    Row::CentralSemiIsolated
                };
                (
                    Some(row),
                    Recommended::Kms {
                        host: HostRef::Existing(host),
                        by_dns,
                    },
                    Some((count as u64, threshold)),
                )
            }
            Choice::Isolated => {
                let here = island(c);
                let k = islands
                    .iter()
                    .find(|(s, _)| *s == here)
                    .map_or(0, |&(_, k)| k);
                let count = island_count(&choices, here, pool);
                (
                    Some(Row::LocalKms),
                    Recommended::Kms {
                        host: HostRef::New(k),
                        by_dns: false,
                    },
                    Some((count, threshold)),
                )
            }
            Choice::MakOffline | Choice::MakBelowThreshold { .. } | Choice::MakIsolated { .. } => {
                let (row, count) = match choices[i] {
                    Choice::MakBelowThreshold { count, threshold } => {
                        (Row::MakBelowThreshold, Some((count, threshold)))
                    }
                    Choice::MakIsolated { count, threshold } => {
                        (Row::MakIsolated, Some((count, threshold)))
                    }
                    _ => (Row::MakOffline, None),
                };
                let key = mak_key(model, c, &mut mak_keys);
                let way = mak_way(model, c);
                (Some(row), Recommended::Mak { key, way }, count)
            }
        };
        fleets.push(FleetAdvice {
            criteria: c.clone(),
            row,
            count,
            why: String::new(),
            current_issues: Vec::new(),
            same_as_current: false,
            recommended,
        });
    }
    let mut plan = Plan {
        fleets,
        new_hosts,
        mak_keys,
        create_objects,
    };
    for i in 0..plan.fleets.len() {
        let same = same_as_current(model, &plan, &plan.fleets[i]);
        let why = super::words::why(model, &plan, &plan.fleets[i]);
        let issues = super::words::current_issues(model, &criteria, &plan.fleets[i]);
        let a = &mut plan.fleets[i];
        a.same_as_current = same;
        a.why = why;
        a.current_issues = issues;
    }
    plan
}

/// ADBA-1: joined to a domain whose controllers it reaches, with a product of generation 3
/// or later (the activation object can be created if missing).
pub fn adba_possible(c: &Criteria) -> bool {
    c.joined && c.dc_reached.is_some() && c.adba_product
}

/// How a KMS fleet of the plan finds its host.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Route {
    /// Not a KMS fleet.
    None,
    /// Set by hand (DNS-8): all its machines ask this host.
    Static(HostId),
    /// Through DNS (DNS-5): its machines spread over these hosts.
    Dns(Vec<HostId>),
}

/// The part of a fleet's `counted` machines that ask host `h` on `route`: DNS spreads them
/// evenly over the hosts it offers (an approximation: priorities and weights are not
/// weighed).
fn share(route: &Route, h: HostId, counted: u64) -> f64 {
    match route {
        Route::Static(s) if *s == h => counted as f64,
        Route::Dns(hosts) if hosts.contains(&h) => counted as f64 / hosts.len() as f64,
        _ => 0.0,
    }
}

/// The machines that ask host `h` in pool `pool` (KMS-COUNT-5, KMS-COUNT-8: each host counts
/// the machines that ask it).
fn host_count(
    model: &Model,
    criteria: &[Criteria],
    routes: &[Route],
    h: HostId,
    pool: Pool,
) -> f64 {
    criteria
        .iter()
        .zip(routes)
        .filter(|(c, _)| criteria::pool(model, &model.fleets[c.fleet]) == pool)
        .map(|(c, r)| share(r, h, c.counted))
        .sum()
}

/// A host name not taken by the scenario's hosts or the plan's: `kms-SITE`, then `kms-SITE-2`…
fn unique_host_name(model: &Model, new_hosts: &[NewHost], site: &str) -> String {
    unique_name("kms-", site, |name| {
        model.kms.hosts.iter().any(|h| h.name == name) || new_hosts.iter().any(|h| h.name == name)
    })
}

/// `PREFIXBASE`, then `PREFIXBASE-2`…, the first that `taken` refuses not, cut to the length
/// a name may have (a fleet's name may already be as long as that).
fn unique_name(prefix: &str, base: &str, taken: impl Fn(&str) -> bool) -> String {
    use crate::scenario::check::MAX_NAME;
    (1..)
        .map(|k: u32| {
            let suffix = if k == 1 {
                String::new()
            } else {
                format!("-{k}")
            };
            let room = MAX_NAME.saturating_sub(prefix.len() + suffix.len());
            let base: String = base.chars().take(room).collect();
            format!("{prefix}{base}{suffix}")
        })
        .find(|n| !taken(n))
        .unwrap_or_else(|| prefix.to_owned())
}

/// MAK-2: the fleet reaches the activation service itself, through a VAMT proxy, or by
/// telephone. A fleet already on MAK keeps its way when it works.
fn mak_way(model: &Model, c: &Criteria) -> MakWay {
    let f = &model.fleets[c.fleet];
    let computed = if c.internet {
        MakWay::Independent
    } else if let Some(s) = c.vamt_site {
        MakWay::Proxy(s)
    } else {
        MakWay::Phone
    };
    match f.method {
        Method::Mak(m) => match m.mode {
            MakMode::Phone { .. } => MakWay::Phone,
            MakMode::Independent if c.internet => MakWay::Independent,
            MakMode::Proxy { via } if Some(via) == c.vamt_site => MakWay::Proxy(via),
            _ => computed,
        },
        _ => computed,
    }
}

/// The key a MAK fleet uses: its own if it has one (resized if too small for the fleets
/// that share it), else a new one sized to the fleet with its re-imaging as margin (MAK-1).
fn mak_key(model: &Model, c: &Criteria, keys: &mut Vec<MakKeyPlan>) -> usize {
    let f = &model.fleets[c.fleet];
    let per_year = c.mak_per_year(model.duration);
    let in_run = c.mak_in_run();
    let (name, existing) = match f.method {
        Method::Mak(m) => {
            let k = &model.mak_keys[m.key];
            (k.name.clone(), Some(k.activations))
        }
        _ => (unique_key_name(model, keys, &f.name), None),
    };
    if let Some(i) = keys.iter().position(|k| k.name == name) {
        let k = &mut keys[i];
        k.per_year = k.per_year.saturating_add(per_year);
        k.in_run = k.in_run.saturating_add(in_run);
        let need = k.per_year.max(k.in_run);
        k.activations = k.existing.filter(|&e| e >= need).unwrap_or(need);
        return i;
    }
    let need = per_year.max(in_run);
    keys.push(MakKeyPlan {
        name,
        activations: existing.filter(|&e| e >= need).unwrap_or(need),
        existing,
        per_year,
        in_run,
    });
    keys.len() - 1
}

fn unique_key_name(model: &Model, keys: &[MakKeyPlan], fleet: &str) -> String {
    unique_name("mak-", fleet, |n| {
        model.mak_keys.iter().any(|k| k.name == n) || keys.iter().any(|k| k.name == n)
    })
}

/// Whether the advised method is the one the fleet has now (same key size for MAK).
fn same_as_current(model: &Model, plan: &Plan, a: &FleetAdvice) -> bool {
    let f = &model.fleets[a.criteria.fleet];
    match (&a.recommended, &f.method) {
        (Recommended::Unchanged, _) => true,
        (Recommended::NotActivated, Method::NotActivated) => true,
        (Recommended::Adba { fallback_kms }, Method::Adba(now)) => {
            now.fallback_kms == *fallback_kms && a.criteria.activation_object
        }
        (Recommended::Kms { host, by_dns }, Method::Kms(now)) => match (host, now.discovery) {
            (HostRef::Existing(h), Discovery::Static(s)) => !by_dns && *h == s,
            (HostRef::Existing(h), Discovery::Dns) => {
                *by_dns && a.criteria.hosts_by_dns.first() == Some(h)
            }
            _ => false,
        },
        (Recommended::Mak { key, way }, Method::Mak(now)) => {
            let k = &plan.mak_keys[*key];
            let same_way = matches!(
                (way, now.mode),
                (MakWay::Independent, MakMode::Independent)
                    | (MakWay::Phone, MakMode::Phone { .. })
            ) || matches!((way, now.mode), (MakWay::Proxy(a), MakMode::Proxy { via }) if *a == via);
            same_way && k.existing == Some(k.activations)
        }
        _ => false,
    }
}

/// The method of the plan in a few words, for tables: "ADBA + KMS fallback", "KMS kms1
/// (DNS)", "local KMS kms-lab", "MAK mak-lab (telephone)", "none".
pub fn method_words(model: &Model, plan: &Plan, r: &Recommended) -> String {
    match r {
        Recommended::Adba { fallback_kms: true } => "ADBA + KMS fallback".to_owned(),
        Recommended::Adba {
            fallback_kms: false,
        } => "ADBA".to_owned(),
        Recommended::Kms { host, by_dns } => {
            let how = if *by_dns { "DNS" } else { "set by hand" };
            match host {
                HostRef::Existing(h) => format!("KMS {} ({how})", model.kms.hosts[*h].name),
                HostRef::New(k) => format!("local KMS {} ({how})", plan.new_hosts[*k].name),
            }
        }
        Recommended::Mak { key, way } => {
            let how = match way {
                MakWay::Independent => "internet".to_owned(),
                MakWay::Proxy(s) => format!("VAMT at {}", model.sites[*s]),
                MakWay::Phone => "telephone".to_owned(),
            };
            format!("MAK {} ({how})", plan.mak_keys[*key].name)
        }
        Recommended::NotActivated => "none".to_owned(),
        Recommended::Unchanged => "unchanged".to_owned(),
    }
}

/// The current method of a fleet in the same few words.
pub fn current_words(model: &Model, f: FleetId) -> String {
    let f = &model.fleets[f];
    match f.method {
        Method::Kms(k) => match k.discovery {
            Discovery::Dns => "KMS (DNS)".to_owned(),
            Discovery::Static(h) => format!("KMS {} (set by hand)", model.kms.hosts[h].name),
        },
        Method::Adba(a) if a.fallback_kms => "ADBA + KMS fallback".to_owned(),
        Method::Adba(_) => "ADBA".to_owned(),
        Method::Mak(m) => {
            let how = match m.mode {
                MakMode::Independent => "internet".to_owned(),
                MakMode::Proxy { via } => format!("VAMT at {}", model.sites[via]),
                MakMode::Phone { .. } => "telephone".to_owned(),
            };
            format!("MAK {} ({how})", model.mak_keys[m.key].name)
        }
        Method::NotActivated => "none".to_owned(),
        Method::Ksc(_) => "Kaspersky only".to_owned(),
    }
}
