use std::collections::HashSet;

use gblint_caddyfile::env::EmptyPlaceholder;
use gblint_caddyfile::stock::{
    v1_replacement, CERT_GETTERS, DIRECTIVES, ENCODERS, GLOBAL_OPTIONS, ISSUERS, LISTENER_WRAPPERS,
    LOG_ENCODERS, LOG_WRITERS, MATCHERS, SELECTION_POLICIES, STORAGE, TRANSPORTS,
};
use gblint_caddyfile::{CaddyToken, Directive, Quote};
use gblint_diagnostics::{Diagnostic, FileId};

use crate::context::Context;
use crate::declare_rule;
use crate::file_kind::FileKind;
use crate::rule::{Rule, RuleMeta};
use crate::settings::did_you_mean;

declare_rule! {
    /// ## What it does
    /// Reports what a stock Caddy build does not have, in Caddy's own words: a directive
    /// (`unrecognized directive: gzip`), a global option (`unrecognized global option:
    /// frankenphp`), a directive named in `order` (`sablier is not a registered directive`), a
    /// request matcher (`http.matchers.remote_host`), a log writer or encoder, a storage module,
    /// an `encode` format (`br`), a `reverse_proxy` transport or `lb_policy`, a certificate
    /// issuer or manager, a listener wrapper, and a DNS provider (`dns.providers.cloudflare`: a
    /// stock build has none). Caddy v1
    /// directives get their v2 replacement (`gzip` → `encode gzip`, `proxy` → `reverse_proxy`),
    /// other names the nearest stock name. Also `tls` with one argument that is neither
    /// `internal` nor an email address (v1's `tls self_signed`).
    ///
    /// Directives are checked at the top of sites and named routes and inside `handle`,
    /// `handle_path`, `route` and `handle_errors`, where Caddy reads directives.
    ///
    /// The stock lists are the union over Caddy 2.6.2 (Debian's package) through 2.11.4, read
    /// from the `RegisterDirective`, `RegisterHandlerDirective` and `RegisterGlobalOption` calls
    /// and the module IDs at each release: a name newer than 2.6.2 but stock in current Caddy
    /// (`basic_auth`, `persist_config`, the `client_ip` matcher, …) is not reported.
    ///
    /// A deployment whose Caddy is built with plugins lists them in `gblint.toml`:
    ///
    /// ```toml
    /// [caddy]
    /// plugins = ["rate_limit", "dns.providers.cloudflare", "http.matchers.remote_host"]
    /// ```
    ///
    /// Each entry is a directive or global option name, a module ID, or a module ID's last part
    /// (`cloudflare`).
    ///
    /// ## Why is this bad
    /// Caddy refuses the whole file (`caddy adapt`, `caddy validate`, `caddy run`): one `gzip`
    /// left from a Caddy v1 configuration, or a plugin directive on a machine whose Caddy was
    /// installed from the distribution, and no site is served.
    ///
    /// ## Example
    /// ```caddyfile
    /// example.com {
    /// 	gzip
    /// 	proxy / localhost:8080
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```caddyfile
    /// example.com {
    /// 	encode gzip
    /// 	reverse_proxy localhost:8080
    /// }
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix: v1 and v2 directives take different arguments.
    pub struct UnknownDirective {
        code: "CDY013",
        name: "unknown-directive",
        severity: Error,
        category: Load,
        fix: None,
        kind: Some(FileKind::Caddyfile),
    }
}

/// Directives whose blocks hold directives (Caddy parses them as a subroute).
const ROUTE_DIRECTIVES: &[&str] = &["handle", "handle_path", "route", "handle_errors"];

impl Rule for UnknownDirective {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let plugins: HashSet<&str> = ctx
            .settings
            .caddy
            .plugins
            .iter()
            .map(String::as_str)
            .collect();
        let directives = NameIndex::new(DIRECTIVES);
        for doc in &ctx.deployment.caddyfiles {
            let model = &doc.caddyfile.model;
            let mut check = Check {
                plugins: &plugins,
                directives: &directives,
                out: &mut *out,
                keyless_because: model.global.as_ref().and_then(|global| {
                    emptied_key(&global.open_brace, &doc.caddyfile.empty_env, ctx)
                }),
            };
            if let Some(global) = &model.global {
                for option in &global.options {
                    check.global_option(option);
                }
            }
            for site in &model.sites {
                check.directives(&site.directives);
            }
            for route in &model.named_routes {
                check.directives(&route.directives);
            }
        }
    }
}

/// A sorted list of names grouped by first byte: a lookup compares only the names that share
/// the first byte (a scan of all ~40 stock directive names for every directive was most of
/// this rule's cost; a binary search, with a string comparison per step, cost more still).
struct NameIndex {
    names: &'static [&'static str],
    /// For each first byte, the run of `names` starting with it.
    runs: [(u16, u16); 256],
}

impl NameIndex {
    /// `names` must be sorted (tested for `DIRECTIVES`), so each first byte's names are one run.
    fn new(names: &'static [&'static str]) -> Self {
        let mut runs = [(0u16, 0u16); 256];
        for (index, name) in names.iter().enumerate() {
            let Some(&first) = name.as_bytes().first() else {
                continue;
            };
            // The stock lists have a few dozen names.
            let index = u16::try_from(index).unwrap_or(u16::MAX);
            let run = &mut runs[usize::from(first)];
            if run.1 == 0 {
                *run = (index, index + 1);
            } else {
                run.1 = index + 1;
            }
        }
        NameIndex { names, runs }
    }

    fn contains(&self, name: &str) -> bool {
        let Some(&first) = name.as_bytes().first() else {
            return self.names.contains(&name);
        };
        let (start, end) = self.runs[usize::from(first)];
        self.names[usize::from(start)..usize::from(end)].contains(&name)
    }
}

struct Check<'a, 'o> {
    plugins: &'a HashSet<&'a str>,
    /// `DIRECTIVES`, indexed.
    directives: &'a NameIndex,
    out: &'o mut Vec<Diagnostic>,
    /// Why the first block has no key, when a site address `{$VAR}` expanded to nothing before
    /// its `{` (Caddy then reads the site's directives as global options).
    keyless_because: Option<String>,
}

/// The `{$VAR}` placeholders that expanded to nothing on the line of `brace`, before it.
fn emptied_key(
    brace: &CaddyToken,
    empty_env: &[(FileId, EmptyPlaceholder)],
    ctx: &Context<'_>,
) -> Option<String> {
    let text = ctx.sources.get(brace.file()).text();
    let start = brace.range().start() as usize;
    let line_start = text[..start.min(text.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let names: Vec<String> = empty_env
        .iter()
        .filter(|(file, placeholder)| {
            *file == brace.file()
                && placeholder.range.start() as usize >= line_start
                && placeholder.range.end() as usize <= start
        })
        .map(|(_, placeholder)| {
            let state = if placeholder.set { "empty" } else { "unset" };
            format!("`{{${}}}` is {state}", placeholder.name)
        })
        .collect();
    (!names.is_empty()).then(|| names.join(", "))
}

/// A name Caddy would look up, but gblint cannot know: it came from a runtime placeholder, a
/// snippet argument or a quoted string.
fn opaque(token: &CaddyToken) -> bool {
    // A byte loop: names are a few bytes long, where `str::contains` costs more in setting up
    // its search than in searching (this runs for every directive and module name).
    token.text.is_empty() || token.text.bytes().any(|b| b == b'{') || token.quote != Quote::None
}

impl Check<'_, '_> {
    /// Whether the deployment's build has this plugin: by name, by module ID or by its last part.
    fn has_plugin(&self, name: &str, module: Option<&str>) -> bool {
        self.plugins.contains(name) || module.is_some_and(|id| self.plugins.contains(id))
    }

    fn push(&mut self, token: &CaddyToken, message: String, label: &str, help: Option<String>) {
        let mut diagnostic = UnknownDirective::META
            .diagnostic(token.file(), token.range(), message)
            .with_label(label)
            .with_note("Caddy refuses the whole file; a stock build (Debian's caddy package, the official binaries) does not have this");
        diagnostic = diagnostic.with_help(help.unwrap_or_else(|| {
            "if the deployment's Caddy is built with this plugin, list it in `[caddy] plugins` in gblint.toml".to_owned()
        }));
        self.out.push(diagnostic);
    }

    fn hint(name: &str, stock: &[&str]) -> Option<String> {
        if let Some(v2) = v1_replacement(name) {
            return Some(format!("`{name}` is a Caddy v1 directive; in v2 use {v2}"));
        }
        let suggestion = did_you_mean(name, stock.iter().copied());
        (!suggestion.is_empty()).then(|| {
            format!(
                "{}; or, if the deployment's Caddy is built with a plugin for it, list it in `[caddy] plugins`",
                suggestion.trim_start_matches("; ")
            )
        })
    }

    fn global_option(&mut self, option: &Directive) {
        let name = option.name();
        if opaque(&option.name) {
            return;
        }
        if !GLOBAL_OPTIONS.contains(&name) {
            if !self.has_plugin(name, None) {
                let help = match &self.keyless_because {
                    Some(unset) => Some(format!("{unset} where gblint ran, so the site address before `{{` is empty and Caddy reads this site as the global options block; set the variable as on the machine Caddy runs on")),
                    None => Self::hint(name, GLOBAL_OPTIONS),
                };
                self.push(
                    &option.name,
                    format!("unrecognized global option: {name}"),
                    "not a global option of a stock Caddy",
                    help,
                );
            }
            return;
        }
        match name {
            "order" => {
                if let Some(directive) = option.args().first() {
                    let text = &*directive.text;
                    if !opaque(directive)
                        && !DIRECTIVES.contains(&text)
                        && !self.has_plugin(text, None)
                    {
                        let help = Self::hint(text, DIRECTIVES);
                        self.push(
                            directive,
                            format!("{text} is not a registered directive"),
                            "not a directive of a stock Caddy",
                            help,
                        );
                    }
                }
            }
            "log" => self.log_block(option),
            "acme_dns" | "dns" => {
                if let Some(provider) = option.args().first() {
                    self.module(provider, "dns.providers", &[]);
                }
            }
            "storage" => {
                if let Some(module) = option.args().first() {
                    self.module(module, "caddy.storage", STORAGE);
                }
            }
            "cert_issuer" => {
                if let Some(module) = option.args().first() {
                    self.module(module, "tls.issuance", ISSUERS);
                }
            }
            "servers" => {
                for wrappers in option.sub("listener_wrappers") {
                    for wrapper in wrappers.block() {
                        self.module(&wrapper.name, "caddy.listeners", LISTENER_WRAPPERS);
                    }
                }
            }
            _ => {}
        }
    }

    /// A module named by its last part (`cloudflare` in `dns cloudflare`), looked up as
    /// `<namespace>.<name>` the way Caddy's `UnmarshalModule` does.
    fn module(&mut self, token: &CaddyToken, namespace: &str, stock: &[&str]) {
        let name = &*token.text;
        if opaque(token) || stock.contains(&name) {
            return;
        }
        let id = format!("{namespace}.{name}");
        if self.has_plugin(name, Some(&id)) {
            return;
        }
        let help = if stock.is_empty() {
            None
        } else {
            Self::hint(name, stock)
        };
        self.push(
            token,
            format!("getting module named '{id}': module not registered: {id}"),
            "not a module of a stock Caddy",
            help,
        );
    }

    fn directives(&mut self, directives: &[Directive]) {
        for directive in directives {
            let name = directive.name();
            if directive.name.is_open_brace() {
                // A block opened on a line of its own inside a site: Caddy reads `{` as a
                // directive name.
                self.push(
                    &directive.name,
                    "unrecognized directive: {".to_owned(),
                    "a brace where a directive should be",
                    Some(
                        "are you sure your Caddyfile structure (nesting and braces) is correct?"
                            .to_owned(),
                    ),
                );
                continue;
            }
            if opaque(&directive.name) {
                continue;
            }
            if let Some(matcher) = name.strip_prefix('@') {
                if !matcher.is_empty() {
                    self.matcher_definition(directive);
                }
                continue;
            }
            if !self.directives.contains(name) {
                if !self.has_plugin(name, None) {
                    let help = Self::hint(name, DIRECTIVES);
                    self.push(
                        &directive.name,
                        format!("unrecognized directive: {name}"),
                        "not a directive of a stock Caddy",
                        help,
                    );
                }
                continue;
            }
            // The names matched first are none of `ROUTE_DIRECTIVES`: the list is scanned only
            // for the other directives.
            match name {
                "log" => self.log_block(directive),
                "tls" => self.tls(directive),
                "encode" => self.encode(directive),
                "reverse_proxy" => {
                    for line in directive.block() {
                        let (namespace, stock) = match line.name() {
                            "transport" => ("http.reverse_proxy.transport", TRANSPORTS),
                            "lb_policy" => {
                                ("http.reverse_proxy.selection_policies", SELECTION_POLICIES)
                            }
                            _ => continue,
                        };
                        if let Some(module) = line.args().first() {
                            self.module(module, namespace, stock);
                        }
                    }
                }
                _ if ROUTE_DIRECTIVES.contains(&name) => self.directives(directive.block()),
                _ => {}
            }
        }
    }

    /// `@name matcher args…` or `@name { matcher args… }` (and `not { … }` inside).
    fn matcher_definition(&mut self, definition: &Directive) {
        if let Some(first) = definition.args().first() {
            // `@name "expr"` / `@name `expr`` is the expression shorthand.
            if definition.open_brace().is_none() && first.quote == Quote::None {
                self.matcher(first);
            }
        }
        self.matcher_block(definition.block());
    }

    fn matcher_block(&mut self, block: &[Directive]) {
        for line in block {
            self.matcher(&line.name);
            if line.name() == "not" {
                if let Some(first) = line.args().first() {
                    if line.open_brace().is_none() {
                        self.matcher(first);
                    }
                }
                self.matcher_block(line.block());
            }
        }
    }

    fn matcher(&mut self, token: &CaddyToken) {
        let name = &*token.text;
        if opaque(token) || MATCHERS.contains(&name) {
            return;
        }
        let id = format!("http.matchers.{name}");
        if self.has_plugin(name, Some(&id)) {
            return;
        }
        let help = Self::hint(name, MATCHERS);
        self.push(
            token,
            format!("getting matcher module '{name}': module not registered: {id}"),
            "not a matcher of a stock Caddy",
            help,
        );
    }

    /// `output` writers and `format` encoders of a `log` block (site directive or global).
    fn log_block(&mut self, log: &Directive) {
        for line in log.block() {
            match line.name() {
                "output" => {
                    if let Some(writer) = line.args().first() {
                        self.module(writer, "caddy.logging.writers", LOG_WRITERS);
                    }
                }
                "format" => {
                    if let Some(encoder) = line.args().first() {
                        self.module(encoder, "caddy.logging.encoders", LOG_ENCODERS);
                    }
                }
                _ => {}
            }
        }
    }

    /// `encode [matcher] formats…` and the format lines of its block.
    fn encode(&mut self, encode: &Directive) {
        let mut args = encode.args().iter().peekable();
        if args
            .peek()
            .is_some_and(|first| first.text.starts_with(['@', '/', '*']))
        {
            args.next();
        }
        for encoding in args {
            self.module(encoding, "http.encoders", ENCODERS);
        }
        for line in encode.block() {
            if !matches!(line.name(), "minimum_length" | "match") {
                self.module(&line.name, "http.encoders", ENCODERS);
            }
        }
    }

    /// `tls` one-argument form and the DNS provider of its block.
    fn tls(&mut self, tls: &Directive) {
        if let [only] = tls.args() {
            let text = &*only.text;
            // `force_automate` is accepted from Caddy 2.8.
            if !opaque(only)
                && !matches!(text, "internal" | "force_automate")
                && !text.contains('@')
            {
                let help = if text == "self_signed" {
                    Some("`tls self_signed` is Caddy v1; in v2 use `tls internal`".to_owned())
                } else {
                    Some(
                        "write `tls internal`, an email address, or a certificate and key file"
                            .to_owned(),
                    )
                };
                let mut diagnostic = UnknownDirective::META
                    .diagnostic(
                        only.file(),
                        only.range(),
                        "single argument must either be 'internal' or an email address",
                    )
                    .with_label("this argument")
                    .with_note("Caddy refuses the whole file");
                if let Some(help) = help {
                    diagnostic = diagnostic.with_help(help);
                }
                self.out.push(diagnostic);
            }
        }
        for line in tls.block() {
            let (namespace, stock) = match line.name() {
                "dns" => ("dns.providers", &[][..]),
                "issuer" => ("tls.issuance", ISSUERS),
                "get_certificate" => ("tls.get_certificate", CERT_GETTERS),
                _ => continue,
            };
            if let Some(module) = line.args().first() {
                self.module(module, namespace, stock);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{NameIndex, DIRECTIVES};

    #[test]
    fn the_index_finds_exactly_the_stock_directives() {
        assert!(DIRECTIVES.windows(2).all(|pair| pair[0] < pair[1]));
        let index = NameIndex::new(DIRECTIVES);
        for name in DIRECTIVES {
            assert!(index.contains(name), "{name}");
            assert!(!index.contains(&format!("{name}x")), "{name}x");
            assert!(!index.contains(&name[..name.len() - 1]), "{name} shortened");
        }
        assert!(!index.contains(""));
        assert!(!index.contains("zzz"));
    }
}
