use super::*;

fn entry<'a>(unit: &'a UnitFile, section: &str, key: &str) -> &'a Entry {
    unit.entries(section, key)
        .into_iter()
        .next()
        .expect("entry")
}

fn messages(unit: &UnitFile) -> Vec<(u32, &str)> {
    unit.problems
        .iter()
        .map(|p| (p.line, p.message.as_str()))
        .collect()
}

#[test]
fn sections_and_assignments_with_blanks_around_equals() {
    let text = "[Unit]\nDescription = web  \n\n[Service]\n  ExecStart=/bin/true\n";
    let unit = parse(text);
    assert!(unit.problems.is_empty());
    assert_eq!(unit.sections.len(), 2);
    let description = entry(&unit, "Unit", "Description");
    assert_eq!(description.value, "web");
    assert_eq!(&text[description.key_range.as_range()], "Description");
    assert_eq!(&text[description.value_range.as_range()], "web");
    assert_eq!(unit.sections[1].name, "Service");
    assert_eq!(&text[unit.sections[1].name_range.as_range()], "Service");
    assert_eq!(unit.sections[1].line, 4);
    assert_eq!(entry(&unit, "Service", "ExecStart").line, 5);
    assert!(unit.final_newline);
    assert_eq!(unit.print(text), text);
}

#[test]
fn comments_only_at_line_start() {
    let text = "# c\n  ; d\n[Unit]\nDescription=x # y\n";
    let unit = parse(text);
    assert_eq!(entry(&unit, "Unit", "Description").value, "x # y");
    assert!(unit.problems.is_empty());
}

#[test]
fn continuation_joins_with_a_blank_and_skips_comment_lines() {
    let text = "[Service]\nExecStart=/bin/echo a \\\n# comment\n    b\\\n\tc\n";
    let unit = parse(text);
    let exec = entry(&unit, "Service", "ExecStart");
    assert_eq!(exec.value, "/bin/echo a      b \tc");
    assert_eq!((exec.line, exec.end_line), (2, 5));
    assert_eq!(&text[exec.value_range.as_range()], "/bin/echo a");
    assert_eq!(unit.print(text), text);
}

#[test]
fn escaped_backslash_does_not_continue() {
    let unit = parse("[Service]\nA=x\\\\\nB=y\n");
    assert_eq!(entry(&unit, "Service", "A").value, "x\\\\");
    assert_eq!(entry(&unit, "Service", "B").value, "y");
    // Three backslashes: the last one continues.
    let unit = parse("[Service]\nA=x\\\\\\\nB=y\n");
    assert_eq!(entry(&unit, "Service", "A").value, "x\\\\ B=y");
}

#[test]
fn continuation_pending_at_end_of_file_is_parsed() {
    let text = "[Unit]\nDescription=a\\";
    let unit = parse(text);
    assert_eq!(entry(&unit, "Unit", "Description").value, "a");
    assert!(!unit.final_newline);
    assert_eq!(unit.print(text), text);
}

#[test]
fn blank_line_ends_a_continuation() {
    let unit = parse("[Unit]\nDescription=a\\\n\nAfter=b\n");
    assert_eq!(entry(&unit, "Unit", "Description").value, "a");
    assert_eq!(entry(&unit, "Unit", "After").value, "b");
}

#[test]
fn repeated_keys_and_sections_kept_in_order() {
    let unit = parse("[Service]\nEnvironment=A=1\n[Unit]\n[Service]\nEnvironment=B=2\n");
    let values: Vec<&str> = unit
        .entries("Service", "Environment")
        .into_iter()
        .map(|e| e.value.as_str())
        .collect();
    assert_eq!(values, ["A=1", "B=2"]);
    assert_eq!(unit.sections.len(), 3);
}

#[test]
fn line_problems_in_systemd_wording() {
    let unit = parse("A=1\n[Unit]\nnovalue\n=x\nEmpty=\n");
    assert_eq!(
        messages(&unit),
        [
            (1, "Assignment outside of section. Ignoring."),
            (3, "Missing '=', ignoring line."),
            (4, "Missing key name before '=', ignoring line."),
        ]
    );
    assert_eq!(entry(&unit, "Unit", "Empty").value, "");
    assert!(!unit.fatal);
}

#[test]
fn bad_section_header_is_fatal() {
    let unit = parse("[Unit]\nDescription=a\n[Service\nExecStart=/bin/true\n");
    assert_eq!(messages(&unit), [(3, "Invalid section header '[Service'")]);
    assert!(unit.fatal);
    assert_eq!(unit.sections.len(), 1);
    let unit = parse("[Ser\"vice]\n");
    assert_eq!(
        messages(&unit),
        [(1, "Bad characters in section header '[Ser\"vice]'")]
    );
}

