//! Kaspersky Security Center licence keys across managed devices (KSC-1 to KSC-11).
//!
//! A device's keys change only at a few instants: its first connection, a key becoming
//! distributable, its active key entering the "expires soon" window, its active key
//! expiring, a seat freed on a full key, a blocked port opening. Instead of an event per
//! device every synchronisation interval, the device computes when its keys can next change
//! (`Storage::next_need`) and schedules one synchronisation: the first of its periodic ones
//! (every `ksc_sync_interval`, from a phase of its own, KSC-1) at or after that instant at
//! which it is online — or that instant itself for a device keeping a connection (KSC-3).
//! A device that cannot reach its server then (KSC-2) waits for the network to change; one
//! that only a freed seat could serve waits for one. The expiry of an active key is an event
//! of its own, because the switch to the reserve needs no connection (KSC-5).

#![allow(clippy::indexing_slicing)] // indices are ids of machines, hosts, keys and slots that the model and the world create, in range by construction (a bad one is a bug the tests must catch, not an input error)

pub mod keys;
pub(crate) mod resolve;
pub mod stats;
pub mod summary;

use super::{Env, Event};
use crate::engine::random::stream_of;
use crate::model::ksc::managed;
use crate::model::{KscFleet, KscServerId, LicenseKeyId, MachineId, Model, StateSet, Table};
use crate::net::topology::{PortId, Topology};
use crate::probe::{KeysCause, Probe};
use crate::time::{NEVER, SimTime};
use keys::{Need, Slots, Storage};

/// Stream kind of a device's synchronisation phase.
const PHASE_STREAM: u64 = 0x6b5c;
/// Slots a search for the next online synchronisation tries before it wakes the device up
/// to search on (`Ksc::next_sync_slot`).
const SYNC_SEARCH: usize = 64;

/// KSC-1: the first of a device's periodic synchronisations at or after `t`: every
/// `interval` from its phase, a fraction of the interval (`phase` / 2³²). In u128 and
/// saturating, as an interval of more than 2³² s (136 years) overflows u64 in the
/// product; `NEVER` when the slot lies beyond the end of time.
fn periodic_slot(t: SimTime, phase: u32, interval: SimTime) -> SimTime {
    let interval = interval.max(1);
    let phase = ((u128::from(phase) * u128::from(interval)) >> 32) as SimTime;
    if t <= phase {
        phase
    } else {
        (t - phase)
            .div_ceil(interval)
            .saturating_mul(interval)
            .saturating_add(phase)
    }
}

/// One managed device.
#[derive(Debug, Clone, Copy)]
struct Device {
    slots: Slots,
    /// The pending synchronisation (`NEVER`: none); an event at another time is stale.
    sync_at: SimTime,
    /// The pending expiry of its active key (`NEVER`: none).
    expiry_at: SimTime,
    /// Its synchronisation phase, as a fraction of the interval (× 2³²).
    phase: u32,
    /// KSC-3: it holds one of its server's persistent connections.
    persistent: bool,
    /// In its server's list of devices waiting for a seat.
    waiting: bool,
    /// In the list of devices that could not reach their server.
    unreachable: bool,
    /// The state last reported to the probe (`DeviceState` index): the state the observer
    /// counts it in. A change is reported from it, never from a state recomputed from the
    /// time: at the instant its key expires, a retirement or re-image (timeline events run
    /// before machine events) comes before the expiry event, so the device is still counted
    /// active although `Storage::state` already says expired.
    reported: u8,
}

impl Default for Device {
    fn default() -> Self {
        Device {
            slots: Slots::default(),
            sync_at: NEVER,
            expiry_at: NEVER,
            phase: 0,
            persistent: false,
            waiting: false,
            unreachable: false,
            reported: keys::DeviceState::NoKey.index(),
        }
    }
}

