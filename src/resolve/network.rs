//! Sites, links and domains: the network every method's traffic crosses (NET-1).

use super::INTERNET;
use crate::error::Error;
use crate::model::{DomainId, DomainModel, LinkId, LinkModel, SiteId, Table};
use crate::scenario::check::{Checker, Names, Result};
use crate::scenario::schema;

pub struct Network {
    pub sites: Table<SiteId, String>,
    pub site_names: Names<SiteId>,
    pub links: Table<LinkId, LinkModel>,
    pub domains: Table<DomainId, DomainModel>,
    pub domain_names: Names<DomainId>,
}

pub fn resolve(c: &Checker, s: &schema::Scenario) -> Result<Network> {
    // Sites: the built-in internet plus the scenario's.
    Names::<SiteId>::declare("site", c, "sites", s.sites.iter().map(|x| x.name.as_str()))?;
    let mut sites_list = Table::new();
    let mut site_names = Names::new("site");
    sites_list.push(INTERNET.to_owned());
    site_names.add(c, "sites", INTERNET)?;
    for site in &s.sites {
        if site.name == INTERNET {
            return Err(c.error(
                &["sites", "\"internet\""],
                "site \"internet\" is built in; do not declare it",
            ));
        }
        sites_list.push(site.name.clone());
        site_names.add(c, "sites", &site.name)?;
    }

    let mut links: Table<LinkId, LinkModel> = Table::new();
    for link in &s.links {
        let (a, b) = &link.between;
        let qa = format!("\"{a}\"");
        let qb = format!("\"{b}\"");
        let sa = site_names.resolve(c, &["links", &qa], a)?;
        let sb = site_names.resolve(c, &["links", &qa, &qb], b)?;
        if a == b {
            return Err(c.error(&["links", &qa], format!("a link joins \"{a}\" to itself")));
        }
        if links
            .iter()
            .any(|l| (l.a, l.b) == (sa, sb) || (l.a, l.b) == (sb, sa))
        {
            return Err(c.error(
                &["links", &qa, &qb],
                format!("\"{a}\" and \"{b}\" are linked twice; give one link all its ports"),
            ));
        }
        let mut allow = Vec::new();
        for port in &link.allow {
            allow.push(c.port_model(&["links", &qa, &qb, "allow"], *port)?);
        }
        links.push(LinkModel {
            a: sa,
            b: sb,
            allow,
        });
    }

    let domain_names = Names::<DomainId>::declare(
        "domain",
        c,
        "domains",
        s.domains.iter().map(|x| x.name.as_str()),
    )?;
    let mut domains = Table::new();
    for d in &s.domains {
        let q = format!("\"{}\"", d.name);
        let dns_site = site_names.resolve(
            c,
            &["domains", q.as_str(), &format!("\"{}\"", d.dns_site)],
            &d.dns_site,
        )?;
        let mut dc_sites = Vec::new();
        for dc in &d.dc_sites {
            let site = site_names.resolve(c, &["domains", &q, &format!("\"{dc}\"")], dc)?;
            c.not_internet(site, &["domains", &q, &format!("\"{dc}\"")])?;
            dc_sites.push(site);
        }
        domains.push(DomainModel {
            name: d.name.clone(),
            dns_site,
            dc_sites,
            adba: d.adba,
            replication_delay: c.not_negative(
                &["domains", &q, "replication_delay"],
                "replication_delay",
                d.replication_delay,
            )?,
            srv_update: d.srv_update,
            scavenging: c.not_negative(
                &["domains", &q, "scavenging"],
                "scavenging",
                d.scavenging,
            )?,
        });
    }
    Ok(Network {
        sites: sites_list,
        site_names,
        links,
        domains,
        domain_names,
    })
}

/// The link between two sites, for timeline actions (`here` places the error).
pub fn link_between(
    here: &dyn Fn(String) -> Error,
    sites: &Names<SiteId>,
    links: &Table<LinkId, LinkModel>,
    (a, b): &(String, String),
) -> Result<LinkId> {
    let sa = sites.resolve_at(here, a)?;
    let sb = sites.resolve_at(here, b)?;
    links
        .position(|l| (l.a, l.b) == (sa, sb) || (l.a, l.b) == (sb, sa))
        .ok_or_else(|| here(format!("there is no link between \"{a}\" and \"{b}\"")))
}
