//! Validation of the KMS parts of a scenario: host keys, hosts, SRV records created by hand,
//! a fleet's `Kms(discovery)`, the KMS timeline actions and expectations.

use crate::model::kms::KmsModel;
use crate::model::{
    Discovery, DomainId, HostId, HostKeyId, HostKeyModel, HostModel, KmsExpect, KmsFleet, Pool,
    SiteId, SrvModel, SrvTarget, Table,
};
use crate::scenario::check::{Checker, Names, Result, strs};
use crate::scenario::duration::Duration;
use crate::scenario::schema;

/// The names the KMS part declares.
pub struct KmsNames {
    pub hosts: Names<HostId>,
    pub host_keys: Names<HostKeyId>,
    /// Each host's OS (KMS-HOST-3 on `InstallHostKey`).
    pub os: Table<HostId, crate::model::HostOs>,
}

/// A generation written in the scenario: 1 or more (KMS-GEN-1).
pub fn generation(c: &Checker, anchors: &[&str], what: &str, g: u8) -> Result<u8> {
    if g == 0 {
        return Err(c.error(
            anchors,
            format!("{what} must be 1 or more (1 = Vista / Server 2008)"),
        ));
    }
    Ok(g)
}

/// Host keys, hosts and manual SRV records. A host's key is of generation `newest` unless
/// it says otherwise (the newest product the scenario's fleets use).
pub fn servers(
    c: &Checker,
    s: &schema::Scenario,
    sites: &Names<SiteId>,
    domains: &Names<DomainId>,
    newest: u8,
) -> Result<(KmsModel, KmsNames)> {
    let key_names = Names::<HostKeyId>::declare(
        "host key",
        c,
        "host_keys",
        s.host_keys.iter().map(|x| x.name.as_str()),
    )?;
    let host_keys: Table<HostKeyId, HostKeyModel> = s
        .host_keys
        .iter()
        .map(|k| HostKeyModel {
            name: k.name.clone(),
            max_hosts: k.max_hosts,
            reactivations: k.reactivations,
        })
        .collect();

    let host_names = Names::<HostId>::declare(
        "KMS host",
        c,
        "kms_hosts",
        s.kms_hosts.iter().map(|x| x.name.as_str()),
    )?;
    let default_domain = (!domains.is_empty()).then_some(DomainId::FIRST);
    let mut hosts = Table::new();
    for h in &s.kms_hosts {
        let q = format!("\"{}\"", h.name);
        let at = |field: &str| -> Vec<String> { vec!["kms_hosts".into(), q.clone(), field.into()] };
        let site = sites.resolve(c, &strs(&at(&format!("\"{}\"", h.site))), &h.site)?;
        let own_domain = match &h.domain {
            None => default_domain,
            Some(n) => Some(domains.resolve(c, &strs(&at("domain:")), n)?),
        };
        // KMS-HOST-3: a client OS holds only a Client VL key (and an Office host key, which
        // installs on client Windows as well).
        let bad = h.keys.iter().find(|&&k| !super::host::os_can_hold(h.os, k));
        let anchor = match bad {
            Some(k) => format!("{k:?}"),
            None => "keys:".to_owned(),
        };
        keys_for(c, &strs(&at(&anchor)), &h.name, h.os, &h.keys)?;
        let host_key = match &h.host_key {
            None => None,
            Some(k) => Some(key_names.resolve(c, &strs(&at(&format!("\"{k}\""))), k)?),
        };
        let mut publish_domains: Vec<DomainId> = own_domain.into_iter().collect();
        for d in &h.publish_domains {
            let id = domains.resolve(c, &strs(&at(&format!("\"{d}\""))), d)?;
            if !publish_domains.contains(&id) {
                publish_domains.push(id);
            }
        }
        let interval = |field: &str, d: Option<Duration>| -> Result<Option<u64>> {
            d.map(|d| c.interval(&strs(&at(field)), field, d))
                .transpose()
        };
        let key_generation = match h.key_generation {
            Some(g) => generation(c, &strs(&at("key_generation")), "key_generation", g)?,
            None => newest,
        };
        let os_generation = h
            .os_generation
            .map(|g| generation(c, &strs(&at("os_generation")), "os_generation", g))
            .transpose()?;
        if let Some(o) = os_generation.filter(|&o| key_generation > o) {
            return Err(c.error(
                &strs(&at("os_generation")),
                format!(
                    "host \"{}\" holds a generation {key_generation} key, which its OS \
                     (os_generation {o}) cannot hold (KMS-GEN-2): raise os_generation, or give \
                     the host the key_generation it really has",
                    h.name
                ),
            ));
        }
        hosts.push(HostModel {
            name: h.name.clone(),
            site,
            domain: own_domain,
            os: h.os,
            keys: h.keys.clone(),
            key_generation,
            os_generation,
            host_key,
            port: c.port(&strs(&at("port:")), h.port)?,
            publish: h.publish,
            publish_domains,
            priority: h.priority,
            weight: h.weight,
            activation_interval: interval("activation_interval", h.activation_interval)?,
            renewal_interval: interval("renewal_interval", h.renewal_interval)?,
            // Built during the run when its first lifecycle event is an `AddHost` (a host
            // removed first existed from the start, and may be built again later).
            built_later: s
                .timeline
                .iter()
                .filter(|e| match &e.action {
                    schema::Action::AddHost(n) | schema::Action::RemoveHost(n) => n == &h.name,
                    _ => false,
                })
                .min_by_key(|e| e.at.0)
                .is_some_and(|e| matches!(e.action, schema::Action::AddHost(_))),
        });
    }

    let mut manual_srv = Table::new();
    for r in &s.manual_srv {
        let qt = format!("\"{}\"", r.target);
        let qd = format!("\"{}\"", r.domain);
        manual_srv.push(SrvModel {
            domain: domains.resolve(c, &["manual_srv", &qd], &r.domain)?,
            target: match host_names.get(&r.target) {
                Some(h) => SrvTarget::Host(h),
                None => SrvTarget::Unknown(r.target.clone()),
            },
            port: c.port(&["manual_srv", &qt, "port:"], r.port)?,
            priority: r.priority,
            weight: r.weight,
        });
    }
    Ok((
        KmsModel {
            hosts,
            host_keys,
            manual_srv,
            start_tables: Vec::new(),
        },
        KmsNames {
            hosts: host_names,
            host_keys: key_names,
            os: s.kms_hosts.iter().map(|h| h.os).collect(),
        },
    ))
}

