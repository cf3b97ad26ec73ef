//! One KMS activation attempt (a KMS attempt is one exchange): discovery → connect →
//! register CMID → count → activate if count ≥ threshold.

#![allow(clippy::indexing_slicing)] // indices are ids of machines, hosts, keys and slots that the model and the world create, in range by construction (a bad one is a bug the tests must catch, not an input error)

use super::host::Asking;
use super::{Kms, discovery};
use crate::code::Code;
use crate::methods::Env;
use crate::methods::licence::Timers;
use crate::methods::machines::Machines;
use crate::model::{Discovery, DomainId, HostId, KmsFleet, MachineId, Model, PolicyModel};
use crate::net::dns::{SrvRecord, Target};
use crate::probe::{KmsAnswer, KmsRequest, Probe};
use crate::time::SimTime;

/// What one host did with one request.
enum Answer {
    /// Down or unreachable: the client moves on (DNS-6).
    Unreachable,
    /// It answered but refused; the client moves on to the next record.
    Refused(Code),
    /// It answered with a count: the attempt ends here, whatever the count (DNS-7).
    Count(u32),
}

impl Kms {
    /// Finds a host and asks it. Returns None if a host replied with a count that meets the
    /// threshold (KMS-CLI-8), else the failure code: 0xC004F038 if the count was too low,
    /// the most specific refusal if hosts answered but refused (0xC004F042 first), otherwise
    /// 0xC004F074 (no record, DNS unreachable, every host unreachable).
    pub(crate) fn exchange<P: Probe>(
        &mut self,
        env: &mut Env<'_, P>,
        m: MachineId,
        kms: KmsFleet,
        now: SimTime,
    ) -> Option<Code> {
        let model = env.model;
        let fleet = &model.fleets[env.machines[m].fleet];
        let threshold = model.products[fleet.product].threshold;
        let verdict =
            |count: u32| (!super::activates(count, threshold)).then_some(Code::CountTooLow);
        let mut refusal: Option<Code> = None;
        let mut note = |code: Code| {
            if refusal.is_none_or(|r| code.refusal_rank() > r.refusal_rank()) {
                refusal = Some(code);
            }
        };
        let words = env.probe.wants_words(m);
        // DNS-8: a host set by hand is the only one the client asks. DNS-7: otherwise the
        // cached host is asked first; if it does not answer, the client goes back to DNS
        // within the same attempt.
        let first = match kms.discovery {
            Discovery::Static(h) => Some(h),
            Discovery::Dns if fleet.host_caching => {
                Some(env.machines[m].last_host).filter(|&h| h != HostId::NONE)
            }
            Discovery::Dns => None,
        };
        if let Some(h) = first {
            if words {
                let how = match kms.discovery {
                    Discovery::Dns => "cached",
                    Discovery::Static(_) => "set by hand",
                };
                let name = &model.kms.hosts[h].name;
                env.probe.discovery(m, format!("{how}: {name}"));
            }
            match self.ask(env, m, h, model.kms.hosts[h].port, now) {
                Answer::Count(c) => return verdict(c),
                Answer::Refused(code) => note(code),
                Answer::Unreachable => {}
            }
        }
        let domain = match kms.discovery {
            Discovery::Dns => {
                let found = self.lookup(env, m, now);
                if words {
                    let how = match found {
                        Some(d) => format!("DNS {}", model.domains[d].name),
                        None => "DNS: no record (or DNS unreachable)".to_owned(),
                    };
                    env.probe.discovery(m, how);
                }
                found
            }
            Discovery::Static(_) => None,
        };
        if let Some(domain) = domain {
            let cached = first.unwrap_or(HostId::NONE);
            let mut untried = std::mem::take(&mut self.untried);
            untried.clear();
            let records = self.zones.records(domain);
            untried.extend((0..records.len() as u16).filter(|&i| {
                records[usize::from(i)].target != Target::Host(cached)
                    && self.zones.visible(domain, usize::from(i), now)
            }));
            let mut result = None;
            while let Some(record) =
                self.pick_record(env, m, domain, fleet.honour_priority, &mut untried)
            {
                let h = match record.target {
                    Target::Host(h) => h,
                    Target::Stale(s) => {
                        // DNS-4: nothing answers at a stale record's name; try the next one.
                        env.probe.stale_record(domain);
                        if words {
                            let target = format!("{:?}", model.kms.manual_srv[s].target);
                            env.probe
                                .tried(m, target, "stale record: nothing answers".to_owned());
                        }
                        continue;
                    }
                };
                match self.ask(env, m, h, record.port, now) {
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
        if refusal.is_none() {
            env.probe.kms_request(&KmsRequest {
                m,
                host: HostId::NONE,
                product: fleet.product,
                cmid: env.machines[m].cmid,
                state: env.machines[m].licence.state.index(),
                deadline: env.machines[m].licence.deadline,
                answer: KmsAnswer::NoHost,
                now,
            });
        }
        Some(refusal.unwrap_or(Code::NoHost))
    }

    /// DNS-2: the domain whose `_vlmcs._tcp` records machine `m` gets: its own domain, then
    /// the domains of its suffix search list, the first that answers with records. NET-1: a
    /// domain's DNS server must be reachable on UDP 53.
    pub(crate) fn lookup<P>(
        &self,
        env: &Env<'_, P>,
        m: MachineId,
        now: SimTime,
    ) -> Option<DomainId> {
        let fleet = &env.model.fleets[env.machines[m].fleet];
        fleet
            .domain
            .into_iter()
            .chain(fleet.dns_suffixes.iter().copied())
            .find(|&d| {
                let dns_site = env.model.domains[d].dns_site;
                env.topology.reaches(fleet.site, dns_site, self.dns_port)
                    && self.zones.any_visible(d, now)
            })
    }

    /// Sends machine `m`'s request to host `h` on `port`. NET-1, KMS-HOST-6: the host must be
    /// up, listening on that port, and reachable from the machine's site on it.
    fn ask<P: Probe>(
        &mut self,
        env: &mut Env<'_, P>,
        m: MachineId,
        h: HostId,
        port: u16,
        now: SimTime,
    ) -> Answer {
        let model = env.model;
        let fleet = &model.fleets[env.machines[m].fleet];
        let product = &model.products[fleet.product];
        let host_model = &model.kms.hosts[h];
        let words = env.probe.wants_words(m);
        let reachable = port == host_model.port
            && env
                .topology
                .reaches(fleet.site, host_model.site, self.host_port[h]);
        if !self.hosts[h].up || !reachable {
            env.probe.host_failure(h, product.pool);
            if words {
                let why = if self.hosts[h].up {
                    "no path on its port"
                } else if self.hosts[h].present {
                    "down"
                } else {
                    "no such host: not built or decommissioned"
                };
                env.probe
                    .tried(m, host_model.name.clone(), format!("unreachable ({why})"));
            }
            return Answer::Unreachable;
        }
        let reply = self.hosts[h].request(
            env.machines[m].cmid,
            Asking::of(product),
            now as i64,
            fleet.clock_skew,
            env.policy.cmid_retention,
        );
        env.probe.host_request(h, product.pool, now);
        env.probe.kms_request(&KmsRequest {
            m,
            host: h,
            product: fleet.product,
            cmid: env.machines[m].cmid,
            state: env.machines[m].licence.state.index(),
            deadline: env.machines[m].licence.deadline,
            answer: match reply {
                super::Reply::Count(c) => KmsAnswer::Count(c),
                super::Reply::Refused(code) => KmsAnswer::Refused(code),
            },
            now,
        });
        match reply {
            super::Reply::Count(count) => {
                let activating = super::activates(count, product.threshold);
                env.probe
                    .host_count(m, h, fleet.product, count, activating, now);
                env.machines[m].last_host = h;
                if words {
                    env.probe
                        .tried(m, host_model.name.clone(), format!("count {count}"));
                }
                Answer::Count(count)
            }
            super::Reply::Refused(code) => {
                if words {
                    let result = format!("refused {}", code.as_str());
                    env.probe.tried(m, host_model.name.clone(), result);
                }
                Answer::Refused(code)
            }
        }
    }

    /// `Activated(age_up_to)` at t = 0: if the last renewal (at `renewed_at`) lies within the
    /// CMID retention window, the machine's CMID is already in the table of the host that
    /// discovery picks now, which is also its cached host.
    pub(crate) fn place_at_start<P>(
        &mut self,
        env: &mut Env<'_, P>,
        m: MachineId,
        kms: KmsFleet,
        renewed_at: i64,
    ) {
        let Some(h) = self.pick_host_at_start(env, m, kms) else {
            return;
        };
        let model = env.model;
        let product = &model.products[model.fleets[env.machines[m].fleet].product];
        let table = self.hosts[h].pool_mut(product.pool);
        table.note_threshold(product.threshold);
        table.register(env.machines[m].cmid, renewed_at);
        env.machines[m].last_host = h;
    }

    /// The host that discovery would pick for machine `m` now without contacting anyone: the
    /// static host, or the first record (RFC 2782 order) whose host is up, activated and
    /// covers the product.
    fn pick_host_at_start<P>(
        &mut self,
        env: &mut Env<'_, P>,
        m: MachineId,
        kms: KmsFleet,
    ) -> Option<HostId> {
        let model = env.model;
        let fleet = &model.fleets[env.machines[m].fleet];
        let asking = Asking::of(&model.products[fleet.product]);
        let serves = |kms: &Self, env: &Env<'_, P>, h: HostId, port: u16| {
            let host = &kms.hosts[h];
            let host_model = &model.kms.hosts[h];
            host.up
                && host.activated
                && host.serves(asking)
                && port == host_model.port
                && env
                    .topology
                    .reaches(fleet.site, host_model.site, kms.host_port[h])
        };
        match kms.discovery {
            Discovery::Static(h) => serves(self, env, h, model.kms.hosts[h].port).then_some(h),
            Discovery::Dns => {
                let domain = self.lookup(env, m, 0)?;
                let mut untried = std::mem::take(&mut self.untried);
                untried.clear();
                untried.extend(
                    (0..self.zones.records(domain).len() as u16)
                        .filter(|&i| self.zones.visible(domain, usize::from(i), 0)),
                );
                let mut found = None;
                while let Some(record) =
                    self.pick_record(env, m, domain, fleet.honour_priority, &mut untried)
                {
                    if let Target::Host(h) = record.target
                        && serves(self, env, h, record.port)
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
    fn pick_record<P>(
        &self,
        env: &mut Env<'_, P>,
        m: MachineId,
        domain: DomainId,
        honour_priority: bool,
        untried: &mut Vec<u16>,
    ) -> Option<SrvRecord> {
        let stream = env.machines.stream(m);
        let (machines, streams) = (&mut *env.machines, &mut *env.streams);
        discovery::pick(self.zones.records(domain), untried, honour_priority, |n| {
            streams.below(stream, machines.next_draw(m), n)
        })
    }

    /// The timers machine `m` follows now: the policy's, overridden by the intervals its last
    /// host pushed in its reply (KMS-HOST-7).
    pub fn timers(
        model: &Model,
        policy: &PolicyModel,
        machines: &Machines,
        m: MachineId,
    ) -> Timers {
        let mut timers = Timers {
            activation_interval: policy.activation_interval,
            renewal_interval: policy.renewal_interval,
            validity: policy.validity,
            oot_grace: policy.oot_grace,
        };
        let h = machines[m].last_host;
        if h != HostId::NONE {
            let host = &model.kms.hosts[h];
            timers.activation_interval = host
                .activation_interval
                .unwrap_or(timers.activation_interval);
            timers.renewal_interval = host.renewal_interval.unwrap_or(timers.renewal_interval);
        }
        timers
    }
}
