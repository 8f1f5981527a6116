//! What a stock Caddy build understands in a Caddyfile: directive names, global options and the
//! modules a Caddyfile names by their short name (request matchers, log writers and encoders,
//! DNS providers). Each list is the union over Caddy 2.6.2 (Debian's package) through 2.11.4,
//! read from Caddy's `RegisterDirective`/`RegisterHandlerDirective`/`RegisterGlobalOption` calls
//! and module IDs at each release tag: a name newer than 2.6.2 but stock in current Caddy is
//! known, so only names no stock release has are reported.

/// Directives of a stock build (`caddyconfig/httpcaddyfile` and the handler modules' Caddyfile
/// adapters). Newer than 2.6.2: `basic_auth`, `fs`, `intercept`, `invoke`, `log_append`,
/// `log_name`, `log_skip`, `timeouts`.
pub const DIRECTIVES: &[&str] = &[
    "abort",
    "acme_server",
    "basic_auth",
    "basicauth",
    "bind",
    "copy_response",
    "copy_response_headers",
    "encode",
    "error",
    "file_server",
    "forward_auth",
    "fs",
    "handle",
    "handle_errors",
    "handle_path",
    "header",
    "intercept",
    "invoke",
    "log",
    "log_append",
    "log_name",
    "log_skip",
    "map",
    "method",
    "metrics",
    "php_fastcgi",
    "push",
    "redir",
    "request_body",
    "request_header",
    "respond",
    "reverse_proxy",
    "rewrite",
    "root",
    "route",
    "skip_log",
    "templates",
    "timeouts",
    "tls",
    "tracing",
    "try_files",
    "uri",
    "vars",
];

/// Global options of a stock build. Newer than 2.6.2: `cert_lifetime`, `dns`, `ech`,
/// `fallback_sni`, `filesystem`, `metrics`, `persist_config`, `renewal_window_ratio`,
/// `storage_check`, `tls_resolvers`.
pub const GLOBAL_OPTIONS: &[&str] = &[
    "acme_ca",
    "acme_ca_root",
    "acme_dns",
    "acme_eab",
    "admin",
    "auto_https",
    "cert_issuer",
    "cert_lifetime",
    "debug",
    "default_bind",
    "default_sni",
    "dns",
    "ech",
    "email",
    "events",
    "fallback_sni",
    "filesystem",
    "grace_period",
    "http_port",
    "https_port",
    "key_type",
    "local_certs",
    "log",
    "metrics",
    "ocsp_interval",
    "ocsp_stapling",
    "on_demand_tls",
    "order",
    "persist_config",
    "pki",
    "preferred_chains",
    "renew_interval",
    "renewal_window_ratio",
    "servers",
    "shutdown_delay",
    "skip_install_trust",
    "storage",
    "storage_check",
    "storage_clean_interval",
    "tls_resolvers",
];

/// Request matchers (`http.matchers.*`). Newer than 2.6.2: `client_ip`, `tls`, `url_pattern`.
pub const MATCHERS: &[&str] = &[
    "client_ip",
    "expression",
    "file",
    "header",
    "header_regexp",
    "host",
    "method",
    "not",
    "path",
    "path_regexp",
    "protocol",
    "query",
    "remote_ip",
    "tls",
    "url_pattern",
    "vars",
    "vars_regexp",
];

/// Log writers (`caddy.logging.writers.*`, the `output` of a `log` block).
pub const LOG_WRITERS: &[&str] = &["discard", "file", "net", "stderr", "stdout"];

/// Log encoders (`caddy.logging.encoders.*`, the `format` of a `log` block). Newer than 2.6.2:
/// `append`, `journald`.
pub const LOG_ENCODERS: &[&str] = &["append", "console", "filter", "journald", "json"];

/// Storage modules (`caddy.storage.*`, the global `storage` option).
pub const STORAGE: &[&str] = &["file_system"];

/// Response encoders (`http.encoders.*`, the formats of `encode`); `br` is a plugin.
pub const ENCODERS: &[&str] = &["gzip", "zstd"];

/// `reverse_proxy` transports (`http.reverse_proxy.transport.*`).
pub const TRANSPORTS: &[&str] = &["fastcgi", "http"];

/// `reverse_proxy` load-balancing policies (`http.reverse_proxy.selection_policies.*`). Newer
/// than 2.6.2: `client_ip_hash`, `query`, `weighted_round_robin`.
pub const SELECTION_POLICIES: &[&str] = &[
    "client_ip_hash",
    "cookie",
    "first",
    "header",
    "ip_hash",
    "least_conn",
    "query",
    "random",
    "random_choose",
    "round_robin",
    "uri_hash",
    "weighted_round_robin",
];

/// Certificate issuers (`tls.issuance.*`: `cert_issuer`, `tls { issuer … }`).
pub const ISSUERS: &[&str] = &["acme", "internal", "zerossl"];

/// Certificate managers (`tls.get_certificate.*`: `tls { get_certificate … }`).
pub const CERT_GETTERS: &[&str] = &["http", "tailscale"];

/// Listener wrappers (`caddy.listeners.*`: `servers { listener_wrappers { … } }`). Newer than
/// 2.6.2: `proxy_protocol` (a plugin before 2.7).
pub const LISTENER_WRAPPERS: &[&str] = &["http_redirect", "proxy_protocol", "tls"];

/// What replaced a Caddy v1 directive in v2 (v1 directives no v2 release registers).
pub const V1_REPLACEMENTS: &[(&str, &str)] = &[
    ("gzip", "`encode gzip`"),
    ("proxy", "`reverse_proxy`"),
    ("mime", "`header Content-Type` (with a path matcher)"),
    ("ext", "`try_files {path} {path}.html`"),
    (
        "internal",
        "a matcher with `respond 404` (or `handle` to keep the path private)",
    ),
    ("errors", "`handle_errors`"),
    (
        "fastcgi",
        "`php_fastcgi` or `reverse_proxy` with `transport fastcgi`",
    ),
    ("browse", "`file_server browse`"),
    ("status", "`respond`"),
    ("limits", "`request_body { max_size … }`"),
    ("markdown", "`templates`"),
    ("expires", "`header Cache-Control`"),
    ("ipfilter", "a `remote_ip` matcher with `abort`"),
    ("realip", "the `trusted_proxies` server option"),
    ("index", "`file_server { index … }`"),
    ("websocket", "`reverse_proxy` (it proxies WebSockets)"),
    ("startup", "the `events` global option"),
    ("shutdown", "the `events` global option"),
    ("git", "a plugin or a deploy hook (no v2 directive)"),
    ("jwt", "a plugin (no v2 directive)"),
    ("cors", "`header` with the CORS headers (no v2 directive)"),
    ("request_id", "the `{http.request.uuid}` placeholder"),
    ("pprof", "the admin API's `/debug/pprof`"),
    ("expvar", "the admin API's `/debug/vars`"),
];

/// The v2 replacement of a v1 directive, if `name` is one.
pub fn v1_replacement(name: &str) -> Option<&'static str> {
    V1_REPLACEMENTS
        .iter()
        .find(|(v1, _)| *v1 == name)
        .map(|(_, v2)| *v2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_sorted_and_disjoint_from_v1() {
        for list in [
            DIRECTIVES,
            GLOBAL_OPTIONS,
            MATCHERS,
            LOG_WRITERS,
            LOG_ENCODERS,
        ] {
            assert!(list.windows(2).all(|pair| pair[0] < pair[1]), "{list:?}");
        }
        for (v1, _) in V1_REPLACEMENTS {
            assert!(!DIRECTIVES.contains(v1), "{v1} is a v2 directive");
        }
    }
}
