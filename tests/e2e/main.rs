//! End-to-end tests of the `gblint` binary.

/// Snapshot a whole `gblint` run in a folder: its arguments in the snapshot's header; in the
/// body its input (standard input, and the files a test wrote, see [`cli::Inputs`]) verbatim,
/// then its exit code, standard output and standard error, with the folder and the workspace
/// shown as `[TEMP]` and `[ROOT]`.
/// Snapshots are named after the test (`-2`, `-3`, … for its later runs).
macro_rules! assert_cli_snapshot {
    ($dir:expr, $args:expr $(,)?) => {{
        let mut command = gblint_tests::gblint_command($dir, $args);
        let filters = gblint_tests::path_filters($dir);
        let filters: Vec<(&str, &str)> = filters.iter().map(|(p, r)| (p.as_str(), r.as_str())).collect();
        insta::with_settings!({ filters => filters }, {
            insta_cmd::assert_cmd_snapshot!(command);
        });
    }};
    ($dir:expr, $args:expr, stdin = $stdin:expr $(,)?) => {{
        assert_cli_snapshot!(run = crate::cli::CliRun::new($dir, $args).stdin($stdin))
    }};
    ($dir:expr, $args:expr, inputs = $inputs:expr $(,)?) => {{
        assert_cli_snapshot!(run = crate::cli::CliRun::new($dir, $args).inputs($inputs))
    }};
    (run = $run:expr $(,)?) => {{
        let (info, body, filters) = $run.run();
        let filters: Vec<(&str, &str)> = filters.iter().map(|(p, r)| (p.as_str(), r.as_str())).collect();
        insta::with_settings!({ info => &info, omit_expression => true, filters => filters }, {
            insta::assert_snapshot!(body);
        });
    }};
}

mod baseline;
mod caddy_trust;
mod check;
mod cli;
mod cli_deps;
mod config_schema;
mod dns;
mod fix;
mod fmt;
// Every case runs under `ulimit -v` (address-space limits, which macOS's sh does not apply) and
// some as nobody through util-linux's `setpriv`: Linux only.
#[cfg(target_os = "linux")]
mod hostile;
mod install;
mod iptables;
mod lxd;
mod ops;
mod output_flags;
mod outputs;
mod render;
mod render_lifecycle;
mod render_ops;
mod rules_cli;
mod secrets;
mod services;
// Snapshot macros for runs that need more than `assert_cli_snapshot!` (exported, so their
// place in this list does not matter).
mod snap;
mod suppressions;
mod tenants;
mod writes;
