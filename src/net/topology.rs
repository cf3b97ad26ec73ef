//! Sites and links as a petgraph graph; reachability per port (NET-1).
//!
//! A machine at site S reaches a service at site H on port P when S = H, or when a path of
//! links that are up and all let P through joins them. Reachability is kept as one
//! connected-component labelling per port of interest, recomputed only when a topology
//! event (Block, Allow, LinkDown, LinkUp) happens; an attempt only compares two labels.

#![allow(clippy::indexing_slicing)] // indices are site, domain, port and record positions built from the validated model

use crate::model::{Id, LinkId, LinkModel, PortModel, SiteId, Table};
use petgraph::graph::{EdgeIndex, NodeIndex, UnGraph};
use petgraph::unionfind::UnionFind;

/// The firewall and state of one link.
#[derive(Debug, Clone)]
struct LinkState {
    allow: Vec<PortModel>,
    up: bool,
}

/// An index into the ports of interest.
pub type PortId = u16;

#[derive(Debug, Clone)]
pub struct Topology {
    graph: UnGraph<(), LinkState, u16>,
    /// Edge of each scenario link, by link index.
    edges: Table<LinkId, EdgeIndex<u16>>,
    /// The ports reachability is kept for.
    ports: Vec<PortModel>,
    /// Per port of interest, a component label per site.
    labels: Vec<Vec<u16>>,
}

impl Topology {
    /// The topology of `model` at t = 0, keeping reachability for `ports`.
    pub fn new(sites: usize, links: &Table<LinkId, LinkModel>, ports: Vec<PortModel>) -> Self {
        let mut graph = UnGraph::<(), LinkState, u16>::with_capacity(sites, links.len());
        for _ in 0..sites {
            graph.add_node(());
        }
        let edges = links
            .iter()
            .map(|l| {
                let state = LinkState {
                    allow: l.allow.clone(),
                    up: true,
                };
                graph.add_edge(
                    NodeIndex::new(l.a.index()),
                    NodeIndex::new(l.b.index()),
                    state,
                )
            })
            .collect();
        let mut t = Topology {
            graph,
            edges,
            ports,
            labels: Vec::new(),
        };
        t.recompute();
        t
    }

    /// The index of `port` among the ports of interest.
    pub fn port_id(&self, port: PortModel) -> Option<PortId> {
        self.ports.binary_search(&port).ok().map(|i| i as PortId)
    }

    /// NET-1: whether site `from` reaches site `to` on `port`.
    pub fn reaches(&self, from: SiteId, to: SiteId, port: PortId) -> bool {
        from == to || {
            let labels = &self.labels[usize::from(port)];
            labels[from.index()] == labels[to.index()]
        }
    }

    pub fn set_link_up(&mut self, link: LinkId, up: bool) {
        self.graph[self.edges[link]].up = up;
        self.recompute();
    }

    /// The firewall of `link` lets `port` through (`allow`) or not.
    pub fn set_port(&mut self, link: LinkId, port: PortModel, allow: bool) {
        let state = &mut self.graph[self.edges[link]];
        state.allow.retain(|&p| p != port);
        if allow {
            state.allow.push(port);
        }
        self.recompute();
    }

    #[allow(clippy::expect_used)] // the edge index comes from the same graph
    fn recompute(&mut self) {
        let n = self.graph.node_count();
        self.labels = self
            .ports
            .iter()
            .map(|&port| {
                let mut sets = UnionFind::<usize>::new(n);
                for e in self.graph.edge_indices() {
                    let state = &self.graph[e];
                    if state.up && state.allow.contains(&port) {
                        let (a, b) = self.graph.edge_endpoints(e).expect("edge exists");
                        sets.union(a.index(), b.index());
                    }
                }
                (0..n).map(|s| sets.find_mut(s) as u16).collect()
            })
            .collect();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use PortModel::*;

    const KMS: PortModel = Tcp(1688);

    fn link(a: usize, b: usize, allow: &[PortModel]) -> LinkModel {
        LinkModel {
            a: SiteId::from_index(a),
            b: SiteId::from_index(b),
            allow: allow.to_vec(),
        }
    }

    fn site(i: usize) -> SiteId {
        SiteId::from_index(i)
    }

    fn reaches(t: &Topology, a: usize, b: usize, port: PortId) -> bool {
        t.reaches(site(a), site(b), port)
    }

    /// Sites 0 (internet), 1 hq, 2 branch, 3 lab, 4 far.
    fn net() -> Topology {
        Topology::new(
            5,
            &[
                link(1, 2, &[KMS, Udp(53)]),
                link(2, 4, &[KMS]),
                link(1, 3, &[Udp(53)]),
            ]
            .into_iter()
            .collect(),
            vec![KMS, Udp(53)],
        )
    }

    #[test]
    fn net_1_same_site_always_reaches() {
        let t = net();
        assert!(reaches(&t, 3, 3, t.port_id(KMS).unwrap()));
    }

    #[test]
    fn net_1_multi_hop_path_needs_the_port_on_every_hop() {
        let t = net();
        let kms = t.port_id(KMS).unwrap();
        let dns = t.port_id(Udp(53)).unwrap();
        assert!(
            reaches(&t, 1, 4, kms),
            "hq → branch → far, 1688 open on both hops"
        );
        assert!(!reaches(&t, 1, 4, dns), "53 is closed on branch → far");
        assert!(reaches(&t, 3, 2, dns), "lab → hq → branch for DNS");
        assert!(
            !reaches(&t, 3, 1, kms),
            "the lab link only lets DNS through"
        );
        assert!(!reaches(&t, 1, 0, kms), "no link to the internet");
    }

    #[test]
    fn net_1_a_blocked_port_on_one_hop_cuts_the_path_until_allowed() {
        let mut t = net();
        let kms = t.port_id(KMS).unwrap();
        t.set_port(LinkId::from_index(1), KMS, false);
        assert!(reaches(&t, 1, 2, kms));
        assert!(!reaches(&t, 1, 4, kms));
        t.set_port(LinkId::from_index(1), KMS, true);
        assert!(reaches(&t, 1, 4, kms));
    }

    #[test]
    fn net_1_a_link_down_cuts_every_port() {
        let mut t = net();
        let (kms, dns) = (t.port_id(KMS).unwrap(), t.port_id(Udp(53)).unwrap());
        t.set_link_up(LinkId::from_index(0), false);
        assert!(!reaches(&t, 1, 2, kms) && !reaches(&t, 1, 2, dns));
        t.set_link_up(LinkId::from_index(0), true);
        assert!(reaches(&t, 1, 2, kms) && reaches(&t, 1, 2, dns));
    }
}
