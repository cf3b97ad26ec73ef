//! Integration tests, one binary (compiles once): whole scenarios through the library and
//! the `actsim` binary.

mod admin;
mod advise;
mod bad_catalogue;
mod bad_input;
mod ci;
mod cli;
mod cli_snapshots;
mod compare;
mod cookbook;
mod determinism;
mod docs;
mod examples;
mod golden;
mod import;
mod invariants;
mod ksc;
mod methods;
mod network;
mod problems;
mod properties;
mod regression;
mod report;
mod snapshots;
mod support;
mod sweep;
mod trace;
