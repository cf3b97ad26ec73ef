//! Windows Key Management Service: the host's count, the client's licence state machine,
//! and how a client finds a host.

pub mod client;
pub mod discovery;
pub mod host;
pub mod product;
