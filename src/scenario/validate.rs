//! From the parsed file to a `Model`: every name resolved, every cross-reference checked,
//! every limit enforced. Errors point at the offending text (`FILE:LINE:COLUMN`).

use super::duration::Duration;
use super::locate::Locator;
use super::model::*;
use super::schema::{self, Activation, Arrival, Initial, Online};
use crate::error::Error;
use crate::kms::product;
use chrono::NaiveDate;

/// The most machines one scenario may hold, counting every `AddMachines`. Each machine costs
/// about 60 bytes of state; this keeps a run within a couple of GiB.
pub const MAX_MACHINES: u64 = 20_000_000;
/// The longest run: twenty years.
pub const MAX_DURATION: Secs = 20 * 365 * 86_400;
/// The most time-series samples a run may take (duration / sample_every).
pub const MAX_SAMPLES: u64 = 1_000_000;
/// The largest activation threshold; a host's CMID table holds twice the highest.
pub const MAX_THRESHOLD: u32 = 10_000;
/// Bounds of an interval pushed by a host or set in policy (KMS-HOST-7).
const MIN_INTERVAL: Secs = 15 * 60;
const MAX_INTERVAL: Secs = 30 * 86_400;
/// The built-in site where the vendor's activation service lives.
pub const INTERNET: &str = "internet";

struct Checker<'a> {
    file: &'a str,
    locator: Locator,
}

type Result<T> = std::result::Result<T, Error>;

impl Checker<'_> {
    fn error(&self, anchors: &[&str], message: impl Into<String>) -> Error {
        let at = self.locator.find(anchors);
        Error::Scenario {
            file: self.file.to_owned(),
            line: at.line,
            column: at.column,
            message: message.into(),
        }
    }

    fn unsupported(&self, anchors: &[&str], feature: &str) -> Error {
        self.error(
            anchors,
            format!(
                "{feature} is not simulated yet in this version of actsim; \
                 remove it from the scenario (it would otherwise be silently ignored)"
            ),
        )
    }

    fn positive(&self, anchors: &[&str], what: &str, d: Duration) -> Result<Secs> {
        if d.secs() <= 0 {
            return Err(self.error(anchors, format!("{what} must be positive, got \"{d}\"")));
        }
        Ok(d.secs() as Secs)
    }

    fn not_negative(&self, anchors: &[&str], what: &str, d: Duration) -> Result<Secs> {
        if d.secs() < 0 {
            return Err(self.error(anchors, format!("{what} cannot be negative, got \"{d}\"")));
        }
        Ok(d.secs() as Secs)
    }

    fn interval(&self, anchors: &[&str], what: &str, d: Duration) -> Result<Secs> {
        let secs = self.positive(anchors, what, d)?;
        if !(MIN_INTERVAL..=MAX_INTERVAL).contains(&secs) {
            return Err(self.error(
                anchors,
                format!("{what} must lie between 15m and 30d (slmgr's range), got \"{d}\""),
            ));
        }
        Ok(secs)
    }

    fn port(&self, anchors: &[&str], port: i64) -> Result<u16> {
        match u16::try_from(port) {
            Ok(p) if p >= 1 => Ok(p),
            _ => Err(self.error(anchors, format!("port {port} is outside 1-65535"))),
        }
    }

    fn port_model(&self, anchors: &[&str], port: schema::Port) -> Result<PortModel> {
        Ok(match port {
            schema::Port::Tcp(p) => PortModel::Tcp(self.port(anchors, p)?),
            schema::Port::Udp(p) => PortModel::Udp(self.port(anchors, p)?),
        })
    }

    fn unique<'n>(&self, list: &str, names: impl Iterator<Item = &'n str>) -> Result<()> {
        let mut seen = std::collections::BTreeSet::new();
        for name in names {
            if name.is_empty() {
                return Err(self.error(&[list, "name: \"\""], format!("a name in {list} is empty")));
            }
            if !seen.insert(name) {
                let quoted = format!("\"{name}\"");
                return Err(self.error(
                    &[list, &quoted, &quoted],
                    format!("duplicate name \"{name}\" in {list}"),
                ));
            }
        }
        Ok(())
    }
}

