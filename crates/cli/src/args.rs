//! Command-line arguments.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Lint and check the configuration of a General Bots Cloud tenant (Caddy, CoreDNS,
/// iptables, fail2ban, systemd) — one file at a time and across the whole deployment.
/// What `gblint --version` prints after the name: version, commit and target (crates/cli/build.rs).
const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (",
    env!("GBLINT_COMMIT"),
    ") ",
    env!("GBLINT_TARGET")
);

#[derive(Debug, Parser)]
#[command(name = "gblint", version = VERSION, about, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check files, folders or a deployment tree (default: the current folder).
    Check(CheckArgs),
    /// Format Caddyfiles exactly as `caddy fmt` does, iptables rules in iptables-save form, and
    /// Corefiles (the file's indentation unit, blank lines tidied, tokens unchanged).
    Fmt(FmtArgs),
    /// Record the deployment's facts (site hosts per Caddyfile) in gblint.baseline.json.
    Baseline(BaselineArgs),
    /// Generate a tenant's deployment tree from a TOML inventory (self-checked before writing).
    Render(RenderArgs),
    /// List every rule with its code, name, default severity and fix availability.
    Rules(RulesArgs),
    /// Print a rule's documentation.
    Explain(ExplainArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions(CompletionsArgs),
    /// Print the man page (roff) to standard output: every subcommand on one page, or one
    /// subcommand's page (`gblint man check`).
    Man(ManArgs),
    /// Run the language server (LSP over standard input and output) for editors.
    Server,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Only this subcommand's page.
    #[arg(value_parser = ["check", "fmt", "baseline", "render", "rules", "explain", "completions", "server"])]
    pub command: Option<String>,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Source snippets with labels, notes and help.
    Human,
    /// One line per finding: path:line:col: CODE message.
    Concise,
    /// A JSON array of findings (the shape it always had; json-report describes the whole run).
    Json,
    /// A JSON object: the findings, every deployment checked with its configuration file and
    /// files, and the files not checked.
    JsonReport,
    /// SARIF 2.1.0 (GitHub code scanning, GitLab, Azure DevOps).
    Sarif,
    /// GitHub Actions workflow commands (annotations on the pull request).
    Github,
    /// GitLab Code Quality report (merge request widget).
    Gitlab,
    /// JUnit XML (one test case per finding; clean files pass).
    Junit,
}

/// `--color`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour a terminal, unless NO_COLOR is set; FORCE_COLOR / CLICOLOR_FORCE force it.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
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
    /// Files, folders or deployment trees; `-` reads standard input. Every deployment tree
    /// below a folder is checked as a deployment, with its nearest gblint.toml.
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
    /// Configuration file for every file and deployment (default: each deployment's nearest
    /// gblint.toml; for other files the nearest at or above the first path).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// List each deployment and the files it checks (and those it does not), then exit.
    #[arg(long, conflicts_with_all = ["fix", "diff", "show_settings"])]
    pub show_files: bool,
    /// Print the settings each deployment uses and the configuration file they come from,
    /// then exit.
    #[arg(long, conflicts_with_all = ["fix", "diff"])]
    pub show_settings: bool,
    /// Treat the named files as this kind of file instead of guessing from their names
    /// (`--format` is the older spelling).
    #[arg(long, alias = "format", value_name = "KIND", value_parser = ["caddyfile", "corefile", "zone", "iptables", "fail2ban", "systemd", "ufw", "crontab", "ssh-config", "workflow", "lxd"])]
    pub kind: Option<String>,
    /// Name to report standard input under (its folder is where imports resolve).
    #[arg(long, value_name = "PATH")]
    pub stdin_filename: Option<PathBuf>,
    /// Ignore every `# gblint: ignore[…]` comment.
    #[arg(long)]
    pub no_inline_ignores: bool,
    /// Largest file gblint reads, in bytes (default 16 MiB; also `[limits] max-file-bytes`).
    #[arg(long, value_name = "BYTES", value_parser = clap::value_parser!(u64).range(1..))]
    pub max_file_bytes: Option<u64>,
    /// How many deployment trees to check at once (default: one per core; `1`: one after
    /// another on one thread; with a single deployment, how many of its rules run at once),
    /// with `--fix` and `--diff` too; the output is the same whatever the number.
    /// `--show-settings` prints the number used.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub threads: Option<u16>,
    /// When to colour human output: `auto` colours a terminal unless NO_COLOR is set (non-empty);
    /// FORCE_COLOR or CLICOLOR_FORCE (non-empty, not `0`) colour a pipe too.
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Same as `--color never`.
    #[arg(long, hide = true)]
    pub no_color: bool,
    /// Write the findings to FILE instead of standard output (the summary stays on standard
    /// error).
    #[arg(long, value_name = "FILE")]
    pub output_file: Option<PathBuf>,
    /// Exit 0 even when findings reach `--fail-on` (2 still means gblint could not run).
    #[arg(long)]
    pub exit_zero: bool,
    /// Print how many findings each rule has (and whether `--fix` repairs them) instead of the
    /// findings.
    #[arg(long, conflicts_with_all = ["fix", "diff"])]
    pub statistics: bool,
    /// Print only the findings: no summary line.
    #[arg(short, long)]
    pub quiet: bool,
    /// Apply safe fixes, writing each changed file atomically (keeping `<file>.bak-YYYYMMDDHHMM`).
    #[arg(long)]
    pub fix: bool,
    /// With --fix: keep no `<file>.bak-YYYYMMDDHHMM` copy of a fixed file (git keeps the old
    /// text); also `[write] backup = false` in gblint.toml.
    #[arg(long, requires = "fix")]
    pub no_backup: bool,
    /// With --fix or --diff: apply unsafe fixes too.
    #[arg(long = "unsafe")]
    pub unsafe_fixes: bool,
    /// Show the fixes as a unified diff instead of writing them (exit 1 when there are any).
    #[arg(long)]
    pub diff: bool,
    /// Baseline file for CDY010 (default: the nearest gblint.baseline.json, or `[baseline] file`).
    #[arg(long, value_name = "FILE", conflicts_with = "baseline_ref")]
    pub baseline: Option<PathBuf>,
    /// Compare against the same files at this git revision instead of a baseline file.
    #[arg(long, value_name = "GITREF")]
    pub baseline_ref: Option<String>,
}

