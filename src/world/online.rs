//! Offline periods (NET-2): whether a machine is online, when it next is, and how many of a
//! fleet are offline at a sample — without an event per machine per day.

#![allow(clippy::indexing_slicing)] // indices are ids of machines, fleets and hosts that the model and the world create, in range by construction

use super::World;
use crate::model::{MachineId, OnlineModel};
use crate::net::schedule::{daily_next_online, windows_next_online};
use crate::probe::Probe;
use crate::time::SimTime;

impl<P: Probe> World<'_, P> {
    /// The first instant at or after `t` when machine `m` is online (`NEVER` if it never is
    /// again).
    pub(super) fn next_online(&mut self, m: MachineId, t: SimTime) -> SimTime {
        self.machines
            .next_online(self.model, &mut self.streams, m, t)
    }

    /// Per fleet, the present machines offline at `t`, into `out`. `Always` and `Windows`
    /// fleets are all on or all off; `Daily` fleets are counted from a histogram of their
    /// machines' jitters (3,600 buckets, whatever the fleet size); only `Random` fleets are
    /// scanned.
    pub(super) fn offline_counts(&mut self, t: SimTime, out: &mut Vec<u64>) {
        let model = self.model;
        out.clear();
        for f in model.fleets.ids() {
            let offline = match &model.fleets[f].online {
                OnlineModel::Always => 0,
                OnlineModel::Windows(windows) => {
                    if windows_next_online(t, windows) == t {
                        0
                    } else {
                        self.present[f]
                    }
                }
                OnlineModel::Daily { hours } => self.daily_jitters[f]
                    .iter()
                    .enumerate()
                    .filter(|&(j, _)| daily_next_online(t, *hours, j as SimTime) != t)
                    .map(|(_, &n)| u64::from(n))
                    .sum(),
                OnlineModel::Random { .. } => {
                    let members = std::mem::take(&mut self.machines.members[f]);
                    let offline = members
                        .iter()
                        .filter(|&&m| self.machines[m].is_present() && self.next_online(m, t) != t)
                        .count() as u64;
                    self.machines.members[f] = members;
                    offline
                }
            };
            out.push(offline);
        }
    }

    /// Keeps the per-fleet presence counts and `Daily` jitter histograms as a machine
    /// arrives or leaves.
    pub(super) fn count_presence(&mut self, m: MachineId, arriving: bool) {
        let f = self.machines[m].fleet;
        let jitters = &mut self.daily_jitters[f];
        let bucket = usize::from(self.machines[m].jitter);
        if arriving {
            self.present[f] += 1;
            if let Some(n) = jitters.get_mut(bucket) {
                *n += 1;
            }
        } else {
            self.present[f] -= 1;
            if let Some(n) = jitters.get_mut(bucket) {
                *n -= 1;
            }
        }
    }
}
