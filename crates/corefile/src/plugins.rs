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

/// Plugins that answer from zone data they hold or read — record sets an operator published
/// (zone files, a hosts file, a DNS provider, a service registry) — so that everyone who can
/// reach the listener can ask for every record, `ANY` included.
///
/// Left out on purpose, because they answer from something else: `template` (answers
/// synthesised from a pattern), `forward` and `grpc` (recursion through another server),
/// `whoami` (the client's own address), `erratic` (test answers), `chaos` (`version.bind`),
/// `local` (localhost names), `loop` (its own probe), `any` (refuses ANY), `sign` (writes signed
/// zone files for `file`, answers nothing itself), `transfer` (AXFR of zones another plugin
/// serves), `dns64`, `rewrite`, `header`, `minimal`, `cache`.
pub const ZONE_DATA: &[&str] = &[
    "file",
    "auto",
    "secondary",
    "hosts",
    "etcd",
    "kubernetes",
    "k8s_external",
    "route53",
    "azure",
    "clouddns",
    "nomad",
];
