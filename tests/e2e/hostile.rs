//! Hostile input (docs/design.md §7, Reliability): gblint reports, it never panics, hangs, exhausts memory or calls
//! a broken file clean. Every case runs gblint under an address-space limit (`ulimit -v`) and
//! a wall-clock limit, so a regression shows up as a failed case, not a stuck or killed suite.
//! Each run's exit code, standard output and standard error are snapshotted
//! (`snapshots/e2e__hostile__*.snap`, the arguments in the header and what the run was given
//! in its description); the limits, and what a snapshot cannot show, are asserted.

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use gblint_tests::gblint_binary;

use crate::snap::RunInfo;

/// Snapshot a [`Limited`] run (`description = …` says what it was given).
macro_rules! assert_limited_snapshot {
    ($run:expr $(, $key:ident = $value:expr)* $(,)?) => {{
        let run: &Limited = &$run;
        crate::assert_output_snapshot!(run.dir.path(), run.info, &run.output $(, $key = $value)*);
    }};
}

/// Address space each run may map: generous for a debug build, far below what a runaway
/// parse of the inputs below would take.
const MEMORY_LIMIT_KIB: u64 = 2 * 1024 * 1024;
/// Wall-clock limit per run (debug build, 2-core CI machine).
const TIME_LIMIT: Duration = Duration::from_secs(30);

/// Runs gblint in `dir` under [`MEMORY_LIMIT_KIB`] and [`TIME_LIMIT`]; kills it and fails the
/// test when the time runs out. `as_nobody` drops root (for unreadable files).
fn run_limited(dir: &Path, args: &[&str], stdin: Option<Vec<u8>>, as_nobody: bool) -> Output {
    run_within(MEMORY_LIMIT_KIB, dir, args, stdin, as_nobody)
}

/// [`run_limited`] with an address-space limit of `memory_kib` KiB.
fn run_within(
    memory_kib: u64,
    dir: &Path,
    args: &[&str],
    stdin: Option<Vec<u8>>,
    as_nobody: bool,
) -> Output {
    let mut command = Command::new("sh");
    let mut script = format!("ulimit -v {memory_kib} || exit 125; exec \"$@\"");
    if as_nobody {
        script = format!(
            "ulimit -v {memory_kib} || exit 125; exec setpriv --reuid=65534 --regid=65534 --clear-groups \"$@\""
        );
    }
    command
        .arg("-c")
        .arg(script)
        .arg("sh")
        .arg(gblint_binary())
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("RUST_BACKTRACE")
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let started = Instant::now();
    let mut child = command.spawn().expect("sh starts");
    let writer = stdin.map(|bytes| {
        let mut pipe = child.stdin.take().expect("stdin");
        // gblint may stop reading early (a size limit): a broken pipe is expected then.
        std::thread::spawn(move || {
            let _ = pipe.write_all(&bytes);
        })
    });
    let mut stdout = child.stdout.take().expect("stdout");
    let mut stderr = child.stderr.take().expect("stderr");
    let out_reader = std::thread::spawn(move || {
        let mut buffer = Vec::new();
        let _ = stdout.read_to_end(&mut buffer);
        buffer
    });
    let err_reader = std::thread::spawn(move || {
        let mut buffer = Vec::new();
        let _ = stderr.read_to_end(&mut buffer);
        buffer
    });
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > TIME_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("gblint {args:?} ran longer than {TIME_LIMIT:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    if let Some(writer) = writer {
        writer.join().expect("stdin writer");
    }
    let output = Output {
        status,
        stdout: out_reader.join().expect("stdout reader"),
        stderr: err_reader.join().expect("stderr reader"),
    };
    let stderr_text = String::from_utf8_lossy(&output.stderr);
    assert_ne!(
        output.status.code(),
        Some(125),
        "ulimit failed: {stderr_text}"
    );
    assert!(
        !stderr_text.contains("panicked") && !stderr_text.contains("memory allocation"),
        "gblint {args:?}: {stderr_text}"
    );
    assert!(
        output.status.code().is_some(),
        "gblint {args:?} was killed by a signal (memory limit?): {stderr_text}"
    );
    output
}

