//! Value grammars shared by the command parser ([`crate::command`]) and the extension modules
//! ([`crate::modules`]): numbers as libxtables reads them, ports and ranges, addresses,
//! protocols and free text. Nothing here knows about options or modules, so both layers can
//! use it without depending on each other.

mod addresses;
mod numbers;
mod ports;
mod protocols;
mod split;
mod text;

pub use addresses::{ipv4, parse_addresses};
pub use numbers::{
    c_unsigned, hex, number, parse_uint, parse_uint_range, parse_value_mask, range_text,
    split_range, uint, uint_range, RangeText,
};
pub use ports::{canonical_port_range, parse_port_range, port_number, port_range_full};
pub use protocols::{canonical_protocol, protocol_number};
pub(crate) use split::{split_ascii, split_once_ascii};
pub use text::{keyword_list, text};
