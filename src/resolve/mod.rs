//! From the scenario file to a `Model`: read, parse, then resolve every name, check every
//! cross-reference and enforce every limit. Errors point at the offending text
//! (`FILE:LINE:COLUMN`).
//!
//! One resolver per concept, in the order names become known: the network (sites, links,
//! domains), each method's servers (KMS hosts and keys), products, policy, fleets, the
//! timeline, the expectations. Each adds what it declares to the name table `Known`, so
//! later ones resolve references through it, never by searching a list.

#![allow(clippy::indexing_slicing)] // indices are positions checked just before, in the scenario text or the parsed lists

mod expect;
mod fleets;
pub mod limits;
mod network;
mod policy;
mod products;
mod timeline;

use crate::error::Error;
use crate::methods::kms::resolve as kms;
use crate::methods::ksc::resolve as ksc;
use crate::methods::mak::resolve as mak;
use crate::model::{DomainId, FleetId, MakKeyId, Model, ProductId, SimTime, SiteId};
use crate::scenario::check::{Checker, Names, Result};
use crate::scenario::locate::Locator;
use crate::scenario::schema;
use chrono::NaiveDate;
use ron::extensions::Extensions;
use std::path::Path;

/// The most machines one scenario may hold, counting every `AddMachines`. Each machine costs
/// about 150 bytes while it runs; this keeps a run within a few GiB.
pub const MAX_MACHINES: u64 = 20_000_000;
/// The longest run: twenty years (the event queue orders times up to 2³⁰ s, 34 years).
pub const MAX_DURATION: SimTime = 20 * 365 * 86_400;
/// The most time-series samples a run may take (duration / sample_every).
pub const MAX_SAMPLES: u64 = 1_000_000;
/// The largest activation threshold; a host's CMID table holds twice the highest.
pub const MAX_THRESHOLD: u32 = 10_000;
/// The most timeline events (their index is 32 bits in the event queue).
pub const MAX_TIMELINE: usize = 1_000_000;
/// The built-in site where the vendor's activation service lives.
pub const INTERNET: &str = "internet";

/// Every name declared so far, with its id.
pub struct Known {
    pub sites: Names<SiteId>,
    pub domains: Names<DomainId>,
    pub products: Names<ProductId>,
    pub fleets: Names<FleetId>,
    pub kms: kms::KmsNames,
    pub mak_keys: Names<MakKeyId>,
    pub ksc: ksc::KscNames,
}

/// Reads and validates a scenario file. A file that cannot be read is an I/O error (74);
/// anything wrong with its content is a scenario error (65) with its position.
pub fn load(path: &Path) -> std::result::Result<Model, Error> {
    let bytes = read_scenario(path)?;
    parse(&path.display().to_string(), &bytes)
}

/// Reads a scenario file, stopping at `MAX_INPUT` bytes (`/dev/zero` is not a scenario).
pub fn read_scenario(path: &Path) -> std::result::Result<Vec<u8>, Error> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut bytes = Vec::new();
    file.take(limits::MAX_INPUT + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(path, e))?;
    if bytes.len() as u64 > limits::MAX_INPUT {
        return Err(Error::Scenario {
            file: path.display().to_string(),
            line: 1,
            column: 1,
            message: format!(
                "the file is larger than {} MB, the limit for a scenario (is it a scenario file?)",
                limits::MAX_INPUT / (1024 * 1024)
            ),
        });
    }
    Ok(bytes)
}

/// Parses and validates scenario text; `file` names it in error messages.
pub fn parse(file: &str, bytes: &[u8]) -> std::result::Result<Model, Error> {
    let (source, parsed) = parse_schema(file, bytes)?;
    validate(file, source, parsed)
}

/// Parses scenario text into its schema, before validation (`actsim sweep` edits it there).
pub fn parse_schema<'b>(
    file: &str,
    bytes: &'b [u8],
) -> std::result::Result<(&'b str, schema::Scenario), Error> {
    let source = std::str::from_utf8(bytes).map_err(|e| {
        let valid = &bytes[..e.valid_up_to()];
        let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = valid.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let column = String::from_utf8_lossy(&valid[line_start..])
            .chars()
            .count()
            + 1;
        Error::Scenario {
            file: file.to_owned(),
            line,
            column,
            message: "the file is not UTF-8 text (is it a scenario file?)".to_owned(),
        }
    })?;
    let options = ron::Options::default().with_default_extension(Extensions::IMPLICIT_SOME);
    let parsed: schema::Scenario = options.from_str(source).map_err(|e| {
        let (line, column) = (e.span.start.line.max(1), e.span.start.col.max(1));
        Error::Scenario {
            file: file.to_owned(),
            line,
            column,
            message: crate::scenario::messages::explain(source, line, column, &e.code.to_string()),
        }
    })?;
    Ok((source, parsed))
}

/// A `start` date: exactly `YYYY-MM-DD`, a real calendar day.
fn parse_date(text: &str) -> Option<NaiveDate> {
    let shape = text.len() == 10 && text.as_bytes()[4] == b'-' && text.as_bytes()[7] == b'-';
    shape.then(|| NaiveDate::parse_from_str(text, "%Y-%m-%d").ok())?
}

