//! ufw rules (`UFW`).

/// UFW001: forwarding dropped on the LXD host.
pub mod forward_policy_not_accept;
