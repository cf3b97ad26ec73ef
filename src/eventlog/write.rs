//! A run's synthetic event logs (`actsim run --event-log`): the host's 12290 for every
//! request a host answered, the client's 12288 for every request it sent (or, with
//! 0xC004F074, for an attempt no host answered) and 12289 for every answer, in the same
//! CSV and event XML layouts `actsim import kms-log` reads — so admins can test their own
//! monitoring scripts against a simulated outage, and a run's log imported again gives
//! back the run's counts.
//!
//! Decisions where the run has no value to log: machines are named
//! `FLEET-INDEX.DOMAIN` (lower case, spaces as `-`) and hosts `HOST.DOMAIN`; t = 0 is the
//! scenario's `start` at 00:00 UTC (2025-01-01 without one); the VM flag is 0; a product's
//! activation id is the first well-known one of its catalogue product, or for a product of
//! the scenario's own a GUID made from its name; a host that answered with a count logs
//! 0x0 (the count too low is the client's 0xC004F038, in its 12289); 12289 shows the
//! scenario's policy intervals (or the host's own), not changes made by `SetPolicy`.

#![allow(clippy::indexing_slicing)] // ids of fleets, hosts and products come from the model the run used, in range by construction

use super::time::{
    SECONDS_PER_DAY, TICKS_PER_SECOND, Ticks, days_from_civil, format_client, format_iso,
};
use super::{
    CLIENT_CSV, CLIENT_LOG, CLIENT_REQUEST, CLIENT_RESPONSE, HOST_CSV, HOST_EVENT, HOST_LOG,
    PROVIDER, format_guid, hresult,
};
use crate::code::Code;
use crate::model::{HostId, MachineId, Model};
use crate::probe::{KmsAnswer, KmsRequest, Probe};
use crate::time::{NEVER, SimTime};
use std::io::Write;

/// The probe that keeps every KMS request of a run.
#[derive(Debug, Default)]
pub struct EventLog {
    requests: Vec<KmsRequest>,
    /// Each machine's fleet and index in it (the probe hears them at creation).
    machines: Vec<(crate::model::FleetId, u32)>,
}

impl Probe for EventLog {
    fn created(&mut self, m: MachineId, fleet: crate::model::FleetId, index: u32) {
        if self.machines.len() <= m.index() {
            self.machines
                .resize(m.index() + 1, (crate::model::FleetId::FIRST, 0));
        }
        if let Some(slot) = self.machines.get_mut(m.index()) {
            *slot = (fleet, index);
        }
    }
    fn arrived(&mut self, _: MachineId, _: crate::model::FleetId, _: bool, _: SimTime) {}
    fn transition(
        &mut self,
        _: MachineId,
        _: crate::model::FleetId,
        _: crate::model::StateSet,
        _: Option<crate::probe::StateIndex>,
        _: Option<crate::probe::StateIndex>,
        _: SimTime,
    ) {
    }
    fn attempted(
        &mut self,
        _: MachineId,
        _: crate::model::FleetId,
        _: Code,
        _: SimTime,
        _: SimTime,
    ) {
    }
    fn offline(&mut self, _: MachineId, _: crate::model::FleetId, _: SimTime, _: SimTime) {}
    fn outcome(&mut self, _: MachineId, _: crate::model::FleetId, _: Code, _: SimTime) {}
    fn host_request(&mut self, _: HostId, _: crate::model::Pool, _: SimTime) {}
    fn host_count(
        &mut self,
        _: MachineId,
        _: HostId,
        _: crate::model::ProductId,
        _: u32,
        _: bool,
        _: SimTime,
    ) {
    }
    fn host_failure(&mut self, _: HostId, _: crate::model::Pool) {}
    fn stale_record(&mut self, _: crate::model::DomainId) {}
    fn kms_request(&mut self, r: &KmsRequest) {
        self.requests.push(*r);
    }
}