/// Stdout and stderr together.
fn text_of(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// A [`run_limited`] run in its own folder, with its snapshot header.
struct Limited {
    dir: tempfile::TempDir,
    info: RunInfo,
    output: Output,
}

/// Runs `gblint check` on `name` holding `bytes`, in a folder of its own.
fn check_bytes(name: &str, bytes: &[u8], extra: &[&str]) -> Limited {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join(name);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(&path, bytes).expect("write");
    let mut args = vec!["check", name, "--output-format", "concise"];
    args.extend_from_slice(extra);
    let output = run_limited(dir.path(), &args, None, false);
    Limited {
        info: RunInfo::gblint(&args),
        dir,
        output,
    }
}

/// [`run_limited`] in `dir` (not kept), for a snapshot under the path filters of `dir`.
fn limited_in(dir: &Path, args: &[&str], as_nobody: bool) -> (RunInfo, Output) {
    (
        RunInfo::gblint(args),
        run_limited(dir, args, None, as_nobody),
    )
}

/// One file of each format, with `{}` where the hostile bytes go, and its syntax-error code.
const FORMATS: &[(&str, &str, &str)] = &[
    (
        "Caddyfile",
        "example.com {\n\trespond \"{}\"\n}\n",
        "CDY000",
    ),
    ("Corefile", ".:53 {\n\twhoami {}\n}\n", "DNS000"),
    (
        "rules.v4",
        "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -m comment --comment \"{}\" -j ACCEPT\nCOMMIT\n",
        "IPT000",
    ),
    (
        "etc/fail2ban/jail.local",
        "[sshd]\nenabled = false\nport = {}\n",
        "F2B000",
    ),
    ("gb.service", "[Service]\nExecStart=/bin/{}\n", "SYD000"),
];

fn fill(template: &str, hole: &[u8]) -> Vec<u8> {
    let (before, after) = template.split_once("{}").expect("template hole");
    [before.as_bytes(), hole, after.as_bytes()].concat()
}

/// CDY000 at line 2, column 11, naming UTF-8.
#[test]
fn invalid_utf8_is_a_diagnostic() {
    let run = check_bytes(
        "Caddyfile",
        b"example.com {\n\trespond \"\xff\xfe\"\n}\n",
        &[],
    );
    assert_limited_snapshot!(run, description = "respond \"\\xff\\xfe\" on line 2");
}

/// CDY000 at line 2, column 10.
#[test]
fn nul_bytes_are_a_diagnostic() {
    let run = check_bytes("Caddyfile", b"example.com {\n\trespond \0hi\n}\n", &[]);
    assert_limited_snapshot!(run, description = "respond \\0hi on line 2");
}

#[test]
fn ten_thousand_nested_braces() {
    let mut text = String::from("{\n\tstorage file_system /data\n}\nexample.com {\n");
    for _ in 0..10_000 {
        text.push_str("handle {\n");
    }
    for _ in 0..10_001 {
        text.push_str("}\n");
    }
    let run = check_bytes("Caddyfile", text.as_bytes(), &[]);
    assert_limited_snapshot!(run, description = "10,000 nested `handle {` blocks");
    // One `}` too many: still reported (CDY000), not crashed. (One too few is accepted by
    // Caddy when the file ends in `}`, so gblint accepts it too.)
    text.push_str("}\n");
    let run = check_bytes("Caddyfile", text.as_bytes(), &[]);
    assert_limited_snapshot!(
        run,
        description = "10,000 nested `handle {` blocks, one `}` too many"
    );
}

/// CDY000 "a cycle of imports exists between", for files and for snippets.
#[test]
fn import_cycles_are_reported() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("Caddyfile"),
        "{\n\tstorage file_system /data\n}\nimport a.caddy\n",
    )
    .expect("write");
    std::fs::write(dir.path().join("a.caddy"), "import b.caddy\n").expect("write");
    std::fs::write(
        dir.path().join("b.caddy"),
        "import a.caddy\nexample.com {\n}\n",
    )
    .expect("write");
    let (info, output) = limited_in(
        dir.path(),
        &["check", "Caddyfile", "--output-format", "concise"],
        false,
    );
    crate::assert_output_snapshot!(
        dir.path(),
        info,
        &output,
        description = "Caddyfile imports a.caddy, a.caddy b.caddy, b.caddy a.caddy"
    );
    // Snippets importing each other, too.
    let run = check_bytes(
        "Caddyfile",
        b"(a) {\n\timport b\n}\n(b) {\n\timport a\n}\nexample.com {\n\timport a\n}\n",
        &[],
    );
    assert_limited_snapshot!(run, description = "snippets a and b import each other");
}

