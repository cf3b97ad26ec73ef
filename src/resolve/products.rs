//! Products: the built-in catalogue plus the scenario's own, which add to it or replace a
//! product of the same name.

use super::MAX_THRESHOLD;
use crate::methods::kms::resolve::generation;
use crate::model::{KeyGroup, Pool, ProductId, ProductModel, Table, catalogue};
use crate::scenario::check::{Checker, Names, Result};
use crate::scenario::schema;

pub fn resolve(
    c: &Checker,
    declared: &[schema::Product],
) -> Result<(Table<ProductId, ProductModel>, Names<ProductId>)> {
    Names::<ProductId>::declare(
        "product",
        c,
        "products",
        declared.iter().map(|x| x.name.as_str()),
    )?;
    let mut products: Vec<ProductModel> = catalogue::builtin();
    for p in declared {
        let q = format!("\"{}\"", p.name);
        if p.threshold == 0 || p.threshold > MAX_THRESHOLD {
            return Err(c.error(
                &["products", &q, "threshold"],
                format!("threshold {} is outside 1-{MAX_THRESHOLD}", p.threshold),
            ));
        }
        let valid_group = match p.pool {
            Pool::Office => p.group == KeyGroup::Office,
            Pool::Windows => p.group != KeyGroup::Office,
        };
        if !valid_group {
            return Err(c.error(
                &["products", &q, "group"],
                format!(
                    "product \"{}\": pool {:?} does not go with key group {:?} \
                     (Office products use the Office pool and group)",
                    p.name, p.pool, p.group
                ),
            ));
        }
        let model = ProductModel {
            name: p.name.clone(),
            threshold: p.threshold,
            pool: p.pool,
            group: p.group,
            grace: p
                .grace
                .map(|g| c.positive(&["products", &q, "grace"], "grace", g))
                .transpose()?,
            generation: match p.generation {
                Some(g) => generation(c, &["products", &q, "generation"], "generation", g)?,
                None => 1,
            },
        };
        match products.iter_mut().find(|x| x.name == p.name) {
            Some(existing) => *existing = model,
            None => products.push(model),
        }
    }
    let names = Names::declare(
        "product",
        c,
        "products",
        products.iter().map(|p| p.name.as_str()),
    )?;
    Ok((products.into_iter().collect(), names))
}
