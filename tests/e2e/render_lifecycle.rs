//! `gblint render` across renders of one tree: zone serials that grow only when records
//! change, the record of rendered files that makes a file the inventory no longer produces
//! visible (and `--prune` remove it), backups that `--no-backup` or `[write] backup = false`
//! turn off, refusals that `--check` reports before a write would hit them, and inventory and
//! template errors that name the key, line and file.

use std::path::Path;

use gblint_tests::{run_gblint, workspace_root};

use crate::render::{
    example_inventory, files_under, line_of, render_example, render_variant, stderr, stdout,
};

const ZONE: &str = "pragmatismo-dns/opt/gbo/data/pragmatismo.com.br.zone";

fn serial_of(out: &Path) -> String {
    let text = std::fs::read_to_string(out.join(ZONE)).expect("zone");
    text.lines()
        .find(|line| line.contains("; serial"))
        .and_then(|line| line.split_whitespace().next())
        .expect("serial line")
        .to_owned()
}

/// The example inventory with one more TXT record in pragmatismo.com.br.
fn with_txt(record: &str) -> String {
    let text = example_inventory();
    let old = "txt = [\"v=spf1 mx -all\"]";
    assert!(text.contains(old), "the example's first TXT line moved");
    text.replacen(old, &format!("txt = [\"v=spf1 mx -all\", \"{record}\"]"), 1)
}

fn backups(out: &Path) -> Vec<String> {
    files_under(out)
        .into_iter()
        .map(|p| p.display().to_string())
        .filter(|p| p.contains(".bak-"))
        .collect()
}

#[test]
fn a_zone_serial_grows_when_its_records_change_and_only_then() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    assert_eq!(render_example(&out, &[]).status.code(), Some(0));
    assert_eq!(serial_of(&out), "2026112601");

    let changed = render_variant(dir.path(), &with_txt("a=1"), &out, &["--no-backup"]);
    assert_eq!(changed.status.code(), Some(0), "{}", stderr(&changed));
    assert_eq!(serial_of(&out), "2026112602");
    // Rendering the same records again keeps the serial: nothing changes.
    let again = render_variant(dir.path(), &with_txt("a=1"), &out, &["--check"]);
    assert_eq!(again.status.code(), Some(0), "{}", stdout(&again));
    let again = render_variant(dir.path(), &with_txt("a=1"), &out, &[]);
    assert!(
        stdout(&again).contains("0 files changed."),
        "{}",
        stdout(&again)
    );
    assert_eq!(serial_of(&out), "2026112602");
    // Going back to the old records is a change too: the serial never goes back.
    let back = render_example(&out, &["--no-backup"]);
    assert_eq!(back.status.code(), Some(0), "{}", stderr(&back));
    assert_eq!(serial_of(&out), "2026112603");
    // The other zone did not change and kept its serial.
    let other =
        std::fs::read_to_string(out.join("pragmatismo-dns/opt/gbo/data/ddsites.com.br.zone"))
            .expect("zone");
    assert!(other.contains("2026112601  ; serial"), "{other}");
}

#[test]
fn a_pinned_serial_that_does_not_grow_past_the_replaced_zone_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    assert_eq!(
        render_example(&out, &["--no-backup"]).status.code(),
        Some(0)
    );
    assert_eq!(
        render_variant(dir.path(), &with_txt("a=1"), &out, &[])
            .status
            .code(),
        Some(0)
    );
    let pinned = with_txt("b=2").replacen(
        "soa = { mname = \"ns1.ddsites.com.br.\", rname",
        "soa = { serial = 2026112602, mname = \"ns1.ddsites.com.br.\", rname",
        1,
    );
    assert!(pinned.contains("serial = 2026112602"));
    let before = std::fs::read(out.join(ZONE)).expect("zone");
    let output = render_variant(dir.path(), &pinned, &out, &[]);
    assert_eq!(output.status.code(), Some(2), "{}", stdout(&output));
    let line = line_of(&pinned, "serial = 2026112602");
    let message = stderr(&output);
    assert!(
        message.contains(&format!("inventory.toml:{line}:")),
        "{message}"
    );
    assert!(
        message.contains("soa.serial 2026112602 does not go past the serial 2026112602"),
        "{message}"
    );
    assert_eq!(std::fs::read(out.join(ZONE)).expect("zone"), before);
}

