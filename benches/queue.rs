//! The event queue alone: the binary heap against the calendar queue the engine uses.
//! `cargo bench --bench queue`.
//!
//! - `hold`: the classic hold model — each handled event schedules one new event an
//!   exponentially distributed delay later (mean one day), at 10³…10⁷ pending events;
//! - `kms_mix`: the real mix, bimodal: 2-hour retries (one in ten) and 7-day renewals;
//! - `bare_year`: the bare loop the engine is measured against — N ids re-scheduled every
//!   7 days for a year (52 events per id), no model at all.

use actsim::engine::queue::{CalendarQueue, HeapQueue, Scheduler};
use divan::Bencher;

fn main() {
    divan::main();
}

const DAY: u64 = 86_400;
/// Events handled per measured iteration of the hold benchmarks.
const HOLDS: usize = 1_000_000;

/// Deterministic exponential delays with the given mean (xorshift, inverse transform).
fn delays(n: usize, mean: f64, seed: u64) -> Vec<u64> {
    let mut x = seed | 1;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let u = ((x >> 11) as f64 + 0.5) / (1u64 << 53) as f64;
            (-u.ln() * mean) as u64
        })
        .collect()
}

fn prefilled<Q: Scheduler<u32> + Default>(pending: usize, mean: f64) -> Q {
    let mut q = Q::default();
    for (i, d) in delays(pending, mean, 7).into_iter().enumerate() {
        q.push(d, i as u32);
    }
    q
}

fn hold<Q: Scheduler<u32>>(q: &mut Q, delays: &[u64]) {
    for &d in delays {
        let (t, id) = q.pop().expect("pending events");
        q.push(t + d, id);
    }
}

const PENDING: [usize; 5] = [1_000, 10_000, 100_000, 1_000_000, 10_000_000];

#[divan::bench(args = PENDING, sample_count = 3)]
fn hold_heap(bencher: Bencher, pending: usize) {
    let d = delays(HOLDS, DAY as f64, 11);
    bencher
        .counter(divan::counter::ItemsCount::new(HOLDS))
        .with_inputs(|| prefilled::<HeapQueue<u32>>(pending, DAY as f64))
        .bench_local_refs(|q| hold(q, &d));
}

#[divan::bench(args = PENDING, sample_count = 3)]
fn hold_calendar(bencher: Bencher, pending: usize) {
    let d = delays(HOLDS, DAY as f64, 11);
    bencher
        .counter(divan::counter::ItemsCount::new(HOLDS))
        .with_inputs(|| prefilled::<CalendarQueue<u32>>(pending, DAY as f64))
        .bench_local_refs(|q| hold(q, &d));
}

/// Retries 2 hours later one time in ten, renewals 7 days later otherwise.
fn kms_delays(n: usize) -> Vec<u64> {
    delays(n, 1.0, 3)
        .into_iter()
        .enumerate()
        .map(|(i, _)| if i % 10 == 0 { 7_200 } else { 7 * DAY })
        .collect()
}

#[divan::bench(args = [10_000, 1_000_000], sample_count = 3)]
fn kms_mix_heap(bencher: Bencher, pending: usize) {
    let d = kms_delays(HOLDS);
    bencher
        .counter(divan::counter::ItemsCount::new(HOLDS))
        .with_inputs(|| prefilled::<HeapQueue<u32>>(pending, 3.5 * DAY as f64))
        .bench_local_refs(|q| hold(q, &d));
}

#[divan::bench(args = [10_000, 1_000_000], sample_count = 3)]
fn kms_mix_calendar(bencher: Bencher, pending: usize) {
    let d = kms_delays(HOLDS);
    bencher
        .counter(divan::counter::ItemsCount::new(HOLDS))
        .with_inputs(|| prefilled::<CalendarQueue<u32>>(pending, 3.5 * DAY as f64))
        .bench_local_refs(|q| hold(q, &d));
}

/// N ids spread over the first week, each re-scheduled every 7 days until a year is over.
fn bare_year<Q: Scheduler<u32> + Default>(ids: u32) -> u64 {
    let mut q = Q::default();
    let spread = delays(ids as usize, 3.5 * DAY as f64, 5);
    for (id, d) in spread.into_iter().enumerate() {
        q.push(d % (7 * DAY), id as u32);
    }
    let mut handled = 0;
    while let Some((t, id)) = q.pop() {
        if t > 365 * DAY {
            break;
        }
        handled += 1;
        q.push(t + 7 * DAY, id);
    }
    handled
}

#[divan::bench(args = [10_000, 100_000, 1_000_000], sample_count = 3)]
fn bare_year_calendar(bencher: Bencher, ids: u32) {
    bencher
        .counter(divan::counter::ItemsCount::new(ids as usize * 52))
        .bench(|| bare_year::<CalendarQueue<u32>>(divan::black_box(ids)));
}

#[divan::bench(args = [10_000, 100_000, 1_000_000], sample_count = 3)]
fn bare_year_heap(bencher: Bencher, ids: u32) {
    bencher
        .counter(divan::counter::ItemsCount::new(ids as usize * 52))
        .bench(|| bare_year::<HeapQueue<u32>>(divan::black_box(ids)));
}
