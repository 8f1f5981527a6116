//! Each case is a Corefile fragment and the error CoreDNS 1.14.7 gives (without the
//! `Corefile:LINE - ` prefix), or `None` when setup accepts it.

use super::{check, go_duration_nanos};
use crate::parser::{parse, ImportOptions};

fn first_error(text: &str) -> Option<String> {
    let env = |_: &str| None;
    let options = ImportOptions {
        base: None,
        fence: None,
        env: &env,
        max_file_bytes: 1 << 20,
        secret_scan: None,
    };
    let corefile = parse(std::path::Path::new("Corefile"), text, &options);
    assert!(corefile.errors.is_empty(), "{text}: {:?}", corefile.errors);
    corefile
        .blocks
        .iter()
        .flat_map(|b| &b.directives)
        .find_map(check)
        .map(|e| e.message)
}

fn case(directive: &str) -> Option<String> {
    first_error(&format!(". {{\n{directive}\n}}\n"))
}

const ARG: &str = "Error during parsing: Wrong argument count or unexpected line ending after";

#[test]
fn accepted_configurations() {
    for directive in [
        "file db.example.org",
        "file db.example.org example.org example.net {\n reload 30s\n reload_by_mtime\n fallthrough\n upstream\n}",
        "auto {\n directory /etc/coredns/zones\n}",
        "auto example.org {\n directory zones db\\.(.*) {1}\n reload 10s\n}",
        "cache",
        "cache 30 example.org {\n success 5000 30 5\n denial 2500\n prefetch 10 1m 10%\n serve_stale 1h verify\n servfail 5s\n disable success example.org\n keepttl\n}",
        "errors",
        "errors stdout {\n stacktrace\n consolidate 5m \".* i/o timeout$\" warning\n}",
        "log . \"{common}\" {\n class denial error\n}",
        "forward . 8.8.8.8 tls://1.1.1.1 {\n except example.org\n max_fails 3\n health_check 5s no_rec\n force_tcp\n tls_servername cloudflare-dns.com\n policy sequential\n expire 10s\n}",
        "bind 127.0.0.1 ::1 lo {\n except 10.0.0.1\n}",
        "reload",
        "reload 10s 2s",
        "reload 1m 0",
        "health :8080 {\n lameduck 5s\n}",
        "health localhost:8080",
        "ready [::1]:8181 {\n monitor continuously\n}",
        "prometheus 0.0.0.0:9153",
        "hosts /etc/hosts example.org {\n 10.0.0.1 a.example.org\n ttl 60\n reload 0\n no_reverse\n fallthrough\n}",
        "template IN A example.org {\n match ^(.*)$\n answer \"{{ .Name }} 60 IN A 127.0.0.1\"\n rcode NOERROR\n fallthrough\n}",
        "template ANY ANY",
        "view internal {\n expr incidr(client_ip(), '10.0.0.0/8')\n}",
        "whoami",
        "loop",
        "loadbalance",
        "loadbalance round_robin {\n prefer 10.0.0.0/8\n}",
        "loadbalance weighted /etc/weights {\n reload 10s\n}",
        "rewrite name example.org example.net",
        "rewrite continue type A AAAA",
        "rewrite {\n name regex (.*)\\.a\\.org {1}.b.org\n answer name (.*)\\.b\\.org {1}.a.org\n}",
        "root /etc/coredns",
    ] {
        assert_eq!(case(directive), None, "{directive}");
    }
}

