//! `actsim import kms-log FILE... --out DIR`: the requests KMS hosts logged (event 12290),
//! replayed through actsim's own host model (`methods::kms::host`, the code a run uses),
//! so the counts it reports are the counts the rules give: per request, per host and pool
//! over time, and the state of every host's table at the end, from which a scenario of
//! the network as it stands continues (`skeleton`).
//!
//! What the replay assumes, because the log does not say: every host's table was empty
//! when its log starts (so counts are complete only one retention window, 30 days, after
//! the first event — `complete` in requests.csv says from when); the service never
//! restarted (12290 events do not show restarts); requests logged with 0x0 or 0xC004F038
//! were valid and counted (KMS-COUNT-1), any other result was a refusal that did not enter
//! the table. Each host keeps its own table per pool (KMS-COUNT-5, KMS-COUNT-8).

#![allow(clippy::indexing_slicing)] // ids of hosts, activation ids, CMIDs and requests are positions in the interned tables of the same log, in range by construction

mod findings;
mod skeleton;
pub use skeleton::name as skeleton_name;

use crate::error::Error;
use crate::eventlog::read::LogReader;
use crate::eventlog::record::Record;
use crate::eventlog::time::{SECONDS_PER_DAY, TICKS_PER_SECOND, Ticks, format_date, format_iso};
use crate::eventlog::{HOST_EVENT, format_guid, hresult};
use crate::methods::kms::host::{Asking, CmidTable, KmsHost, Reply};
use crate::model::{KeyGroup, Pool, ProductModel};
use crate::report::tables::{PoolSample, RunTables};
use std::hash::{BuildHasherDefault, Hasher};

/// A fast hasher for interning (FxHash's multiply-rotate): the log's strings and GUIDs are
/// looked up once per request, and SipHash's protection against crafted collisions buys
/// nothing for a file the user exported from their own hosts. Iteration order is insertion
/// order whatever the hasher, so outputs do not depend on it.
#[derive(Default, Clone, Copy)]
struct Fx(u64);

impl Hasher for Fx {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
    }
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }
    fn write_u128(&mut self, i: u128) {
        self.add(i as u64);
        self.add((i >> 64) as u64);
    }
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
}

