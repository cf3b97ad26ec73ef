//! Integration tests, one binary (compiles once): whole scenarios through the library and
//! the `actsim` binary.

mod advise;
mod bad_catalogue;
mod bad_input;
mod cli;
mod cli_snapshots;
mod compare;
mod determinism;
mod examples;
mod golden;
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
