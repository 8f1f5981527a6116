//! `formatter_test.go` TestFormatter: the 30 `caddy_fmt/NN.in` → `NN.out` pairs, byte for byte,
//! plus idempotence on every pair and on every adapt input.

use gblint_caddyfile::format::format;

#[test]
fn the_30_formatter_pairs() {
    let dir = gblint_tests::corpus_dir().join("caddyfile/caddy_fmt");
    let index = std::fs::read_to_string(dir.join("INDEX.tsv")).expect("INDEX.tsv");
    let mut failures = Vec::new();
    let mut total = 0;
    for line in index.lines().skip(1) {
        let (n, description) = line.split_once('\t').expect("n<TAB>description");
        let input = std::fs::read_to_string(dir.join(format!("{n}.in"))).expect("in");
        let expected = std::fs::read_to_string(dir.join(format!("{n}.out"))).expect("out");
        total += 1;
        let got = format(&input);
        if got != expected {
            failures.push(format!(
                "{n} ({description}):\n--- expected\n{expected}--- got\n{got}"
            ));
        } else if format(&got) != got {
            failures.push(format!("{n} ({description}): not idempotent"));
        }
    }
    assert_eq!(total, 30, "expected Caddy's 30 formatter cases");
    println!(
        "caddy fmt pairs: {} passed, {} failed",
        total - failures.len(),
        failures.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn fmt_is_idempotent_on_the_adapt_inputs() {
    let dir = gblint_tests::corpus_dir().join("caddyfile/caddy_adapt");
    let mut count = 0;
    let mut already = 0;
    for entry in std::fs::read_dir(&dir).expect("read_dir") {
        let path = entry.expect("entry").path();
        if path.extension().is_none_or(|e| e != "caddyfile") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("read");
        let once = format(&text);
        assert_eq!(
            format(&once),
            once,
            "{} is not a fixed point after one fmt",
            path.display()
        );
        count += 1;
        already += usize::from(once == text);
    }
    assert_eq!(count, 187);
    println!("fmt idempotent on {count} adapt inputs ({already} already formatted)");
}