impl Fx {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

type IndexSet<T> = indexmap::IndexSet<T, BuildHasherDefault<Fx>>;
use std::io::Write;
use std::path::{Path, PathBuf};

/// How long a host keeps a CMID (KMS-COUNT-3, rules.md's default).
pub const RETENTION: i64 = 30 * SECONDS_PER_DAY;
/// The default renewal interval (KMS-CLI-3): a client silent for longer than this and a
/// day is not reaching any host.
pub const RENEWAL: i64 = 7 * SECONDS_PER_DAY;
/// How long a licence lasts without renewal (KMS-CLI-4, rules.md's default).
pub const VALIDITY: i64 = 180 * SECONDS_PER_DAY;
/// The refusal that still counts the requester: the count was too low (KMS-CLI-8).
const COUNT_TOO_LOW: u32 = 0xC004_F038;

/// One logged request, compact (the log's strings are interned).
#[derive(Debug, Clone, Copy)]
struct Request {
    ticks: Ticks,
    /// Position in the input, so equal times keep the order they were read in.
    seq: u32,
    host: u16,
    sku: u16,
    client: u32,
    cmid: u32,
    result: u32,
    threshold: u16,
    state: u8,
    /// The count the host model answered (or held, for a refusal).
    count: u32,
}

/// A product as the import knows it, from its activation id.
#[derive(Debug, Clone)]
struct Sku {
    id: u128,
    /// A catalogue product, or the id itself when it is not a well-known one.
    product: ProductModel,
    known: bool,
}

/// Every request of the input, interned and in time order.
pub struct Log {
    requests: Vec<Request>,
    hosts: IndexSet<Box<str>>,
    clients: IndexSet<Box<str>>,
    cmids: IndexSet<u128>,
    skus: Vec<Sku>,
    sku_ids: IndexSet<u128>,
    /// Events of other ids in the input (12288, 12293...), passed over.
    other_events: u64,
    /// Each input file and its number of requests.
    files: Vec<(String, u64)>,
}

/// What one CMID did over the log.
#[derive(Debug, Clone, Default)]
struct Client {
    /// The FQDNs it was logged under, in order of appearance (several: clones).
    names: Vec<u32>,
    /// Its last request (index into `Log::requests`).
    last: usize,
    requests: u32,
    failed: u32,
}

/// The replay's results.
struct Replay {
    /// The instant of the first sample: midnight before the first event.
    day0: i64,
    /// Samples at every midnight from `day0` to `end` (seconds since 1970).
    times: Vec<i64>,
    /// `[host][pool][sample]`.
    samples: Vec<[Vec<PoolSample>; 2]>,
    /// The midnight after the last event: the generated scenario's t = 0.
    end: i64,
    /// Each host's tables at `end`.
    tables: Vec<KmsHost>,
    clients: Vec<Client>,
}

/// An import error at a line of an input file.
fn at_line(file: &Path, line: u64, message: impl Into<String>) -> Error {
    Error::Input {
        file: file.display().to_string(),
        line,
        message: message.into(),
    }
}

/// Reads every 12290 event of `files` (XML or CSV, told apart by content).
pub fn read(files: &[PathBuf]) -> Result<Log, Error> {
    let catalogue = crate::model::catalogue::builtin();
    let mut log = Log {
        requests: Vec::new(),
        hosts: IndexSet::default(),
        clients: IndexSet::default(),
        cmids: IndexSet::default(),
        skus: Vec::new(),
        sku_ids: IndexSet::default(),
        other_events: 0,
        files: Vec::new(),
    };
    let mut record = Record::default();
    // The earliest and latest events, with where they are: a log spanning more than a
    // scenario can (a date typed wrong, a clock reset) is refused naming both.
    let mut span: Option<[(Ticks, usize, u64); 2]> = None;
    for (file_index, path) in files.iter().enumerate() {
        let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
        let mut reader = LogReader::new(file).map_err(|e| at_line(path, e.line, e.message))?;
        let mut n = 0u64;
        loop {
            let more = reader
                .next(&mut record)
                .map_err(|e| at_line(path, e.line, e.message))?;
            if !more {
                break;
            }
            if crate::interrupt::requested() {
                return Err(Error::Interrupted);
            }
            if record.event_id != HOST_EVENT {
                log.other_events += 1;
                continue;
            }
            let r = record
                .host_request()
                .map_err(|e| at_line(path, e.line, e.message))?;
            if r.host.is_empty() {
                return Err(at_line(
                    path,
                    record.line,
                    "the event names no computer (host)",
                ));
            }
            let intern = |set: &mut IndexSet<Box<str>>, s: &str| -> usize {
                match set.get_index_of(s) {
                    Some(i) => i,
                    None => set.insert_full(s.into()).0,
                }
            };
            let host = intern(&mut log.hosts, r.host);
            let client = intern(&mut log.clients, r.client);
            let cmid = log.cmids.insert_full(r.cmid).0;
            let (sku, new) = log.sku_ids.insert_full(r.sku);
            if new {
                log.skus.push(sku_of(&catalogue, r.sku, r.threshold));
            }
            let too_many = |what: &str| {
                at_line(
                    path,
                    record.line,
                    format!("more than 65,535 {what}: not a KMS log actsim can import"),
                )
            };
            let seq = u32::try_from(log.requests.len())
                .map_err(|_| at_line(path, record.line, "more than 4 billion requests"))?;
            let here = (r.time, file_index, record.line);
            span = Some(match span {
                None => [here; 2],
                Some([first, last]) => [
                    if here.0 < first.0 { here } else { first },
                    if here.0 > last.0 { here } else { last },
                ],
            });
            log.requests.push(Request {
                ticks: r.time,
                seq,
                host: u16::try_from(host).map_err(|_| too_many("hosts"))?,
                sku: u16::try_from(sku).map_err(|_| too_many("activation ids"))?,
                client: client as u32,
                cmid: cmid as u32,
                result: r.result,
                threshold: r.threshold as u16,
                state: r.state,
                count: 0,
            });
            n += 1;
        }
        log.files.push((path.display().to_string(), n));
    }
    if log.requests.is_empty() {
        let file = files.first().map(|p| p.as_path()).unwrap_or(Path::new("-"));
        return Err(at_line(
            file,
            1,
            format!(
                "no KMS host request (event {HOST_EVENT}) in the input{}",
                if log.other_events > 0 {
                    format!(" ({} events of other ids)", log.other_events)
                } else {
                    String::new()
                }
            ),
        ));
    }
    // The replay and its chart run from the midnight before the first event to the one
    // after the last: that span must be one a scenario can have.
    if let Some([first, last]) = span
        && (midnight_before(seconds(last.0)) + SECONDS_PER_DAY - midnight_before(seconds(first.0)))
            as u64
            > crate::resolve::MAX_DURATION
    {
        return Err(at_line(
            &files[last.1],
            last.2,
            format!(
                "this event ({}) is too long after the one at {}:{} ({}): the days they span \
                 are more than 7,300 (20 years), longer than a scenario can replay: is one of \
                 the two dates wrong?",
                format_iso(last.0),
                files[first.1].display(),
                first.2,
                format_iso(first.0)
            ),
        ));
    }
    log.requests.sort_unstable_by_key(|r| (r.ticks, r.seq));
    Ok(log)
}

/// The product of an activation id: a catalogue product when the id is well known, else a
/// product named by the id with the logged threshold (a Windows client at 25, else a
/// server: the log cannot tell a server from Office by the count alone).
fn sku_of(catalogue: &[ProductModel], id: u128, threshold: u32) -> Sku {
    if let Some(p) = crate::eventlog::skus::product_of(id)
        .and_then(|name| catalogue.iter().find(|p| p.name == name))
    {
        return Sku {
            id,
            product: p.clone(),
            known: true,
        };
    }
    Sku {
        id,
        product: ProductModel {
            name: format_guid(id),
            threshold,
            pool: Pool::Windows,
            group: if threshold >= 25 {
                KeyGroup::ClientVl
            } else {
                KeyGroup::ServerC
            },
            grace: None,
            generation: 1,
        },
        known: false,
    }
}

fn seconds(t: Ticks) -> i64 {
    t.div_euclid(TICKS_PER_SECOND)
}

fn midnight_before(s: i64) -> i64 {
    s.div_euclid(SECONDS_PER_DAY) * SECONDS_PER_DAY
}

/// KMS-COUNT-1: a request the host processed (0x0) or answered with a count too low
/// (0xC004F038) entered its table; any other result was refused before counting.
fn counted(result: u32) -> bool {
    result == 0 || result == COUNT_TOO_LOW
}

/// Replays every request, in time order, through one `KmsHost` per logged host.
fn replay(log: &mut Log) -> Replay {
    let first = log.requests.first().map_or(0, |r| seconds(r.ticks));
    let last = log.requests.last().map_or(0, |r| seconds(r.ticks));
    let day0 = midnight_before(first);
    let end = midnight_before(last) + SECONDS_PER_DAY;
    // Every host holds every key: the log only shows what the real host did with each
    // request, and refusals are taken from the log, not decided again.
    let mut hosts: Vec<KmsHost> = log
        .hosts
        .iter()
        .map(|_| {
            KmsHost::new(
                vec![KeyGroup::ServerC, KeyGroup::Office],
                u8::MAX,
                None,
                true,
                0,
            )
        })
        .collect();
    let mut samples: Vec<[Vec<PoolSample>; 2]> =
        log.hosts.iter().map(|_| [Vec::new(), Vec::new()]).collect();
    let mut pending: Vec<[PoolSample; 2]> = vec![[PoolSample::default(); 2]; log.hosts.len()];
    let mut times = Vec::new();
    let mut next_sample = day0;
    let mut clients = vec![Client::default(); log.cmids.len()];
    let take = |t: i64,
                hosts: &[KmsHost],
                pending: &mut Vec<[PoolSample; 2]>,
                samples: &mut Vec<[Vec<PoolSample>; 2]>,
                times: &mut Vec<i64>| {
        times.push(t);
        for ((host, p), s) in hosts.iter().zip(pending.iter_mut()).zip(samples.iter_mut()) {
            for pool in Pool::ALL {
                let i = pool.index();
                let count = host.pool(pool).count_at(t, RETENTION as u64);
                s[i].push(PoolSample {
                    count: Some(u64::from(count)),
                    ..p[i]
                });
                p[i] = PoolSample::default();
            }
        }
    };
    for (i, r) in log.requests.iter_mut().enumerate() {
        let now = seconds(r.ticks);
        // A sample shows the state at the end of its instant, as a run's does: requests at
        // exactly midnight are in it.
        while next_sample < now {
            take(next_sample, &hosts, &mut pending, &mut samples, &mut times);
            next_sample += SECONDS_PER_DAY;
        }
        let sku = &log.skus[usize::from(r.sku)];
        let asking = Asking {
            group: sku.product.group,
            pool: sku.product.pool,
            threshold: u32::from(r.threshold),
            generation: 1,
        };
        let host = &mut hosts[usize::from(r.host)];
        let pool = sku.product.pool;
        r.count = if counted(r.result) {
            match host.request(u64::from(r.cmid), asking, now, 0, RETENTION as u64) {
                Reply::Count(c) => c,
                Reply::Refused(_) => host.pool(pool).count_at(now, RETENTION as u64),
            }
        } else {
            host.pool(pool).count_at(now, RETENTION as u64)
        };
        let p = &mut pending[usize::from(r.host)][pool.index()];
        p.requests += 1;
        if r.result != 0 {
            p.failures += 1;
        }
        let c = &mut clients[r.cmid as usize];
        if !c.names.contains(&r.client) {
            c.names.push(r.client);
        }
        c.last = i;
        c.requests += 1;
        if r.result != 0 {
            c.failed += 1;
        }
    }
    while next_sample <= end {
        take(next_sample, &hosts, &mut pending, &mut samples, &mut times);
        next_sample += SECONDS_PER_DAY;
    }
    Replay {
        day0,
        times,
        samples,
        end,
        tables: hosts,
        clients,
    }
}

impl Log {
    fn host(&self, h: u16) -> &str {
        self.hosts.get_index(usize::from(h)).map_or("", |s| s)
    }
    fn client(&self, c: u32) -> &str {
        self.clients.get_index(c as usize).map_or("", |s| s)
    }
    fn cmid(&self, c: u32) -> u128 {
        self.cmids
            .get_index(c as usize)
            .copied()
            .unwrap_or_default()
    }
    fn sku(&self, s: u16) -> &Sku {
        &self.skus[usize::from(s)]
    }
}

/// Whether a client was licensed after its last request: the host processed it and the
/// count met its threshold, or it was licensed already and the request left it so
/// (a renewal that did not reach the threshold keeps the licence until it ends).
fn licensed(r: &Request) -> bool {
    r.result == 0 && (r.count >= u32::from(r.threshold) || r.state == 1)
}

/// What `import kms-log` produces.
pub struct Imported {
    /// The findings, problems first, one per line.
    pub findings: Vec<String>,
    /// One line saying what was read.
    pub summary: String,
}

/// Reads `files`, replays them and writes every output into `out`, all or nothing.
pub fn import(files: &[PathBuf], out: &Path) -> Result<Imported, Error> {
    let mut log = read(files)?;
    let replay = replay(&mut log);
    let skeleton = skeleton::Skeleton::new(&log, &replay);
    let scenario = skeleton.text(true);
    // The generated scenario must be valid: a failure here is a bug, reported, not written.
    crate::parse("scenario.ron", scenario.as_bytes()).map_err(|e| Error::Data {
        path: out.join("scenario.ron"),
        message: format!("the generated scenario is invalid (please report it): {e}"),
    })?;
    let findings = findings::findings(&log, &replay);
    let chart = chart(&skeleton, &replay, out)?;
    let mut text = findings.join("\n");
    text.push('\n');
    let files_out: Vec<(&str, Vec<u8>)> = vec![
        ("findings.txt", text.into_bytes()),
        ("hosts.csv", hosts_csv(&log, &replay)),
        ("clients.csv", clients_csv(&log, &replay)),
        ("scenario.ron", scenario.into_bytes()),
        ("kms-count.svg", chart.svg.into_bytes()),
        ("kms-count.png", chart.png),
    ];
    let requests = |w: &mut dyn Write| requests_csv(&log, &replay, w);
    crate::report::write_atomically_streamed(out, &files_out, &[("requests.csv", &requests)])?;
    let first = log.requests.first().map_or(0, |r| r.ticks);
    let last = log.requests.last().map_or(0, |r| r.ticks);
    Ok(Imported {
        findings,
        summary: format!(
            "read {} requests of {} clients from {} host{} ({} to {}); {} wrote requests.csv, \
             hosts.csv, clients.csv, findings.txt, kms-count.svg/.png and scenario.ron (the \
             network on {})",
            crate::numbers::thousands(log.requests.len() as u64),
            crate::numbers::thousands(log.cmids.len() as u64),
            log.hosts.len(),
            if log.hosts.len() == 1 { "" } else { "s" },
            format_iso(first),
            format_iso(last),
            out.display(),
            format_date(replay.end * TICKS_PER_SECOND),
        ),
    })
}

/// The count chart a run draws, over the log's days.
fn chart(
    skeleton: &skeleton::Skeleton<'_>,
    replay: &Replay,
    out: &Path,
) -> Result<crate::report::chart::Rendered, Error> {
    let text = skeleton.chart_scenario();
    let model = crate::parse("kms-log", text.as_bytes()).map_err(|e| Error::Data {
        path: out.join("kms-count.svg"),
        message: format!("the chart's scenario is invalid (please report it): {e}"),
    })?;
    let tables = RunTables {
        times: replay
            .times
            .iter()
            .map(|&t| (t - replay.day0) as u64)
            .collect(),
        hosts: replay.samples.clone(),
        ..RunTables::default()
    };
    crate::report::chart::render(&crate::report::chart::KmsCount::new(&model, &tables)).map_err(
        |message| Error::Data {
            path: out.join("kms-count.svg"),
            message,
        },
    )
}

fn csv_line(w: &mut dyn Write, fields: &[&str]) -> std::io::Result<()> {
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            w.write_all(b",")?;
        }
        if f.contains([',', '"', '\n', '\r']) {
            write!(w, "\"{}\"", f.replace('"', "\"\""))?;
        } else {
            w.write_all(f.as_bytes())?;
        }
    }
    w.write_all(b"\n")
}

