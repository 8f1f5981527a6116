//! Check a tree and print its findings as JSON:
//! `cargo run -p gblint --example embed -- examples/pragmatismo`.
//! Exits 1 when a finding is an error, as `gblint check` does.

use std::io::Write;

/// Check `path`, write the findings to `out` as JSON; whether any is an error.
fn embed(path: &str, out: &mut dyn Write) -> Result<bool, Box<dyn std::error::Error>> {
    let report = gblint::Linter::discover(path)?.check()?;
    out.write_all(report.to_json().as_bytes())?;
    Ok(report.fails(gblint::Severity::Error))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).unwrap_or_else(|| ".".to_owned());
    if embed(&path, &mut std::io::stdout().lock())? {
        std::process::exit(1);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn embeds_the_example_deployment() {
        let example = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/pragmatismo");
        let mut out = Vec::new();
        let failed = super::embed(example, &mut out).expect("the example checks");
        let findings: Vec<gblint::Diagnostic> =
            serde_json::from_slice(&out).expect("the output is gblint's JSON");
        // The example deployment is kept clean.
        assert!(!failed);
        assert!(findings
            .iter()
            .all(|d| d.severity != gblint::Severity::Error));
    }
}
