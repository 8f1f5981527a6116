//! Caddyfile: the tokenizer, the parser (lossless tree, Caddy's block parser, typed model) and
//! the whole lint engine, on `gen_caddy.py`-shaped files of 25, 1,000 and 10,000 sites.

use std::sync::Arc;

use divan::counter::{BytesCount, ItemsCount};
use divan::{black_box, Bencher};
use gblint_benches::{caddyfile, check_options, many_caddyfiles, run_check, OnDisk, CADDY_FILES};
use gblint_caddyfile::ImportContext;
use gblint_diagnostics::{SourceFile, SourceMap};
use gblint_lint::Settings;

fn main() {
    divan::main();
}

/// `gblint_caddyfile::tokenize`: Caddy's lexer alone.
#[divan::bench(args = [25, 1_000, 10_000], max_time = 10)]
fn tokenize(bencher: Bencher, sites: usize) {
    let text = caddyfile(sites);
    bencher
        .counter(BytesCount::of_str(&text))
        .bench(|| gblint_caddyfile::tokenize(black_box(&text)));
}

/// `gblint_caddyfile::parse`: raw tokens, Caddy-view tokens, server blocks and the typed view
/// (the lossless tree's trivia are built on demand, not here; the file is added to a fresh
/// source map outside the timed part).
#[divan::bench(args = [25, 1_000, 10_000], max_time = 10)]
fn parse(bencher: Bencher, sites: usize) {
    let text: Arc<str> = Arc::from(caddyfile(sites));
    bencher
        .counter(BytesCount::of_str(&*text))
        .with_inputs(|| {
            let mut sources = SourceMap::new();
            let file = sources.add(SourceFile::new("Caddyfile", Arc::clone(&text)));
            (sources, file)
        })
        .bench_local_refs(|(sources, file)| {
            let no_env = |_: &str| None;
            let mut ctx = ImportContext::new(sources, &no_env);
            gblint_caddyfile::parse(*file, &mut ctx)
        });
}

/// `gblint_lint::check` on a folder of N small Caddyfiles (1,000, 10,000, 100,000): the
/// cross-file work must grow linearly with the number of files (it was quadratic).
#[divan::bench(args = CADDY_FILES, max_time = 10, sample_count = 5)]
fn check_many_files(bencher: Bencher, files: usize) {
    let disk = OnDisk::write(many_caddyfiles(files), "");
    let inputs = disk.inputs();
    let options = check_options(Settings::default());
    bencher
        .counter(ItemsCount::new(files))
        .bench_local(|| run_check(&inputs, &options));
}

/// `gblint_lint::check` on the file written to a temporary folder: reading, parsing and
/// every default rule, as `gblint check FILE` before printing.
#[divan::bench(args = [25, 1_000, 10_000], max_time = 10)]
fn check(bencher: Bencher, sites: usize) {
    let text = caddyfile(sites);
    let disk = OnDisk::write([("Caddyfile", &text)], "Caddyfile");
    let inputs = disk.inputs();
    let options = check_options(Settings::default());
    bencher
        .counter(BytesCount::of_str(&text))
        .bench_local(|| run_check(&inputs, &options));
}
