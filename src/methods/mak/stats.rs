//! What the observer counts about MAK keys: activations used and left, and when a key ran
//! out.

#![allow(clippy::indexing_slicing)] // indices are ids of machines, hosts, keys and slots that the model and the world create, in range by construction (a bad one is a bug the tests must catch, not an input error)

use crate::model::{MakKeyId, Model, Table};
use crate::time::SimTime;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyStats {
    pub used: u64,
    pub remaining: u64,
    /// When the last activation was used (MAK-1: from then on, 0xC004C020).
    pub exhausted_at: Option<SimTime>,
}

#[derive(Debug, Clone)]
pub struct MakStats {
    pub keys: Table<MakKeyId, KeyStats>,
}

impl MakStats {
    pub fn new(model: &Model) -> Self {
        MakStats {
            keys: model
                .mak_keys
                .iter()
                .map(|k| KeyStats {
                    used: 0,
                    remaining: k.activations,
                    exhausted_at: None,
                })
                .collect(),
        }
    }

    pub fn activation(&mut self, key: MakKeyId, used: u64, remaining: u64, now: SimTime) {
        let k = &mut self.keys[key];
        k.used = used;
        k.remaining = remaining;
        if remaining == 0 && k.exhausted_at.is_none() {
            k.exhausted_at = Some(now);
        }
    }
}