/// A 1 MiB argument is checked (exit 0 with only CDY000 selected); a 1 MiB unterminated quote
/// is a diagnostic.
#[test]
fn a_one_megabyte_line() {
    let mut text = String::from("example.com {\n\trespond ");
    text.push_str(&"x".repeat(1 << 20));
    text.push_str("\n}\n");
    let run = check_bytes("Caddyfile", text.as_bytes(), &["--select", "CDY000"]);
    assert_limited_snapshot!(
        run,
        filters = LONG_RUNS,
        description = "respond followed by 1 MiB of x"
    );
    let mut quoted = String::from("example.com {\n\trespond \"");
    quoted.push_str(&"y".repeat(1 << 20));
    let run = check_bytes("Caddyfile", quoted.as_bytes(), &[]);
    assert_limited_snapshot!(
        run,
        filters = LONG_RUNS,
        description = "respond followed by a quote and 1 MiB of y, never closed"
    );
}

/// A folder is walked (it is empty), so nothing is checked and nothing is called clean.
#[test]
fn a_directory_named_like_a_config_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(dir.path().join("Caddyfile")).expect("mkdir");
    let (info, output) = limited_in(dir.path(), &["check", "Caddyfile"], false);
    crate::assert_output_snapshot!(
        dir.path(),
        info,
        &output,
        description = "Caddyfile is an empty folder"
    );
}

#[test]
fn symlink_loops_and_links_out_of_the_tree_are_not_followed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let machine = dir.path().join("acme-proxy/etc/caddy");
    std::fs::create_dir_all(&machine).expect("mkdir");
    std::fs::write(
        machine.join("Caddyfile"),
        "{\n\tstorage file_system /data\n}\n\nexample.com {\n\trespond hi\n}\n",
    )
    .expect("write");
    // A loop (a -> b -> a), a folder link back up the tree, and a link to a file outside.
    std::os::unix::fs::symlink("b", machine.join("a")).expect("symlink");
    std::os::unix::fs::symlink("a", machine.join("b")).expect("symlink");
    std::os::unix::fs::symlink("../..", machine.join("up")).expect("symlink");
    let outside = tempfile::tempdir().expect("tempdir");
    std::fs::write(outside.path().join("Caddyfile"), "x.example.com {\n}\n").expect("write");
    std::os::unix::fs::symlink(
        outside.path().join("Caddyfile"),
        dir.path().join("acme-proxy/etc/outside.caddyfile"),
    )
    .expect("symlink");
    let (info, output) = limited_in(
        dir.path(),
        &["check", ".", "--output-format", "concise"],
        false,
    );
    let outside = outside_filters(outside.path());
    crate::assert_output_snapshot!(
        dir.path(),
        info,
        &output,
        filters = &outside.iter().map(|(p, r)| (p.as_str(), r.as_str())).collect::<Vec<_>>(),
        description = "a valid Caddyfile beside links a -> b -> a, up -> ../.., and outside.caddyfile -> [OUTSIDE]/Caddyfile"
    );
}

/// Filters showing the folder `outside` (and what it resolves to) as `[OUTSIDE]`.
fn outside_filters(outside: &Path) -> Vec<(String, String)> {
    gblint_tests::path_filters(outside)
        .into_iter()
        .filter(|(_, name)| name == "[TEMP]")
        .map(|(pattern, _)| (pattern, "[OUTSIDE]".to_owned()))
        .collect()
}