/// Windows' licence status numbers (12290's field 7) of actsim's licence states.
fn status(state: u8) -> u8 {
    match state {
        0 => 2, // initial grace
        1 => 1, // licensed
        2 => 3, // out-of-tolerance grace
        _ => 5, // notification
    }
}

/// The names and ids a log needs, from the model.
struct Names<'m> {
    model: &'m Model,
    base: Ticks,
}

impl Names<'_> {
    fn time(&self, t: SimTime) -> Ticks {
        self.base + t as i64 * TICKS_PER_SECOND
    }

    fn domain(&self, d: Option<crate::model::DomainId>) -> Option<&str> {
        d.map(|d| self.model.domains[d].name.as_str())
    }

    fn host(&self, h: HostId) -> String {
        let host = &self.model.kms.hosts[h];
        match self.domain(host.domain) {
            Some(d) => format!("{}.{d}", host.name),
            None => host.name.clone(),
        }
    }

    fn client(&self, log: &EventLog, m: MachineId, fleet: crate::model::FleetId) -> String {
        let f = &self.model.fleets[fleet];
        let index = log.machines.get(m.index()).map_or(0, |&(_, i)| i);
        let base = format!("{}-{index}", f.name.to_lowercase().replace(' ', "-"));
        match self.domain(f.domain) {
            Some(d) => format!("{base}.{d}"),
            None => base,
        }
    }

    fn sku(&self, product: crate::model::ProductId) -> u128 {
        let name = &self.model.products[product].name;
        crate::eventlog::skus::id_of(name).unwrap_or_else(|| {
            let h = crate::engine::random::name_hash(name);
            u128::from(h) << 64
                | u128::from(crate::engine::random::name_hash(&format!("{name}/sku")))
        })
    }
}

/// A machine's CMID as a GUID (its 64 bits and a mix of them).
fn cmid(c: u64) -> String {
    let mixed = c.wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(29);
    format_guid(u128::from(c) << 64 | u128::from(mixed))
}

/// One 12290's fields, in order.
fn host_fields(
    n: &Names<'_>,
    log: &EventLog,
    r: &KmsRequest,
    fleet: crate::model::FleetId,
) -> [String; 9] {
    let product = &n.model.products[r.product];
    let result = match r.answer {
        KmsAnswer::Refused(code) => refusal(code),
        _ => 0,
    };
    let skew = n.model.fleets[fleet].clock_skew;
    [
        hresult(result),
        product.threshold.to_string(),
        n.client(log, r.m, fleet),
        cmid(r.cmid),
        format_client(n.time(r.now) + skew * TICKS_PER_SECOND),
        "0".to_owned(),
        status(r.state).to_string(),
        minutes_left(r).to_string(),
        format_guid(n.sku(r.product)),
    ]
}

fn minutes_left(r: &KmsRequest) -> u64 {
    if r.deadline == NEVER {
        0
    } else {
        r.deadline.saturating_sub(r.now) / 60
    }
}

/// The HRESULT of a refusal code.
fn refusal(code: Code) -> u32 {
    u32::from_str_radix(code.as_str().trim_start_matches("0x"), 16).unwrap_or(0xC004_F074)
}

/// Writes the host events (12290) as CSV.
pub fn host_csv(model: &Model, log: &EventLog, w: &mut dyn Write) -> std::io::Result<()> {
    let n = names(model);
    let mut w = std::io::BufWriter::with_capacity(1 << 16, w);
    let mut csv = csv::Writer::from_writer(&mut w);
    csv.write_record(HOST_CSV)?;
    for r in log.requests.iter().filter(|r| r.host != HostId::NONE) {
        let fleet = fleet_of(model, log, r);
        let fields = host_fields(&n, log, r, fleet);
        let time = format_iso(n.time(r.now));
        let host = n.host(r.host);
        csv.write_record(
            [time.as_str(), host.as_str()]
                .into_iter()
                .chain(fields.iter().map(String::as_str)),
        )?;
    }
    csv.flush()?;
    drop(csv);
    w.flush()
}

