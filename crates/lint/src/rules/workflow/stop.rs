//! Whether an earlier command of a deploy job stops the program a later `scp` replaces
//! (WFL001). A stop counts when it names that program — by its file name, its path, or a
//! systemd unit known to run it — or when the rule cannot tell what it stops (a variable, a
//! script, `kill PID`): a false finding costs more than a missing one. A stop that names
//! something else (`systemctl stop nginx` before copying `botserver`) does not count.

use gblint_workflow::shell::Command;

use crate::context::Context;

/// The General Bots layout names the units of its two programs after the container role, not
/// the program: `system.service` runs `/opt/gbo/bin/botserver`, `ui.service` runs
/// `/opt/gbo/bin/botui` (the example deployment's units and the names the systemd rules
/// already treat as the bot server's). Used only when the checked tree does not carry the unit.
const GENERAL_BOTS_UNITS: &[(&str, &str)] = &[("system", "botserver"), ("ui", "botui")];

/// The longest process name the kernel keeps (`comm`, 15 bytes): what `pkill` without `-f`
/// and `killall` compare with.
const COMM_LEN: usize = 15;

/// What a stop command tells about the program a later copy replaces.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// It stops that program (or may: the rule cannot tell).
    Stops,
    /// It stops something else.
    Other,
    /// It stops nothing.
    NotAStop,
}

/// Whether `command` (run on `host`) stops the program at `path`.
pub fn verdict(ctx: &Context<'_>, host: &str, command: &Command, path: &str) -> Verdict {
    let name = path.rsplit('/').next().unwrap_or(path);
    let args: Vec<&str> = command.args().collect();
    if runs_a_script(command) || command.words.first().is_some_and(|w| dynamic(&w.text)) {
        // What a script (or a command held in a variable) stops is not in the workflow.
        return Verdict::Stops;
    }
    match command.program() {
        "systemctl" => {
            let Some(verb) = args.iter().position(|a| matches!(*a, "stop" | "kill")) else {
                return Verdict::NotAStop;
            };
            let units: Vec<&str> = args[verb + 1..]
                .iter()
                .copied()
                .filter(|a| !a.starts_with('-'))
                .collect();
            units_verdict(ctx, host, &units, path, name)
        }
        "service" if args.get(1) == Some(&"stop") => {
            units_verdict(ctx, host, &args[..1], path, name)
        }
        "supervisorctl" if args.first() == Some(&"stop") => {
            // supervisor's programs are named in its own configuration, which gblint does not
            // read: only the program's own name, or `all`, is known to stop it.
            let names = &args[1..];
            let covers =
                |n: &&str| *n == "all" || dynamic(n) || n.split(':').any(|part| part == name);
            if names.iter().any(covers) {
                Verdict::Stops
            } else {
                Verdict::Other
            }
        }
        // `kill PID`: which program a process id belongs to is not in the workflow.
        "kill" => Verdict::Stops,
        "pkill" => pkill_verdict(&args, path, name),
        "killall" => killall_verdict(&args, path, name),
        _ => Verdict::NotAStop,
    }
}

/// A script run as a command (`./stop.sh`, `/opt/gbo/bin/stop`, `sh deploy/stop.sh`): it may
/// stop anything.
pub fn runs_a_script(command: &Command) -> bool {
    let Some(first) = command.words.first() else {
        return false;
    };
    let word = first.text.as_str();
    let is_script = |w: &str| w.ends_with(".sh") || w.starts_with("./") || w.starts_with("../");
    if matches!(command.program(), "sh" | "bash" | "dash") {
        let args: Vec<&str> = command.args().collect();
        // `sh -c '…'` is read as its commands elsewhere; `sh FILE` runs a script.
        return !args.iter().any(|a| *a == "-c" || *a == "-lc")
            && args.iter().any(|a| !a.starts_with('-'));
    }
    is_script(word) || (word.contains('/') && !is_system_program(word))
}

/// A path under the usual program folders that is one of the commands this module reads
/// (`/usr/bin/systemctl stop …` is read as `systemctl`).
fn is_system_program(word: &str) -> bool {
    let program = word.rsplit('/').next().unwrap_or(word);
    matches!(
        program,
        "systemctl" | "service" | "supervisorctl" | "kill" | "pkill" | "killall"
    ) || (!(word.starts_with("/opt/") || word.starts_with("/home/") || word.starts_with("/srv/"))
        && ["/bin/", "/sbin/"].iter().any(|dir| word.contains(dir)))
}

/// A word the shell expands (or the forge replaces): its value is not in the workflow.
pub fn dynamic(word: &str) -> bool {
    word.contains('$') || word.contains('`')
}

