//! Well-known KMS client activation (SKU) ids — the last field of event 12290 — and the
//! catalogue product each belongs to (its threshold, pool, key group and generation come
//! from `model::catalogue`).
//!
//! Sources: the activation ids are what `slmgr /dlv` ("Activation ID") and `ospp.vbs
//! /dstatus` ("SKU ID") print on a KMS client, as Microsoft's troubleshooting articles
//! show them (e.g. Windows 7 Enterprise, ae2ee509-…); each id below was checked against at
//! least two independent public tables of KMS client SKUs (the KmsDataBase of the py-kms
//! project and the product list of vlmcsd, and client scripts that map ids to GVLKs),
//! with the edition each names. Decisions:
//! - Windows 10 and Windows 11 editions report the same activation ids, so the log cannot
//!   tell them apart: they map to `Windows10` (generation 5), which every host key that
//!   serves Windows 11 also serves; a fleet known to be Windows 11 is renamed by hand.
//! - Windows 10 Enterprise LTSC 2019 and 2021 share one id: `Windows10Ltsc`.
//! - An id not listed becomes a product of its own, named by the id, with the logged
//!   minimum count as threshold (`import::kms_log`).

/// (activation id, edition, catalogue product).
pub const SKUS: &[(&str, &str, &str)] = &[
    (
        "b92e9980-b9d5-4821-9c94-140f632f6312",
        "Windows 7 Professional",
        "Windows7",
    ),
    (
        "ae2ee509-1b34-41c0-acb7-6d4650168915",
        "Windows 7 Enterprise",
        "Windows7",
    ),
    (
        "81671aaf-79d1-4eb1-b004-8cbbe173afea",
        "Windows 8.1 Enterprise",
        "Windows81",
    ),
    (
        "2de67392-b7a7-462a-b1ca-108dd189f588",
        "Windows 10/11 Pro",
        "Windows10",
    ),
    (
        "a80b5abf-76ad-428b-b05d-a47d2dffeebf",
        "Windows 10/11 Pro N",
        "Windows10",
    ),
    (
        "82bbc092-bc50-4e16-8e18-b74fc486aec3",
        "Windows 10/11 Pro for Workstations",
        "Windows10",
    ),
    (
        "3f1afc82-f8ac-4f6c-8005-1d233e606eee",
        "Windows 10/11 Pro Education",
        "Windows10",
    ),
    (
        "73111121-5638-40f6-bc11-f1d7b0d64300",
        "Windows 10/11 Enterprise",
        "Windows10",
    ),
    (
        "e272e3e2-732f-4c65-a8f0-484747d0d947",
        "Windows 10/11 Enterprise N",
        "Windows10",
    ),
    (
        "e0c42288-980c-4788-a014-c080d2e1926e",
        "Windows 10/11 Education",
        "Windows10",
    ),
    (
        "3c102355-d027-42c6-ad23-2e7ef8a02585",
        "Windows 10/11 Education N",
        "Windows10",
    ),
    (
        "2d5a5a60-3040-48bf-beb0-fcd770c20ce0",
        "Windows 10 Enterprise LTSB 2016",
        "Windows10",
    ),
    (
        "32d2fab3-e4a8-42c2-923b-4bf4fd13e6ee",
        "Windows 10 Enterprise LTSC 2019/2021",
        "Windows10Ltsc",
    ),
    (
        "b3ca044e-a358-4d68-9883-aaa2941aca99",
        "Windows Server 2012 R2 Standard",
        "WindowsServer2012R2",
    ),
    (
        "00091344-1ea4-4f37-b789-01750ba6988c",
        "Windows Server 2012 R2 Datacenter",
        "WindowsServer2012R2",
    ),
    (
        "8c1c5410-9f39-4805-8c9d-63a07706358f",
        "Windows Server 2016 Standard",
        "WindowsServer2016",
    ),
    (
        "21c56779-b449-4d20-adfc-eece0e1ad74b",
        "Windows Server 2016 Datacenter",
        "WindowsServer2016",
    ),
    (
        "de32eafd-aaee-4662-9444-c1befb41bde2",
        "Windows Server 2019 Standard",
        "WindowsServer2019",
    ),
    (
        "34e1ae55-27f8-4950-8877-7a03be5fb181",
        "Windows Server 2019 Datacenter",
        "WindowsServer2019",
    ),
    (
        "9bd77860-9b31-4b7b-96ad-2564017315bf",
        "Windows Server 2022 Standard",
        "WindowsServer2022",
    ),
    (
        "ef6cfc9f-8c5d-44ac-9aad-de6a2ea0ae03",
        "Windows Server 2022 Datacenter",
        "WindowsServer2022",
    ),
    (
        "7dc26449-db21-4e09-ba37-28f2958506a6",
        "Windows Server 2025 Standard",
        "WindowsServer2025",
    ),
    (
        "c052f164-cdf6-409a-a0cb-853ba0f0f55a",
        "Windows Server 2025 Datacenter",
        "WindowsServer2025",
    ),
    (
        "d450596f-894d-49e0-966a-fd39ed4c4c64",
        "Office Professional Plus 2016",
        "Office2016",
    ),
    (
        "dedfa23d-6ed1-45a6-85dc-63cae0546de6",
        "Office Standard 2016",
        "Office2016",
    ),
    (
        "85dd8b5f-eaa4-4af3-a628-cce9e77c9a03",
        "Office Professional Plus 2019",
        "Office2019",
    ),
    (
        "fbdb3e18-a8ef-4fb3-9183-dffd60bd0984",
        "Office LTSC Professional Plus 2021",
        "Office2021",
    ),
    (
        "8d368fc1-9470-4be2-8d66-90e836cbb051",
        "Office LTSC Professional Plus 2024",
        "Office2024",
    ),
];

/// The catalogue product of a well-known activation id.
pub fn product_of(id: u128) -> Option<&'static str> {
    SKUS.iter()
        .find(|(text, _, _)| crate::numbers::parse_guid(text) == Some(id))
        .map(|&(_, _, product)| product)
}

/// The first activation id listed for a catalogue product (what a run's synthetic events
/// log for a machine of that product).
pub fn id_of(product: &str) -> Option<u128> {
    SKUS.iter()
        .find(|(_, _, p)| *p == product)
        .and_then(|(text, _, _)| crate::numbers::parse_guid(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_id_is_a_guid_once_and_every_product_is_in_the_catalogue() {
        let catalogue = crate::model::catalogue::builtin();
        let mut ids: Vec<u128> = Vec::new();
        for (text, edition, product) in SKUS {
            let id = crate::numbers::parse_guid(text).unwrap();
            assert!(!ids.contains(&id), "{text} twice");
            ids.push(id);
            assert!(
                catalogue.iter().any(|p| p.name == *product),
                "{edition}: {product}"
            );
            assert_eq!(crate::eventlog::format_guid(id), *text);
        }
        assert_eq!(
            product_of(crate::eventlog::parse_guid(SKUS[1].0).unwrap()),
            Some("Windows7")
        );
    }
}
