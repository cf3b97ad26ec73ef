//! Starting from the real network: `actsim import kms-log` (KMS hosts' event logs) and
//! `actsim import inventory` (an AD or Intune machine inventory) turn what admins can
//! export into findings, a replay of the hosts' counts and a scenario skeleton.

pub mod inventory;
pub mod kms_log;
