//! One KMS activation attempt (scenario-format.md, "A KMS attempt is one exchange"):
//! discovery → connect → register CMID → count → activate if count ≥ threshold.

use super::{MachineId, NO_HOST, World};
use crate::code::Code;
use crate::engine::SimTime;
use crate::kms::discovery::{self, SrvRecord, Target};
use crate::kms::host::Reply;
use crate::scenario::model::{DiscoveryModel, DomainId, HostId};

/// What one host did with one request.
enum Answer {
    /// Down or unreachable: the client moves on (DNS-6).
    Unreachable,
    /// It answered but refused; the client moves on to the next record.
    Refused(Code),
    /// It answered with a count: the attempt ends here, whatever the count (DNS-7).
    Count(u32),
}

impl World<'_> {
    pub(super) fn attempt(&mut self, m: MachineId, now: SimTime) {
        let traced = self.traced(m);
        let failure = self.exchange(m, now);
        let timers = self.timers(m);
        let after = self.machines.hot[m as usize]
            .licence
            .after_attempt(now, failure, &timers);
        if traced && let Some(t) = self.trace.as_mut() {
            let what = super::trace::Happening::Attempt {
                discovery: std::mem::take(&mut t.discovery),
                tried: std::mem::take(&mut t.tried),
                count: t.count.take(),
                outcome: after.outcome,
                next: after.next_attempt,
            };
            self.record(now, what);
        }
        self.obs.outcome(after.outcome);
        self.set_licence(m, after.licence, now);
        self.schedule_attempt(m, after.next_attempt);
    }

    /// Finds a host and asks it. Returns None if a host replied with a count that meets the
    /// threshold (KMS-CLI-8), else the failure code: 0xC004F038 if the count was too low,
    /// the most specific refusal if hosts answered but refused (0xC004F042 first), otherwise
    /// 0xC004F074 (no record, DNS unreachable, every host unreachable).
    fn exchange(&mut self, m: MachineId, now: SimTime) -> Option<Code> {
        let model = self.model;
        let fleet = &model.fleets[usize::from(self.machines.hot[m as usize].fleet)];
        let threshold = model.products[usize::from(fleet.product)].threshold;
        let verdict = |count: u32| (count < threshold).then_some(Code::CountTooLow);
        let mut refusal: Option<Code> = None;
        let mut note = |code: Code| {
            if refusal.is_none_or(|r| code.refusal_rank() > r.refusal_rank()) {
                refusal = Some(code);
            }
        };
        // DNS-8: a host set by hand is the only one the client asks. DNS-7: otherwise the
        // cached host is asked first; if it does not answer, the client goes back to DNS
        // within the same attempt.
        let first = match fleet.discovery {
            DiscoveryModel::Static(h) => Some(h),
            DiscoveryModel::Dns if fleet.host_caching => {
                Some(self.machines.hot[m as usize].last_host).filter(|&h| h != NO_HOST)
            }
            DiscoveryModel::Dns => None,
        };
        if let Some(h) = first {
            self.note_discovery(m, || {
                let how = if fleet.discovery == DiscoveryModel::Dns {
                    "cached"
                } else {
                    "set by hand"
                };
                format!("{how}: {}", model.hosts[usize::from(h)].name)
            });
            match self.ask(m, h, model.hosts[usize::from(h)].port, now) {
                Answer::Count(c) => return verdict(c),
                Answer::Refused(code) => note(code),
                Answer::Unreachable => {}
            }
        }
        let domain = if fleet.discovery == DiscoveryModel::Dns {
            let found = self.lookup(m, now);
            self.note_discovery(m, || match found {
                Some(d) => format!("DNS {}", model.domains[usize::from(d)].name),
                None => "DNS: no record (or DNS unreachable)".to_owned(),
            });
            found
        } else {
            None
        };
        if let Some(domain) = domain {
            let cached = first.unwrap_or(NO_HOST);
            let mut untried = std::mem::take(&mut self.untried);
            untried.clear();
            let records = self.zones.records(domain);
            untried.extend((0..records.len() as u16).filter(|&i| {
                records[usize::from(i)].target != Target::Host(cached)
                    && self.zones.visible(domain, usize::from(i), now)
            }));
            let mut result = None;
            while let Some(record) =
                self.pick_record(m, domain, fleet.honour_priority, &mut untried)
            {
                let h = match record.target {
                    Target::Host(h) => h,
                    Target::Stale(s) => {
                        // DNS-4: nothing answers at a stale record's name; try the next one.
                        self.obs.stale_record(domain);
                        self.note_tried(
                            m,
                            || format!("{:?}", model.manual_srv[usize::from(s)].target),
                            || "stale record: nothing answers".to_owned(),
                        );
                        continue;
                    }
                };
                match self.ask(m, h, record.port, now) {
                    Answer::Count(c) => {
                        result = Some(verdict(c));
                        break;
                    }
                    Answer::Refused(code) => note(code),
                    Answer::Unreachable => {}
                }
            }
            self.untried = untried;
            if let Some(verdict) = result {
                return verdict;
            }
        }
        Some(refusal.unwrap_or(Code::NoHost))
    }

    /// DNS-2: the domain whose `_vlmcs._tcp` records machine `m` gets: its own domain, then
    /// the domains of its suffix search list, the first that answers with records. NET-1: a
    /// domain's DNS server must be reachable on UDP 53.
    pub(super) fn lookup(&self, m: MachineId, now: SimTime) -> Option<DomainId> {
        let fleet = &self.model.fleets[usize::from(self.machines.hot[m as usize].fleet)];
        fleet
            .domain
            .into_iter()
            .chain(fleet.dns_suffixes.iter().copied())
            .find(|&d| {
                let dns_site = self.model.domains[usize::from(d)].dns_site;
                self.topology.reaches(fleet.site, dns_site, self.dns_port)
                    && self.zones.any_visible(d, now)
            })
    }

    /// Sends machine `m`'s request to host `h` on `port`. NET-1, KMS-HOST-6: the host must be
    /// up, listening on that port, and reachable from the machine's site on it.
    fn ask(&mut self, m: MachineId, h: HostId, port: u16, now: SimTime) -> Answer {
        let model = self.model;
        let fleet = &model.fleets[usize::from(self.machines.hot[m as usize].fleet)];
        let product = &model.products[usize::from(fleet.product)];
        let host_model = &model.hosts[usize::from(h)];
        let reachable = port == host_model.port
            && self
                .topology
                .reaches(fleet.site, host_model.site, self.host_port[usize::from(h)]);
        let name = || host_model.name.clone();
        if !self.hosts[usize::from(h)].up || !reachable {
            self.obs.host_failure(h, product.pool);
            let why = if self.hosts[usize::from(h)].up {
                "no path on its port"
            } else {
                "down"
            };
            self.note_tried(m, name, || format!("unreachable ({why})"));
            return Answer::Unreachable;
        }
        let host = &mut self.hosts[usize::from(h)];
        let reply = host.request(
            self.machines.hot[m as usize].cmid,
            product.group,
            product.pool,
            product.threshold,
            now as i64,
            fleet.clock_skew,
            self.policy.cmid_retention,
        );
        self.obs.host_request(h, product.pool, now);
        match reply {
            Reply::Count(count) => {
                self.obs
                    .host_count(h, product.pool, count, count >= product.threshold, now);
                self.machines.hot[m as usize].last_host = h;
                self.note_tried(m, name, || format!("count {count}"));
                if self.traced(m)
                    && let Some(t) = self.trace.as_mut()
                {
                    t.last_count = Some(count);
                    t.count = Some(count);
                }
                Answer::Count(count)
            }
            Reply::Refused(code) => {
                self.note_tried(m, name, || format!("refused {}", code.as_str()));
                Answer::Refused(code)
            }
        }
    }

    /// The host that discovery would pick for machine `m` now without contacting anyone: the
    /// static host, or the first record (RFC 2782 order) whose host is up, activated and
    /// covers the product. Used to place the CMIDs of machines that start activated.
    pub(super) fn pick_host_at_start(&mut self, m: MachineId) -> Option<HostId> {
        let model = self.model;
        let fleet = &model.fleets[usize::from(self.machines.hot[m as usize].fleet)];
        let group = model.products[usize::from(fleet.product)].group;
        let serves = |world: &Self, h: HostId, port: u16| {
            let host = &world.hosts[usize::from(h)];
            let host_model = &model.hosts[usize::from(h)];
            host.up
                && host.activated
                && host.serves_group(group)
                && port == host_model.port
                && world.topology.reaches(
                    fleet.site,
                    host_model.site,
                    world.host_port[usize::from(h)],
                )
        };
        match fleet.discovery {
            DiscoveryModel::Static(h) => {
                serves(self, h, model.hosts[usize::from(h)].port).then_some(h)
            }
            DiscoveryModel::Dns => {
                let domain = self.lookup(m, 0)?;
                let mut untried = std::mem::take(&mut self.untried);
                untried.clear();
                untried.extend(
                    (0..self.zones.records(domain).len() as u16)
                        .filter(|&i| self.zones.visible(domain, usize::from(i), 0)),
                );
                let mut found = None;
                while let Some(record) =
                    self.pick_record(m, domain, fleet.honour_priority, &mut untried)
                {
                    if let Target::Host(h) = record.target
                        && serves(self, h, record.port)
                    {
                        found = Some(h);
                        break;
                    }
                }
                self.untried = untried;
                found
            }
        }
    }

    /// The next SRV record machine `m` picks among `untried` (DNS-5, DNS-6), drawing from the
    /// machine's own random stream.
    fn pick_record(
        &mut self,
        m: MachineId,
        domain: DomainId,
        honour_priority: bool,
        untried: &mut Vec<u16>,
    ) -> Option<SrvRecord> {
        let stream = self.machines.stream(m);
        let (machines, streams) = (&mut self.machines, &mut self.streams);
        discovery::pick(self.zones.records(domain), untried, honour_priority, |n| {
            streams.below(stream, machines.next_draw(m), n)
        })
    }
}