#[test]
fn refused_configurations() {
    for (directive, want) in [
        ("file", format!("plugin/file: {ARG} 'file'")),
        ("file db.x {\n reload\n}", "plugin/file: reload duration value is expected".to_owned()),
        ("file db.x {\n nope\n}", "plugin/file: Error during parsing: unknown property 'nope'".to_owned()),
        ("file db.x {\n reload_by_mtime yes\n}", "plugin/file: Error during parsing: unknown property 'yes'".to_owned()),
        // The old fourth TIMEOUT argument of `directory` was removed in CoreDNS 1.5.0.
        ("auto {\n directory zones db\\.(.*) {1} 10\n}", format!("plugin/auto: {ARG} '10'")),
        ("auto {\n directory zones db\\.(.*)\n}", format!("plugin/auto: {ARG} 'db\\.(.*)'")),
        ("auto {\n directory\n}", format!("plugin/auto: {ARG} 'directory'")),
        ("cache 30 {\n http 10\n}", format!("plugin/cache: {ARG} 'http'")),
        ("cache 0", "plugin/cache: cache TTL can not be zero or negative: 0".to_owned()),
        ("cache {\n success\n}", format!("plugin/cache: {ARG} 'success'")),
        ("cache {\n keepttl 1\n}", format!("plugin/cache: {ARG} '1'")),
        ("cache {\n prefetch 1 2 3 4\n}", format!("plugin/cache: {ARG} '4'")),
        ("errors stderr", "plugin/errors: Error during parsing: invalid log file: stderr".to_owned()),
        ("errors a b", format!("plugin/errors: {ARG} 'b'")),
        ("errors {\n stack\n}", "plugin/errors: Syntax error: Unexpected token 'stack', expecting 'Unknown field stack'".to_owned()),
        ("errors {\n consolidate 5m\n}", format!("plugin/errors: {ARG} '5m'")),
        ("log {\n level debug\n}", "plugin/log: Error during parsing: unknown property 'level'".to_owned()),
        ("log {\n class\n}", format!("plugin/log: {ARG} 'class'")),
        ("forward .", format!("plugin/forward: {ARG} '.'")),
        ("forward", format!("plugin/forward: {ARG} 'forward'")),
        ("forward . 1.1.1.1 {\n max_fails 3 4\n}", "plugin/forward: Error during parsing: unknown property '4'".to_owned()),
        ("forward . 1.1.1.1 {\n force_tcp yes\n}", format!("plugin/forward: {ARG} 'yes'")),
        ("forward . 1.1.1.1 {\n health_check\n}", format!("plugin/forward: {ARG} 'health_check'")),
        ("forward . 1.1.1.1 {\n policy fastest\n}", "plugin/forward: Error during parsing: unknown policy 'fastest'".to_owned()),
        ("forward . https://1.1.1.1/ ", "plugin/forward: paths are not allowed in HTTPS upstream addresses (the /dns-query path is used by default): https://1.1.1.1/".to_owned()),
        ("forward . 1.1.1.1 {\n protocol dns\n}", "plugin/forward: Error during parsing: unknown property 'protocol'".to_owned()),
        ("bind", "plugin/bind: at least one address or interface name is expected".to_owned()),
        ("bind 10.0.0.1 {\n except\n}", "plugin/bind: at least one address or interface must be given to except subdirective".to_owned()),
        ("bind 10.0.0.1 {\n only 10.0.0.2\n}", "plugin/bind: invalid option \"only\"".to_owned()),
        ("reload 10s 2s 1s", format!("plugin/reload: {ARG} '1s'")),
        ("reload 10", "plugin/reload: time: invalid duration \"10\"".to_owned()),
        ("reload 1s", "plugin/reload: interval value must be greater or equal to 2s".to_owned()),
        ("reload 10s 500ms", "plugin/reload: jitter value must be 0 or greater or equal to 1s".to_owned()),
        ("health 8080", "plugin/health: address 8080: missing port in address".to_owned()),
        ("health :8080 :8081", format!("plugin/health: {ARG} ':8081'")),
        ("health {\n lameduck\n}", format!("plugin/health: {ARG} 'lameduck'")),
        ("health {\n grace 5s\n}", "plugin/health: Error during parsing: unknown property 'grace'".to_owned()),
        ("ready {\n monitor always\n}", "plugin/ready: Error during parsing: monitor type 'always' not supported".to_owned()),
        ("prometheus :9153 {\n path /m\n}", "plugin/prometheus: Error during parsing: unknown option: path".to_owned()),
        ("prometheus a:1 b:2", format!("plugin/prometheus: {ARG} 'b:2'")),
        ("hosts {\n fallthrough\n 10.0.0.1 a.example.org\n}", "plugin/hosts: Error during parsing: unknown property '10.0.0.1'".to_owned()),
        ("hosts {\n ttl\n}", "plugin/hosts: Error during parsing: ttl needs a time in second".to_owned()),
        ("template IN", format!("plugin/template: {ARG} 'IN'")),
        ("template XX A", "plugin/template: Error during parsing: invalid query class XX".to_owned()),
        ("template IN AX", "plugin/template: Error during parsing: invalid RR class AX".to_owned()),
        ("template IN A {\n reply x\n}", format!("plugin/template: {ARG} 'reply'")),
        ("view", format!("plugin/view: {ARG} 'view'")),
        ("view a b", format!("plugin/view: {ARG} 'b'")),
        ("view a {\n match x\n}", "plugin/view: Error during parsing: unknown property 'match'".to_owned()),
        ("whoami x", format!("plugin/whoami: {ARG} 'x'")),
        ("whoami {\n}", "plugin/whoami: Error during parsing: Unexpected token '{', expecting argument".to_owned()),
        ("loop 1", format!("plugin/loop: {ARG} '1'")),
        ("loadbalance random", "plugin/loadbalance: unknown policy: random".to_owned()),
        ("loadbalance round_robin x", "plugin/loadbalance: Error during parsing: unknown property for round_robin".to_owned()),
        ("loadbalance weighted", "plugin/loadbalance: Error during parsing: missing weight file argument".to_owned()),
        ("loadbalance {\n reload 10s\n}", "plugin/loadbalance: Error during parsing: unknown property 'reload'".to_owned()),
        ("rewrite", "plugin/rewrite: no rule type specified for rewrite".to_owned()),
        ("rewrite type A", "plugin/rewrite: type rules must have exactly two arguments".to_owned()),
        ("rewrite foo a b", "plugin/rewrite: invalid rule type \"foo\"".to_owned()),
        ("rewrite answer name a b", "plugin/rewrite: response rewrites must begin with a name rule".to_owned()),
    ] {
        assert_eq!(case(directive).as_deref(), Some(want.as_str()), "{directive}");
    }
}

