//! `actsim import kms-log` on one million logged requests (two hosts, 50,000 clients
//! renewing every 7 days for 20 weeks), in the CSV and the event XML layout, outputs
//! included. `cargo bench --bench import`. The input is generated once into a temporary
//! directory (about 180 MB of CSV, 900 MB of XML).

use std::io::Write;
use std::path::{Path, PathBuf};

fn main() {
    divan::main();
}

const CLIENTS: u64 = 50_000;
const WEEKS: u64 = 20;
const SKUS: [(&str, u32); 3] = [
    ("73111121-5638-40f6-bc11-f1d7b0d64300", 25),
    ("ef6cfc9f-8c5d-44ac-9aad-de6a2ea0ae03", 5),
    ("85dd8b5f-eaa4-4af3-a628-cce9e77c9a03", 5),
];

/// The n-th request: (seconds since 2024-01-01, host, client, sku).
fn request(n: u64) -> (u64, u64, u64, usize) {
    let week = n / CLIENTS;
    let client = n % CLIENTS;
    let t = week * 7 * 86_400 + client * (7 * 86_400 / CLIENTS);
    (t, client % 2, client, (client % 10).min(2) as usize)
}

fn time(t: u64) -> String {
    // 2024-01-01 is day 19,723 since 1970.
    let seconds = 19_723 * 86_400 + t as i64;
    actsim::eventlog::time::format_iso(seconds * actsim::eventlog::time::TICKS_PER_SECOND)
}

fn fields(n: u64) -> (String, String, [String; 9]) {
    let (t, host, client, sku) = request(n);
    let (id, threshold) = SKUS[sku];
    (
        time(t),
        format!("kms{}.corp.example", host + 1),
        [
            "0x0".into(),
            threshold.to_string(),
            format!("pc{client}.corp.example"),
            format!("{client:08x}-0000-4000-8000-{:012x}", client * 7919),
            "2024/1/1 0:00".into(),
            "0".into(),
            "1".into(),
            "259200".into(),
            id.into(),
        ],
    )
}

fn generate(dir: &Path) -> (PathBuf, PathBuf) {
    let csv = dir.join("kms.csv");
    let xml = dir.join("kms.xml");
    let mut c = std::io::BufWriter::new(std::fs::File::create(&csv).unwrap());
    let mut x = std::io::BufWriter::new(std::fs::File::create(&xml).unwrap());
    writeln!(c, "{}", actsim::eventlog::HOST_CSV.join(",")).unwrap();
    for n in 0..CLIENTS * WEEKS {
        let (t, host, f) = fields(n);
        writeln!(c, "{t},{host},{}", f.join(",")).unwrap();
        write!(
            x,
            "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System>\
             <Provider Name='Microsoft-Windows-Security-SPP'/><EventID Qualifiers='16384'>12290</EventID>\
             <TimeCreated SystemTime='{t}'/><Channel>Key Management Service</Channel>\
             <Computer>{host}</Computer></System><EventData>"
        )
        .unwrap();
        for d in &f {
            write!(x, "<Data>{d}</Data>").unwrap();
        }
        writeln!(x, "</EventData></Event>").unwrap();
    }
    (csv, xml)
}

fn inputs() -> &'static (tempfile::TempDir, PathBuf, PathBuf) {
    static INPUTS: std::sync::OnceLock<(tempfile::TempDir, PathBuf, PathBuf)> =
        std::sync::OnceLock::new();
    INPUTS.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let (csv, xml) = generate(dir.path());
        (dir, csv, xml)
    })
}

/// One million requests from the CSV layout, every output written.
#[divan::bench(sample_count = 3, sample_size = 1)]
fn import_million_csv(bencher: divan::Bencher) {
    let (dir, csv, _) = inputs();
    let out = dir.path().join("out-csv");
    bencher.bench(|| actsim::import::kms_log::import(std::slice::from_ref(csv), &out).unwrap());
}

/// One million requests from event XML, every output written.
#[divan::bench(sample_count = 3, sample_size = 1)]
fn import_million_xml(bencher: divan::Bencher) {
    let (dir, _, xml) = inputs();
    let out = dir.path().join("out-xml");
    bencher.bench(|| actsim::import::kms_log::import(std::slice::from_ref(xml), &out).unwrap());
}
