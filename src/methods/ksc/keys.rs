//! The licence keys of Kaspersky Security Center servers and a device's key slots: the
//! distribution rules (KSC-4 to KSC-9) as pure functions of the storage, the slots and the
//! time, so each rule is tested without an engine.

#![allow(clippy::indexing_slicing)] // indices are ids of machines, hosts, keys and slots that the model and the world create, in range by construction (a bad one is a bug the tests must catch, not an input error)

use crate::model::ksc::{KeySource, LicenseKeyModel};
use crate::model::{KscServerId, LicenseKeyId, Table};
use crate::time::SimTime;

/// A device's key slots (KSC-9): at most one active key and one reserve key; a reserve
/// needs an active key.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Slots {
    pub active: Option<LicenseKeyId>,
    pub reserve: Option<LicenseKeyId>,
}

/// The states of a KSC device, in output order (`StateSet::Ksc`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum DeviceState {
    /// No key at all.
    NoKey = 0,
    /// A valid active key, no reserve.
    Active = 1,
    /// A valid active key and a reserve.
    ActiveWithReserve = 2,
    /// KSC-8: its only key expired: the application runs in limited mode.
    Expired = 3,
}

impl DeviceState {
    pub fn index(self) -> u8 {
        self as u8
    }
}

/// A key in a server's storage during a run.
#[derive(Debug, Clone)]
pub struct Stored {
    pub model: LicenseKeyModel,
    /// KSC-7: removed from the storage (devices that hold it keep it).
    pub removed: bool,
    /// KSC-10: devices holding it as active and as reserve.
    pub active_on: u64,
    pub reserve_on: u64,
}

impl Stored {
    /// KSC-8: devices counted against its limit: holding it as active or reserve.
    pub fn in_use(&self) -> u64 {
        self.active_on + self.reserve_on
    }

    /// KSC-8: the limit is not reached.
    fn has_seat(&self) -> bool {
        self.in_use() < self.model.devices
    }

    /// KSC-4: distributed automatically from the server's storage.
    fn distributed(&self, server: KscServerId) -> bool {
        self.model.server == server && self.model.auto_distribute && !self.removed
    }

    /// Within its licence term at `t`.
    fn valid_at(&self, t: SimTime) -> bool {
        self.model.valid_from <= t && t < self.model.expires
    }
}

/// The keys whose use a change touched (at most four), without allocating.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Changed {
    keys: [Option<LicenseKeyId>; 4],
}

impl Changed {
    fn push(&mut self, key: LicenseKeyId) {
        if let Some(slot) = self
            .keys
            .iter_mut()
            .find(|k| k.is_none() || **k == Some(key))
        {
            *slot = Some(key);
        }
    }

    /// Both changes' keys.
    pub fn and(mut self, other: Changed) -> Changed {
        for key in other.iter() {
            self.push(key);
        }
        self
    }

    pub fn is_empty(&self) -> bool {
        self.keys[0].is_none()
    }

    pub fn iter(&self) -> impl Iterator<Item = LicenseKeyId> + '_ {
        self.keys.iter().flatten().copied()
    }
}

/// When a sync can next change a device's keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// A sync at or after this instant can give it a key.
    At(SimTime),
    /// A key would serve it but has no free seat: only a seat freed can help.
    Seat,
    /// KSC-8: a key with room serves it from this instant on, but a key that is full now
    /// would serve it sooner if a seat were freed: it needs both a sync then and a place
    /// among the devices waiting for a seat.
    SeatOrAt(SimTime),
    /// Nothing the storage holds can change it.
    Nothing,
}

/// The keys of every server.
#[derive(Debug, Clone)]
pub struct Storage {
    pub keys: Table<LicenseKeyId, Stored>,
}

impl Storage {
    pub fn new(keys: &Table<LicenseKeyId, LicenseKeyModel>) -> Self {
        Storage {
            keys: keys
                .iter()
                .map(|k| Stored {
                    model: k.clone(),
                    removed: false,
                    active_on: 0,
                    reserve_on: 0,
                })
                .collect(),
        }
    }

