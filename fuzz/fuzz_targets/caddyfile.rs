//! Caddyfile: the lexer and lossless tree reprint the text byte for byte, `parse` (imports,
//! snippets, `{$ENV}`, typed model) never panics and every span it reports for the root file
//! is a slice of it, and `caddy fmt`'s formatter is idempotent on every input whose tokens it
//! keeps (see below why not on the others).
//!
//! Input: `ROOT [0xFF IMPORTED]`. ROOT is the Caddyfile (invalid UTF-8 replaced as the engine
//! does when it reads a file); IMPORTED, raw bytes, is written to `imported.caddy` next to
//! it, so `import imported.caddy` (or a glob) reads it from disk through the crate's
//! byte-accepting path. Imports are fenced to a scratch folder.
#![no_main]

use gblint_caddyfile::format::{first_unformatted_line, format};
use gblint_caddyfile::{parse, parse_address, tokenize, ImportContext, SyntaxTree};
use gblint_diagnostics::{SourceFile, SourceMap};
use gblint_fuzz::{assert_range_in, env, scratch_dir, split, text, write_if_changed, MAX_INPUT};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if data.len() > MAX_INPUT {
        return;
    }
    let parts = split(data, 2);
    let root = text(parts[0]);
    let root: &str = &root;

    // Lossless: the tree built from the tokens gives the text back.
    let lexed = tokenize(root);
    for token in &lexed.tokens {
        assert_range_in(root, token.range, "lexer token");
    }
    for error in &lexed.errors {
        assert_range_in(root, error.range, "lexer error");
    }
    let tree = SyntaxTree::build(root, &lexed);
    assert_eq!(
        tree.print(root),
        root,
        "syntax tree does not reprint the text"
    );
    for comment in tree.comments() {
        let _ = tree.statement_after(comment.range.start());
    }

    // `caddy fmt`: idempotent whenever formatting keeps what Caddy reads (the case in which
    // `gblint fmt` writes). Caddy's own formatter is not idempotent on input whose tokens it
    // changes (caddy 2.6.2: `{ {` -> `{` + newline -> newline), and gblint's reproduces it
    // byte for byte, so those inputs are only required not to panic.
    let once = format(root);
    let twice = format(&once);
    let relexed = tokenize(&once);
    // A `\` line continuation is left out as well: caddy 2.6.2 formats `B \\\n{` as
    // `B \\\n{` once and `B \\\n {` the second time, and gblint reproduces it.
    let keeps_tokens = !root.contains("\\\n")
        && !root.contains("\\\r")
        && lexed.errors.is_empty()
        && relexed.errors.is_empty()
        && lexed.tokens.len() == relexed.tokens.len()
        && lexed
            .tokens
            .iter()
            .zip(&relexed.tokens)
            .all(|(a, b)| a.text == b.text);
    if keeps_tokens {
        assert_eq!(twice, once, "format(format(x)) != format(x)");
    }
    let _ = first_unformatted_line(root);

    // The Caddy view.
    let dir = scratch_dir("caddyfile");
    write_if_changed(
        &dir.join("imported.caddy"),
        parts.get(1).copied().unwrap_or(b""),
    );
    let mut sources = SourceMap::new();
    let file = sources.add(SourceFile::new(dir.join("Caddyfile"), root));
    let env_lookup = |name: &str| env(name);
    let mut ctx = ImportContext::new(&mut sources, &env_lookup);
    ctx.root = Some(dir.to_path_buf());
    ctx.absolute_base = Some(dir.to_path_buf());
    ctx.disk_paths.insert(file, dir.join("Caddyfile"));
    let caddyfile = parse(file, &mut ctx);
    assert_eq!(caddyfile.tree(root).print(root), root);
    for error in &caddyfile.errors {
        if error.file == file {
            assert_range_in(root, error.range, "parse error");
        }
        for site in error.chain.iter().filter(|s| s.file == file) {
            assert_range_in(root, site.range, "import site of an error");
        }
    }
    let model = &caddyfile.model;
    if let Some(global) = &model.global {
        for directive in &global.options {
            let _ = directive.name();
            let _ = directive.range();
        }
    }
    for site in &model.sites {
        for address in &site.addresses {
            if address.token.file() == file {
                assert_range_in(root, address.token.range(), "site address");
            }
            if let Ok(parsed) = &address.parsed() {
                let _ = parsed.effective_scheme();
                let _ = parsed.effective_port();
                let _ = parsed.normalized_host();
                let _ = parsed.identity();
                let _ = parsed.is_dns_name();
                let _ = gblint_caddyfile::address::check_address(parsed, "80", "443");
            }
            let _ = parse_address(&address.token.text);
        }
        for directive in site.walk() {
            let _ = directive.arg_texts().count();
            let range = directive.range();
            if directive.file() == file {
                assert_range_in(root, range, "directive");
            }
        }
        let _ = site.first_key();
    }
});
