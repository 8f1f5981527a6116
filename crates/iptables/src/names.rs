//! The names of the module tables (matches, targets, their options and the standard
//! verdicts) as small numbers, so that a rule refers to `conntrack`, `ctstate` or `ACCEPT` by
//! number instead of copying the name into its own text.
//!
//! The table sits below [`crate::rule`] and is filled from above: [`crate::command`] hands
//! it the module tables' names the first time it builds a rule ([`known`]), and a rule reads
//! a name back with [`name`]. A rule built before that (or a name not in the tables) keeps the
//! name in its text, which reads the same.

use std::collections::HashMap;
use std::sync::OnceLock;

/// A name's number, below [`LIMIT`].
pub(crate) type NameId = u16;

/// Numbers are below this (a rule's record keeps one in 16 bits).
pub(crate) const LIMIT: usize = 1 << 16;

/// The table (see the module documentation).
pub(crate) struct KnownNames {
    names: Vec<&'static str>,
    ids: HashMap<&'static str, NameId, foldhash::fast::FixedState>,
    /// The same numbers by the names' addresses and lengths: a name taken from a table is
    /// found without hashing or comparing its text (a third of the cost of a text lookup).
    by_address: HashMap<(usize, usize), NameId, foldhash::fast::FixedState>,
}

static KNOWN: OnceLock<KnownNames> = OnceLock::new();

/// The table, filled from `names` the first time (the first [`LIMIT`] distinct ones).
pub(crate) fn known(names: impl FnOnce() -> Vec<&'static str>) -> &'static KnownNames {
    KNOWN.get_or_init(|| {
        let mut table = KnownNames {
            names: Vec::new(),
            ids: HashMap::default(),
            by_address: HashMap::default(),
        };
        for name in names() {
            if table.names.len() == LIMIT {
                break;
            }
            let id = match table.ids.entry(name) {
                std::collections::hash_map::Entry::Occupied(entry) => *entry.get(),
                std::collections::hash_map::Entry::Vacant(entry) => {
                    let id = table.names.len() as NameId;
                    table.names.push(name);
                    *entry.insert(id)
                }
            };
            table.by_address.insert(address(name), id);
        }
        table
    })
}

impl KnownNames {
    /// The number of `name`, if the tables know it.
    pub(crate) fn id(&self, name: &str) -> Option<NameId> {
        self.ids.get(name).copied()
    }

    /// The number of `name`, looked up by address first (a name the tables hold is at one
    /// of their addresses; the same text elsewhere is found by its text).
    pub(crate) fn id_of_static(&self, name: &'static str) -> Option<NameId> {
        match self.by_address.get(&address(name)) {
            Some(&id) => Some(id),
            None => self.id(name),
        }
    }
}

/// Where a name is and how long it is.
fn address(name: &'static str) -> (usize, usize) {
    (name.as_ptr() as usize, name.len())
}

/// The name numbered `id` (empty for a number never given out, which no rule holds).
pub(crate) fn name(id: NameId) -> &'static str {
    KNOWN
        .get()
        .and_then(|table| table.names.get(usize::from(id)).copied())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_known_name_reads_back_and_an_unknown_one_has_no_number() {
        let table = known(crate::modules::known_names);
        let id = table.id("conntrack").expect("a module name is known");
        assert_eq!(name(id), "conntrack");
        let id = table.id("ctstate").expect("an option name is known");
        assert_eq!(name(id), "ctstate");
        let id = table.id("ACCEPT").expect("a verdict is known");
        assert_eq!(name(id), "ACCEPT");
        assert_eq!(table.id("MY-CHAIN"), None);
        // The same text at another address is found by its text.
        let elsewhere: &'static str = String::from("ctstate").leak();
        assert_eq!(table.id_of_static(elsewhere), table.id("ctstate"));
    }
}