#[derive(Debug)]
pub(crate) struct Ksc {
    storage: Storage,
    /// By machine id; machines of fleets no server manages keep the default.
    devices: Vec<Device>,
    /// Per server, devices that only a freed seat could serve.
    waiting: Table<KscServerId, Vec<MachineId>>,
    /// Devices that could not reach their server at a synchronisation.
    unreachable: Vec<MachineId>,
    /// KSC-3: persistent connections in use per server.
    persistent: Table<KscServerId, u32>,
    /// Each server's port among the topology's ports of interest.
    ports: Table<KscServerId, Option<PortId>>,
}

impl Ksc {
    pub fn new(model: &Model, topology: &Topology) -> Self {
        Ksc {
            storage: Storage::new(&model.ksc.keys),
            devices: Vec::new(),
            waiting: model.ksc.servers.iter().map(|_| Vec::new()).collect(),
            unreachable: Vec::new(),
            persistent: model.ksc.servers.iter().map(|_| 0).collect(),
            ports: model
                .ksc
                .servers
                .iter()
                .map(|s| topology.port_id(crate::model::PortModel::Tcp(s.port)))
                .collect(),
        }
    }

    fn device(&mut self, m: MachineId) -> &mut Device {
        if self.devices.len() <= m.index() {
            self.devices.resize(m.index() + 1, Device::default());
        }
        &mut self.devices[m.index()]
    }

    fn fleet_of<P>(env: &Env<'_, P>, m: MachineId) -> Option<KscFleet> {
        managed(&env.model.fleets[env.machines[m].fleet])
    }

    /// The device's slots now, and its state.
    fn state(&self, m: MachineId, now: SimTime) -> u8 {
        self.storage
            .state(self.devices[m.index()].slots, now)
            .index()
    }

    /// Reports a state change (from the state last reported) and the keys whose use
    /// changed, and why.
    fn report<P: Probe>(
        &mut self,
        env: &mut Env<'_, P>,
        m: MachineId,
        changed: keys::Changed,
        cause: KeysCause,
        now: SimTime,
    ) {
        let before = self.devices[m.index()].reported;
        let after = self.state(m, now);
        if after != before {
            let fleet = env.machines[m].fleet;
            env.probe
                .transition(m, fleet, StateSet::Ksc, Some(before), Some(after), now);
            self.device(m).reported = after;
        }
        for key in changed.iter() {
            let k = &self.storage.keys[key];
            env.probe.ksc_usage(key, k.active_on, k.reserve_on, now);
        }
        if !changed.is_empty() {
            let slots = self.devices[m.index()].slots;
            env.probe
                .ksc_keys(m, slots.active, slots.reserve, cause, now);
        }
    }

    /// A device arrives: it has no key; its Network Agent connects at once if it can, and
    /// gets the distributed key at that first connection (KSC-6).
    pub fn arrive<P: Probe>(&mut self, env: &mut Env<'_, P>, m: MachineId, now: SimTime) {
        let Some(ksc) = Self::fleet_of(env, m) else {
            return;
        };
        let stream = stream_of(env.machines.stream(m), PHASE_STREAM);
        let phase = env.streams.bits(stream, 0) as u32;
        let max = env.model.ksc.servers[ksc.server].max_persistent;
        // KSC-3: persistent connections go to the first devices that ask, up to the limit.
        let persistent = ksc.persistent && self.persistent[ksc.server] < max;
        if persistent {
            self.persistent[ksc.server] += 1;
        }
        *self.device(m) = Device {
            phase,
            persistent,
            ..Device::default()
        };
        let fleet = env.machines[m].fleet;
        env.probe
            .transition(m, fleet, StateSet::Ksc, None, Some(0), now);
        let first = env.machines.next_online(env.model, env.streams, m, now);
        self.set_sync(env, m, first, now);
    }

