//! CoreDNS's plugins: the order they run in (plugin.cfg, whatever the Corefile's order) and
//! which may appear only once per server block.

/// Every plugin of a stock CoreDNS build, in execution order (`prometheus` is `metrics`' name
/// in the Corefile).
pub const PLUGINS: &[&str] = &[
    "root",
    "metadata",
    "geoip",
    "cancel",
    "proxyproto",
    "quic",
    "grpc_server",
    "https",
    "https3",
    "timeouts",
    "multisocket",
    "reload",
    "nsid",
    "bufsize",
    "bind",
    "debug",
    "trace",
    "ready",
    "health",
    "pprof",
    "shed",
    "prometheus",
    "errors",
    "log",
    "dnstap",
    "local",
    "dns64",
    "any",
    "chaos",
    "loadbalance",
    "tsig",
    "rewrite",
    "autopath",
    "acl",
    "cache",
    "header",
    "dnssec",
    "tls",
    "minimal",
    "template",
    "transfer",
    "hosts",
    "route53",
    "azure",
    "clouddns",
    "k8s_external",
    "kubernetes",
    "file",
    "auto",
    "secondary",
    "etcd",
    "loop",
    "forward",
    "grpc",
    "erratic",
    "whoami",
    "on",
    "sign",
    "view",
    "nomad",
];

/// Plugins that may appear once per server block (`this plugin can only be used once per
/// Server Block`).
pub const ONCE_PER_BLOCK: &[&str] = &[
    "cache",
    "dnssec",
    "errors",
    "grpc",
    "hosts",
    "kubernetes",
    "loop",
    "prometheus",
    "nsid",
    "pprof",
    "ready",
    "shed",
    "tsig",
    "view",
];

/// Whether `name` is a plugin of a stock build.
pub fn is_plugin(name: &str) -> bool {
    PLUGINS.contains(&name)
}

/// Plugins that serve zone data (authoritative answers) rather than recursion.
pub const ZONE_DATA: &[&str] = &[
    "file",
    "auto",
    "secondary",
    "hosts",
    "template",
    "etcd",
    "kubernetes",
    "k8s_external",
    "route53",
    "azure",
    "clouddns",
    "sign",
];