/// `systemctl stop UNIT…` / `service UNIT stop`.
fn units_verdict(ctx: &Context<'_>, host: &str, units: &[&str], path: &str, name: &str) -> Verdict {
    if units.is_empty() {
        return Verdict::NotAStop;
    }
    let covers = |unit: &&str| -> bool {
        // A variable, or a glob systemctl expands against the host's loaded units.
        if dynamic(unit) || unit.contains(['*', '?', '[']) {
            return true;
        }
        let unit = unit.strip_suffix(".service").unwrap_or(unit);
        // `botserver@1` is an instance of the template `botserver@.service`.
        let base = unit.split_once('@').map_or(unit, |(base, _)| base);
        if base == name {
            return true;
        }
        let known = units_in_tree(ctx, host, unit);
        if !known.is_empty() {
            return known
                .iter()
                .any(|program| same_program(program, path, name));
        }
        GENERAL_BOTS_UNITS
            .iter()
            .any(|(unit_name, program)| *unit_name == base && *program == name)
    };
    if units.iter().any(covers) {
        Verdict::Stops
    } else {
        Verdict::Other
    }
}

/// The programs (`ExecStart=`'s first word) of the units named `unit` in the checked tree: on
/// the machine called `host` when the tree has it, else on any machine.
fn units_in_tree(ctx: &Context<'_>, host: &str, unit: &str) -> Vec<String> {
    let file_name = format!("{unit}.service");
    let deployment = &ctx.deployment;
    let named: Vec<&crate::deployment::UnitDoc> = deployment
        .units
        .iter()
        .filter(|doc| doc.name == file_name)
        .collect();
    let on_host: Vec<&crate::deployment::UnitDoc> = named
        .iter()
        .copied()
        .filter(|doc| {
            doc.machine
                .and_then(|m| deployment.machines.get(m.0))
                .is_some_and(|machine| machine.name.eq_ignore_ascii_case(host))
        })
        .collect();
    let chosen = if on_host.is_empty() { named } else { on_host };
    chosen
        .iter()
        .flat_map(|doc| doc.merged.values("Service", "ExecStart"))
        .filter_map(|value| {
            // systemd's prefixes (`-`, `@`, `:`, `+`, `!`) come before the path.
            let first = value.value.split_whitespace().next()?;
            Some(
                first
                    .trim_start_matches(['-', '@', ':', '+', '!'])
                    .to_owned(),
            )
        })
        .collect()
}

/// Whether a unit's program is the file being replaced.
fn same_program(program: &str, path: &str, name: &str) -> bool {
    program == path || program.rsplit('/').next() == Some(name)
}

/// `pkill [-f] [-x] PATTERN`: an extended regular expression matched against the process
/// name (`comm`), or with `-f` the whole command line.
fn pkill_verdict(args: &[&str], path: &str, name: &str) -> Verdict {
    // pkill's options that take a value.
    const VALUED: &[&str] = &[
        "-g",
        "-G",
        "-P",
        "-s",
        "-t",
        "-u",
        "-U",
        "-F",
        "--signal",
        "--pgroup",
        "--group",
        "--parent",
        "--session",
        "--terminal",
        "--euid",
        "--uid",
        "--pidfile",
        "--ns",
        "--nslist",
    ];
    let mut full = false;
    let mut exact = false;
    let mut pattern = None;
    let mut index = 0;
    while index < args.len() {
        let arg = args[index];
        if VALUED.contains(&arg) {
            index += 2;
            continue;
        }
        if arg == "--full" {
            full = true;
        } else if arg == "--exact" {
            exact = true;
        } else if arg.starts_with("--") {
        } else if let Some(letters) = arg.strip_prefix('-').filter(|l| !l.is_empty()) {
            // `-9` and `-SIGTERM` are signals; `-fx` are flags.
            if letters.chars().all(|c| c.is_ascii_lowercase() || c == 'x') {
                full |= letters.contains('f');
                exact |= letters.contains('x');
            }
        } else {
            pattern = Some(arg);
            break;
        }
        index += 1;
    }
    let Some(pattern) = pattern else {
        return Verdict::NotAStop;
    };
    if dynamic(pattern) {
        return Verdict::Stops;
    }
    let comm = truncate(name, COMM_LEN);
    // The command line starts with the path the program was started by, or its name.
    let subjects: Vec<&str> = if full { vec![path, name] } else { vec![comm] };
    match simple_regex_matches(pattern, &subjects, exact) {
        Some(true) | None => Verdict::Stops,
        Some(false) => Verdict::Other,
    }
}

/// `killall [-r] NAME…`: a name matches the process name exactly (a name with a `/` names
/// the program file); with `-r` it is a regular expression.
fn killall_verdict(args: &[&str], path: &str, name: &str) -> Verdict {
    const VALUED: &[&str] = &[
        "-s",
        "--signal",
        "-u",
        "--user",
        "-o",
        "--older-than",
        "-y",
        "--younger-than",
        "-n",
        "--ns",
        "-Z",
        "--context",
    ];
    let mut regex = false;
    let mut names = Vec::new();
    let mut index = 0;
    while index < args.len() {
        let arg = args[index];
        if VALUED.contains(&arg) {
            index += 2;
            continue;
        }
        if arg == "--regexp" {
            regex = true;
        } else if arg.starts_with("--") {
        } else if let Some(letters) = arg.strip_prefix('-').filter(|l| !l.is_empty()) {
            regex |= letters.chars().all(|c| c.is_ascii_alphabetic()) && letters.contains('r');
        } else {
            names.push(arg);
        }
        index += 1;
    }
    if names.is_empty() {
        return Verdict::NotAStop;
    }
    let covers = |candidate: &&str| {
        if dynamic(candidate) {
            return true;
        }
        if regex {
            return simple_regex_matches(candidate, &[name], false) != Some(false);
        }
        *candidate == name || *candidate == path || *candidate == truncate(name, COMM_LEN)
    };
    if names.iter().any(covers) {
        Verdict::Stops
    } else {
        Verdict::Other
    }
}

