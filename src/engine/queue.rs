//! The pending-event queue, totally ordered by (time, sequence number).
//!
//! The sequence number is the order of scheduling, so events at the same instant run in the
//! order they were scheduled: timeline events (scheduled first) before machine activity, and
//! machines scheduled in index order ask in index order. This makes every run reproducible.
//!
//! Two implementations behind one small trait, compared in `benches/queue.rs`:
//! - `HeapQueue`, a binary heap over all pending events: simple, but with a million pending
//!   events every pop walks a 16 MB heap and misses the cache at each level;
//! - `CalendarQueue`, which simulated time moving only forward allows: a two-level timing
//!   wheel of hour and day buckets; only the hour being drained is kept as a (small,
//!   cache-resident) heap, later buckets are plain vectors filled by appending, and events
//!   beyond the wheel wait in an overflow heap. Ordering is exact: within the active hour
//!   the heap orders by (time, sequence).
//!
//! An entry is 16 bytes: the key packs the time (30 bits: scenarios are at most 20 years,
//! 630,720,000 s < 2³⁰) above the sequence number (34 bits: 17 billion events), so one u64
//! comparison orders both; the event payload is at most 8 bytes. A run can schedule more
//! than 2³⁴ events (a million machines retrying every 15 minutes for half a year do): when
//! the numbers run out, the pending events are renumbered 0, 1, 2, … in their order, which
//! keeps every comparison as it was, and numbering goes on from there.

#![allow(clippy::indexing_slicing)] // indices are bucket positions computed modulo the wheel's own length

use super::SimTime;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

const SEQ_BITS: u32 = 34;
/// Times from here on are clamped: they lie beyond any scenario's end and never run.
pub const TIME_LIMIT: SimTime = (1 << (64 - SEQ_BITS)) - 1;
/// How many events can be scheduled before the pending ones are renumbered.
pub const SEQ_LIMIT: u64 = 1 << SEQ_BITS;

/// What the simulation needs from its event queue.
pub trait Scheduler<E: Copy> {
    /// Schedules `event` at `time` (never before the time of the last event popped).
    fn push(&mut self, time: SimTime, event: E);
    /// The next event in (time, scheduling order), removed.
    fn pop(&mut self) -> Option<(SimTime, E)>;
    /// The time of the next event, if any.
    fn peek_time(&mut self) -> Option<SimTime>;
    fn len(&self) -> usize;
    /// A few of the events that come next, in no particular order (for prefetching their
    /// data while the current event is handled); may be empty.
    fn upcoming(&self) -> impl Iterator<Item = E> + '_;
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[derive(Debug, Clone, Copy)]
struct Entry<E> {
    key: u64,
    event: E,
}

impl<E> PartialEq for Entry<E> {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}
impl<E> Eq for Entry<E> {}
impl<E> PartialOrd for Entry<E> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl<E> Ord for Entry<E> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.key.cmp(&other.key)
    }
}

fn time_of(key: u64) -> SimTime {
    key >> SEQ_BITS
}

/// Sequence numbers, shared by both queues.
#[derive(Debug, Default)]
struct Keys {
    next_seq: u64,
}

impl Keys {
    /// Whether the sequence numbers are used up: the queue must renumber before the next
    /// push.
    fn exhausted(&self) -> bool {
        self.next_seq >= SEQ_LIMIT
    }

    fn key(&mut self, time: SimTime) -> u64 {
        let seq = self.next_seq;
        self.next_seq += 1;
        (time.min(TIME_LIMIT) << SEQ_BITS) | seq
    }

    /// Starts numbering again after the pending events, whose keys (`pending`, sorted) get
    /// the sequence numbers 0, 1, 2, … in order: see `renumbered`.
    fn restart(&mut self, pending: &[u64]) {
        self.next_seq = pending.len() as u64;
    }
}

/// The new key of `key` when the pending events (`sorted`, all their keys) are renumbered:
/// its time, and its rank among them as sequence number. The map is monotone, so every heap
/// and bucket keeps its order and no comparison changes.
fn renumbered(sorted: &[u64], key: u64) -> u64 {
    (time_of(key) << SEQ_BITS) | sorted.partition_point(|&k| k < key) as u64
}

/// Renumbers the entries of a heap (rebuilt, though the order cannot change).
fn renumber_heap<E>(heap: &mut BinaryHeap<Reverse<Entry<E>>>, sorted: &[u64]) {
    let mut v = std::mem::take(heap).into_vec();
    for Reverse(e) in &mut v {
        e.key = renumbered(sorted, e.key);
    }
    *heap = BinaryHeap::from(v);
}