    /// The device leaves (retired): its keys free their seats (KSC-8).
    pub fn retire<P: Probe>(&mut self, env: &mut Env<'_, P>, m: MachineId, now: SimTime) {
        let Some(ksc) = Self::fleet_of(env, m) else {
            return;
        };
        // KSC-8: the state the observer counts it in (see `Device::reported`).
        let before = self.devices[m.index()].reported;
        let mut slots = self.devices[m.index()].slots;
        let changed = self.storage.clear(&mut slots);
        let device = self.device(m);
        device.slots = slots;
        device.sync_at = NEVER;
        device.expiry_at = NEVER;
        if device.persistent {
            device.persistent = false;
            self.persistent[ksc.server] -= 1;
        }
        let fleet = env.machines[m].fleet;
        env.probe
            .transition(m, fleet, StateSet::Ksc, Some(before), None, now);
        for key in changed.iter() {
            let k = &self.storage.keys[key];
            env.probe.ksc_usage(key, k.active_on, k.reserve_on, now);
        }
        if !changed.is_empty() {
            self.seats_freed(env, ksc.server, now);
        }
    }

    /// KSC-9: a re-installed device loses both its keys and connects again as new (KSC-6).
    pub fn reinstall<P: Probe>(&mut self, env: &mut Env<'_, P>, m: MachineId, now: SimTime) {
        let Some(ksc) = Self::fleet_of(env, m) else {
            return;
        };
        let mut slots = self.devices[m.index()].slots;
        let changed = self.storage.clear(&mut slots);
        let device = self.device(m);
        device.slots = slots;
        device.expiry_at = NEVER;
        self.report(env, m, changed, KeysCause::Reinstalled, now);
        if !changed.is_empty() {
            self.seats_freed(env, ksc.server, now);
        }
        let first = env.machines.next_online(env.model, env.streams, m, now);
        self.set_sync(env, m, first, now);
    }

    /// KSC-7: the key leaves the server's storage; the devices holding it keep it.
    pub fn remove_key(&mut self, key: LicenseKeyId) {
        self.storage.keys[key].removed = true;
    }

    /// The network changed: the devices that could not reach their server try again at
    /// their next synchronisation.
    pub fn network_changed<P: Probe>(&mut self, env: &mut Env<'_, P>, now: SimTime) {
        for m in std::mem::take(&mut self.unreachable) {
            self.device(m).unreachable = false;
            if env.machines[m].is_present() {
                let at = self.next_sync_slot(env, m, now);
                self.set_sync(env, m, at, now);
            }
        }
    }

    /// Seats were freed on some of `server`'s keys: the devices waiting for one look again.
    fn seats_freed<P: Probe>(&mut self, env: &mut Env<'_, P>, server: KscServerId, now: SimTime) {
        for m in std::mem::take(&mut self.waiting[server]) {
            self.device(m).waiting = false;
            if env.machines[m].is_present() {
                self.plan(env, m, now, now);
            }
        }
    }

    /// The device's next periodic synchronisation at or after `t` at which it is online
    /// (KSC-1, NET-2); for a device keeping a connection, the first online instant (KSC-3).
    /// The search looks ahead on a copy of the machine's schedule cursor, which stays at the
    /// present for the questions about now (of this and of the machine's Windows method).
    /// After `SYNC_SEARCH` slots falling offline (online periods much shorter than the
    /// interval) it returns the last slot tried: the device wakes up there, offline, and the
    /// search goes on from there (`synchronise`) — it never gives up.
    fn next_sync_slot<P>(&self, env: &mut Env<'_, P>, m: MachineId, t: SimTime) -> SimTime {
        let device = self.devices[m.index()];
        let interval = env.policy.ksc_sync_interval;
        let mut cursor = env.machines.look_ahead(m);
        let mut t = t;
        for _ in 0..SYNC_SEARCH {
            t = env
                .machines
                .next_online_ahead(env.model, env.streams, m, &mut cursor, t);
            if t == NEVER || device.persistent {
                return t;
            }
            let slot = periodic_slot(t, device.phase, interval);
            if slot == NEVER {
                return NEVER;
            }
            let online =
                env.machines
                    .next_online_ahead(env.model, env.streams, m, &mut cursor, slot);
            if online == slot {
                return slot;
            }
            t = slot;
        }
        t
    }

