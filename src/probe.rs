//! What the simulation tells whoever watches it: the one seam between the model and its
//! observers (the observer's counters and samples, `actsim trace`'s tracer).
//!
//! A probe only receives; nothing it does can reach back into the simulation (a sample
//! gets shared references only), so observation never changes a run. The world is generic
//! over its probe, so a plain run compiles the tracer's hooks away: the text-building
//! closures of `tried` and `discovery` are never called unless a probe asks for them.

use crate::code::Code;
use crate::model::{
    DomainId, FleetId, HostId, KeyInstall, LicenseKeyId, MachineId, MakKeyId, Pool, ProductId,
    StateSet,
};
use crate::time::SimTime;

/// Why a Kaspersky device's key slots changed (for `actsim trace`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeysCause {
    /// A synchronisation with its server (KSC-4 to KSC-6, KSC-8, KSC-11).
    Sync,
    /// KSC-5: its active key expired and it switched to its reserve by itself.
    ReserveActivated,
    /// Its active key expired without a reserve; keeping a connection (KSC-3), it got a
    /// new key from its server at once.
    ExpiredSync,
    /// KSC-9: re-installed, it lost its keys.
    Reinstalled,
}

impl KeysCause {
    /// What happened, in the trace's words.
    pub fn words(self) -> &'static str {
        match self {
            KeysCause::Sync => "Kaspersky sync",
            KeysCause::ReserveActivated => "key expired: reserve key activated",
            KeysCause::ExpiredSync => "key expired: new key from the server",
            KeysCause::Reinstalled => "re-installed: keys removed",
        }
    }
}

/// What happened to a domain's SRV records (reported with the host or record's name).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DnsEvent {
    /// DNS-3: a host's registration was refused (another host owns the record).
    RegistrationRefused,
    /// An admin removed records (`RemoveSrv`); clients stop seeing them at the instant given.
    Removed,
    /// DNS-4: a decommissioned host's record aged out (scavenging); gone at the instant given.
    AgedOut,
}

impl DnsEvent {
    pub fn as_str(self) -> &'static str {
        match self {
            DnsEvent::RegistrationRefused => "registration_refused",
            DnsEvent::Removed => "record_removed",
            DnsEvent::AgedOut => "record_aged_out",
        }
    }
}

/// Something that happened to a domain's SRV records (repeated refusals of one host counted
/// on its first record).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DnsRecord {
    pub domain: crate::model::DomainId,
    pub target: String,
    pub event: DnsEvent,
    pub at: SimTime,
    /// The last of repeated refusals.
    pub last: SimTime,
    pub count: u64,
}

/// The state a machine leaves or enters: its index in its family (`StateSet`).
pub type StateIndex = u8;

/// What became of one KMS request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KmsAnswer {
    /// The host answered with this count (KMS-COUNT-2).
    Count(u32),
    /// The host answered but refused.
    Refused(Code),
    /// The attempt ended without any host answering (0xC004F074).
    NoHost,
}

/// One KMS request as event logs record it (12290 on the host, 12288 and 12289 on the
/// client): who asked whom, in which licence state, and the answer.
#[derive(Debug, Clone, Copy)]
pub struct KmsRequest {
    pub m: MachineId,
    /// The host asked (`HostId::NONE` for `NoHost`).
    pub host: HostId,
    pub product: ProductId,
    pub cmid: u64,
    /// The machine's licence state when it asked (`LicenceState` index).
    pub state: StateIndex,
    /// When that state ends (`NEVER`: not at all).
    pub deadline: SimTime,
    pub answer: KmsAnswer,
    pub now: SimTime,
}

/// Everything a probe may read at a sample instant.
pub struct Sample<'a> {
    pub now: SimTime,
    /// Whether the instant is on the output grid (else it is only checked by an `at`
    /// expectation).
    pub on_grid: bool,
    /// Per fleet, the present machines offline now.
    pub offline: &'a [u64],
    /// Each KMS host's current count per pool (`Pool::index` order), as a request would see
    /// it now: CMIDs seen within the retention window (KMS-COUNT-3). None while the host
    /// does not exist (before `AddHost`, after `RemoveHost`).
    pub host_counts: &'a [Option<[u32; 2]>],
}

pub trait Probe {
    /// A machine was created (it has not arrived yet): its fleet and index in the fleet.
    fn created(&mut self, _m: MachineId, _fleet: FleetId, _index: u32) {}

    /// A machine of the scenario's initial count (`scheduled`) or added by the timeline
    /// arrived.
    fn arrived(&mut self, m: MachineId, fleet: FleetId, scheduled: bool, now: SimTime);

