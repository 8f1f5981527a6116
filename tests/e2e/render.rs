//! `gblint render`: the example inventory renders the shipped example tree byte for byte, the
//! result lints clean with every rule, re-rendering changes nothing, and every refusal
//! (out-of-date tree, shrinking Caddyfile, bad inventory, escaping name, template bug)
//! exits with its code and writes nothing.

use std::path::{Path, PathBuf};
use std::process::Output;

use gblint_tests::{run_gblint, workspace_root};

pub(crate) fn example_inventory() -> String {
    std::fs::read_to_string(workspace_root().join("examples/pragmatismo.toml")).expect("inventory")
}

pub(crate) fn render(dir: &Path, inventory: &Path, out: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "render",
        "--inventory",
        inventory.to_str().expect("utf-8"),
        "--out",
        out.to_str().expect("utf-8"),
    ];
    args.extend_from_slice(extra);
    run_gblint(dir, &args, None)
}

pub(crate) fn render_example(out: &Path, extra: &[&str]) -> Output {
    let root = workspace_root();
    render(&root, &root.join("examples/pragmatismo.toml"), out, extra)
}

/// Render a variant of the example inventory (written next to `out`).
pub(crate) fn render_variant(dir: &Path, text: &str, out: &Path, extra: &[&str]) -> Output {
    let inventory = dir.join("inventory.toml");
    std::fs::write(&inventory, text).expect("write inventory");
    // Relative, so errors name `inventory.toml` as the user typed it.
    render(dir, Path::new("inventory.toml"), out, extra)
}

pub(crate) fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).expect("read_dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path.strip_prefix(dir).expect("inside").to_path_buf());
            }
        }
    }
    out.sort();
    out
}

pub(crate) fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

pub(crate) fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Line number (1-based) of the first line of `text` containing `needle`.
pub(crate) fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .expect("needle present")
        + 1
}

#[test]
fn example_inventory_renders_the_example_tree_byte_for_byte() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    let output = render_example(&out, &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let example = workspace_root().join("examples/pragmatismo");
    let rendered = files_under(&out);
    assert_eq!(rendered.len(), 38, "{rendered:?}");
    for file in &rendered {
        let got = std::fs::read(out.join(file)).expect("rendered");
        let want = std::fs::read(example.join(file))
            .unwrap_or_else(|_| panic!("{} is not in the example", file.display()));
        assert!(got == want, "{} differs from the example", file.display());
    }
    // Every example file but its README is produced by the inventory.
    let expected: Vec<PathBuf> = files_under(&example)
        .into_iter()
        .filter(|p| p != Path::new("README.md") && p != Path::new("gblint.baseline.json"))
        .collect();
    assert_eq!(rendered, expected);

    // The code-repository example: its workflow (and render record) from the same inventory.
    let repo = dir.path().join("botserver");
    let root = workspace_root();
    let output = render(
        &root,
        &root.join("examples/pragmatismo.toml"),
        &repo,
        &["--code-repo", "botserver"],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let example = root.join("examples/botserver");
    let rendered = files_under(&repo);
    for file in &rendered {
        let got = std::fs::read(repo.join(file)).expect("rendered");
        let want = std::fs::read(example.join(file))
            .unwrap_or_else(|_| panic!("{} is not in the botserver example", file.display()));
        assert!(got == want, "{} differs from the example", file.display());
    }
    let expected: Vec<PathBuf> = files_under(&example)
        .into_iter()
        .filter(|p| p != Path::new("README.md"))
        .collect();
    assert_eq!(rendered, expected);
}

/// One insta snapshot per rendered file, so a template change shows up in review as the
/// exact files it changes.
#[test]
fn snapshots_of_every_rendered_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    let output = render_example(&out, &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    for file in files_under(&out) {
        let text = std::fs::read_to_string(out.join(&file)).expect("rendered");
        let name = file.to_string_lossy().replace(['/', '.'], "_");
        insta::assert_snapshot!(format!("render__{name}"), text);
    }
}

#[test]
fn the_rendered_tree_lints_clean_with_every_rule_and_caddy_fmt_form() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    assert_eq!(render_example(&out, &[]).status.code(), Some(0));
    // ALL includes CDY007 (off by default): the Caddyfile is in `caddy fmt` form.
    let check = run_gblint(&out, &["check", "--select", "ALL", "."], None);
    assert_eq!(check.status.code(), Some(0), "{}", stdout(&check));
    let summary = String::from_utf8_lossy(&check.stderr);
    assert!(summary.contains("All checks passed"), "{summary}");
}

