//! iptables-save dumps: the restore-file parser and the whole lint engine, on
//! `gen_iptables.py`-shaped dumps of 100, 10,000 and 100,000 rules.

use divan::counter::BytesCount;
use divan::{black_box, Bencher};
use gblint_benches::{check_options, iptables_save, run_check, OnDisk};
use gblint_iptables::Family;
use gblint_lint::Settings;

fn main() {
    divan::main();
}

/// `gblint_iptables::parse`: every line read as iptables-restore does, options typed.
#[divan::bench(args = [100, 10_000, 100_000], max_time = 10)]
fn parse(bencher: Bencher, rules: usize) {
    let text = iptables_save(rules);
    bencher
        .counter(BytesCount::of_str(&text))
        .bench(|| gblint_iptables::parse(black_box(&text), Family::V4));
}

/// `gblint_lint::check` on `rules.v4` in a temporary folder, as `gblint check rules.v4`
/// before printing.
#[divan::bench(args = [100, 10_000, 100_000], max_time = 10)]
fn check(bencher: Bencher, rules: usize) {
    let text = iptables_save(rules);
    let disk = OnDisk::write([("rules.v4", &text)], "rules.v4");
    let inputs = disk.inputs();
    let options = check_options(Settings::default());
    bencher
        .counter(BytesCount::of_str(&text))
        .bench_local(|| run_check(&inputs, &options));
}