/// Each format's syntax error (CDY000, DNS000, IPT000, F2B000, SYD000) on the line of the bytes.
#[test]
fn invalid_utf8_and_nul_bytes_in_every_format() {
    for (name, template, code) in FORMATS {
        let line = template[..template.find("{}").expect("hole")]
            .matches('\n')
            .count()
            + 1;
        for (what, hole) in [
            ("invalid UTF-8", &b"\xff\xfe"[..]),
            ("a NUL byte", &b"a\0b"[..]),
        ] {
            let run = check_bytes(name, &fill(template, hole), &[]);
            assert_limited_snapshot!(
                run,
                description = format!("{what} in {template:?}: {code} on line {line}")
            );
        }
    }
}

#[test]
fn one_megabyte_lines_in_every_format() {
    let long = "x".repeat(1 << 20);
    for (name, template, _) in FORMATS {
        let run = check_bytes(name, &fill(template, long.as_bytes()), &[]);
        assert_limited_snapshot!(
            run,
            filters = LONG_RUNS,
            description = format!("1 MiB of x in {template:?}"),
        );
    }
}

/// Runs of more than 40 `x` or `y` (a 1 MiB token quoted back in a message) as `x…`, `y…`.
const LONG_RUNS: &[(&str, &str)] = &[("x{40,}", "x…"), ("y{40,}", "y…")];

/// A 100 MB file is refused before it is read, with exit 2 and one line naming its size and
/// the limit; on standard input the same; imported, CDY004.
#[test]
fn a_100_megabyte_file_is_refused_in_one_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    // Sparse: 100 MB long, nothing written; gblint must refuse it before reading.
    let file = std::fs::File::create(dir.path().join("Caddyfile")).expect("create");
    file.set_len(100 * 1024 * 1024).expect("set_len");
    let (info, output) = limited_in(dir.path(), &["check", "Caddyfile"], false);
    crate::assert_output_snapshot!(
        dir.path(),
        info,
        &output,
        description = "Caddyfile: 100 MiB (sparse)"
    );
    // The same on standard input, and for an import.
    let args = ["check", "-", "--stdin-filename", "Caddyfile"];
    let output = run_limited(dir.path(), &args, Some(vec![b'#'; 20 * 1024 * 1024]), false);
    crate::assert_output_snapshot!(
        dir.path(),
        RunInfo::gblint(&args),
        &output,
        description = "standard input: 20 MiB of #"
    );
    std::fs::rename(dir.path().join("Caddyfile"), dir.path().join("big.caddy")).expect("rename");
    std::fs::write(
        dir.path().join("Caddyfile"),
        "{\n\tstorage file_system /data\n}\nimport big.caddy\n",
    )
    .expect("write");
    let (info, output) = limited_in(
        dir.path(),
        &["check", "Caddyfile", "--output-format", "concise"],
        false,
    );
    crate::assert_output_snapshot!(
        dir.path(),
        info,
        &output,
        description = "Caddyfile imports big.caddy: 100 MiB (sparse)"
    );
}

/// A 2 kB file against a limit of 1000 bytes (flag), 1500 (gblint.toml), 1000000 (the flag
/// wins over the file) and 0 (refused too).
#[test]
fn the_size_limit_is_configurable() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("Caddyfile"),
        format!(
            "{{\n\tstorage file_system /data\n}}\n# {}\nexample.com {{\n}}\n",
            "x".repeat(2000)
        ),
    )
    .expect("write");
    let (info, output) = limited_in(
        dir.path(),
        &["check", "Caddyfile", "--max-file-bytes", "1000"],
        false,
    );
    crate::assert_output_snapshot!(dir.path(), info, &output);
    std::fs::write(
        dir.path().join("gblint.toml"),
        "[limits]\nmax-file-bytes = 1500\n",
    )
    .expect("write");
    let (info, output) = limited_in(dir.path(), &["check", "Caddyfile"], false);
    crate::assert_output_snapshot!(
        dir.path(),
        info,
        &output,
        description = "gblint.toml: max-file-bytes = 1500"
    );
    // The flag wins over the file.
    let (info, output) = limited_in(
        dir.path(),
        &["check", "Caddyfile", "--max-file-bytes", "1000000"],
        false,
    );
    crate::assert_output_snapshot!(
        dir.path(),
        info,
        &output,
        description = "gblint.toml: max-file-bytes = 1500"
    );
    std::fs::write(
        dir.path().join("gblint.toml"),
        "[limits]\nmax-file-bytes = 0\n",
    )
    .expect("write");
    let (info, output) = limited_in(dir.path(), &["check", "Caddyfile"], false);
    crate::assert_output_snapshot!(
        dir.path(),
        info,
        &output,
        description = "gblint.toml: max-file-bytes = 0"
    );
}

