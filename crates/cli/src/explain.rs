//! `gblint explain CODE`.

use std::io::Write;
use std::process::ExitCode;

use gblint::unstable::lint::registry;
use gblint::unstable::lint::settings::did_you_mean;

use crate::args::ExplainArgs;

pub fn run(args: &ExplainArgs) -> anyhow::Result<ExitCode> {
    // A name shared by several formats (`syntax-error`) must be asked for by code.
    let named: Vec<&str> = registry::all()
        .iter()
        .filter(|rule| rule.meta().name == args.code)
        .map(|rule| rule.meta().code)
        .collect();
    if named.len() > 1 {
        anyhow::bail!(
            "`{}` names {} rules ({}); ask for one by code",
            args.code,
            named.len(),
            named.join(", ")
        );
    }
    let rule = registry::by_code(&args.code)
        .or_else(|| {
            registry::all()
                .iter()
                .copied()
                .find(|rule| rule.meta().name == args.code)
        })
        .ok_or_else(|| {
            let candidates = registry::all()
                .iter()
                .flat_map(|rule| [rule.meta().code, rule.meta().name]);
            anyhow::Error::msg(format!(
                "unknown rule `{}`{}",
                args.code,
                did_you_mean(&args.code, candidates)
            ))
        })?;
    let info = gblint::rule(rule.meta().code).expect("a registered rule has metadata");
    write!(std::io::stdout().lock(), "{}", info.explain())?;
    Ok(ExitCode::SUCCESS)
}
