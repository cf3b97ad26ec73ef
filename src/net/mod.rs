//! The network: sites and links with firewalls (`topology.rs`), DNS zones and their SRV
//! records (`dns.rs`), and when machines are online (`schedule.rs`).

pub mod dns;
pub mod schedule;
pub mod topology;
