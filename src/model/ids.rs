//! Dense ids for the things a scenario names, and vectors indexed by them.
//!
//! Validation turns every name into an id once; the simulation never looks a name up again.
//! Each kind of thing has its own id type, so a host id can never index the fleets: a
//! `Table<HostId, _>` only accepts `HostId`s. Ids are 16 bits (the hot machine record has
//! room for no more); validation refuses a list longer than `MAX_ITEMS`, which keeps every
//! id below the range's top, where `HostId::NONE`-style sentinels live.

#![allow(clippy::indexing_slicing)] // indices are ids that the tables themselves hand out

use std::marker::PhantomData;
use std::ops::{Index, IndexMut};

/// The most items of one kind (sites, domains, KMS hosts, host keys, products, fleets, MAK
/// keys, Kaspersky servers, keys) a scenario may declare. Far above any real network (a
/// large organisation runs a handful of KMS hosts), and below the 16-bit id range.
pub const MAX_ITEMS: usize = 10_000;

/// An id type: a dense index that fits in 16 bits.
pub trait Id: Copy + Eq + Ord + std::fmt::Debug {
    fn from_index(index: usize) -> Self;
    fn index(self) -> usize;
}

macro_rules! ids {
    ($($(#[$doc:meta])* $name:ident;)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(u16);

        impl $name {
            /// The first item of its list (the default domain is the first one declared).
            pub const FIRST: $name = $name(0);
        }

        impl Id for $name {
            /// Validation has checked the list length against `MAX_ITEMS`.
            fn from_index(index: usize) -> Self {
                debug_assert!(index <= MAX_ITEMS);
                $name(index as u16)
            }
            fn index(self) -> usize {
                usize::from(self.0)
            }
        }
    )*};
}

ids! {
    /// A site (index 0 is the built-in `internet`).
    SiteId;
    /// A link between two sites.
    LinkId;
    /// A DNS domain (and its AD domain).
    DomainId;
    /// A KMS host.
    HostId;
    /// A shared KMS host key (CSVLK).
    HostKeyId;
    /// A product of the catalogue (built-in or the scenario's).
    ProductId;
    /// A fleet of client machines.
    FleetId;
    /// A manual SRV record.
    SrvId;
    /// A multiple activation key.
    MakKeyId;
    /// A Kaspersky Security Center Administration Server.
    KscServerId;
    /// A licence key in a KSC server's storage.
    LicenseKeyId;
}

impl HostId {
    /// "No host": a machine no host has answered yet.
    pub const NONE: HostId = HostId(u16::MAX);
}

/// A client machine: a global index over every fleet's machines, in the order they were
/// created (fleet by fleet at the start, then those the timeline adds). 32 bits: a scenario
/// holds at most `MAX_MACHINES` (20 million).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MachineId(u32);

impl MachineId {
    pub fn from_index(index: usize) -> Self {
        debug_assert!(u32::try_from(index).is_ok());
        MachineId(index as u32)
    }

    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// A vector indexed by one kind of id.
#[derive(Clone, PartialEq)]
pub struct Table<I, T> {
    items: Vec<T>,
    id: PhantomData<fn() -> I>,
}

impl<I: Id, T> Table<I, T> {
    pub fn new() -> Self {
        Table {
            items: Vec::new(),
            id: PhantomData,
        }
    }

    /// Appends an item and returns its id.
    pub fn push(&mut self, item: T) -> I {
        self.items.push(item);
        I::from_index(self.items.len() - 1)
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.items.iter()
    }

    pub fn iter_mut(&mut self) -> std::slice::IterMut<'_, T> {
        self.items.iter_mut()
    }

    /// (id, item) pairs in order, mutable.
    pub fn enumerate_mut(&mut self) -> impl Iterator<Item = (I, &mut T)> {
        self.items
            .iter_mut()
            .enumerate()
            .map(|(i, t)| (I::from_index(i), t))
    }

    /// Every id, in order.
    pub fn ids(&self) -> impl Iterator<Item = I> + use<I, T> {
        (0..self.items.len()).map(I::from_index)
    }

    /// (id, item) pairs in order.
    pub fn enumerate(&self) -> impl Iterator<Item = (I, &T)> {
        self.items
            .iter()
            .enumerate()
            .map(|(i, t)| (I::from_index(i), t))
    }

    /// The id of the first item for which `f` holds.
    pub fn position(&self, f: impl Fn(&T) -> bool) -> Option<I> {
        self.items.iter().position(f).map(I::from_index)
    }

    pub fn get(&self, id: I) -> Option<&T> {
        self.items.get(id.index())
    }

    pub fn as_slice(&self) -> &[T] {
        &self.items
    }
}

impl<I: Id, T> Default for Table<I, T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<I, T: std::fmt::Debug> std::fmt::Debug for Table<I, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.items.fmt(f)
    }
}

impl<I: Id, T> FromIterator<T> for Table<I, T> {
    fn from_iter<It: IntoIterator<Item = T>>(iter: It) -> Self {
        Table {
            items: iter.into_iter().collect(),
            id: PhantomData,
        }
    }
}

impl<I: Id, T> Index<I> for Table<I, T> {
    type Output = T;
    fn index(&self, id: I) -> &T {
        &self.items[id.index()]
    }
}

impl<I: Id, T> IndexMut<I> for Table<I, T> {
    fn index_mut(&mut self, id: I) -> &mut T {
        &mut self.items[id.index()]
    }
}

impl<'a, I: Id, T> IntoIterator for &'a Table<I, T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

impl<'a, I: Id, T> IntoIterator for &'a mut Table<I, T> {
    type Item = &'a mut T;
    type IntoIter = std::slice::IterMut<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.iter_mut()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_is_indexed_by_its_own_id_kind() {
        let mut hosts: Table<HostId, &str> = Table::new();
        let a = hosts.push("kms1");
        let b = hosts.push("kms2");
        assert_eq!(hosts[a], "kms1");
        assert_eq!(hosts[b], "kms2");
        assert_eq!(hosts.ids().collect::<Vec<_>>(), vec![a, b]);
        assert_eq!(hosts.position(|h| *h == "kms2"), Some(b));
        // `hosts[FleetId::from_index(0)]` does not compile: ids of one kind cannot index
        // another kind's table.
    }

    #[test]
    fn the_none_host_lies_above_every_valid_id() {
        assert!(HostId::NONE.index() > MAX_ITEMS);
    }
}
