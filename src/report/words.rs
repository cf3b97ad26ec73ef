//! The scenario in plain words, for chart markers and the HTML report.

use crate::scenario::Model;
use crate::scenario::model::{
    ActionModel, DiscoveryModel, LinkModel, OnlineModel, PortModel, SrvTarget,
};

/// A time with at most its two largest units ("20d 22h", "2h 4m", "0s", "never"): tables
/// stay narrow; summary.json keeps the exact seconds.
pub fn short_time(t: Option<crate::engine::SimTime>) -> String {
    t.map_or_else(
        || "never".to_owned(),
        |t| {
            crate::observe::expect::time(t)
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
    format!(
        "{}–{}",
        model.sites[usize::from(l.a)],
        model.sites[usize::from(l.b)]
    )
}

/// A short label for a timeline event, as drawn on the charts ("kms1 down").
pub fn action(model: &Model, a: &ActionModel) -> String {
    let host = |h: &u16| model.hosts[usize::from(*h)].name.as_str();
    let fleet = |f: &u16| model.fleets[usize::from(*f)].name.as_str();
    let link = |l: &u16| link(model, &model.links[usize::from(*l)]);
    match a {
        ActionModel::HostDown(h) => format!("{} down", host(h)),
        ActionModel::HostUp(h) => format!("{} up", host(h)),
        ActionModel::HostRestart(h) => format!("{} restarted", host(h)),
        ActionModel::HostReinstall(h) => format!("{} reinstalled", host(h)),
        ActionModel::Rearm { fleet: f } => format!("{} rearmed", fleet(f)),
        ActionModel::Reimage { fleet: f, count } => format!("{count} {} reimaged", fleet(f)),
        ActionModel::HardwareChange { fleet: f, count } => {
            format!("{count} {} hardware changed", fleet(f))
        }
        ActionModel::SetPolicy(_) => "policy changed".to_owned(),
        ActionModel::AddMachines { fleet: f, count } => format!("+{count} {}", fleet(f)),
        ActionModel::RetireMachines { fleet: f, count } => format!("−{count} {}", fleet(f)),
        ActionModel::Block { link: l, port: p } => format!("{} blocks {}", link(l), port(*p)),
        ActionModel::Allow { link: l, port: p } => format!("{} opens {}", link(l), port(*p)),
        ActionModel::LinkDown(l) => format!("link {} down", link(l)),
        ActionModel::LinkUp(l) => format!("link {} up", link(l)),
        ActionModel::PublishOff(h) => format!("{} stops publishing", host(h)),
        ActionModel::RemoveSrv { target, .. } => match target {
            SrvTarget::Host(h) => format!("SRV {} removed", host(h)),
            SrvTarget::Unknown(name) => format!("SRV {name} removed"),
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
            model.sites[usize::from(d.dns_site)],
            crate::observe::expect::time(d.replication_delay),
            d.srv_update
        ));
    }
    for h in &model.hosts {
        out.push(format!(
            "KMS host {} at {} (domain {}), TCP {}, keys {:?}{}.",
            h.name,
            model.sites[usize::from(h.site)],
            h.domain
                .map_or("none", |d| model.domains[usize::from(d)].name.as_str()),
            h.port,
            h.keys,
            if h.publish {
                ", publishes itself in DNS"
            } else {
                ", does not publish itself"
            }
        ));
    }
    for f in &model.fleets {
        let how = match &f.discovery {
            DiscoveryModel::Dns => "finds its KMS host through DNS".to_owned(),
            DiscoveryModel::Static(h) => {
                format!("uses {} set by hand", model.hosts[usize::from(*h)].name)
            }
        };
        let online = match &f.online {
            OnlineModel::Always => "always online".to_owned(),
            OnlineModel::Daily { hours } => format!("online {hours} h a day from about 08:00"),
            OnlineModel::Windows(w) => format!("online in {} window(s)", w.len()),
            OnlineModel::Random { .. } => "online at random".to_owned(),
        };
        out.push(format!(
            "Fleet {}: {} × {} at {}, {how}, {online}.",
            f.name,
            f.count,
            model.products[usize::from(f.product)].name,
            model.sites[usize::from(f.site)],
        ));
    }
    out
}
