//! `gblint fmt`: format Caddyfiles byte for byte as `caddy fmt` does.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use gblint_caddyfile::format::{first_unformatted_line, format};
use gblint_caddyfile::tokenize;
use gblint_lint::discovery::{discover, DiscoverOptions};
use gblint_lint::fix::{unified_diff, FileChange, Target};
use gblint_lint::write::{self, Expected, FileWrite, WriteOptions};
use gblint_lint::Format;

use crate::args::FmtArgs;
use crate::common::{env_lookup, load_settings, read_inputs, start_dir};

pub fn run(args: &FmtArgs) -> anyhow::Result<ExitCode> {
    let start = start_dir(&args.paths, args.stdin_filename.as_deref());
    let mut settings = load_settings(args.config.as_deref(), &start)?;
    if let Some(bytes) = args.max_file_bytes {
        settings.limits.max_file_bytes = bytes;
    }
    let inputs = read_inputs(
        &args.paths,
        args.stdin_filename.as_deref(),
        "Caddyfile",
        settings.limits.max_file_bytes,
    )?;
    let mut sources = gblint_diagnostics::SourceMap::new();
    let forced = args.format.as_deref().and_then(Format::from_name);
    let options = DiscoverOptions {
        forced_format: forced,
        env: &env_lookup,
        overlay: None,
        parse: false,
    };
    let deployment = discover(&inputs, &settings, options, &mut sources)?;

    let mut stdout = std::io::stdout().lock();
    let mut stderr = std::io::stderr().lock();
    let (mut changed, mut unchanged, mut refused) = (0usize, 0usize, 0usize);
    // Written together at the end, all or nothing (see docs/writes.md).
    let mut writes = Vec::new();
    for input in deployment.files.iter().filter(|f| {
        matches!(
            f.format,
            Format::Caddyfile | Format::Iptables | Format::Corefile
        )
    }) {
        let source = sources.get(input.file);
        let text = source.text();
        // A file that was not read as it is (invalid UTF-8, a link out of the tree) would be
        // written back with what gblint put in its place.
        if let Some(problem) = deployment
            .read_problems
            .iter()
            .find(|p| p.file == input.file)
        {
            let display = source.path().display().to_string();
            writeln!(
                stderr,
                "gblint: error: {}: not formatted: {}",
                display.strip_prefix("./").unwrap_or(&display),
                problem.message
            )?;
            refused += 1;
            continue;
        }
        let formatted = match input.format {
            Format::Iptables => {
                let shown = input
                    .machine_path
                    .clone()
                    .unwrap_or_else(|| source.path().to_string_lossy().replace('\\', "/"));
                match format_rules(&shown, text, args.canonical) {
                    Some(formatted) => formatted,
                    None => {
                        let display = source.path().display().to_string();
                        writeln!(stderr, "gblint: error: {}: not formatted: iptables-restore cannot read it (run `gblint check`)", display.strip_prefix("./").unwrap_or(&display))?;
                        refused += 1;
                        continue;
                    }
                }
            }
            Format::Corefile => gblint_corefile::format::format(text),
            _ => format(text),
        };
        let is_stdin = deployment.stdin == Some(input.file);
        let display = source.path().display().to_string();
        let display = display.strip_prefix("./").unwrap_or(&display).to_owned();
        if is_stdin && !args.check && !args.diff {
            stdout.write_all(formatted.as_bytes())?;
            continue;
        }
        if formatted == text {
            unchanged += 1;
            continue;
        }
        changed += 1;
        if args.check {
            let line = if input.format == Format::Caddyfile {
                first_unformatted_line(text).unwrap_or(1)
            } else {
                let differs = text
                    .lines()
                    .zip(formatted.lines())
                    .position(|(a, b)| a != b);
                u32::try_from(differs.map_or_else(
                    || text.lines().count().min(formatted.lines().count()) + 1,
                    |i| i + 1,
                ))
                .unwrap_or(u32::MAX)
            };
            writeln!(
                stdout,
                "{display}:{line}: not formatted (first differing line)"
            )?;
            continue;
        }
        if args.diff {
            let change = FileChange {
                target: Target::Stdin,
                display: display.clone().into(),
                original: text.to_owned(),
                fixed: formatted,
                applied: Vec::new(),
            };
            stdout.write_all(unified_diff(&change).as_bytes())?;
            continue;
        }
        let unsafe_reason = if input.format == Format::Caddyfile {
            unsafe_to_write(text, &formatted)
        } else {
            None
        };
        if let Some(reason) = unsafe_reason {
            writeln!(stderr, "gblint: error: {display}: not formatted: {reason}")?;
            changed -= 1;
            refused += 1;
            continue;
        }
        let Some(disk) = deployment.disk_paths.get(&input.file) else {
            continue;
        };
        writes.push(FileWrite::new(
            disk,
            Path::new(&display),
            Expected::Bytes(text.as_bytes().to_vec()),
            formatted.into_bytes(),
        ));
    }
    let options = WriteOptions {
        backup: !args.no_backup,
        create_dirs: false,
    };
    write::write_files(&writes, options)?;
    let total = changed + unchanged;
    if total > 0 || refused > 0 {
        let verb = if args.check || args.diff {
            "would be reformatted"
        } else {
            "reformatted"
        };
        writeln!(
            stderr,
            "{changed} file{} {verb}, {unchanged} file{} already formatted{}.",
            plural(changed),
            plural(unchanged),
            if refused > 0 {
                format!(", {refused} not written")
            } else {
                String::new()
            }
        )?;
    }
    if !deployment.skipped.is_empty() {
        writeln!(
            stderr,
            "Not formatted: {} file{} in formats gblint cannot format yet.",
            deployment.skipped.len(),
            plural(deployment.skipped.len())
        )?;
    }
    let failed = refused > 0 || ((args.check || args.diff) && changed > 0);
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// An iptables rules file normalised in place, or in full iptables-save form; `None` when
/// iptables-restore cannot read it.
fn format_rules(path: &str, text: &str, canonical: bool) -> Option<String> {
    let family = gblint_lint::iptables::family_of(path, text);
    let rules = gblint_iptables::parse(text, family);
    if canonical {
        if rules
            .problems
            .iter()
            .any(|p| p.kind == gblint_iptables::ProblemKind::Syntax)
        {
            return None;
        }
        let ruleset = gblint_iptables::ruleset::replay(
            &rules,
            gblint_lint::iptables::replay_options(path, &rules),
        );
        return Some(gblint_iptables::render::canonical(&rules, &ruleset));
    }
    gblint_iptables::render::format_in_place(&rules, text)
}

/// Why writing `formatted` over `text` could change what Caddy reads, if it could.
fn unsafe_to_write(text: &str, formatted: &str) -> Option<String> {
    let (before, after) = (tokenize(text), tokenize(formatted));
    if let Some(error) = before.errors.first() {
        return Some(format!(
            "line {}: {} (run `gblint check`)",
            error.line, error.message
        ));
    }
    if let Some(error) = after.errors.first() {
        return Some(format!(
            "formatting would make line {} unreadable to Caddy: {}",
            error.line, error.message
        ));
    }
    let first_change = before
        .tokens
        .iter()
        .zip(&after.tokens)
        .position(|(a, b)| a.text != b.text);
    match first_change {
        Some(index) => Some(format!(
            "formatting would change what Caddy reads at line {} (`{}` becomes `{}`), as `caddy fmt` would; fix that line by hand",
            before.tokens[index].line, before.tokens[index].text, after.tokens[index].text
        )),
        None if before.tokens.len() != after.tokens.len() => Some("formatting would change the number of tokens Caddy reads".to_owned()),
        None => None,
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
