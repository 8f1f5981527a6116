//! Unit tests for the zone-file parser: the tricky corners of RFC 1035 §5 syntax.

use super::*;

/// Parse, insist on a lossless print, and return the file.
fn zone(text: &str, origin: &str) -> ZoneFile {
    let file = parse(text, origin);
    assert_eq!(file.print(text), text, "print is not lossless");
    file
}

/// Parse text that must have no problems.
fn clean(text: &str, origin: &str) -> ZoneFile {
    let file = zone(text, origin);
    assert!(file.problems.is_empty(), "{:#?}", file.problems);
    file
}

/// The problem messages, each with its line.
fn problems(text: &str, origin: &str) -> Vec<(u32, String)> {
    zone(text, origin)
        .problems
        .into_iter()
        .map(|p| (p.line, p.message))
        .collect()
}

fn has_problem(text: &str, origin: &str, line: u32, needle: &str) {
    let found = problems(text, origin);
    assert!(
        found.iter().any(|(l, m)| *l == line && m.contains(needle)),
        "no problem containing {needle:?} on line {line}: {found:#?}"
    );
}

#[test]
fn soa_across_lines_with_comments() {
    let text = "$TTL    30M\n$ORIGIN miek.nl.\n@       IN      SOA     linode.atoom.net. miek.miek.nl. (\n        1282630059 ; Serial\n        4H         ; Refresh (with a ) in the comment\n        1H         ; Retry\n        7D         ; Expire\n        4H )       ; Negative Cache TTL\n        IN  NS     linode.atoom.net.\n";
    let file = clean(text, "");
    assert_eq!(file.records.len(), 2);
    let soa = file.soa("MIEK.NL").expect("apex SOA");
    assert_eq!(soa.owner, "miek.nl.");
    assert_eq!(soa.ttl, Some(1800));
    assert_eq!(soa.line, 3);
    assert_eq!(
        soa.rdata,
        [
            "linode.atoom.net.",
            "miek.miek.nl.",
            "1282630059",
            "4H",
            "1H",
            "7D",
            "4H"
        ]
    );
    let entry = &text[soa.range.as_range()];
    assert!(
        entry.starts_with("@ ") && entry.ends_with("4H )"),
        "{entry:?}"
    );
    assert_eq!(file.records[1].owner, "miek.nl.");
    assert_eq!(file.records[1].line, 9);
}

#[test]
fn owner_carry_over_ttl_and_class_in_either_order() {
    let text = "a 300 IN A 192.0.2.1\n  IN 60 AAAA 2001:db8::1\n\tTXT \"x\"\nb CH 10 TXT y\n";
    let file = clean(text, "example.org.");
    let summary: Vec<_> = file
        .records
        .iter()
        .map(|r| (r.owner.as_str(), r.ttl, r.class.as_str(), r.rtype.as_str()))
        .collect();
    assert_eq!(
        summary,
        [
            ("a.example.org.", Some(300), "IN", "A"),
            ("a.example.org.", Some(60), "IN", "AAAA"),
            ("a.example.org.", Some(60), "IN", "TXT"),
            ("b.example.org.", Some(10), "CH", "TXT"),
        ]
    );
}

#[test]
fn relative_names_origin_changes_and_at() {
    let text = "@ A 192.0.2.1\nWWW A 192.0.2.2\n$ORIGIN sub\nx A 192.0.2.3\n@ A 192.0.2.4\n$ORIGIN Other.NET.\ny.z A 192.0.2.5\nabs.example.com. A 192.0.2.6\n";
    let file = clean(text, "Example.Org");
    let owners: Vec<_> = file.records.iter().map(|r| r.owner.as_str()).collect();
    assert_eq!(
        owners,
        [
            "example.org.",
            "www.example.org.",
            "x.sub.example.org.",
            "sub.example.org.",
            "y.z.other.net.",
            "abs.example.com.",
        ]
    );
    // The origin in effect is recorded on each directive.
    assert_eq!(file.directives[1].origin, "sub.example.org.");
}

#[test]
fn relative_name_without_origin_is_a_problem() {
    has_problem("www A 192.0.2.1\n", "", 1, "relative name `www`");
    has_problem("@ A 192.0.2.1\n", "", 1, "`@` used before");
    has_problem(
        "a.example. CNAME b\n",
        "",
        1,
        "relative name `b` used before",
    );
    // Nothing to make `www` absolute with: no record is produced for it.
    assert!(parse("www A 192.0.2.1\n", "").records.is_empty());
    // Once an $ORIGIN appears, relative names are fine.
    clean("$ORIGIN example.\nwww A 192.0.2.1\n", "");
}