/// A binary heap of every pending event: the reference implementation.
#[derive(Debug)]
pub struct HeapQueue<E> {
    heap: BinaryHeap<Reverse<Entry<E>>>,
    keys: Keys,
}

impl<E: Copy> Default for HeapQueue<E> {
    fn default() -> Self {
        HeapQueue {
            heap: BinaryHeap::new(),
            keys: Keys::default(),
        }
    }
}

impl<E: Copy> HeapQueue<E> {
    /// An empty queue whose sequence numbers start at `start` (see
    /// `CalendarQueue::numbering_from`).
    pub fn numbering_from(start: u64) -> Self {
        let mut q = HeapQueue::default();
        q.keys.next_seq = start;
        q
    }

    fn renumber(&mut self) {
        let mut keys: Vec<u64> = self.heap.iter().map(|Reverse(e)| e.key).collect();
        keys.sort_unstable();
        renumber_heap(&mut self.heap, &keys);
        self.keys.restart(&keys);
    }
}

impl<E: Copy> Scheduler<E> for HeapQueue<E> {
    fn push(&mut self, time: SimTime, event: E) {
        if self.keys.exhausted() {
            self.renumber();
        }
        let key = self.keys.key(time);
        self.heap.push(Reverse(Entry { key, event }));
    }

    fn pop(&mut self) -> Option<(SimTime, E)> {
        self.heap.pop().map(|Reverse(e)| (time_of(e.key), e.event))
    }

    fn peek_time(&mut self) -> Option<SimTime> {
        self.heap.peek().map(|Reverse(e)| time_of(e.key))
    }

    fn len(&self) -> usize {
        self.heap.len()
    }

    fn upcoming(&self) -> impl Iterator<Item = E> + '_ {
        self.heap
            .as_slice()
            .iter()
            .take(3)
            .map(|Reverse(e)| e.event)
    }
}

/// Level 0: hour-wide buckets, 256 of them (10⅔ days): retries (2 h) and renewals (7 d).
const HOUR: SimTime = 3_600;
const L0: u64 = 256;
/// Level 1: day-wide buckets, 512 of them: deadlines (30-180 d) and the daily registrations.
const HOURS_PER_DAY: u64 = 24;
const L1: u64 = 512;
/// Spare bucket vectors kept per level: one bucket is emptied as another fills, so a few
/// suffice for the queue to stop allocating after a warm-up.
const SPARES: usize = 32;

/// A two-level calendar queue (a hierarchical timing wheel) for forward-only time.
///
/// Invariants, with `cur` the hour being drained and `edge` the first hour not covered by
/// level 0 (`cur + L0` rounded down to a whole day):
/// - `current` holds the events of hours ≤ `cur`, as a min-heap;
/// - level 0 holds hours in (`cur`, `edge`), one vector per hour, unsorted;
/// - level 1 holds days in [`edge / 24`, `edge / 24 + L1`), one vector per day, unsorted;
/// - `overflow` holds everything later.
///
/// When `edge` passes a day, that day's vector is spread into level 0, so every event moves
/// down at most twice; each bucket is sorted only as it becomes current. Buckets of one level
/// have similar sizes, so their vectors are recycled within the level.
#[derive(Debug)]
pub struct CalendarQueue<E> {
    current: BinaryHeap<Reverse<Entry<E>>>,
    cur: u64,
    hours: Vec<Vec<Entry<E>>>,
    days: Vec<Vec<Entry<E>>>,
    /// Events in `hours` and `days`.
    in_rings: usize,
    overflow: BinaryHeap<Reverse<Entry<E>>>,
    spare_hours: Vec<Vec<Entry<E>>>,
    spare_days: Vec<Vec<Entry<E>>>,
    keys: Keys,
}

impl<E: Copy> Default for CalendarQueue<E> {
    fn default() -> Self {
        CalendarQueue {
            current: BinaryHeap::new(),
            cur: 0,
            hours: (0..L0).map(|_| Vec::new()).collect(),
            days: (0..L1).map(|_| Vec::new()).collect(),
            in_rings: 0,
            overflow: BinaryHeap::new(),
            spare_hours: Vec::new(),
            spare_days: Vec::new(),
            keys: Keys::default(),
        }
    }
}

/// Appends to a bucket, giving an empty bucket a recycled vector first.
fn append<E>(bucket: &mut Vec<Entry<E>>, spares: &mut Vec<Vec<Entry<E>>>, entry: Entry<E>) {
    if bucket.capacity() == 0
        && let Some(v) = spares.pop()
    {
        *bucket = v;
    }
    bucket.push(entry);
}