    /// A machine enters (`from` None), leaves (`to` None) or changes state in `set`.
    fn transition(
        &mut self,
        m: MachineId,
        fleet: FleetId,
        set: StateSet,
        from: Option<StateIndex>,
        to: Option<StateIndex>,
        now: SimTime,
    );

    /// An attempt ended with `code`; the next one is due at `next`.
    fn attempted(&mut self, m: MachineId, fleet: FleetId, code: Code, next: SimTime, now: SimTime);

    /// An attempt ended without an outcome: the method acts for the machine later (a
    /// telephone call placed, a proxy's batch awaited), at `until` (`NEVER`: it calls back).
    fn waiting(&mut self, _m: MachineId, _fleet: FleetId, _until: SimTime, _now: SimTime) {}

    /// One activation of MAK `key` was used: `used` so far, `remaining` left (MAK-1).
    fn mak_activation(&mut self, _key: MakKeyId, _used: u64, _remaining: u64, _now: SimTime) {}

    /// An attempt fell due while the machine was offline; it waits until `until` (NET-2).
    fn offline(&mut self, m: MachineId, fleet: FleetId, until: SimTime, now: SimTime);

    /// A licence change that is no attempt: notification mode (0xC004F009) or a hardware
    /// change (0xC004F00F).
    fn outcome(&mut self, m: MachineId, fleet: FleetId, code: Code, now: SimTime);

    /// A machine was retired.
    fn retired(&mut self, _m: MachineId, _now: SimTime) {}

    /// A machine of `fleet` was licensed until `from` and now until `to` (`NEVER`: not
    /// licensed, or licensed for good) — every renewal moves it.
    fn licensed_until(&mut self, _fleet: FleetId, _from: SimTime, _to: SimTime) {}

    /// A request reached KMS host `h` and was answered (a count or a refusal).
    fn host_request(&mut self, h: HostId, pool: Pool, now: SimTime);

    /// Host `h` replied to machine `m` (of `product`) with `count`; `activating` if the
    /// count met the product's threshold.
    fn host_count(
        &mut self,
        m: MachineId,
        h: HostId,
        product: ProductId,
        count: u32,
        activating: bool,
        now: SimTime,
    );

    /// A KMS request was answered, or an attempt found no host to answer it (for event
    /// logs: only a probe that asks pays for building it).
    fn kms_request(&mut self, _r: &KmsRequest) {}

    /// KMS-GEN-3: a host key of `generation` was installed on host `h`, with this result.
    fn key_install(&mut self, _h: HostId, _generation: u8, _result: KeyInstall, _now: SimTime) {}

    /// KSC-10: licence key `key` is now held by `active_on` devices as active and
    /// `reserve_on` as reserve.
    fn ksc_usage(&mut self, _key: LicenseKeyId, _active_on: u64, _reserve_on: u64, _now: SimTime) {}

    /// A Kaspersky device's key slots changed at a synchronisation or an expiry (KSC-9).
    fn ksc_keys(
        &mut self,
        _m: MachineId,
        _active: Option<LicenseKeyId>,
        _reserve: Option<LicenseKeyId>,
        _cause: KeysCause,
        _now: SimTime,
    ) {
    }

    /// An attempt picked host `h` but could not reach it.
    fn host_failure(&mut self, h: HostId, pool: Pool);

    /// Something happened to domain `d`'s SRV records for `target` (a host's or a record's
    /// name), effective at `at`.
    fn dns_event(&mut self, _d: DomainId, _target: &str, _event: DnsEvent, _at: SimTime) {}

    /// An attempt picked a stale SRV record of domain `d` (DNS-4).
    fn stale_record(&mut self, d: DomainId);

    /// Whether this probe wants the words of machine `m`'s attempt (`tried`, `discovery`).
    fn wants_words(&self, _m: MachineId) -> bool {
        false
    }

    /// A host tried in the attempt under way, and what it did (only if `wants_words`).
    fn tried(&mut self, _m: MachineId, _target: String, _result: String) {}

    /// How the attempt under way found its host (only if `wants_words`).
    fn discovery(&mut self, _m: MachineId, _how: String) {}

