//! The parse reading the root file's tokens as it goes ([`crate::RootTokens::Stream`]) gives
//! exactly what the parse of the whole token list gives: run both on hostile snippets, every
//! Caddyfile of tests/realworld (and of `$GBLINT_CORPUS/caddyfile` when set) and a large
//! generated file, reading one token at a time so that every step of the parser meets the end
//! of what was read.

use std::path::Path;
use std::sync::Arc;

use gblint_diagnostics::{SourceFile, SourceMap};

use crate::lexer::TokenStream;
use crate::{
    lex_errors, model, parse_root, tokenize_shared, CaddyToken, ImportContext, Lexing, RootTokens,
    SharedText,
};

/// The blocks, the typed view and everything else the parse returns, printed, for one way of
/// reading the tokens (`batch`: read that many at a time; `None`: lex the whole file first).
fn parse_printed(text: &str, batch: Option<usize>) -> String {
    let mut sources = SourceMap::new();
    let file = sources.add(SourceFile::new("Caddyfile", text));
    let no_env = |_: &str| None;
    let mut ctx = ImportContext::new(&mut sources, &no_env);
    let shared = SharedText::for_file(Arc::from(text), file, Arc::default());
    let lexing = match batch {
        Some(batch) => Lexing {
            bom: false,
            tokens: RootTokens::Stream(TokenStream::new(shared).with_batch(batch)),
            errors: Vec::new(),
        },
        None => {
            let lexed = tokenize_shared(&shared);
            Lexing {
                bom: false,
                tokens: RootTokens::Lexed(lexed.tokens.into_iter().map(CaddyToken::from).collect()),
                errors: lex_errors(file, lexed.errors),
            }
        }
    };
    let mut blocks = Vec::new();
    let parsed = parse_root(file, lexing, &mut ctx, &mut |block| blocks.push(block));
    let printed_blocks = format!("{blocks:#?}");
    let view = model::build(blocks);
    format!(
        "{printed_blocks}\n{:#?}\n{:#?}\n{:#?}\n{:#?}\n{view:#?}",
        parsed.errors, parsed.snippets, parsed.imported_files, parsed.not_followed
    )
}

fn assert_same(name: &str, text: &str) {
    let whole = parse_printed(text, None);
    for batch in [1, 2, 5, 4096] {
        assert!(
            parse_printed(text, Some(batch)) == whole,
            "{name}: reading {batch} token(s) at a time parses differently"
        );
    }
}

const HOSTILE: &[&str] = &[
    "",
    "{",
    "}",
    "a {",
    "a }\nb {\n}\n",
    "example.com {\n\trespond \"hi\n",
    "example.com {\n\trespond <<EOF\n\thello\n\tEOF\n}\n",
    "example.com {\n\trespond <<EOF\n\tnever closed\n}\n",
    "example.com {\n\trespond <<<X\n}\n",
    "(snip) {\n\trespond {args[0]}\n}\na.com {\n\timport snip one\n}\nb.com {\n\timport snip\n",
    "(snip) {\n\timport snip\n}\na.com {\n\timport snip\n}\n",
    "a.com, b.com, {\n}\n",
    "a.com,\n",
    "&(route) {\n\trespond ok\n}\na.com {\n\tinvoke route\n}\n",
    "{\n\tadmin off\n}\n{\n}\na.com\nrespond x\n",
    "a.com {\n\troute {\n\t\trespond x\n\t}\n\t}\n\t}\nb.com {\n}\n",
    "a.com {\n\tfoo { bar\n}\nb.com {\n\t@m path /x\n}\n",
    "@m path /\na.com {\n}\n",
    "a.com {\n\timport\n}\nb.com {\n\timport missing/*.caddy\n}\n",
    "a.com{\n}\nb.com {\n\tx {}\n\ty\n}\n",
    "a.com {\n\tx\n\t{\n\t}\n}\n",
    "\u{feff}a.com {\n\trespond \"x\\\"y\" `z`\n}\n",
    "a.com {\n\trespond x # c \\\n\tmore\n}\n",
];

#[test]
fn hostile_inputs_parse_the_same_read_as_they_go() {
    for (index, text) in HOSTILE.iter().enumerate() {
        assert_same(&format!("hostile #{index}"), text);
    }
}

#[test]
fn a_large_file_with_errors_and_imports_parses_the_same_read_as_it_goes() {
    // Past the point where the consumed front of the token list is dropped (16 Ki tokens),
    // with a broken block, a snippet import and a stray brace on the way.
    let mut text = String::from("(common) {\n\tencode gzip\n}\n");
    for i in 0..3000 {
        text.push_str(&format!(
            "\nsite{i}.example.com {{\n\treverse_proxy 10.0.{}.{}:8080\n\tlog\n}}\n",
            i / 256,
            i % 256
        ));
        match i {
            1000 => text.push_str("broken.example.com {\n\tfoo {\n}\n"),
            2000 => text.push_str("imp.example.com {\n\timport common\n}\n"),
            2500 => text.push_str("}\n"),
            _ => {}
        }
    }
    let whole = parse_printed(&text, None);
    for batch in [1, 4096] {
        assert!(parse_printed(&text, Some(batch)) == whole, "batch {batch}");
    }
}

fn caddyfiles(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            caddyfiles(&path, out);
        } else if !matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("md" | "json" | "tsv")
        ) {
            out.push(path);
        }
    }
}

#[test]
fn real_caddyfiles_parse_the_same_read_as_they_go() {
    let mut files = Vec::new();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/realworld/caddyfile");
    caddyfiles(&root, &mut files);
    if let Some(corpus) = std::env::var_os("GBLINT_CORPUS") {
        caddyfiles(&Path::new(&corpus).join("caddyfile"), &mut files);
    }
    assert!(files.len() > 10, "found {} Caddyfiles", files.len());
    for path in files {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let whole = parse_printed(&text, None);
        assert!(
            parse_printed(&text, Some(1)) == whole,
            "{}: reading one token at a time parses differently",
            path.display()
        );
    }
}
