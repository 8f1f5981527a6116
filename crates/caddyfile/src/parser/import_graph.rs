//! The import graph (Caddy's `importgraph.go`): which file or snippet imports which, so an
//! import that would close a cycle is refused with Caddy's message.

use std::collections::{HashMap, HashSet};

#[derive(Default)]
pub(super) struct ImportGraph {
    edges: HashMap<String, Vec<String>>,
}

impl ImportGraph {
    /// Add edges `from → to`; fails like Caddy when an edge would close a cycle.
    pub(super) fn add_edges(&mut self, from: &str, to: &[String]) -> Result<(), String> {
        for target in to {
            if self.reaches(target, from) {
                return Err(format!(
                    "a cycle of imports exists between {from} and {target}"
                ));
            }
            let list = self.edges.entry(from.to_owned()).or_default();
            if !list.contains(target) {
                list.push(target.clone());
            }
        }
        Ok(())
    }

    /// Whether `goal` is reachable from `start` through at least one edge.
    fn reaches(&self, start: &str, goal: &str) -> bool {
        let mut seen: HashSet<&str> = HashSet::new();
        let mut stack: Vec<&str> = self
            .edges
            .get(start)
            .map(|v| v.iter().map(String::as_str).collect())
            .unwrap_or_default();
        while let Some(node) = stack.pop() {
            if node == goal {
                return true;
            }
            if seen.insert(node) {
                if let Some(next) = self.edges.get(node) {
                    stack.extend(next.iter().map(String::as_str));
                }
            }
        }
        false
    }
}