#[test]
fn go_durations() {
    assert_eq!(go_duration_nanos("0"), Some(0));
    assert_eq!(go_duration_nanos("1h30m"), Some(5_400_000_000_000));
    assert_eq!(go_duration_nanos("1.5s"), Some(1_500_000_000));
    assert_eq!(go_duration_nanos("-2ms"), Some(-2_000_000));
    for bad in ["", "10", "1d", "s", ".s", "1..2s", "+"] {
        assert_eq!(go_duration_nanos(bad), None, "{bad}");
    }
}

/// An imported snippet's tokens keep their earlier lines: the directive before `import` must
/// not swallow the snippet's first directive (it did: `log` read `policy` as its option).
#[test]
fn snippet_after_a_directive_is_its_own_directive() {
    let text = "(fwd) {\n  forward . 1.1.1.1 {\n    policy random\n  }\n}\n\n. {\n  log\n  import fwd\n  cache\n}\n";
    assert_eq!(first_error(text), None);
    let env = |_: &str| None;
    let options = ImportOptions {
        base: None,
        fence: None,
        env: &env,
        max_file_bytes: 1 << 20,
        secret_scan: None,
    };
    let corefile = parse(std::path::Path::new("Corefile"), text, &options);
    let names: Vec<&str> = corefile.blocks[0]
        .directives
        .iter()
        .map(|d| d.name.text.as_str())
        .collect();
    assert_eq!(names, ["log", "forward", "cache"]);
}

#[test]
fn option_values() {
    for (directive, want) in [
        ("cache {\n success 15\n denial aaa\n}", Some("plugin/cache: strconv.Atoi: parsing \"aaa\": invalid syntax")),
        ("cache {\n prefetch 0 blurp\n}", Some("plugin/cache: time: invalid duration \"blurp\"")),
        ("cache {\n prefetch 10 1m 95%\n}", Some("plugin/cache: percentage should fall in range [10, 90]: 95")),
        ("cache {\n servfail 10m\n}", Some("plugin/cache: caching SERVFAIL responses over 5 minutes is not permitted")),
        ("cache {\n disable both\n}", Some("plugin/cache: cache type for disable must be \"success\" or \"denial\"")),
        ("cache {\n serve_stale 1h later\n}", Some("plugin/cache: invalid value for serve_stale refresh mode: later")),
        ("forward . 1.1.1.1 {\n max_fails many\n}", Some("plugin/forward: strconv.ParseUint: parsing \"many\": invalid syntax")),
        ("forward . 1.1.1.1 {\n max_concurrent -4\n}", Some("plugin/forward: max_concurrent can't be negative: -4")),
        ("forward . 1.1.1.1 {\n health_check 0.5s rec\n}", Some("plugin/forward: health_check: unknown option rec")),
        ("forward . 1.1.1.1 {\n health_check 0.5s domain\n}", Some("plugin/forward: Error during parsing: Wrong argument count or unexpected line ending after 'domain'")),
        ("forward . 1.1.1.1 {\n next NOERROR SERVFALL\n}", Some("plugin/forward: SERVFALL is not a valid rcode")),
        ("forward . 1.1.1.1 {\n failover noerror\n}", Some("plugin/forward: NoError cannot be used in failover")),
        ("forward . 1.1.1.1 {\n resolver dns.google\n}", Some("plugin/forward: resolver must be an IP address or IP:port: \"dns.google\"")),
        ("forward . 1.1.1.1 {\n doh_method PUT\n}", Some("plugin/forward: doh_method must be either POST or GET")),
        ("health :1 {\n lameduck a\n}", Some("plugin/health: unable to parse lameduck duration value: 'a' : time: invalid duration \"a\"")),
        ("hosts {\n ttl 0\n}", Some("plugin/hosts: Error during parsing: ttl provided is invalid")),
        ("file db.x {\n reload soon\n}", Some("plugin/file: plugin/file: time: invalid duration \"soon\"")),
        ("log {\n class abracadabra\n}", Some("plugin/log: invalid Class: abracadabra")),
        ("template ANY ANY {\n rcode UNDEFINED\n}", Some("plugin/template: Error during parsing: unknown rcode UNDEFINED")),
        ("errors {\n consolidate 1m .* error warning\n}", Some("plugin/errors: Error during parsing: multiple log levels specified in consolidate")),
        ("errors {\n consolidate 1 .*\n}", Some("plugin/errors: Error during parsing: time: invalid duration \"1\"")),
        // Accepted.
        ("cache {\n success 10 30 0\n prefetch 5 10m 50%\n servfail 0\n serve_stale 1h verify 5s\n serve_stale_policy prefer_positive\n}", None),
        ("forward . 1.1.1.1 {\n max_fails 0\n health_check 5s no_rec domain example.org\n next nxdomain\n failover SERVFAIL REFUSED\n resolver 8.8.8.8 [::1]:53\n source_address 10.0.0.1\n read_timeout 2s\n}", None),
        ("hosts {\n ttl 3600\n reload 1m\n}", None),
        ("errors {\n consolidate 5m ^foo info show_first\n}", None),
    ] {
        assert_eq!(case(directive).as_deref(), want, "{directive}");
    }
}