/// `requests.csv`: every request in time order with the count the host model gives.
fn requests_csv(log: &Log, replay: &Replay, w: &mut dyn Write) -> std::io::Result<()> {
    let mut w = std::io::BufWriter::with_capacity(1 << 16, w);
    csv_line(
        &mut w,
        &[
            "time",
            "host",
            "client",
            "cmid",
            "activation_id",
            "product",
            "pool",
            "threshold",
            "result",
            "count",
            "meets_threshold",
            "complete",
        ],
    )?;
    let complete_from = replay.day0 + RETENTION;
    // Each CMID's and activation id's text once, not once per request.
    let cmids: Vec<String> = log.cmids.iter().map(|&c| format_guid(c)).collect();
    let skus: Vec<String> = log.skus.iter().map(|s| format_guid(s.id)).collect();
    let hresults: Vec<(u32, String)> = {
        let mut codes: Vec<u32> = log.requests.iter().map(|r| r.result).collect();
        codes.sort_unstable();
        codes.dedup();
        codes.into_iter().map(|c| (c, hresult(c))).collect()
    };
    let mut time = String::with_capacity(32);
    for r in &log.requests {
        let sku = log.sku(r.sku);
        time.clear();
        crate::eventlog::time::push_iso(&mut time, r.ticks);
        let result = hresults
            .iter()
            .find(|(c, _)| *c == r.result)
            .map_or("", |(_, t)| t.as_str());
        csv_line(
            &mut w,
            &[
                &time,
                log.host(r.host),
                log.client(r.client),
                &cmids[r.cmid as usize],
                &skus[usize::from(r.sku)],
                &sku.product.name,
                sku.product.pool.as_str(),
                itoa(&mut [0; 10], u32::from(r.threshold)),
                result,
                itoa(&mut [0; 10], r.count),
                if r.count >= u32::from(r.threshold) {
                    "true"
                } else {
                    "false"
                },
                if seconds(r.ticks) >= complete_from {
                    "true"
                } else {
                    "false"
                },
            ],
        )?;
    }
    w.flush()
}

