//! `gblint render`: the example inventory renders the shipped example tree byte for byte, the
//! result lints clean with every rule, re-rendering changes nothing, and every refusal
//! (out-of-date tree, shrinking Caddyfile, bad inventory, escaping name, template bug)
//! exits with its code and writes nothing. Each run under test is snapshotted with the
//! inventory or template it ran on (`snapshots/e2e__render__*.snap`).

use std::path::{Path, PathBuf};
use std::process::Output;

use gblint_tests::{run_gblint, workspace_root};

use crate::cli::{CliRun, Inputs};

pub(crate) fn example_inventory() -> String {
    std::fs::read_to_string(workspace_root().join("examples/pragmatismo.toml")).expect("inventory")
}

/// `render --inventory INVENTORY --out OUT EXTRA…`.
fn render_args<'a>(inventory: &'a Path, out: &'a Path, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "render",
        "--inventory",
        inventory.to_str().expect("utf-8"),
        "--out",
        out.to_str().expect("utf-8"),
    ];
    args.extend_from_slice(extra);
    args
}

pub(crate) fn render(dir: &Path, inventory: &Path, out: &Path, extra: &[&str]) -> Output {
    run_gblint(dir, &render_args(inventory, out, extra), None)
}

/// The `gblint render` run of [`render`], to snapshot: `temp` (the test's temporary folder,
/// holding `out`) reads `[TEMP]`.
pub(crate) fn render_run(
    dir: &Path,
    inventory: &Path,
    out: &Path,
    extra: &[&str],
    temp: &Path,
) -> CliRun {
    CliRun::new(dir, &render_args(inventory, out, extra)).temp(temp)
}

/// [`render_run`] of the example inventory, from the workspace.
pub(crate) fn render_example_run(out: &Path, extra: &[&str], temp: &Path) -> CliRun {
    let root = workspace_root();
    render_run(
        &root,
        &root.join("examples/pragmatismo.toml"),
        out,
        extra,
        temp,
    )
}

/// [`render_run`] of a variant `text` of the example inventory, written to
/// `inventory.toml` in `inputs`' folder (shown as its diff from the example).
pub(crate) fn render_variant_run(
    inputs: &mut Inputs,
    text: &str,
    out: &Path,
    extra: &[&str],
) -> CliRun {
    inputs.write_variant(
        "inventory.toml",
        &example_inventory(),
        "examples/pragmatismo.toml",
        text,
    );
    let dir = inputs.root().to_path_buf();
    // Relative, so errors name `inventory.toml` as the user typed it.
    render_run(&dir, Path::new("inventory.toml"), out, extra, &dir).inputs(inputs)
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

#[test]
fn example_inventory_renders_the_example_tree_byte_for_byte() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    let output = render_example(&out, &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let example = workspace_root().join("examples/pragmatismo");
    let rendered = files_under(&out);
    assert_eq!(rendered.len(), 39, "{rendered:?}");
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
    assert_cli_snapshot!(&out, &["check", "--select", "ALL", "."]);
}

#[test]
fn re_rendering_changes_nothing_and_check_detects_drift() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    assert_eq!(render_example(&out, &[]).status.code(), Some(0));
    assert_cli_snapshot!(run = render_example_run(&out, &[], dir.path()));
    let backups: Vec<_> = files_under(&out)
        .into_iter()
        .filter(|p| p.to_string_lossy().contains(".bak-"))
        .collect();
    assert!(backups.is_empty(), "{backups:?}");

    assert_cli_snapshot!(run = render_example_run(&out, &["--check"], dir.path()));

    let mut inputs = Inputs::new(&out);
    let unit = "pragmatismo-system/etc/systemd/system/system.service";
    let text = std::fs::read_to_string(out.join(unit)).expect("unit");
    inputs.edit(unit, "RestartSec=5", "RestartSec=9");
    let edited = std::fs::read_to_string(out.join(unit)).expect("unit");
    assert_cli_snapshot!(run = render_example_run(&out, &["--check"], dir.path()).inputs(&inputs));
    assert_cli_snapshot!(run = render_example_run(&out, &["--diff"], dir.path()).inputs(&inputs));
    // Neither --check nor --diff wrote anything.
    assert_eq!(
        std::fs::read_to_string(out.join(unit)).expect("unit"),
        edited
    );

    // Writing restores the file and keeps the edited one as a backup.
    assert_cli_snapshot!(run = render_example_run(&out, &[], dir.path()).inputs(&inputs));
    assert_eq!(std::fs::read_to_string(out.join(unit)).expect("unit"), text);
    let backup = files_under(&out)
        .into_iter()
        .find(|p| p.to_string_lossy().contains("system.service.bak-"))
        .expect("backup kept");
    assert_eq!(
        std::fs::read_to_string(out.join(backup)).expect("backup"),
        edited
    );
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
    let mut inputs = Inputs::new(dir.path());
    let out = dir.path().join("out");
    assert_eq!(render_example(&out, &[]).status.code(), Some(0));
    let caddyfile = out.join("pragmatismo-proxy/opt/gbo/conf/config");
    let before = std::fs::read(&caddyfile).expect("caddyfile");

    assert_cli_snapshot!(run = render_variant_run(&mut inputs, &two_vhosts(), &out, &[]));
    assert_eq!(
        std::fs::read(&caddyfile).expect("caddyfile"),
        before,
        "nothing written"
    );

    assert_cli_snapshot!(
        run = render_variant_run(&mut inputs, &two_vhosts(), &out, &["--allow-shrink"])
    );
    // The Caddyfile written: the two sites of the inventory, no more.
    let now = std::fs::read_to_string(&caddyfile).expect("caddyfile");
    insta::assert_snapshot!(now);
}

