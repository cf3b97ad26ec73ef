//! The client machines every Windows method drives, indexed by a global machine id: the
//! attributes every event touches in one cache line per machine (`Machine`, 64 bytes), the
//! rarely used ones in arrays of their own. A million machines cost about 85 bytes each and
//! no allocation per event.

#![allow(clippy::indexing_slicing)] // indices are ids of machines, hosts, keys and slots that the model and the world create, in range by construction (a bad one is a bug the tests must catch, not an input error)

use super::kms::Cmid;
use super::licence::{Licence, LicenceState, MAX_REARMS};
use crate::engine::Streams;
use crate::engine::random::{name_hash, stream_of};
use crate::model::{FleetId, HostId, Image, MachineId, Model, OnlineModel, Table};
use crate::net::schedule::{
    DAILY_JITTER, RandomCursor, RandomSchedule, daily_next_online, windows_next_online,
};
use crate::time::{NEVER, SimTime};

/// Stream kind of a machine's schedule draws: kept apart from its activation draws, so a
/// schedule change never shifts them.
const SCHEDULE_STREAM: u64 = 0x5c4e_d01e;
use std::ops::{Index, IndexMut};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    NotArrived,
    Present,
    Retired,
}

/// What an event of a machine reads and writes, together in one 64-byte cache line: with a
/// million machines, events reach them in no useful order, and one attribute per array
/// would cost a cache miss per attribute (measured: a separate array per field made the
/// million-machine year 3 times slower). Attributes only a few events touch stay in their
/// own arrays in `Machines`.
#[derive(Debug, Clone, Copy)]
#[repr(C, align(64))]
pub struct Machine {
    pub licence: Licence,
    /// When the pending attempt is due; an attempt event at another time is stale.
    pub next_attempt: SimTime,
    /// When the pending deadline event fires (`NEVER`: none pending).
    pub deadline_event: SimTime,
    pub cmid: Cmid,
    /// Index within its fleet: with the fleet's name, the machine's stable identity.
    pub index: u32,
    /// Random draws used so far: the position in the machine's own stream.
    pub draws: u32,
    pub fleet: FleetId,
    /// The host that last answered (DNS-7 cache, KMS-HOST-7 pushed intervals);
    /// `HostId::NONE` before any did.
    pub last_host: HostId,
    /// `Daily` schedules: the machine's start jitter in seconds (NET-2).
    pub jitter: u16,
    pub presence: Presence,
    pub rearms_left: u8,
    /// Bits a method keeps about the machine (MAK: a telephone call is placed, the machine
    /// waits for a proxy's batch). Cleared when the machine is installed anew.
    pub flags: u8,
}

impl Machine {
    pub fn is_present(&self) -> bool {
        self.presence == Presence::Present
    }
}

#[derive(Debug, Default)]
pub struct Machines {
    /// Indexed by machine id.
    pub hot: Vec<Machine>,
    /// Installations so far (reimages and rearms): each gives a new CMID.
    pub installs: Vec<u32>,
    /// `Random` schedules: where its on/off sequence has got to (NET-2).
    pub cursor: Vec<RandomCursor>,
    /// Per fleet, its machines' ids in fleet-index order.
    pub members: Table<FleetId, Vec<MachineId>>,
    /// Per fleet, the random stream key (hash of the fleet name).
    fleet_key: Table<FleetId, u64>,
    image: Table<FleetId, Image>,
}

impl Index<MachineId> for Machines {
    type Output = Machine;
    fn index(&self, m: MachineId) -> &Machine {
        &self.hot[m.index()]
    }
}

impl IndexMut<MachineId> for Machines {
    fn index_mut(&mut self, m: MachineId) -> &mut Machine {
        &mut self.hot[m.index()]
    }
}

impl Machines {
    pub fn new(fleets: impl Iterator<Item = (String, Image)>) -> Self {
        let mut m = Machines::default();
        for (name, image) in fleets {
            m.fleet_key.push(name_hash(&name));
            m.image.push(image);
            m.members.push(Vec::new());
        }
        m
    }

