//! Verdicts recorded from Debian's `crontab` 3.0pl1-162 (`crontab -u nobody FILE` on a user
//! crontab of that one line): "OK" when it installs, otherwise its message.

use super::*;

const VERDICTS: &[(&str, &str)] = &[
    ("5/10 * * * * x", "bad minute"),
    ("5x * * * * x", "bad minute"),
    ("*/0 * * * * x", "bad minute"),
    ("10-5 * * * * x", "OK"),
    ("0 3 * * mon-fri x", "OK"),
    ("0 3 * * monday x", "bad day-of-week"),
    ("0 3 * * * * x", "bad command"),
    ("0 3 * *", "bad day-of-week"),
    ("@Daily x", "bad time specifier"),
    ("@daily x", "OK"),
    ("0 24 * * * x", "bad hour"),
    ("FOO = bar", "OK"),
    ("0 3 * JAN-mar 0-7/2 x", "OK"),
    ("*-5 * * * * x", "OK"),
    ("1,,2 * * * * x", "bad minute"),
    ("60 * * * * x", "bad minute"),
    ("0 3 0 * * x", "bad day-of-month"),
    ("0 3 * 13 * x", "bad month"),
    ("0 3 * * 8 x", "bad day-of-week"),
    (" 0 3 * * * x", "OK"),
    ("0,5-10/2,*/20 * * * * x", "OK"),
    ("0 3 * * * ", "OK"),
    ("*/5/2 * * * * x", "OK"),
    ("1-5-7 * * * * x", "OK"),
    ("0 3 * * mon,wed x", "OK"),
    ("0\t3\t*\t*\tSun\tx", "OK"),
    ("@daily", "OK"),
    ("1-60 * * * * x", "bad minute"),
    ("0-59/61 * * * * x", "OK"),
    ("*/60 * * * * x", "OK"),
    ("jan * * * * x", "bad minute"),
    ("0 3 * * 1-5/0 x", "bad day-of-week"),
    ("0 3 */0 * * x", "bad day-of-month"),
    ("0 3 ? * * x", "bad day-of-month"),
    ("0 3 L * * x", "bad day-of-month"),
    ("0 3 * * 5#2 x", "OK"),
    ("@reboot x", "OK"),
    ("@every x", "bad time specifier"),
    ("0 3 * * *x", "OK"),
    ("FOO=bar baz", "OK"),
    ("foo bar", "bad minute"),
    ("=x", "OK"),
    ("0 3 * * * * ", "bad command"),
    ("0 3 1-31/ * * x", "bad day-of-month"),
    ("0 3 - * * x", "bad day-of-month"),
    ("0 03 * * * x", "OK"),
    ("0 3 * * 07 x", "OK"),
    ("@daily *x", "bad command"),
    ("0 3 * * 1 *", "bad command"),
    ("A B=c", "bad minute"),
    ("\"A B\"=c", "OK"),
    ("0 3 * * *,1 x", "OK"),
    ("0 3 */2-5 * * x", "OK"),
];

#[test]
fn user_crontab_lines_as_debian_crontab_judges_them() {
    for (line, verdict) in VERDICTS {
        let crontab = parse(&format!("{line}\n"), Kind::User);
        let got = crontab
            .errors
            .first()
            .map_or("OK", |error| error.message.as_str());
        assert_eq!(got, *verdict, "{line:?}");
    }
}

#[test]
fn a_missing_final_newline_refuses_the_file() {
    let crontab = parse("0 3 * * * x", Kind::User);
    assert_eq!(crontab.errors[0].message, "Missing newline before EOF");
    assert_eq!(crontab.errors[0].range, TextRange::from_usize(11, 11));
}

#[test]
fn system_lines_have_a_user() {
    let text = "SHELL=/bin/sh\n17 3 * * * root zfs snapshot -r tank@daily\n0 4 * * * /usr/bin/x\n";
    let crontab = parse(text, Kind::System);
    assert_eq!(crontab.env[0].name, "SHELL");
    assert_eq!(
        crontab.entries[0].user.as_ref().map(|u| u.0.as_str()),
        Some("root")
    );
    assert_eq!(crontab.entries[0].command, "zfs snapshot -r tank@daily");
    let range = crontab.entries[0].command_range;
    assert_eq!(&text[range.as_range()], "zfs snapshot -r tank@daily");
    assert_eq!(crontab.errors[0].message, "bad username");
    assert_eq!(&text[crontab.errors[0].range.as_range()], "/usr/bin/x");
}

#[test]
fn frequencies() {
    let daily = |line: &str| {
        parse(&format!("{line}\n"), Kind::User).entries[0]
            .schedule
            .at_least_daily()
    };
    assert!(daily("@daily x"));
    assert!(daily("@hourly x"));
    assert!(daily("30 2 * * * x"));
    assert!(daily("*/10 */6 * * * x"));
    assert!(daily("0 3 1-31 * 1-5 x"), "both restricted: either matches");
    assert!(daily("0 3 * * 0-6 x"));
    assert!(daily("0 3 * * 1-7 x"), "7 is Sunday");
    assert!(!daily("@weekly x"));
    assert!(!daily("@monthly x"));
    assert!(!daily("@reboot x"));
    assert!(!daily("0 3 * * 1-5 x"));
    assert!(!daily("0 3 */2 * * x"));
    assert!(!daily("0 3 * 1-11 * x"));
}