/// Keeps an emptied vector for reuse, up to `SPARES` of them.
fn recycle<E>(mut v: Vec<Entry<E>>, spares: &mut Vec<Vec<Entry<E>>>) {
    if spares.len() < SPARES && v.capacity() > 0 {
        v.clear();
        spares.push(v);
    }
}

impl<E: Copy> CalendarQueue<E> {
    /// The first hour not covered by level 0.
    fn edge(&self) -> u64 {
        (self.cur + L0) / HOURS_PER_DAY * HOURS_PER_DAY
    }

    fn place(&mut self, entry: Entry<E>) {
        let hour = time_of(entry.key) / HOUR;
        let edge = self.edge();
        if hour <= self.cur {
            self.current.push(Reverse(entry));
        } else if hour < edge {
            append(
                &mut self.hours[(hour % L0) as usize],
                &mut self.spare_hours,
                entry,
            );
            self.in_rings += 1;
        } else if hour / HOURS_PER_DAY < edge / HOURS_PER_DAY + L1 {
            let day = hour / HOURS_PER_DAY;
            append(
                &mut self.days[(day % L1) as usize],
                &mut self.spare_days,
                entry,
            );
            self.in_rings += 1;
        } else {
            self.overflow.push(Reverse(entry));
        }
    }

    /// Moves to the next hour, spreading a day of level 1 into level 0 when the edge passes
    /// it and pulling from the overflow what the rings now cover.
    fn step(&mut self) {
        let old_edge = self.edge();
        self.cur += 1;
        let edge = self.edge();
        if edge > old_edge {
            let day = old_edge / HOURS_PER_DAY;
            let spread = std::mem::take(&mut self.days[(day % L1) as usize]);
            self.in_rings -= spread.len();
            for &e in &spread {
                self.place(e);
            }
            recycle(spread, &mut self.spare_days);
            let reach = (edge / HOURS_PER_DAY + L1) * HOURS_PER_DAY * HOUR;
            while self
                .overflow
                .peek()
                .is_some_and(|Reverse(e)| time_of(e.key) < reach)
            {
                if let Some(Reverse(e)) = self.overflow.pop() {
                    self.place(e);
                }
            }
        }
    }

    /// Makes the next non-empty hour current. Returns false if nothing is pending.
    fn advance(&mut self) -> bool {
        while self.current.is_empty() {
            if self.in_rings == 0 {
                let Some(Reverse(first)) = self.overflow.peek() else {
                    return false;
                };
                // Jump to just before the overflow's first hour, then step into it.
                let first_hour = time_of(first.key) / HOUR;
                self.cur = self.cur.max(first_hour.saturating_sub(L0 + HOURS_PER_DAY));
            }
            self.step();
            let slot = (self.cur % L0) as usize;
            if !self.hours[slot].is_empty() {
                let bucket = std::mem::take(&mut self.hours[slot]);
                self.in_rings -= bucket.len();
                let drained = std::mem::replace(&mut self.current, BinaryHeap::from(wrap(bucket)));
                recycle(unwrap(drained.into_vec()), &mut self.spare_hours);
            }
        }
        true
    }
}

/// Entries as heap elements and back: `Reverse<T>` is `repr(transparent)`, so collecting in
/// place keeps the vectors' allocations.
fn wrap<E>(v: Vec<Entry<E>>) -> Vec<Reverse<Entry<E>>> {
    v.into_iter().map(Reverse).collect()
}

fn unwrap<E>(v: Vec<Reverse<Entry<E>>>) -> Vec<Entry<E>> {
    v.into_iter().map(|Reverse(e)| e).collect()
}

impl<E: Copy> CalendarQueue<E> {
    /// An empty queue whose sequence numbers start at `start`, as if that many events had
    /// been scheduled already: lets a test cross the renumbering of a very long run.
    pub fn numbering_from(start: u64) -> Self {
        let mut q = CalendarQueue::default();
        q.keys.next_seq = start;
        q
    }

    /// The sequence numbers ran out: renumber every pending event in order (see
    /// `renumbered`). Happens once per 2³⁴ pushes, so its cost does not matter.
    fn renumber(&mut self) {
        let mut keys: Vec<u64> = Vec::with_capacity(self.len());
        keys.extend(self.current.iter().map(|Reverse(e)| e.key));
        for bucket in self.hours.iter().chain(&self.days) {
            keys.extend(bucket.iter().map(|e| e.key));
        }
        keys.extend(self.overflow.iter().map(|Reverse(e)| e.key));
        keys.sort_unstable();
        renumber_heap(&mut self.current, &keys);
        for bucket in self.hours.iter_mut().chain(&mut self.days) {
            for e in bucket {
                e.key = renumbered(&keys, e.key);
            }
        }
        renumber_heap(&mut self.overflow, &keys);
        self.keys.restart(&keys);
    }
}

