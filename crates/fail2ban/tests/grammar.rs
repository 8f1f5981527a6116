//! Unit tests for each grammar point: the INI dialect, merging, interpolation, durations,
//! booleans and specs. Expected values were checked with Python 3.11's configparser and
//! `fail2ban-client --str2sec` 1.0.2 (see docs/formats §3).

use std::collections::BTreeMap;

use gblint_fail2ban::{
    load, parse_bool, parse_duration, parse_ini, parse_spec, split_actions, LineKind,
};

fn one(text: &str, key: &str) -> String {
    let ini = parse_ini(text);
    ini.sections
        .iter()
        .flat_map(|s| &s.entries)
        .find(|e| e.key == key)
        .map(|e| e.value.clone())
        .unwrap_or_else(|| panic!("no {key} in {ini:?}"))
}

#[test]
fn first_delimiter_splits_and_keys_lower_case() {
    let ini = parse_ini("[s]\nMaxRetry = a=b:c\nx: y = z\n");
    let e = &ini.sections[0].entries;
    assert_eq!(
        (e[0].key.as_str(), e[0].value.as_str()),
        ("maxretry", "a=b:c")
    );
    assert_eq!((e[1].key.as_str(), e[1].value.as_str()), ("x", "y = z"));
    assert_eq!(
        &"[s]\nMaxRetry = a=b:c\n"[e[0].key_range.as_range()],
        "MaxRetry"
    );
    assert_eq!(
        &"[s]\nMaxRetry = a=b:c\n"[e[0].value_range.as_range()],
        "a=b:c"
    );
    assert!(ini.problems.is_empty());
}

#[test]
fn inline_comments_need_whitespace_before_semicolon() {
    assert_eq!(one("[s]\nk = x ;c\n", "k"), "x");
    assert_eq!(one("[s]\nk = x;y\n", "k"), "x;y");
    assert_eq!(one("[s]\nk = x # y\n", "k"), "x # y");
    assert_eq!(one("[s]\nk = a\\s ;b\n", "k"), "a\\s");
}

#[test]
fn continuation_lines_blank_lines_and_comments() {
    let text = "[s]\nfailregex =\n    ^a$\n\n    # skipped\n    ^b$\n\n\nnext = 1\n";
    assert_eq!(one(text, "failregex"), "\n^a$\n\n^b$");
    // An indented `k = v` after an option is part of that value.
    assert_eq!(one("[s]\na = 1\n  b = 2\n", "a"), "1\nb = 2");
    let ini = parse_ini("[s]\na = 1\n  b = 2\n");
    assert_eq!(ini.lines[2].kind, LineKind::Continuation);
    // Deeper than the key line, not than column 0.
    assert_eq!(one("[s]\n  a = 1\n  b = 2\n", "a"), "1");
}

#[test]
fn headers_default_and_problems() {
    let ini = parse_ini("[DEFAULT]\na=1\n[DEFAULT]\nb=2\n[x] trailing\n[x]\n");
    assert_eq!(ini.sections[2].name, "x");
    assert_eq!(ini.problems.len(), 1, "{:?}", ini.problems);
    assert!(ini.problems[0]
        .message
        .contains("section 'x' already exists"));
    let dup = parse_ini("[s]\nk = 1\nK = 2\n");
    assert_eq!(dup.problems[0].line, 3);
    assert!(dup.problems[0]
        .message
        .contains("option 'k' in section 's' already exists"));
    assert_eq!(parse_ini("k = 1\n[s]\n").problems.len(), 1);
    assert_eq!(parse_ini("[s]\njunk\n").problems.len(), 1);
    assert_eq!(parse_ini("[s]\n= v\n").problems.len(), 1);
}

#[test]
fn print_is_lossless() {
    for text in [
        "",
        "[s]\r\nk = v ; c\r\n",
        "[s]\rk=v",
        "  \n#x\n[a]\nk=\n  v\n\tw",
    ] {
        let ini = parse_ini(text);
        assert_eq!(ini.print(text), text);
    }
    assert!(!parse_ini("[s]\nk=v").final_newline);
}

fn files(list: &[(&str, &str)]) -> BTreeMap<String, String> {
    list.iter()
        .map(|(p, t)| (p.to_string(), t.to_string()))
        .collect()
}

#[test]
fn read_order_includes_and_known() {
    let config = load(&files(&[
        ("jail.conf", "[INCLUDES]\nbefore = paths.conf\n[DEFAULT]\nbantime = 10m\nport = 1\n[sshd]\nport = ssh\nlogpath = %(sshd_log)s\n[recidive]\nbantime = 1w\n"),
        ("paths.conf", "[DEFAULT]\nsshd_log = /var/log/auth.log\n"),
        ("paths.local", "[DEFAULT]\nsshd_log = /local.log\n"),
        ("jail.d/b.conf", "[sshd]\nport = 2222\n"),
        ("jail.d/a.conf", "[sshd]\nport = 22\nmaxretry = 3\n"),
        ("jail.local", "[DEFAULT]\nbantime = 1h\n[sshd]\nport = %(known/port)s,9\n"),
    ]));
    assert_eq!(config.jails(), vec!["sshd", "recidive"]);
    let sshd = config.jail("sshd").unwrap();
    assert_eq!(
        sshd.get("port").unwrap().interpolated().as_deref(),
        Ok("2222,9")
    );
    assert_eq!(
        sshd.get("logpath").unwrap().interpolated().as_deref(),
        Ok("/local.log")
    );
    assert_eq!(&*sshd.get("MaxRetry").unwrap().origin.file, "jail.d/a.conf");
    // A DEFAULT override in jail.local does not beat a key set in the jail section.
    let recidive = config.jail("recidive").unwrap();
    assert_eq!(&*recidive.get("bantime").unwrap().raw, "1w");
    assert_eq!(&*sshd.get("bantime").unwrap().raw, "1h");
    assert_eq!(
        config.jail_files(),
        [
            "paths.conf",
            "paths.local",
            "jail.conf",
            "jail.d/a.conf",
            "jail.d/b.conf",
            "jail.local"
        ]
    );
}

