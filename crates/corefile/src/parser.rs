//! Server blocks, as CoreDNS's Caddy v1 parser reads them: keys on the first line (a trailing
//! comma continues them), a `{ … }` block of directives (or, for a single block, none), one
//! directive per line, `import` with exactly one argument (a snippet or a file glob),
//! `(name)` snippets, and keyless blocks, which CoreDNS parses and drops. Every error is
//! collected; after one, parsing resumes at the next top-level block.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use gblint_diagnostics::TextRange;

use crate::lexer::{next_on_new_line, substitute_env, tokenize, Token};

/// A directive with its tokens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Directive {
    /// The plugin name.
    pub name: Token,
    /// Every token after the name up to the end of the directive (braces included).
    pub tokens: Vec<Token>,
}

impl Directive {
    /// Arguments on the directive's own line (before any `{`).
    pub fn args(&self) -> Vec<&Token> {
        self.tokens
            .iter()
            .take_while(|t| t.text != "{" && !next_on_new_line(&self.name, t))
            .collect()
    }

    /// The lines inside the directive's block, each as its tokens (nested blocks flattened
    /// into their line).
    pub fn block_lines(&self) -> Vec<Vec<&Token>> {
        let Some(open) = self.tokens.iter().position(|t| t.text == "{") else {
            return Vec::new();
        };
        let mut lines: Vec<Vec<&Token>> = Vec::new();
        let mut depth = 0;
        let mut previous: Option<&Token> = None;
        for token in &self.tokens[open + 1..] {
            if token.text == "}" && depth == 0 {
                break;
            }
            if token.text == "{" {
                depth += 1;
            } else if token.text == "}" {
                depth -= 1;
            }
            let new_line = previous.is_none_or(|p| next_on_new_line(p, token)) && depth == 0;
            if new_line || lines.is_empty() {
                lines.push(Vec::new());
            }
            if let Some(line) = lines.last_mut() {
                line.push(token);
            }
            previous = Some(token);
        }
        lines
    }

    /// The whole directive's range (name to last token).
    pub fn range(&self) -> TextRange {
        self.tokens
            .last()
            .map_or(self.name.range, |last| self.name.range.cover(last.range))
    }
}

/// A server block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerBlock {
    /// Keys as written (trailing commas removed, env substituted).
    pub keys: Vec<Token>,
    /// Directives in order.
    pub directives: Vec<Directive>,
    /// `{`, when written.
    pub open_brace: Option<Token>,
    /// `}`, when written.
    pub close_brace: Option<Token>,
}

impl ServerBlock {
    /// Directives called `name`.
    pub fn directive<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Directive> + 'a {
        self.directives.iter().filter(move |d| d.name.text == name)
    }
}

/// A parse error, with CoreDNS's wording.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// Message.
    pub message: String,
    /// Where.
    pub range: TextRange,
    /// 1-based line.
    pub line: u32,
    /// Index of the file in [`Corefile::files`] it is in.
    pub file: usize,
}

/// A parsed Corefile (with its imported files).
#[derive(Clone, Debug)]
pub struct Corefile {
    /// The root file and every imported file: (path as resolved, text).
    pub files: Vec<(PathBuf, String)>,
    /// Server blocks with keys (keyless blocks are dropped, as CoreDNS does).
    pub blocks: Vec<ServerBlock>,
    /// Errors.
    pub errors: Vec<ParseError>,
    /// For each token of the blocks, which file it is in: `(block, directive)` → file index is
    /// not needed by rules, so tokens carry ranges into file 0 unless imported; see
    /// [`Corefile::token_file`].
    token_files: HashMap<(u32, u32), usize>,
}

impl Corefile {
    /// The index of the file a token came from (0 = the root file).
    pub fn token_file(&self, token: &Token) -> usize {
        self.token_files
            .get(&(token.range.start(), token.range.end()))
            .copied()
            .unwrap_or(0)
    }
}

/// Finds the kind of secret a file holds, from its path and bytes (`None`: none).
pub type SecretScan = fn(&Path, &[u8]) -> Option<&'static str>;

/// How imports are read.
pub struct ImportOptions<'a> {
    /// Folder relative imports resolve against (the Corefile's folder).
    pub base: Option<PathBuf>,
    /// Imports must stay inside this folder.
    pub fence: Option<PathBuf>,
    /// Environment for `{$VAR}`/`{%VAR%}`.
    pub env: &'a dyn Fn(&str) -> Option<String>,
    /// Largest file an import may read; larger ones are an error, not a read.
    pub max_file_bytes: u64,
    /// What secret an imported file holds, from its path and bytes (gblint's GBL002 scan):
    /// such a file is not read into the Corefile; the import is an error naming only the
    /// kind of secret.
    pub secret_scan: Option<SecretScan>,
}