    pub fn reserve(&mut self, n: usize) {
        self.hot.reserve(n);
        self.installs.reserve(n);
        self.cursor.reserve(n);
    }

    /// Adds a machine to `fleet` with the next fleet index; it has not arrived yet.
    pub fn add(&mut self, fleet: FleetId) -> MachineId {
        let id = MachineId::from_index(self.hot.len());
        let index = self.members[fleet].len() as u32;
        self.members[fleet].push(id);
        self.hot.push(Machine {
            licence: Licence {
                state: LicenceState::Grace,
                deadline: NEVER,
            },
            next_attempt: NEVER,
            deadline_event: NEVER,
            cmid: 0,
            index,
            draws: 0,
            fleet,
            last_host: HostId::NONE,
            jitter: 0,
            presence: Presence::NotArrived,
            rearms_left: MAX_REARMS,
            flags: 0,
        });
        self.installs.push(0);
        self.cursor.push(RandomCursor::default());
        self[id].cmid = self.install_cmid(id, false);
        id
    }

    /// The machine's random stream: fixed by its fleet's name and its index in the fleet,
    /// so other fleets and other machines never shift its draws.
    pub fn stream(&self, m: MachineId) -> u64 {
        let machine = &self[m];
        stream_of(self.fleet_key[machine.fleet], u64::from(machine.index))
    }

    /// Asks the processor to bring machine `m`'s record into the cache (a hint: no effect on
    /// results, and nothing on processors without the instruction).
    #[inline]
    pub fn prefetch(&self, m: MachineId) {
        #[cfg(target_arch = "x86_64")]
        if let Some(machine) = self.hot.get(m.index()) {
            use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
            // SAFETY: a prefetch never faults and changes no memory; SSE, which provides it,
            // is part of every x86_64 processor.
            unsafe { _mm_prefetch::<_MM_HINT_T0>((machine as *const Machine).cast::<i8>()) };
        }
        #[cfg(not(target_arch = "x86_64"))]
        let _ = m;
    }

    fn schedule_stream(&self, m: MachineId) -> u64 {
        stream_of(self.stream(m), SCHEDULE_STREAM)
    }

    /// The machine's `Daily` start jitter, uniform in [0, 1 h), from its schedule stream.
    pub fn daily_jitter(&self, streams: &mut Streams, m: MachineId) -> u16 {
        streams.below(self.schedule_stream(m), 0, DAILY_JITTER) as u16
    }

    /// NET-2: the first instant at or after `t` when machine `m` is online (`NEVER` if it
    /// never is again). Schedules answer directly, so nothing runs per machine per day.
    /// Only questions about the present (`t` = now) may use this: a `Random` schedule's
    /// cursor moves to `t`; a look-ahead uses `next_online_ahead`.
    pub fn next_online(
        &mut self,
        model: &Model,
        streams: &mut Streams,
        m: MachineId,
        t: SimTime,
    ) -> SimTime {
        let mut cursor = self.cursor[m.index()];
        let at = self.next_online_ahead(model, streams, m, &mut cursor, t);
        self.cursor[m.index()] = cursor;
        at
    }

    /// A copy of machine `m`'s `Random` schedule cursor, for a look-ahead with
    /// `next_online_ahead` that leaves the machine's own cursor where the present is.
    pub fn look_ahead(&self, m: MachineId) -> RandomCursor {
        self.cursor[m.index()]
    }

