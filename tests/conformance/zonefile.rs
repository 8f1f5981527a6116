//! RFC 1035 zone files: the seven master-file literals of CoreDNS's integration tests
//! (corpus/zonefile/) and the General Bots zone template, each reprinted byte for byte, parsed
//! without problems, and read into exactly the records an independent parser finds.
//!
//! The expected counts were NOT produced by gblint. They come from dnspython 2.9.2:
//! `dns.zone.from_text(text, origin=ORIGIN, relativize=False, check_origin=False)`, then the
//! sum of `len(rdataset)` over `zone.iterate_rdatasets()`, per type and in total. Where
//! dnspython refuses a file the row says so and how the count was still obtained.

use std::collections::BTreeMap;

use gblint_corefile::zone::{includes, parse};

/// One corpus file and what dnspython reads from it.
struct Expected {
    /// Path under the corpus folder.
    path: &'static str,
    /// The origin CoreDNS loads it with (from the Go test named in corpus/zonefile/INDEX.tsv).
    origin: &'static str,
    /// Number of resource records.
    total: usize,
    /// Records per type.
    types: &'static [(&'static str, usize)],
}

const FILES: &[Expected] = &[
    // test/auto_test.go: written as db.example.org, picked up by `auto` as example.org.
    Expected {
        path: "zonefile/test-auto_zoneContent.zone",
        origin: "example.org.",
        total: 4,
        types: &[("A", 1), ("NS", 2), ("SOA", 1)],
    },
    // test/erratic_autopath_test.go: served by `file` in the root zone `.:0`. It holds two
    // SOAs (example.org. and google.com.), which dnspython refuses in one zone ("add() has
    // non-origin SOA"). Counted by splitting the text before the second SOA line and reading
    // each part with dns.zone.from_text with its SOA owner as origin: 2 + 1 records.
    Expected {
        path: "zonefile/test-erratic_autopath_content.zone",
        origin: ".",
        total: 3,
        types: &[("A", 1), ("SOA", 2)],
    },
    // test/example_test.go: exampleOrg, loaded as example.org.
    Expected {
        path: "zonefile/test-example_exampleOrg.zone",
        origin: "example.org.",
        total: 11,
        types: &[
            ("A", 3),
            ("CNAME", 2),
            ("NS", 2),
            ("SOA", 1),
            ("SRV", 1),
            ("TXT", 2),
        ],
    },
    // test/file_dangling_cname_test.go: example.org.
    Expected {
        path: "zonefile/test-file_dangling_cname_exampleOrgDanglingCNAME.zone",
        origin: "example.org.",
        total: 3,
        types: &[("CNAME", 1), ("NS", 1), ("SOA", 1)],
    },
    // test/file_loop_test.go: example.com.
    Expected {
        path: "zonefile/test-file_loop_loopDB.zone",
        origin: "example.com.",
        total: 7,
        types: &[("A", 1), ("CNAME", 2), ("DNAME", 2), ("NS", 1), ("SOA", 1)],
    },
    // test/file_reload_test.go: example.org.
    Expected {
        path: "zonefile/test-file_reload_exampleOrgUpdated.zone",
        origin: "example.org.",
        total: 4,
        types: &[("A", 1), ("NS", 2), ("SOA", 1)],
    },
    // test/miek_test.go: miek.nl. (the file also sets $ORIGIN miek.nl. itself).
    Expected {
        path: "zonefile/test-miek_miekNL.zone",
        origin: "miek.nl.",
        total: 17,
        types: &[
            ("A", 2),
            ("AAAA", 2),
            ("CNAME", 2),
            ("HINFO", 1),
            ("MX", 5),
            ("NS", 4),
            ("SOA", 1),
        ],
    },
    // General Bots zone template. dnspython refuses it as written ("<string>:22: Text input
    // is malformed": the twelve A records hold the template placeholder `<HOST_IP>`), so it
    // was counted after replacing `<HOST_IP>` with 192.0.2.1 in memory. gblint treats such
    // `<NAME>` placeholders as unfilled template values, not as malformed addresses.
    Expected {
        path: "generalbots/coredns/pragmatismo.com.br.zone",
        origin: "pragmatismo.com.br.",
        total: 20,
        types: &[
            ("A", 12),
            ("CAA", 3),
            ("HTTPS", 1),
            ("MX", 1),
            ("NS", 2),
            ("SOA", 1),
        ],
    },
];

