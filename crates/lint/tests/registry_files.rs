//! The registry and the rule files cannot drift apart: every `declare_rule!` under
//! `src/rules/**` is in `registry::all()`, and every registered rule is declared in a file
//! there. A rule file that compiles but is never registered would otherwise never run.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use gblint_lint::registry;

/// Every `.rs` file below `dir`.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read rules folder") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            out.push(path);
        }
    }
}

/// The codes `declare_rule!` declares in `text`: the `code: "…"` after each invocation.
fn declared_codes(text: &str) -> Vec<String> {
    text.split("declare_rule! {")
        .skip(1)
        .filter_map(|after| {
            let start = after.find("code: \"")? + "code: \"".len();
            let len = after[start..].find('"')?;
            Some(after[start..start + len].to_owned())
        })
        .collect()
}

/// Code → the file that declares it, relative to `src/rules`.
fn declared() -> BTreeMap<String, String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/rules");
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    let mut codes = BTreeMap::new();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("read rule file");
        let name = file
            .strip_prefix(&root)
            .expect("below rules")
            .to_string_lossy()
            .replace('\\', "/");
        let found = declared_codes(&text);
        assert_eq!(
            found.len(),
            text.matches("declare_rule! {").count(),
            "{name}: a declare_rule! without a code"
        );
        for code in found {
            if let Some(other) = codes.insert(code.clone(), name.clone()) {
                panic!("{code} is declared in both {other} and {name}");
            }
        }
    }
    codes
}

#[test]
fn every_rule_file_is_registered_and_every_registered_rule_has_its_file() {
    let declared = declared();
    let registered: BTreeMap<String, &str> = registry::all()
        .iter()
        .map(|rule| (rule.meta().code.to_owned(), rule.meta().name))
        .collect();
    let unregistered: Vec<String> = declared
        .iter()
        .filter(|(code, _)| !registered.contains_key(*code))
        .map(|(code, file)| format!("{code} ({file})"))
        .collect();
    assert!(
        unregistered.is_empty(),
        "declared but not in registry::all() (add them to src/registry.rs): {unregistered:?}"
    );
    let fileless: Vec<&String> = registered
        .keys()
        .filter(|code| !declared.contains_key(*code))
        .collect();
    assert!(
        fileless.is_empty(),
        "registered but declared in no file under src/rules: {fileless:?}"
    );
}

#[test]
fn the_declaration_scan_reads_codes() {
    let text =
        "declare_rule! {\n    /// doc\n    pub struct A {\n        code: \"ABC001\",\n    }\n}\n\
                declare_rule! { pub struct B { code: \"ABC002\", } }";
    assert_eq!(declared_codes(text), ["ABC001", "ABC002"]);
    assert!(declared_codes("fn main() {}").is_empty());
}
