//! The scenario in plain words, for chart markers and the HTML report.

#![allow(clippy::indexing_slicing)] // indices are positions in series and tables built by the same run (equal lengths; files read back are checked by RunTables::parse and check)

use crate::model::{
    ActionModel, Discovery, FleetAction, KmsAction, KscAction, LinkId, LinkModel, MakMode, Method,
    Model, NetAction, OnlineModel, PortModel, SrvTarget,
};

/// A time with at most its two largest units ("20d 22h", "2h 4m", "0s", "never"): tables
/// stay narrow; summary.json keeps the exact seconds.
pub fn short_time(t: Option<crate::engine::SimTime>) -> String {
    t.map_or_else(
        || "never".to_owned(),
        |t| {
            crate::time::human(t)
                .split(' ')
                .take(2)
                .collect::<Vec<_>>()
                .join(" ")
        },
    )
}

pub fn port(p: PortModel) -> String {
    match p {
        PortModel::Tcp(n) => format!("TCP {n}"),
        PortModel::Udp(n) => format!("UDP {n}"),
    }
}

fn link(model: &Model, l: &LinkModel) -> String {
    format!("{}–{}", model.sites[l.a], model.sites[l.b])
}

/// A short label for a timeline event, as drawn on the charts ("kms1 down").
pub fn action(model: &Model, a: &ActionModel) -> String {
    let host = |h| model.kms.hosts[h].name.as_str();
    let link = |l: LinkId| link(model, &model.links[l]);
    match a {
        ActionModel::Fleet { fleet, action } => {
            let f = model.fleets[*fleet].name.as_str();
            match *action {
                FleetAction::Rearm => format!("{f} rearmed"),
                FleetAction::Reimage { count } => format!("{count} {f} reimaged"),
                FleetAction::HardwareChange { count } => format!("{count} {f} hardware changed"),
                FleetAction::AddMachines { count } => format!("+{count} {f}"),
                FleetAction::RetireMachines { count } => format!("−{count} {f}"),
            }
        }
        ActionModel::SetPolicy(_) => "policy changed".to_owned(),
        ActionModel::Ksc(KscAction::RemoveLicenseKey(k)) => {
            format!("key {} removed", model.ksc.keys[*k].name)
        }
        ActionModel::Network(n) => match *n {
            NetAction::Block { link: l, port: p } => format!("{} blocks {}", link(l), port(p)),
            NetAction::Allow { link: l, port: p } => format!("{} opens {}", link(l), port(p)),
            NetAction::LinkDown(l) => format!("link {} down", link(l)),
            NetAction::LinkUp(l) => format!("link {} up", link(l)),
        },
        ActionModel::Kms(k) => match k {
            KmsAction::HostDown(h) => format!("{} down", host(*h)),
            KmsAction::HostUp(h) => format!("{} up", host(*h)),
            KmsAction::HostRestart(h) => format!("{} restarted", host(*h)),
            KmsAction::HostReinstall(h) => format!("{} reinstalled", host(*h)),
            KmsAction::PublishOff(h) => format!("{} stops publishing", host(*h)),
            KmsAction::PublishOn(h) => format!("{} publishes again", host(*h)),
            KmsAction::AddHost(h) => format!("{} built", host(*h)),
            KmsAction::RemoveHost(h) => format!("{} decommissioned", host(*h)),
            KmsAction::RemoveSrv { target, .. } => match target {
                SrvTarget::Host(h) => format!("SRV {} removed", host(*h)),
                SrvTarget::Unknown(name) => format!("SRV {name} removed"),
            },
            KmsAction::UpdateHost {
                host: h,
                os_generation,
            } => format!("{} updated (keys up to gen. {os_generation})", host(*h)),
            KmsAction::InstallHostKey {
                host: h,
                generation,
                ..
            } => format!("{} gets a gen. {generation} key", host(*h)),
        },
    }
}

/// The network in sentences: sites and links, DNS, hosts, fleets.
pub fn network(model: &Model) -> Vec<String> {
    let mut out = Vec::new();
    let sites: Vec<&str> = model.sites.iter().skip(1).map(String::as_str).collect();
    out.push(format!(
        "{} site{}: {}.",
        sites.len(),
        if sites.len() == 1 { "" } else { "s" },
        sites.join(", ")
    ));
    for l in &model.links {
        let ports: Vec<String> = l.allow.iter().map(|&p| port(p)).collect();
        out.push(format!(
            "Link {} lets through {}.",
            link(model, l),
            if ports.is_empty() {
                "nothing".to_owned()
            } else {
                ports.join(", ")
            }
        ));
    }
    for d in &model.domains {
        out.push(format!(
            "Domain {}: DNS server at {}, replication delay {}, SRV updates {:?}.",
            d.name,
            model.sites[d.dns_site],
            crate::time::human(d.replication_delay),
            d.srv_update
        ));
    }
    for h in &model.kms.hosts {
        out.push(format!(
            "KMS host {} at {} (domain {}), TCP {}, keys {:?}{}{}.",
            h.name,
            model.sites[h.site],
            h.domain.map_or("none", |d| model.domains[d].name.as_str()),
            h.port,
            h.keys,
            if h.publish {
                ", publishes itself in DNS"
            } else {
                ", does not publish itself"
            },
            if h.built_later {
                ", built during the run"
            } else {
                ""
            }
        ));
    }
    for f in &model.fleets {
        let how = match f.method {
            Method::Kms(k) => match k.discovery {
                Discovery::Dns => "finds its KMS host through DNS".to_owned(),
                Discovery::Static(h) => format!("uses {} set by hand", model.kms.hosts[h].name),
            },
            Method::Mak(m) => {
                let key = &model.mak_keys[m.key].name;
                match m.mode {
                    MakMode::Independent => format!("activates with MAK {key} over the internet"),
                    MakMode::Proxy { via } => {
                        format!(
                            "activates with MAK {key} through a VAMT proxy at {}",
                            model.sites[via]
                        )
                    }
                    MakMode::Phone { delay } => format!(
                        "activates with MAK {key} by telephone ({} after it is needed)",
                        crate::time::human(delay)
                    ),
                }
            }
            Method::Ksc(k) => format!(
                "managed by Kaspersky server {} (Windows activation not modelled)",
                model.ksc.servers[k.server].name
            ),
            Method::NotActivated => "is never activated (rebuilt within its grace)".to_owned(),
            Method::Adba(a) => {
                if a.fallback_kms {
                    "activates from Active Directory, else through KMS".to_owned()
                } else {
                    "activates from Active Directory only".to_owned()
                }
            }
        };
        let online = match &f.online {
            OnlineModel::Always => "always online".to_owned(),
            OnlineModel::Daily { hours } => format!("online {hours} h a day from about 08:00"),
            OnlineModel::Windows(w) => format!("online in {} window(s)", w.len()),
            OnlineModel::Random { .. } => "online at random".to_owned(),
        };
        let what = match f.method {
            Method::Ksc(_) => "devices",
            _ => model.products[f.product].name.as_str(),
        };
        out.push(format!(
            "Fleet {}: {} × {what} at {}, {how}, {online}.",
            f.name, f.count, model.sites[f.site],
        ));
    }
    out
}
