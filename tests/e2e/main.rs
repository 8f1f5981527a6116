//! End-to-end tests of the `gblint` binary.

/// Snapshot a whole `gblint` run in a folder with insta-cmd: its arguments (and standard input)
/// in the snapshot's header, its exit code, standard output and standard error in the body,
/// with the folder and the workspace shown as `[TEMP]` and `[ROOT]`.
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
        let mut command = gblint_tests::gblint_command($dir, $args);
        let filters = gblint_tests::path_filters($dir);
        let filters: Vec<(&str, &str)> = filters.iter().map(|(p, r)| (p.as_str(), r.as_str())).collect();
        insta::with_settings!({ filters => filters }, {
            insta_cmd::assert_cmd_snapshot!(command.pass_stdin($stdin));
        });
    }};
}

mod baseline;
mod caddy_trust;
mod check;
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
mod suppressions;
mod tenants;
mod writes;
