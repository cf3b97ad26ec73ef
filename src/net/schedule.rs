//! When a machine is online (NET-2). Every schedule answers "is it online at t?" and "when
//! is it next online?" directly, so nothing is scheduled per machine per day: an attempt that
//! falls due while offline is moved to the next online instant in one step.

use crate::time::{DAY, NEVER, SimTime};

/// `Daily` schedules start at 08:00 (scenario-format.md).
pub const DAILY_START: SimTime = 8 * 3_600;
/// Each machine's `Daily` start is jittered by up to one hour.
pub const DAILY_JITTER: SimTime = 3_600;

/// `Daily(hours)`: online from 08:00 + `jitter` for `hours` every day.
pub fn daily_next_online(t: SimTime, hours: u32, jitter: SimTime) -> SimTime {
    let length = SimTime::from(hours) * 3_600;
    // Position in the machine's day, measured from its daily start.
    let phase = (t + DAY - (DAILY_START + jitter) % DAY) % DAY;
    if phase < length { t } else { t + (DAY - phase) }
}

/// `Windows([...])`: online inside the sorted, disjoint [from, to) intervals.
pub fn windows_next_online(t: SimTime, windows: &[(SimTime, SimTime)]) -> SimTime {
    let i = windows.partition_point(|&(_, to)| to <= t);
    windows.get(i).map_or(NEVER, |&(from, _)| from.max(t))
}

/// How many mean off-periods a `Random` schedule's off-period exceeds only once in a
/// hundred: off-periods are exponential, so P(off > k × mean) = e^-k = 1 % for k = ln 100.
pub const RANDOM_OFF_P99: f64 = 4.605_170_185_988_091;

/// The longest time a machine on `online` spends offline at a stretch between `from` and
/// `to` (NET-2): what decides whether it can renew an activation within its validity
/// (Table 1 of the planning guide: "connects at least every 180 days"). A `Daily` machine
/// is off the rest of each day; a `Windows` one between its windows (and before the first
/// and after the last, within the span); a `Random` one is given the off-period that only
/// one in a hundred exceeds, since its periods are unbounded.
pub fn longest_offline(online: &crate::model::OnlineModel, from: SimTime, to: SimTime) -> SimTime {
    use crate::model::OnlineModel;
    match online {
        OnlineModel::Always => 0,
        OnlineModel::Daily { hours } => DAY.saturating_sub(SimTime::from(*hours) * 3_600),
        OnlineModel::Windows(windows) => {
            let mut longest = 0;
            let mut offline_since = from;
            for &(start, end) in windows {
                if end <= from {
                    continue;
                }
                if start >= to {
                    break;
                }
                longest = longest.max(start.saturating_sub(offline_since));
                offline_since = end.max(from);
            }
            longest.max(to.saturating_sub(offline_since))
        }
        OnlineModel::Random { mean_off, .. } => (*mean_off as f64 * RANDOM_OFF_P99) as SimTime,
    }
}

/// Where a machine's `Random` on/off sequence has got to: period `period` started at
/// `start`. Periods alternate; period 0 is online or not by the machine's first draw.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RandomCursor {
    pub period: u32,
    pub start: SimTime,
}

/// A `Random(mean_on, mean_off)` schedule of one machine. `draw(k)` must return the k-th
/// 64-bit draw of the machine's schedule stream (a pure function, so any period can be
/// recomputed).
pub struct RandomSchedule<F: FnMut(u64) -> u64> {
    pub mean_on: SimTime,
    pub mean_off: SimTime,
    pub draw: F,
}

impl<F: FnMut(u64) -> u64> RandomSchedule<F> {
    /// Whether period `k` is an online one: the first is online with the long-run share of
    /// online time, mean_on / (mean_on + mean_off); then they alternate.
    fn online_in(&mut self, k: u32) -> bool {
        let first = (self.draw)(0) % (self.mean_on + self.mean_off) < self.mean_on;
        first ^ (k % 2 == 1)
    }

    /// The length of period `k`: exponential with the mean of its kind, at least 1 s.
    fn length(&mut self, k: u32) -> SimTime {
        let mean = if self.online_in(k) {
            self.mean_on
        } else {
            self.mean_off
        };
        // 53 random bits → u in (0, 1]; -ln(u) is exponential with mean 1.
        let u = (((self.draw)(u64::from(k) + 1) >> 11) + 1) as f64 / (1u64 << 53) as f64;
        let length = (-libm::log(u) * mean as f64).round();
        (length as SimTime).max(1)
    }

    /// Moves `cursor` to the period holding `t` and returns whether the machine is online at
    /// `t` and when that period ends. The cursor moves forward only; asked about a time
    /// before the period it is at (a cursor moved ahead by a look-ahead), it starts again
    /// from the first period, so the answer never depends on what was asked before.
    pub fn at(&mut self, cursor: &mut RandomCursor, t: SimTime) -> (bool, SimTime) {
        if t < cursor.start {
            *cursor = RandomCursor::default();
        }
        loop {
            let end = cursor.start + self.length(cursor.period);
            if t < end {
                return (self.online_in(cursor.period), end);
            }
            cursor.start = end;
            cursor.period += 1;
            // Schedules of very short periods can take long here between two events:
            // Ctrl-C is honoured here too (the answer no longer matters then).
            if cursor.period & 0xFFFF == 0 && crate::interrupt::requested() {
                return (false, crate::time::NEVER);
            }
        }
    }