    pub fn expires(&self, key: LicenseKeyId) -> SimTime {
        self.keys[key].model.expires
    }

    /// The device's state now.
    pub fn state(&self, slots: Slots, now: SimTime) -> DeviceState {
        match slots.active {
            None => DeviceState::NoKey,
            Some(a) if now >= self.expires(a) => DeviceState::Expired,
            Some(_) if slots.reserve.is_some() => DeviceState::ActiveWithReserve,
            Some(_) => DeviceState::Active,
        }
    }

    /// Keys that could become a device's active key at some time `≥ now`: auto-distributed
    /// keys of its server whose term has not ended.
    fn active_candidates(
        &self,
        server: KscServerId,
        now: SimTime,
    ) -> impl Iterator<Item = (LicenseKeyId, &Stored)> {
        self.keys
            .enumerate()
            .filter(move |(_, k)| k.distributed(server) && now < k.model.expires)
    }

    /// Keys that could become the reserve of a device whose active key is `active`: KSC-5,
    /// auto-distributed key files (an activation code never is a reserve) of its server,
    /// lasting beyond the active key.
    fn reserve_candidates(
        &self,
        server: KscServerId,
        active: LicenseKeyId,
    ) -> impl Iterator<Item = (LicenseKeyId, &Stored)> {
        let until = self.expires(active);
        self.keys.enumerate().filter(move |&(id, k)| {
            id != active
                && k.distributed(server)
                && k.model.source == KeySource::KeyFile
                && k.model.expires > until
        })
    }

    /// The candidate with a free seat valid at `now` that lasts longest (ties: the first
    /// declared).
    fn best<'a>(
        candidates: impl Iterator<Item = (LicenseKeyId, &'a Stored)>,
        now: SimTime,
    ) -> Option<LicenseKeyId> {
        candidates
            .filter(|(_, k)| k.valid_at(now) && k.has_seat())
            .fold(
                None,
                |best: Option<(LicenseKeyId, SimTime)>, (id, k)| match best {
                    Some((_, e)) if e >= k.model.expires => best,
                    _ => Some((id, k.model.expires)),
                },
            )
            .map(|(id, _)| id)
    }

    fn hold_active(&mut self, key: Option<LicenseKeyId>, delta: i8) {
        if let Some(k) = key {
            let n = &mut self.keys[k].active_on;
            *n = if delta > 0 { *n + 1 } else { *n - 1 };
        }
    }

    fn hold_reserve(&mut self, key: Option<LicenseKeyId>, delta: i8) {
        if let Some(k) = key {
            let n = &mut self.keys[k].reserve_on;
            *n = if delta > 0 { *n + 1 } else { *n - 1 };
        }
    }

    /// A synchronisation of a device of `server` at `now` (KSC-4 to KSC-6, KSC-8, KSC-11):
    /// a missing or expired active key is replaced by the distributed key; an active key
    /// expiring within `warning` gets a key file as reserve. Devices in "Unassigned
    /// devices" get nothing. Returns the keys whose use changed (at most three).
    pub fn sync(
        &mut self,
        slots: &mut Slots,
        server: KscServerId,
        unassigned: bool,
        now: SimTime,
        warning: SimTime,
    ) -> Changed {
        let mut changed = Changed::default();
        if unassigned {
            return changed;
        }
        let usable = slots.active.is_some_and(|a| now < self.expires(a));
        if !usable && let Some(key) = Self::best(self.active_candidates(server, now), now) {
            // The expired key is replaced: the device stops holding it.
            self.hold_active(slots.active, -1);
            if let Some(old) = slots.active {
                changed.push(old);
            }
            self.hold_active(Some(key), 1);
            slots.active = Some(key);
            changed.push(key);
        }
        if let Some(a) = slots.active
            && slots.reserve.is_none()
            && now < self.expires(a)
            && self.expires(a) - now <= warning
            && let Some(key) = Self::best(self.reserve_candidates(server, a), now)
        {
            self.hold_reserve(Some(key), 1);
            slots.reserve = Some(key);
            changed.push(key);
        }
        changed
    }

