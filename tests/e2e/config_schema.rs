//! `docs/gblint.schema.json` describes exactly the keys `gblint.toml` accepts, and the example
//! configuration validates against it.

use gblint_lint::settings::KNOWN_KEYS;
use gblint_tests::workspace_root;
use serde_json::Value;

fn schema() -> Value {
    serde_json::from_str(
        &std::fs::read_to_string(workspace_root().join("docs/gblint.schema.json")).expect("schema"),
    )
    .expect("json")
}

fn properties<'a>(schema: &'a Value, table: &str) -> Vec<&'a str> {
    let mut node = schema;
    for part in table.split('.').filter(|p| !p.is_empty()) {
        node = if part == "*" {
            &node["additionalProperties"]
        } else {
            &node["properties"][part]
        };
    }
    let mut keys: Vec<&str> = node["properties"]
        .as_object()
        .expect("properties")
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    keys
}

#[test]
fn schema_and_config_reader_know_the_same_keys() {
    let schema = schema();
    for (table, keys) in KNOWN_KEYS {
        let mut expected: Vec<&str> = keys.to_vec();
        expected.sort_unstable();
        assert_eq!(properties(&schema, table), expected, "table [{table}]");
    }
}

#[test]
fn example_config_validates_and_typos_do_not() {
    let validator = jsonschema::validator_for(&schema()).expect("schema compiles");
    let text = std::fs::read_to_string(workspace_root().join("examples/pragmatismo/gblint.toml"))
        .expect("config");
    let config: toml::Value = toml::from_str(&text).expect("toml");
    let json = serde_json::to_value(config).expect("json");
    assert!(
        validator.is_valid(&json),
        "{:?}",
        validator
            .iter_errors(&json)
            .map(|e| e.to_string())
            .collect::<Vec<_>>()
    );
    let typo: toml::Value = toml::from_str("[caddy]\nstorage_root = \"/x\"\n").expect("toml");
    assert!(!validator.is_valid(&serde_json::to_value(typo).expect("json")));
}

#[test]
fn exclude_and_per_path_ignores_validate_and_are_read() {
    let validator = jsonschema::validator_for(&schema()).expect("schema compiles");
    let text = "exclude = [\"tenants/retired-*\", \"*.orig\"]\n[per-path-ignores]\n\"*/jail.d/*.conf\" = [\"F2B005\"]\n\"tenants/lab/**\" = [\"security\", \"CDY\"]\n";
    let config: toml::Value = toml::from_str(text).expect("toml");
    let json = serde_json::to_value(config).expect("json");
    assert!(
        validator.is_valid(&json),
        "{:?}",
        validator
            .iter_errors(&json)
            .map(|e| e.to_string())
            .collect::<Vec<_>>()
    );
    gblint_lint::Settings::parse(text).expect("the reader accepts what the schema accepts");
    for bad in [
        "exclude = \"x\"\n",
        "[per-path-ignores]\n\"x\" = \"F2B005\"\n",
    ] {
        let config: toml::Value = toml::from_str(bad).expect("toml");
        assert!(
            !validator.is_valid(&serde_json::to_value(config).expect("json")),
            "{bad}"
        );
        assert!(gblint_lint::Settings::parse(bad).is_err(), "{bad}");
    }
}
