//! The KMS host: its CMID tables (one per count pool), key groups and activation state.
//!
//! Everything here is a pure function of the requests it is given, so each rule can be
//! tested without an engine.

#![allow(clippy::indexing_slicing)] // indices are ids of machines, hosts, keys and slots that the model and the world create, in range by construction (a bad one is a bug the tests must catch, not an input error)

use crate::code::Code;
use crate::model::{HostOs, KeyGroup, Pool, ProductModel};
use crate::time::SimTime;

/// What a client asks a host for: its product's count pool, key group, threshold and
/// generation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Asking {
    pub group: KeyGroup,
    pub pool: Pool,
    pub threshold: u32,
    pub generation: u8,
}

impl Asking {
    pub fn of(product: &ProductModel) -> Self {
        Asking {
            group: product.group,
            pool: product.pool,
            threshold: product.threshold,
            generation: product.generation,
        }
    }
}

/// A client machine id.
pub type Cmid = u64;

/// Time in the host's tables: signed, because machines that start `Activated` were last
/// seen before t = 0.
pub type Stamp = i64;

/// The largest clock difference a host tolerates (KMS-HOST-9).
pub const MAX_CLOCK_SKEW: i64 = 4 * 3_600;

/// One count pool's table of recently seen CMIDs, least recently seen first. Every host has
/// its own tables, so a branch or isolated segment with its own host meets the threshold
/// only with the machines that reach that host (NET-3).
///
/// It holds at most `2 × highest threshold seen` entries (at most 2 × `MAX_THRESHOLD`), so
/// linear scans are short and cache-friendly.
#[derive(Debug, Clone, Default)]
pub struct CmidTable {
    /// (cmid, last seen), ordered by last seen ascending. A ring buffer: a new requester is
    /// appended and the least recently seen leaves from the front, both without moving the
    /// others (a host at capacity does this on nearly every request).
    entries: std::collections::VecDeque<(Cmid, Stamp)>,
    capacity: usize,
    /// How many entries have each value of the CMID's low bits: a zero proves a CMID absent
    /// without scanning the table, which is the usual case with a large fleet (a counting
    /// filter; CMIDs are random 64-bit values, so their low bits are uniform).
    filter: Vec<u16>,
}

const FILTER_BITS: u32 = 10;

fn slot(cmid: Cmid) -> usize {
    (cmid & ((1 << FILTER_BITS) - 1)) as usize
}

impl CmidTable {
    /// KMS-COUNT-4: the capacity follows the highest threshold of products that have
    /// contacted this pool (2 × threshold) and never shrinks.
    pub fn note_threshold(&mut self, threshold: u32) {
        self.capacity = self.capacity.max(2 * threshold as usize);
    }

    pub fn capacity(&self) -> usize {
        self.capacity
    }

    fn forget(&mut self, cmid: Cmid) {
        self.filter[slot(cmid)] -= 1;
    }

    /// KMS-COUNT-3: the count a request would see at `now` without changing the table: the
    /// CMIDs seen within the retention window. Observation reads this; only requests expire
    /// entries, so sampling can never change a run.
    pub fn count_at(&self, now: Stamp, retention: SimTime) -> u32 {
        let oldest_kept = now.saturating_sub(retention as i64);
        let expired = self
            .entries
            .partition_point(|&(_, seen)| seen <= oldest_kept);
        (self.entries.len() - expired) as u32
    }

    /// KMS-COUNT-3: drops CMIDs not seen within the retention window.
    pub fn expire(&mut self, now: Stamp, retention: SimTime) {
        let oldest_kept = now.saturating_sub(retention as i64);
        while let Some(&(cmid, seen)) = self.entries.front() {
            if seen > oldest_kept {
                break;
            }
            self.entries.pop_front();
            self.forget(cmid);
        }
    }