#[test]
fn ttl_directive_units_and_inheritance() {
    let text = "$TTL 1h30m\na A 192.0.2.1\nb 1w A 192.0.2.2\n$TTL 2D\nc A 192.0.2.3\n";
    let file = clean(text, "example.");
    let ttls: Vec<_> = file.records.iter().map(|r| r.ttl).collect();
    assert_eq!(ttls, [Some(5400), Some(604_800), Some(172_800)]);
    // Without $TTL an omitted TTL is the last one stated (RFC 1035 §5.1).
    let file = clean(
        "a A 192.0.2.1\nb 20 A 192.0.2.2\nc A 192.0.2.3\n",
        "example.",
    );
    let ttls: Vec<_> = file.records.iter().map(|r| r.ttl).collect();
    assert_eq!(ttls, [None, Some(20), Some(20)]);
    has_problem("$TTL 1x\n", "example.", 1, "not a valid TTL");
    has_problem("$TTL\n", "example.", 1, "$TTL takes exactly one");
    has_problem(
        "a 5q A 192.0.2.1\n",
        "example.",
        1,
        "`5q` is not a valid TTL",
    );
}

#[test]
fn quotes_keep_semicolons_and_parentheses() {
    let text = "t TXT \"v=spf1 ; not a comment (nor a paren)\" ; a comment\n";
    let file = clean(text, "example.");
    assert_eq!(
        file.records[0].rdata,
        ["\"v=spf1 ; not a comment (nor a paren)\""]
    );
    let entry = &text[file.records[0].range.as_range()];
    assert!(entry.ends_with('"'));
}

#[test]
fn txt_escapes() {
    let text = "t TXT \"say \\\"hi\\\"\" \"semi\\059colon\" back\\\\slash \\;x\n";
    let file = clean(text, "example.");
    assert_eq!(
        file.records[0].rdata,
        [
            "\"say \\\"hi\\\"\"",
            "\"semi\\059colon\"",
            "back\\\\slash",
            "\\;x"
        ]
    );
    has_problem("t TXT \"a\\256\"\n", "example.", 1, "above \\255");
    has_problem("t TXT \"a\\25x\"\n", "example.", 1, "three decimal digits");
    let long = format!("t TXT \"{}\"\n", "x".repeat(256));
    has_problem(&long, "example.", 1, "longer than 255");
    clean(&format!("t TXT \"{}\"\n", "x".repeat(255)), "example.");
}

#[test]
fn https_key_value_and_caa() {
    let text = "@ IN HTTPS 1 . alpn=\"h2,h3\"\n@ IN CAA 0 issuewild \";\"\n";
    let file = clean(text, "example.");
    assert_eq!(file.records[0].rdata, ["1", ".", "alpn=\"h2,h3\""]);
    assert_eq!(file.records[1].rdata, ["0", "issuewild", "\";\""]);
    has_problem("@ CAA 256 issue \"x\"\n", "example.", 1, "8-bit number");
    has_problem("@ CAA 0 \"issue\" x\n", "example.", 1, "CAA tag");
    has_problem("@ CAA 0 issue\n", "example.", 1, "needs 3 RDATA fields");
}

#[test]
fn typed_rdata_checks() {
    let origin = "example.";
    has_problem("a A 192.0.2.256\n", origin, 1, "not a valid IPv4");
    has_problem(
        "a A 192.0.2.1 192.0.2.2\n",
        origin,
        1,
        "needs 1 RDATA field",
    );
    has_problem("a AAAA 192.0.2.1\n", origin, 1, "not a valid IPv6");
    has_problem("a AAAA\n", origin, 1, "found 0");
    has_problem("a CNAME b c\n", origin, 1, "needs 1 RDATA field");
    has_problem("a NS \"ns\"\n", origin, 1, "quoted string");
    has_problem("a PTR x..y.\n", origin, 1, "empty label");
    has_problem("a MX mail.example.\n", origin, 1, "needs 2 RDATA fields");
    has_problem("a MX 70000 mail.example.\n", origin, 1, "16-bit number");
    has_problem(
        "@ SOA ns. host. 1 2 3 4\n",
        origin,
        1,
        "needs 7 RDATA fields",
    );
    has_problem(
        "@ SOA ns. host. x 2 3 4 5\n",
        origin,
        1,
        "`x` is not a valid 32-bit",
    );
    has_problem(
        "@ SOA ns. host. 1 2 3 4 5y\n",
        origin,
        1,
        "not a valid time value",
    );
    has_problem("_s._tcp SRV 1 2 mail.\n", origin, 1, "needs 4 RDATA fields");
    has_problem("t TXT\n", origin, 1, "at least one character-string");
    has_problem("a FOO bar\n", origin, 1, "unknown record type `FOO`");
    has_problem("a 300 IN\n", origin, 1, "missing record type");
    // Known types, generic RDATA and TYPEnnn pass.
    clean(
        "a TYPE65534 \\# 2 abcd\nb A \\# 4 c0000201\nc DNAME d.\ne SSHFP 1 1 abc\n",
        origin,
    );
}

#[test]
fn template_placeholders_are_not_malformed_values() {
    clean("www IN A <HOST_IP>\nalias CNAME <TARGET>\n", "example.");
}

