//! The advice in plain words, with the ids of the rules behind each step.

#![allow(clippy::indexing_slicing)] // indices are ids of fleets, sites, domains, products and hosts of the validated model, and of the plan's own hosts and keys

use super::criteria::Criteria;
use super::plan::{FleetAdvice, HostRef, MakWay, Plan, Recommended, Row, adba_possible};
use crate::model::{Discovery, HostId, MakMode, Method, Model};
use crate::numbers::thousands;
use crate::time::human;

/// Why the plan advises what it does for one fleet.
pub fn why(model: &Model, plan: &Plan, a: &FleetAdvice) -> String {
    let c = &a.criteria;
    let f = &model.fleets[c.fleet];
    let product = &model.products[f.product].name;
    let policy = &model.policy;
    let offline = offline_words(c.longest_offline);
    match (&a.recommended, a.row) {
        (Recommended::Unchanged, _) => {
            "Kaspersky-managed devices whose Windows activation is not modelled: nothing to \
             advise."
                .to_owned()
        }
        (Recommended::NotActivated, _) => format!(
            "The timeline rebuilds all {} machines at least every {} (re-image), within the \
             {} initial grace (KMS-CLI-5): they never need to be activated, provided the \
             licence agreement covers test copies (a scenario cannot say).",
            thousands(c.machines),
            human(c.rebuilt_every.unwrap_or(0)),
            human(
                model.products[f.product]
                    .grace
                    .unwrap_or(model.policy.grace)
            ),
        ),
        (Recommended::Adba { fallback_kms }, _) => {
            let domain = f.domain.map_or("", |d| model.domains[d].name.as_str());
            let dc = c.dc_reached.map_or("", |s| model.sites[s].as_str());
            let mut s = format!(
                "Joined to {domain}, reaches a domain controller at {dc} on TCP 389, {offline} \
                 (under the {} an AD activation lasts), and {product} supports AD-based \
                 activation: it activates from the domain, with no host and no threshold \
                 (ADBA-1, ADBA-2).",
                human(policy.adba_validity)
            );
            if !c.activation_object {
                s.push_str(&format!(
                    " {domain} has no activation object yet: create one with a KMS host key \
                     (advised.ron sets adba: true)."
                ));
            }
            if *fallback_kms {
                s.push_str(" KMS through DNS stays as the fallback (ADBA-2).");
            }
            s
        }
        (Recommended::Kms { host, by_dns }, row) => {
            let (count, threshold) = a.count.unwrap_or((0, 0));
            let not_adba = not_adba(model, c);
            let found = if *by_dns {
                "found through DNS".to_owned()
            } else {
                "set by hand on the machines with slmgr /skms, as DNS does not lead to it"
                    .to_owned()
            };
            match (host, row) {
                (HostRef::Existing(h), Some(row)) => {
                    let host = &model.kms.hosts[*h];
                    let kind = if row == Row::LocalKms {
                        "its isolated network's own KMS host"
                    } else {
                        "the central KMS host"
                    };
                    let path = if host.site == f.site {
                        "on its own site".to_owned()
                    } else {
                        format!("from {} over the network", model.sites[f.site])
                    };
                    let (found, spread) = if *by_dns && c.hosts_by_dns.len() > 1 {
                        let names: Vec<&str> = c
                            .hosts_by_dns
                            .iter()
                            .map(|&h| model.kms.hosts[h].name.as_str())
                            .collect();
                        (
                            format!(
                                "found through DNS, which spreads its machines over {}",
                                names.join(", ")
                            ),
                            " on each".to_owned(),
                        )
                    } else {
                        (found, String::new())
                    };
                    let pinned = match super::criteria::kms_discovery(f) {
                        Some(Discovery::Static(now)) if now != *h => format!(
                            " It is set by hand to {} now, where too few machines ask: each \
                             host counts only the machines that ask it (KMS-COUNT-8).",
                            model.kms.hosts[now].name
                        ),
                        _ => String::new(),
                    };
                    format!(
                        "{not_adba}; {offline}. It reaches {kind} {} {path} on TCP {} \
                         ({found}), where the machines that would ask count {}{spread}, at \
                         least the {threshold} {product} needs (KMS-CLI-1, NET-1, \
                         KMS-COUNT-5).{pinned}",
                        host.name,
                        host.port,
                        thousands(count)
                    )
                }
                (HostRef::New(k), _) => {
                    let host = &plan.new_hosts[*k];
                    format!(
                        "{not_adba}, and it reaches no KMS host (NET-1). The {} machines of \
                         its isolated network that would use KMS meet the {threshold} \
                         {product} needs on their own: a local KMS host {} at {} (NET-3, \
                         KMS-CLI-1), set by hand on the machines (slmgr /skms).",
                        thousands(count),
                        host.name,
                        model.sites[host.site]
                    )
                }
                (HostRef::Existing(_), None) => String::new(),
            }
        }
        (Recommended::Mak { key, way }, row) => {
            let k = &plan.mak_keys[*key];
            let reason = match row {
                Some(Row::MakOffline) => format!(
                    "It is offline up to {} at a stretch, longer than the {} a KMS or AD \
                     activation lasts (KMS-CLI-4, ADBA-2): a MAK activation is for good (MAK-2)",
                    human(c.longest_offline),
                    human(policy.validity.min(policy.adba_validity))
                ),
                Some(Row::MakIsolated) if !c.hosts.is_empty() => {
                    let (count, threshold) = a.count.unwrap_or((0, 0));
                    let names: Vec<&str> = c
                        .hosts
                        .iter()
                        .map(|&h| model.kms.hosts[h].name.as_str())
                        .collect();
                    format!(
                        "{}; the KMS host {} of its isolated network would have only {} \
                         machines asking it, under the {threshold} {product} needs (NET-3, \
                         KMS-CLI-1): MAK (MAK-2)",
                        not_adba(model, c),
                        names.join(", "),
                        thousands(count)
                    )
                }
                Some(Row::MakIsolated) => {
                    let (count, threshold) = a.count.unwrap_or((0, 0));
                    format!(
                        "{}, it reaches no KMS host (NET-1), and its isolated network has \
                         only {} machines to count, under the {threshold} {product} needs \
                         (NET-3, KMS-CLI-1): MAK (MAK-2)",
                        not_adba(model, c),
                        thousands(count)
                    )
                }
                _ => {
                    let (count, threshold) = a.count.unwrap_or((0, 0));
                    format!(
                        "{}; the KMS hosts it reaches would count only {} machines, under the \
                         {threshold} {product} needs (KMS-CLI-1): MAK (MAK-2)",
                        not_adba(model, c),
                        thousands(count)
                    )
                }
            };
            let how = match way {
                MakWay::Independent => "over the internet (it reaches the activation service \
                                        on TCP 443)"
                    .to_owned(),
                MakWay::Proxy(s) => format!(
                    "through a VAMT proxy at {} (it reaches the machines on TCP 135 and the \
                     activation service)",
                    model.sites[*s]
                ),
                MakWay::Phone => {
                    "by telephone (no path to the activation service, nor a VAMT proxy)".to_owned()
                }
            };
            let size = match k.existing {
                Some(e) if e >= k.activations => format!(
                    "its key {} has {} activations, enough for the {} it uses in a year",
                    k.name,
                    thousands(e),
                    thousands(k.per_year)
                ),
                Some(e) => format!(
                    "its key {} has {} activations, too few: raise it to {} ({} a year, {} \
                     over the run; MAK-1)",
                    k.name,
                    thousands(e),
                    thousands(k.activations),
                    thousands(k.per_year),
                    thousands(k.in_run)
                ),
                None => format!(
                    "key {} of {} activations: one per machine and its re-activations \
                     (re-images, hardware changes) at the run's rate as margin (MAK-1)",
                    k.name,
                    thousands(k.activations)
                ),
            };
            format!("{reason}, {how}; {size}.")
        }
    }
}