/// KMS-HOST-3: the key groups a host may hold: its OS must be able to hold each.
pub fn keys_for(
    c: &Checker,
    anchors: &[&str],
    host: &str,
    os: crate::model::HostOs,
    keys: &[crate::model::KeyGroup],
) -> Result<()> {
    if keys.is_empty() {
        return Err(c.error(anchors, format!("host \"{host}\" has no keys")));
    }
    if let Some(bad) = keys.iter().find(|&&k| !super::host::os_can_hold(os, k)) {
        return Err(c.error(
            anchors,
            format!(
                "host \"{host}\" runs a client OS, which cannot hold a {bad:?} key \
                 (KMS-HOST-3: only a server OS holds Server Group A/B/C keys)"
            ),
        ));
    }
    Ok(())
}

/// Hosts live on the organisation's own sites.
pub fn check_sites(c: &Checker, kms: &KmsModel) -> Result<()> {
    for h in &kms.hosts {
        c.not_internet(h.site, &["kms_hosts", &format!("\"{}\"", h.name)])?;
    }
    Ok(())
}

/// A fleet's `Kms(discovery: ...)`.
pub fn fleet(
    c: &Checker,
    names: &KmsNames,
    at: &dyn Fn(String) -> [String; 3],
    discovery: &schema::Discovery,
) -> Result<KmsFleet> {
    Ok(KmsFleet {
        discovery: match discovery {
            schema::Discovery::Dns => Discovery::Dns,
            schema::Discovery::Static(h) => {
                Discovery::Static(names.hosts.resolve(c, &strs(&at(format!("\"{h}\""))), h)?)
            }
        },
    })
}

/// Where a record named in `manual_srv` or `RemoveSrv` points: a host of the scenario, or
/// a name that is none (a stale record, DNS-4).
pub fn srv_target(names: &KmsNames, target: &str) -> SrvTarget {
    match names.hosts.get(target) {
        Some(h) => SrvTarget::Host(h),
        None => SrvTarget::Unknown(target.to_owned()),
    }
}

/// `ThresholdReached(host, pool, by)`.
pub fn threshold_reached(
    c: &Checker,
    names: &KmsNames,
    anchors: &[&str],
    host: &str,
    pool: Pool,
    by: Duration,
) -> Result<KmsExpect> {
    Ok(KmsExpect::ThresholdReached {
        host: names.hosts.resolve(c, anchors, host)?,
        pool,
        by: c.not_negative(anchors, "by", by)?,
    })
}

/// A CMID as a host's table holds it: a GUID folded to 64 bits, any other text hashed.
pub fn cmid_of(text: &str) -> u64 {
    match crate::numbers::parse_guid(text) {
        Some(g) => (g >> 64) as u64 ^ g as u64,
        None => crate::engine::random::name_hash(text.trim()),
    }
}