#[test]
fn corpus_zone_files_parse_losslessly_into_the_expected_records() {
    let corpus = gblint_tests::corpus_dir();

    // Every .zone file of corpus/zonefile/ is in the table, so a new one cannot slip by.
    let mut listed: Vec<String> = std::fs::read_dir(corpus.join("zonefile"))
        .expect("corpus/zonefile")
        .map(|entry| {
            entry
                .expect("dir entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|name| name.ends_with(".zone"))
        .map(|name| format!("zonefile/{name}"))
        .collect();
    listed.sort();
    let mut tabled: Vec<String> = FILES
        .iter()
        .map(|f| f.path.to_owned())
        .filter(|p| p.starts_with("zonefile/"))
        .collect();
    tabled.sort();
    assert_eq!(
        listed, tabled,
        "corpus/zonefile/*.zone and the table differ"
    );

    let mut failures = Vec::new();
    for expected in FILES {
        let text = std::fs::read_to_string(corpus.join(expected.path)).expect(expected.path);
        let zone = parse(&text, expected.origin);
        if zone.print(&text) != text {
            failures.push(format!("{}: print is not byte-exact", expected.path));
        }
        for problem in &zone.problems {
            failures.push(format!(
                "{}:{}: {}",
                expected.path, problem.line, problem.message
            ));
        }
        if !includes(&zone).is_empty() {
            failures.push(format!("{}: unexpected $INCLUDE", expected.path));
        }
        let mut types: BTreeMap<&str, usize> = BTreeMap::new();
        for record in &zone.records {
            *types.entry(record.rtype.as_str()).or_default() += 1;
        }
        let want: BTreeMap<&str, usize> = expected.types.iter().copied().collect();
        if zone.records.len() != expected.total || types != want {
            failures.push(format!(
                "{}: expected {} records {want:?}, got {} {types:?}",
                expected.path,
                expected.total,
                zone.records.len()
            ));
        }
        if expected.origin != "." && zone.soa(expected.origin).is_none() {
            failures.push(format!("{}: no SOA at {}", expected.path, expected.origin));
        }
        println!(
            "{}: {} records, {} lines, lossless",
            expected.path,
            zone.records.len(),
            zone.lines.len()
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The facts the "every site has a record" lint relies on, checked on real files.
#[test]
fn corpus_address_and_wildcard_lookups() {
    let corpus = gblint_tests::corpus_dir();
    let read = |path: &str| std::fs::read_to_string(corpus.join(path)).expect("corpus file");

    let text = read("zonefile/test-example_exampleOrg.zone");
    let zone = parse(&text, "example.org.");
    assert!(zone.has_address("example.org."));
    assert!(zone.has_address("short.example.org."));
    assert!(zone.has_address("cname-origin.example.org."));
    // `*.w` is a TXT wildcard: it answers names under w, but not with an address.
    assert!(!zone.has_address("x.w.example.org."));
    assert!(!zone.wildcard_covers("x.w.example.org."));

    let text = read("zonefile/test-file_loop_loopDB.zone");
    let zone = parse(&text, "example.com.");
    assert!(zone.wildcard_covers("anything.foo.example.com."));
    assert!(!zone.wildcard_covers("foo.example.com."));

    let text = read("zonefile/test-miek_miekNL.zone");
    let zone = parse(&text, "miek.nl.");
    assert!(zone.has_address("www.miek.nl."));
    let soa = zone.soa("miek.nl.").expect("SOA");
    assert_eq!((soa.line, soa.rdata.len(), soa.ttl), (4, 7, Some(1800)));

    let text = read("generalbots/coredns/pragmatismo.com.br.zone");
    let zone = parse(&text, "pragmatismo.com.br.");
    for host in [
        "pragmatismo.com.br.",
        "www.pragmatismo.com.br.",
        "gb6.pragmatismo.com.br.",
    ] {
        assert!(zone.has_address(host), "{host}");
    }
    assert!(!zone.has_address("api.pragmatismo.com.br."));
    assert!(!zone.wildcard_covers("api.pragmatismo.com.br."));
}