#[test]
fn deep_nesting_in_every_format_that_nests() {
    // Corefile: 10,000 nested blocks.
    let mut corefile = String::from(".:53 {\n");
    for _ in 0..10_000 {
        corefile.push_str("x {\n");
    }
    for _ in 0..10_001 {
        corefile.push_str("}\n");
    }
    let run = check_bytes("Corefile", corefile.as_bytes(), &[]);
    assert_limited_snapshot!(run, description = "10,000 nested blocks");
    // Caddyfile: 10,000 snippets, each importing the next.
    let mut caddyfile = String::from("{\n\tstorage file_system /data\n}\n");
    for i in 0..10_000 {
        caddyfile.push_str(&format!("(s{i}) {{\n\timport s{}\n}}\n", i + 1));
    }
    caddyfile.push_str("(s10000) {\n\trespond hi\n}\nexample.com {\n\timport s0\n}\n");
    let run = check_bytes("Caddyfile", caddyfile.as_bytes(), &[]);
    assert_limited_snapshot!(
        run,
        description = "10,000 snippets, each importing the next"
    );
    // iptables: a chain of 10,000 user chains, each jumping to the next; the loopback ACCEPT
    // sits at the bottom, deeper than gblint follows: it must not claim a certain drop ("may
    // be dropped", a warning: exit 0).
    let mut rules = String::from("*filter\n:INPUT DROP [0:0]\n");
    for i in 0..10_000 {
        rules.push_str(&format!(":c{i} - [0:0]\n"));
    }
    rules.push_str("-A INPUT -j c0\n");
    for i in 0..9_999 {
        rules.push_str(&format!("-A c{i} -j c{}\n", i + 1));
    }
    rules.push_str("-A c9999 -i lo -j ACCEPT\nCOMMIT\n");
    let run = check_bytes("rules.v4", rules.as_bytes(), &[]);
    assert_limited_snapshot!(
        run,
        description =
            "10,000 user chains, each jumping to the next; the loopback ACCEPT in the last"
    );
    // fail2ban: a 10,000-long chain of interpolations: F2B000.
    let mut jail = String::from("[DEFAULT]\n");
    for i in 0..10_000 {
        jail.push_str(&format!("a{i} = %(a{})s\n", i + 1));
    }
    jail.push_str("a10000 = /var/log/x\n[web]\nenabled = true\nfilter = sshd\nlogpath = %(a0)s\n");
    let run = check_bytes("etc/fail2ban/jail.local", jail.as_bytes(), &[]);
    assert_limited_snapshot!(run, description = "a 10,000-long chain of interpolations");
}

