//! systemd: the unit-file parser and the whole lint engine, on 1, 20 and 200
//! `gen_systemd.py`-shaped service units.

use divan::counter::BytesCount;
use divan::{black_box, Bencher};
use gblint_benches::{check_options, run_check, systemd_units, total_bytes, OnDisk};
use gblint_lint::Settings;

fn main() {
    divan::main();
}

/// `gblint_systemd::parse` on every unit file.
#[divan::bench(args = [1, 20, 200], max_time = 10)]
fn parse(bencher: Bencher, units: usize) {
    let files = systemd_units(units);
    bencher
        .counter(BytesCount::new(total_bytes(
            files.iter().map(|(n, t)| (n, t)),
        )))
        .bench(|| {
            black_box(&files)
                .iter()
                .map(|(_, text)| gblint_systemd::parse(text))
                .collect::<Vec<_>>()
        });
}

/// `gblint_lint::check` on a folder of the unit files, as `gblint check UNITS_DIR` before
/// printing.
#[divan::bench(args = [1, 20, 200], max_time = 10)]
fn check(bencher: Bencher, units: usize) {
    let files = systemd_units(units);
    let disk = OnDisk::write(files.iter().map(|(n, t)| (n, t)), "");
    let inputs = disk.inputs();
    let options = check_options(Settings::default());
    bencher
        .counter(BytesCount::new(total_bytes(
            files.iter().map(|(n, t)| (n, t)),
        )))
        .bench_local(|| run_check(&inputs, &options));
}