#[test]
fn a_vhost_on_an_undefined_role_names_the_inventory_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut inputs = Inputs::new(dir.path());
    let out = dir.path().join("out");
    let text = example_inventory().replacen("role = \"bot\"", "role = \"ghost\"", 1);
    // A one-line cause naming the line and column of the role.
    assert_cli_snapshot!(run = render_variant_run(&mut inputs, &text, &out, &[]));
    assert!(!out.exists(), "nothing written");
}

#[test]
fn names_that_would_escape_the_output_folder_are_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut inputs = Inputs::new(dir.path());
    let out = dir.path().join("out");
    for (from, to) in [
        ("tenant = \"pragmatismo\"", "tenant = \"../../etc\""),
        ("[services.ui]", "[services.\"../ui\"]"),
    ] {
        let text = example_inventory().replacen(from, to, 1);
        assert_ne!(text, example_inventory(), "{from} is in the example");
        assert_cli_snapshot!(run = render_variant_run(&mut inputs, &text, &out, &[]));
        assert!(!out.exists(), "nothing written for {to}");
    }
    let text = format!(
        "{}\n[coredns]\nzone_dir = \"/opt/../../etc\"\n",
        example_inventory()
    );
    assert_cli_snapshot!(run = render_variant_run(&mut inputs, &text, &out, &[]));
    assert!(!out.exists());
}

/// The run of the example inventory with the template overrides `inputs` wrote under
/// `templates/`.
fn render_with_templates(inputs: &Inputs, out: &Path) -> CliRun {
    let templates = inputs.root().join("templates");
    render_example_run(
        out,
        &["--templates", templates.to_str().expect("utf-8")],
        inputs.root(),
    )
    .inputs(inputs)
}

#[test]
fn a_template_error_names_the_template_line_and_writes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut inputs = Inputs::new(dir.path());
    let out = dir.path().join("out");
    inputs.write(
        "templates/caddy/Caddyfile.j2",
        "{\n}\n\n{{ caddy.no_such_key }}\n",
    );
    assert_cli_snapshot!(run = render_with_templates(&inputs, &out));
    assert!(!out.exists(), "nothing written");
}

#[test]
fn a_template_that_renders_a_broken_file_is_caught_by_the_self_check() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut inputs = Inputs::new(dir.path());
    let out = dir.path().join("out");
    // Loopback accepted after the DROP: IPT001.
    inputs.write(
        "templates/iptables/rules.v4.j2",
        "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A INPUT -p tcp -m tcp --dport 6379 -j DROP\n-A INPUT -j DROP\n-A INPUT -i lo -j ACCEPT\nCOMMIT\n",
    );
    // Each finding starts with the inventory entry behind the file (the machine whose
    // internal ports made these rules, never the self-check's scratch folder), then names the
    // rendered file and its template.
    assert_cli_snapshot!(run = render_with_templates(&inputs, &out));
    assert!(!out.exists(), "nothing written");
}

#[test]
fn an_inventory_breaking_an_operations_invariant_fails_with_the_rule() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut inputs = Inputs::new(dir.path());
    let out = dir.path().join("out");
    // A vhost without an A record in its zone (GBL001).
    let text = example_inventory().replacen(
        "host = \"www.ddsites.com.br\"",
        "host = \"shop.ddsites.com.br\"",
        1,
    );
    assert_cli_snapshot!(run = render_variant_run(&mut inputs, &text, &out, &[]));
    assert!(!out.exists(), "nothing written");
}

#[test]
fn a_non_local_botserver_url_fails_with_syd001() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut inputs = Inputs::new(dir.path());
    let out = dir.path().join("out");
    // botui pointed at the public URL: the operations guide's BOTSERVER_URL rule.
    let text = example_inventory().replacen(
        "http://localhost:5858",
        "https://system.pragmatismo.com.br",
        1,
    );
    assert_cli_snapshot!(run = render_variant_run(&mut inputs, &text, &out, &[]));
    assert!(!out.exists(), "nothing written");
}

#[test]
fn unknown_inventory_keys_are_errors_with_a_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut inputs = Inputs::new(dir.path());
    let out = dir.path().join("out");
    let text = example_inventory().replacen("bridge = \"lxdbr0\"", "brigde = \"lxdbr0\"", 1);
    assert_cli_snapshot!(run = render_variant_run(&mut inputs, &text, &out, &[]));
}
