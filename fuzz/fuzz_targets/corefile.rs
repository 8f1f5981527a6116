//! Corefile: the tokens' ranges and the text between them give the file back byte for byte
//! (the gaps hold only whitespace and `#` comments), `parse` (snippets, imports, env) never
//! panics and reports spans that are slices of the file they name, block keys and `acl`
//! directives are read without panic, and `format::format` is idempotent and keeps every token.
//!
//! Input: `ROOT [0xFF IMPORTED]`; IMPORTED (raw bytes) is `imported.conf` in the Corefile's
//! folder, a scratch folder that is also the import fence.
#![no_main]

use gblint_corefile::format::format;
use gblint_corefile::lexer::tokenize;
use gblint_corefile::{acl, keys, parse, plugins, ImportOptions};
use gblint_fuzz::{assert_range_in, env, scratch_dir, split, text, write_if_changed, MAX_INPUT};
use libfuzzer_sys::fuzz_target;

fn assert_lossless(text: &str) {
    let tokens = tokenize(text);
    let mut rebuilt = String::with_capacity(text.len());
    let mut cursor = 0usize;
    for token in &tokens {
        assert_range_in(text, token.range, "token");
        let start = token.range.start() as usize;
        assert!(
            start >= cursor,
            "token {token:?} starts before the previous one ended"
        );
        let gap = &text[cursor..start];
        assert_gap(gap, cursor == 0);
        rebuilt.push_str(gap);
        rebuilt.push_str(&text[token.range.as_range()]);
        cursor = token.range.end() as usize;
    }
    assert_gap(&text[cursor..], cursor == 0);
    rebuilt.push_str(&text[cursor..]);
    assert_eq!(rebuilt, text, "tokens and gaps do not reprint the text");
}

/// Text between tokens: whitespace, `#` comments to the end of the line, a leading BOM.
fn assert_gap(gap: &str, at_start: bool) {
    let gap = if at_start {
        gap.strip_prefix('\u{feff}').unwrap_or(gap)
    } else {
        gap
    };
    let mut comment = false;
    for c in gap.chars() {
        match c {
            '#' => comment = true,
            '\n' => comment = false,
            c if comment || c.is_whitespace() => {}
            c => panic!("{c:?} between tokens is neither whitespace nor comment: {gap:?}"),
        }
    }
}

fn token_texts(text: &str) -> Vec<String> {
    tokenize(text).into_iter().map(|t| t.text).collect()
}

fuzz_target!(|data: &[u8]| {
    if data.len() > MAX_INPUT {
        return;
    }
    let parts = split(data, 2);
    let root = text(parts[0]);
    let root: &str = &root;

    assert_lossless(root);

    let once = format(root);
    assert_eq!(
        token_texts(&once),
        token_texts(root),
        "formatting changed the tokens"
    );
    assert_eq!(format(&once), once, "format(format(x)) != format(x)");

    let dir = scratch_dir("corefile");
    write_if_changed(
        &dir.join("imported.conf"),
        parts.get(1).copied().unwrap_or(b""),
    );
    let env_lookup = |name: &str| env(name);
    let corefile = parse(
        &dir.join("Corefile"),
        root,
        &ImportOptions {
            base: Some(dir.to_path_buf()),
            fence: Some(dir.to_path_buf()),
            env: &env_lookup,
            max_file_bytes: 1 << 20,
            secret_scan: None,
        },
    );
    for error in &corefile.errors {
        let (_, file_text) = &corefile.files[error.file];
        assert_range_in(file_text, error.range, "parse error");
    }
    for block in &corefile.blocks {
        for key in &block.keys {
            if let Ok(key) = keys::normalize(&key.text) {
                for zone in &key.zones {
                    let _ = keys::zones_of(zone);
                }
            }
            let _ = keys::fqdn(&key.text);
        }
        for directive in &block.directives {
            let (_, file_text) = &corefile.files[corefile.token_file(&directive.name)];
            assert_range_in(file_text, directive.name.range, "directive name");
            let _ = plugins::is_plugin(&directive.name.text);
            let _ = directive.args();
            let _ = directive.block_lines();
            let _ = directive.range();
            if directive.name.text == "acl" {
                if let Ok(parsed) = acl::parse(directive) {
                    for policy in &parsed.policies {
                        let _ = policy.all_types();
                        let _ = policy.all_sources();
                        let any: ipnet::IpNet = "127.0.0.1/32".parse().expect("net");
                        let _ = policy.matches("A", &any);
                    }
                }
            }
        }
    }
});