/// A number's decimal digits, written into `buf` (no allocation per row).
fn itoa(buf: &mut [u8; 10], mut n: u32) -> &str {
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    std::str::from_utf8(&buf[i..]).unwrap_or("0")
}

/// `hosts.csv`: per midnight, per host and pool, the count and the requests since the
/// previous midnight (`refused`: those logged with a result other than 0x0).
fn hosts_csv(log: &Log, replay: &Replay) -> Vec<u8> {
    let mut w = Vec::new();
    let _ = csv_line(
        &mut w,
        &[
            "time_s", "day", "date", "host", "pool", "count", "requests", "refused",
        ],
    );
    for (k, &t) in replay.times.iter().enumerate() {
        for (h, pools) in replay.samples.iter().enumerate() {
            for pool in Pool::ALL {
                let s = pools[pool.index()].get(k).copied().unwrap_or_default();
                let _ = csv_line(
                    &mut w,
                    &[
                        &(t - replay.day0).to_string(),
                        &((t - replay.day0) / SECONDS_PER_DAY).to_string(),
                        &format_date(t * TICKS_PER_SECOND),
                        log.host(h as u16),
                        pool.as_str(),
                        &s.count.unwrap_or_default().to_string(),
                        &s.requests.to_string(),
                        &s.failures.to_string(),
                    ],
                );
            }
        }
    }
    w
}

