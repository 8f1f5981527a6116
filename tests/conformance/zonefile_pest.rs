//! Zone files read twice: by gblint's hand-written parser and by an independent PEG grammar
//! (`crates/corefile/zone.pest`, walked here), over every zone file of the corpora, the
//! example deployment and the rule fixtures. Where gblint finds nothing wrong, the grammar must
//! read the same records (owner, TTL, class, type, RDATA words, line); where the grammar
//! refuses a file, gblint must report a problem in it.
//!
//! The two share no code: the grammar states the RFC 1035 §5.1 syntax, and the owner, TTL and
//! class rules (`@`, relative names, `$ORIGIN`, `$TTL`, carried-over values) are written again
//! below from the RFC, not taken from gblint.

use std::path::{Path, PathBuf};

use pest::iterators::Pair;
use pest::Parser;
use pest_derive::Parser;

#[derive(Parser)]
#[grammar = "../crates/corefile/zone.pest"]
struct ZoneGrammar;

/// One record as both parsers must agree on it: owner, TTL, class, type, RDATA, line.
type Row = (String, Option<u32>, String, String, Vec<String>, u32);

/// The zone files to compare: `*.zone` and `db.*` below each folder, sorted.
fn zone_files(dirs: &[PathBuf]) -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .collect();
        entries.sort();
        for path in entries {
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
            let name = name.unwrap_or_default();
            if path.is_dir() && !name.starts_with('.') {
                walk(&path, out);
            } else if name.ends_with(".zone") || name.starts_with("db.") {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    for dir in dirs {
        walk(dir, &mut out);
    }
    out
}

/// The origin a file is read with: its name without `.zone` or `db.` (both parsers get it).
fn origin_of(path: &Path) -> String {
    let name = path.file_name().unwrap().to_string_lossy();
    let stem = name
        .strip_suffix(".zone")
        .or_else(|| name.strip_prefix("db."))
        .unwrap_or(&name);
    format!("{}.", stem.trim_end_matches('.').to_ascii_lowercase())
}

/// RFC 1035 §5.1: `@` is the origin, a name without a final dot is relative to it.
fn absolute(name: &str, origin: &str) -> String {
    let name = name.to_ascii_lowercase();
    if name == "@" {
        origin.to_owned()
    } else if name.ends_with('.') {
        name
    } else if origin == "." {
        format!("{name}.")
    } else {
        format!("{name}.{origin}")
    }
}

/// A TTL: seconds, or BIND's unit form (`1h30m`, `30M`, `7D`).
fn ttl_seconds(text: &str) -> Option<u32> {
    let mut total: u64 = 0;
    let mut number: u64 = 0;
    for c in text.chars() {
        if let Some(digit) = c.to_digit(10) {
            number = number.checked_mul(10)?.checked_add(u64::from(digit))?;
            continue;
        }
        let unit = match c.to_ascii_lowercase() {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            'w' => 604_800,
            _ => return None,
        };
        total = total.checked_add(number.checked_mul(unit)?)?;
        number = 0;
    }
    u32::try_from(total.checked_add(number)?).ok()
}

/// The records the grammar reads from `text`, or why it refuses the file.
fn pest_records(text: &str, origin: &str) -> Result<Vec<Row>, String> {
    let zone = ZoneGrammar::parse(Rule::zone, text)
        .map_err(|e| e.to_string())?
        .next()
        .expect("one zone");
    let mut origin = origin.to_owned();
    let mut default_ttl: Option<u32> = None;
    let mut last_ttl: Option<u32> = None;
    let mut last_class = "IN".to_owned();
    let mut last_owner: Option<String> = None;
    let mut rows = Vec::new();
    let lines = zone
        .into_inner()
        .filter(|pair| pair.as_rule() == Rule::line);
    for item in lines.flat_map(Pair::into_inner) {
        match item.as_rule() {
            Rule::directive => {
                let directive = item.into_inner().next().expect("a directive");
                let rule = directive.as_rule();
                let value = directive.into_inner().next();
                match (rule, value) {
                    (Rule::origin_directive, Some(name)) => {
                        origin = absolute(name.as_str(), &origin);
                    }
                    (Rule::ttl_directive, Some(ttl)) => {
                        default_ttl = Some(ttl_seconds(ttl.as_str()).ok_or("bad $TTL")?);
                    }
                    _ => {}
                }
            }
            Rule::entry => {
                let line = u32::try_from(item.as_span().start_pos().line_col().0).unwrap();
                let mut owner = None;
                let mut fields = None;
                for part in item.into_inner() {
                    match part.as_rule() {
                        Rule::owner => owner = Some(absolute(part.as_str(), &origin)),
                        Rule::fields => fields = Some(part),
                        _ => {}
                    }
                }
                let owner = owner
                    .or_else(|| last_owner.clone())
                    .ok_or("an indented first entry has no owner")?;
                last_owner = Some(owner.clone());
                let (mut ttl, mut rtype, mut rdata) = (None, String::new(), Vec::new());
                for field in fields.expect("fields").into_inner() {
                    match field.as_rule() {
                        Rule::ttl => ttl = Some(ttl_seconds(field.as_str()).ok_or("bad TTL")?),
                        Rule::class => last_class = field.as_str().to_ascii_uppercase(),
                        Rule::rtype => rtype = field.as_str().to_ascii_uppercase(),
                        Rule::rdata => rdata.push(field.as_str().to_owned()),
                        Rule::group => rdata.extend(
                            field
                                .into_inner()
                                .filter(|word| word.as_rule() == Rule::rdata)
                                .map(|word| word.as_str().to_owned()),
                        ),
                        _ => {}
                    }
                }
                if ttl.is_some() {
                    last_ttl = ttl;
                }
                let ttl = ttl.or(default_ttl).or(last_ttl);
                rows.push((owner, ttl, last_class.clone(), rtype, rdata, line));
            }
            _ => {}
        }
    }
    Ok(rows)
}

#[test]
fn a_peg_grammar_reads_the_same_records_as_gblint() {
    let root = gblint_tests::workspace_root();
    let files = zone_files(&[
        gblint_tests::corpus_dir(),
        root.join("examples"),
        root.join("crates/lint/resources"),
    ]);
    let (mut compared, mut records, mut refused) = (0, 0, 0);
    let mut disagreements = Vec::new();
    let mut inputs = Vec::new();
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{e}"));
        let origin = origin_of(path);
        // Broken copies, so the refusing side is compared too: an unclosed parenthesis and
        // an unterminated quote.
        if let Some(close) = text.find(')') {
            let mut broken = text.clone();
            broken.remove(close);
            inputs.push((
                path.with_extension("unclosed-paren"),
                origin.clone(),
                broken,
            ));
        }
        if let Some(end) = text.find('\n') {
            let broken = format!(
                "{}\nbroken IN TXT \"unterminated\n{}",
                &text[..end],
                &text[end..]
            );
            inputs.push((
                path.with_extension("unterminated-quote"),
                origin.clone(),
                broken,
            ));
        }
        inputs.push((path.clone(), origin, text));
    }
    for (path, origin, text) in &inputs {
        let ours = gblint_corefile::zone::parse(text, origin);
        let theirs = pest_records(text, origin);
        match theirs {
            Err(error) if ours.problems.is_empty() => disagreements.push(format!(
                "{}: gblint reads it without a problem, the grammar refuses it: {error}",
                path.display()
            )),
            Err(_) => refused += 1,
            Ok(_) if !ours.problems.is_empty() => {}
            Ok(rows) => {
                let mine: Vec<Row> = ours
                    .records
                    .iter()
                    .map(|r| {
                        let fields = (r.owner.clone(), r.ttl, r.class.clone(), r.rtype.clone());
                        (
                            fields.0,
                            fields.1,
                            fields.2,
                            fields.3,
                            r.rdata.clone(),
                            r.line,
                        )
                    })
                    .collect();
                if mine != rows {
                    let first = mine.iter().zip(&rows).find(|(a, b)| a != b);
                    disagreements.push(format!(
                        "{}: {} records by gblint, {} by the grammar; first difference {first:?}",
                        path.display(),
                        mine.len(),
                        rows.len()
                    ));
                }
                compared += 1;
                records += rows.len();
            }
        }
    }
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
    eprintln!(
        "zone files: {} found, {} read; {compared} compared ({records} records), {refused} refused by both",
        files.len(),
        inputs.len()
    );
    // The corpora hold over ten clean zone files with over a hundred records: comparing fewer
    // means the files were not found, not that the parsers agree.
    assert!(
        compared >= 10 && records >= 100,
        "{compared} files, {records} records"
    );
    // Most broken copies must be refused by both (a `)` inside a comment or a TXT string
    // breaks nothing when removed).
    assert!(
        refused >= 10,
        "only {refused} broken copies refused by both"
    );
}
