//! `gblint check`.

use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use gblint_diagnostics::emit::{self, RuleInfo, SarifTool};
use gblint_diagnostics::Severity;
use gblint_lint::{check, find_config, registry, CheckOptions, Format, Input, Report, Settings};

use crate::args::{CheckArgs, FailOn, OutputFormat};
use crate::human;

pub fn run(args: &CheckArgs) -> anyhow::Result<ExitCode> {
    let mut inputs = Vec::new();
    for path in &args.paths {
        if path.as_os_str() == "-" {
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .map_err(|err| anyhow::anyhow!("cannot read standard input: {err}"))?;
            let name = args
                .stdin_filename
                .clone()
                .unwrap_or_else(|| PathBuf::from("-"));
            inputs.push(Input::Stdin { name, text });
        } else {
            inputs.push(Input::Path(path.clone()));
        }
    }

    let config_path = match &args.config {
        Some(path) => Some(path.clone()),
        None => {
            let start = args
                .paths
                .iter()
                .find(|p| p.as_os_str() != "-")
                .cloned()
                .or_else(|| {
                    args.stdin_filename
                        .as_ref()
                        .and_then(|p| p.parent().map(PathBuf::from))
                })
                .unwrap_or_else(|| PathBuf::from("."));
            let start = if start.as_os_str().is_empty() {
                PathBuf::from(".")
            } else {
                start
            };
            find_config(&start)
        }
    };
    let mut settings = match &config_path {
        Some(path) => Settings::load(path)?,
        None => Settings::default(),
    };
    settings.no_inline_ignores = args.no_inline_ignores;

    let env = |name: &str| std::env::var(name).ok();
    let options = CheckOptions {
        settings,
        select: args.select.clone(),
        extend_select: args.extend_select.clone(),
        ignore: args.ignore.clone(),
        forced_format: args.format.as_deref().and_then(Format::from_name),
        env: &env,
    };
    let report = check(&inputs, &options)?;
    emit(args, &report)?;
    let threshold = match args.fail_on {
        FailOn::Error => Severity::Error,
        FailOn::Warning => Severity::Warning,
        FailOn::Info => Severity::Info,
    };
    Ok(if report.fails(threshold) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn emit(args: &CheckArgs, report: &Report) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    let diagnostics = &report.diagnostics;
    let sources = &report.sources;
    match args.output_format {
        OutputFormat::Human => {
            let color = !args.no_color
                && std::env::var_os("NO_COLOR").is_none()
                && std::io::stdout().is_terminal();
            human::write(&mut out, diagnostics, sources, color)?;
            summary(&mut out, report)?;
        }
        OutputFormat::Concise => {
            emit::concise(&mut out, diagnostics, sources)?;
            let mut err = std::io::stderr().lock();
            summary(&mut err, report)?;
        }
        OutputFormat::Json => emit::json(&mut out, diagnostics, sources)?,
        OutputFormat::Github => emit::github(&mut out, diagnostics, sources)?,
        OutputFormat::Sarif => {
            let rules: Vec<RuleInfo> = registry::all()
                .iter()
                .map(|rule| {
                    let meta = rule.meta();
                    RuleInfo {
                        code: meta.code,
                        name: meta.name,
                        summary: meta.summary(),
                        doc: meta.doc_text(),
                        default_severity: meta.default_severity,
                    }
                })
                .collect();
            let tool = SarifTool {
                version: env!("CARGO_PKG_VERSION"),
                information_uri: "https://crates.io/crates/gblint-cli",
            };
            emit::sarif(&mut out, diagnostics, sources, &rules, &tool)?;
        }
    }
    out.flush()?;
    Ok(())
}

fn summary(out: &mut dyn Write, report: &Report) -> std::io::Result<()> {
    let errors = report
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = report
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .count();
    let infos = report.diagnostics.len() - errors - warnings;
    let files = report.deployment.files.len();
    let checked = format!("{files} file{}", if files == 1 { "" } else { "s" });
    if report.diagnostics.is_empty() {
        writeln!(out, "All checks passed ({checked} checked).")?;
    } else {
        let mut parts = Vec::new();
        for (count, word) in [(errors, "error"), (warnings, "warning"), (infos, "info")] {
            if count > 0 {
                parts.push(format!(
                    "{count} {word}{}",
                    if count == 1 || word == "info" {
                        ""
                    } else {
                        "s"
                    }
                ));
            }
        }
        writeln!(out, "Found {} ({checked} checked).", parts.join(", "))?;
    }
    if !report.deployment.skipped.is_empty() {
        let mut by_format: std::collections::BTreeMap<&str, usize> =
            std::collections::BTreeMap::new();
        for skipped in &report.deployment.skipped {
            *by_format.entry(skipped.format.name()).or_default() += 1;
        }
        let list: Vec<String> = by_format
            .iter()
            .map(|(format, count)| format!("{count} {format}"))
            .collect();
        writeln!(
            out,
            "Not checked: {} file{} in formats this version of gblint does not lint yet ({}).",
            report.deployment.skipped.len(),
            if report.deployment.skipped.len() == 1 {
                ""
            } else {
                "s"
            },
            list.join(", ")
        )?;
    }
    Ok(())
}