#[derive(Debug, Args)]
pub struct FmtArgs {
    /// Caddyfiles, iptables rules, folders or deployment trees; `-` formats standard input to
    /// standard output.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Write nothing; exit 1 and name the first differing line of each unformatted file.
    #[arg(long, conflicts_with = "diff")]
    pub check: bool,
    /// Write nothing; print a unified diff of what would change (exit 1 when anything would).
    #[arg(long)]
    pub diff: bool,
    /// Keep no `<file>.bak-YYYYMMDDHHMM` copy of a rewritten file (for files under version
    /// control, as in the `gblint-fmt` pre-commit hook, where git already has the old text);
    /// also `[write] backup = false` in gblint.toml.
    #[arg(long, conflicts_with_all = ["check", "diff"])]
    pub no_backup: bool,
    /// Configuration file (default: the nearest gblint.toml at or above the first path).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Treat the named files as this kind of file whatever their names (`--format` is the
    /// older spelling).
    #[arg(long, alias = "format", value_name = "KIND", value_parser = ["caddyfile", "iptables", "corefile"])]
    pub kind: Option<String>,
    /// iptables rules: print the full iptables-save form (rules regrouped chain by chain,
    /// `-I`/`-D` resolved, comments dropped) instead of normalising each line in place.
    #[arg(long)]
    pub canonical: bool,
    /// Name to report standard input under.
    #[arg(long, value_name = "PATH")]
    pub stdin_filename: Option<PathBuf>,
    /// Largest file gblint reads, in bytes (default 16 MiB; also `[limits] max-file-bytes`).
    #[arg(long, value_name = "BYTES", value_parser = clap::value_parser!(u64).range(1..))]
    pub max_file_bytes: Option<u64>,
}

#[derive(Debug, Args)]
pub struct BaselineArgs {
    /// The deployment or folder to record.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Where to write (default: `[baseline] file`, else DIR/gblint.baseline.json).
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Configuration file (default: the nearest gblint.toml at or above DIR).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct RenderArgs {
    /// The tenant inventory (TOML; schema in docs/inventory.schema.json).
    #[arg(long, value_name = "FILE")]
    pub inventory: PathBuf,
    /// The deployment tree to write (created when missing); with `--code-repo`, the code
    /// repository.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Write nothing; print a unified diff of what would change (exit 1 when anything would).
    #[arg(long, conflicts_with = "check")]
    pub diff: bool,
    /// Write nothing; exit 1 when the tree is out of date.
    #[arg(long)]
    pub check: bool,
    /// Write a Caddyfile even when it serves fewer site hosts than the one it replaces.
    #[arg(long)]
    pub allow_shrink: bool,
    /// Remove the files an earlier render wrote (listed in `--out/.rendered-by-gblint`) that this
    /// inventory no longer produces; without it they are listed and kept.
    #[arg(long, conflicts_with_all = ["check", "diff"])]
    pub prune: bool,
    /// Keep no `<file>.bak-YYYYMMDDHHMM` copy of a replaced or pruned file (git keeps the
    /// old text); also `[write] backup = false` in the gblint.toml governing `--out`.
    #[arg(long, conflicts_with_all = ["check", "diff"])]
    pub no_backup: bool,
    /// Folder of templates replacing the embedded ones (same relative names, `*.j2`).
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// Render the deploy workflow of the inventory's `[code_repos.NAME]` into `--out` (the
    /// code repository) instead of the deployment tree.
    #[arg(long, value_name = "NAME")]
    pub code_repo: Option<String>,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// How to print the rules: a text table, or JSON (code, name, category, severity, …).
    #[arg(long, value_enum, default_value_t = RulesFormat::Text)]
    pub output_format: RulesFormat,
    /// Same as `--output-format json`.
    #[arg(long, conflicts_with = "output_format")]
    pub json: bool,
}

/// Output formats of `gblint rules`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    /// An aligned table, one rule a line.
    Text,
    /// A JSON array of rule objects.
    Json,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// A rule code, e.g. CDY001 (or its name, e.g. storage-not-configured).
    pub code: String,
}