/// Parse `text` (the root Corefile at `path`).
pub fn parse(path: &Path, text: &str, options: &ImportOptions<'_>) -> Corefile {
    let mut files = vec![(path.to_path_buf(), text.to_owned())];
    let mut token_files = HashMap::new();
    let mut errors = Vec::new();
    let tokens: Vec<Token> = tokenize(text)
        .into_iter()
        .map(|mut t| {
            t.text = substitute_env(&t.text, options.env);
            t
        })
        .collect();
    // Expand imports first (snippets are defined at the top level, before use).
    let mut snippets: HashMap<String, Vec<Token>> = HashMap::new();
    let mut expanded = Vec::with_capacity(tokens.len());
    expand(
        &tokens,
        0,
        &mut files,
        &mut token_files,
        &mut snippets,
        &mut expanded,
        &mut errors,
        options,
        0,
        &mut MAX_IMPORTS.clone(),
    );
    let blocks = parse_blocks(&expanded, &mut errors, &token_files);
    Corefile {
        files,
        blocks,
        errors,
        token_files,
    }
}

const MAX_IMPORT_DEPTH: usize = 100;

/// Imports (files and snippets) one parse may expand in all. Depth alone does not bound the
/// work: a glob that matches the importing file, or a snippet importing itself twice, doubles
/// at every level (2^100 expansions), so gblint stops at a total, as CoreDNS caps file imports.
const MAX_IMPORTS: usize = 10_000;

#[allow(clippy::too_many_arguments)]
fn expand(
    tokens: &[Token],
    file: usize,
    files: &mut Vec<(PathBuf, String)>,
    token_files: &mut HashMap<(u32, u32), usize>,
    snippets: &mut HashMap<String, Vec<Token>>,
    out: &mut Vec<Token>,
    errors: &mut Vec<ParseError>,
    options: &ImportOptions<'_>,
    depth: usize,
    budget: &mut usize,
) {
    let error = |errors: &mut Vec<ParseError>, message: String, token: &Token| {
        errors.push(ParseError {
            message,
            range: token.range,
            line: token.line,
            file,
        })
    };
    let mut i = 0;
    let mut nesting = 0usize;
    while i < tokens.len() {
        let token = &tokens[i];
        let starts_line = i == 0 || next_on_new_line(&tokens[i - 1], token);
        // A snippet definition at the top level: `(name) { … }`.
        if nesting == 0
            && starts_line
            && token.text.starts_with('(')
            && token.text.ends_with(')')
            && token.text.len() > 2
            && tokens.get(i + 1).is_some_and(|t| t.text == "{")
        {
            {
                let name = token.text[1..token.text.len() - 1].to_owned();
                let mut depth_in = 0;
                let mut j = i + 1;
                let mut body = Vec::new();
                while j < tokens.len() {
                    let t = &tokens[j];
                    if t.text == "{" {
                        depth_in += 1;
                        if depth_in == 1 {
                            j += 1;
                            continue;
                        }
                    } else if t.text == "}" {
                        depth_in -= 1;
                        if depth_in == 0 {
                            break;
                        }
                    }
                    body.push(t.clone());
                    j += 1;
                }
                if j >= tokens.len() {
                    error(errors, "unexpected EOF".into(), token);
                }
                snippets.insert(name, body);
                i = j + 1;
                continue;
            }
        }
        if token.text == "{" {
            nesting += 1;
        } else if token.text == "}" {
            nesting = nesting.saturating_sub(1);
        }
        if token.text == "import" && starts_line {
            let args: Vec<&Token> = tokens[i + 1..]
                .iter()
                .take_while(|t| !next_on_new_line(token, t))
                .collect();
            i += 1 + args.len();
            if args.len() != 1 {
                let message = if args.is_empty() {
                    "Wrong argument count or unexpected line ending after 'import'".to_owned()
                } else {
                    "Import takes only one argument (glob pattern or file)".to_owned()
                };
                error(errors, message, token);
                continue;
            }
            if depth >= MAX_IMPORT_DEPTH {
                error(
                    errors,
                    "maximum import depth exceeded (import cycle?)".into(),
                    token,
                );
                continue;
            }
            if *budget == 0 {
                // Reported once, where the budget ran out.
                continue;
            }
            *budget -= 1;
            if *budget == 0 {
                error(
                    errors,
                    format!("more than {MAX_IMPORTS} imports expanded (an import cycle, or a glob that matches the importing file?)"),
                    token,
                );
                continue;
            }
            let pattern = args[0].text.clone();
            if let Some(body) = snippets.get(&pattern).cloned() {
                // Snippet tokens take the import's line so they form lines of their own.
                expand(
                    &body,
                    file,
                    files,
                    token_files,
                    snippets,
                    out,
                    errors,
                    options,
                    depth + 1,
                    budget,
                );
                continue;
            }
            import_files(
                &pattern,
                args[0],
                file,
                files,
                token_files,
                snippets,
                out,
                errors,
                options,
                depth,
                budget,
            );
            continue;
        }
        out.push(token.clone());
        i += 1;
    }
}