#[test]
fn systemd_line_ends() {
    // `\r\n` and `\n\r` are one line end each, `\r` alone is one, NUL ends a line.
    let text = "[Unit]\r\nA=1\rB=2\n\rC=3\0D=4\n\nE=5";
    let unit = parse(text);
    let lines: Vec<(&str, u32)> = unit.sections[0]
        .entries
        .iter()
        .map(|e| (e.key.as_str(), e.line))
        .collect();
    assert_eq!(lines, [("A", 2), ("B", 3), ("C", 4), ("D", 5), ("E", 7)]);
    assert_eq!(unit.print(text), text);
    assert!(!unit.final_newline);
}

#[test]
fn byte_order_mark_is_skipped() {
    let text = "\u{feff}[Unit]\nDescription=x\n";
    let unit = parse(text);
    assert_eq!(unit.sections[0].name, "Unit");
    assert_eq!(&text[unit.sections[0].name_range.as_range()], "Unit");
    assert_eq!(unit.print(text), text);
}

#[test]
fn reprint_is_lossless_on_odd_input() {
    for text in [
        "",
        "\n",
        "\\",
        "[",
        "a\\\n#x\n",
        "[U]\nK=\u{e9}\\\r\n\r\n",
        "\0\0",
        "x\r",
    ] {
        assert_eq!(parse(text).print(text), text, "{text:?}");
    }
}