#[test]
fn import_globs_that_match_themselves_end() {
    // A Corefile glob that matches the Corefile itself and a file importing it back: DNS000.
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("Corefile"), ".:53 {\n\timport *\n}\n").expect("write");
    std::fs::write(dir.path().join("a"), "import Corefile\n").expect("write");
    let (info, output) = limited_in(
        dir.path(),
        &["check", "Corefile", "--output-format", "concise"],
        false,
    );
    crate::assert_output_snapshot!(
        dir.path(),
        info,
        &output,
        description = "Corefile imports *, file a imports Corefile"
    );
    // A snippet importing itself twice doubles at every level: DNS000.
    let run = check_bytes(
        "Corefile",
        b"(s) {\n\timport s\n\timport s\n}\n.:53 {\n\timport s\n}\n",
        &[],
    );
    assert_limited_snapshot!(run, description = "snippet s imports itself twice");
    // A Caddyfile glob that matches the Caddyfile.
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("Caddyfile"),
        "{\n\tstorage file_system /data\n}\nimport *\n",
    )
    .expect("write");
    std::fs::write(dir.path().join("x.caddy"), "import Caddyfile\n").expect("write");
    let (info, output) = limited_in(
        dir.path(),
        &["check", "Caddyfile", "--output-format", "concise"],
        false,
    );
    crate::assert_output_snapshot!(
        dir.path(),
        info,
        &output,
        description = "Caddyfile imports *, x.caddy imports Caddyfile"
    );
}

/// CDY012 and DNS000 say "outside the checked root"; the file there is never read (its
/// marker is asserted absent, as a snapshot shows no absence by itself).
#[test]
fn paths_escaping_the_root_are_not_read() {
    let outside = tempfile::tempdir().expect("tempdir");
    std::fs::write(outside.path().join("secret"), "SECRET-MARKER {\n").expect("write");
    let dir = tempfile::tempdir().expect("tempdir");
    let secret = outside.path().join("secret");
    let relative = format!("../../../../../../..{}", secret.display());
    std::fs::write(
        dir.path().join("Caddyfile"),
        format!("{{\n\tstorage file_system /data\n}}\nimport {relative}\nexample.com {{\n\timport {relative}\n}}\n"),
    )
    .expect("write");
    std::fs::write(
        dir.path().join("Corefile"),
        format!(".:53 {{\n\timport {relative}\n}}\n"),
    )
    .expect("write");
    std::fs::create_dir_all(dir.path().join("etc/fail2ban")).expect("mkdir");
    std::fs::write(
        dir.path().join("etc/fail2ban/jail.local"),
        format!("[INCLUDES]\nbefore = {relative}\n[sshd]\nenabled = false\n"),
    )
    .expect("write");
    let (info, output) = limited_in(
        dir.path(),
        &["check", ".", "--output-format", "concise"],
        false,
    );
    let filters = outside_filters(outside.path());
    crate::assert_output_snapshot!(
        dir.path(),
        info,
        &output,
        filters = &filters
            .iter()
            .map(|(p, r)| (p.as_str(), r.as_str()))
            .collect::<Vec<_>>(),
        description =
            "Caddyfile, Corefile and jail.local import ../../../../../../..[OUTSIDE]/secret"
    );
    let text = text_of(&output);
    assert!(
        !text.contains("SECRET-MARKER"),
        "read a file outside the root: {text}"
    );
}

/// Exit 2 and one line: the unreadable file, or the unreadable folder inside a checked tree
/// (not its parent).
#[test]
fn unreadable_files_are_a_one_line_cause() {
    use std::os::unix::fs::PermissionsExt;
    // As root, permissions do not stop a read: drop to nobody when running as root.
    let as_nobody = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let file = dir.path().join("Caddyfile");
    std::fs::write(&file, "example.com {\n}\n").expect("write");
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o000)).expect("chmod");
    let (info, output) = limited_in(dir.path(), &["check", "Caddyfile"], as_nobody);
    crate::assert_output_snapshot!(
        dir.path(),
        info,
        &output,
        description = "Caddyfile with mode 000"
    );
    // An unreadable folder inside a checked tree is named, not its parent.
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let locked = dir.path().join("tree/locked");
    std::fs::create_dir_all(&locked).expect("mkdir");
    std::fs::set_permissions(
        dir.path().join("tree"),
        std::fs::Permissions::from_mode(0o755),
    )
    .expect("chmod");
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).expect("chmod");
    let (info, output) = limited_in(dir.path(), &["check", "tree"], as_nobody);
    crate::assert_output_snapshot!(
        dir.path(),
        info,
        &output,
        description = "tree/locked with mode 000"
    );
}