#[allow(clippy::too_many_arguments)]
fn import_files(
    pattern: &str,
    at: &Token,
    file: usize,
    files: &mut Vec<(PathBuf, String)>,
    token_files: &mut HashMap<(u32, u32), usize>,
    snippets: &mut HashMap<String, Vec<Token>>,
    out: &mut Vec<Token>,
    errors: &mut Vec<ParseError>,
    options: &ImportOptions<'_>,
    depth: usize,
    budget: &mut usize,
) {
    let error = |errors: &mut Vec<ParseError>, message: String| {
        errors.push(ParseError {
            message,
            range: at.range,
            line: at.line,
            file,
        })
    };
    if pattern.matches('*').count() > 1 {
        error(
            errors,
            format!("Glob pattern may only contain one wildcard (*), but has others: {pattern}"),
        );
        return;
    }
    let Some(base) = options.base.clone() else {
        error(
            errors,
            format!("File to import not found: {pattern} (standard input has no folder)"),
        );
        return;
    };
    let full = if Path::new(pattern).is_absolute() {
        PathBuf::from(pattern)
    } else {
        base.join(pattern)
    };
    let mut matches: Vec<PathBuf> = if pattern.contains('*') {
        let dir = full.parent().map(Path::to_path_buf).unwrap_or_default();
        let name = full
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let (prefix, suffix) = name.split_once('*').unwrap_or((&name, ""));
        std::fs::read_dir(&dir)
            .map(|entries| {
                entries
                    .filter_map(Result::ok)
                    .map(|e| e.path())
                    .filter(|p| {
                        p.file_name().is_some_and(|n| {
                            let n = n.to_string_lossy();
                            n.starts_with(prefix)
                                && n.ends_with(suffix)
                                && n.len() >= prefix.len() + suffix.len()
                        })
                    })
                    .collect()
            })
            .unwrap_or_default()
    } else if full.is_file() {
        vec![full.clone()]
    } else {
        Vec::new()
    };
    matches.sort();
    if matches.is_empty() && !pattern.contains('*') {
        error(errors, format!("File to import not found: {pattern}"));
        return;
    }
    for path in matches {
        let canonical = std::fs::canonicalize(&path).unwrap_or(path.clone());
        if let Some(fence) = &options.fence {
            if !canonical.starts_with(fence) {
                error(
                    errors,
                    format!(
                        "import of '{pattern}' resolves to {}, outside the checked root {}",
                        canonical.display(),
                        fence.display()
                    ),
                );
                continue;
            }
        }
        // Only regular files (a FIFO or a device such as `/dev/zero` would block or never
        // end), and never more than the limit, even from a file that grows meanwhile.
        let text = match gblint_diagnostics::read::read_limited(&canonical, options.max_file_bytes)
        {
            Ok(bytes) => {
                if let Some(secret) = options
                    .secret_scan
                    .and_then(|scan| scan(&canonical, &bytes))
                {
                    error(
                        errors,
                        format!(
                            "Could not import {}: it holds {secret} (GBL002); gblint does not read or show it",
                            path.display()
                        ),
                    );
                    continue;
                }
                match String::from_utf8(bytes) {
                    Ok(text) => text,
                    Err(_) => {
                        error(errors, format!("Could not import {}", path.display()));
                        continue;
                    }
                }
            }
            Err(err) if err.is_too_large() => {
                error(
                    errors,
                    format!("Could not import {}: {err}", path.display()),
                );
                continue;
            }
            Err(
                gblint_diagnostics::read::ReadError::NotRegular
                | gblint_diagnostics::read::ReadError::Directory,
            ) => {
                error(
                    errors,
                    format!("Could not import {}: not a regular file", path.display()),
                );
                continue;
            }
            Err(_) => {
                error(errors, format!("Could not import {}", path.display()));
                continue;
            }
        };
        let index = files.len();
        files.push((path.clone(), text.clone()));
        let tokens: Vec<Token> = tokenize(&text)
            .into_iter()
            .map(|mut t| {
                t.text = substitute_env(&t.text, options.env);
                t
            })
            .collect();
        for t in &tokens {
            token_files.insert((t.range.start(), t.range.end()), index);
        }
        expand(
            &tokens,
            index,
            files,
            token_files,
            snippets,
            out,
            errors,
            options,
            depth + 1,
            budget,
        );
    }
}