#[test]
fn re_rendering_changes_nothing_and_check_detects_drift() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    assert_eq!(render_example(&out, &[]).status.code(), Some(0));
    let again = render_example(&out, &[]);
    assert_eq!(again.status.code(), Some(0));
    assert!(
        stdout(&again).contains("37 files rendered, 0 files changed."),
        "{}",
        stdout(&again)
    );
    let backups: Vec<_> = files_under(&out)
        .into_iter()
        .filter(|p| p.to_string_lossy().contains(".bak-"))
        .collect();
    assert!(backups.is_empty(), "{backups:?}");

    let check = render_example(&out, &["--check"]);
    assert_eq!(check.status.code(), Some(0), "{}", stdout(&check));

    let unit = out.join("pragmatismo-system/etc/systemd/system/system.service");
    let text = std::fs::read_to_string(&unit).expect("unit");
    std::fs::write(&unit, text.replace("RestartSec=5", "RestartSec=9")).expect("edit");
    let check = render_example(&out, &["--check"]);
    assert_eq!(check.status.code(), Some(1));
    assert!(
        stdout(&check).contains("out of date:"),
        "{}",
        stdout(&check)
    );
    assert!(
        stdout(&check).contains("system.service"),
        "{}",
        stdout(&check)
    );

    let diff = render_example(&out, &["--diff"]);
    assert_eq!(diff.status.code(), Some(1));
    assert!(
        stdout(&diff).contains("-RestartSec=9\n+RestartSec=5\n"),
        "{}",
        stdout(&diff)
    );
    // Neither --check nor --diff wrote anything.
    assert!(std::fs::read_to_string(&unit)
        .expect("unit")
        .contains("RestartSec=9"));

    // Writing restores the file and keeps the edited one as a backup.
    let write = render_example(&out, &[]);
    assert_eq!(write.status.code(), Some(0));
    assert!(
        stdout(&write).contains("1 file changed."),
        "{}",
        stdout(&write)
    );
    assert_eq!(std::fs::read_to_string(&unit).expect("unit"), text);
    let backup = files_under(&out)
        .into_iter()
        .find(|p| p.to_string_lossy().contains("system.service.bak-"))
        .expect("backup kept");
    assert!(std::fs::read_to_string(out.join(backup))
        .expect("backup")
        .contains("RestartSec=9"));
}

/// The example inventory with only its first two vhosts.
fn two_vhosts() -> String {
    let text = example_inventory();
    let mut parts = text.split("[[caddy.vhosts]]");
    let head = parts.next().expect("head");
    let kept: Vec<&str> = parts.take(2).collect();
    format!("{}[[caddy.vhosts]]{}", head, kept.join("[[caddy.vhosts]]"))
        .replace("min_vhosts = 20\n", "")
}

#[test]
fn a_shrinking_caddyfile_is_refused_without_allow_shrink() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    assert_eq!(render_example(&out, &[]).status.code(), Some(0));
    let caddyfile = out.join("pragmatismo-proxy/opt/gbo/conf/config");
    let before = std::fs::read(&caddyfile).expect("caddyfile");

    let refused = render_variant(dir.path(), &two_vhosts(), &out, &[]);
    assert_eq!(refused.status.code(), Some(1), "{}", stderr(&refused));
    assert!(
        stderr(&refused).contains("serves 2 site hosts where the current one serves 25"),
        "{}",
        stderr(&refused)
    );
    assert!(
        stderr(&refused).contains("--allow-shrink"),
        "{}",
        stderr(&refused)
    );
    assert_eq!(
        std::fs::read(&caddyfile).expect("caddyfile"),
        before,
        "nothing written"
    );

    let allowed = render_variant(dir.path(), &two_vhosts(), &out, &["--allow-shrink"]);
    assert_eq!(allowed.status.code(), Some(0), "{}", stderr(&allowed));
    let now = std::fs::read_to_string(&caddyfile).expect("caddyfile");
    assert!(
        now.contains("system.pragmatismo.com.br {") && !now.contains("gb.pragmatismo.com.br {")
    );
}

#[test]
fn a_vhost_on_an_undefined_role_names_the_inventory_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    let text = example_inventory().replacen("role = \"bot\"", "role = \"ghost\"", 1);
    let output = render_variant(dir.path(), &text, &out, &[]);
    assert_eq!(output.status.code(), Some(2));
    let line = line_of(&text, "role = \"ghost\"");
    let message = stderr(&output);
    assert!(
        message.starts_with(&format!(
            "gblint: error: inventory.toml:{line}:8: vhost upstream role `ghost` is not a machine"
        )),
        "{message}"
    );
    assert_eq!(message.lines().count(), 1, "one-line cause: {message}");
    assert!(!out.exists(), "nothing written");
}

