//! Timeline actions: what the admin (or fate) does to hosts, machines and policy.

use super::machines::Presence;
use super::{MachineId, World};
use crate::code::Code;
use crate::engine::SimTime;
use crate::kms::client::{self, Licence};
use crate::scenario::model::{ActionModel, FleetId, InitialModel};

impl World<'_> {
    pub(super) fn apply(&mut self, action: &ActionModel, now: SimTime) {
        match *action {
            ActionModel::HostDown(h) => self.hosts[usize::from(h)].up = false,
            ActionModel::HostUp(h) => {
                self.hosts[usize::from(h)].up = true;
                // The service registers its SRV record as it starts (KMS-HOST-8).
                self.register(h, now);
            }
            // KMS-COUNT-6
            ActionModel::HostRestart(h) => {
                self.hosts[usize::from(h)].restart(self.policy.restart_clears_cmids);
                self.register(h, now);
            }
            // KMS-HOST-4
            ActionModel::HostReinstall(h) => {
                self.hosts[usize::from(h)].reinstall();
                self.register(h, now);
            }
            ActionModel::SetPolicy(change) => self.policy.apply(&change),
            ActionModel::Block { link, port } => self.topology.set_port(link, port, false),
            ActionModel::Allow { link, port } => self.topology.set_port(link, port, true),
            ActionModel::LinkDown(link) => self.topology.set_link_up(link, false),
            ActionModel::LinkUp(link) => self.topology.set_link_up(link, true),
            ActionModel::PublishOff(h) => self.publishing[usize::from(h)] = false,
            ActionModel::RemoveSrv { domain, ref target } => {
                self.zones.remove(self.model, domain, target, now)
            }
            ActionModel::Rearm { fleet } => {
                for m in self.present(fleet, u64::MAX) {
                    // KMS-CLI-7: new grace and a new CMID; with no rearm left nothing changes.
                    let left = self.machines.hot[m as usize].rearms_left;
                    if let Some((licence, left)) = client::rearm(left, now, self.grace(m)) {
                        self.machines.hot[m as usize].rearms_left = left;
                        self.machines.new_cmid(m);
                        self.set_licence(m, licence, now);
                        self.schedule_attempt(m, now);
                    }
                }
            }
            ActionModel::Reimage { fleet, count } => {
                for m in self.present(fleet, count) {
                    self.machines.reinstall_image(m);
                    self.set_licence(m, Licence::fresh(now, self.grace(m)), now);
                    self.schedule_attempt(m, now);
                }
            }
            ActionModel::HardwareChange { fleet, count } => {
                for m in self.present(fleet, count) {
                    // KMS-CLI-9: out of tolerance until it reactivates, which it tries at once.
                    let (licence, lost) = self.machines.hot[m as usize]
                        .licence
                        .hardware_change(now, &self.timers(m));
                    if lost {
                        self.obs.outcome(Code::HardwareChange);
                        self.set_licence(m, licence, now);
                        self.schedule_attempt(m, now);
                    }
                }
            }
            ActionModel::AddMachines { fleet, count } => {
                for _ in 0..count {
                    let m = self.add_machine(fleet);
                    self.obs.added_arrival(fleet, now);
                    self.arrive(m, now, InitialModel::Fresh);
                }
            }
            ActionModel::RetireMachines { fleet, count } => {
                for m in self.present(fleet, count) {
                    self.machines.hot[m as usize].presence = Presence::Retired;
                    if self.traced(m) {
                        self.record(now, super::trace::Happening::Retired);
                    }
                    self.count_presence(m, false);
                    let state = self.machines.hot[m as usize].licence.state;
                    self.obs.transition(fleet, Some(state), None, now);
                }
            }
        }
    }

    /// Up to `count` present machines of `fleet`, lowest indices first
    /// (scenario-format.md: timeline actions act on the lowest indices first).
    fn present(&self, fleet: FleetId, count: u64) -> Vec<MachineId> {
        self.machines.members[usize::from(fleet)]
            .iter()
            .copied()
            .filter(|&m| self.machines.hot[m as usize].presence == Presence::Present)
            .take(usize::try_from(count).unwrap_or(usize::MAX))
            .collect()
    }
}