fn parse_blocks(
    tokens: &[Token],
    errors: &mut Vec<ParseError>,
    token_files: &HashMap<(u32, u32), usize>,
) -> Vec<ServerBlock> {
    let file_of = |t: &Token| {
        token_files
            .get(&(t.range.start(), t.range.end()))
            .copied()
            .unwrap_or(0)
    };
    let mut blocks = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let start = i;
        match parse_block(tokens, &mut i) {
            Ok(block) => {
                if !block.keys.is_empty() {
                    blocks.push(block);
                }
            }
            Err((message, at)) => {
                let token = &tokens[at.min(tokens.len() - 1)];
                errors.push(ParseError {
                    message,
                    range: token.range,
                    line: token.line,
                    file: file_of(token),
                });
                // Resume after the block the error is in: skip to the end of the top level.
                let mut depth = 0i32;
                let mut j = start;
                while j < tokens.len() {
                    match tokens[j].text.as_str() {
                        "{" => depth += 1,
                        "}" => {
                            depth -= 1;
                            if depth <= 0 {
                                j += 1;
                                break;
                            }
                        }
                        _ => {}
                    }
                    j += 1;
                }
                i = j.max(at + 1).max(start + 1);
            }
        }
    }
    blocks
}

type PResult<T> = Result<T, (String, usize)>;

fn parse_block(tokens: &[Token], i: &mut usize) -> PResult<ServerBlock> {
    let mut keys: Vec<Token> = Vec::new();
    let mut expecting_another = false;
    // Keys.
    loop {
        let token = &tokens[*i];
        if token.text == "{" {
            if expecting_another {
                return Err((
                    "Expected another address but had '{' - check for extra comma".into(),
                    *i,
                ));
            }
            break;
        }
        if token.text == "}" {
            return Err((
                "Unexpected '}' because no matching opening brace".into(),
                *i,
            ));
        }
        let mut key = token.clone();
        if let Some(stripped) = key.text.strip_suffix(',') {
            key.text = stripped.to_owned();
            expecting_another = true;
        } else {
            expecting_another = false;
        }
        if !key.text.is_empty() {
            keys.push(key);
        }
        *i += 1;
        if *i >= tokens.len() {
            if expecting_another {
                return Err(("unexpected EOF".into(), *i - 1));
            }
            return Ok(ServerBlock {
                keys,
                directives: Vec::new(),
                open_brace: None,
                close_brace: None,
            });
        }
        if !expecting_another && next_on_new_line(&tokens[*i - 1], &tokens[*i]) {
            break;
        }
    }
    // Block contents: with braces, or (a single block) without.
    let open_brace = (tokens[*i].text == "{").then(|| tokens[*i].clone());
    if open_brace.is_some() {
        *i += 1;
    }
    let mut directives = Vec::new();
    let mut close_brace = None;
    while *i < tokens.len() {
        let token = &tokens[*i];
        if token.text == "}" {
            if open_brace.is_none() {
                return Err((
                    "Unexpected '}' because no matching opening brace".into(),
                    *i,
                ));
            }
            close_brace = Some(token.clone());
            *i += 1;
            break;
        }
        if open_brace.is_none() && directives.is_empty() && token.text == "{" {
            return Err(("Unexpected '{'".into(), *i));
        }
        directives.push(parse_directive(tokens, i)?);
    }
    if open_brace.is_some() && close_brace.is_none() {
        return Err(("unexpected EOF".into(), tokens.len() - 1));
    }
    Ok(ServerBlock {
        keys,
        directives,
        open_brace,
        close_brace,
    })
}

fn parse_directive(tokens: &[Token], i: &mut usize) -> PResult<Directive> {
    let name = tokens[*i].clone();
    *i += 1;
    let mut nesting = 0usize;
    let mut out = Vec::new();
    while *i < tokens.len() {
        let token = &tokens[*i];
        if token.text == "{" {
            nesting += 1;
        } else if nesting == 0 && next_on_new_line(&tokens[*i - 1], token) {
            break;
        } else if token.text == "}" && nesting > 0 {
            nesting -= 1;
        } else if token.text == "}" {
            return Err((
                "Unexpected '}' because no matching opening brace".into(),
                *i,
            ));
        }
        out.push(token.clone());
        *i += 1;
    }
    if nesting > 0 {
        return Err(("unexpected EOF".into(), tokens.len() - 1));
    }
    Ok(Directive { name, tokens: out })
}