/// The first `len` bytes of `name` (on a character boundary).
fn truncate(name: &str, len: usize) -> &str {
    let mut end = name.len().min(len);
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    &name[..end]
}

/// Whether an extended regular expression matches one of `subjects` (anywhere, or the whole
/// subject when `exact`), for the patterns a deploy script writes: literal text, `.`, and `^`
/// and `$` at the ends. `None` for anything else: the rule cannot tell.
fn simple_regex_matches(pattern: &str, subjects: &[&str], exact: bool) -> Option<bool> {
    let (anchored_start, rest) = match pattern.strip_prefix('^') {
        Some(rest) => (true, rest),
        None => (exact, pattern),
    };
    let (anchored_end, body) = match rest.strip_suffix('$') {
        Some(body) => (true, body),
        None => (exact, rest),
    };
    if body.contains([
        '\\', '*', '+', '?', '(', ')', '[', ']', '{', '}', '|', '^', '$',
    ]) {
        return None;
    }
    let body: Vec<char> = body.chars().collect();
    let matches_at = |subject: &[char], at: usize| -> bool {
        at + body.len() <= subject.len()
            && body
                .iter()
                .zip(&subject[at..])
                .all(|(p, s)| *p == '.' || p == s)
    };
    Some(subjects.iter().any(|subject| {
        let subject: Vec<char> = subject.chars().collect();
        if body.len() > subject.len() {
            return false;
        }
        let last = subject.len() - body.len();
        let starts: Vec<usize> = if anchored_start {
            vec![0]
        } else {
            (0..=last).collect()
        };
        starts
            .into_iter()
            .filter(|at| !anchored_end || *at == last)
            .any(|at| matches_at(&subject, at))
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simple_patterns() {
        // (pattern, whole name only, expected)
        for (pattern, exact, expected) in [
            ("botserver", false, Some(true)),
            ("bot", false, Some(true)),
            ("bot", true, Some(false)),
            ("^bots.rver$", false, Some(true)),
            ("server$", false, Some(true)),
            ("^server", false, Some(false)),
            ("nginx", false, Some(false)),
            ("bot(server)?", false, None),
        ] {
            assert_eq!(
                simple_regex_matches(pattern, &["botserver"], exact),
                expected,
                "{pattern} (exact: {exact})"
            );
        }
    }

    fn command(text: &str) -> Command {
        gblint_workflow::shell::commands(text).remove(0)
    }

    #[test]
    fn pkill_and_killall() {
        let path = "/opt/gbo/bin/botserver";
        let pkill = |text: &str| {
            let c = command(text);
            pkill_verdict(&c.args().collect::<Vec<_>>(), path, "botserver")
        };
        assert_eq!(pkill("pkill -f botserver"), Verdict::Stops);
        assert_eq!(pkill("pkill -9 -f /opt/gbo/bin/botserver"), Verdict::Stops);
        assert_eq!(pkill("pkill -x botserver"), Verdict::Stops);
        assert_eq!(pkill("pkill /opt/gbo/bin/botserver"), Verdict::Other);
        assert_eq!(pkill("pkill -u gbuser caddy"), Verdict::Other);
        assert_eq!(pkill("pkill -f \"$BIN\""), Verdict::Stops);
        assert_eq!(pkill("pkill -f 'bot(server|ui)'"), Verdict::Stops);
        let killall = |text: &str| {
            let c = command(text);
            killall_verdict(&c.args().collect::<Vec<_>>(), path, "botserver")
        };
        assert_eq!(killall("killall botserver"), Verdict::Stops);
        assert_eq!(killall("killall -w /opt/gbo/bin/botserver"), Verdict::Stops);
        assert_eq!(killall("killall -s KILL nginx"), Verdict::Other);
        assert_eq!(killall("killall -r '^bot'"), Verdict::Stops);
    }

    #[test]
    fn scripts() {
        assert!(runs_a_script(&command("./deploy/stop.sh")));
        assert!(runs_a_script(&command("bash scripts/stop")));
        assert!(runs_a_script(&command("/opt/gbo/bin/stop-all")));
        assert!(!runs_a_script(&command("/usr/bin/systemctl stop x")));
        assert!(!runs_a_script(&command("bash -c 'systemctl stop x'")));
        assert!(!runs_a_script(&command("scp a b:c")));
    }
}