#[test]
fn environment_words_as_systemd() {
    assert_eq!(
        split_environment(r#"A=1 "B=two words" C=z"q r"s D='x y' E=\x41\s\101 F=\u00e9"#).unwrap(),
        [
            ("A", "1"),
            ("B", "two words"),
            ("C", "zq rs"),
            ("D", "x y"),
            ("E", "A A"),
            ("F", "é"),
        ]
        .map(|(a, b)| (a.to_owned(), b.to_owned()))
    );
    assert_eq!(
        split_environment("\\x41=1 _x=$HOME").unwrap(),
        [
            ("A".to_owned(), "1".to_owned()),
            ("_x".to_owned(), "$HOME".to_owned())
        ]
    );
    assert_eq!(
        split_environment("A=1 BAD").unwrap_err(),
        "Invalid environment assignment, ignoring: BAD"
    );
    assert_eq!(
        split_environment("\"A=1").unwrap_err(),
        "Invalid syntax, ignoring: \"A=1"
    );
    assert!(split_environment("A=\\q").is_err());
    assert!(split_environment("A=b\\").is_err());
    assert!(split_environment("A=\\x00").is_err());
    assert!(split_environment("\"Z=\\xff\"").is_err());
    assert!(split_environment("W=\\ud800").is_err());
    for bad in ["A.B=1", "A-B=1", "1A=1", "=1"] {
        assert!(split_environment(bad).is_err(), "{bad}");
    }
    let (pairs, problems) = environment_words("BAD \"A=1");
    assert!(pairs.is_empty());
    assert_eq!(
        problems,
        [
            "Invalid environment assignment, ignoring: BAD",
            "Invalid syntax, ignoring: BAD \"A=1"
        ]
    );
    assert_eq!(split_environment("").unwrap(), []);
}

#[test]
fn exec_prefixes_and_commands() {
    assert_eq!(
        exec_command("-@/bin/sh sh -c \"echo ${A}\""),
        (
            "-@".to_owned(),
            vec!["/bin/sh", "sh", "-c", "echo ${A}"]
                .into_iter()
                .map(String::from)
                .collect()
        )
    );
    assert_eq!(exec_command("+/bin/true").0, "+");
    assert_eq!(exec_command("!!/bin/true").0, "!!");
    // `+` and `!` exclude each other: the second is part of the path.
    assert_eq!(
        exec_command("+!/bin/true"),
        ("+".to_owned(), vec!["!/bin/true".to_owned()])
    );
    let commands = exec_commands("/bin/a x \\; y ; -/bin/b").unwrap();
    assert_eq!(commands.len(), 2);
    assert_eq!(commands[0].argv, ["/bin/a", "x", ";", "y"]);
    assert_eq!(commands[1].prefixes, "-");
    assert!(commands[1].has_prefix('-'));
    assert!(exec_commands("/bin/a \"x").is_err());
    assert_eq!(exec_command("/bin/a \"x").1, ["/bin/a"]);
}

#[test]
fn specifiers() {
    assert!(unknown_specifiers("%n %N %i %I %h %t %% %y %q 100%").is_empty());
    assert_eq!(
        unknown_specifiers("%x %D %e %%%k %1"),
        ["%x", "%D", "%e", "%k", "%1"]
    );
}

#[test]
fn environment_file_grammar() {
    let text = "# c\n  ; d\nA=1\nB = two words  \nexport C=3\nD=\"x \\\"y\\\" \\n $\\$\"\nE='a b'\"c\"\nF=abc \"d\"\nG=a\\\nb\nH\nI=\n J =  x\\ y \n";
    let (vars, problems) = parse_environment_file(text);
    let got: Vec<(&str, &str)> = vars
        .iter()
        .map(|v| (v.name.as_str(), v.value.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("A", "1"),
            ("B", "two words"),
            ("export C", "3"),
            ("D", "x \"y\" \\n $$"),
            ("E", "a bc"),
            ("F", "abc \"d\""),
            ("G", "ab"),
            ("I", ""),
            ("J", "x y"),
        ]
    );
    assert_eq!(vars[1].line, 4);
    assert_eq!(&text[vars[1].name_range.as_range()], "B");
    assert_eq!(&text[vars[1].value_range.as_range()], "two words");
    assert_eq!(&text[vars[4].value_range.as_range()], "'a b'\"c\"");
    let messages: Vec<(u32, &str)> = problems
        .iter()
        .map(|p| (p.line, p.message.as_str()))
        .collect();
    assert_eq!(
        messages,
        [
            (
                5,
                "Ignoring invalid environment assignment 'export C=3' (systemd does not understand `export`)"
            ),
            (11, "Line without '=' ignored"),
        ]
    );
}

#[test]
fn environment_file_comment_continuation_of_252() {
    let (vars, problems) = parse_environment_file("# x \\\nA=1\nB=2");
    assert_eq!(vars.len(), 1);
    assert_eq!(vars[0].name, "B");
    assert_eq!(problems.len(), 1);
}

#[test]
fn known_keys_per_unit_type() {
    assert!(is_known_key("Service", "ExecStart", "service"));
    assert!(is_known_key("Service", "MemoryMax", "service"));
    assert!(is_known_key("Service", "PermissionsStartOnly", "service"));
    assert!(is_known_key("Socket", "ExecStartPre", "socket"));
    assert!(is_known_key("Install", "WantedBy", "timer"));
    assert!(is_known_key("Unit", "StartLimitIntervalSec", "service"));
    assert!(is_known_key("Service", "X-Whatever", "service"));
    assert!(is_known_key("X-Mine", "Anything", "service"));
    assert!(!is_known_key("Service", "ExecStrat", "service"));
    assert!(!is_known_key("Install", "After", "service"));
    assert!(!is_known_key("Service", "ExecStart", "socket"));
    assert!(!is_known_key("Timer", "OnCalendar", "service"));
    assert!(!is_known_key("Service", "execstart", "service"));
    assert!(is_known_key("Timer", "OnCalendar", "timer"));
    assert!(!is_known_key("Target", "Foo", "target"));
    assert!(is_known_section("Target", "target"));
    assert!(is_removed_key("Service", "SysVStartPriority"));
    assert_eq!(unit_type("x.service"), Some("service"));
    assert_eq!(unit_type("/a/pg_dump@.timer"), Some("timer"));
    assert_eq!(unit_type("x.service.in"), None);
    assert_eq!(unit_type("10-x.conf"), None);
    assert_eq!(unit_type(".service"), None);
}

#[test]
fn check_keys_wording() {
    let unit = parse(
        "[Unit]\nFoo=1\n[Servce]\nA=1\n[Service]\nExecStrat=x\nSysVStartPriority=1\n[X-Y]\nZ=1\n",
    );
    let problems: Vec<(u32, String)> = check_keys(&unit, "service")
        .into_iter()
        .map(|p| (p.line, p.message))
        .collect();
    assert_eq!(
        problems,
        [
            (
                2,
                "Unknown key 'Foo' in section [Unit], ignoring.".to_owned()
            ),
            (3, "Unknown section 'Servce'. Ignoring.".to_owned()),
            (
                6,
                "Unknown key 'ExecStrat' in section [Service], ignoring.".to_owned()
            ),
            (
                7,
                "Support for option SysVStartPriority= has been removed and it is ignored"
                    .to_owned()
            ),
        ]
    );
}

#[test]
fn merge_drop_ins() {
    let main = parse(
        "[Unit]\nAfter=a.service\nDescription=main\n[Service]\nExecStart=/bin/a\nEnvironment=A=1 B=2\nRestart=no\n",
    );
    let drop_in = parse(
        "[Unit]\nAfter=\nAfter=b.service\n[Service]\nExecStart=\nExecStart=/bin/b\nEnvironment=A=3 C=4\nRestart=always\n",
    );
    let merged = merge(&[("main", &main), ("10-x.conf", &drop_in)]);
    let exec: Vec<(&str, &str)> = merged
        .values("Service", "ExecStart")
        .iter()
        .map(|v| (v.value.as_str(), v.file.as_str()))
        .collect();
    assert_eq!(exec, [("/bin/b", "10-x.conf")]);
    assert_eq!(merged.get("Service", "Restart").unwrap().value, "always");
    // Dependencies cannot be reset.
    assert_eq!(merged.values("Unit", "After").len(), 2);
    let env: Vec<(String, String, &str)> = merged
        .environment()
        .into_iter()
        .map(|(n, v, at)| (n, v, at.file.as_str()))
        .collect();
    assert_eq!(
        env,
        [
            ("A".to_owned(), "3".to_owned(), "10-x.conf"),
            ("B".to_owned(), "2".to_owned(), "main"),
            ("C".to_owned(), "4".to_owned(), "10-x.conf"),
        ]
    );
    // Without the reset, both ExecStart lines count.
    let no_reset = parse("[Service]\nExecStart=/bin/b\n");
    let merged = merge(&[("main", &main), ("d", &no_reset)]);
    assert_eq!(merged.values("Service", "ExecStart").len(), 2);
    // An empty Condition resets every condition.
    let a = parse("[Unit]\nConditionPathExists=/a\nConditionHost=x\n");
    let b = parse("[Unit]\nConditionVirtualization=\n");
    let merged = merge(&[("a", &a), ("b", &b)]);
    assert!(merged.get("Unit", "ConditionPathExists").is_none());
    assert!(merged.get("Unit", "ConditionHost").is_none());
    assert!(merged.get("Unit", "Nope").is_none());
}

#[test]
fn no_panics_on_generated_input() {
    // A deterministic generator over the characters every grammar above cares about.
    const ALPHABET: &[&str] = &[
        "[",
        "]",
        "=",
        "\\",
        "\"",
        "'",
        "#",
        ";",
        " ",
        "\t",
        "\n",
        "\r",
        "\0",
        "%",
        "x",
        "A",
        "_",
        "é",
        "\u{feff}",
        "Service",
        "Unit",
        "Environment",
        "ExecStart",
        "-@+!:",
        "\\x4",
        "\\u12",
        "\\U0001F600",
        "\\101",
    ];
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    for _ in 0..3000 {
        let mut text = String::new();
        for _ in 0..(state % 40) {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            text.push_str(ALPHABET[(state % ALPHABET.len() as u64) as usize]);
        }
        let unit = parse(&text);
        assert_eq!(unit.print(&text), text);
        for section in &unit.sections {
            for entry in &section.entries {
                assert!(text.get(entry.key_range.as_range()).is_some());
                assert!(text.get(entry.value_range.as_range()).is_some());
            }
        }
        let _ = check_keys(&unit, "service");
        let _ = merge(&[("a", &unit), ("b", &unit)]).environment();
        let _ = split_environment(&text);
        let _ = exec_command(&text);
        let _ = unknown_specifiers(&text);
        let (vars, _) = parse_environment_file(&text);
        for var in vars {
            assert!(text.get(var.value_range.as_range()).is_some());
            assert!(text.get(var.name_range.as_range()).is_some());
        }
    }
}

/// `is_known_key` binary-searches the generated table (scripts/systemd-keys-table.sh): it
/// must be in strictly increasing byte order, so sorted and without duplicates; the removed
/// keys are a sorted subset of it.
#[test]
fn key_tables_are_sorted_and_unique() {
    use crate::keys_table::{KEYS, REMOVED};
    for table in [KEYS, REMOVED] {
        for pair in table.windows(2) {
            assert!(
                pair[0] < pair[1],
                "{:?} is not before {:?}",
                pair[0],
                pair[1]
            );
        }
    }
    for removed in REMOVED {
        assert!(
            KEYS.binary_search(removed).is_ok(),
            "{removed:?} not in KEYS"
        );
    }
    // Spot checks in both directions, so an empty or truncated table fails too.
    assert!(KEYS.len() > 1000, "{} keys", KEYS.len());
    assert!(KEYS.binary_search(&("Service", "ExecStart")).is_ok());
    assert!(KEYS.binary_search(&("Service", "Usr")).is_err());
}