    /// Makes sure a synchronisation happens at `at` (keeping an earlier one still due).
    fn set_sync<P>(&mut self, env: &mut Env<'_, P>, m: MachineId, at: SimTime, now: SimTime) {
        let device = self.device(m);
        if at == NEVER || (device.sync_at != NEVER && device.sync_at >= now && device.sync_at <= at)
        {
            return;
        }
        device.sync_at = at;
        env.later.push((at, Event::KscSync(m)));
    }

    /// When the device's keys can next change: its active key's expiry, and the
    /// synchronisation (not before `not_before`) that can bring it a key; or its place in
    /// the list of devices waiting for a seat.
    fn plan<P>(&mut self, env: &mut Env<'_, P>, m: MachineId, now: SimTime, not_before: SimTime) {
        let Some(ksc) = Self::fleet_of(env, m) else {
            return;
        };
        let slots = self.devices[m.index()].slots;
        if let Some(a) = slots.active {
            let expires = self.storage.expires(a);
            let device = self.device(m);
            if expires > now && device.expiry_at != expires {
                device.expiry_at = expires;
                env.later.push((expires, Event::KscExpiry(m)));
            }
        }
        let warning = env.policy.ksc_expiry_warning;
        match self
            .storage
            .next_need(slots, ksc.server, ksc.unassigned, now, warning)
        {
            Need::At(t) => {
                let at = self.next_sync_slot(env, m, t.max(not_before));
                self.set_sync(env, m, at, now);
            }
            Need::Seat => self.wait_for_seat(m, ksc.server),
            // KSC-8: a key it could use sooner is full, another will have room later: it
            // synchronises then, unless a seat freed on the full one serves it before.
            Need::SeatOrAt(t) => {
                let at = self.next_sync_slot(env, m, t.max(not_before));
                self.set_sync(env, m, at, now);
                self.wait_for_seat(m, ksc.server);
            }
            Need::Nothing => {}
        }
    }

    /// Puts the device on its server's list of devices waiting for a freed seat (KSC-8).
    fn wait_for_seat(&mut self, m: MachineId, server: KscServerId) {
        let device = self.device(m);
        if !device.waiting {
            device.waiting = true;
            self.waiting[server].push(m);
        }
    }

    /// `SetPolicy` changed `ksc_sync_interval` or `ksc_expiry_warning` (KSC-1, KSC-5): every
    /// present device plans again with the policy in force, so a longer warning brings its
    /// reserve sooner and a shorter interval its next synchronisation. (A synchronisation
    /// already planned earlier stays: it finds nothing and plans again.) Devices that cannot
    /// reach their server keep waiting for the network.
    pub fn policy_changed<P>(&mut self, env: &mut Env<'_, P>, now: SimTime) {
        for i in 0..self.devices.len() {
            let m = MachineId::from_index(i);
            if self.devices[i].unreachable
                || !env.machines[m].is_present()
                || Self::fleet_of(env, m).is_none()
            {
                continue;
            }
            self.plan(env, m, now, now);
        }
    }

    /// A synchronisation falls due (KSC-1).
    pub fn sync<P: Probe>(&mut self, env: &mut Env<'_, P>, m: MachineId, now: SimTime) {
        let due = self
            .devices
            .get(m.index())
            .is_some_and(|d| d.sync_at == now);
        if !due || !env.machines[m].is_present() || Self::fleet_of(env, m).is_none() {
            return;
        }
        // KSC-5: a key ending at this very instant switches to the reserve first (its own
        // event may come later among the events of this instant).
        if self.devices[m.index()].expiry_at == now {
            self.expiry(env, m, now);
        }
        self.device(m).sync_at = NEVER;
        if let Some(changed) = self.synchronise(env, m, now) {
            self.report(env, m, changed, KeysCause::Sync, now);
            // The next synchronisation that can change something comes after this one.
            self.plan(env, m, now, now + 1);
        }
    }