#[test]
fn interpolation_is_lazy_and_fail2ban_flavoured() {
    let config = load(&files(&[(
        "jail.conf",
        "[DEFAULT]\nfilter = %(__name__)s[mode=%(mode)s]\nmode = normal\naction_ = %(banaction)s[port=\"%(port)s\"]\naction = %(action_)s\nbanaction = nft\nport = 0\npct = 100%%\nloop = %(loop)s\nlone = 5%\nmissing = %(nope)s\nver = %(fail2ban_version)s\n[web]\nport = http\nmode = aggressive\nother = %(sshd/port)s %(default/port)s\nnested = %(action_n)s\naction_n = %(default/action_)s[x=1]\n[sshd]\nport = ssh\n",
    )]));
    let web = config.jail("web").unwrap();
    let get = |k: &str| web.get(k).unwrap().interpolated().clone();
    assert_eq!(get("filter").as_deref(), Ok("web[mode=aggressive]"));
    assert_eq!(get("action").as_deref(), Ok("nft[port=\"http\"]"));
    assert_eq!(get("pct").as_deref(), Ok("100%"));
    assert_eq!(get("other").as_deref(), Ok("ssh 0"));
    assert_eq!(get("nested").as_deref(), Ok("nft[port=\"http\"][x=1]"));
    assert_eq!(get("ver").as_deref(), Ok("1.0.2"));
    assert!(get("loop")
        .unwrap_err()
        .contains("Recursion limit exceeded"));
    assert!(get("lone")
        .unwrap_err()
        .contains("'%' must be followed by '%' or '('"));
    assert!(get("missing")
        .unwrap_err()
        .contains("interpolation key 'nope'"));
}

#[test]
fn filters_merge_conf_local_and_includes() {
    let config = load(&files(&[
        ("filter.d/common.conf", "[DEFAULT]\n__prefix = ^pre \n"),
        ("filter.d/x.conf", "[INCLUDES]\nbefore = common.conf\n[Definition]\nfailregex = %(__prefix)s<HOST>\n[Init?family=inet6]\na = 1\n"),
        ("filter.d/x.local", "[Definition]\nfailregex = %(known/failregex)s\n            second <HOST>\n"),
    ]));
    let x = config.filter_options("x").unwrap();
    assert_eq!(
        x.get("failregex").unwrap().interpolated().as_deref(),
        Ok("^pre<HOST>\nsecond <HOST>")
    );
    assert!(config
        .section_options("filter.d/x", "Init")
        .unwrap()
        .get("a?family=inet6")
        .is_some());
    assert!(config.filter_options("nope").is_none());
}

#[test]
fn durations_as_str2seconds() {
    for (text, seconds) in [
        ("3600", 3600),
        ("-1", -1),
        ("10m", 600),
        ("10M", 600),
        ("1d12h", 129_600),
        ("1h 30m", 5400),
        ("1hour+30min", 5400),
        ("1.5h", 5400),
        ("1h*2", 7200),
        ("1mo", 2_629_800),
        ("6 months", 15_778_800),
        ("1year-6mo", 15_778_800),
        ("1w", 604_800),
        ("2**3", 8),
        ("7//2", 3),
        ("-7//2", -4),
    ] {
        assert_eq!(parse_duration(text), Ok(seconds), "{text}");
    }
    for bad in [
        "",
        "1hourz",
        "1 2 3",
        "abc",
        "1/0",
        "__import__('os')",
        "08",
    ] {
        assert!(parse_duration(bad).is_err(), "{bad}");
    }
}

#[test]
fn booleans() {
    assert_eq!(parse_bool("True"), Some(true));
    assert_eq!(parse_bool("on"), Some(true));
    assert_eq!(parse_bool("1"), Some(true));
    assert_eq!(parse_bool("no"), Some(false));
    assert_eq!(parse_bool("ture"), None);
    assert_eq!(parse_bool(""), None);
}

#[test]
fn specs_and_action_lists() {
    let spec = parse_spec("sshd[mode=aggressive, k2=\"a,]b\", k3='x'][k4=y]").unwrap();
    assert_eq!(spec.name, "sshd");
    assert_eq!(
        spec.args,
        vec![
            ("mode".into(), "aggressive".into()),
            ("k2".into(), "a,]b".into()),
            ("k3".into(), "x".into()),
            ("k4".into(), "y".into())
        ]
    );
    assert_eq!(
        parse_spec("flt[test").unwrap_err(),
        "unexpected option syntax"
    );
    assert!(parse_spec("a[k = v]")
        .unwrap_err()
        .starts_with("expected option, wrong syntax at 0"));
    assert!(parse_spec("a[k=\"v\"x]")
        .unwrap_err()
        .starts_with("unexpected syntax at 5 after option 'k'"));
    assert_eq!(parse_spec("plain").unwrap().args, vec![]);
    assert_eq!(
        split_actions("nft[port=\"a b\", protocol=tcp]\n  mail-whois[dest=x]  joho[foo\n sendmail"),
        vec![
            "nft[port=\"a b\", protocol=tcp]",
            "mail-whois[dest=x]",
            "joho[foo",
            "sendmail"
        ]
    );
}
