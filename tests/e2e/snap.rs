//! Snapshots of whole `gblint` runs for the tests that need more than `assert_cli_snapshot!`:
//! the run's [`Output`] back (to validate a SARIF file against its schema, or to assert what a
//! snapshot cannot show), extra environment variables, extra filters (backup time stamps,
//! escape characters), or a run started some other way (under resource limits).
//!
//! The snapshot has insta-cmd's layout, so these snapshots read like the others: the run's
//! program, arguments and environment in the header, its exit code, standard output and
//! standard error in the body, with the run's folder as `[TEMP]` and the workspace as `[ROOT]`.

use std::collections::BTreeMap;
use std::process::{Command, Output};

/// What a snapshot's header says about a run (insta-cmd's `info`). insta's filters apply to
/// the body only, so [`RunInfo::shown_from`] names the run's folder in the arguments itself.
#[derive(serde::Serialize)]
pub struct RunInfo {
    program: String,
    args: Vec<String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    env: BTreeMap<String, String>,
}

impl RunInfo {
    /// The header of `command`: its program's file name, its arguments, and the environment
    /// variables it sets (the ones it removes are not shown, as in insta-cmd).
    pub fn of(command: &Command) -> RunInfo {
        let program = std::path::Path::new(command.get_program())
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        RunInfo {
            program,
            args: command
                .get_args()
                .map(|arg| arg.to_string_lossy().into_owned())
                .collect(),
            env: command
                .get_envs()
                .filter_map(|(name, value)| {
                    Some((
                        name.to_string_lossy().into_owned(),
                        value?.to_string_lossy().into_owned(),
                    ))
                })
                .collect(),
        }
    }

    /// This header with the run's folder `dir` (as given and as resolved) in the arguments shown
    /// as `[TEMP]` and the workspace as `[ROOT]`, as [`gblint_tests::path_filters`] shows them
    /// in the body: a temporary folder's name must not change a snapshot.
    pub fn shown_from(&self, dir: &std::path::Path) -> RunInfo {
        let mut places = Vec::new();
        for (path, name) in [
            (dir.to_path_buf(), "[TEMP]"),
            (gblint_tests::workspace_root(), "[ROOT]"),
        ] {
            let resolved = path.canonicalize().unwrap_or_else(|_| path.clone());
            for form in [resolved, path] {
                places.push((form.to_string_lossy().into_owned(), name));
            }
        }
        RunInfo {
            program: self.program.clone(),
            args: self
                .args
                .iter()
                .map(|arg| {
                    places
                        .iter()
                        .fold(arg.clone(), |arg, (place, name)| arg.replace(place, name))
                })
                .collect(),
            env: self.env.clone(),
        }
    }

    /// The header of a `gblint` run with `args` started another way (e.g. under `ulimit`),
    /// with colour off as [`gblint_tests::gblint_command`] sets it.
    // Only the Linux-only hostile.rs starts gblint under `ulimit`.
    #[cfg_attr(not(target_os = "linux"), allow(dead_code))]
    pub fn gblint(args: &[&str]) -> RunInfo {
        RunInfo {
            program: "gblint".to_owned(),
            args: args.iter().map(|arg| (*arg).to_owned()).collect(),
            env: BTreeMap::from([("NO_COLOR".to_owned(), "1".to_owned())]),
        }
    }
}

