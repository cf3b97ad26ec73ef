//! The activation policy in force, and the changes a `SetPolicy` makes to it.

use crate::time::{DAY, SimTime};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PolicyModel {
    pub activation_interval: SimTime,
    pub renewal_interval: SimTime,
    pub validity: SimTime,
    pub grace: SimTime,
    pub oot_grace: SimTime,
    pub cmid_retention: SimTime,
    pub restart_clears_cmids: bool,
    /// ADBA-2: how long an ADBA activation lasts after the last contact with a DC.
    pub adba_validity: SimTime,
    /// KSC-1: how often a managed device synchronises with its server.
    pub ksc_sync_interval: SimTime,
    /// KSC-5: how close to its expiry an active key "expires soon".
    pub ksc_expiry_warning: SimTime,
}

impl Default for PolicyModel {
    /// The defaults of the rules.
    fn default() -> Self {
        PolicyModel {
            activation_interval: 7_200,   // KMS-CLI-2
            renewal_interval: 7 * DAY,    // KMS-CLI-3
            validity: 180 * DAY,          // KMS-CLI-4
            grace: 30 * DAY,              // KMS-CLI-5
            oot_grace: 30 * DAY,          // KMS-CLI-6
            cmid_retention: 30 * DAY,     // KMS-COUNT-3
            restart_clears_cmids: true,   // KMS-COUNT-6
            adba_validity: 180 * DAY,     // ADBA-2
            ksc_sync_interval: 15 * 60,   // KSC-1
            ksc_expiry_warning: 30 * DAY, // KSC-5
        }
    }
}

/// A `SetPolicy` change: only the fields given.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PolicyChange {
    pub activation_interval: Option<SimTime>,
    pub renewal_interval: Option<SimTime>,
    pub validity: Option<SimTime>,
    pub grace: Option<SimTime>,
    pub oot_grace: Option<SimTime>,
    pub cmid_retention: Option<SimTime>,
    pub restart_clears_cmids: Option<bool>,
    pub adba_validity: Option<SimTime>,
    pub ksc_sync_interval: Option<SimTime>,
    pub ksc_expiry_warning: Option<SimTime>,
}

impl PolicyModel {
    pub fn apply(&mut self, change: &PolicyChange) {
        let PolicyChange {
            activation_interval,
            renewal_interval,
            validity,
            grace,
            oot_grace,
            cmid_retention,
            restart_clears_cmids,
            adba_validity,
            ksc_sync_interval,
            ksc_expiry_warning,
        } = *change;
        self.activation_interval = activation_interval.unwrap_or(self.activation_interval);
        self.renewal_interval = renewal_interval.unwrap_or(self.renewal_interval);
        self.validity = validity.unwrap_or(self.validity);
        self.grace = grace.unwrap_or(self.grace);
        self.oot_grace = oot_grace.unwrap_or(self.oot_grace);
        self.cmid_retention = cmid_retention.unwrap_or(self.cmid_retention);
        self.restart_clears_cmids = restart_clears_cmids.unwrap_or(self.restart_clears_cmids);
        self.adba_validity = adba_validity.unwrap_or(self.adba_validity);
        self.ksc_sync_interval = ksc_sync_interval.unwrap_or(self.ksc_sync_interval);
        self.ksc_expiry_warning = ksc_expiry_warning.unwrap_or(self.ksc_expiry_warning);
    }
}
