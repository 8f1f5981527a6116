//! fail2ban:
//! * `parse_ini` never panics; its lines tile the text (in order, no gap or overlap) so
//!   `IniFile::print` gives it back byte for byte, and every range it reports is a slice;
//! * `load` of a small configuration never panics, and every option of every jail (its own
//!   and inherited) can be interpolated without panic, as can the `[Definition]` of the filter
//!   and actions a jail names (through `parse_spec`/`split_actions`);
//! * `parse_duration`, `eval_duration`, `rewrite_duration` and `parse_bool` never panic on any
//!   value.
//!
//! Input: `JAIL [0xFF FILTER [0xFF LOCAL]]`, loaded as `{jail.conf: JAIL, filter.d/f.conf:
//! FILTER, jail.local: LOCAL}`.
#![no_main]

use std::collections::BTreeMap;

use gblint_fail2ban::{
    eval_duration, load, parse_bool, parse_duration, parse_ini, parse_spec, rewrite_duration,
    split_actions, Jail,
};
use gblint_fuzz::{assert_range_in, assert_tiles, split, text, MAX_INPUT};
use libfuzzer_sys::fuzz_target;

fn check_ini(text: &str) {
    let ini = parse_ini(text);
    assert_tiles(text, ini.lines.iter().map(|l| l.range), "ini lines");
    assert_eq!(ini.print(text), text, "print(parse_ini(x)) != x");
    for line in &ini.lines {
        if let Some(at) = line.inline_comment {
            assert!(line.range.contains(at), "inline comment outside its line");
        }
    }
    for section in &ini.sections {
        assert_range_in(text, section.name_range, "section name");
        for entry in &section.entries {
            assert_range_in(text, entry.key_range, "key");
            assert_range_in(text, entry.value_range, "value");
        }
    }
    for problem in &ini.problems {
        assert_range_in(text, problem.range, "problem");
    }
}

fn values(value: &str) {
    let _ = parse_duration(value);
    let _ = eval_duration(value);
    let _ = rewrite_duration(value);
    let _ = parse_bool(value);
}

fn read_all(jail: &Jail) {
    for (_, value) in jail.options() {
        if let Ok(interpolated) = value.interpolated() {
            values(interpolated);
        }
    }
}

fuzz_target!(|data: &[u8]| {
    if data.len() > MAX_INPUT {
        return;
    }
    let parts = split(data, 3);
    let names = ["jail.conf", "filter.d/f.conf", "jail.local"];
    let mut files = BTreeMap::new();
    for (name, part) in names.iter().zip(&parts) {
        let text = text(part).into_owned();
        check_ini(&text);
        files.insert((*name).to_owned(), text);
    }
    let config = load(&files);
    let _ = config.problems();
    let _ = config.jail_files();
    let _ = config.exists("filter.d/f");
    for jail in config.jail_views() {
        read_all(jail);
        if let Some(Ok(filter)) = jail.get("filter").map(|v| v.interpolated()) {
            if let Ok(spec) = parse_spec(filter) {
                if let Some(options) = config.filter_options(&spec.name) {
                    read_all(&options);
                }
            }
        }
        if let Some(Ok(actions)) = jail.get("action").map(|v| v.interpolated()) {
            for action in split_actions(actions) {
                if let Ok(spec) = parse_spec(&action) {
                    if let Some(options) = config.action_options(&spec.name) {
                        read_all(&options);
                    }
                }
            }
        }
    }
    if let Some(options) = config.filter_options("f") {
        read_all(&options);
    }
    for line in parts[0].split(|&b| b == b'\n').take(64) {
        values(&text(line));
    }
});
