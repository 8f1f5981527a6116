//! The netfilter `extensions/*.t` golden files: each test line is
//! `rule-spec;saved-form;OK|FAIL[;NFT|LEGACY]` run with `-A CHAIN` in the chains and table the
//! file names; `=` means "saved as written". gblint must accept the OK lines and print exactly
//! the saved form, and refuse the FAIL lines. Lines marked `NFT` (nft-only behaviour) are
//! skipped: gblint follows iptables-legacy. The pass count is printed and must not drop below
//! the floor recorded here.

use gblint_iptables::{parse, Family, LineKind, ProblemKind};

/// Passing lines (OK and FAIL cases, per chain) must stay at or above this.
const FLOOR: usize = 2182;

struct Outcome {
    passed: usize,
    failed: Vec<String>,
}

fn run_case(
    family: Family,
    table: &str,
    chain: &str,
    spec: &str,
    expected: Option<&str>,
) -> Result<(), String> {
    let text = format!("*{table}\n:{chain} - [0:0]\n-A {chain} {spec}\nCOMMIT\n");
    // User chains need declaring; built-in ones accept `-` as "keep the policy".
    let file = parse(&text, family);
    let problems: Vec<&str> = file
        .problems
        .iter()
        .filter(|p| matches!(p.kind, ProblemKind::Syntax | ProblemKind::Restore) && p.line == 3)
        .map(|p| p.message.as_str())
        .collect();
    match expected {
        None => {
            if problems.is_empty() {
                Err("accepted, but iptables refuses it".to_owned())
            } else {
                Ok(())
            }
        }
        Some(saved) => {
            if let Some(problem) = problems.first() {
                return Err(format!("refused: {problem}"));
            }
            let Some(LineKind::Command(command)) = file.lines.get(2).map(|l| &l.kind) else {
                return Err("not read as a command".to_owned());
            };
            let got = gblint_iptables::printer::specs(&command.rule).join(" ;; ");
            if got == saved {
                Ok(())
            } else {
                Err(format!("saved as `{got}`, expected `{saved}`"))
            }
        }
    }
}

#[test]
fn netfilter_t_golden_files() {
    let dir = gblint_tests::corpus_dir().join("iptables/netfilter-t");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .expect("netfilter-t")
        .map(|e| e.expect("entry").path())
        .collect();
    names.sort();
    assert_eq!(names.len(), 96, "expected the 96 shared .t files");
    let mut outcome = Outcome {
        passed: 0,
        failed: Vec::new(),
    };
    let mut skipped_nft = 0;
    for path in &names {
        let name = path
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        let family = if name.starts_with("libip6t_") {
            Family::V6
        } else {
            Family::V4
        };
        let text = std::fs::read_to_string(path).expect("read");
        let mut table = "filter".to_owned();
        let mut chains: Vec<String> = vec!["INPUT".into()];
        for line in text.lines() {
            if line.is_empty() || line.starts_with('#') || line.starts_with('@') {
                continue;
            }
            if let Some(t) = line.strip_prefix('*') {
                table = t.trim().to_owned();
                continue;
            }
            if let Some(list) = line.strip_prefix(':') {
                chains = list.split(',').map(|c| c.trim().to_owned()).collect();
                continue;
            }
            let fields: Vec<&str> = line.split(';').collect();
            if fields.len() < 3 {
                continue;
            }
            if fields.get(3).is_some_and(|f| f.trim() == "NFT") {
                skipped_nft += chains.len();
                continue;
            }
            let spec = fields[0];
            let ok = fields[2].trim() == "OK";
            let expected = if !ok {
                None
            } else if fields[1] == "=" {
                Some(spec)
            } else {
                Some(fields[1])
            };
            for chain in &chains {
                match run_case(family, &table, chain, spec, expected) {
                    Ok(()) => outcome.passed += 1,
                    Err(why) => outcome
                        .failed
                        .push(format!("{name} [{table} {chain}] {spec}: {why}")),
                }
            }
        }
    }
    let total = outcome.passed + outcome.failed.len();
    println!(
        "netfilter .t golden lines: {} passed of {total} ({skipped_nft} nft-only skipped)",
        outcome.passed
    );
    if std::env::var_os("GBLINT_SHOW_FAILURES").is_some() {
        for failure in &outcome.failed {
            println!("  {failure}");
        }
    }
    assert!(
        outcome.passed >= FLOOR,
        "pass count {} fell below the floor {FLOOR}",
        outcome.passed
    );
}
