//! Workflow rules (`WFL`): what a deploy job does to the machines it deploys to. The
//! commands of each step's `run:` script are read as simple commands (see
//! `gblint_workflow::shell`); expansions are compared as written.

/// WFL002: a deploy that writes into another container's disk mount.
pub mod deploy_through_container_mount;
/// WFL001: a copy over a program that is still running.
pub mod overwrites_running_program;
/// Which earlier commands stop the program a copy replaces (WFL001).
pub mod stop;
/// WFL000: workflow YAML that does not load.
pub mod syntax_error;

use gblint_diagnostics::{FileId, SourceMap, TextRange};
use gblint_workflow::shell::{commands, Command};
use gblint_workflow::{Job, Run};

/// A command of a step's script, with where it is in the workflow file.
pub struct Located {
    /// The command.
    pub command: Command,
    /// Its line in the file (from its first word to the end of that script line), or the
    /// whole `run:` value when it cannot be found there.
    pub range: TextRange,
}

/// Every command of a job, in order.
pub fn job_commands(job: &Job, file: FileId, sources: &SourceMap) -> Vec<Located> {
    let text = sources.get(file).text();
    let mut out = Vec::new();
    for step in &job.steps {
        let Some(run) = &step.run else { continue };
        out.extend(run_commands(run, text));
    }
    out
}

/// The commands of one script, placed in `text` (the file).
fn run_commands(run: &Run, text: &str) -> Vec<Located> {
    let span = run.range.as_range();
    let mut cursor = span.start;
    commands(&run.script)
        .into_iter()
        .map(|command| {
            let line_end = run.script[command.offset..]
                .find('\n')
                .map_or(run.script.len(), |i| command.offset + i);
            let line = run.script[command.offset..line_end].trim_end();
            // A block scalar's lines appear in the file verbatim (indented); a folded or
            // quoted one may not, and then the whole value is reported.
            let found = text
                .get(cursor..span.end)
                .and_then(|window| window.find(line))
                .filter(|_| !line.is_empty());
            let range = match found {
                Some(at) => {
                    let start = cursor + at;
                    cursor = start + line.len();
                    TextRange::from_usize(start, start + line.len())
                }
                None => run.range,
            };
            Located { command, range }
        })
        .collect()
}

/// A host as ssh, scp and lxc name it: without `user@` and without an lxc remote (`bot:`).
pub fn host_key(host: &str) -> String {
    let host = host.rsplit('@').next().unwrap_or(host);
    let host = host.rsplit(':').next().unwrap_or(host);
    // Host names are case-insensitive; a `${{ … }}` expression is kept as written.
    if host.contains("${{") {
        host.to_owned()
    } else {
        host.to_ascii_lowercase()
    }
}

/// The commands a command runs on another host: `ssh [options] HOST command…` and
/// `lxc|incus exec [REMOTE:]NAME [options] -- command…`, with the host.
pub fn remote_commands(command: &Command) -> Option<(String, Vec<Command>)> {
    let words: Vec<&str> = command.args().collect();
    match command.program() {
        "ssh" => {
            // ssh's options that take a value.
            const VALUED: &str = "BbcDEeFIiJLlmOoPpQRSWw";
            let mut index = 0;
            while index < words.len() && words[index].starts_with('-') {
                let option = words[index];
                let letter = option.chars().nth(1).unwrap_or('-');
                if option.len() == 2 && VALUED.contains(letter) {
                    index += 1;
                }
                index += 1;
            }
            let host = words.get(index)?;
            let remote = words[index + 1..].join(" ");
            Some((host_key(host), commands(&remote)))
        }
        "lxc" | "incus" if words.first() == Some(&"exec") => {
            let name = words.get(1)?;
            let dashes = words.iter().position(|w| *w == "--")?;
            let remote = words[dashes + 1..].join(" ");
            // `sh -c '…'` was joined into one word above and is split again here.
            Some((host_key(name), commands(&remote)))
        }
        _ => None,
    }
}

/// Commands inside `sh -c '…'`/`bash -c '…'`, or the command itself.
pub fn flatten(command: &Command) -> Vec<Command> {
    if matches!(command.program(), "sh" | "bash" | "dash") {
        let words: Vec<&str> = command.args().collect();
        if let Some(index) = words.iter().position(|w| *w == "-c" || *w == "-lc") {
            if let Some(script) = words.get(index + 1) {
                return commands(script);
            }
        }
    }
    vec![command.clone()]
}

/// The operands of a command: its words after the program that are not options (and not the
/// values of the options listed in `valued`).
pub fn operands<'a>(command: &'a Command, valued: &str) -> Vec<&'a str> {
    let words: Vec<&str> = command.args().collect();
    let mut out = Vec::new();
    let mut index = 0;
    let mut options_done = false;
    while index < words.len() {
        let word = words[index];
        if !options_done && word == "--" {
            options_done = true;
        } else if !options_done && word.starts_with('-') && word.len() > 1 {
            let letter = word.chars().nth(1).unwrap_or('-');
            if word.len() == 2 && valued.contains(letter) {
                index += 1;
            }
        } else {
            out.push(word);
        }
        index += 1;
    }
    out
}
