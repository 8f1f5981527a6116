//! fail2ban: loading a configuration folder and the whole lint engine, with 1, 20 and 200
//! generated jails on top of the built-in stand-in for the stock tree
//! (see `gblint_benches::fail2ban`: not the full Debian tree `gen_fail2ban.py` copies).

use divan::counter::BytesCount;
use divan::{black_box, Bencher};
use gblint_benches::{check_options, fail2ban, run_check, total_bytes, OnDisk};
use gblint_lint::Settings;

fn main() {
    divan::main();
}

/// `gblint_fail2ban::load` (every file parsed, merged in fail2ban's read order) and every
/// jail's view, which `load` builds on first use (option values are interpolated when read,
/// as fail2ban does, so not here). Bytes are those of the whole folder.
#[divan::bench(args = [1, 20, 200], max_time = 10)]
fn load(bencher: Bencher, jails: usize) {
    let files = fail2ban::tree(jails);
    bencher
        .counter(BytesCount::new(total_bytes(&files)))
        .bench(|| {
            let config = gblint_fail2ban::load(black_box(&files));
            black_box(config.jail_views().len());
            config
        });
}

/// `gblint_lint::check` on a folder holding `etc/fail2ban/…`, as `scripts/bench.sh` runs
/// `gblint check TREE` before printing.
#[divan::bench(args = [1, 20, 200], max_time = 10)]
fn check(bencher: Bencher, jails: usize) {
    let files = fail2ban::tree(jails);
    let disk = OnDisk::write(
        files
            .iter()
            .map(|(path, text)| (format!("etc/fail2ban/{path}"), text)),
        "",
    );
    let inputs = disk.inputs();
    let options = check_options(Settings::default());
    bencher
        .counter(BytesCount::new(total_bytes(&files)))
        .bench_local(|| run_check(&inputs, &options));
}
