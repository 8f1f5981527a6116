//! Command-line arguments.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Lint and check the configuration of a General Bots Cloud tenant (Caddy, CoreDNS,
/// iptables, fail2ban, systemd) — one file at a time and across the whole deployment.
#[derive(Debug, Parser)]
#[command(name = "gblint", version, about, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check files, folders or a deployment tree (default: the current folder).
    Check(CheckArgs),
    /// List every rule with its code, name, default severity and fix availability.
    Rules(RulesArgs),
    /// Print a rule's documentation.
    Explain(ExplainArgs),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Source snippets with labels, notes and help.
    Human,
    /// One line per finding: path:line:col: CODE message.
    Concise,
    /// A JSON array of findings.
    Json,
    /// SARIF 2.1.0 (GitHub code scanning, GitLab, Azure DevOps).
    Sarif,
    /// GitHub Actions workflow commands (annotations on the pull request).
    Github,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// Fail only on errors.
    Error,
    /// Fail on warnings and errors.
    Warning,
    /// Fail on any finding.
    Info,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files, folders or deployment trees; `-` reads standard input.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// How to print findings.
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub output_format: OutputFormat,
    /// Run only these rules (codes or prefixes, comma-separated; `ALL` for every rule).
    #[arg(long, value_delimiter = ',', value_name = "CODES")]
    pub select: Option<Vec<String>>,
    /// Run these rules in addition to the selection.
    #[arg(long, value_delimiter = ',', value_name = "CODES")]
    pub extend_select: Vec<String>,
    /// Do not run these rules.
    #[arg(long, value_delimiter = ',', value_name = "CODES")]
    pub ignore: Vec<String>,
    /// Lowest severity that makes the exit code 1.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,
    /// Configuration file (default: the nearest gblint.toml at or above the first path).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Treat the named files as this format instead of guessing from their names.
    #[arg(long, value_name = "FORMAT", value_parser = ["caddyfile", "corefile", "zone", "iptables", "fail2ban", "systemd", "ufw"])]
    pub format: Option<String>,
    /// Name to report standard input under (its folder is where imports resolve).
    #[arg(long, value_name = "PATH")]
    pub stdin_filename: Option<PathBuf>,
    /// Ignore every `# gblint: ignore[…]` comment.
    #[arg(long)]
    pub no_inline_ignores: bool,
    /// Never use colour (also: the NO_COLOR environment variable).
    #[arg(long)]
    pub no_color: bool,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Print the table as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// A rule code, e.g. CDY001 (or its name, e.g. storage-not-configured).
    pub code: String,
}
