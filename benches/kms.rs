//! The pure KMS pieces on their own: the CMID table and the RFC 2782 SRV choice.
//! `cargo bench --bench kms`.

use actsim::methods::kms::discovery;
use actsim::methods::kms::host::CmidTable;
use actsim::model::{HostId, Id};
use actsim::net::dns::{SrvRecord, Target};
use divan::Bencher;

fn main() {
    divan::main();
}

/// A host at capacity (50): every request registers a new CMID and evicts the oldest.
#[divan::bench]
fn cmid_register_at_capacity(bencher: Bencher) {
    let mut table = CmidTable::default();
    table.note_threshold(25);
    let mut n: u64 = 0;
    bencher
        .counter(divan::counter::ItemsCount::new(1usize))
        .bench_local(|| {
            n += 1;
            table.register(
                divan::black_box(n.wrapping_mul(0x9E37_79B9_7F4A_7C15)),
                n as i64,
            )
        });
}

/// A renewal of a CMID already in the table (found, moved to the newest end).
#[divan::bench]
fn cmid_register_known(bencher: Bencher) {
    let mut table = CmidTable::default();
    table.note_threshold(25);
    for c in 0..50 {
        table.register(c, c as i64);
    }
    let mut n: i64 = 50;
    bencher.bench_local(|| {
        n += 1;
        table.register(divan::black_box((n % 50) as u64), n)
    });
}

fn records(n: u16) -> Vec<SrvRecord> {
    (0..n)
        .map(|i| SrvRecord {
            target: Target::Host(HostId::from_index(usize::from(i))),
            port: 1688,
            priority: i % 2,
            weight: 10 + i,
        })
        .collect()
}

/// One discovery choice among 2 and among 8 records (priority, then weights).
#[divan::bench(args = [2, 8])]
fn srv_pick(bencher: Bencher, n: u16) {
    let recs = records(n);
    let mut untried: Vec<u16> = Vec::with_capacity(recs.len());
    let mut x: u64 = 1;
    bencher.bench_local(|| {
        untried.clear();
        untried.extend(0..n);
        discovery::pick(&recs, &mut untried, true, |k| {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1);
            (x >> 33) % k
        })
    });
}
