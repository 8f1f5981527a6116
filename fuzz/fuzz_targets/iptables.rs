//! iptables-save / iptables-restore files, read as IPv4 and as IPv6:
//! * `parse` never panics and `RulesFile::print` gives the text back byte for byte, with every
//!   line and problem range a slice of the text;
//! * replaying the commands (`ruleset::replay`, as a whole file and as a `--noflush`
//!   fragment), printing the canonical iptables-save form, and the packet-path evaluator
//!   (loopback connection and reply, inbound SYN) never panic;
//! * `gblint fmt`'s per-line formatter (`render::format_in_place`) is idempotent, its output
//!   is readable again, and it does not change the replayed ruleset (same canonical form).
#![no_main]

use gblint_fuzz::{assert_range_in, text, MAX_INPUT};
use gblint_iptables::eval::{
    evaluate, inbound_hooks, inbound_syn, loopback_hooks, loopback_reply, loopback_syn, Addr,
};
use gblint_iptables::formatter::{canonical, format_in_place};
use gblint_iptables::printer::rule_lines;
use gblint_iptables::ruleset::{replay, ReplayOptions};
use gblint_iptables::{parse, Family, LineKind, ProblemKind, RulesFile};
use libfuzzer_sys::fuzz_target;

fn canonical_form(rules: &RulesFile) -> String {
    let ruleset = replay(rules, ReplayOptions::default());
    canonical(rules, &ruleset)
}

fuzz_target!(|data: &[u8]| {
    if data.len() > MAX_INPUT {
        return;
    }
    let text = text(data);
    let text: &str = &text;
    // A port taken from the input, so the evaluator meets the ports the rules name.
    let port = data
        .iter()
        .fold(0u16, |acc, &b| acc.rotate_left(5) ^ u16::from(b));
    for family in [Family::V4, Family::V6] {
        let rules = parse(text, family);
        assert_eq!(rules.print(text), text, "print(parse(x)) != x");
        for line in &rules.lines {
            assert_range_in(text, line.range, "line");
            if let LineKind::Command(command) = &line.kind {
                let _ = rule_lines(&command.chain, &command.rule);
            }
        }
        for problem in &rules.problems {
            assert_range_in(text, problem.range, "problem");
        }

        for fragment in [false, true] {
            let ruleset = replay(&rules, ReplayOptions { fragment, existing: None, source: 0 });
            for problem in &ruleset.problems {
                assert_range_in(text, problem.range, "replay problem");
            }
            let _ = canonical(&rules, &ruleset);
            // The evaluator forks on every undecidable match (up to 50,000 states per call):
            // once per family on the whole file is enough, and keeps an exec under a second
            // in the instrumented build (40 calls per exec took 19 s on one 4 KB input).
            if fragment {
                continue;
            }
            {
                for src in [Addr::Loopback, Addr::Local] {
                    let _ = evaluate(
                        &ruleset,
                        &loopback_hooks(),
                        &loopback_syn(family, port, src),
                    );
                    let _ = evaluate(
                        &ruleset,
                        &loopback_hooks(),
                        &loopback_reply(family, port, src),
                    );
                }
                let verdict = evaluate(&ruleset, &inbound_hooks(), &inbound_syn(family, port));
                for path in verdict.dropped.iter().chain(&verdict.delivered) {
                    for step in &path.steps {
                        assert_range_in(text, step.range, "path step");
                    }
                }
            }
        }

        // `gblint fmt` on a rules file.
        let has_syntax_error = rules.problems.iter().any(|p| p.kind == ProblemKind::Syntax);
        match format_in_place(&rules, text) {
            None => assert!(
                has_syntax_error,
                "format refused a file without syntax errors"
            ),
            Some(formatted) => {
                let reparsed = parse(&formatted, family);
                let again = format_in_place(&reparsed, &formatted);
                assert_eq!(
                    again.as_deref(),
                    Some(formatted.as_str()),
                    "format is not idempotent (None: its output has a syntax error)"
                );
                assert_eq!(
                    canonical_form(&reparsed),
                    canonical_form(&rules),
                    "format changed what the file does"
                );
            }
        }
    }
});
