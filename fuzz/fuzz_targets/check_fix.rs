//! The whole engine with fixes, as `gblint check --fix --unsafe` runs it on standard input,
//! with every rule selected (`--select ALL`):
//! * checking and fixing never panic (and never fail: the input is one in-memory file);
//! * the fix loop converges: fixing the fixed text again changes nothing;
//! * the fixed text has no syntax-error finding (`*000`: CDY000, IPT000, DNS000, …) that the
//!   original did not have.
//!
//! Input: one selector byte, then the file. The selector (mod 4) names the file `Caddyfile`,
//! `rules.v4`, `Corefile` or `rules.v6`, in a scratch folder created once per process (the
//! file itself is never written; imports resolve, fenced, in that empty folder). The bytes
//! go through the engine's own decoding (`discovery::decode`), as a file read from disk would.
#![no_main]

use std::collections::BTreeSet;
use std::path::Path;

use gblint_fuzz::{env, scratch_dir, MAX_INPUT};
use gblint_lint::fix::{fix, Target};
use gblint_lint::{check, CheckOptions, Input, Settings};
use libfuzzer_sys::fuzz_target;

fn syntax_codes(name: &Path, text: &str, options: &CheckOptions<'_>) -> BTreeSet<&'static str> {
    let input = Input::Stdin {
        name: name.to_path_buf(),
        text: text.to_owned(),
    };
    check(&[input], options)
        .expect("check runs")
        .diagnostics
        .iter()
        .filter(|d| d.code.ends_with("000"))
        .map(|d| d.code)
        .collect()
}

fuzz_target!(|data: &[u8]| {
    if data.is_empty() || data.len() > MAX_INPUT {
        return;
    }
    let name = match data[0] % 4 {
        0 => "Caddyfile",
        1 => "rules.v4",
        2 => "Corefile",
        _ => "rules.v6",
    };
    let (text, _problem) = gblint_lint::discovery::decode(data[1..].to_vec());
    let path = scratch_dir("check_fix").join(name);
    let env_lookup = |name: &str| env(name);
    let mut options = CheckOptions::new(Settings::default(), &env_lookup);
    options.select = Some(vec!["ALL".to_owned()]);

    let input = Input::Stdin {
        name: path.clone(),
        text: text.clone(),
    };
    let outcome = fix(&[input], &options, true).expect("fix runs");
    let _ = outcome.fixed();
    let Some(change) = outcome.changes.iter().find(|c| c.target == Target::Stdin) else {
        return;
    };
    assert_eq!(change.original.text(), Some(text.as_str()));
    let fixed = change.fixed.clone();
    let _ = gblint_lint::fix::unified_diff(change);

    let again = fix(
        &[Input::Stdin {
            name: path.clone(),
            text: fixed.to_string(),
        }],
        &options,
        true,
    )
    .expect("fix runs");
    if let Some(change) = again.changes.first() {
        panic!(
            "fixing does not converge: a second pass applies {:?}\n--- original\n{text}\n--- first pass\n{fixed}\n--- second pass\n{}",
            change.applied, change.fixed
        );
    }

    let before = syntax_codes(&path, &text, &options);
    let after = syntax_codes(&path, &fixed, &options);
    let new: Vec<_> = after.difference(&before).collect();
    assert!(
        new.is_empty(),
        "the fixed text has syntax errors {new:?} the original did not have\n--- original\n{text}\n--- fixed\n{fixed}"
    );
});
