//! The states a fleet's machines are counted in. Each activation method reports one family
//! of states (its list, in output order); `offline` is reported beside them, separately,
//! because being offline does not change a licence.

/// A family of states, as one method's machines report them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StateSet {
    /// The Windows licence of a KMS client (scenario-format.md, "States").
    Windows,
}

/// The most states a family has; per-population counters are arrays of this size.
pub const MAX_STATES: usize = 4;

/// The name of the column that counts offline machines.
pub const OFFLINE: &str = "offline";

impl StateSet {
    /// How many families there are.
    pub const COUNT: usize = 1;

    /// The family's position in per-family arrays.
    pub fn index(self) -> usize {
        match self {
            StateSet::Windows => 0,
        }
    }

    /// The states' names in outputs (CSV columns, summary keys), in order.
    pub fn names(self) -> &'static [&'static str] {
        match self {
            StateSet::Windows => &["grace", "licensed", "oot_grace", "notification"],
        }
    }

    /// The states' names as an expectation writes them (`state: OotGrace`), in order.
    pub fn expect_names(self) -> &'static [&'static str] {
        match self {
            StateSet::Windows => &["Grace", "Licensed", "OotGrace", "Notification"],
        }
    }

    /// The index of the state an expectation names, if this family has it.
    pub fn index_of(self, expect_name: &str) -> Option<u8> {
        self.expect_names()
            .iter()
            .position(|n| *n == expect_name)
            .map(|i| i as u8)
    }

    /// The index of the state that counts as "licensed" for shares (`LicensedShare`,
    /// `min_licensed_share`).
    pub fn licensed(self) -> u8 {
        match self {
            StateSet::Windows => 1,
        }
    }

    /// The index of the family's worst state, whose machine-days the summary reports
    /// (notification for Windows).
    pub fn worst(self) -> u8 {
        match self {
            StateSet::Windows => 3,
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