/// Named, a FIFO and a link to /dev/zero are refused in one line ("not a regular file", exit
/// 2); walking the folder skips them, and an import of one is a diagnostic.
#[test]
fn fifos_and_devices_named_like_configs_are_not_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    let status = Command::new("mkfifo")
        .arg(dir.path().join("Caddyfile"))
        .status()
        .expect("mkfifo");
    assert!(status.success());
    std::os::unix::fs::symlink("/dev/zero", dir.path().join("rules.v4")).expect("symlink");
    for name in ["Caddyfile", "rules.v4"] {
        let (info, output) = limited_in(dir.path(), &["check", name], false);
        crate::assert_output_snapshot!(
            dir.path(),
            info,
            &output,
            description = "Caddyfile is a FIFO, rules.v4 a link to /dev/zero"
        );
    }
    std::fs::write(
        dir.path().join("site.caddyfile"),
        "{\n\tstorage file_system /data\n}\nexample.com {\n\timport Caddyfile\n}\n",
    )
    .expect("write");
    let (info, output) = limited_in(
        dir.path(),
        &["check", ".", "--output-format", "concise"],
        false,
    );
    crate::assert_output_snapshot!(
        dir.path(),
        info,
        &output,
        description =
            "Caddyfile is a FIFO, rules.v4 a link to /dev/zero, site.caddyfile imports Caddyfile"
    );
}

/// A file whose metadata says it is empty but whose reads never end: `/proc/self/pagemap`
/// (8 bytes per page of the reader's address space, terabytes of it) stands in for a file
/// that grows between the size check and the read. The limit must hold on the bytes read,
/// not on what `metadata()` said: gblint stops one byte past it and exits 2 in one line.
const ENDLESS: &str = "/proc/self/pagemap";

/// Named on the command line (`check` and `fmt --check`): exit 2 and one line saying the file
/// grew past the limit while it was read. Imported (Caddyfile, Corefile): a diagnostic
/// (CDY004, DNS00x) saying the same.
#[test]
fn a_file_that_grows_while_it_is_read_is_cut_at_the_limit() {
    assert_eq!(
        std::fs::metadata(ENDLESS).expect("pagemap").len(),
        0,
        "the stand-in must look empty to metadata()"
    );
    let dir = tempfile::tempdir().expect("tempdir");
    // Named on the command line, from `/`: a link to it from inside a temporary folder would
    // lead out of the checked tree, which gblint refuses before reading (docs/writes.md).
    // (The snapshots filter the temporary folder, which holds the imports below, never `/`.)
    for command in [&["check", "--format", "caddyfile"][..], &["fmt", "--check"]] {
        let mut args = command.to_vec();
        args.push(ENDLESS);
        let output = run_limited(Path::new("/"), &args, None, false);
        crate::assert_output_snapshot!(
            dir.path(),
            RunInfo::gblint(&args),
            &output,
            description = "run in /"
        );
    }
    // Imports (Caddyfile and Corefile) go through the same bounded read. Run from `/` so
    // the import fence (the working directory) lets the absolute import through.
    let caddyfile = dir.path().join("site.caddyfile");
    std::fs::write(
        &caddyfile,
        format!("{{\n\tstorage file_system /data\n}}\nimport {ENDLESS}\n"),
    )
    .expect("write");
    let corefile = dir.path().join("Corefile");
    std::fs::write(
        &corefile,
        format!(".:53 {{\n\timport {ENDLESS}\n\tforward . 1.1.1.1\n}}\n"),
    )
    .expect("write");
    for path in [&caddyfile, &corefile] {
        let path = path.to_str().expect("utf-8 path");
        let args = ["check", path, "--output-format", "concise"];
        let output = run_limited(Path::new("/"), &args, None, false);
        crate::assert_output_snapshot!(
            dir.path(),
            RunInfo::gblint(&args),
            &output,
            description = format!("run in /; the file imports {ENDLESS}")
        );
    }
}