    /// A sample instant: read what is needed, change nothing.
    fn sample(&mut self, _sample: &Sample<'_>) {}
}

/// Two probes fed the same happenings, in order (a traced run that also keeps counters).
impl<A: Probe, B: Probe> Probe for (A, B) {
    fn created(&mut self, m: MachineId, fleet: FleetId, index: u32) {
        self.0.created(m, fleet, index);
        self.1.created(m, fleet, index);
    }
    fn arrived(&mut self, m: MachineId, fleet: FleetId, scheduled: bool, now: SimTime) {
        self.0.arrived(m, fleet, scheduled, now);
        self.1.arrived(m, fleet, scheduled, now);
    }
    fn transition(
        &mut self,
        m: MachineId,
        fleet: FleetId,
        set: StateSet,
        from: Option<StateIndex>,
        to: Option<StateIndex>,
        now: SimTime,
    ) {
        self.0.transition(m, fleet, set, from, to, now);
        self.1.transition(m, fleet, set, from, to, now);
    }
    fn attempted(&mut self, m: MachineId, fleet: FleetId, code: Code, next: SimTime, now: SimTime) {
        self.0.attempted(m, fleet, code, next, now);
        self.1.attempted(m, fleet, code, next, now);
    }
    fn offline(&mut self, m: MachineId, fleet: FleetId, until: SimTime, now: SimTime) {
        self.0.offline(m, fleet, until, now);
        self.1.offline(m, fleet, until, now);
    }
    fn waiting(&mut self, m: MachineId, fleet: FleetId, until: SimTime, now: SimTime) {
        self.0.waiting(m, fleet, until, now);
        self.1.waiting(m, fleet, until, now);
    }
    fn mak_activation(&mut self, key: MakKeyId, used: u64, remaining: u64, now: SimTime) {
        self.0.mak_activation(key, used, remaining, now);
        self.1.mak_activation(key, used, remaining, now);
    }
    fn outcome(&mut self, m: MachineId, fleet: FleetId, code: Code, now: SimTime) {
        self.0.outcome(m, fleet, code, now);
        self.1.outcome(m, fleet, code, now);
    }
    fn retired(&mut self, m: MachineId, now: SimTime) {
        self.0.retired(m, now);
        self.1.retired(m, now);
    }
    fn licensed_until(&mut self, fleet: FleetId, from: SimTime, to: SimTime) {
        self.0.licensed_until(fleet, from, to);
        self.1.licensed_until(fleet, from, to);
    }
    fn host_request(&mut self, h: HostId, pool: Pool, now: SimTime) {
        self.0.host_request(h, pool, now);
        self.1.host_request(h, pool, now);
    }
    fn host_count(
        &mut self,
        m: MachineId,
        h: HostId,
        product: ProductId,
        count: u32,
        activating: bool,
        now: SimTime,
    ) {
        self.0.host_count(m, h, product, count, activating, now);
        self.1.host_count(m, h, product, count, activating, now);
    }
    fn kms_request(&mut self, r: &KmsRequest) {
        self.0.kms_request(r);
        self.1.kms_request(r);
    }
    fn host_failure(&mut self, h: HostId, pool: Pool) {
        self.0.host_failure(h, pool);
        self.1.host_failure(h, pool);
    }
    fn dns_event(&mut self, d: DomainId, target: &str, event: DnsEvent, at: SimTime) {
        self.0.dns_event(d, target, event, at);
        self.1.dns_event(d, target, event, at);
    }
    fn key_install(&mut self, h: HostId, generation: u8, result: KeyInstall, now: SimTime) {
        self.0.key_install(h, generation, result, now);
        self.1.key_install(h, generation, result, now);
    }
    fn ksc_usage(&mut self, key: LicenseKeyId, active_on: u64, reserve_on: u64, now: SimTime) {
        self.0.ksc_usage(key, active_on, reserve_on, now);
        self.1.ksc_usage(key, active_on, reserve_on, now);
    }
    fn ksc_keys(
        &mut self,
        m: MachineId,
        active: Option<LicenseKeyId>,
        reserve: Option<LicenseKeyId>,
        cause: KeysCause,
        now: SimTime,
    ) {
        self.0.ksc_keys(m, active, reserve, cause, now);
        self.1.ksc_keys(m, active, reserve, cause, now);
    }
    fn stale_record(&mut self, d: DomainId) {
        self.0.stale_record(d);
        self.1.stale_record(d);
    }
    fn wants_words(&self, m: MachineId) -> bool {
        self.0.wants_words(m) || self.1.wants_words(m)
    }
    fn tried(&mut self, m: MachineId, target: String, result: String) {
        self.0.tried(m, target.clone(), result.clone());
        self.1.tried(m, target, result);
    }
    fn discovery(&mut self, m: MachineId, how: String) {
        self.0.discovery(m, how.clone());
        self.1.discovery(m, how);
    }
    fn sample(&mut self, sample: &Sample<'_>) {
        self.0.sample(sample);
        self.1.sample(sample);
    }
}
