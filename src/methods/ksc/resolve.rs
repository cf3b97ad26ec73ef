//! Validation of the Kaspersky parts of a scenario: servers and their keys, a fleet's
//! `Ksc(server, persistent)`, `RemoveLicenseKey` and `KeyUsageBelow`.

use crate::model::ksc::{KscModel, KscServerModel, LicenseKeyModel};
use crate::model::{KscExpect, KscFleet, KscServerId, LicenseKeyId, SiteId, Table};
use crate::scenario::check::{Checker, Names, Result, strs};
use crate::scenario::duration::Duration;
use crate::scenario::schema;

/// The names the KSC part declares.
pub struct KscNames {
    pub servers: Names<KscServerId>,
    /// Key names are unique across servers (an expectation names a key alone).
    pub keys: Names<LicenseKeyId>,
}

/// Servers and their keys.
pub fn servers(
    c: &Checker,
    declared: &[schema::KscServer],
    sites: &Names<SiteId>,
) -> Result<(KscModel, KscNames)> {
    let server_names = Names::<KscServerId>::declare(
        "Kaspersky server",
        c,
        "ksc_servers",
        declared.iter().map(|s| s.name.as_str()),
    )?;
    let mut key_names = Names::<LicenseKeyId>::new("licence key");
    let mut model = KscModel::default();
    for s in declared {
        let q = format!("\"{}\"", s.name);
        let at =
            |field: &str| -> Vec<String> { vec!["ksc_servers".into(), q.clone(), field.into()] };
        let site = sites.resolve(c, &strs(&at(&format!("\"{}\"", s.site))), &s.site)?;
        c.not_internet(site, &strs(&at(&format!("\"{}\"", s.site))))?;
        let server = model.servers.push(KscServerModel {
            name: s.name.clone(),
            site,
            port: c.port(&strs(&at("port:")), s.port)?,
            max_persistent: s.max_persistent,
        });
        for k in &s.keys {
            let kq = format!("\"{}\"", k.name);
            let a = vec!["ksc_servers".to_owned(), q.clone(), kq.clone()];
            key_names.add(c, "the keys of ksc_servers", &k.name)?;
            let valid_from = c.not_negative(&strs(&a), "valid_from", k.valid_from)?;
            let valid_for = c.positive(&strs(&a), "valid_for", k.valid_for)?;
            if k.devices == 0 {
                return Err(c.error(&strs(&a), format!("key {kq} covers no device")));
            }
            model.keys.push(LicenseKeyModel {
                name: k.name.clone(),
                server,
                source: k.source,
                valid_from,
                expires: valid_from.saturating_add(valid_for),
                devices: k.devices,
                auto_distribute: k.auto_distribute,
            });
        }
    }
    Ok((
        model,
        KscNames {
            servers: server_names,
            keys: key_names,
        },
    ))
}

/// A fleet's `Ksc(server, persistent, unassigned)`.
pub fn fleet(
    c: &Checker,
    names: &KscNames,
    at: &dyn Fn(String) -> [String; 3],
    server: &str,
    persistent: bool,
    unassigned: bool,
) -> Result<KscFleet> {
    Ok(KscFleet {
        server: names
            .servers
            .resolve(c, &strs(&at(format!("\"{server}\""))), server)?,
        persistent,
        unassigned,
    })
}

/// `RemoveLicenseKey(server, key)`: the key must be in that server's storage.
pub fn removed_key(
    here: &dyn Fn(String) -> crate::error::Error,
    names: &KscNames,
    keys: &Table<LicenseKeyId, LicenseKeyModel>,
    server: &str,
    key: &str,
) -> Result<LicenseKeyId> {
    let s = names.servers.resolve_at(here, server)?;
    let k = names.keys.resolve_at(here, key)?;
    if keys[k].server != s {
        return Err(here(format!(
            "licence key \"{key}\" is not in the storage of server \"{server}\""
        )));
    }
    Ok(k)
}

/// `KeyUsageBelow(key, share, from)`.
pub fn usage_below(
    c: &Checker,
    names: &KscNames,
    anchors: &[&str],
    key: &str,
    share: f64,
    from: Option<Duration>,
) -> Result<KscExpect> {
    if !(share > 0.0 && share.is_finite()) {
        return Err(c.error(
            anchors,
            format!("share {share} must be a positive number (1.0 = the device limit)"),
        ));
    }
    Ok(KscExpect::KeyUsageBelow {
        key: names.keys.resolve(c, anchors, key)?,
        share,
        from: from
            .map(|f| c.not_negative(anchors, "from", f))
            .transpose()?
            .unwrap_or(0),
    })
}