fn index_of<T>(items: &[T], name: &str, key: impl Fn(&T) -> &str) -> Option<u16> {
    items
        .iter()
        .position(|item| key(item) == name)
        .map(|i| i as u16)
}

/// A `start` date: exactly `YYYY-MM-DD`, a real calendar day.
fn parse_date(text: &str) -> Option<NaiveDate> {
    let shape = text.len() == 10 && text.as_bytes()[4] == b'-' && text.as_bytes()[7] == b'-';
    shape.then(|| NaiveDate::parse_from_str(text, "%Y-%m-%d").ok())?
}

/// The first-line comment of the file, which by convention states the scenario's question.
fn question(source: &str) -> Option<String> {
    let first = source.lines().next()?.trim();
    let text = first.strip_prefix("//")?.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

pub fn validate(file: &str, source: &str, s: schema::Scenario) -> Result<Model> {
    let c = Checker {
        file,
        locator: Locator::new(source),
    };
    if s.name.trim().is_empty() {
        return Err(c.error(&["name:"], "the scenario name is empty"));
    }
    let duration = c.positive(&["duration:"], "duration", s.duration)?;
    if duration > MAX_DURATION {
        return Err(c.error(
            &["duration:"],
            "duration is longer than the limit of 20 years (7300d)",
        ));
    }
    let sample_every = c.positive(&["sample_every:"], "sample_every", s.sample_every)?;
    if duration / sample_every > MAX_SAMPLES {
        return Err(c.error(
            &["sample_every:"],
            format!(
                "sample_every \"{}\" gives {} samples, over the limit of {MAX_SAMPLES}",
                s.sample_every,
                duration / sample_every
            ),
        ));
    }
    let start = match &s.start {
        None => None,
        Some(text) => Some(parse_date(text).ok_or_else(|| {
            c.error(
                &["start:"],
                format!("start {text:?} is not a date written YYYY-MM-DD"),
            )
        })?),
    };

    // Sites: the built-in internet plus the scenario's.
    c.unique("sites", s.sites.iter().map(|x| x.name.as_str()))?;
    let mut sites = vec![INTERNET.to_owned()];
    for site in &s.sites {
        if site.name == INTERNET {
            return Err(c.error(
                &["sites", "\"internet\""],
                "site \"internet\" is built in; do not declare it",
            ));
        }
        sites.push(site.name.clone());
    }
    let site = |anchors: &[&str], name: &str| -> Result<SiteId> {
        index_of(&sites, name, |s| s.as_str())
            .ok_or_else(|| c.error(anchors, format!("unknown site \"{name}\"")))
    };

    let mut links: Vec<LinkModel> = Vec::new();
    for link in &s.links {
        let (a, b) = &link.between;
        let qa = format!("\"{a}\"");
        let qb = format!("\"{b}\"");
        let sa = site(&["links", &qa], a)?;
        let sb = site(&["links", &qa, &qb], b)?;
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
    let link_between = |here: &dyn Fn(String) -> Error, (a, b): &(String, String)| -> Result<u16> {
        let unknown = |n: &String| here(format!("unknown site \"{n}\""));
        let sa = index_of(&sites, a, |s| s.as_str()).ok_or_else(|| unknown(a))?;
        let sb = index_of(&sites, b, |s| s.as_str()).ok_or_else(|| unknown(b))?;
        links
            .iter()
            .position(|l| (l.a, l.b) == (sa, sb) || (l.a, l.b) == (sb, sa))
            .map(|i| i as u16)
            .ok_or_else(|| here(format!("there is no link between \"{a}\" and \"{b}\"")))
    };

    c.unique("domains", s.domains.iter().map(|x| x.name.as_str()))?;
    let mut domains = Vec::new();
    for d in &s.domains {
        let q = format!("\"{}\"", d.name);
        let a = ["domains", q.as_str()];
        let dns_site = site(
            &[&a[..], &[format!("\"{}\"", d.dns_site).as_str()]].concat(),
            &d.dns_site,
        )?;
        for dc in &d.dc_sites {
            site(&["domains", &q, &format!("\"{dc}\"")], dc)?;
        }
        domains.push(DomainModel {
            name: d.name.clone(),
            dns_site,
            replication_delay: c.not_negative(
                &["domains", &q, "replication_delay"],
                "replication_delay",
                d.replication_delay,
            )?,
            srv_update: d.srv_update,
        });
    }
    let domain = |anchors: &[&str], name: &Option<String>| -> Result<Option<DomainId>> {
        match name {
            None => Ok((!domains.is_empty()).then_some(0)),
            Some(n) => index_of(&domains, n, |d| d.name.as_str())
                .map(Some)
                .ok_or_else(|| c.error(anchors, format!("unknown domain \"{n}\""))),
        }
    };

    c.unique("host_keys", s.host_keys.iter().map(|x| x.name.as_str()))?;
    let host_keys: Vec<HostKeyModel> = s
        .host_keys
        .iter()
        .map(|k| HostKeyModel {
            name: k.name.clone(),
            max_hosts: k.max_hosts,
            reactivations: k.reactivations,
        })
        .collect();

    c.unique("kms_hosts", s.kms_hosts.iter().map(|x| x.name.as_str()))?;
    let mut hosts = Vec::new();
    for h in &s.kms_hosts {
        let q = format!("\"{}\"", h.name);
        let at = |field: &str| -> Vec<String> { vec!["kms_hosts".into(), q.clone(), field.into()] };
        let site_id = site(&strs(&at(&format!("\"{}\"", h.site))), &h.site)?;
        let own_domain = domain(&strs(&at("domain:")), &h.domain)?;
        if h.keys.is_empty() {
            return Err(c.error(
                &strs(&at("keys:")),
                format!("host \"{}\" has no keys", h.name),
            ));
        }
        // KMS-HOST-3: a client OS holds only a Client VL key (and an Office host key, which
        // installs on client Windows as well).
        if h.os == HostOs::Client {
            if let Some(bad) = h
                .keys
                .iter()
                .find(|k| matches!(k, KeyGroup::ServerA | KeyGroup::ServerB | KeyGroup::ServerC))
            {
                return Err(c.error(
                    &strs(&at(&format!("{bad:?}"))),
                    format!(
                        "host \"{}\" runs a client OS, which cannot hold a {bad:?} key \
                         (KMS-HOST-3: only a server OS holds Server Group A/B/C keys)",
                        h.name
                    ),
                ));
            }
        }
        let host_key = match &h.host_key {
            None => None,
            Some(k) => Some(index_of(&host_keys, k, |x| x.name.as_str()).ok_or_else(|| {
                c.error(
                    &strs(&at(&format!("\"{k}\""))),
                    format!("unknown host key \"{k}\""),
                )
            })?),
        };
        let mut publish_domains: Vec<DomainId> = own_domain.into_iter().collect();
        for d in &h.publish_domains {
            let id = domain(&strs(&at(&format!("\"{d}\""))), &Some(d.clone()))?
                .expect("a named domain resolves to Some");
            if !publish_domains.contains(&id) {
                publish_domains.push(id);
            }
        }
        let interval = |field: &str, d: Option<Duration>| -> Result<Option<Secs>> {
            d.map(|d| c.interval(&strs(&at(field)), field, d))
                .transpose()
        };
        hosts.push(HostModel {
            name: h.name.clone(),
            site: site_id,
            domain: own_domain,
            os: h.os,
            keys: h.keys.clone(),
            host_key,
            port: c.port(&strs(&at("port:")), h.port)?,
            publish: h.publish,
            publish_domains,
            priority: h.priority,
            weight: h.weight,
            activation_interval: interval("activation_interval", h.activation_interval)?,
            renewal_interval: interval("renewal_interval", h.renewal_interval)?,
        });
    }
    let host = |anchors: &[&str], name: &str| -> Result<HostId> {
        index_of(&hosts, name, |h| h.name.as_str())
            .ok_or_else(|| c.error(anchors, format!("unknown KMS host \"{name}\"")))
    };

    let mut manual_srv = Vec::new();
    for r in &s.manual_srv {
        let qt = format!("\"{}\"", r.target);
        let qd = format!("\"{}\"", r.domain);
        let domain_id = domain(&["manual_srv", &qd], &Some(r.domain.clone()))?
            .expect("a named domain resolves to Some");
        manual_srv.push(SrvModel {
            domain: domain_id,
            target: match index_of(&hosts, &r.target, |h| h.name.as_str()) {
                Some(h) => SrvTarget::Host(h),
                None => SrvTarget::Unknown(r.target.clone()),
            },
            port: c.port(&["manual_srv", &qt, "port:"], r.port)?,
            priority: r.priority,
            weight: r.weight,
        });
    }

    c.unique("mak_keys", s.mak_keys.iter().map(|x| x.name.as_str()))?;
    c.unique("products", s.products.iter().map(|x| x.name.as_str()))?;
    let mut products = product::builtin();
    for p in &s.products {
        let q = format!("\"{}\"", p.name);
        if p.threshold == 0 || p.threshold > MAX_THRESHOLD {
            return Err(c.error(
                &["products", &q, "threshold"],
                format!("threshold {} is outside 1-{MAX_THRESHOLD}", p.threshold),
            ));
        }
        let valid_group = match p.pool {
            Pool::Office => p.group == KeyGroup::Office,
            Pool::Windows => p.group != KeyGroup::Office,
        };
        if !valid_group {
            return Err(c.error(
                &["products", &q, "group"],
                format!(
                    "product \"{}\": pool {:?} does not go with key group {:?} \
                     (Office products use the Office pool and group)",
                    p.name, p.pool, p.group
                ),
            ));
        }
        let model = ProductModel {
            name: p.name.clone(),
            threshold: p.threshold,
            pool: p.pool,
            group: p.group,
            grace: p
                .grace
                .map(|g| c.positive(&["products", &q, "grace"], "grace", g))
                .transpose()?,
        };
        match products.iter_mut().find(|x| x.name == p.name) {
            Some(existing) => *existing = model,
            None => products.push(model),
        }
    }

    if !s.ksc_servers.is_empty() {
        return Err(c.unsupported(&["ksc_servers"], "Kaspersky Security Center (ksc_servers)"));
    }

    let policy = resolve_policy(&c, &["policy:"], &s.policy)?;
    let mut base_policy = PolicyModel::default();
    base_policy.apply(&policy);

    c.unique("fleets", s.fleets.iter().map(|x| x.name.as_str()))?;
    if s.fleets.is_empty() {
        return Err(c.error(&["fleets"], "the scenario has no fleets"));
    }
    let mut fleets = Vec::new();
    let mut machines: u64 = 0;
    for f in &s.fleets {
        let q = format!("\"{}\"", f.name);
        let at = |field: String| -> [String; 3] { ["fleets".into(), q.clone(), field] };
        let site_id = site(&strs(&at(format!("\"{}\"", f.site))), &f.site)?;
        let domain_id = domain(&strs(&at("domain:".into())), &f.domain)?;
        machines = machines.saturating_add(f.count);
        if f.count > MAX_MACHINES {
            return Err(c.error(
                &strs(&at("count:".into())),
                format!(
                    "fleet \"{}\" has {} machines, over the limit of {MAX_MACHINES} per scenario",
                    f.name, f.count
                ),
            ));
        }
        let product = index_of(&products, &f.product, |p| p.name.as_str()).ok_or_else(|| {
            c.error(
                &strs(&at(format!("\"{}\"", f.product))),
                format!("unknown product \"{}\"", f.product),
            )
        })?;
        let discovery = match &f.activation {
            Activation::Kms { discovery } => match discovery {
                schema::Discovery::Dns => DiscoveryModel::Dns,
                schema::Discovery::Static(h) => {
                    DiscoveryModel::Static(host(&strs(&at(format!("\"{h}\""))), h)?)
                }
            },
            Activation::Mak { key, .. } => {
                if index_of(&s.mak_keys, key, |k| k.name.as_str()).is_none() {
                    return Err(c.error(
                        &strs(&at(format!("\"{key}\""))),
                        format!("unknown MAK key \"{key}\""),
                    ));
                }
                return Err(c.unsupported(&strs(&at("Mak".into())), "MAK activation (Mak)"));
            }
            Activation::Adba { .. } => {
                return Err(c.unsupported(
                    &strs(&at("Adba".into())),
                    "Active-Directory-based activation (Adba)",
                ));
            }
            Activation::Ksc { .. } => {
                return Err(c.unsupported(
                    &strs(&at("Ksc".into())),
                    "Kaspersky Security Center activation (Ksc)",
                ));
            }
        };
        let arrival = match f.arrival {
            Arrival::AllAtStart => ArrivalModel::AllAtStart,
            Arrival::Ramp { start, over } => ArrivalModel::Ramp {
                start: c.not_negative(&strs(&at("Ramp".into())), "Ramp start", start)?,
                over: c.positive(&strs(&at("Ramp".into())), "Ramp over", over)?,
            },
            Arrival::At(t) => {
                ArrivalModel::At(c.not_negative(&strs(&at("At(".into())), "At", t)?)
            }
        };
        let online = match &f.online {
            Online::Always => OnlineModel::Always,
            Online::Daily { hours } => {
                if !(1..=24).contains(hours) {
                    return Err(c.error(
                        &strs(&at("Daily".into())),
                        format!("Daily hours {hours} is outside 1-24"),
                    ));
                }
                OnlineModel::Daily { hours: *hours }
            }
            Online::Windows(windows) => {
                let a = at("Windows".into());
                let mut model: Vec<(Secs, Secs)> = Vec::new();
                for (from, to) in windows {
                    let from_s = c.not_negative(&strs(&a), "window start", *from)?;
                    let to_s = c.positive(&strs(&a), "window end", *to)?;
                    if to_s <= from_s {
                        return Err(c.error(
                            &strs(&a),
                            format!("online window (\"{from}\", \"{to}\") ends before it starts"),
                        ));
                    }
                    if model.last().is_some_and(|&(_, end)| from_s < end) {
                        return Err(c.error(
                            &strs(&a),
                            format!("online window (\"{from}\", \"{to}\") overlaps or precedes the one before"),
                        ));
                    }
                    model.push((from_s, to_s));
                }
                // A window that reaches the end of the run stays open through the final
                // sample: ("220d", "365d") in a 365-day run means "online until the end".
                for w in model.iter_mut().filter(|w| w.1 >= duration) {
                    w.1 = Secs::MAX;
                }
                OnlineModel::Windows(model)
            }
            Online::Random { mean_on, mean_off } => {
                let a = at("Random".into());
                OnlineModel::Random {
                    mean_on: c.positive(&strs(&a), "mean_on", *mean_on)?,
                    mean_off: c.positive(&strs(&a), "mean_off", *mean_off)?,
                }
            }
        };
        let mut dns_suffixes = Vec::new();
        for d in &f.dns_suffixes {
            let id = domain(&strs(&at(format!("\"{d}\""))), &Some(d.clone()))?
                .expect("a named domain resolves to Some");
            dns_suffixes.push(id);
        }
        let initial = match f.initial {
            Initial::Fresh => InitialModel::Fresh,
            Initial::Activated { age_up_to } => {
                let age = c.not_negative(&strs(&at("age_up_to".into())), "age_up_to", age_up_to)?;
                if age >= base_policy.validity {
                    return Err(c.error(
                        &strs(&at("age_up_to".into())),
                        format!(
                            "age_up_to \"{age_up_to}\" reaches past the validity period \
                             ({}): such machines would not be licensed",
                            Duration(base_policy.validity as i64)
                        ),
                    ));
                }
                InitialModel::Activated { age_up_to: age }
            }
        };
        not_internet(&c, site_id, &strs(&at(format!("\"{}\"", f.site))))?;
        fleets.push(FleetModel {
            name: f.name.clone(),
            site: site_id,
            domain: domain_id,
            count: f.count,
            product,
            discovery,
            arrival,
            image: f.image,
            initial,
            honour_priority: f.honour_priority,
            host_caching: f.host_caching,
            clock_skew: f.clock_skew.secs(),
            online,
            dns_suffixes,
        });
    }
    let fleet = |anchors: &[&str], name: &str| -> Result<FleetId> {
        index_of(&fleets, name, |f| f.name.as_str())
            .ok_or_else(|| c.error(anchors, format!("unknown fleet \"{name}\"")))
    };

    for h in &hosts {
        not_internet(&c, h.site, &["kms_hosts", &format!("\"{}\"", h.name)])?;
    }
    for d in &domains {
        not_internet(&c, d.dns_site, &["domains", &format!("\"{}\"", d.name)])?;
    }

    let mut timeline = Vec::new();
    for (i, e) in s.timeline.iter().enumerate() {
        let at = c.locator.find_item("timeline", "Event(", i);
        let here = |message: String| Error::Scenario {
            file: file.to_owned(),
            line: at.line,
            column: at.column,
            message,
        };
        let when = e.at.secs();
        if when < 0 || when as Secs > duration {
            return Err(here(format!(
                "event time \"{}\" lies outside the run (0s to \"{}\")",
                e.at, s.duration
            )));
        }
        let named = |kind: &str, name: &str| -> Result<u16> {
            match kind {
                "host" => index_of(&hosts, name, |h| h.name.as_str()),
                _ => index_of(&fleets, name, |f| f.name.as_str()),
            }
            .ok_or_else(|| here(format!("unknown {kind} \"{name}\"")))
        };
        let count = |n: u64| -> Result<u64> {
            if n == 0 {
                return Err(here("count must be at least 1".into()));
            }
            Ok(n)
        };
        let port_of = |here: &dyn Fn(String) -> Error, port: schema::Port| -> Result<PortModel> {
            let (schema::Port::Tcp(p) | schema::Port::Udp(p)) = port;
            let p16 = u16::try_from(p).ok().filter(|&p| p >= 1);
            let p16 = p16.ok_or_else(|| here(format!("port {p} is outside 1-65535")))?;
            Ok(match port {
                schema::Port::Tcp(_) => PortModel::Tcp(p16),
                schema::Port::Udp(_) => PortModel::Udp(p16),
            })
        };
        use schema::Action as A;
        let action = match &e.action {
            A::HostDown(h) => ActionModel::HostDown(named("host", h)?),
            A::HostUp(h) => ActionModel::HostUp(named("host", h)?),
            A::HostRestart(h) => ActionModel::HostRestart(named("host", h)?),
            A::HostReinstall(h) => ActionModel::HostReinstall(named("host", h)?),
            A::Rearm { fleet } => ActionModel::Rearm {
                fleet: named("fleet", fleet)?,
            },
            A::Reimage { fleet, count: n } => ActionModel::Reimage {
                fleet: named("fleet", fleet)?,
                count: count(*n)?,
            },
            A::HardwareChange { fleet, count: n } => ActionModel::HardwareChange {
                fleet: named("fleet", fleet)?,
                count: count(*n)?,
            },
            A::SetPolicy(p) => {
                let change = resolve_policy(&c, &["timeline"], p).map_err(|e| match e {
                    Error::Scenario { message, .. } => here(message),
                    other => other,
                })?;
                ActionModel::SetPolicy(change)
            }
            A::AddMachines { fleet, count: n } => {
                machines = machines.saturating_add(*n);
                ActionModel::AddMachines {
                    fleet: named("fleet", fleet)?,
                    count: count(*n)?,
                }
            }
            A::RetireMachines { fleet, count: n } => ActionModel::RetireMachines {
                fleet: named("fleet", fleet)?,
                count: count(*n)?,
            },
            A::Block { between, port } => ActionModel::Block {
                link: link_between(&here, between)?,
                port: port_of(&here, *port)?,
            },
            A::Allow { between, port } => ActionModel::Allow {
                link: link_between(&here, between)?,
                port: port_of(&here, *port)?,
            },
            A::LinkDown { between } => ActionModel::LinkDown(link_between(&here, between)?),
            A::LinkUp { between } => ActionModel::LinkUp(link_between(&here, between)?),
            A::PublishOff(h) => ActionModel::PublishOff(named("host", h)?),
            A::RemoveSrv { domain: d, target } => ActionModel::RemoveSrv {
                domain: index_of(&domains, d, |x| x.name.as_str())
                    .ok_or_else(|| here(format!("unknown domain \"{d}\"")))?,
                target: match index_of(&hosts, target, |h| h.name.as_str()) {
                    Some(h) => SrvTarget::Host(h),
                    None => SrvTarget::Unknown(target.clone()),
                },
            },
            A::RemoveLicenseKey { .. } => {
                return Err(here(unsupported_text(
                    "Kaspersky key removal (RemoveLicenseKey)",
                )));
            }
        };
        timeline.push(TimedAction {
            at: when as Secs,
            action,
        });
    }
    if machines > MAX_MACHINES {
        return Err(c.error(
            &["fleets"],
            format!(
                "the scenario holds {machines} machines in all (fleets plus AddMachines), \
                 over the limit of {MAX_MACHINES}"
            ),
        ));
    }

    let mut expect = Vec::new();
    for (i, e) in s.expect.iter().enumerate() {
        let anchors_for = |name: &str| vec!["expect".to_owned(), format!("\"{name}\"")];
        let when = |name: &str, from: Option<Duration>, at: Option<Duration>| -> Result<When> {
            let owned = anchors_for(name);
            let a = strs(&owned);
            match (from, at) {
                (Some(f), None) => Ok(When::From(c.not_negative(&a, "from", f)?)),
                (None, Some(t)) => {
                    let t = c.not_negative(&a, "at", t)?;
                    if t > duration {
                        return Err(c.error(
                            &a,
                            format!("expectation {} looks past the end of the run", i + 1),
                        ));
                    }
                    Ok(When::At(t))
                }
                _ => Err(c.error(&a, "give exactly one of `from` or `at`")),
            }
        };
        let fleet_state = |name: &str, state: StateName| -> Result<()> {
            let ksc = matches!(
                state,
                StateName::NoKey
                    | StateName::Active
                    | StateName::ActiveWithReserve
                    | StateName::Expired
            );
            if ksc {
                return Err(c.error(
                    &strs(&anchors_for(name)),
                    format!("state {state:?} belongs to Kaspersky fleets; fleet \"{name}\" is a Windows fleet"),
                ));
            }
            Ok(())
        };
        let kind = match e {
            schema::Expect::LicensedShare {
                fleet: f,
                at_least,
                from,
                at,
            } => {
                let owned = anchors_for(f);
                let a = strs(&owned);
                if !(0.0..=1.0).contains(at_least) {
                    return Err(c.error(
                        &a,
                        format!("at_least {at_least} is not a share between 0 and 1"),
                    ));
                }
                ExpectKind::LicensedShare {
                    fleet: fleet(&a, f)?,
                    at_least: *at_least,
                    when: when(f, *from, *at)?,
                }
            }
            schema::Expect::NoneIn { fleet: f, state } => {
                let id = fleet(&strs(&anchors_for(f)), f)?;
                fleet_state(f, *state)?;
                ExpectKind::NoneIn {
                    fleet: id,
                    state: *state,
                }
            }
            schema::Expect::ThresholdReached { host: h, pool, by } => {
                ExpectKind::ThresholdReached {
                    host: host(&strs(&anchors_for(h)), h)?,
                    pool: *pool,
                    by: c.not_negative(&strs(&anchors_for(h)), "by", *by)?,
                }
            }
            schema::Expect::AtMost {
                fleet: f,
                state,
                count,
                from,
                at,
            } => {
                let id = fleet(&strs(&anchors_for(f)), f)?;
                fleet_state(f, *state)?;
                ExpectKind::AtMost {
                    fleet: id,
                    state: *state,
                    count: *count,
                    when: when(f, *from, *at)?,
                }
            }
        };
        expect.push(ExpectModel {
            kind,
            text: describe_expect(e),
        });
    }

    Ok(Model {
        name: s.name,
        question: question(source),
        source: source.to_owned(),
        seed: s.seed,
        start,
        duration,
        sample_every,
        sites,
        links,
        domains,
        hosts,
        host_keys,
        manual_srv,
        products,
        fleets,
        policy: base_policy,
        timeline,
        expect,
    })
}

fn unsupported_text(feature: &str) -> String {
    format!("{feature} is not simulated yet in this version of actsim; remove it from the scenario")
}

/// Machines, hosts and DNS servers live on the organisation's own sites, never at the
/// built-in `internet`.
fn not_internet(c: &Checker, id: SiteId, anchors: &[&str]) -> Result<()> {
    if id == 0 {
        return Err(c.error(
            anchors,
            "only the vendor's services live at \"internet\"; place machines, hosts and DNS on a site of your own",
        ));
    }
    Ok(())
}

fn resolve_policy(c: &Checker, anchors: &[&str], p: &schema::Policy) -> Result<PolicyChange> {
    let positive = |field: &str, d: Option<Duration>| -> Result<Option<Secs>> {
        let mut a = anchors.to_vec();
        a.push(field);
        d.map(|d| c.positive(&a, field, d)).transpose()
    };
    let interval = |field: &str, d: Option<Duration>| -> Result<Option<Secs>> {
        let mut a = anchors.to_vec();
        a.push(field);
        d.map(|d| c.interval(&a, field, d)).transpose()
    };
    if p.adba_validity.is_some() {
        positive("adba_validity", p.adba_validity)?;
    }
    positive("ksc_sync_interval", p.ksc_sync_interval)?;
    positive("ksc_expiry_warning", p.ksc_expiry_warning)?;
    Ok(PolicyChange {
        activation_interval: interval("activation_interval", p.activation_interval)?,
        renewal_interval: interval("renewal_interval", p.renewal_interval)?,
        validity: positive("validity", p.validity)?,
        grace: positive("grace", p.grace)?,
        oot_grace: positive("oot_grace", p.oot_grace)?,
        cmid_retention: positive("cmid_retention", p.cmid_retention)?,
        restart_clears_cmids: p.restart_clears_cmids,
    })
}

fn describe_when(from: &Option<Duration>, at: &Option<Duration>) -> String {
    match (from, at) {
        (Some(f), _) => format!(", from: \"{f}\""),
        (_, Some(a)) => format!(", at: \"{a}\""),
        _ => String::new(),
    }
}

/// The expectation in the scenario language, as it appears in reports.
fn describe_expect(e: &schema::Expect) -> String {
    match e {
        schema::Expect::LicensedShare {
            fleet,
            at_least,
            from,
            at,
        } => format!(
            "LicensedShare(fleet: \"{fleet}\", at_least: {at_least}{})",
            describe_when(from, at)
        ),
        schema::Expect::NoneIn { fleet, state } => {
            format!("NoneIn(fleet: \"{fleet}\", state: {state:?})")
        }
        schema::Expect::ThresholdReached { host, pool, by } => {
            format!("ThresholdReached(host: \"{host}\", pool: {pool:?}, by: \"{by}\")")
        }
        schema::Expect::AtMost {
            fleet,
            state,
            count,
            from,
            at,
        } => format!(
            "AtMost(fleet: \"{fleet}\", state: {state:?}, count: {count}{})",
            describe_when(from, at)
        ),
    }
}

/// Borrow a list of owned anchor strings as the `&[&str]` the locator wants.
fn strs<S: AsRef<str>>(v: &[S]) -> Vec<&str> {
    v.iter().map(AsRef::as_ref).collect()
}