    /// KMS-COUNT-1, KMS-COUNT-2, KMS-COUNT-4: records (or refreshes) `cmid` as seen at `seen`, evicting the least
    /// recently seen entry when full, and returns the count including the requester.
    pub fn register(&mut self, cmid: Cmid, seen: Stamp) -> u32 {
        if self.filter.is_empty() {
            self.filter = vec![0; 1 << FILTER_BITS];
        }
        if self.filter[slot(cmid)] > 0
            && let Some(i) = self.entries.iter().position(|&(c, _)| c == cmid)
        {
            self.entries.remove(i);
            self.forget(cmid);
        }
        // Keep the order by last seen; `seen` is normally the latest, so this is a push.
        if self.entries.back().is_none_or(|&(_, last)| last <= seen) {
            self.entries.push_back((cmid, seen));
        } else {
            let at = self.entries.partition_point(|&(_, s)| s <= seen);
            self.entries.insert(at, (cmid, seen));
        }
        self.filter[slot(cmid)] += 1;
        while self.entries.len() > self.capacity.max(1) {
            // The requester is the newest entry, so it is never the one evicted, except when
            // it was inserted in the past (initial state), where the order decides.
            if let Some((evicted, _)) = self.entries.pop_front() {
                self.forget(evicted);
            }
        }
        self.count()
    }

    /// The CMIDs held, least recently seen first, each with when it was last seen.
    pub fn entries(&self) -> impl Iterator<Item = (Cmid, Stamp)> + '_ {
        self.entries.iter().copied()
    }

    /// The number of distinct CMIDs in the table.
    pub fn count(&self) -> u32 {
        self.entries.len() as u32
    }

    /// KMS-COUNT-6: a service restart forgets every CMID (the capacity stays).
    pub fn clear(&mut self) {
        self.entries.clear();
        self.filter.fill(0);
    }
}

/// The answer of a host to one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reply {
    /// The request was valid: the count of the product's pool, requester included.
    Count(u32),
    /// The host answered but refused the request.
    Refused(Code),
}

/// The state of one KMS host during a run. Each host keeps its own tables (KMS-COUNT-8):
/// hosts sharing a fleet split its count. There is no limit on the clients one host serves
/// (KMS-HOST-5).
#[derive(Debug, Clone)]
pub struct KmsHost {
    /// Whether the host exists: built (not yet if an `AddHost` comes later) and not
    /// decommissioned (`RemoveHost`).
    pub present: bool,
    /// Whether the service answers at all (HostDown / HostUp; never while absent).
    pub up: bool,
    /// KMS-HOST-1, KMS-HOST-10: the host itself is activated with its host key.
    pub activated: bool,
    /// KMS-HOST-4: whether the host was ever activated with its key; only such a host has
    /// re-activations to use.
    ever_activated: bool,
    /// Re-activations left with its host key (KMS-HOST-4).
    pub reactivations_left: u32,
    keys: Vec<KeyGroup>,
    /// KMS-GEN-1: the generation of its host key.
    key_generation: u8,
    /// KMS-GEN-2: the newest key generation its OS can hold (None: any).
    os_generation: Option<u8>,
    /// Tables indexed by `Pool::index`.
    pools: [CmidTable; 2],
}

/// KMS-HOST-2: whether a host holding `keys` activates products of `group`. Windows key
/// groups are ordered Client VL < Server A < Server B < Server C and a key covers its group
/// and every group below; the Office key covers only Office.
pub fn covers(keys: &[KeyGroup], group: KeyGroup) -> bool {
    keys.iter().any(|&key| match (key, group) {
        (KeyGroup::Office, g) | (g, KeyGroup::Office) => g == KeyGroup::Office && key == group,
        (key, group) => key >= group,
    })
}

/// KMS-HOST-3: whether a host OS can hold a key group. Server Group keys need a server OS;
/// Client VL and Office host keys install on either.
pub fn os_can_hold(os: HostOs, key: KeyGroup) -> bool {
    os == HostOs::Server || matches!(key, KeyGroup::ClientVl | KeyGroup::Office)
}

impl KmsHost {
    pub fn new(
        keys: Vec<KeyGroup>,
        key_generation: u8,
        os_generation: Option<u8>,
        activated: bool,
        reactivations: u32,
    ) -> Self {
        KmsHost {
            present: true,
            up: true,
            activated,
            ever_activated: activated,
            reactivations_left: reactivations,
            keys,
            key_generation,
            os_generation,
            pools: Default::default(),
        }
    }

    /// KMS-HOST-2, KMS-GEN-1: whether this host's key activates the product: its group is
    /// covered and it is not newer than the key.
    pub fn serves(&self, asking: Asking) -> bool {
        covers(&self.keys, asking.group) && asking.generation <= self.key_generation
    }

