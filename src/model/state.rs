//! The states a fleet's machines are counted in. Each activation method reports one family
//! of states (its list, in output order); `offline` is reported beside them, separately,
//! because being offline does not change a licence.

#![allow(clippy::indexing_slicing)] // indices are ids that the tables themselves hand out

/// A family of states, as one method's machines report them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StateSet {
    /// The Windows licence of a KMS, MAK or ADBA machine.
    Windows,
    /// The licence keys of a Kaspersky Security Center device.
    Ksc,
}

/// The most states a family has; per-population counters are arrays of this size.
pub const MAX_STATES: usize = 4;

/// The name of the column that counts offline machines.
pub const OFFLINE: &str = "offline";

impl StateSet {
    /// How many families there are.
    pub const COUNT: usize = 2;

    pub const ALL: [StateSet; 2] = [StateSet::Windows, StateSet::Ksc];

    /// The family's position in per-family arrays.
    pub fn index(self) -> usize {
        match self {
            StateSet::Windows => 0,
            StateSet::Ksc => 1,
        }
    }

    /// The states' names in outputs (CSV columns, summary keys), in order.
    pub fn names(self) -> &'static [&'static str] {
        match self {
            StateSet::Windows => &["grace", "licensed", "oot_grace", "notification"],
            StateSet::Ksc => &["no_key", "active", "active_with_reserve", "expired"],
        }
    }

    /// The states' names as an expectation writes them (`state: OotGrace`), in order.
    pub fn expect_names(self) -> &'static [&'static str] {
        match self {
            StateSet::Windows => &["Grace", "Licensed", "OotGrace", "Notification"],
            StateSet::Ksc => &["NoKey", "Active", "ActiveWithReserve", "Expired"],
        }
    }

    /// The index of the state an expectation names, if this family has it.
    pub fn index_of(self, expect_name: &str) -> Option<u8> {
        self.expect_names()
            .iter()
            .position(|n| *n == expect_name)
            .map(|i| i as u8)
    }

    /// Whether the state at `index` counts as licensed for shares (`LicensedShare`,
    /// `min_licensed_share`, `first_licensed_s`): a Windows licence; a KSC device's valid
    /// key, with or without a reserve.
    pub fn is_licensed(self, index: u8) -> bool {
        match self {
            StateSet::Windows => index == 1,
            StateSet::Ksc => index == 1 || index == 2,
        }
    }

    /// The machines counted as licensed in a row of counts (states in order).
    pub fn licensed_in(self, columns: &[u64]) -> u64 {
        (0..self.names().len() as u8)
            .filter(|&i| self.is_licensed(i))
            .map(|i| columns[usize::from(i)])
            .sum()
    }

    /// The index of the family's worst state, whose machine-days the summary reports
    /// (notification for Windows).
    pub fn worst(self) -> u8 {
        match self {
            StateSet::Windows => 3,
            StateSet::Ksc => 3,
        }
    }

    /// The column names of a sample row: the states, then `offline`.
    pub fn columns(self) -> impl Iterator<Item = &'static str> {
        self.names().iter().copied().chain([OFFLINE])
    }
}

/// A column of a fleet's samples that an expectation reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    State { set: StateSet, index: u8 },
    Offline,
}
