//! The risk horizon of a fleet: licensed machines that have not renewed when due, and the
//! earliest end of licence among them — what shows a silent renewal failure months before
//! anybody loses a licence.
//!
//! A machine is *at risk* when it is licensed and has not renewed for longer than its
//! renewal interval plus one day of slack (`RISK_SLACK`): its licence ends earlier than a
//! machine renewing on time would have it end. Licences are kept as a histogram of their
//! end days in a ring (one counter per day, updated in O(1) at each renewal), so a sample
//! reads the horizon without looking at any machine.
//!
//! When `SetPolicy` changes the timers during a run, the horizon uses the shortest validity
//! and the longest renewal interval the run ever has (hosts' own renewal intervals
//! included): a machine is called at risk only if it is late under every policy in force.

#![allow(clippy::indexing_slicing)] // indices are fleet, population, code and sample positions the observer itself allocates for the model it was given

use crate::time::{DAY, NEVER, SimTime};

/// Renewals more than this late (beyond the renewal interval) put a machine at risk.
pub const RISK_SLACK: SimTime = DAY;

/// The end days of a population's licences.
#[derive(Debug, Clone, Default)]
pub struct Horizon {
    /// Licences per end day, modulo its length — a power of two longer than any licence
    /// lasts, so live licences never share a slot with another day's.
    ring: Vec<u32>,
    /// `ring.len() - 1`.
    mask: u64,
}

/// What a sample reads: machines at risk and the earliest end of licence among them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AtRisk {
    pub machines: u64,
    /// The earliest end of licence among them (to the day).
    pub earliest_end: Option<SimTime>,
    /// When the machine whose licence ends first last renewed (to the day).
    pub last_renewed: Option<SimTime>,
}

impl Horizon {
    /// A horizon for licences that last at most `longest` (NEVER: none is counted).
    pub fn new(longest: SimTime) -> Self {
        let days = if longest == NEVER {
            1
        } else {
            // Capped at 2^16 days (179 years): no run is that long, so live licences
            // still never share a slot.
            (longest / DAY + 2).min(1 << 16).next_power_of_two()
        };
        Horizon {
            ring: vec![0; days as usize],
            mask: days - 1,
        }
    }

    /// A licence ending at `from` now ends at `to` (`NEVER`: none, or for good — never at
    /// risk and not counted). Called at every renewal: two counters, no search.
    #[inline]
    pub fn moved(&mut self, from: SimTime, to: SimTime) {
        if from != NEVER {
            let i = ((from / DAY) & self.mask) as usize;
            self.ring[i] = self.ring[i].wrapping_sub(1);
        }
        if to != NEVER {
            let i = ((to / DAY) & self.mask) as usize;
            self.ring[i] = self.ring[i].wrapping_add(1);
        }
    }

    /// At `now`: licences ending before `now + validity - renewal - slack` belong to
    /// machines that did not renew in time (a machine renewing on time ends no earlier).
    pub fn at_risk(&self, now: SimTime, validity: SimTime, renewal: SimTime) -> AtRisk {
        let window = validity.saturating_sub(renewal.saturating_add(RISK_SLACK));
        if validity == NEVER || window == 0 {
            return AtRisk::default();
        }
        let first = now / DAY;
        // Whole days strictly before the day of `now + window`, within the ring.
        let last = ((now + window) / DAY).min(first + self.ring.len() as u64);
        let mut out = AtRisk::default();
        for day in first..last {
            let n = self.ring[(day & self.mask) as usize];
            if n > 0 {
                out.machines += u64::from(n);
                if out.earliest_end.is_none() {
                    out.earliest_end = Some(day * DAY);
                    out.last_renewed = Some((day * DAY).saturating_sub(validity));
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_licence_not_renewed_in_time_is_at_risk() {
        let mut h = Horizon::new(180 * DAY);
        // Renewed on day 0 (ends day 180) and on day 60 (ends day 240).
        h.moved(NEVER, 180 * DAY);
        h.moved(NEVER, 240 * DAY);
        // On day 66: renewals are weekly, so a licence ending before day 66 + 180 - 7 - 1 =
        // day 238 was last renewed more than 8 days ago.
        let r = h.at_risk(66 * DAY, 180 * DAY, 7 * DAY);
        assert_eq!(r.machines, 1);
        assert_eq!(r.earliest_end, Some(180 * DAY));
        // The first machine renews: nobody is at risk.
        h.moved(180 * DAY, 246 * DAY);
        assert_eq!(h.at_risk(66 * DAY, 180 * DAY, 7 * DAY).machines, 0);
        // A MAK activation for good is never at risk.
        h.moved(NEVER, NEVER);
        assert_eq!(h.at_risk(100 * DAY, NEVER, NEVER).machines, 0);
    }
}