/// The first-line comment of the file, which by convention states the scenario's question.
fn question(source: &str) -> Option<String> {
    let first = source.lines().next()?.trim();
    let text = first.strip_prefix("//")?.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

/// Validates a parsed (possibly edited) scenario; errors point into `source`.
pub fn validate(file: &str, source: &str, s: schema::Scenario) -> Result<Model> {
    let c = Checker {
        file,
        locator: Locator::new(source),
    };
    if s.name.trim().is_empty() {
        return Err(c.error(&["name:"], "the scenario name is empty"));
    }
    if s.name.chars().count() > limits::MAX_TITLE {
        return Err(c.error(
            &["name:"],
            format!(
                "the scenario name is {} characters long, over the limit of {}",
                s.name.chars().count(),
                limits::MAX_TITLE
            ),
        ));
    }
    if s.name.chars().any(char::is_control) {
        return Err(c.error(
            &["name:"],
            "the scenario name holds a control character (a tab, a line break…)",
        ));
    }
    let duration = c.positive(&["duration:"], "duration", s.duration)?;
    if duration > MAX_DURATION {
        return Err(c.error(
            &["duration:"],
            "duration is longer than the limit of 20 years (7300d)",
        ));
    }
    let sample_every = c.positive(&["sample_every:"], "sample_every", s.sample_every)?;
    if duration / sample_every > MAX_SAMPLES {
        return Err(c.error(
            &["sample_every:"],
            format!(
                "sample_every \"{}\" gives {} samples, over the limit of {MAX_SAMPLES}",
                s.sample_every,
                duration / sample_every
            ),
        ));
    }
    let start = match &s.start {
        None => None,
        Some(text) => Some(parse_date(text).ok_or_else(|| {
            c.error(
                &["start:"],
                format!("start {text:?} is not a date written YYYY-MM-DD"),
            )
        })?),
    };

    let net = network::resolve(&c, &s)?;
    let (products, product_names) = products::resolve(&c, &s.products)?;
    // KMS-GEN-1: a host's key defaults to the newest generation among the products the
    // fleets use (and the scenario declares), so scenarios that never mention generations
    // behave as if every host served every product.
    let newest = s
        .fleets
        .iter()
        .filter_map(|f| product_names.get(&f.product))
        .map(|p| products[p].generation)
        .chain(s.products.iter().map(|p| p.generation.unwrap_or(1)))
        .max()
        .unwrap_or(1);
    let (kms_model, kms_names) = kms::servers(&c, &s, &net.site_names, &net.domain_names, newest)?;
    let (mak_keys, mak_names) = mak::keys(&c, &s.mak_keys)?;
    let (ksc_model, ksc_names) = ksc::servers(&c, &s.ksc_servers, &net.site_names)?;
    let base_policy = policy::base(&c, &s.policy)?;
    let mut known = Known {
        sites: net.site_names,
        domains: net.domain_names,
        products: product_names,
        fleets: Names::new("fleet"),
        kms: kms_names,
        mak_keys: mak_names,
        ksc: ksc_names,
    };
    let (mut fleets, mut machines) = fleets::resolve(&c, &s, &mut known, &base_policy, duration)?;
    kms::check_sites(&c, &kms_model)?;
    let mut kms_model = kms_model;
    kms_model.start_tables = kms::start_tables(
        &c,
        &s,
        &known,
        &products,
        &mut fleets,
        base_policy.cmid_retention,
    )?;
    for d in net.domains.iter() {
        c.not_internet(d.dns_site, &["domains", &format!("\"{}\"", d.name)])?;
    }
    let timeline = timeline::resolve(
        &c,
        &s,
        &known,
        &net.links,
        &ksc_model,
        duration,
        &mut machines,
    )?;
    if machines > MAX_MACHINES {
        return Err(c.error(
            &["fleets"],
            format!(
                "the scenario holds {machines} machines in all (fleets plus AddMachines), \
                 over the limit of {MAX_MACHINES}"
            ),
        ));
    }
    let expect = expect::resolve(&c, &s.expect, &known, &fleets, duration)?;

    let model = Model {
        name: s.name,
        question: question(source),
        source: source.to_owned(),
        seed: s.seed,
        start,
        duration,
        sample_every,
        sites: net.sites,
        links: net.links,
        domains: net.domains,
        products,
        fleets,
        kms: kms_model,
        mak_keys,
        ksc: ksc_model,
        policy: base_policy,
        timeline,
        expect,
    };
    let values = limits::samples(&model).saturating_mul(limits::series(&model));
    if values > limits::MAX_SAMPLE_VALUES {
        return Err(c.error(
            &["sample_every:", "duration:"],
            format!(
                "sampling every {} keeps {} samples × {} series = {} values, over the limit \
                 of {} (about 300 MB); sample less often",
                crate::time::human(sample_every),
                crate::numbers::thousands(limits::samples(&model)),
                limits::series(&model),
                crate::numbers::thousands(values),
                crate::numbers::thousands(limits::MAX_SAMPLE_VALUES)
            ),
        ));
    }
    Ok(model)
}
