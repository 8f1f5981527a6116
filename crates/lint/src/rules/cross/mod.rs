//! Rules that read several formats at once (`GBL`).

/// GBL002: secrets in the deployment tree.
pub mod secret_in_tree;
/// GBL001: a Caddy site without a DNS record in the zones the deployment serves.
pub mod vhost_without_dns_record;
