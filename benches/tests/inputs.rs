//! The benchmark inputs are what the benches claim: byte for byte the Python generators'
//! output (sizes and FNV-1a hashes taken from `bench/gen/gen_*.py` in the shared folder),
//! deterministic, and read by the engine as the intended format without syntax errors.
//! Running the benches themselves once is `cargo bench -p gblint-benches -- --test`.

use gblint_benches::{
    caddyfile, check_options, example_dir, example_options, fail2ban, iptables_save, run_check,
    systemd_units, OnDisk,
};
use gblint_lint::{Input, Report, Settings};

/// 64-bit FNV-1a.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[test]
fn caddyfile_matches_gen_caddy_py() {
    for (sites, len, hash) in [
        (25, 1_866, 0x0e9d_bc12_035b_39b8),
        (1_000, 73_539, 0x8f85_64d0_e465_762e),
        (10_000, 752_104, 0xa894_8e3d_c7d5_8ec3),
    ] {
        let text = caddyfile(sites);
        assert_eq!(
            (text.len(), fnv1a(text.as_bytes())),
            (len, hash),
            "{sites} sites"
        );
    }
}

#[test]
fn iptables_matches_gen_iptables_py() {
    for (rules, len, hash) in [
        (100, 6_659, 0x2dcd_0c66_275f_ebb8),
        (10_000, 684_618, 0x8641_3a66_3d99_9816),
        (100_000, 6_998_747, 0x57d7_f82d_ec5f_b380),
    ] {
        let text = iptables_save(rules);
        assert_eq!(
            (text.len(), fnv1a(text.as_bytes())),
            (len, hash),
            "{rules} rules"
        );
        // The generator's count includes the three fixed rules.
        assert_eq!(text.lines().filter(|l| l.starts_with("-A ")).count(), rules);
    }
}

#[test]
fn fail2ban_generated_files_match_gen_fail2ban_py() {
    // The Python generator names logs under its output folder; these are its outputs for
    // OUTDIR=/tmp/refgen/f2b-N.
    for (jails, len, hash) in [
        (1, 231, 0xffa9_913d_8e0d_ee27),
        (20, 3_769, 0x963c_ff55_7e22_972f),
        (200, 37_831, 0xfea6_9252_d554_f5a3),
    ] {
        let text = fail2ban::jail_local(jails, &format!("/tmp/refgen/f2b-{jails}/logs"));
        assert_eq!(
            (text.len(), fnv1a(text.as_bytes())),
            (len, hash),
            "{jails} jails"
        );
    }
    let filter = fail2ban::CADDY_HTTP_FLOOD_FILTER;
    assert_eq!(
        (filter.len(), fnv1a(filter.as_bytes())),
        (147, 0x0c45_8d1a_6942_cd99)
    );
}

#[test]
fn systemd_matches_gen_systemd_py() {
    for (units, len, hash) in [
        (1, 206, 0xa47a_1b62_2f66_124f),
        (20, 4_153, 0x5bff_3857_ce48_accb),
        (200, 42_076, 0xf7d3_0518_0359_8ad9),
    ] {
        let files = systemd_units(units);
        let joined: String = files.iter().map(|(_, text)| text.as_str()).collect();
        assert_eq!(
            (joined.len(), fnv1a(joined.as_bytes())),
            (len, hash),
            "{units} units"
        );
        assert_eq!(
            files.last().map(|(name, _)| name.clone()),
            Some(format!("gbl-{units}.service"))
        );
    }
}

#[test]
fn generators_are_deterministic() {
    assert_eq!(caddyfile(300), caddyfile(300));
    assert_eq!(iptables_save(3_000), iptables_save(3_000));
    assert_eq!(fail2ban::tree(20), fail2ban::tree(20));
    assert_eq!(systemd_units(20), systemd_units(20));
}

/// Codes of the findings, after checking that none is a syntax error (`XXX000`).
fn codes(report: &Report) -> Vec<&'static str> {
    let codes: Vec<&'static str> = report.diagnostics.iter().map(|d| d.code).collect();
    assert!(
        !codes.iter().any(|code| code.ends_with("000")),
        "syntax errors in generated input: {:?}",
        report
            .diagnostics
            .iter()
            .map(|d| format!("{}: {}", d.code, d.message))
            .collect::<Vec<_>>()
    );
    codes
}

#[test]
fn engine_reads_generated_caddyfile() {
    let text = caddyfile(25);
    let disk = OnDisk::write([("Caddyfile", &text)], "Caddyfile");
    let report = run_check(&disk.inputs(), &check_options(Settings::default()));
    codes(&report);
    assert_eq!(report.deployment.caddyfiles.len(), 1);
    assert_eq!(
        report.deployment.caddyfiles[0].caddyfile.model.sites.len(),
        25
    );
}

#[test]
fn engine_reads_generated_iptables_dump() {
    let text = iptables_save(100);
    let disk = OnDisk::write([("rules.v4", &text)], "rules.v4");
    let report = run_check(&disk.inputs(), &check_options(Settings::default()));
    codes(&report);
    assert_eq!(report.deployment.iptables.len(), 1);
}

#[test]
fn engine_reads_generated_fail2ban_tree() {
    let files = fail2ban::tree(20);
    let disk = OnDisk::write(
        files
            .iter()
            .map(|(path, text)| (format!("etc/fail2ban/{path}"), text)),
        "",
    );
    let report = run_check(&disk.inputs(), &check_options(Settings::default()));
    codes(&report);
    let docs = &report.deployment.fail2ban;
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0].files.len(), files.len());
    let enabled: Vec<String> = docs[0]
        .config
        .jails()
        .into_iter()
        .filter(|name| {
            docs[0]
                .config
                .jail(name)
                .and_then(|jail| jail.get("enabled"))
                .and_then(|value| value.interpolated().as_deref().ok())
                .is_some_and(|value| value == "true")
        })
        .collect();
    assert_eq!(enabled.len(), 20, "enabled jails: {enabled:?}");
}

#[test]
fn engine_reads_generated_units() {
    let files = systemd_units(20);
    let disk = OnDisk::write(files.iter().map(|(name, text)| (name, text)), "");
    let report = run_check(&disk.inputs(), &check_options(Settings::default()));
    codes(&report);
    assert_eq!(report.deployment.units.len(), 20);
}

#[test]
fn engine_checks_example_deployment() {
    let report = run_check(&[Input::Path(example_dir())], &example_options());
    codes(&report);
    assert!(report.deployment.files.len() >= 15);
}