/// "never offline" / "offline at most 15h at a stretch".
fn offline_words(t: crate::time::SimTime) -> String {
    if t == 0 {
        "always online".to_owned()
    } else {
        format!("offline at most {} at a stretch", human(t))
    }
}

/// Why AD-based activation is not for this fleet.
fn not_adba(model: &Model, c: &Criteria) -> String {
    let f = &model.fleets[c.fleet];
    if !c.joined {
        "Not joined to an Active Directory domain (its domain has no domain controllers), so \
         no AD-based activation (ADBA-2)"
            .to_owned()
    } else if !c.adba_product {
        format!(
            "{} is older than AD-based activation (generation 3, ADBA-1)",
            model.products[f.product].name
        )
    } else if c.dc_reached.is_none() {
        "It reaches no domain controller on TCP 389, so no AD-based activation (ADBA-1)".to_owned()
    } else if adba_possible(c) {
        format!(
            "It is offline longer than the {} an AD activation lasts (ADBA-2)",
            human(model.policy.adba_validity)
        )
    } else {
        "No AD-based activation".to_owned()
    }
}

/// What is wrong with a fleet's current method, from the criteria: the machines it cannot
/// reach, the threshold it cannot meet, the validity its offline stretches outlast.
pub fn current_issues(model: &Model, all: &[Criteria], a: &FleetAdvice) -> Vec<String> {
    let c = &a.criteria;
    let f = &model.fleets[c.fleet];
    let product = &model.products[f.product];
    let policy = &model.policy;
    let mut out = Vec::new();
    match f.method {
        Method::Kms(k) => {
            match k.discovery {
                Discovery::Dns if c.hosts_by_dns.is_empty() && c.hosts.is_empty() => {
                    let grace = product.grace.unwrap_or(policy.grace);
                    out.push(match c.rebuilt_every.filter(|&r| r < grace) {
                        Some(r) => format!(
                            "reaches no KMS host that serves {} (NET-1): it never activates; \
                             rebuilt every {} it stays in its grace, and its attempts fail \
                             every {} for nothing (KMS-CLI-2)",
                            product.name,
                            human(r),
                            human(policy.activation_interval)
                        ),
                        None => format!(
                            "reaches no KMS host that serves {} (NET-1): it never activates \
                             and falls into notification after its grace (KMS-CLI-5)",
                            product.name
                        ),
                    });
                }
                Discovery::Dns if c.hosts_by_dns.is_empty() => out.push(
                    "finds no KMS host through DNS (DNS-1, DNS-2), though it could reach one"
                        .to_owned(),
                ),
                Discovery::Static(h) if !c.hosts.contains(&h) => out.push(format!(
                    "its KMS host {} (set by hand) is out of its reach or does not serve {} \
                     (NET-1, KMS-HOST-2)",
                    model.kms.hosts[h].name, product.name
                )),
                _ => {
                    let hosts: Vec<HostId> = match k.discovery {
                        Discovery::Static(h) => vec![h],
                        Discovery::Dns => c.hosts_by_dns.clone(),
                    };
                    let best = hosts
                        .iter()
                        .map(|&h| kms_count_now(model, all, h, product.pool))
                        .max()
                        .unwrap_or(0);
                    if best < u64::from(product.threshold) {
                        out.push(format!(
                            "its KMS host counts at most {} machines, under the {} {} needs \
                             (KMS-CLI-1)",
                            thousands(best),
                            product.threshold,
                            product.name
                        ));
                    }
                }
            }
            if c.longest_offline > policy.validity {
                out.push(format!(
                    "it is offline up to {} at a stretch, longer than a KMS activation lasts \
                     ({}): it falls out of tolerance (KMS-CLI-4, KMS-CLI-6)",
                    human(c.longest_offline),
                    human(policy.validity)
                ));
            }
        }
        Method::Adba(adba) => {
            if !adba_possible(c) || !c.activation_object {
                let why = if !c.activation_object && adba_possible(c) {
                    "its domain has no activation object".to_owned()
                } else {
                    not_adba(model, c).to_lowercase()
                };
                out.push(if adba.fallback_kms {
                    format!("AD-based activation cannot serve it ({why}): it relies on KMS")
                } else {
                    format!(
                        "AD-based activation cannot serve it ({why}) and it has no KMS \
                         fallback: it never activates (ADBA-2)"
                    )
                });
            }
            if c.longest_offline > policy.adba_validity {
                out.push(format!(
                    "it is offline up to {} at a stretch, longer than an AD activation lasts \
                     ({}) (ADBA-2)",
                    human(c.longest_offline),
                    human(policy.adba_validity)
                ));
            }
        }
        Method::Mak(m) => {
            let key = &model.mak_keys[m.key];
            let users: u64 = all
                .iter()
                .filter(
                    |d| matches!(model.fleets[d.fleet].method, Method::Mak(n) if n.key == m.key),
                )
                .map(|d| d.mak_in_run())
                .sum();
            if users > key.activations {
                out.push(format!(
                    "its MAK {} has {} activations, and its fleets need {} over the run: it \
                     runs out (MAK-1)",
                    key.name,
                    thousands(key.activations),
                    thousands(users)
                ));
            }
            match m.mode {
                MakMode::Independent if !c.internet => out
                    .push("it does not reach the activation service on TCP 443 (MAK-2)".to_owned()),
                MakMode::Proxy { via } if c.vamt_site != Some(via) => out.push(format!(
                    "the VAMT proxy at {} cannot reach it on TCP 135 or the activation \
                     service (MAK-2)",
                    model.sites[via]
                )),
                _ => {}
            }
        }
        Method::NotActivated => {
            let grace = product.grace.unwrap_or(policy.grace);
            if c.rebuilt_every.is_none_or(|r| r >= grace) {
                out.push(format!(
                    "it is never activated but not rebuilt within its {} grace: it falls \
                     into notification (KMS-CLI-5)",
                    human(grace)
                ));
            }
        }
        Method::Ksc(_) => {}
    }
    out
}

/// The count host `h` reaches in the current plan: the KMS fleets that reach it.
fn kms_count_now(model: &Model, all: &[Criteria], h: HostId, pool: crate::model::Pool) -> u64 {
    all.iter()
        .filter(|d| {
            let g = &model.fleets[d.fleet];
            matches!(g.method, Method::Kms(_))
                && d.hosts.contains(&h)
                && model.products[g.product].pool == pool
        })
        .map(|d| d.counted)
        .sum()
}