/// `site1.example.com` … `siteN.example.com`, each proxied, under a storage block: a valid
/// Caddyfile of about 60 bytes per site.
fn many_sites(sites: usize) -> String {
    let mut text = String::from("{\n\tstorage file_system /data\n}\n");
    for i in 0..sites {
        text.push_str(&format!(
            "\nsite{i}.example.com {{\n\treverse_proxy 10.0.{}.{}:8080\n}}\n",
            (i / 250) % 250,
            i % 250
        ));
    }
    text
}

#[test]
fn running_out_of_memory_is_one_line_and_exit_2() {
    // 8 MB of sites under a 48 MiB address space: checking it needs 64–80 MiB (debug build;
    // ~150 MiB before the parse read its tokens as it goes), so an allocation fails, while a
    // three-line Caddyfile passes under the same limit. gblint must say so in one line and
    // exit 2, not abort (SIGABRT, "memory allocation of N bytes failed").
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("Caddyfile"), many_sites(130_000)).expect("write");
    for args in [
        &["check", "Caddyfile"][..],
        &["check", "Caddyfile", "--fix"],
    ] {
        let output = run_within(48 * 1024, dir.path(), args, None, false);
        crate::assert_output_snapshot!(
            dir.path(),
            RunInfo::gblint(args),
            &output,
            description = "130,000 sites (8 MB) under ulimit -v 49152 (48 MiB)"
        );
    }
    // The file was not touched by the interrupted --fix.
    assert!(std::fs::read_to_string(dir.path().join("Caddyfile"))
        .expect("read")
        .starts_with("{\n\tstorage"));
}

/// Sites of [`a_large_caddyfile_is_checked_in_bounded_memory`]: 4.0 MB of text.
const LARGE_CADDYFILE_SITES: usize = 52_000;
/// Its address-space limit. Measured on that file, the smallest `ulimit -v` that lets `check`
/// finish: before the token rework 220–230 MiB (release build); after it 108 MiB (release) and
/// more for a debug build; since the parse hands server blocks to the typed view one by one,
/// keeps no lexed tokens and drops consumed tokens, 94 MiB for the debug build this test runs;
/// since it reads the tokens as it goes, with 24-byte tokens and a leaner view, 60–64 MiB.
const LARGE_CADDYFILE_LIMIT_KIB: u64 = 72 * 1024;

/// `gen_caddy.py`'s site blocks (the benchmark shape of docs/benchmarks.md, ~78 bytes each),
/// without its global block.
fn benchmark_sites(sites: usize) -> String {
    let mut text = String::with_capacity(sites * 80);
    for i in 1..=sites {
        text.push_str(&format!(
            "\nsite{i}.example.com {{\n\treverse_proxy 10.{}.{}.{}:8080\n\tencode gzip\n\tlog\n}}\n",
            (i >> 16) & 255,
            (i >> 8) & 255,
            i & 255
        ));
    }
    text
}

#[test]
fn a_large_caddyfile_is_checked_in_bounded_memory() {
    // A 4 MB Caddyfile must be checked under an address-space limit (RLIMIT_AS, through
    // `ulimit -v`) that the token copies of earlier versions exceeded: they ended in exit 2
    // ("out of memory") here. The limit leaves the debug binary ~8 MiB of slack; a change
    // that makes Caddy tokens or the typed view heavier again fails here.
    let dir = tempfile::tempdir().expect("tempdir");
    let text = benchmark_sites(LARGE_CADDYFILE_SITES);
    std::fs::write(dir.path().join("Caddyfile"), &text).expect("write");
    let args = ["check", "Caddyfile", "--output-format", "concise"];
    let output = run_within(LARGE_CADDYFILE_LIMIT_KIB, dir.path(), &args, None, false);
    // The one finding: no storage block (CDY001); every site is otherwise clean.
    crate::assert_output_snapshot!(
        dir.path(),
        RunInfo::gblint(&args),
        &output,
        description = format!(
            "{LARGE_CADDYFILE_SITES} sites (4 MB) under ulimit -v {LARGE_CADDYFILE_LIMIT_KIB}"
        )
    );
}
