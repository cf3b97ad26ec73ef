//! The activation policy: the scenario's, and the changes of `SetPolicy`.

use crate::model::{PolicyChange, PolicyModel, SimTime};
use crate::scenario::check::{Checker, Result};
use crate::scenario::schema;

/// The policy at the start: the rules' defaults with the scenario's fields applied.
pub fn base(c: &Checker, p: &schema::Policy) -> Result<PolicyModel> {
    let change = change(c, &["policy:"], p)?;
    let mut policy = PolicyModel::default();
    policy.apply(&change);
    Ok(policy)
}

/// The fields a policy gives, each checked (intervals within slmgr's range, KMS-HOST-7).
pub fn change(c: &Checker, anchors: &[&str], p: &schema::Policy) -> Result<PolicyChange> {
    let positive =
        |field: &str, d: Option<crate::scenario::duration::Duration>| -> Result<Option<SimTime>> {
            let mut a = anchors.to_vec();
            a.push(field);
            d.map(|d| c.positive(&a, field, d)).transpose()
        };
    let interval =
        |field: &str, d: Option<crate::scenario::duration::Duration>| -> Result<Option<SimTime>> {
            let mut a = anchors.to_vec();
            a.push(field);
            d.map(|d| c.interval(&a, field, d)).transpose()
        };
    Ok(PolicyChange {
        activation_interval: interval("activation_interval", p.activation_interval)?,
        renewal_interval: interval("renewal_interval", p.renewal_interval)?,
        validity: positive("validity", p.validity)?,
        grace: positive("grace", p.grace)?,
        oot_grace: positive("oot_grace", p.oot_grace)?,
        cmid_retention: positive("cmid_retention", p.cmid_retention)?,
        restart_clears_cmids: p.restart_clears_cmids,
        adba_validity: positive("adba_validity", p.adba_validity)?,
        ksc_sync_interval: positive("ksc_sync_interval", p.ksc_sync_interval)?,
        ksc_expiry_warning: positive("ksc_expiry_warning", p.ksc_expiry_warning)?,
    })
}