    /// The generation of its host key (KMS-GEN-1).
    pub fn key_generation(&self) -> u8 {
        self.key_generation
    }

    /// KMS-GEN-2: whether its OS can hold a host key of `generation`.
    pub fn can_hold(&self, generation: u8) -> bool {
        self.os_generation.is_none_or(|o| generation <= o)
    }

    /// KMS-GEN-2: an update package lets the OS hold keys up to `os_generation` (it never
    /// lowers what the OS could hold). The service keeps running: the table stays.
    pub fn update_os(&mut self, os_generation: u8) {
        if let Some(o) = &mut self.os_generation {
            *o = (*o).max(os_generation);
        }
    }

    /// KMS-GEN-3: installs a new host key of `keys` and `generation`. If the OS cannot hold
    /// it (KMS-GEN-2) nothing changes and it returns false. Otherwise the key replaces the
    /// old one; `activated` says whether the key could activate the host (KMS-HOST-4), with
    /// `reactivations` left. The CMID table is kept (the service does not restart).
    pub fn install_key(
        &mut self,
        keys: Vec<KeyGroup>,
        generation: u8,
        activated: bool,
        reactivations: u32,
    ) -> bool {
        if !self.can_hold(generation) {
            return false;
        }
        self.keys = keys;
        self.key_generation = generation;
        self.activated = activated;
        self.ever_activated |= activated;
        self.reactivations_left = reactivations;
        true
    }

    pub fn pool(&self, pool: Pool) -> &CmidTable {
        &self.pools[pool.index()]
    }

    pub fn pool_mut(&mut self, pool: Pool) -> &mut CmidTable {
        &mut self.pools[pool.index()]
    }

    /// One request from a client that reached the host. Checks, in the host's order: host
    /// activated (KMS-HOST-10), client clock (KMS-HOST-9), key group and generation
    /// (KMS-HOST-2, KMS-GEN-1); then registers the CMID and returns the pool's count
    /// (KMS-COUNT-1, KMS-COUNT-2, KMS-COUNT-5).
    pub fn request(
        &mut self,
        cmid: Cmid,
        asking: Asking,
        now: Stamp,
        clock_skew: i64,
        retention: SimTime,
    ) -> Reply {
        if !self.activated {
            return Reply::Refused(Code::HostNotActivated);
        }
        if clock_skew.abs() > MAX_CLOCK_SKEW {
            return Reply::Refused(Code::ClockSkew);
        }
        if !self.serves(asking) {
            return Reply::Refused(Code::ProductRefused);
        }
        let table = self.pool_mut(asking.pool);
        table.note_threshold(asking.threshold);
        table.expire(now, retention);
        Reply::Count(table.register(cmid, now))
    }

    /// KMS-COUNT-6: a restart of the KMS service clears its tables when configured to.
    pub fn restart(&mut self, clears_cmids: bool) {
        if clears_cmids {
            self.pools.iter_mut().for_each(CmidTable::clear);
        }
    }

    /// KMS-COUNT-6: the service of a host that was down starts again when it comes back, so
    /// its tables are cleared as on a restart. A host that was up is not touched.
    pub fn come_back(&mut self, clears_cmids: bool) {
        if self.present && !self.up {
            self.up = true;
            self.restart(clears_cmids);
        }
    }

    /// `AddHost`: the host is built (or rebuilt after a `RemoveHost`): a new installation
    /// that starts serving with empty tables. A host that exists is not touched.
    pub fn build(&mut self) {
        if !self.present {
            self.present = true;
            self.up = true;
            self.pools = Default::default();
        }
    }

    /// `RemoveHost`: the host is decommissioned; it answers nobody from now on.
    pub fn decommission(&mut self) {
        self.present = false;
        self.up = false;
    }

