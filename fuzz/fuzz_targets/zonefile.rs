//! Zone files (`gblint_corefile::zone`): `parse` never panics whatever the origin, the line
//! table covers the text so `ZoneFile::print` gives it back byte for byte, every range it
//! reports is a slice of the text, and the record queries and `$INCLUDE` listing never panic.
#![no_main]

use gblint_corefile::zone::{includes, is_template_placeholder, parse, parse_ttl};
use gblint_fuzz::{assert_range_in, text, MAX_INPUT};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if data.len() > MAX_INPUT {
        return;
    }
    let text = text(data);
    let text: &str = &text;
    for origin in ["example.org.", ".", ""] {
        let zone = parse(text, origin);
        assert_eq!(zone.print(text), text, "zone lines do not reprint the text");
        for line in &zone.lines {
            assert_range_in(text, line.range, "zone line");
        }
        for record in &zone.records {
            assert_range_in(text, record.range, "record");
            let _ = zone.has_address(&record.owner);
            let _ = zone.wildcard_covers(&record.owner);
            for word in &record.rdata {
                let _ = parse_ttl(word);
                let _ = is_template_placeholder(word);
            }
        }
        for problem in &zone.problems {
            assert_range_in(text, problem.range, "zone problem");
        }
        for directive in &zone.directives {
            assert_range_in(text, directive.range, "directive");
        }
        for (_, _, range) in includes(&zone) {
            assert_range_in(text, range, "$INCLUDE");
        }
        let _ = zone.soa(origin);
        let _ = zone.wildcard_covers("www.example.org.");
    }
});