/// The example inventory without the `ui` service (nor the code repository's deploy of it).
fn without_ui() -> String {
    let text = example_inventory();
    let start = text.find("[services.ui]").expect("ui service");
    let end = start + text[start + 1..].find("\n[").expect("next table") + 2;
    let deploy = "    { service = \"ui\" },\n";
    assert!(text.contains(deploy), "the example deploys ui");
    format!("{}{}", &text[..start], &text[end..]).replacen(deploy, "", 1)
}

#[test]
fn a_file_the_inventory_no_longer_produces_is_listed_and_pruned() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    assert_eq!(render_example(&out, &[]).status.code(), Some(0));
    let record = std::fs::read_to_string(out.join(".rendered-by-gblint")).expect("record");
    assert!(
        record.contains("pragmatismo-system/etc/systemd/system/ui.service\n"),
        "{record}"
    );
    let unit = out.join("pragmatismo-system/etc/systemd/system/ui.service");

    let check = render_variant(dir.path(), &without_ui(), &out, &["--check"]);
    assert_eq!(check.status.code(), Some(1), "{}", stdout(&check));
    assert!(
        stdout(&check).contains("stale (no longer rendered; --prune removes it): "),
        "{}",
        stdout(&check)
    );
    assert!(stdout(&check).contains("ui.service"), "{}", stdout(&check));
    let diff = render_variant(dir.path(), &without_ui(), &out, &["--diff"]);
    assert_eq!(diff.status.code(), Some(1), "{}", stdout(&diff));

    // A write without --prune keeps it, says so, and keeps it in the record.
    let write = render_variant(dir.path(), &without_ui(), &out, &[]);
    assert_eq!(write.status.code(), Some(0), "{}", stderr(&write));
    assert!(
        stdout(&write).contains("kept, --prune removes it"),
        "{}",
        stdout(&write)
    );
    assert!(unit.exists());
    let check = render_variant(dir.path(), &without_ui(), &out, &["--check"]);
    assert_eq!(
        check.status.code(),
        Some(1),
        "still reported: {}",
        stdout(&check)
    );

    let prune = render_variant(dir.path(), &without_ui(), &out, &["--prune"]);
    assert_eq!(prune.status.code(), Some(0), "{}", stderr(&prune));
    assert!(stdout(&prune).contains("removed: "), "{}", stdout(&prune));
    assert!(!unit.exists());
    assert!(
        backups(&out).iter().any(|b| b.contains("ui.service.bak-")),
        "a pruned file is backed up: {:?}",
        backups(&out)
    );
    let record = std::fs::read_to_string(out.join(".rendered-by-gblint")).expect("record");
    assert!(!record.contains("ui.service"), "{record}");
    let check = render_variant(dir.path(), &without_ui(), &out, &["--check"]);
    assert_eq!(check.status.code(), Some(0), "{}", stdout(&check));
}

#[test]
fn a_record_naming_a_path_outside_the_output_folder_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    assert_eq!(render_example(&out, &[]).status.code(), Some(0));
    let victim = dir.path().join("victim");
    std::fs::write(&victim, "keep me\n").expect("victim");
    std::fs::write(out.join(".rendered-by-gblint"), "gblint.toml\n../victim\n").expect("record");
    let output = render_example(&out, &["--prune"]);
    assert_eq!(output.status.code(), Some(2), "{}", stdout(&output));
    assert!(
        stderr(&output)
            .contains(".rendered-by-gblint:2: `../victim` is not a path inside the output folder"),
        "{}",
        stderr(&output)
    );
    assert_eq!(
        std::fs::read_to_string(&victim).expect("victim"),
        "keep me\n"
    );
}

#[test]
fn no_backup_comes_from_the_flag_or_from_gblint_toml() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("tenant/out");
    assert_eq!(render_example(&out, &[]).status.code(), Some(0));
    let unit = out.join("pragmatismo-system/etc/systemd/system/system.service");
    let edit = |from: &str, to: &str| {
        let text = std::fs::read_to_string(&unit).expect("unit");
        std::fs::write(&unit, text.replace(from, to)).expect("edit");
    };
    edit("RestartSec=5", "RestartSec=9");
    assert_eq!(
        render_example(&out, &["--no-backup"]).status.code(),
        Some(0)
    );
    assert_eq!(backups(&out), Vec::<String>::new());

    // `[write] backup = false` in the inventory, which also goes into the tree's gblint.toml.
    let text = format!("{}\n[write]\nbackup = false\n", example_inventory());
    edit("RestartSec=5", "RestartSec=9");
    let output = render_variant(dir.path(), &text, &out, &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(backups(&out), Vec::<String>::new());
    let config = std::fs::read_to_string(out.join("gblint.toml")).expect("config");
    assert!(config.ends_with("[write]\nbackup = false\n"), "{config}");
    // Back to the example inventory (no [write]): the tree's gblint.toml says nothing, so
    // backups are kept again.
    assert_eq!(
        render_example(&out, &["--no-backup"]).status.code(),
        Some(0)
    );
    edit("RestartSec=5", "RestartSec=9");
    assert_eq!(render_example(&out, &[]).status.code(), Some(0));
    assert_eq!(backups(&out).len(), 1, "{:?}", backups(&out));
}