    /// NET-2: as `next_online`, moving `cursor` (a copy from `look_ahead`) instead of the
    /// machine's own, so asking about a time months ahead does not move the cursor that
    /// answers the questions about the present (of this method and of the others).
    pub fn next_online_ahead(
        &self,
        model: &Model,
        streams: &mut Streams,
        m: MachineId,
        cursor: &mut RandomCursor,
        t: SimTime,
    ) -> SimTime {
        match &model.fleets[self[m].fleet].online {
            OnlineModel::Always => t,
            OnlineModel::Daily { hours } => {
                daily_next_online(t, *hours, SimTime::from(self[m].jitter))
            }
            OnlineModel::Windows(windows) => windows_next_online(t, windows),
            OnlineModel::Random { mean_on, mean_off } => {
                let stream = self.schedule_stream(m);
                let mut schedule = RandomSchedule {
                    mean_on: *mean_on,
                    mean_off: *mean_off,
                    draw: |k| streams.bits(stream, k),
                };
                schedule.next_online(cursor, t)
            }
        }
    }

    /// The next draw number of machine `m`'s stream (and uses it).
    pub fn next_draw(&mut self, m: MachineId) -> u64 {
        let d = &mut self[m].draws;
        *d += 1;
        u64::from(*d - 1)
    }

    /// The CMID a new installation of machine `m` gets. KMS-COUNT-7: every clone of an
    /// image that was not generalized carries the image's one CMID; a generalized install
    /// (or a rearm, KMS-CLI-7) makes a fresh id, never seen before on this machine.
    fn install_cmid(&self, m: MachineId, rearmed: bool) -> Cmid {
        let f = self[m].fleet;
        if self.image[f] == Image::Cloned && !rearmed {
            return stream_of(self.fleet_key[f], u64::MAX);
        }
        stream_of(self.stream(m), u64::from(self.installs[m.index()]))
    }

    /// KMS-CLI-7: a rearm (sysprep /generalize) gives the machine a new CMID.
    pub fn new_cmid(&mut self, m: MachineId) {
        self.installs[m.index()] += 1;
        self[m].cmid = self.install_cmid(m, true);
    }

    /// A reimage installs the fleet's image again: a cloned image brings back its shared
    /// CMID (KMS-COUNT-7), a generalized one a fresh id; rearms and the host cache reset.
    pub fn reinstall_image(&mut self, m: MachineId) {
        self.installs[m.index()] += 1;
        let cmid = self.install_cmid(m, false);
        let machine = &mut self[m];
        machine.cmid = cmid;
        machine.rearms_left = MAX_REARMS;
        machine.last_host = HostId::NONE;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Id;

    /// Every event touches one machine record: it must stay one cache line.
    #[test]
    fn a_machine_record_is_one_cache_line() {
        assert_eq!(std::mem::size_of::<Machine>(), 64);
    }

    #[test]
    fn kms_count_7_clones_share_one_cmid_until_rearmed() {
        let mut m = Machines::new(
            [
                ("clones".to_owned(), Image::Cloned),
                ("pcs".to_owned(), Image::Generalized),
            ]
            .into_iter(),
        );
        let (clones, pcs) = (FleetId::from_index(0), FleetId::from_index(1));
        let a = m.add(clones);
        let b = m.add(clones);
        let c = m.add(pcs);
        let d = m.add(pcs);
        assert_eq!(m[a].cmid, m[b].cmid);
        assert_ne!(m[c].cmid, m[d].cmid);
        m.new_cmid(a);
        assert_ne!(m[a].cmid, m[b].cmid);
        m.reinstall_image(a);
        assert_eq!(m[a].cmid, m[b].cmid);
    }

    #[test]
    fn a_machine_stream_depends_on_its_fleet_name_and_index_only() {
        let mut one = Machines::new([("desktops".to_owned(), Image::Generalized)].into_iter());
        let mut two = Machines::new(
            [
                ("lab".to_owned(), Image::Generalized),
                ("desktops".to_owned(), Image::Generalized),
            ]
            .into_iter(),
        );
        let (first, second) = (FleetId::from_index(0), FleetId::from_index(1));
        let x = one.add(first);
        two.add(first);
        two.add(first);
        let y = two.add(second);
        assert_eq!(one.stream(x), two.stream(y));
        assert_eq!(one[x].cmid, two[y].cmid);
    }
}
