//! The client machines, stored as struct-of-arrays: one `Vec` per attribute, indexed by a
//! global machine id. A million machines cost about 60 bytes each and no allocation per
//! event.

use crate::engine::random::{name_hash, stream_of};
use crate::engine::{NEVER, SimTime};
use crate::kms::client::{Licence, LicenceState, MAX_REARMS};
use crate::kms::host::Cmid;
use crate::net::schedule::RandomCursor;
use crate::scenario::model::{FleetId, HostId, Image};

/// A global machine id (index into the arrays of `Machines`).
pub type MachineId = u32;

/// No host has answered this machine yet.
pub const NO_HOST: HostId = HostId::MAX;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    NotArrived,
    Present,
    Retired,
}

#[derive(Debug, Default)]
pub struct Machines {
    pub fleet: Vec<FleetId>,
    /// Index within its fleet: with the fleet's name, the machine's stable identity.
    pub index: Vec<u32>,
    pub presence: Vec<Presence>,
    pub licence: Vec<Licence>,
    /// When the pending attempt is due; an attempt event at another time is stale.
    pub next_attempt: Vec<SimTime>,
    /// When the pending deadline event fires (`NEVER`: none pending).
    pub deadline_event: Vec<SimTime>,
    pub cmid: Vec<Cmid>,
    /// Installations so far (reimages and rearms): each gives a new CMID.
    pub installs: Vec<u32>,
    /// The host that last answered (DNS-7 cache, KMS-HOST-7 pushed intervals).
    pub last_host: Vec<HostId>,
    /// Random draws used so far: the position in the machine's own stream.
    pub draws: Vec<u32>,
    pub rearms_left: Vec<u8>,
    /// `Daily` schedules: the machine's start jitter in seconds (NET-2).
    pub jitter: Vec<u16>,
    /// `Random` schedules: where its on/off sequence has got to (NET-2).
    pub cursor: Vec<RandomCursor>,
    /// Per fleet, its machines' ids in fleet-index order.
    pub members: Vec<Vec<MachineId>>,
    /// Per fleet, the random stream key (hash of the fleet name).
    fleet_key: Vec<u64>,
    image: Vec<Image>,
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
        self.fleet.reserve(n);
        self.index.reserve(n);
        self.presence.reserve(n);
        self.licence.reserve(n);
        self.next_attempt.reserve(n);
        self.deadline_event.reserve(n);
        self.cmid.reserve(n);
        self.installs.reserve(n);
        self.last_host.reserve(n);
        self.draws.reserve(n);
        self.rearms_left.reserve(n);
        self.jitter.reserve(n);
        self.cursor.reserve(n);
    }

    /// Adds a machine to `fleet` with the next fleet index; it has not arrived yet.
    pub fn add(&mut self, fleet: FleetId) -> MachineId {
        let id = self.fleet.len() as MachineId;
        let f = usize::from(fleet);
        let index = self.members[f].len() as u32;
        self.members[f].push(id);
        self.fleet.push(fleet);
        self.index.push(index);
        self.presence.push(Presence::NotArrived);
        self.licence.push(Licence {
            state: LicenceState::Grace,
            deadline: NEVER,
        });
        self.next_attempt.push(NEVER);
        self.deadline_event.push(NEVER);
        self.installs.push(0);
        self.cmid.push(0);
        self.last_host.push(NO_HOST);
        self.draws.push(0);
        self.rearms_left.push(MAX_REARMS);
        self.jitter.push(0);
        self.cursor.push(RandomCursor::default());
        self.cmid[id as usize] = self.install_cmid(id, false);
        id
    }

    /// The machine's random stream: fixed by its fleet's name and its index in the fleet,
    /// so other fleets and other machines never shift its draws.
    pub fn stream(&self, m: MachineId) -> u64 {
        let m = m as usize;
        stream_of(
            self.fleet_key[usize::from(self.fleet[m])],
            u64::from(self.index[m]),
        )
    }

    /// The next draw number of machine `m`'s stream (and uses it).
    pub fn next_draw(&mut self, m: MachineId) -> u64 {
        let d = &mut self.draws[m as usize];
        *d += 1;
        u64::from(*d - 1)
    }

    /// The CMID a new installation of machine `m` gets. KMS-COUNT-7: every clone of an
    /// image that was not generalized carries the image's one CMID; a generalized install
    /// (or a rearm, KMS-CLI-7) makes a fresh id, never seen before on this machine.
    fn install_cmid(&self, m: MachineId, rearmed: bool) -> Cmid {
        let f = usize::from(self.fleet[m as usize]);
        if self.image[f] == Image::Cloned && !rearmed {
            return stream_of(self.fleet_key[f], u64::MAX);
        }
        stream_of(self.stream(m), u64::from(self.installs[m as usize]))
    }

    /// KMS-CLI-7: a rearm (sysprep /generalize) gives the machine a new CMID.
    pub fn new_cmid(&mut self, m: MachineId) {
        self.installs[m as usize] += 1;
        self.cmid[m as usize] = self.install_cmid(m, true);
    }

    /// A reimage installs the fleet's image again: a cloned image brings back its shared
    /// CMID (KMS-COUNT-7), a generalized one a fresh id; rearms and the host cache reset.
    pub fn reinstall_image(&mut self, m: MachineId) {
        self.installs[m as usize] += 1;
        self.cmid[m as usize] = self.install_cmid(m, false);
        self.rearms_left[m as usize] = MAX_REARMS;
        self.last_host[m as usize] = NO_HOST;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kms_count_7_clones_share_one_cmid_until_rearmed() {
        let mut m = Machines::new(
            [
                ("clones".to_owned(), Image::Cloned),
                ("pcs".to_owned(), Image::Generalized),
            ]
            .into_iter(),
        );
        let a = m.add(0);
        let b = m.add(0);
        let c = m.add(1);
        let d = m.add(1);
        assert_eq!(m.cmid[a as usize], m.cmid[b as usize]);
        assert_ne!(m.cmid[c as usize], m.cmid[d as usize]);
        m.new_cmid(a);
        assert_ne!(m.cmid[a as usize], m.cmid[b as usize]);
        m.reinstall_image(a);
        assert_eq!(m.cmid[a as usize], m.cmid[b as usize]);
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
        let x = one.add(0);
        two.add(0);
        two.add(0);
        let y = two.add(1);
        assert_eq!(one.stream(x), two.stream(y));
        assert_eq!(one.cmid[x as usize], two.cmid[y as usize]);
    }
}
