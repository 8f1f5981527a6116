//! `gblint man` and `gblint completions`: the man page (every subcommand, exit codes,
//! configuration, environment, examples) and shell completions that know the rule codes.

use std::io::Write;
use std::process::ExitCode;

use clap::builder::PossibleValuesParser;
use clap::CommandFactory;
use gblint::Category;

use crate::args::Cli;

/// The sections clap does not know: exit status, configuration, environment, examples.
const EXTRA: &str = r#".SH "EXIT STATUS"
.TP
\fB0\fR
No finding at or above \fB\-\-fail\-on\fR (default: error), or \fB\-\-exit\-zero\fR.
.TP
\fB1\fR
Findings at or above \fB\-\-fail\-on\fR; \fBfmt \-\-check\fR, \fB\-\-diff\fR and \fBrender \-\-check\fR: something would change.
.TP
\fB2\fR
gblint could not do its job: a bad flag, an unreadable path, a bad configuration file.
.SH CONFIGURATION
Each deployment tree reads its nearest \fIgblint.toml\fR (or the file named by \fB\-\-config\fR):
\fB[rules]\fR select, extend\-select, ignore and severity overrides; \fBexclude\fR globs;
\fB[per\-path\-ignores]\fR; \fB[network] internal\-ports\fR; \fB[limits] max\-file\-bytes\fR;
\fB[baseline] file\fR. Findings are silenced in place with
\fB# gblint: ignore[CODE] reason\fR. \fBgblint check \-\-show\-settings\fR prints what each
deployment uses; the JSON schema is docs/gblint.schema.json.
.SH ENVIRONMENT
.TP
\fBNO_COLOR\fR
When set and not empty, human output is not coloured (unless \fB\-\-color always\fR).
.TP
\fBFORCE_COLOR\fR, \fBCLICOLOR_FORCE\fR
When set, not empty and not 0, human output is coloured even when it is not a terminal.
.TP
\fBCOLUMNS\fR
Width to wrap messages at when standard output is not a terminal.
.SH EXAMPLES
.TP
\fBgblint check\fR
Check every deployment tree below the current folder.
.TP
\fBgblint check \-\-output\-format sarif \-\-output\-file gblint.sarif\fR
Write a SARIF log for code scanning; the summary stays on standard error.
.TP
\fBgblint check \-\-fix\fR
Apply safe fixes (\fB\-\-unsafe\fR for the others), keeping a backup of each changed file.
.TP
\fBgblint check \-\-statistics\fR
Count findings per rule.
.TP
\fBgblint fmt \-\-check\fR
Exit 1 when a Caddyfile, iptables file or Corefile is not formatted.
.TP
\fBgblint explain IPT001\fR
Print a rule's documentation.
"#;

/// `gblint man [COMMAND]`.
pub fn man(command: Option<&str>) -> anyhow::Result<ExitCode> {
    let mut out = Vec::new();
    let cli = Cli::command();
    match command {
        Some(name) => {
            let sub = cli
                .find_subcommand(name)
                .cloned()
                .ok_or_else(|| anyhow::anyhow!("no subcommand `{name}`"))?
                .name(leak(format!("gblint-{name}")))
                .bin_name(leak(format!("gblint {name}")));
            let page = clap_mangen::Man::new(sub);
            page.render(&mut out)?;
        }
        None => {
            let page = clap_mangen::Man::new(cli.clone());
            page.render_title(&mut out)?;
            page.render_name_section(&mut out)?;
            page.render_synopsis_section(&mut out)?;
            page.render_description_section(&mut out)?;
            page.render_subcommands_section(&mut out)?;
            // Each subcommand's synopsis and options, under its own heading.
            for sub in cli.get_subcommands() {
                let name = sub.get_name().to_owned();
                let sub = sub
                    .clone()
                    .name(leak(format!("gblint {name}")))
                    .bin_name(leak(format!("gblint {name}")));
                let page = clap_mangen::Man::new(sub.clone());
                writeln!(out, ".SH \"GBLINT {}\"", name.to_uppercase())?;
                if let Some(about) = sub.get_long_about().or(sub.get_about()) {
                    writeln!(out, "{}", roff_text(&about.to_string()))?;
                }
                let mut section = Vec::new();
                page.render_synopsis_section(&mut section)?;
                page.render_options_section(&mut section)?;
                let section = String::from_utf8_lossy(&section)
                    .replace(".SH SYNOPSIS", ".SS Synopsis")
                    .replace(".SH OPTIONS", ".SS Options");
                out.write_all(section.as_bytes())?;
            }
        }
    }
    out.write_all(EXTRA.as_bytes())?;
    if command.is_none() {
        clap_mangen::Man::new(Cli::command()).render_version_section(&mut out)?;
    }
    std::io::stdout().lock().write_all(&out)?;
    Ok(ExitCode::SUCCESS)
}

/// clap (built without its `string` feature) names commands and values with `&'static str`;
/// these few strings live until the process exits a moment later anyway.
fn leak(text: String) -> &'static str {
    Box::leak(text.into_boxed_str())
}

/// Plain text as a roff paragraph (backslashes and leading dots escaped).
fn roff_text(text: &str) -> String {
    text.lines()
        .map(|line| {
            let line = line.replace('\\', "\\e");
            if line.starts_with('.') || line.starts_with('\'') {
                format!("\\&{line}")
            } else {
                line
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// `gblint completions SHELL`: the completion script on standard output. The rule codes (and
/// prefixes, categories and `ALL`) complete `--select`, `--extend-select` and `--ignore`, and
/// codes and names complete `explain`; only the generated script knows them, the parser still
/// takes any value (prefixes, several codes separated by commas).
pub fn completions(shell: clap_complete::Shell) -> anyhow::Result<ExitCode> {
    let rules = gblint::rules();
    let mut selectors: Vec<String> = vec!["ALL".to_owned()];
    let mut prefixes: Vec<String> = rules
        .iter()
        .filter_map(|r| r.code.get(..3).map(str::to_owned))
        .collect();
    prefixes.sort();
    prefixes.dedup();
    selectors.extend(prefixes);
    selectors.extend(rules.iter().map(|r| r.code.to_owned()));
    selectors.extend(Category::ALL.iter().map(|c| c.as_str().to_owned()));
    let mut explain: Vec<String> = rules.iter().map(|r| r.code.to_owned()).collect();
    let mut names: Vec<String> = rules.iter().map(|r| r.name.to_owned()).collect();
    names.sort();
    names.dedup();
    explain.extend(names);
    let values = |list: &[String]| {
        PossibleValuesParser::new(list.iter().map(|v| leak(v.clone())).collect::<Vec<_>>())
    };
    let mut command = Cli::command()
        .mut_subcommand("check", |check| {
            check
                .mut_arg("select", |a| a.value_parser(values(&selectors)))
                .mut_arg("extend_select", |a| a.value_parser(values(&selectors)))
                .mut_arg("ignore", |a| a.value_parser(values(&selectors)))
        })
        .mut_subcommand("explain", |explain_cmd| {
            explain_cmd.mut_arg("code", |a| a.value_parser(values(&explain)))
        });
    clap_complete::generate(shell, &mut command, "gblint", &mut std::io::stdout().lock());
    Ok(ExitCode::SUCCESS)
}