    /// KMS-COUNT-6, KMS-COUNT-4: a reinstall is a new installation: empty tables whose
    /// capacity starts again from nothing. KMS-HOST-4: it must re-activate the host with its
    /// key, using one of the re-activations left — which only a host activated with that key
    /// before has; with none it stays unactivated (KMS-HOST-10).
    pub fn reinstall(&mut self) {
        self.pools = Default::default();
        if self.ever_activated && self.reactivations_left > 0 {
            self.reactivations_left -= 1;
            self.activated = true;
        } else {
            self.activated = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    const DAY: i64 = 86_400;
    const RETENTION: u64 = 30 * 86_400;

    fn host(keys: &[KeyGroup]) -> KmsHost {
        KmsHost::new(keys.to_vec(), 8, None, true, 9)
    }

    fn asking(group: KeyGroup, threshold: u32, generation: u8) -> Asking {
        let pool = if group == KeyGroup::Office {
            Pool::Office
        } else {
            Pool::Windows
        };
        Asking {
            group,
            pool,
            threshold,
            generation,
        }
    }

    fn ask(h: &mut KmsHost, cmid: Cmid, group: KeyGroup, threshold: u32, now: i64) -> Reply {
        h.request(cmid, asking(group, threshold, 1), now, 0, RETENTION)
    }

    /// KMS-COUNT-1, KMS-COUNT-2: the count includes the requester.
    #[test]
    fn kms_count_1_2_first_two_clients_get_one_and_two() {
        let mut h = host(&[KeyGroup::ServerC]);
        assert_eq!(ask(&mut h, 1, KeyGroup::ClientVl, 25, 0), Reply::Count(1));
        assert_eq!(ask(&mut h, 2, KeyGroup::ClientVl, 25, 0), Reply::Count(2));
        // KMS-COUNT-1: asking again refreshes, it does not add.
        assert_eq!(ask(&mut h, 1, KeyGroup::ClientVl, 25, 10), Reply::Count(2));
    }

    /// KMS-COUNT-4
    #[test]
    fn kms_count_4_capacity_grows_from_10_to_50_and_never_shrinks() {
        let mut t = CmidTable::default();
        t.note_threshold(5);
        assert_eq!(t.capacity(), 10);
        for c in 0..20 {
            t.register(c, c as i64);
        }
        assert_eq!(t.count(), 10, "only servers asked: 2 × 5");
        t.note_threshold(25);
        assert_eq!(t.capacity(), 50);
        t.note_threshold(5);
        assert_eq!(t.capacity(), 50, "never shrinks");
        for c in 100..200 {
            t.register(c, c as i64);
        }
        assert_eq!(t.count(), 50);
    }

    /// KMS-COUNT-4
    #[test]
    fn kms_count_4_evicts_the_least_recently_seen() {
        let mut t = CmidTable::default();
        t.note_threshold(1); // capacity 2
        t.register(1, 0);
        t.register(2, 1);
        t.register(1, 2); // 1 refreshed: 2 is now the oldest
        t.register(3, 3);
        assert_eq!(t.count(), 2);
        // 2 was evicted: registering it again still gives 2 (it replaces 1, the oldest now).
        assert_eq!(t.register(2, 4), 2);
        assert!(t.entries.iter().all(|&(c, _)| c != 1));
    }

    /// KMS-COUNT-3
    #[test]
    fn kms_count_3_entries_expire_after_the_retention_window() {
        let mut h = host(&[KeyGroup::ServerC]);
        ask(&mut h, 1, KeyGroup::ClientVl, 25, 0);
        ask(&mut h, 2, KeyGroup::ClientVl, 25, 10 * DAY);
        // At day 30 exactly, CMID 1 (seen at 0) has not been seen within 30 days: gone.
        assert_eq!(
            ask(&mut h, 3, KeyGroup::ClientVl, 25, 30 * DAY),
            Reply::Count(2)
        );
        assert_eq!(
            ask(&mut h, 4, KeyGroup::ClientVl, 25, 41 * DAY),
            Reply::Count(2)
        );
    }

    /// KMS-COUNT-5
    #[test]
    fn kms_count_5_server_joins_the_client_count_office_keeps_its_own() {
        let mut h = host(&[KeyGroup::ServerC, KeyGroup::Office]);
        for c in 1..=3 {
            ask(&mut h, c, KeyGroup::ClientVl, 25, 0);
        }
        assert_eq!(ask(&mut h, 10, KeyGroup::ServerC, 5, 1), Reply::Count(4));
        assert_eq!(ask(&mut h, 20, KeyGroup::Office, 5, 2), Reply::Count(1));
        assert_eq!(h.pool(Pool::Windows).count(), 4);
        assert_eq!(h.pool(Pool::Office).count(), 1);
    }

    /// KMS-COUNT-6
    #[test]
    fn kms_count_6_restart_clears_the_table() {
        let mut h = host(&[KeyGroup::ServerC]);
        for c in 1..=30 {
            ask(&mut h, c, KeyGroup::ClientVl, 25, 0);
        }
        h.restart(true);
        assert_eq!(ask(&mut h, 1, KeyGroup::ClientVl, 25, 5), Reply::Count(1));
        h.restart(false);
        assert_eq!(ask(&mut h, 2, KeyGroup::ClientVl, 25, 6), Reply::Count(2));
    }

    /// KMS-COUNT-7
    #[test]
    fn kms_count_7_a_shared_cmid_counts_once() {
        let mut h = host(&[KeyGroup::ServerC]);
        for t in 0..30 {
            assert_eq!(ask(&mut h, 42, KeyGroup::ClientVl, 25, t), Reply::Count(1));
        }
    }

    /// KMS-COUNT-8
    #[test]
    fn kms_count_8_each_host_has_its_own_table() {
        let mut a = host(&[KeyGroup::ServerC]);
        let mut b = host(&[KeyGroup::ServerC]);
        for c in 0..40 {
            let h = if c % 2 == 0 { &mut a } else { &mut b };
            ask(h, c, KeyGroup::ClientVl, 25, 0);
        }
        assert_eq!(a.pool(Pool::Windows).count(), 20);
        assert_eq!(b.pool(Pool::Windows).count(), 20);
    }

    /// KMS-HOST-2
    #[test]
    fn kms_host_2_key_group_hierarchy() {
        use KeyGroup::*;
        assert!(covers(&[ServerC], ClientVl));
        assert!(covers(&[ServerC], ServerA));
        assert!(covers(&[ServerB], ServerB));
        assert!(!covers(&[ServerA], ServerB));
        assert!(!covers(&[ClientVl], ServerA));
        assert!(!covers(&[ServerC], Office));
        assert!(covers(&[ServerC, Office], Office));
        assert!(!covers(&[Office], ClientVl));
        let mut h = host(&[ClientVl]);
        assert_eq!(
            ask(&mut h, 1, ServerA, 5, 0),
            Reply::Refused(Code::ProductRefused)
        );
        // A refused request is not a valid one: it does not enter the table (KMS-COUNT-1).
        assert_eq!(h.pool(Pool::Windows).count(), 0);
    }

    /// KMS-HOST-3: a client OS holds the Client VL key for Windows and, as the *Volume Licensing FAQ*
    /// says of Windows 7, an Office host key too; only a server OS holds Server Group keys.
    #[test]
    fn kms_host_3_client_os_holds_only_client_vl_and_office() {
        assert!(os_can_hold(HostOs::Client, KeyGroup::ClientVl));
        assert!(os_can_hold(HostOs::Client, KeyGroup::Office));
        assert!(!os_can_hold(HostOs::Client, KeyGroup::ServerA));
        assert!(!os_can_hold(HostOs::Client, KeyGroup::ServerB));
        assert!(!os_can_hold(HostOs::Client, KeyGroup::ServerC));
        assert!(os_can_hold(HostOs::Server, KeyGroup::ServerC));
        assert!(os_can_hold(HostOs::Server, KeyGroup::Office));
    }

    /// KMS-HOST-1, KMS-HOST-10
    #[test]
    fn kms_host_1_10_unactivated_host_refuses() {
        let mut h = KmsHost::new(vec![KeyGroup::ServerC], 8, None, false, 0);
        assert_eq!(
            ask(&mut h, 1, KeyGroup::ClientVl, 25, 0),
            Reply::Refused(Code::HostNotActivated)
        );
    }

    /// KMS-HOST-4
    #[test]
    fn kms_host_4_reinstall_uses_reactivations() {
        let mut h = KmsHost::new(vec![KeyGroup::ServerC], 8, None, true, 1);
        ask(&mut h, 1, KeyGroup::ClientVl, 25, 0);
        h.reinstall();
        assert!(h.activated);
        assert_eq!(h.pool(Pool::Windows).count(), 0);
        h.reinstall();
        assert!(!h.activated, "no re-activation left");
    }

    /// KMS-HOST-4: a 7th host on a 6-host key was never activated with it, so it has no
    /// re-activation to use: a reinstall leaves it unactivated.
    #[test]
    fn kms_host_4_a_host_never_activated_stays_unactivated_after_reinstall() {
        let mut seventh = KmsHost::new(vec![KeyGroup::ServerC], 8, None, false, 9);
        seventh.reinstall();
        assert!(!seventh.activated);
        assert_eq!(
            ask(&mut seventh, 1, KeyGroup::ClientVl, 25, 0),
            Reply::Refused(Code::HostNotActivated)
        );
    }

    /// KMS-COUNT-6, KMS-COUNT-4: a reinstalled host starts from an empty table whose capacity
    /// grows again from nothing (10 after servers only).
    #[test]
    fn kms_count_6_reinstall_resets_the_capacity() {
        let mut h = host(&[KeyGroup::ServerC]);
        ask(&mut h, 1, KeyGroup::ClientVl, 25, 0);
        assert_eq!(h.pool(Pool::Windows).capacity(), 50);
        h.reinstall();
        assert_eq!(h.pool(Pool::Windows).capacity(), 0);
        for c in 10..30 {
            ask(&mut h, c, KeyGroup::ServerC, 5, 1);
        }
        assert_eq!(
            h.pool(Pool::Windows).count(),
            10,
            "2 × 5 after servers only"
        );
    }

    /// KMS-COUNT-6: a host that comes back after being down has restarted its service.
    #[test]
    fn kms_count_6_a_host_coming_back_up_starts_from_an_empty_table() {
        let mut h = host(&[KeyGroup::ServerC]);
        for c in 1..=30 {
            ask(&mut h, c, KeyGroup::ClientVl, 25, 0);
        }
        h.come_back(true);
        assert_eq!(
            h.pool(Pool::Windows).count(),
            30,
            "it was up: nothing restarts"
        );
        h.up = false;
        h.come_back(true);
        assert!(h.up);
        assert_eq!(ask(&mut h, 99, KeyGroup::ClientVl, 25, 5), Reply::Count(1));
    }

    /// KMS-COUNT-3: reading the count at an instant changes nothing.
    #[test]
    fn kms_count_3_reading_the_count_does_not_expire_entries() {
        let mut t = CmidTable::default();
        t.note_threshold(25);
        t.register(1, 0);
        t.register(2, 10 * DAY);
        assert_eq!(t.count_at(30 * DAY, RETENTION), 1);
        assert_eq!(t.count_at(30 * DAY, 60 * 86_400), 2);
        assert_eq!(t.count(), 2, "the table still holds both");
    }

    /// KMS-GEN-1: a host key of generation g activates its groups' products of generation
    /// g and older; a newer product is refused (0xC004F042) and not counted.
    #[test]
    fn kms_gen_1_a_newer_product_is_refused() {
        let mut h = KmsHost::new(vec![KeyGroup::ServerC], 5, None, true, 9);
        let win10 = asking(KeyGroup::ClientVl, 25, 5);
        let win11 = asking(KeyGroup::ClientVl, 25, 7);
        let win7 = asking(KeyGroup::ClientVl, 25, 2);
        assert_eq!(h.request(1, win10, 0, 0, RETENTION), Reply::Count(1));
        assert_eq!(h.request(2, win7, 0, 0, RETENTION), Reply::Count(2));
        assert_eq!(
            h.request(3, win11, 0, 0, RETENTION),
            Reply::Refused(Code::ProductRefused)
        );
        assert_eq!(h.pool(Pool::Windows).count(), 2);
    }

    /// KMS-GEN-2: an OS that cannot hold the key keeps its old one; the update package lets
    /// it.
    #[test]
    fn kms_gen_2_the_os_limits_the_key_until_updated() {
        let mut h = KmsHost::new(vec![KeyGroup::ServerC], 5, Some(5), true, 9);
        assert!(!h.install_key(vec![KeyGroup::ServerC], 7, true, 9));
        assert_eq!(h.key_generation(), 5, "the old key stays");
        h.update_os(7);
        assert!(h.can_hold(7));
        h.update_os(6);
        assert!(h.can_hold(7), "an update never lowers what the OS holds");
        assert!(h.install_key(vec![KeyGroup::ServerC], 7, true, 9));
        assert_eq!(h.key_generation(), 7);
    }

    /// KMS-GEN-3: installing a key activates the host with it and keeps the CMID table.
    #[test]
    fn kms_gen_3_a_new_key_keeps_the_table() {
        let mut h = KmsHost::new(vec![KeyGroup::ServerC], 5, None, true, 9);
        for c in 1..=30 {
            ask(&mut h, c, KeyGroup::ClientVl, 25, 0);
        }
        assert!(h.install_key(vec![KeyGroup::ServerC], 7, true, 9));
        assert!(h.activated);
        assert_eq!(h.pool(Pool::Windows).count(), 30);
        let win11 = asking(KeyGroup::ClientVl, 25, 7);
        assert_eq!(h.request(99, win11, 1, 0, RETENTION), Reply::Count(31));
        // A key that cannot activate the host (its host limit reached) leaves it refusing.
        assert!(h.install_key(vec![KeyGroup::ServerC], 7, false, 0));
        assert_eq!(
            h.request(100, win11, 2, 0, RETENTION),
            Reply::Refused(Code::HostNotActivated)
        );
    }

    /// KMS-HOST-9
    #[test]
    fn kms_host_9_clock_skew_over_four_hours_is_refused() {
        let mut h = host(&[KeyGroup::ServerC]);
        let r = |h: &mut KmsHost, skew| {
            h.request(1, asking(KeyGroup::ClientVl, 25, 1), 0, skew, RETENTION)
        };
        assert_eq!(r(&mut h, 4 * 3600), Reply::Count(1));
        assert_eq!(r(&mut h, -5 * 3600), Reply::Refused(Code::ClockSkew));
    }

    proptest::proptest! {
        // A fixed seed, as the integration tests' `proptest_config`: the same cases on
        // every run; the default configuration reads PROPTEST_RNG_SEED to explore others.
        #![proptest_config({
            let mut config = proptest::test_runner::Config::default();
            if std::env::var_os("PROPTEST_RNG_SEED").is_none() {
                config.rng_seed = proptest::test_runner::RngSeed::Fixed(0x00AC_7513);
            }
            config
        })]
        /// KMS-COUNT-4, KMS-COUNT-3, KMS-COUNT-6: whatever the requests, restarts and
        /// reinstalls, a table never holds more than its capacity, the capacity never
        /// shrinks except on a reinstall, the count a request returns includes the
        /// requester, and reading a count never exceeds the table.
        #[test]
        fn kms_count_4_the_count_never_exceeds_a_capacity_that_only_a_reinstall_shrinks(
            ops in proptest::collection::vec((0u8..8, 0u64..120, 0i64..(3 * DAY), 0u8..3), 1..400)
        ) {
            let mut h = host(&[KeyGroup::ServerC, KeyGroup::Office]);
            let mut now = 0;
            let mut capacity = [0usize; 2];
            for (op, cmid, step, product) in ops {
                now += step;
                let (group, threshold) = match product {
                    0 => (KeyGroup::ClientVl, 25),
                    1 => (KeyGroup::ServerC, 5),
                    _ => (KeyGroup::Office, 5),
                };
                match op {
                    0 => h.restart(true),
                    1 => {
                        h.reinstall();
                        capacity = [0; 2];
                    }
                    _ => {
                        let before = h.pool(asking(group, threshold, 1).pool).count();
                        if let Reply::Count(c) = ask(&mut h, cmid, group, threshold, now) {
                            proptest::prop_assert!(c >= 1);
                            proptest::prop_assert!(c as usize <= before as usize + 1);
                        }
                    }
                }
                for pool in Pool::ALL {
                    let table = h.pool(pool);
                    proptest::prop_assert!(table.count() as usize <= table.capacity().max(1));
                    proptest::prop_assert!(table.capacity() >= capacity[pool.index()]);
                    proptest::prop_assert!(table.count_at(now, RETENTION) <= table.count());
                    capacity[pool.index()] = table.capacity();
                }
            }
        }
    }
}