/// `clients.csv`: one row per CMID.
fn clients_csv(log: &Log, replay: &Replay) -> Vec<u8> {
    let mut w = Vec::new();
    let _ = csv_line(
        &mut w,
        &[
            "cmid",
            "names",
            "product",
            "last_host",
            "last_request",
            "days_since",
            "requests",
            "failed",
            "licensed",
            "silent",
            "in_table",
        ],
    );
    let last_event = log.requests.last().map_or(0, |r| seconds(r.ticks));
    for (i, c) in replay.clients.iter().enumerate() {
        let r = &log.requests[c.last];
        let names: Vec<&str> = c.names.iter().map(|&n| log.client(n)).collect();
        let since = last_event - seconds(r.ticks);
        let _ = csv_line(
            &mut w,
            &[
                &format_guid(log.cmid(i as u32)),
                &names.join(";"),
                &log.sku(r.sku).product.name,
                log.host(r.host),
                &format_iso(r.ticks),
                &format!("{:.1}", since as f64 / SECONDS_PER_DAY as f64),
                &c.requests.to_string(),
                &c.failed.to_string(),
                if licensed(r) { "true" } else { "false" },
                if findings::silent(since) {
                    "true"
                } else {
                    "false"
                },
                if in_any_table(&replay.tables, i as u32, replay.end) {
                    "true"
                } else {
                    "false"
                },
            ],
        );
    }
    w
}

/// Whether CMID `c` is in a host's table at `t` (seen within the retention window).
fn in_any_table(hosts: &[KmsHost], c: u32, t: i64) -> bool {
    hosts.iter().any(|h| {
        Pool::ALL
            .iter()
            .any(|&p| table_holds(h.pool(p), u64::from(c), t))
    })
}

fn table_holds(table: &CmidTable, cmid: u64, t: i64) -> bool {
    table
        .entries()
        .any(|(c, seen)| c == cmid && seen > t - RETENTION)
}