/// The hosts' `table`s: each entry's pool, threshold, CMID and time, and per fleet the
/// machines the entries name (`FleetModel::known`). Checked: every entry names a KMS fleet
/// (of a generalized image) or a product; it was seen within the CMID retention window
/// before the start (KMS-COUNT-3); a host's pool names a CMID once and holds at most
/// 2 × its highest threshold (KMS-COUNT-4); a fleet has at least as many machines as the
/// tables name.
pub fn start_tables(
    c: &Checker,
    s: &schema::Scenario,
    known: &crate::resolve::Known,
    products: &Table<crate::model::ProductId, crate::model::ProductModel>,
    fleets: &mut Table<crate::model::FleetId, crate::model::FleetModel>,
    retention: u64,
) -> Result<Vec<crate::model::StartEntry>> {
    use crate::model::{Id, Image, KnownMachine, Method, StartEntry};
    let mut entries = Vec::new();
    // Per host and pool: (CMIDs, highest threshold); per fleet: its known machines.
    let mut known_machines: Vec<Vec<KnownMachine>> = fleets.iter().map(|_| Vec::new()).collect();
    for h in &s.kms_hosts {
        let host = known.kms.hosts.resolve(c, &["kms_hosts"], &h.name)?;
        let mut pools: [(Vec<u64>, u32); 2] = Default::default();
        for entry in &h.table {
            let schema::TableEntry::Seen {
                cmid,
                ago,
                fleet,
                product,
            } = entry;
            let q = format!("\"{}\"", h.name);
            let qc = format!("\"{cmid}\"");
            let here = ["kms_hosts", &q, "table", &qc];
            if cmid.trim().is_empty() {
                return Err(c.error(&here, "a table entry's cmid is empty"));
            }
            let ago_s = c.not_negative(&here, "ago", *ago)?;
            if ago_s >= retention {
                return Err(c.error(
                    &here,
                    format!(
                        "CMID {cmid} was seen {ago} before the start, not within the CMID \
                         retention window ({}): the host no longer holds it \
                         (KMS-COUNT-3); leave it out",
                        Duration(retention as i64)
                    ),
                ));
            }
            let fleet_id = match fleet {
                Some(name) => {
                    let qf = format!("\"{name}\"");
                    let f = known
                        .fleets
                        .resolve(c, &[&here[..], &[&qf]].concat(), name)?;
                    let model = &fleets[f];
                    if !matches!(model.method, Method::Kms(_)) {
                        return Err(c.error(
                            &[&here[..], &[&qf]].concat(),
                            format!(
                                "fleet \"{name}\" does not activate by KMS: a KMS host's \
                                 table cannot hold its machines"
                            ),
                        ));
                    }
                    if model.image == Image::Cloned {
                        return Err(c.error(
                            &[&here[..], &[&qf]].concat(),
                            format!(
                                "fleet \"{name}\" is of a cloned image, whose machines share \
                                 one CMID (KMS-COUNT-7): name its CMID with product: instead"
                            ),
                        ));
                    }
                    Some(f)
                }
                None => None,
            };
            let product_id = match (product, fleet_id) {
                (Some(p), f) => {
                    let id = known
                        .products
                        .resolve(c, &[&here[..], &["product:"]].concat(), p)?;
                    if let Some(f) = f.filter(|&f| fleets[f].product != id) {
                        return Err(c.error(
                            &[&here[..], &["product:"]].concat(),
                            format!(
                                "product \"{p}\" is not the product of fleet \"{}\" ({}): \
                                 leave product out for a fleet's machine",
                                fleets[f].name, products[fleets[f].product].name
                            ),
                        ));
                    }
                    id
                }
                (None, Some(f)) => fleets[f].product,
                (None, None) => {
                    return Err(c.error(
                        &here,
                        "a table entry names neither a fleet nor a product: write \
                         fleet: \"...\" for one of a fleet's machines, or product: \"...\" \
                         for a client the scenario does not hold",
                    ));
                }
            };
            let p = &products[product_id];
            let value = cmid_of(cmid);
            let (seen_cmids, highest) = &mut pools[p.pool.index()];
            if seen_cmids.contains(&value) {
                return Err(c.error(
                    &here,
                    format!(
                        "CMID {cmid} is in host \"{}\"'s {} table twice",
                        h.name,
                        p.pool.as_str()
                    ),
                ));
            }
            seen_cmids.push(value);
            *highest = (*highest).max(p.threshold);
            if seen_cmids.len() > 2 * *highest as usize {
                return Err(c.error(
                    &here,
                    format!(
                        "host \"{}\"'s {} table holds {} entries, more than 2 × its highest \
                         threshold ({}) allows (KMS-COUNT-4)",
                        h.name,
                        p.pool.as_str(),
                        seen_cmids.len(),
                        *highest
                    ),
                ));
            }
            let seen = -(ago_s as i64);
            entries.push(StartEntry {
                host,
                pool: p.pool,
                threshold: p.threshold,
                cmid: value,
                seen,
            });
            if let Some(f) = fleet_id {
                let machines = &mut known_machines[f.index()];
                match machines.iter_mut().find(|m| m.cmid == value) {
                    Some(m) if m.seen >= seen => {}
                    Some(m) => {
                        m.seen = seen;
                        m.host = host;
                    }
                    None => {
                        machines.push(KnownMachine {
                            cmid: value,
                            seen,
                            host,
                        });
                        if machines.len() as u64 > fleets[f].count {
                            return Err(c.error(
                                &here,
                                format!(
                                    "the hosts' tables name {} machines of fleet \"{}\", \
                                     which has {}",
                                    machines.len(),
                                    fleets[f].name,
                                    fleets[f].count
                                ),
                            ));
                        }
                    }
                }
            }
        }
    }
    for (fleet, machines) in fleets.iter_mut().zip(known_machines) {
        fleet.known = machines;
    }
    Ok(entries)
}
