//! Timeline actions: what the admin (or fate) does to the network, the machines, the policy
//! and the activation methods' servers.

#![allow(clippy::indexing_slicing)] // indices are ids of machines, fleets and hosts that the model and the world create, in range by construction

use super::World;
use crate::code::Code;
use crate::methods::Methods;
use crate::methods::licence::{self, Licence, LicenceState};
use crate::methods::machines::Presence;
use crate::model::{ActionModel, FleetAction, FleetId, KscAction, MachineId, NetAction};
use crate::probe::Probe;
use crate::time::SimTime;

impl<P: Probe> World<'_, P> {
    pub(super) fn apply(&mut self, action: &ActionModel, now: SimTime) {
        match action {
            ActionModel::Network(a) => {
                match *a {
                    NetAction::Block { link, port } => self.topology.set_port(link, port, false),
                    NetAction::Allow { link, port } => self.topology.set_port(link, port, true),
                    NetAction::LinkDown(link) => self.topology.set_link_up(link, false),
                    NetAction::LinkUp(link) => self.topology.set_link_up(link, true),
                }
                let (methods, mut env) = self.split();
                methods.ksc.network_changed(&mut env, now);
            }
            ActionModel::Ksc(KscAction::RemoveLicenseKey(key)) => self.methods.ksc.remove_key(*key),
            ActionModel::SetPolicy(change) => {
                let before = self.policy;
                self.policy.apply(change);
                // KSC-1, KSC-5: the devices' planned synchronisations follow the new policy.
                if (
                    self.policy.ksc_sync_interval,
                    self.policy.ksc_expiry_warning,
                ) != (before.ksc_sync_interval, before.ksc_expiry_warning)
                {
                    let (methods, mut env) = self.split();
                    methods.ksc.policy_changed(&mut env, now);
                }
            }
            ActionModel::Kms(a) => {
                self.methods
                    .kms
                    .apply(self.model, &self.policy, &mut self.probe, a, now)
            }
            ActionModel::Fleet { fleet, action } => self.fleet_action(*fleet, *action, now),
        }
    }

    fn fleet_action(&mut self, fleet: FleetId, action: FleetAction, now: SimTime) {
        let windows = self.model.fleets[fleet].method.windows();
        match action {
            // A Kaspersky device's Windows licence is not modelled.
            FleetAction::Rearm | FleetAction::HardwareChange { .. } if !windows => {}
            FleetAction::Rearm => {
                for m in self.present_machines(fleet, u64::MAX) {
                    // KMS-CLI-7: new grace and a new CMID; with no rearm left nothing changes.
                    let left = self.machines[m].rearms_left;
                    if let Some((licence, left)) = licence::rearm(left, now, self.grace(m)) {
                        self.machines[m].rearms_left = left;
                        self.machines.new_cmid(m);
                        Methods::reinstalled(&mut self.machines, m);
                        self.set_licence(m, licence, now);
                        self.schedule_attempt(m, now);
                    }
                }
            }
            FleetAction::Reimage { count } => {
                for m in self.present_machines(fleet, count) {
                    self.machines.reinstall_image(m);
                    {
                        let (methods, mut env) = self.split();
                        methods.ksc.reinstall(&mut env, m, now);
                    }
                    if windows {
                        Methods::reinstalled(&mut self.machines, m);
                        self.set_licence(m, Licence::fresh(now, self.grace(m)), now);
                        self.schedule_attempt(m, now);
                    }
                }
            }
            FleetAction::HardwareChange { count } => {
                for m in self.present_machines(fleet, count) {
                    // KMS-CLI-9: out of tolerance until it reactivates, which it tries at once.
                    let (licence, lost) = self.machines[m]
                        .licence
                        .hardware_change(now, &self.timers(m));
                    if lost {
                        Methods::reinstalled(&mut self.machines, m);
                        self.probe.outcome(m, fleet, Code::HardwareChange, now);
                        self.set_licence(m, licence, now);
                        self.schedule_attempt(m, now);
                    }
                }
            }
            FleetAction::AddMachines { count } => {
                for _ in 0..count {
                    let m = self.add_machine(fleet);
                    self.arrive(m, now, false);
                }
            }
            FleetAction::RetireMachines { count } => {
                for m in self.present_machines(fleet, count) {
                    self.machines[m].presence = Presence::Retired;
                    self.probe.retired(m, now);
                    self.count_presence(m, false);
                    {
                        let (methods, mut env) = self.split();
                        methods.ksc.retire(&mut env, m, now);
                    }
                    if windows {
                        let licence = self.machines[m].licence;
                        self.probe
                            .licensed_until(fleet, licence.licence_end(), crate::time::NEVER);
                        let state = licence.state.index();
                        self.probe
                            .transition(m, fleet, LicenceState::SET, Some(state), None, now);
                    }
                }
            }
        }
    }

    /// Up to `count` present machines of `fleet`, lowest indices first (timeline actions
    /// act on the lowest indices first).
    fn present_machines(&self, fleet: FleetId, count: u64) -> Vec<MachineId> {
        self.machines.members[fleet]
            .iter()
            .copied()
            .filter(|&m| self.machines[m].is_present())
            .take(usize::try_from(count).unwrap_or(usize::MAX))
            .collect()
    }
}