impl<E: Copy> Scheduler<E> for CalendarQueue<E> {
    fn push(&mut self, time: SimTime, event: E) {
        if self.keys.exhausted() {
            self.renumber();
        }
        let key = self.keys.key(time);
        self.place(Entry { key, event });
    }

    fn pop(&mut self) -> Option<(SimTime, E)> {
        if !self.advance() {
            return None;
        }
        self.current
            .pop()
            .map(|Reverse(e)| (time_of(e.key), e.event))
    }

    fn peek_time(&mut self) -> Option<SimTime> {
        if !self.advance() {
            return None;
        }
        self.current.peek().map(|Reverse(e)| time_of(e.key))
    }

    fn len(&self) -> usize {
        self.current.len() + self.in_rings + self.overflow.len()
    }

    /// The heap's root and its two children: the next event and likely the one after.
    fn upcoming(&self) -> impl Iterator<Item = E> + '_ {
        self.current
            .as_slice()
            .iter()
            .take(3)
            .map(|Reverse(e)| e.event)
    }
}

/// The queue the simulation uses (the benchmark winner).
pub type EventQueue<E> = CalendarQueue<E>;

#[cfg(test)]
mod tests {
    use super::*;

    fn drain<Q: Scheduler<char>>(mut q: Q) -> Vec<(SimTime, char)> {
        std::iter::from_fn(|| q.pop()).collect()
    }

    /// The renumbering keeps the order exact (tests/it/regression.rs crosses it in a long
    /// mixed sequence; here, ties at one instant).
    #[test]
    fn renumbering_keeps_ties_in_scheduling_order() {
        let mut q = CalendarQueue::numbering_from(SEQ_LIMIT - 2);
        for c in ['a', 'b', 'c', 'd'] {
            q.push(5, c);
        }
        assert_eq!(drain(q), vec![(5, 'a'), (5, 'b'), (5, 'c'), (5, 'd')]);
    }

    #[test]
    fn orders_by_time_then_scheduling_order() {
        fn fill<Q: Scheduler<char>>(q: &mut Q) {
            q.push(10, 'c');
            q.push(5, 'a');
            q.push(10, 'd');
            q.push(5, 'b');
        }
        let expected = vec![(5, 'a'), (5, 'b'), (10, 'c'), (10, 'd')];
        let mut h = HeapQueue::default();
        fill(&mut h);
        assert_eq!(drain(h), expected);
        let mut c = CalendarQueue::default();
        fill(&mut c);
        assert_eq!(drain(c), expected);
    }

    /// The calendar queue pops exactly what the heap pops, across bucket boundaries, the
    /// ring's horizon and the overflow, with pushes interleaved as a simulation makes them.
    #[test]
    fn calendar_matches_heap_on_a_random_hold_model() {
        let mut h: HeapQueue<u32> = HeapQueue::default();
        let mut c: CalendarQueue<u32> = CalendarQueue::default();
        let mut x: u64 = 12345;
        let mut rand = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for i in 0..2_000u32 {
            let t = rand() % (3 * 365 * 86_400);
            h.push(t, i);
            c.push(t, i);
        }
        for i in 0..50_000u32 {
            let (a, b) = (h.pop().unwrap(), c.pop().unwrap());
            assert_eq!(a, b, "pop {i}");
            // Same instant, soon, next week, next year, beyond the ring.
            let delay = match rand() % 5 {
                0 => 0,
                1 => rand() % 7_200,
                2 => 7 * 86_400,
                3 => rand() % (400 * 86_400),
                _ => 900 * 86_400 + rand() % 1_000,
            };
            h.push(a.0 + delay, i);
            c.push(a.0 + delay, i);
            assert_eq!(h.len(), c.len());
            assert_eq!(h.peek_time(), c.peek_time());
        }
    }

    #[test]
    fn times_beyond_the_limit_sort_last() {
        let mut c = CalendarQueue::default();
        c.push(SimTime::MAX - 1, 'z');
        c.push(1, 'a');
        assert_eq!(c.pop(), Some((1, 'a')));
        assert_eq!(c.pop(), Some((TIME_LIMIT, 'z')));
        assert_eq!(c.pop(), None);
    }
}
