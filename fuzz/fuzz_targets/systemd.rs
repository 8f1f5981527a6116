//! systemd units:
//! * `parse` never panics; its physical lines tile the text so `UnitFile::print` gives it back
//!   byte for byte, and every range it reports is a slice of the text;
//! * merging a unit with a drop-in, reading the effective `Environment=` (word splitting),
//!   `Exec*=` command lines, specifiers and the known-keys check never panic;
//! * `parse_environment_file` never panics and its ranges are slices of the text.
//!
//! Input: `UNIT [0xFF DROPIN [0xFF ENVFILE]]`; without ENVFILE the unit's text is also read as
//! an environment file.
#![no_main]

use gblint_fuzz::{assert_range_in, assert_tiles, split, text, MAX_INPUT};
use gblint_systemd::{
    check_keys, environment_words, exec_command, exec_commands, is_known_key, is_known_section,
    is_removed_key, merge, parse, parse_environment_file, split_environment, unit_type,
    unknown_specifiers, UnitFile,
};
use libfuzzer_sys::fuzz_target;

fn check_unit(text: &str) -> UnitFile {
    let unit = parse(text);
    assert_tiles(text, unit.lines.iter().map(|l| l.full), "physical lines");
    assert_eq!(unit.print(text), text, "print(parse(x)) != x");
    for line in &unit.lines {
        assert!(
            line.full.contains_range(line.content),
            "line content outside the line"
        );
    }
    for section in &unit.sections {
        assert_range_in(text, section.name_range, "section name");
        for entry in &section.entries {
            assert_range_in(text, entry.key_range, "key");
            assert_range_in(text, entry.value_range, "value");
        }
    }
    for problem in &unit.problems {
        assert_range_in(text, problem.range, "problem");
    }
    unit
}

fuzz_target!(|data: &[u8]| {
    if data.len() > MAX_INPUT {
        return;
    }
    let parts = split(data, 3);
    let unit_text = text(parts[0]);
    let dropin_text = text(parts.get(1).copied().unwrap_or(b""));
    let env_text = text(parts.get(2).copied().unwrap_or(parts[0]));

    let unit = check_unit(&unit_text);
    let dropin = check_unit(&dropin_text);
    let name = "app@x.service";
    let kind = unit_type(name).unwrap_or("service");
    for problem in check_keys(&unit, kind) {
        assert_range_in(&unit_text, problem.range, "key problem");
    }
    let _ = check_keys(&dropin, kind);

    let merged = merge(&[(name, &unit), ("override.conf", &dropin)]);
    for (section, key) in merged.keys() {
        let _ = is_known_section(section, kind);
        let _ = is_known_key(section, key, kind);
        let _ = is_removed_key(section, key);
        for value in merged.values(section, key) {
            let _ = unknown_specifiers(&value.value);
            if key == "Environment" {
                let _ = split_environment(&value.value);
                let _ = environment_words(&value.value);
            }
            if key.starts_with("Exec") {
                let _ = exec_commands(&value.value);
                let _ = exec_command(&value.value);
            }
        }
        let _ = merged.get(section, key);
    }
    let _ = merged.environment();

    let (assignments, problems) = parse_environment_file(&env_text);
    for assignment in &assignments {
        assert_range_in(&env_text, assignment.name_range, "env name");
        assert_range_in(&env_text, assignment.value_range, "env value");
    }
    for problem in &problems {
        assert_range_in(&env_text, problem.range, "env problem");
    }
});
