//! LXD instance configuration for gblint.
//!
//! Reads LXD's per-instance `backup.yaml` and `lxc config show [--expanded]` exports into an
//! [`Instance`] whose every key and value keeps its byte range ([`yaml`] builds a span-keeping
//! tree from `saphyr-parser`'s events), and checks it as LXD 5.0 does before it accepts an
//! edit: the instance config keys and their values ([`check_config`]) and the options of
//! proxy and disk devices ([`check_device`]), with LXD's own error messages.
//!
//! Values are read as Go's yaml.v2 reads them into LXD's `map[string]string`: a plain scalar
//! keeps its text (`true`, `1`, `yes` alike), null is the empty string, and a mapping or
//! sequence where a string belongs is an error.
//!
//! **Internal to gblint, with no stability promise**: embed gblint through the `gblint`
//! crate, which is its library API.

#![deny(missing_docs)]

mod config_keys;
mod devices;
mod go;
mod instance;
pub mod yaml;

pub use config_keys::{check_config, is_bool, is_known_key, is_true, InstanceType};
pub use devices::{check_device, parse_proxy_address, ProxyAddress, DEVICE_TYPES};
pub use gblint_diagnostics::TextRange;
pub use instance::{read, Device, Entry, Instance, Problem, Section, Shape};
