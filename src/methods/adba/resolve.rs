//! Validation of a fleet's `Adba(fallback_kms)`.

use crate::model::AdbaFleet;

pub fn fleet(fallback_kms: bool) -> AdbaFleet {
    AdbaFleet { fallback_kms }
}