fn xml_escape(s: &str) -> std::borrow::Cow<'_, str> {
    quick_xml::escape::escape(s)
}

fn xml_event(
    w: &mut dyn Write,
    id: u32,
    channel: &str,
    time: Ticks,
    record: u64,
    computer: &str,
    data: &[String],
) -> std::io::Result<()> {
    write!(
        w,
        "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System>\
         <Provider Name='{PROVIDER}' Guid='{{E23B33B0-C8C9-472C-A5F9-F2BDFEA0F156}}' \
         EventSourceName='Software Protection Platform Service'/>\
         <EventID Qualifiers='16384'>{id}</EventID><Version>0</Version><Level>4</Level>\
         <Task>0</Task><Opcode>0</Opcode><Keywords>0x80000000000000</Keywords>\
         <TimeCreated SystemTime='{}'/><EventRecordID>{record}</EventRecordID><Correlation/>\
         <Execution ProcessID='0' ThreadID='0'/><Channel>{channel}</Channel>\
         <Computer>{}</Computer><Security/></System><EventData>",
        format_iso(time),
        xml_escape(computer)
    )?;
    for d in data {
        write!(w, "<Data>{}</Data>", xml_escape(d))?;
    }
    w.write_all(b"</EventData></Event>\n")
}

/// Writes the host events (12290) as event XML, one `<Event>` per line.
pub fn host_xml(model: &Model, log: &EventLog, w: &mut dyn Write) -> std::io::Result<()> {
    let n = names(model);
    let mut w = std::io::BufWriter::with_capacity(1 << 16, w);
    for (i, r) in log
        .requests
        .iter()
        .filter(|r| r.host != HostId::NONE)
        .enumerate()
    {
        let fleet = fleet_of(model, log, r);
        let fields = host_fields(&n, log, r, fleet);
        xml_event(
            &mut w,
            HOST_EVENT,
            HOST_LOG,
            n.time(r.now),
            i as u64 + 1,
            &n.host(r.host),
            &fields,
        )?;
    }
    w.flush()
}

/// The client's events of one request: 12288 (sent, or not) and 12289 (the answer), each
/// as (id, time, computer, info).
fn client_events(
    n: &Names<'_>,
    log: &EventLog,
    r: &KmsRequest,
) -> Vec<(u32, Ticks, String, String)> {
    let model = n.model;
    let fleet = fleet_of(model, log, r);
    let product = &model.products[r.product];
    let me = n.client(log, r.m, fleet);
    let time = n.time(r.now);
    let client_time = format_client(time + model.fleets[fleet].clock_skew * TICKS_PER_SECOND);
    let (sent, server) = match r.answer {
        KmsAnswer::NoHost => (refusal(Code::NoHost), String::new()),
        _ => (
            0,
            format!("{}:{}", n.host(r.host), model.kms.hosts[r.host].port),
        ),
    };
    let request = format!(
        "{}, 0x8, {server}, {}, {client_time}, 0, {}, {}, {}, {}",
        hresult(sent),
        cmid(r.cmid),
        status(r.state),
        minutes_left(r),
        format_guid(n.sku(r.product)),
        product.threshold
    );
    let mut out = vec![(CLIENT_REQUEST, time, me.clone(), request)];
    let (result, bound, count) = match r.answer {
        KmsAnswer::NoHost => return out,
        KmsAnswer::Refused(code) => (refusal(code), 0, 0),
        KmsAnswer::Count(c) if c >= product.threshold => (0, 1, c),
        KmsAnswer::Count(c) => (refusal(Code::CountTooLow), 0, c),
    };
    let host = &model.kms.hosts[r.host];
    let activation = host
        .activation_interval
        .unwrap_or(model.policy.activation_interval)
        / 60;
    let renewal = host
        .renewal_interval
        .unwrap_or(model.policy.renewal_interval)
        / 60;
    out.push((
        CLIENT_RESPONSE,
        time,
        me,
        format!(
            "{}, 0x0, {bound}, 0, {count}, {activation}, {renewal}, {client_time}",
            hresult(result)
        ),
    ));
    out
}

