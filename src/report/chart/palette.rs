//! Colours, fixed across every chart and the HTML report.
//!
//! States: hues a reader expects (licensed green, grace amber, out-of-tolerance orange,
//! notification red) chosen so that neighbours in the stack also differ strongly in
//! lightness — the stack stays readable printed in greyscale and for red-green colour-blind
//! readers (relative luminance: licensed 0.17, grace 0.60, oot_grace 0.32, notification 0.06).
//! Offline is not a licence state: it is drawn as a dashed dark-grey line over the stack.
//! Hosts and codes use the Okabe–Ito palette, designed for colour-blind readers.

#![allow(clippy::indexing_slicing)] // indices are positions in series and tables built by the same run (equal lengths; files read back are checked by RunTables::parse and check)

use plotters::style::RGBColor;

/// In `FLEET_COLUMNS` order: grace, licensed, oot_grace, notification, offline.
pub const STATE: [RGBColor; 5] = [
    RGBColor(0xF2, 0xC1, 0x4E),
    RGBColor(0x1A, 0x7F, 0x5A),
    RGBColor(0xE0, 0x6C, 0x00),
    RGBColor(0x8E, 0x12, 0x1F),
    RGBColor(0x4D, 0x4D, 0x4D),
];

/// Hex forms of `STATE` for the HTML report.
pub const STATE_HEX: [&str; 5] = ["#F2C14E", "#1A7F5A", "#E06C00", "#8E121F", "#4D4D4D"];

/// A Kaspersky device's states, in their column order: no_key (orange: unprotected),
/// active (green), active_with_reserve (dark green: the best), expired (red: limited
/// mode), offline. Neighbours in the stack differ in lightness, as for licence states.
pub const KSC_STATE: [RGBColor; 5] = [
    RGBColor(0xE0, 0x6C, 0x00),
    RGBColor(0x1A, 0x7F, 0x5A),
    RGBColor(0x0B, 0x4A, 0x33),
    RGBColor(0x8E, 0x12, 0x1F),
    RGBColor(0x4D, 0x4D, 0x4D),
];

/// Hex forms of `KSC_STATE` for the HTML report.
pub const KSC_STATE_HEX: [&str; 5] = ["#E06C00", "#1A7F5A", "#0B4A33", "#8E121F", "#4D4D4D"];

/// The colours of a family of states, in its column order.
pub fn state(set: crate::model::StateSet) -> &'static [RGBColor; 5] {
    match set {
        crate::model::StateSet::Windows => &STATE,
        crate::model::StateSet::Ksc => &KSC_STATE,
    }
}

/// Okabe–Ito, without yellow (too light for thin lines on white).
pub const SERIES: [RGBColor; 7] = [
    RGBColor(0x00, 0x72, 0xB2),
    RGBColor(0xD5, 0x5E, 0x00),
    RGBColor(0x00, 0x9E, 0x73),
    RGBColor(0xCC, 0x79, 0xA7),
    RGBColor(0x56, 0xB4, 0xE9),
    RGBColor(0xE6, 0x9F, 0x00),
    RGBColor(0x00, 0x00, 0x00),
];

pub fn series(i: usize) -> RGBColor {
    SERIES[i % SERIES.len()]
}

pub const INK: RGBColor = RGBColor(0x22, 0x22, 0x22);
pub const GRID: RGBColor = RGBColor(0xE4, 0xE4, 0xE4);
pub const MARKER: RGBColor = RGBColor(0x55, 0x55, 0x55);