    /// The next online instant at or after `t`.
    pub fn next_online(&mut self, cursor: &mut RandomCursor, t: SimTime) -> SimTime {
        match self.at(cursor, t) {
            (true, _) => t,
            (false, end) => end,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: SimTime = 3_600;

    #[test]
    fn net_2_daily_next_online() {
        // 9 hours from 08:00 (+10 min jitter): online 08:10-17:10.
        let j = 600;
        assert_eq!(daily_next_online(0, 9, j), 8 * H + 600);
        assert_eq!(daily_next_online(9 * H, 9, j), 9 * H);
        assert_eq!(daily_next_online(17 * H + 600, 9, j), DAY + 8 * H + 600);
        assert_eq!(daily_next_online(3 * DAY + 12 * H, 9, j), 3 * DAY + 12 * H);
        // 24 hours a day is always online.
        assert_eq!(daily_next_online(5 * H, 24, j), 5 * H);
    }

    /// NET-2: the longest offline stretch of each kind of schedule.
    #[test]
    fn net_2_longest_offline_stretch() {
        use crate::model::OnlineModel;
        let year = 365 * DAY;
        assert_eq!(longest_offline(&OnlineModel::Always, 0, year), 0);
        assert_eq!(
            longest_offline(&OnlineModel::Daily { hours: 9 }, 0, year),
            15 * H
        );
        // In port 20 days, at sea 200, in port again: the voyage is the longest stretch.
        let ships = OnlineModel::Windows(vec![(0, 20 * DAY), (220 * DAY, 240 * DAY)]);
        assert_eq!(longest_offline(&ships, 0, year), 200 * DAY);
        // After the last window, to the end of the span.
        assert_eq!(longest_offline(&ships, 0, 500 * DAY), 260 * DAY);
        // Before the first window, from the start of the span.
        let late = OnlineModel::Windows(vec![(50 * DAY, SimTime::MAX)]);
        assert_eq!(longest_offline(&late, 0, year), 50 * DAY);
        assert_eq!(longest_offline(&late, 60 * DAY, year), 0);
        let random = OnlineModel::Random {
            mean_on: DAY,
            mean_off: 10 * DAY,
        };
        assert_eq!(longest_offline(&random, 0, year) / DAY, 46);
    }

    #[test]
    fn net_2_windows_next_online() {
        let w = [(0, 90 * DAY), (120 * DAY, 180 * DAY)];
        assert_eq!(windows_next_online(10, &w), 10);
        assert_eq!(windows_next_online(90 * DAY, &w), 120 * DAY);
        assert_eq!(windows_next_online(150 * DAY, &w), 150 * DAY);
        assert_eq!(windows_next_online(180 * DAY, &w), NEVER);
    }

    /// NET-2: a cursor moved ahead (by a look-ahead at a later time) still answers an
    /// earlier question with the period holding it, as a fresh cursor does.
    #[test]
    fn net_2_a_random_cursor_moved_ahead_answers_earlier_times_right() {
        let mut streams = crate::engine::Streams::new(9);
        let mut s = RandomSchedule {
            mean_on: 8 * H,
            mean_off: 16 * H,
            draw: |k| streams.bits(3, k),
        };
        let mut ahead = RandomCursor::default();
        s.at(&mut ahead, 200 * DAY);
        for t in (0..20 * DAY).step_by(1_800) {
            let fresh = s.at(&mut RandomCursor::default(), t);
            let mut moved = ahead;
            assert_eq!(s.at(&mut moved, t), fresh, "at {t}");
        }
    }

    #[test]
    fn net_2_random_periods_alternate_with_the_right_means() {
        let mut streams = crate::engine::Streams::new(5);
        let mut s = RandomSchedule {
            mean_on: 3 * DAY,
            mean_off: DAY,
            draw: |k| streams.bits(77, k),
        };
        let mut cursor = RandomCursor::default();
        let (mut online_time, step) = (0, H);
        let horizon = 4_000 * DAY;
        let mut t = 0;
        while t < horizon {
            if s.at(&mut cursor, t).0 {
                online_time += step;
            }
            t += step;
        }
        let share = online_time as f64 / horizon as f64;
        assert!((0.72..0.78).contains(&share), "online share {share}");
        // next_online is online, and nothing online was skipped.
        let mut c2 = RandomCursor::default();
        let next = s.next_online(&mut c2, 10 * DAY);
        assert!(s.at(&mut RandomCursor::default(), next).0);
        for t in (10 * DAY..next).step_by(60) {
            assert!(!s.at(&mut RandomCursor::default(), t).0);
        }
    }
}
