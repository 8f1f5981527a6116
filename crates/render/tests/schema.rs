//! docs/inventory.schema.json and the serde model must describe the same inventory: the
//! example and a fixture that uses every key pass both, every schema property is used by
//! that fixture, and an unknown key fails both.

use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn schema() -> jsonschema::Validator {
    let text = std::fs::read_to_string(root().join("docs/inventory.schema.json")).expect("schema");
    let schema: serde_json::Value = serde_json::from_str(&text).expect("schema is JSON");
    jsonschema::validator_for(&schema).expect("schema compiles")
}

fn as_json(toml_text: &str) -> serde_json::Value {
    let value: toml::Value = toml::from_str(toml_text).expect("TOML");
    serde_json::to_value(value).expect("JSON")
}

fn errors(validator: &jsonschema::Validator, value: &serde_json::Value) -> Vec<String> {
    validator
        .iter_errors(value)
        .map(|e| format!("{e} at {}", e.instance_path))
        .collect()
}

/// Every property path the schema declares (`a.b.*.c`).
fn schema_paths(schema: &serde_json::Value, prefix: &str, out: &mut Vec<String>) {
    if let Some(props) = schema.get("properties").and_then(|p| p.as_object()) {
        for (key, sub) in props {
            let path = format!("{prefix}{key}");
            out.push(path.clone());
            schema_paths(sub, &format!("{path}."), out);
        }
    }
    if let Some(items) = schema.get("items") {
        schema_paths(items, prefix, out);
    }
    if let Some(extra) = schema.get("additionalProperties").filter(|v| v.is_object()) {
        schema_paths(extra, &format!("{prefix}*."), out);
    }
}

/// Every key path a JSON value uses.
fn value_paths(value: &serde_json::Value, prefix: &str, maps: &[&str], out: &mut Vec<String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, sub) in map {
                let dynamic = maps.iter().any(|m| format!("{m}.") == prefix);
                let segment = if dynamic { "*" } else { key.as_str() };
                let path = format!("{prefix}{segment}");
                if !dynamic {
                    out.push(path.clone());
                }
                value_paths(sub, &format!("{path}."), maps, out);
            }
        }
        serde_json::Value::Array(items) => {
            for item in items {
                value_paths(item, prefix, maps, out);
            }
        }
        _ => {}
    }
}

#[test]
fn example_inventory_matches_the_schema() {
    let text = std::fs::read_to_string(root().join("examples/pragmatismo.toml")).expect("example");
    assert_eq!(errors(&schema(), &as_json(&text)), Vec::<String>::new());
    gblint_render::parse_inventory(&text, "pragmatismo.toml").expect("serde and validation");
}

#[test]
fn every_schema_key_is_a_model_key() {
    let text = include_str!("fixtures/every-key.toml");
    let json = as_json(text);
    assert_eq!(errors(&schema(), &json), Vec::<String>::new());
    gblint_render::parse_inventory(text, "every-key.toml").expect("serde accepts every key");
    let schema_json: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("docs/inventory.schema.json")).expect("schema"),
    )
    .expect("JSON");
    let mut declared = Vec::new();
    schema_paths(&schema_json, "", &mut declared);
    let mut used = Vec::new();
    value_paths(
        &json,
        "",
        &["machines", "services", "code_repos"],
        &mut used,
    );
    used.sort();
    used.dedup();
    declared.sort();
    declared.dedup();
    let unused: Vec<_> = declared.iter().filter(|p| !used.contains(p)).collect();
    assert!(
        unused.is_empty(),
        "schema keys the fixture does not use: {unused:?}"
    );
    let undeclared: Vec<_> = used.iter().filter(|p| !declared.contains(p)).collect();
    assert!(
        undeclared.is_empty(),
        "fixture keys the schema lacks: {undeclared:?}"
    );
}

#[test]
fn unknown_keys_fail_both() {
    let text = format!(
        "{}\n[coredns]\nforwarder = [\"1.1.1.1\"]\n",
        std::fs::read_to_string(root().join("examples/pragmatismo.toml")).expect("example")
    );
    assert!(!errors(&schema(), &as_json(&text)).is_empty());
    let error = gblint_render::parse_inventory(&text, "inv.toml").expect_err("serde refuses");
    assert!(
        error
            .to_string()
            .contains("unknown key `forwarder` in [coredns]; did you mean `forwarders`?"),
        "{error}"
    );
}
