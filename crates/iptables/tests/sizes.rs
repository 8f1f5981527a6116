//! The sizes of the per-rule types, which a large dump multiplies by its number of rules
//! (issue #17): a field added to one of them should be a deliberate choice, not a surprise
//! in the next memory measurement. 64-bit targets only (pointers are half as wide elsewhere).

#![cfg(target_pointer_width = "64")]

use std::mem::size_of;

use gblint_iptables::command::{Command, Op};
use gblint_iptables::file::TableName;
use gblint_iptables::ruleset::PlacedRule;
use gblint_iptables::{Address, Addresses, Line, LineKind, Neg, Rule};

#[test]
fn a_single_address_sits_inline_in_the_space_of_a_vector_header() {
    assert_eq!(size_of::<Address>(), 24);
    assert_eq!(size_of::<Addresses>(), 24);
    assert_eq!(size_of::<Option<Neg<Addresses>>>(), 32);
}

#[test]
fn per_rule_records_keep_their_sizes() {
    // `-s`/`-d` as one IPv4 network each sit inline in 10 bytes, the rest in a rare box;
    // records and text share one box. `Arc<Rule>` adds two counters: 64 bytes.
    assert_eq!(size_of::<Rule>(), 48);
    assert_eq!(size_of::<Command>(), 48);
    assert_eq!(size_of::<Op>(), 8);
    // A command sits inline in its line (no box), the table is a byte.
    assert_eq!(size_of::<LineKind>(), 48);
    assert_eq!(size_of::<Line>(), 64);
    assert_eq!(size_of::<TableName>(), 1);
    assert_eq!(size_of::<PlacedRule>(), 24);
}
