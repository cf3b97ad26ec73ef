//! How a client chooses among the SRV records DNS gave it: the RFC 2782 choice (DNS-5) and
//! failover within one attempt (DNS-6). The records themselves live in `net::dns`; the
//! cached host (DNS-7) and hosts set by hand (DNS-8) are in `attempt.rs`.

#![allow(clippy::indexing_slicing)] // indices are ids of machines, hosts, keys and slots that the model and the world create, in range by construction (a bad one is a bug the tests must catch, not an input error)

use crate::net::dns::SrvRecord;

/// Picks the next record to try among `untried` (indices into `records`) and removes it from
/// `untried`. `below(n)` must return a uniform draw in `0..n`.
///
/// DNS-5: clients that honour priority and weight follow RFC 2782: only the lowest priority
/// value among the untried records is eligible; within it, a record is chosen with
/// probability proportional to its weight (zero-weight records are placed first and are
/// chosen only when the uniform draw in `0..=sum` is 0; all-zero weights give a uniform
/// choice). Older clients pick uniformly among all untried records.
///
/// DNS-6: the caller calls this again after a failure, so the list shrinks by one each time
/// until it is exhausted.
pub fn pick(
    records: &[SrvRecord],
    untried: &mut Vec<u16>,
    honour_priority: bool,
    mut below: impl FnMut(u64) -> u64,
) -> Option<SrvRecord> {
    if untried.is_empty() {
        return None;
    }
    let position = if !honour_priority {
        below(untried.len() as u64) as usize
    } else {
        let record = |i: &u16| records[usize::from(*i)];
        let best = untried.iter().map(|i| record(i).priority).min()?;
        let eligible = || {
            untried
                .iter()
                .enumerate()
                .filter(move |(_, i)| record(i).priority == best)
        };
        let sum: u64 = eligible().map(|(_, i)| u64::from(record(i).weight)).sum();
        if sum == 0 {
            let n = eligible().count() as u64;
            let k = below(n) as usize;
            eligible().nth(k).map(|(pos, _)| pos)?
        } else {
            // RFC 2782 order: zero-weight records first, then the others in list order.
            let r = below(sum + 1);
            let zero_first = eligible()
                .filter(|(_, i)| record(i).weight == 0)
                .chain(eligible().filter(|(_, i)| record(i).weight != 0));
            let mut running = 0u64;
            let mut chosen = None;
            for (pos, i) in zero_first {
                running += u64::from(record(i).weight);
                if running >= r {
                    chosen = Some(pos);
                    break;
                }
            }
            chosen?
        }
    };
    let index = untried.remove(position);
    Some(records[usize::from(index)])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{HostId, Id};
    use crate::net::dns::Target;

    fn rec(h: usize, priority: u16, weight: u16) -> SrvRecord {
        SrvRecord {
            target: host(h),
            port: 1688,
            priority,
            weight,
        }
    }

    /// A deterministic uniform source for tests (SplitMix-style counter).
    fn draws(seed: u64) -> impl FnMut(u64) -> u64 {
        let mut streams = crate::engine::Streams::new(seed);
        let mut counter = 0;
        move |n| {
            counter += 1;
            streams.below(7, counter, n)
        }
    }

    fn host(h: usize) -> Target {
        Target::Host(HostId::from_index(h))
    }

    fn all(n: usize) -> Vec<u16> {
        (0..n as u16).collect()
    }

    #[test]
    fn dns_5_lowest_priority_wins() {
        let records = [rec(0, 10, 0), rec(1, 0, 0), rec(2, 5, 100)];
        let mut below = draws(1);
        for _ in 0..50 {
            let got = pick(&records, &mut all(3), true, &mut below).unwrap();
            assert_eq!(got.target, host(1));
        }
    }

    #[test]
    fn dns_5_weights_share_the_choice_in_proportion() {
        let records = [rec(0, 0, 30), rec(1, 0, 10)];
        let mut below = draws(2);
        let mut first = 0;
        for _ in 0..4000 {
            if pick(&records, &mut all(2), true, &mut below)
                .unwrap()
                .target
                == host(0)
            {
                first += 1;
            }
        }
        // Expected 3000 (r in 0..=40: 31 of 41 draws pick the first record: 3024).
        assert!((2900..3150).contains(&first), "{first}");
    }

    fn share_of(records: &[SrvRecord], target: Target, seed: u64, n: usize) -> usize {
        let mut below = draws(seed);
        (0..n)
            .filter(|_| {
                pick(records, &mut all(records.len()), true, &mut below)
                    .unwrap()
                    .target
                    == target
            })
            .count()
    }

    #[test]
    fn dns_5_all_zero_weights_choose_uniformly() {
        let records = [rec(0, 0, 0), rec(1, 0, 0), rec(2, 0, 0), rec(3, 5, 0)];
        for h in 0..3 {
            let n = share_of(&records, host(h), 5, 3000);
            assert!((900..1100).contains(&n), "host {h}: {n} of 3000");
        }
        assert_eq!(share_of(&records, host(3), 5, 3000), 0);
    }

    #[test]
    fn dns_5_a_zero_weight_beside_weighted_records_is_chosen_only_on_a_zero_draw() {
        // r in 0..=99: the zero-weight record (placed first) wins only at r = 0, 1 in 100.
        let records = [rec(0, 0, 99), rec(1, 0, 0)];
        let n = share_of(&records, host(1), 6, 20_000);
        assert!((140..260).contains(&n), "{n} of 20000");
    }

    #[test]
    fn dns_5_old_clients_ignore_priority() {
        let records = [rec(0, 0, 0), rec(1, 10, 0)];
        let mut below = draws(3);
        let low = (0..2000)
            .filter(|_| {
                pick(&records, &mut all(2), false, &mut below)
                    .unwrap()
                    .target
                    == host(1)
            })
            .count();
        assert!((900..1100).contains(&low), "{low}");
    }

    #[test]
    fn dns_6_failover_tries_every_record_once_then_gives_up() {
        let records = [rec(0, 0, 0), rec(1, 1, 0), rec(2, 0, 5)];
        let mut untried = all(3);
        let mut below = draws(4);
        let mut seen = Vec::new();
        while let Some(r) = pick(&records, &mut untried, true, &mut below) {
            seen.push(r.target);
        }
        assert_eq!(seen.len(), 3);
        // The priority-1 record comes last.
        assert_eq!(seen[2], host(1));
        assert!(pick(&records, &mut untried, true, &mut below).is_none());
    }
}
