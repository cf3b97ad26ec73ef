//! A machine's status at one instant, as `slmgr /dlv` shows it (`actsim trace --at`).

use super::World;
use crate::methods::kms::Cmid;
use crate::methods::licence::LicenceState;
use crate::model::{Discovery, HostId, MachineId, Method, SrvTarget};
use crate::net::dns::Target;
use crate::probe::Probe;
use crate::time::{NEVER, SimTime};

/// What `slmgr /dlv` shows of a machine at an instant.
#[derive(Debug, Clone, PartialEq)]
pub struct Status {
    pub at: SimTime,
    pub present: bool,
    pub state: LicenceState,
    /// End of the current grace, validity or out-of-tolerance period (None in notification).
    pub deadline: Option<SimTime>,
    /// The KMS host named by hand, or the one DNS discovery would offer first now.
    pub kms_name: Option<String>,
    pub static_host: bool,
    pub cached_host: Option<String>,
    pub activation_interval: SimTime,
    pub renewal_interval: SimTime,
    pub cmid: Cmid,
    pub next_attempt: Option<SimTime>,
}

impl<P: Probe> World<'_, P> {
    /// The status of machine `m` now.
    pub(super) fn status(&mut self, m: MachineId, now: SimTime) -> Status {
        let model = self.model;
        let fleet = &model.fleets[self.machines[m].fleet];
        let host_name = |h: HostId| model.kms.hosts[h].name.clone();
        let Method::Kms(kms) = fleet.method;
        let (kms_name, static_host) = match kms.discovery {
            Discovery::Static(h) => (Some(host_name(h)), true),
            Discovery::Dns => {
                let (methods, env) = self.split();
                let zones = &methods.kms.zones;
                let name = methods.kms.lookup(&env, m, now).and_then(|d| {
                    let records = zones.records(d);
                    (0..records.len())
                        .filter(|&r| zones.visible(d, r, now))
                        .min_by_key(|&r| {
                            (records[r].priority, std::cmp::Reverse(records[r].weight))
                        })
                        .map(|r| match records[r].target {
                            Target::Host(h) => host_name(h),
                            Target::Stale(s) => match &model.kms.manual_srv[s].target {
                                SrvTarget::Unknown(n) => n.clone(),
                                SrvTarget::Host(h) => host_name(*h),
                            },
                        })
                });
                (name, false)
            }
        };
        let timers = self.timers(m);
        let machine = &self.machines[m];
        let licence = machine.licence;
        let last = machine.last_host;
        let next = machine.next_attempt;
        Status {
            at: now,
            present: machine.is_present(),
            state: licence.state,
            deadline: (licence.deadline != NEVER).then_some(licence.deadline),
            kms_name,
            static_host,
            cached_host: (last != HostId::NONE && fleet.host_caching).then(|| host_name(last)),
            activation_interval: timers.activation_interval,
            renewal_interval: timers.renewal_interval,
            cmid: machine.cmid,
            next_attempt: (next != NEVER && next >= now).then_some(next),
        }
    }
}
