//! `gblint render` across renders of one tree: zone serials that grow only when records
//! change, the record of rendered files that makes a file the inventory no longer produces
//! visible (and `--prune` remove it), backups that `--no-backup` or `[write] backup = false`
//! turn off, refusals that `--check` reports before a write would hit them, and inventory and
//! template errors that name the key, line and file. Each run under test is snapshotted with
//! the inventory or files it ran on (`snapshots/e2e__render_lifecycle__*.snap`).

use std::path::Path;

use gblint_tests::run_gblint;

use crate::cli::Inputs;
use crate::render::{
    example_inventory, files_under, render_example, render_example_run, render_variant,
    render_variant_run, stderr,
};

const ZONE: &str = "pragmatismo-dns/opt/gbo/data/pragmatismo.com.br.zone";

/// The SOA serial of the zone file `zone` under `out` (the line commented `; serial`).
fn serial_in(out: &Path, zone: &str) -> String {
    let text = std::fs::read_to_string(out.join(zone)).expect("zone");
    text.lines()
        .find(|line| {
            line.split_once(';')
                .is_some_and(|(_, comment)| comment.trim_start().starts_with("serial"))
        })
        .and_then(|line| line.split_whitespace().next())
        .expect("serial line")
        .to_owned()
}

fn serial_of(out: &Path) -> String {
    serial_in(out, ZONE)
}

/// The example inventory with one more TXT record in pragmatismo.com.br.
fn with_txt(record: &str) -> String {
    let text = example_inventory();
    let old = "txt = [\"v=spf1 mx -all\"]";
    let with = text.replacen(old, &format!("txt = [\"v=spf1 mx -all\", \"{record}\"]"), 1);
    assert_ne!(with, text, "the example's first TXT line moved");
    with
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
    let mut inputs = Inputs::new(dir.path());
    let out = dir.path().join("out");
    assert_eq!(render_example(&out, &[]).status.code(), Some(0));
    assert_eq!(serial_of(&out), "2026112601");

    assert_cli_snapshot!(
        run = render_variant_run(&mut inputs, &with_txt("a=1"), &out, &["--no-backup"])
    );
    assert_eq!(serial_of(&out), "2026112602");
    // Rendering the same records again keeps the serial: nothing changes.
    assert_cli_snapshot!(
        run = render_variant_run(&mut inputs, &with_txt("a=1"), &out, &["--check"])
    );
    assert_cli_snapshot!(run = render_variant_run(&mut inputs, &with_txt("a=1"), &out, &[]));
    assert_eq!(serial_of(&out), "2026112602");
    // Going back to the old records is a change too: the serial never goes back.
    assert_cli_snapshot!(run = render_example_run(&out, &["--no-backup"], dir.path()));
    assert_eq!(serial_of(&out), "2026112603");
    // The other zone did not change and kept its serial.
    assert_eq!(
        serial_in(&out, "pragmatismo-dns/opt/gbo/data/ddsites.com.br.zone"),
        "2026112601"
    );
}

#[test]
fn a_pinned_serial_that_does_not_grow_past_the_replaced_zone_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut inputs = Inputs::new(dir.path());
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
    assert_ne!(pinned, with_txt("b=2"), "the example's SOA line moved");
    let before = std::fs::read(out.join(ZONE)).expect("zone");
    // The inventory's line of the pinned serial, and the serial it does not go past.
    assert_cli_snapshot!(run = render_variant_run(&mut inputs, &pinned, &out, &[]));
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

/// Whether the record of rendered files under `out` lists `path`.
fn recorded(out: &Path, path: &str) -> bool {
    let record = std::fs::read_to_string(out.join(".rendered-by-gblint")).expect("record");
    record.lines().any(|line| line == path)
}

#[test]
fn a_file_the_inventory_no_longer_produces_is_listed_and_pruned() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut inputs = Inputs::new(dir.path());
    let out = dir.path().join("out");
    assert_eq!(render_example(&out, &[]).status.code(), Some(0));
    let ui = "pragmatismo-system/etc/systemd/system/ui.service";
    assert!(recorded(&out, ui));
    let unit = out.join(ui);

    assert_cli_snapshot!(run = render_variant_run(&mut inputs, &without_ui(), &out, &["--check"]));
    assert_cli_snapshot!(run = render_variant_run(&mut inputs, &without_ui(), &out, &["--diff"]));

    // A write without --prune keeps it, says so, and keeps it in the record.
    assert_cli_snapshot!(run = render_variant_run(&mut inputs, &without_ui(), &out, &[]));
    assert!(unit.exists());
    assert!(recorded(&out, ui));
    // Still reported.
    assert_cli_snapshot!(run = render_variant_run(&mut inputs, &without_ui(), &out, &["--check"]));

    // Removed, and backed up first (the `kept:` line).
    assert_cli_snapshot!(run = render_variant_run(&mut inputs, &without_ui(), &out, &["--prune"]));
    assert!(!unit.exists());
    assert!(
        backups(&out)
            .iter()
            .any(|b| b.starts_with(&format!("{ui}.bak-"))),
        "a pruned file is backed up: {:?}",
        backups(&out)
    );
    assert!(!recorded(&out, ui));
    assert_cli_snapshot!(run = render_variant_run(&mut inputs, &without_ui(), &out, &["--check"]));
}

#[test]
fn a_record_naming_a_path_outside_the_output_folder_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    assert_eq!(render_example(&out, &[]).status.code(), Some(0));
    let mut inputs = Inputs::new(dir.path());
    inputs.write("victim", "keep me\n");
    inputs.overwrite("out/.rendered-by-gblint", "gblint.toml\n../victim\n");
    assert_cli_snapshot!(run = render_example_run(&out, &["--prune"], dir.path()).inputs(&inputs));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("victim")).expect("victim"),
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
    let mut inputs = Inputs::new(dir.path());
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
        assert_cli_snapshot!(run = render_variant_run(&mut inputs, &fewer, &out, &[mode]));
    }
}

#[test]
fn inventory_errors_name_the_key_and_line_and_suggest() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut inputs = Inputs::new(dir.path());
    let out = dir.path().join("out");
    let text = example_inventory().replacen("port = 5859", "port = 70000", 1);
    assert_cli_snapshot!(run = render_variant_run(&mut inputs, &text, &out, &[]));
    let text = example_inventory().replacen("system = { ip", "systme = { ip", 1);
    assert_cli_snapshot!(run = render_variant_run(&mut inputs, &text, &out, &[]));
    assert!(!out.exists());
}

#[test]
fn a_template_override_error_names_its_file_and_the_undefined_variable() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut inputs = Inputs::new(dir.path());
    let out = dir.path().join("out");
    inputs.write(
        "templates/systemd/service.j2",
        "[Unit]\nDescription={{ service.descripton }}\n",
    );
    let templates = dir.path().join("templates");
    assert_cli_snapshot!(
        run = render_example_run(
            &out,
            &["--templates", templates.to_str().expect("utf-8")],
            dir.path()
        )
        .inputs(&inputs)
    );
    assert!(!out.exists());
}
