//! The product catalogue: what a client is, which count it joins and which threshold it
//! needs. A scenario's own `products` are added to these, or replace one of the same name.

use super::{KeyGroup, Pool, ProductModel};

/// The built-in products (KMS-CLI-1 thresholds; KMS-HOST-2 key groups).
pub fn builtin() -> Vec<ProductModel> {
    let product = |name: &str, threshold, pool, group| ProductModel {
        name: name.to_owned(),
        threshold,
        pool,
        group,
        grace: None,
    };
    vec![
        product("WindowsClient", 25, Pool::Windows, KeyGroup::ClientVl),
        product("WindowsServerA", 5, Pool::Windows, KeyGroup::ServerA),
        product("WindowsServerB", 5, Pool::Windows, KeyGroup::ServerB),
        product("WindowsServerC", 5, Pool::Windows, KeyGroup::ServerC),
        product("Office", 5, Pool::Office, KeyGroup::Office),
    ]
}