#[test]
fn names_that_would_escape_the_output_folder_are_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    for (from, to) in [
        ("tenant = \"pragmatismo\"", "tenant = \"../../etc\""),
        ("[services.ui]", "[services.\"../ui\"]"),
        ("zone_dir", "zone_dir"),
    ] {
        let text = example_inventory().replacen(from, to, 1);
        if text == example_inventory() {
            continue;
        }
        let output = render_variant(dir.path(), &text, &out, &[]);
        assert_eq!(output.status.code(), Some(2), "{to}: {}", stderr(&output));
        assert!(
            stderr(&output).contains("cannot name"),
            "{}",
            stderr(&output)
        );
        assert!(!out.exists(), "nothing written for {to}");
    }
    let text = format!(
        "{}\n[coredns]\nzone_dir = \"/opt/../../etc\"\n",
        example_inventory()
    );
    let output = render_variant(dir.path(), &text, &out, &[]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("absolute path of plain segments"),
        "{}",
        stderr(&output)
    );
    assert!(!out.exists());
}

#[test]
fn a_template_error_names_the_template_line_and_writes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    let templates = dir.path().join("templates/caddy");
    std::fs::create_dir_all(&templates).expect("mkdir");
    std::fs::write(
        templates.join("Caddyfile.j2"),
        "{\n}\n\n{{ caddy.no_such_key }}\n",
    )
    .expect("write");
    let root = workspace_root();
    let output = render(
        &root,
        &root.join("examples/pragmatismo.toml"),
        &out,
        &[
            "--templates",
            dir.path().join("templates").to_str().expect("utf-8"),
        ],
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("templates/caddy/Caddyfile.j2:4: undefined value"),
        "{}",
        stderr(&output)
    );
    assert!(!out.exists(), "nothing written");
}

#[test]
fn a_template_that_renders_a_broken_file_is_caught_by_the_self_check() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    let templates = dir.path().join("templates/iptables");
    std::fs::create_dir_all(&templates).expect("mkdir");
    // Loopback accepted after the DROP: IPT001.
    std::fs::write(
        templates.join("rules.v4.j2"),
        "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A INPUT -p tcp -m tcp --dport 6379 -j DROP\n-A INPUT -j DROP\n-A INPUT -i lo -j ACCEPT\nCOMMIT\n",
    )
    .expect("write");
    let root = workspace_root();
    let output = render(
        &root,
        &root.join("examples/pragmatismo.toml"),
        &out,
        &[
            "--templates",
            dir.path().join("templates").to_str().expect("utf-8"),
        ],
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let message = stderr(&output);
    assert!(
        message.contains("pragmatismo-system/etc/iptables/rules.v4:"),
        "{message}"
    );
    assert!(message.contains("IPT001"), "{message}");
    assert!(
        message.contains("(rendered by templates/iptables/rules.v4.j2)"),
        "{message}"
    );
    // Each finding starts with the inventory entry behind the file: the machine whose
    // internal ports made these rules, never the self-check's scratch folder.
    let machine = line_of(&example_inventory(), "system = { ip");
    assert!(
        message.starts_with(&format!(
            "{}:{machine}:1: pragmatismo-system/",
            root.join("examples/pragmatismo.toml").display()
        )),
        "{message}"
    );
    assert!(!message.contains("gblint-render-"), "{message}");
    assert!(!out.exists(), "nothing written");
}

#[test]
fn an_inventory_breaking_an_operations_invariant_fails_with_the_rule() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    // A vhost without an A record in its zone (GBL001).
    let text = example_inventory().replacen(
        "host = \"www.ddsites.com.br\"",
        "host = \"shop.ddsites.com.br\"",
        1,
    );
    let output = render_variant(dir.path(), &text, &out, &[]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(stderr(&output).contains("GBL001"), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("nothing written"),
        "{}",
        stderr(&output)
    );
    assert!(!out.exists(), "nothing written");
}

#[test]
fn a_non_local_botserver_url_fails_with_syd001() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    // botui pointed at the public URL: the operations guide's BOTSERVER_URL rule.
    let text = example_inventory().replacen(
        "http://localhost:5858",
        "https://system.pragmatismo.com.br",
        1,
    );
    let output = render_variant(dir.path(), &text, &out, &[]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(stderr(&output).contains("SYD001"), "{}", stderr(&output));
    assert!(!out.exists(), "nothing written");
}

#[test]
fn unknown_inventory_keys_are_errors_with_a_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    let text = example_inventory().replacen("bridge = \"lxdbr0\"", "brigde = \"lxdbr0\"", 1);
    let output = render_variant(dir.path(), &text, &out, &[]);
    assert_eq!(output.status.code(), Some(2));
    let line = line_of(&text, "brigde");
    assert!(
        stderr(&output).starts_with(&format!(
            "gblint: error: inventory.toml:{line}:1: unknown key `brigde` in [host]; did you mean `bridge`?"
        )),
        "{}",
        stderr(&output)
    );
}
