//! fail2ban: every file of corpus/fail2ban (upstream `config/`, the test configs and Debian's
//! jail.d default) reprints byte for byte from its line table, upstream `config/` parses
//! without a problem, and the whole `config/` tree loads: every jail of jail.conf merges and
//! interpolates, and every filter named by a jail has a `[Definition]`.
//! Values are compared with fail2ban itself by the oracle suite (tests/oracle/fail2ban.rs).

use std::collections::BTreeMap;
use std::path::Path;

use gblint_fail2ban::{load, parse_ini, parse_spec};
use gblint_tests::corpus_dir;

/// Every file under `dir`, as path relative to `dir` → text.
fn read_tree(dir: &Path) -> BTreeMap<String, String> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, String>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .expect("read corpus folder")
            .map(|e| e.expect("entry").path())
            .collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let relative = path.strip_prefix(root).expect("under root");
                let text = std::fs::read_to_string(&path)
                    .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                out.insert(gblint_diagnostics::path_display::slashed(relative), text);
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

#[test]
fn every_fail2ban_file_reprints_and_config_tree_loads() {
    let root = corpus_dir().join("fail2ban");
    let all = read_tree(&root);
    let mut reprinted = 0;
    let mut entries = 0;
    for (path, text) in &all {
        let ini = parse_ini(text);
        assert_eq!(
            ini.print(text),
            *text,
            "{path} does not reprint byte for byte"
        );
        reprinted += 1;
        entries += ini.sections.iter().map(|s| s.entries.len()).sum::<usize>();
        if path.starts_with("config/") {
            assert!(ini.problems.is_empty(), "{path}: {:?}", ini.problems);
        }
    }
    assert!(
        reprinted >= 190,
        "only {reprinted} files in corpus/fail2ban"
    );

    let config_files: BTreeMap<String, String> = all
        .iter()
        .filter_map(|(p, t)| Some((p.strip_prefix("config/")?.to_string(), t.clone())))
        .collect();
    let config = load(&config_files);
    assert!(config.problems().is_empty(), "{:?}", config.problems());
    let jails = config.jails();
    assert!(jails.len() > 90, "only {} jails", jails.len());
    let mut options = 0;
    let mut filters = 0;
    for name in &jails {
        let jail = config.jail(name).expect("listed jail");
        for key in [
            "enabled", "maxretry", "findtime", "bantime", "filter", "action", "port",
        ] {
            let value = jail
                .get(key)
                .unwrap_or_else(|| panic!("[{name}] has no {key}"));
            assert!(
                value.interpolated().is_ok(),
                "[{name}] {key}: {:?}",
                value.interpolated()
            );
        }
        options += jail.len();
        let filter = jail
            .get("filter")
            .and_then(|v| v.interpolated().clone().ok());
        let spec = parse_spec(&filter.unwrap_or_default()).expect("filter spec");
        assert!(
            config.filter_options(&spec.name).is_some(),
            "[{name}] filter {} has no [Definition]",
            spec.name
        );
        filters += 1;
    }
    println!(
        "fail2ban: {reprinted} files reprinted ({entries} options), config/: {} files read for jail, {} jails ({options} merged options), {filters} filters resolved",
        config.jail_files().len(),
        jails.len()
    );
}