/// A run's snapshot body, as insta-cmd writes it.
pub fn body(output: &Output) -> String {
    format!(
        "success: {:?}\nexit_code: {}\n----- stdout -----\n{}\n----- stderr -----\n{}",
        output.status.success(),
        output.status.code().unwrap_or(!0),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// The path filters of `dir` (see [`gblint_tests::path_filters`]) followed by `extra`
/// `(regex, replacement)` pairs.
pub fn filters(dir: &std::path::Path, extra: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut filters = gblint_tests::path_filters(dir);
    filters.extend(
        extra
            .iter()
            .map(|(pattern, name)| ((*pattern).to_owned(), (*name).to_owned())),
    );
    filters
}

/// The file-name stamp of a backup (`Caddyfile.bak-202612051200`, `-2` for a second one in
/// the same minute) as `.bak-[STAMP]`: the time a run happened must not change its snapshot.
pub const BACKUP_STAMP: (&str, &str) = (r"\.bak-[0-9]{12}(-[0-9]+)?", ".bak-[STAMP]");

/// Snapshot an `output` that already happened, under the header `info` ([`RunInfo`]), with
/// the path filters of the run's folder `dir` and optional `filters = &[(regex, replacement)]`.
/// Named after the test like insta's own snapshots (`-2`, `-3`, … for later ones); an optional
/// `description = …` says in the header what the run was given (input files, limits).
#[macro_export]
macro_rules! assert_output_snapshot {
    ($dir:expr, $info:expr, $output:expr $(, filters = $extra:expr)? $(, description = $description:expr)? $(,)?) => {{
        let extra: &[(&str, &str)] = $crate::snap_filters_or_none!($($extra)?);
        let filters = $crate::snap::filters($dir, extra);
        let filters: Vec<(&str, &str)> = filters.iter().map(|(p, r)| (p.as_str(), r.as_str())).collect();
        let mut settings = insta::Settings::clone_current();
        settings.set_info(&$info.shown_from($dir));
        settings.set_omit_expression(true);
        $(settings.set_description($description);)?
        for (pattern, replacement) in filters {
            settings.add_filter(pattern, replacement);
        }
        settings.bind(|| {
            insta::assert_snapshot!($crate::snap::body($output));
        });
    }};
}

/// The `filters = …` of a snapshot macro, or none.
#[doc(hidden)]
#[macro_export]
macro_rules! snap_filters_or_none {
    () => {
        &[]
    };
    ($extra:expr) => {
        $extra
    };
}

/// Run `command` (from [`gblint_tests::gblint_command`], perhaps with more environment) in
/// `dir`, snapshot the run like `assert_cli_snapshot!` (optional `filters = …`, `description =
/// …` as in [`assert_output_snapshot!`]) and return its [`Output`] for what a snapshot cannot
/// show.
#[macro_export]
macro_rules! assert_run_snapshot {
    ($dir:expr, $command:expr $(, $key:ident = $value:expr)* $(,)?) => {{
        let command: &mut std::process::Command = $command;
        let info = $crate::snap::RunInfo::of(command);
        let output = command.output().expect("gblint runs");
        $crate::assert_output_snapshot!($dir, info, &output $(, $key = $value)*);
        output
    }};
}

/// What a SARIF snapshot's description says about what it leaves out.
pub const SARIF_WITHOUT_CATALOGUE: &str = "tool.driver.rules (every rule with its documentation, \
     some 350 kB) left out, and ruleIndex shown as [INDEX]: both change whenever a rule is added";

/// `ruleIndex` values as `[INDEX]` (see [`SARIF_WITHOUT_CATALOGUE`]).
pub const SARIF_RULE_INDEX: (&str, &str) = (r#""ruleIndex": [0-9]+"#, r#""ruleIndex": [INDEX]"#);

/// `output` with the SARIF rule catalogue (`tool.driver.rules`) cut to one line saying so; the
/// rest of the report is left as printed. The catalogue is the same in every report;
/// outputs.rs checks it against the SARIF schema, and each result's `ruleIndex` into it.
pub fn sarif_without_catalogue(output: &Output) -> Output {
    let text = String::from_utf8_lossy(&output.stdout);
    let mut shown = String::with_capacity(text.len());
    // The indentation of the `"rules": [` line while inside the catalogue.
    let mut rules_at: Option<usize> = None;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        match rules_at {
            None if trimmed.trim_end() == "\"rules\": [" => {
                rules_at = Some(indent);
                shown.push_str(line);
                shown.push_str(&format!("{}[CATALOGUE]\n", " ".repeat(indent + 2)));
            }
            None => shown.push_str(line),
            Some(base) if indent == base && trimmed.starts_with(']') => {
                rules_at = None;
                shown.push_str(line);
            }
            Some(_) => {}
        }
    }
    Output {
        status: output.status,
        stdout: shown.into_bytes(),
        stderr: output.stderr.clone(),
    }
}

/// [`assert_run_snapshot!`] for a SARIF report: the snapshot leaves the rule catalogue out and
/// shows `ruleIndex` as `[INDEX]` ([`sarif_without_catalogue`]); the [`Output`] returned is the
/// whole report.
#[macro_export]
macro_rules! assert_sarif_run_snapshot {
    ($dir:expr, $command:expr $(,)?) => {{
        let command: &mut std::process::Command = $command;
        let info = $crate::snap::RunInfo::of(command);
        let output = command.output().expect("gblint runs");
        $crate::assert_output_snapshot!(
            $dir,
            info,
            &$crate::snap::sarif_without_catalogue(&output),
            filters = &[$crate::snap::SARIF_RULE_INDEX],
            description = $crate::snap::SARIF_WITHOUT_CATALOGUE
        );
        output
    }};
}
