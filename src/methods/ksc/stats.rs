//! What the observer counts about Kaspersky licence keys (KSC-10): devices using each key as
//! active and as reserve, the highest share of its device limit in use, and the usage
//! events the server raises as that share crosses 90, 100 and 110 %.

#![allow(clippy::indexing_slicing)] // indices are ids of machines, hosts, keys and slots that the model and the world create, in range by construction (a bad one is a bug the tests must catch, not an input error)

use crate::model::{LicenseKeyId, Model, Table};
use crate::time::SimTime;

/// Usage bands of a key (KSC-10): below 90 %, Info from 90 %, Warning from 100 %,
/// Critical above 110 %.
pub fn band(in_use: u64, devices: u64) -> u8 {
    let (u, d) = (u128::from(in_use), u128::from(devices));
    if 10 * u > 11 * d {
        3
    } else if u >= d {
        2
    } else if 10 * u >= 9 * d {
        1
    } else {
        0
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct KeyStats {
    pub active_on: u64,
    pub reserve_on: u64,
    pub devices: u64,
    pub peak_usage_share: f64,
    band: u8,
    /// Usage events raised: Info, Warning, Critical.
    pub usage_events: [u64; 3],
}

impl KeyStats {
    /// KSC-10: a change of use. Every band entered counts, even when several are crossed
    /// at one instant; leaving a band raises nothing.
    fn usage(&mut self, active_on: u64, reserve_on: u64) {
        self.active_on = active_on;
        self.reserve_on = reserve_on;
        let in_use = active_on + reserve_on;
        self.peak_usage_share = self
            .peak_usage_share
            .max(in_use as f64 / self.devices as f64);
        let now = band(in_use, self.devices);
        for b in self.band + 1..=now {
            self.usage_events[usize::from(b - 1)] += 1;
        }
        self.band = now;
    }
}

#[derive(Debug, Clone)]
pub struct KscStats {
    pub keys: Table<LicenseKeyId, KeyStats>,
}

impl KscStats {
    pub fn new(model: &Model) -> Self {
        KscStats {
            keys: model
                .ksc
                .keys
                .iter()
                .map(|k| KeyStats {
                    devices: k.devices,
                    ..KeyStats::default()
                })
                .collect(),
        }
    }

    pub fn usage(&mut self, key: LicenseKeyId, active_on: u64, reserve_on: u64, _now: SimTime) {
        self.keys[key].usage(active_on, reserve_on);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// KSC-10: Info at 90–100 %, Warning at 100–110 %, Critical above 110 %; each band
    /// entered counts, even several at once; going down raises nothing.
    #[test]
    fn ksc_10_usage_events_by_band() {
        assert_eq!(band(89, 100), 0);
        assert_eq!(band(90, 100), 1);
        assert_eq!(band(100, 100), 2);
        assert_eq!(band(110, 100), 2);
        assert_eq!(band(111, 100), 3);
        let mut k = KeyStats {
            devices: 100,
            ..KeyStats::default()
        };
        k.usage(95, 0);
        assert_eq!(k.usage_events, [1, 0, 0]);
        k.usage(80, 0);
        k.usage(120, 0);
        assert_eq!(k.usage_events, [2, 1, 1], "three bands crossed at once");
        assert_eq!(k.peak_usage_share, 1.2);
    }
}
