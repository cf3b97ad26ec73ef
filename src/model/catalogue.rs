//! The product catalogue: what a client is, which count it joins, which threshold it needs,
//! which key group activates it and of which generation it is. A scenario's own `products`
//! are added to these, or replace one of the same name.
//!
//! Generations (KMS-GEN-1) number the Windows volume-activation eras; a host key of
//! generation g activates the products of its groups of generation g and older:
//!
//! | gen | client | server |
//! |---|---|---|
//! | 1 | Windows Vista | Windows Server 2008 |
//! | 2 | Windows 7 | Windows Server 2008 R2 |
//! | 3 | Windows 8 | Windows Server 2012 |
//! | 4 | Windows 8.1 | Windows Server 2012 R2 |
//! | 5 | Windows 10 | Windows Server 2016 |
//! | 6 | Windows 10 LTSC 2019/2021 | Windows Server 2019 |
//! | 7 | Windows 11 | Windows Server 2022 |
//! | 8 | Windows 11 LTSC 2024 | Windows Server 2025 |
//!
//! Sources: Microsoft Learn "Key Management Services (KMS) activation planning", section
//! "Activation versions" (which products each CSVLK activates: Windows 11 first appears
//! under the Server 2022 key, Server 2025 only under its own); "Plan for Volume Activation —
//! Step 1" (2012 R2 era table, Windows 8.1 and earlier); the Volume Activation planning guide
//! of Windows 7 / Server 2008 R2 (the *Deployment Guide* of docs/rules.md, "Détermination des besoins en clés de produit",
//! tables 1 and 2: groups A < B < C, and "la clé KMS pour les produits Windows plus récents
//! activera également ceux d'ancienne génération"). From Server 2012 on, one server key
//! covers every edition, so the era's server products are in group C.
//!
//! Office versions take the generation of the Windows era they belong to (2010 = 2,
//! 2013 = 3, 2016 = 5, 2019 = 6, 2021 = 7, 2024 = 8). Real Office host keys are version
//! specific (an Office 2019 key does not activate Office 2016: Microsoft Learn, "Configure a
//! KMS host computer to activate volume licensed versions of Office"); actsim applies the
//! same "newer activates older" rule to Office as to Windows, which the rules state, and the
//! documentation says so.
//!
//! AD-based activation (ADBA-1) needs generation 3 or later: Windows 8, Server 2012, Office
//! 2013 onwards (the *Volume Licensing FAQ* of docs/rules.md, "Qu'est-ce que l'activation en volume ?").

use super::{KeyGroup, Pool, ProductModel};

/// The newest generation the catalogue knows.
pub const NEWEST_GENERATION: u8 = 8;

/// The oldest generation that supports AD-based activation (ADBA-1).
pub const ADBA_FROM_GENERATION: u8 = 3;

/// Name, threshold (KMS-CLI-1), pool (KMS-COUNT-5), key group (KMS-HOST-2), generation.
const CATALOGUE: &[(&str, u32, Pool, KeyGroup, u8)] = {
    use KeyGroup::*;
    use Pool::{Office as O, Windows as W};
    &[
        // The generic products: of the newest generation, so any host key and ADBA serve
        // them unless a scenario says otherwise.
        ("WindowsClient", 25, W, ClientVl, NEWEST_GENERATION),
        ("WindowsServerA", 5, W, ServerA, NEWEST_GENERATION),
        ("WindowsServerB", 5, W, ServerB, NEWEST_GENERATION),
        ("WindowsServerC", 5, W, ServerC, NEWEST_GENERATION),
        ("Office", 5, O, Office, NEWEST_GENERATION),
        // Named Windows client versions.
        ("WindowsVista", 25, W, ClientVl, 1),
        ("Windows7", 25, W, ClientVl, 2),
        ("Windows8", 25, W, ClientVl, 3),
        ("Windows81", 25, W, ClientVl, 4),
        ("Windows10", 25, W, ClientVl, 5),
        ("Windows10Ltsc", 25, W, ClientVl, 6),
        ("Windows11", 25, W, ClientVl, 7),
        ("Windows11Ltsc2024", 25, W, ClientVl, 8),
        // Named Windows Server versions: groups A/B/C matter for 2008 and 2008 R2.
        ("WindowsServer2008A", 5, W, ServerA, 1),
        ("WindowsServer2008B", 5, W, ServerB, 1),
        ("WindowsServer2008C", 5, W, ServerC, 1),
        ("WindowsServer2008R2A", 5, W, ServerA, 2),
        ("WindowsServer2008R2B", 5, W, ServerB, 2),
        ("WindowsServer2008R2C", 5, W, ServerC, 2),
        ("WindowsServer2012", 5, W, ServerC, 3),
        ("WindowsServer2012R2", 5, W, ServerC, 4),
        ("WindowsServer2016", 5, W, ServerC, 5),
        ("WindowsServer2019", 5, W, ServerC, 6),
        ("WindowsServer2022", 5, W, ServerC, 7),
        ("WindowsServer2025", 5, W, ServerC, 8),
        // Named Office versions (Project and Visio of a version count as Office).
        ("Office2010", 5, O, Office, 2),
        ("Office2013", 5, O, Office, 3),
        ("Office2016", 5, O, Office, 5),
        ("Office2019", 5, O, Office, 6),
        ("Office2021", 5, O, Office, 7),
        ("Office2024", 5, O, Office, 8),
    ]
};

/// The built-in products, in catalogue order.
pub fn builtin() -> Vec<ProductModel> {
    CATALOGUE
        .iter()
        .map(|&(name, threshold, pool, group, generation)| ProductModel {
            name: name.to_owned(),
            threshold,
            pool,
            group,
            grace: None,
            generation,
        })
        .collect()
}

impl ProductModel {
    /// ADBA-1: whether AD-based activation can activate this product.
    pub fn supports_adba(&self) -> bool {
        self.generation >= ADBA_FROM_GENERATION
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// KMS-CLI-1: thresholds 25 for Windows clients, 5 for servers and Office.
    #[test]
    fn kms_cli_1_thresholds_by_kind_of_product() {
        for p in builtin() {
            let expected = match (p.pool, p.group) {
                (Pool::Windows, KeyGroup::ClientVl) => 25,
                _ => 5,
            };
            assert_eq!(p.threshold, expected, "{}", p.name);
        }
    }

    /// ADBA-1: Windows 8 / Server 2012 / Office 2013 onwards.
    #[test]
    fn adba_1_supported_from_generation_3() {
        let supports = |name: &str| {
            builtin()
                .into_iter()
                .find(|p| p.name == name)
                .map(|p| p.supports_adba())
        };
        assert_eq!(supports("Windows7"), Some(false));
        assert_eq!(supports("Windows8"), Some(true));
        assert_eq!(supports("WindowsServer2008R2C"), Some(false));
        assert_eq!(supports("WindowsServer2012"), Some(true));
        assert_eq!(supports("Office2010"), Some(false));
        assert_eq!(supports("Office2013"), Some(true));
        assert_eq!(
            supports("WindowsClient"),
            Some(true),
            "generic products are the newest"
        );
    }

    #[test]
    fn names_are_unique() {
        let mut names: Vec<&str> = CATALOGUE.iter().map(|p| p.0).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), CATALOGUE.len());
    }
}