#[test]
fn parentheses_problems() {
    has_problem(
        "@ SOA ns. host. ( 1 2 3 4 5\n",
        "example.",
        1,
        "never closed",
    );
    has_problem("a A 192.0.2.1 )\n", "example.", 1, "without a matching");
    has_problem(
        "@ SOA ns. host. ( 1 ( 2 ) 3 4 5 )\n",
        "example.",
        1,
        "nested",
    );
    // An unclosed parenthesis swallows the rest of the file, as it does in BIND.
    let file = parse("@ SOA ns. host. ( 1 2 3 4 5\nwww A 192.0.2.1\n", "example.");
    assert_eq!(file.records.len(), 1);
}

#[test]
fn unterminated_quote() {
    let text = "t TXT \"open\nu A 192.0.2.1\n";
    has_problem(text, "example.", 1, "unterminated quoted string");
    // The next line is read normally.
    assert!(parse(text, "example.").has_address("u.example."));
}

#[test]
fn cname_and_other_data() {
    let text = "a CNAME b.example.\na A 192.0.2.1\nc CNAME d.\nc RRSIG x\ne CNAME f.\ne CNAME g.\n";
    let found = problems(text, "example.");
    assert_eq!(found.len(), 2, "{found:#?}");
    assert_eq!(found[0].0, 1);
    assert!(found[0].1.contains("CNAME and other data (A)"));
    assert_eq!(found[1].0, 6);
    assert!(found[1].1.contains("more than one CNAME"));
}

#[test]
fn directives_includes_and_generate() {
    let text = "$INCLUDE \"sub.db\" Sub\n$INCLUDE other.db\n$GENERATE 1-3 host$ A 192.0.2.$\n$BOGUS x\n$INCLUDE\n";
    let file = zone(text, "example.org.");
    assert!(file.records.is_empty());
    assert_eq!(
        includes(&file)
            .into_iter()
            .map(|(f, o, _)| (f, o))
            .collect::<Vec<_>>(),
        [
            ("sub.db".to_owned(), Some("sub.example.org.".to_owned())),
            ("other.db".to_owned(), None),
        ]
    );
    let lines: Vec<_> = file.problems.iter().map(|p| p.line).collect();
    assert_eq!(lines, [4, 5]);
    assert_eq!(file.directives.len(), 3);
    assert_eq!(file.directives[2].name, "$GENERATE");
}

#[test]
fn address_and_wildcard_queries() {
    let text = "@ SOA ns. host. 1 2 3 4 5\nwww A 192.0.2.1\nv6 AAAA ::1\nalias CNAME www\n*.w TXT \"Wildcard\"\n*.apps A 192.0.2.9\nreal.apps MX 10 mail.\nx.y.apps A 192.0.2.2\n*.y.apps TXT t\n";
    let file = clean(text, "example.org.");
    assert!(file.has_address("WWW.example.org"));
    assert!(file.has_address("v6.example.org."));
    assert!(file.has_address("alias.example.org."));
    assert!(!file.has_address("w.example.org."));
    assert!(file.soa("example.org.").is_some());
    assert!(file.soa("www.example.org.").is_none());
    // Covered: an unknown name directly under `apps`.
    assert!(file.wildcard_covers("new.apps.example.org."));
    assert!(file.wildcard_covers("deep.new.apps.example.org."));
    // Not covered: the name exists (with other data), is an empty non-terminal, or its
    // closest encloser has only a TXT wildcard.
    assert!(!file.wildcard_covers("real.apps.example.org."));
    assert!(!file.wildcard_covers("y.apps.example.org."));
    assert!(!file.wildcard_covers("z.y.apps.example.org."));
    assert!(!file.wildcard_covers("q.w.example.org."));
    assert!(!file.wildcard_covers("nothing.example.org."));
}

#[test]
fn line_table_is_lossless() {
    for text in [
        "",
        "\n",
        "\n\n",
        "a A 192.0.2.1",
        "a A 192.0.2.1\r\nb A 192.0.2.2\r\n",
        "; only a comment",
        "  \t \n  ",
    ] {
        let file = zone(text, "example.");
        assert_eq!(file.final_newline, text.ends_with('\n'));
    }
    let file = clean("a A 192.0.2.1\r\n  AAAA ::1\r\n", "example.");
    assert_eq!(file.records.len(), 2);
    assert_eq!(file.lines.len(), 2);
    assert_eq!(file.lines[1].number, 2);
}

#[test]
fn never_panics() {
    let samples = [
        "$ORIGIN\n$TTL 99999999999\n@ SOA ( ; x\n \"é\\",
        ")(\"\\",
        "\\\n\\0\\00\\999 \"\\",
        "é A é\n\tAAAA \u{2028}\n* CNAME *\n. NS .\n",
        "$INCLUDE \"\" \"\"\n$GENERATE\n$ORIGIN @\n@ TYPE99999 x\n",
        "a.\\. A 1.2.3.4\nb\\ A 1.2.3.4\n",
    ];
    for sample in samples {
        for origin in ["", ".", "example."] {
            for end in 0..=sample.len() {
                if let Some(prefix) = sample.get(..end) {
                    let file = zone(prefix, origin);
                    let _ = includes(&file);
                    let _ = file.wildcard_covers("a.example.");
                    let _ = file.wildcard_covers(".");
                    let _ = file.soa("");
                }
            }
        }
    }
}