#[test]
fn check_fix_and_fmt_keep_no_backup_when_told() {
    let dir = tempfile::tempdir().expect("tempdir");
    let caddyfile = dir.path().join("Caddyfile");
    let broken = "example.com {\n\treverse_proxy 10.0.0.1:8080\n}\n";
    std::fs::write(&caddyfile, broken).expect("write");
    let fix = run_gblint(
        dir.path(),
        &["check", "--fix", "--unsafe", "--no-backup", "Caddyfile"],
        None,
    );
    assert_ne!(
        std::fs::read_to_string(&caddyfile).expect("read"),
        broken,
        "{}",
        String::from_utf8_lossy(&fix.stderr)
    );
    assert_eq!(backups(dir.path()), Vec::<String>::new());

    std::fs::write(dir.path().join("gblint.toml"), "[write]\nbackup = false\n").expect("config");
    std::fs::write(
        &caddyfile,
        "example.com {\nreverse_proxy 10.0.0.1:8080\n}\n",
    )
    .expect("write");
    let fmt = run_gblint(dir.path(), &["fmt", "Caddyfile"], None);
    assert_eq!(
        fmt.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&fmt.stderr)
    );
    assert_eq!(backups(dir.path()), Vec::<String>::new());
}

#[test]
fn check_and_diff_report_a_shrink_the_write_would_refuse() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    assert_eq!(render_example(&out, &[]).status.code(), Some(0));
    let text = example_inventory();
    let first = text.find("[[caddy.vhosts]]").expect("a vhost");
    let second = first
        + 1
        + text[first + 1..]
            .find("[[caddy.vhosts]]")
            .expect("two vhosts");
    let fewer = format!("{}{}", &text[..first], &text[second..]).replace("min_vhosts = 20\n", "");
    for mode in ["--check", "--diff"] {
        let output = render_variant(dir.path(), &fewer, &out, &[mode]);
        assert_eq!(output.status.code(), Some(1), "{mode}: {}", stdout(&output));
        assert!(
            stdout(&output).contains("would refuse to write: ")
                && stdout(&output).contains("pass --allow-shrink"),
            "{mode}: {}",
            stdout(&output)
        );
    }
}

#[test]
fn inventory_errors_name_the_key_and_line_and_suggest() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    let text = example_inventory().replacen("port = 5859", "port = 70000", 1);
    let output = render_variant(dir.path(), &text, &out, &[]);
    assert_eq!(output.status.code(), Some(2));
    let line = line_of(&text, "port = 70000");
    assert_eq!(
        stderr(&output),
        format!("gblint: error: inventory.toml:{line}:8: caddy.vhosts[0].port: expected a port number (1-65535), found integer `70000`\n")
    );
    let text = example_inventory().replacen("system = { ip", "systme = { ip", 1);
    let output = render_variant(dir.path(), &text, &out, &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains(
            "service machine `system` is not a machine of the inventory; did you mean `systme`?"
        ),
        "{}",
        stderr(&output)
    );
    assert!(!out.exists());
}

#[test]
fn a_template_override_error_names_its_file_and_the_undefined_variable() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    let templates = dir.path().join("templates/systemd");
    std::fs::create_dir_all(&templates).expect("mkdir");
    let template = templates.join("service.j2");
    std::fs::write(&template, "[Unit]\nDescription={{ service.descripton }}\n").expect("write");
    let root = workspace_root();
    let output = crate::render::render(
        &root,
        &root.join("examples/pragmatismo.toml"),
        &out,
        &[
            "--templates",
            dir.path().join("templates").to_str().expect("utf-8"),
        ],
    );
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let message = stderr(&output);
    assert!(
        message.contains(&format!("{}:2:", template.display())),
        "{message}"
    );
    assert!(message.contains("`service.descripton`"), "{message}");
    assert!(!out.exists());
}