    /// KSC-5: at the active key's expiry the device switches to its reserve key by itself,
    /// online or not. Returns the keys whose use changed (none if it had no reserve: it is
    /// `expired` until a synchronisation brings a key).
    pub fn at_expiry(&mut self, slots: &mut Slots) -> Changed {
        let mut changed = Changed::default();
        let (Some(old), Some(new)) = (slots.active, slots.reserve) else {
            return changed;
        };
        self.hold_active(Some(old), -1);
        self.hold_reserve(Some(new), -1);
        self.hold_active(Some(new), 1);
        *slots = Slots {
            active: Some(new),
            reserve: None,
        };
        changed.push(old);
        changed.push(new);
        changed
    }

    /// KSC-9: the device loses its keys (it is retired or re-installed): removing the active
    /// key removes the reserve too. Returns the keys whose use changed.
    pub fn clear(&mut self, slots: &mut Slots) -> Changed {
        self.hold_active(slots.active, -1);
        self.hold_reserve(slots.reserve, -1);
        let mut changed = Changed::default();
        for key in slots.active.into_iter().chain(slots.reserve) {
            changed.push(key);
        }
        *slots = Slots::default();
        changed
    }

    /// When a synchronisation can next change the device's keys, given what the storage
    /// holds now (the expiry of its active key is a separate event, KSC-5).
    pub fn next_need(
        &self,
        slots: Slots,
        server: KscServerId,
        unassigned: bool,
        now: SimTime,
        warning: SimTime,
    ) -> Need {
        if unassigned {
            return Need::Nothing;
        }
        // The first instant a candidate with a free seat can serve, and the first a full one
        // could if a seat were freed.
        let earliest = |candidates: &mut dyn Iterator<Item = (LicenseKeyId, &Stored)>,
                        not_before: SimTime,
                        before: SimTime| {
            let mut seatless: Option<SimTime> = None;
            let mut at: Option<SimTime> = None;
            for (_, k) in candidates {
                let t = not_before.max(k.model.valid_from);
                if t >= before || t >= k.model.expires {
                    continue;
                }
                let first = if k.has_seat() { &mut at } else { &mut seatless };
                *first = Some(first.map_or(t, |a| a.min(t)));
            }
            match (at, seatless) {
                // A full key that would serve sooner: a freed seat can help before `t`.
                (Some(t), Some(s)) if s < t => Need::SeatOrAt(t),
                (Some(t), _) => Need::At(t),
                (None, Some(_)) => Need::Seat,
                (None, None) => Need::Nothing,
            }
        };
        match slots.active {
            Some(a) if now < self.expires(a) => {
                if slots.reserve.is_some() {
                    return Need::Nothing;
                }
                let expires = self.expires(a);
                let from = now.max(expires.saturating_sub(warning));
                earliest(&mut self.reserve_candidates(server, a), from, expires)
            }
            _ => earliest(&mut self.active_candidates(server, now), now, SimTime::MAX),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Id;

    const D: SimTime = 86_400;
    const WARNING: SimTime = 30 * D;

    fn key(
        name: &str,
        source: KeySource,
        from: SimTime,
        days: SimTime,
        devices: u64,
    ) -> LicenseKeyModel {
        LicenseKeyModel {
            name: name.to_owned(),
            server: KscServerId::FIRST,
            source,
            valid_from: from,
            expires: from + days * D,
            devices,
            auto_distribute: true,
        }
    }

    fn storage(keys: Vec<LicenseKeyModel>) -> Storage {
        Storage::new(&keys.into_iter().collect())
    }

    fn id(i: usize) -> LicenseKeyId {
        LicenseKeyId::from_index(i)
    }

    const S: KscServerId = KscServerId::FIRST;

    /// KSC-4, KSC-6: a device with no key (or an expired one) gets the distributed key as
    /// active at its synchronisation.
    #[test]
    fn ksc_4_6_a_device_without_a_key_gets_the_distributed_one_as_active() {
        let mut st = storage(vec![key("k", KeySource::KeyFile, 0, 365, 10)]);
        let mut slots = Slots::default();
        assert_eq!(st.state(slots, 0), DeviceState::NoKey);
        assert_eq!(
            st.sync(&mut slots, S, false, 0, WARNING)
                .iter()
                .collect::<Vec<_>>(),
            vec![id(0)]
        );
        assert_eq!(slots.active, Some(id(0)));
        assert_eq!(st.state(slots, 0), DeviceState::Active);
        assert_eq!(st.keys[id(0)].active_on, 1);
    }

    /// KSC-5: an active key expiring within the warning window gets a key file as reserve;
    /// at expiry the device switches to it by itself.
    #[test]
    fn ksc_5_a_key_file_becomes_the_reserve_and_takes_over_at_expiry() {
        let mut st = storage(vec![
            key("old", KeySource::KeyFile, 0, 365, 10),
            key("new", KeySource::KeyFile, 320 * D, 365, 10),
        ]);
        let mut slots = Slots::default();
        st.sync(&mut slots, S, false, 0, WARNING);
        // Not yet within the warning window: no reserve.
        assert!(st.sync(&mut slots, S, false, 330 * D, WARNING).is_empty());
        assert_eq!(
            st.next_need(slots, S, false, 330 * D, WARNING),
            Need::At(335 * D)
        );
        let changed = st.sync(&mut slots, S, false, 335 * D, WARNING);
        assert_eq!(changed.iter().collect::<Vec<_>>(), vec![id(1)]);
        assert_eq!(st.state(slots, 335 * D), DeviceState::ActiveWithReserve);
        st.at_expiry(&mut slots);
        assert_eq!(slots.active, Some(id(1)));
        assert_eq!(st.state(slots, 365 * D), DeviceState::Active);
        assert_eq!((st.keys[id(0)].active_on, st.keys[id(1)].active_on), (0, 1));
    }

    /// KSC-5: an activation code is never distributed as a reserve: the device expires and
    /// gets the new key as active at its first synchronisation after expiry.
    #[test]
    fn ksc_5_an_activation_code_is_never_a_reserve() {
        let mut st = storage(vec![
            key("old", KeySource::KeyFile, 0, 365, 10),
            key("code", KeySource::ActivationCode, 320 * D, 365, 10),
        ]);
        let mut slots = Slots::default();
        st.sync(&mut slots, S, false, 0, WARNING);
        assert!(st.sync(&mut slots, S, false, 340 * D, WARNING).is_empty());
        assert_eq!(
            st.next_need(slots, S, false, 340 * D, WARNING),
            Need::Nothing
        );
        assert!(st.at_expiry(&mut slots).is_empty());
        assert_eq!(st.state(slots, 365 * D), DeviceState::Expired);
        assert_eq!(
            st.next_need(slots, S, false, 365 * D, WARNING),
            Need::At(365 * D)
        );
        st.sync(&mut slots, S, false, 365 * D + 600, WARNING);
        assert_eq!(slots.active, Some(id(1)));
        assert_eq!(st.keys[id(0)].active_on, 0, "the expired key was replaced");
    }

    /// KSC-7: a key removed from the storage stays on the devices that use it, but is no
    /// longer distributed.
    #[test]
    fn ksc_7_a_removed_key_stays_on_devices() {
        let mut st = storage(vec![key("k", KeySource::KeyFile, 0, 365, 10)]);
        let mut a = Slots::default();
        st.sync(&mut a, S, false, 0, WARNING);
        st.keys[id(0)].removed = true;
        let mut b = Slots::default();
        assert!(st.sync(&mut b, S, false, D, WARNING).is_empty());
        assert_eq!(a.active, Some(id(0)));
        assert_eq!(st.state(a, D), DeviceState::Active);
    }

    /// KSC-8: distribution stops at the device limit; an expired key leaves the device in
    /// limited mode (`expired`).
    #[test]
    fn ksc_8_the_device_limit_stops_distribution() {
        let mut st = storage(vec![key("k", KeySource::KeyFile, 0, 365, 2)]);
        let mut devices = [Slots::default(); 3];
        for d in &mut devices {
            st.sync(d, S, false, 0, WARNING);
        }
        assert_eq!(st.keys[id(0)].in_use(), 2);
        assert_eq!(devices[2].active, None);
        assert_eq!(st.next_need(devices[2], S, false, 0, WARNING), Need::Seat);
        assert_eq!(st.state(devices[0], 365 * D), DeviceState::Expired);
    }

    /// KSC-9: at most one active and one reserve; clearing a device removes both.
    #[test]
    fn ksc_9_one_active_one_reserve_cleared_together() {
        let mut st = storage(vec![
            key("a", KeySource::KeyFile, 0, 40, 10),
            key("b", KeySource::KeyFile, 0, 400, 10),
            key("c", KeySource::KeyFile, 0, 500, 10),
        ]);
        let mut slots = Slots::default();
        st.sync(&mut slots, S, false, 0, WARNING);
        // The longest-lasting key becomes active; nothing expires soon, so no reserve.
        assert_eq!(slots.active, Some(id(2)));
        assert_eq!(slots.reserve, None);
        let changed = st.clear(&mut slots);
        assert_eq!(changed.iter().collect::<Vec<_>>(), vec![id(2)]);
        assert_eq!(slots, Slots::default());
        assert_eq!(st.keys[id(2)].in_use(), 0);
    }

    /// KSC-11: devices in "Unassigned devices" receive no auto-distributed key.
    #[test]
    fn ksc_11_unassigned_devices_get_nothing() {
        let mut st = storage(vec![key("k", KeySource::KeyFile, 0, 365, 10)]);
        let mut slots = Slots::default();
        assert!(st.sync(&mut slots, S, true, 0, WARNING).is_empty());
        assert_eq!(st.next_need(slots, S, true, 0, WARNING), Need::Nothing);
    }

    /// KSC-8: a full key valid now and a key with room valid only later: the device needs a
    /// sync when the later key starts, and a place among those waiting for a seat, since a
    /// seat freed on the full key serves it sooner. It used to get only the sync, so a
    /// freed seat went unnoticed until the later key's start.
    #[test]
    fn ksc_8_a_full_key_now_and_a_later_key_with_room_need_both() {
        let mut st = storage(vec![
            key("k1", KeySource::KeyFile, 0, 365, 1),
            key("k2", KeySource::KeyFile, 100 * D, 365, 10),
        ]);
        let mut holder = Slots::default();
        st.sync(&mut holder, S, false, 0, WARNING);
        assert_eq!(holder.active, Some(id(0)));
        let waiting = Slots::default();
        assert_eq!(
            st.next_need(waiting, S, false, 0, WARNING),
            Need::SeatOrAt(100 * D)
        );
        // The holder leaves: the seat is free, a sync now serves.
        st.clear(&mut holder);
        assert_eq!(
            st.next_need(waiting, S, false, 10 * D, WARNING),
            Need::At(10 * D)
        );
        // A full key that could only serve later than the one with room is no reason to wait.
        let st = storage(vec![
            key("k1", KeySource::KeyFile, 0, 365, 10),
            key("k2", KeySource::KeyFile, 100 * D, 365, 0),
        ]);
        assert_eq!(st.next_need(waiting, S, false, 0, WARNING), Need::At(0));
    }

    /// A key not yet in its term is distributed from its first day.
    #[test]
    fn a_future_key_is_needed_from_its_start() {
        let st = storage(vec![key("k", KeySource::KeyFile, 10 * D, 365, 10)]);
        assert_eq!(
            st.next_need(Slots::default(), S, false, 0, WARNING),
            Need::At(10 * D)
        );
    }
}
