//! Validation of the MAK parts of a scenario: the keys and a fleet's `Mak(key, mode)`.

use crate::model::{MakFleet, MakKeyId, MakKeyModel, MakMode, SiteId, Table};
use crate::scenario::check::{Checker, Names, Result, strs};
use crate::scenario::schema;

/// The keys (MAK-1): unique names, at least one activation each.
pub fn keys(
    c: &Checker,
    declared: &[schema::MakKey],
) -> Result<(Table<MakKeyId, MakKeyModel>, Names<MakKeyId>)> {
    let names = Names::declare(
        "MAK key",
        c,
        "mak_keys",
        declared.iter().map(|k| k.name.as_str()),
    )?;
    let mut keys = Table::new();
    for k in declared {
        if k.activations == 0 {
            let q = format!("\"{}\"", k.name);
            return Err(c.error(
                &["mak_keys", &q, "activations"],
                format!("MAK key \"{}\" allows no activation", k.name),
            ));
        }
        keys.push(MakKeyModel {
            name: k.name.clone(),
            activations: k.activations,
        });
    }
    Ok((keys, names))
}

/// A fleet's `Mak(key, mode)`.
pub fn fleet(
    c: &Checker,
    keys: &Names<MakKeyId>,
    sites: &Names<SiteId>,
    at: &dyn Fn(String) -> [String; 3],
    key: &str,
    mode: &schema::MakMode,
) -> Result<MakFleet> {
    let key = keys.resolve(c, &strs(&at(format!("\"{key}\""))), key)?;
    let mode = match mode {
        schema::MakMode::Independent => MakMode::Independent,
        schema::MakMode::Proxy { via } => {
            let a = at(format!("\"{via}\""));
            let site = sites.resolve(c, &strs(&a), via)?;
            c.not_internet(site, &strs(&a))?;
            MakMode::Proxy { via: site }
        }
        // A call takes time: a zero delay would be an activation at the instant it is
        // needed, i.e. no telephone at all.
        schema::MakMode::Phone { delay } => {
            let mut anchors = at("Phone".into()).to_vec();
            anchors.push("delay".into());
            MakMode::Phone {
                delay: c.positive(&strs(&anchors), "Phone(delay)", *delay)?,
            }
        }
    };
    Ok(MakFleet { key, mode })
}