/// Writes the client events (12288, 12289) as CSV: time, computer, id, info.
pub fn client_csv(model: &Model, log: &EventLog, w: &mut dyn Write) -> std::io::Result<()> {
    let n = names(model);
    let mut w = std::io::BufWriter::with_capacity(1 << 16, w);
    let mut csv = csv::Writer::from_writer(&mut w);
    csv.write_record(CLIENT_CSV)?;
    for r in &log.requests {
        for (id, time, computer, info) in client_events(&n, log, r) {
            csv.write_record([format_iso(time), computer, id.to_string(), info])?;
        }
    }
    csv.flush()?;
    drop(csv);
    w.flush()
}

/// Writes the client events (12288, 12289) as event XML.
pub fn client_xml(model: &Model, log: &EventLog, w: &mut dyn Write) -> std::io::Result<()> {
    let n = names(model);
    let mut w = std::io::BufWriter::with_capacity(1 << 16, w);
    let mut record = 0;
    for r in &log.requests {
        for (id, time, computer, info) in client_events(&n, log, r) {
            record += 1;
            xml_event(&mut w, id, CLIENT_LOG, time, record, &computer, &[info])?;
        }
    }
    w.flush()
}

fn names(model: &Model) -> Names<'_> {
    let base = model.start.map_or(days_from_civil(2025, 1, 1), |d| {
        use chrono::Datelike;
        days_from_civil(i64::from(d.year()), d.month(), d.day())
    });
    Names {
        model,
        base: base * SECONDS_PER_DAY * TICKS_PER_SECOND,
    }
}

fn fleet_of(_model: &Model, log: &EventLog, r: &KmsRequest) -> crate::model::FleetId {
    log.machines
        .get(r.m.index())
        .map_or(crate::model::FleetId::FIRST, |&(f, _)| f)
}

/// The files `--event-log` writes into a directory.
pub const DIR_FILES: [&str; 4] = [
    "kms-host-events.csv",
    "kms-host-events.xml",
    "client-events.csv",
    "client-events.xml",
];

/// Which host-event layout a `--event-log` path ending in `.csv` (0) or `.xml` (1) asks
/// for; None for a directory, which gets all four files.
pub fn single_file(path: &std::path::Path) -> Option<usize> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("csv") => Some(0),
        Some("xml") => Some(1),
        _ => None,
    }
}

/// Writes a run's event logs to `path`: a `.csv` or `.xml` file gets the host events
/// (12290) in that layout; any other path is a directory that gets `DIR_FILES`. All or
/// nothing, like every output (the directory, or the file's, gets actsim's marker).
pub fn write(path: &std::path::Path, model: &Model, log: &EventLog) -> Result<(), crate::Error> {
    let single = single_file(path);
    let (a, b, c, d) = (
        |w: &mut dyn Write| host_csv(model, log, w),
        |w: &mut dyn Write| host_xml(model, log, w),
        |w: &mut dyn Write| client_csv(model, log, w),
        |w: &mut dyn Write| client_xml(model, log, w),
    );
    let all: [crate::report::Streamed<'_>; 4] = [
        (DIR_FILES[0], &a),
        (DIR_FILES[1], &b),
        (DIR_FILES[2], &c),
        (DIR_FILES[3], &d),
    ];
    match single {
        Some(i) => {
            let dir = path
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(std::path::Path::new("."));
            let name = path.file_name().and_then(|n| n.to_str()).ok_or_else(|| {
                crate::Error::Usage(format!("{}: not a file name", path.display()))
            })?;
            let streamed = [(name, all[i].1)];
            crate::report::write_atomically_streamed(dir, &[], &streamed)
        }
        None => crate::report::write_atomically_streamed(path, &[], &all),
    }
}
