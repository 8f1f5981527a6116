//! The shipped example deployment (`examples/pragmatismo`: Caddyfile, Corefile and zones,
//! iptables, fail2ban, systemd and ufw files on five machines): the whole lint engine, with
//! the example's `gblint.toml` and baseline as `gblint check examples/pragmatismo` uses them,
//! and the CoreDNS tokenizer and zone parser on its DNS files (no generator covers them).

use std::path::Path;

use divan::counter::BytesCount;
use divan::{black_box, Bencher};
use gblint_benches::{example_dir, example_options, run_check};
use gblint_lint::Input;

fn main() {
    divan::main();
}

/// Bytes of every file below `dir`.
fn tree_bytes(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .expect("example folder")
        .map(|entry| {
            let entry = entry.expect("folder entry");
            let kind = entry.file_type().expect("file type");
            if kind.is_dir() {
                tree_bytes(&entry.path())
            } else {
                entry.metadata().expect("metadata").len()
            }
        })
        .sum()
}

/// `gblint_lint::check` on the example deployment.
#[divan::bench(max_time = 10)]
fn check(bencher: Bencher) {
    let dir = example_dir();
    let inputs = [Input::Path(dir.clone())];
    let options = example_options();
    bencher
        .counter(BytesCount::new(tree_bytes(&dir)))
        .bench_local(|| run_check(&inputs, &options));
}

/// The CoreDNS side of the example, the one format without a generator: the Corefile
/// tokenizer and the zone-file parser on the example's two zones (origin from the file name,
/// as the engine falls back to).
#[divan::bench(max_time = 10)]
fn coredns_parse(bencher: Bencher) {
    let dns = example_dir().join("pragmatismo-dns/opt/gbo");
    let corefile = std::fs::read_to_string(dns.join("conf/Corefile")).expect("example Corefile");
    let zones: Vec<(String, String)> = ["pragmatismo.com.br", "ddsites.com.br"]
        .iter()
        .map(|origin| {
            let text = std::fs::read_to_string(dns.join(format!("data/{origin}.zone")))
                .expect("example zone file");
            (format!("{origin}."), text)
        })
        .collect();
    let bytes = corefile.len() + zones.iter().map(|(_, text)| text.len()).sum::<usize>();
    bencher.counter(BytesCount::new(bytes)).bench(|| {
        let tokens = gblint_corefile::lexer::tokenize(black_box(&corefile));
        let zones: Vec<_> = zones
            .iter()
            .map(|(origin, text)| gblint_corefile::zone::parse(black_box(text), origin))
            .collect();
        (tokens, zones)
    });
}