    /// A synchronisation now: if the device is online and reaches its server on its port
    /// (KSC-2), the distribution rules apply (KSC-4 to KSC-8, KSC-11). Otherwise it waits —
    /// for its next online period, or for the network to change — and this returns None.
    fn synchronise<P: Probe>(
        &mut self,
        env: &mut Env<'_, P>,
        m: MachineId,
        now: SimTime,
    ) -> Option<keys::Changed> {
        let ksc = Self::fleet_of(env, m)?;
        let online = env.machines.next_online(env.model, env.streams, m, now);
        if online != now {
            let at = self.next_sync_slot(env, m, online);
            self.set_sync(env, m, at, now);
            return None;
        }
        let server = &env.model.ksc.servers[ksc.server];
        let site = env.model.fleets[env.machines[m].fleet].site;
        let reaches = self.ports[ksc.server]
            .is_some_and(|port| env.topology.reaches(site, server.site, port));
        if !reaches {
            let device = self.device(m);
            if !device.unreachable {
                device.unreachable = true;
                self.unreachable.push(m);
            }
            return None;
        }
        let mut slots = self.devices[m.index()].slots;
        let warning = env.policy.ksc_expiry_warning;
        let changed = self
            .storage
            .sync(&mut slots, ksc.server, ksc.unassigned, now, warning);
        self.device(m).slots = slots;
        Some(changed)
    }

    /// The active key's licence term ends (KSC-5, KSC-8): the device switches to its
    /// reserve by itself, online or not, or runs in limited mode until a synchronisation
    /// brings a key — at once for a device keeping a connection (KSC-3), which is never
    /// seen expired when the server has a key for it.
    pub fn expiry<P: Probe>(&mut self, env: &mut Env<'_, P>, m: MachineId, now: SimTime) {
        let due = self
            .devices
            .get(m.index())
            .is_some_and(|d| d.expiry_at == now);
        if !due || !env.machines[m].is_present() || Self::fleet_of(env, m).is_none() {
            return;
        }
        self.device(m).expiry_at = NEVER;
        let mut slots = self.devices[m.index()].slots;
        let mut changed = self.storage.at_expiry(&mut slots);
        let mut cause = KeysCause::ReserveActivated;
        self.device(m).slots = slots;
        let expired = self.storage.state(slots, now) == keys::DeviceState::Expired;
        let mut synced = false;
        if expired && self.devices[m.index()].persistent {
            if let Some(more) = self.synchronise(env, m, now) {
                changed = changed.and(more);
                cause = KeysCause::ExpiredSync;
                synced = true;
            }
        }
        self.report(env, m, changed, cause, now);
        self.plan(env, m, now, if synced { now + 1 } else { now });
    }

    /// The device's key slots now (for `actsim trace --at`).
    pub fn slots(&self, m: MachineId) -> Slots {
        self.devices
            .get(m.index())
            .map_or_else(Slots::default, |d| d.slots)
    }

    pub fn storage(&self) -> &Storage {
        &self.storage
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const D: SimTime = 86_400;

    /// KSC-1: a device synchronises every interval from a phase of its own.
    #[test]
    fn ksc_1_periodic_slots_follow_the_phase() {
        let half = 1 << 31;
        assert_eq!(periodic_slot(0, half, 900), 450);
        assert_eq!(periodic_slot(450, half, 900), 450);
        assert_eq!(periodic_slot(451, half, 900), 1_350);
        assert_eq!(periodic_slot(10 * D, 0, 900), 10 * D);
    }

    /// KSC-1: an interval of 100,000 days (over 2³² s) used to overflow `phase × interval`
    /// (a wrong slot in release builds, a panic in debug builds); the slots far beyond the
    /// end of time are `NEVER`.
    #[test]
    fn ksc_1_a_huge_interval_does_not_overflow() {
        let interval = 100_000 * D;
        let phase = u32::MAX;
        let expected = ((u128::from(phase) * u128::from(interval)) >> 32) as SimTime;
        assert!(expected > interval - 2 * D && expected < interval);
        assert_eq!(periodic_slot(0, phase, interval), expected);
        assert_eq!(
            periodic_slot(expected + 1, phase, interval),
            expected + interval
        );
        assert_eq!(periodic_slot(NEVER - 1, phase, SimTime::MAX / 2), NEVER);
        assert_eq!(periodic_slot(5, 0, 0), 5, "a zero interval counts as 1 s");
    }
}
