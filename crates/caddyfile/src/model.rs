//! The typed view: global options, sites with parsed addresses, snippets, named routes and
//! directives with arguments and sub-blocks — built from Caddy's server blocks, so it is exactly
//! what Caddy's HTTP adapter would interpret. Every element keeps its tokens, and so its file,
//! span and import chain.

use std::sync::Arc;

use gblint_diagnostics::{FileId, TextRange};

use crate::address::{
    check_address, check_view, cut_len, parse_address_text, parse_parts, Address, AddressView,
    Parts,
};
use crate::parser::{ParseError, ParseErrorKind, ServerBlock};
use crate::token::{is_next_on_new_line, CaddyToken};

/// Blocks nested deeper than this are not turned into directives (the tokens stay in the
/// server block); it keeps the typed view's recursion bounded on hostile input.
pub const MAX_DIRECTIVE_DEPTH: usize = 128;

/// A directive (or a global option, or a subdirective): a name, its arguments, and an
/// optional block of nested directives.
///
/// The view is built once and read for the whole run, so it is laid out for size. Most
/// directives have at most one argument and no block (`encode gzip`, `log`,
/// `reverse_proxy host:port`): such a directive is its name token and that argument, inline,
/// with no heap block of its own (48 bytes). Only a directive with more arguments or a block
/// keeps them behind one pointer: a boxed slice of arguments (no growth room) and the block,
/// its braces and nested directives. Read the arguments through [`Directive::args`].
#[derive(Clone, Debug)]
pub struct Directive {
    /// The first token of the line.
    pub name: CaddyToken,
    /// The arguments and block.
    tail: Tail,
}

/// What follows a directive's name.
#[derive(Clone, Debug)]
enum Tail {
    /// Nothing: no argument, no block.
    Bare,
    /// One argument and no block.
    One(CaddyToken),
    /// Two or more arguments, or a block.
    More(Box<MoreTail>),
}

/// The arguments and block of a directive that has more than one argument or a block.
#[derive(Clone, Debug)]
struct MoreTail {
    args: Box<[CaddyToken]>,
    block: Option<DirectiveBlock>,
}

/// A directive's block: its braces and the directives inside.
#[derive(Clone, Debug)]
struct DirectiveBlock {
    open_brace: CaddyToken,
    close_brace: Option<CaddyToken>,
    directives: Box<[Directive]>,
}

impl Directive {
    /// A directive of `name`, `args` and `block`, laid out as [`Directive`] says.
    fn new(name: CaddyToken, args: Args, block: Option<DirectiveBlock>) -> Self {
        let tail = match (args, block) {
            (Args::None, None) => Tail::Bare,
            (Args::One(arg), None) => Tail::One(arg),
            (args, block) => Tail::More(Box::new(MoreTail {
                args: args.into_boxed_slice(),
                block,
            })),
        };
        Directive { name, tail }
    }

    /// The directive's name.
    pub fn name(&self) -> &str {
        &self.name.text
    }

    /// Tokens after the name on the same line, before a block opens (and any after it closes).
    pub fn args(&self) -> &[CaddyToken] {
        match &self.tail {
            Tail::Bare => &[],
            Tail::One(arg) => std::slice::from_ref(arg),
            Tail::More(more) => &more.args,
        }
    }

    /// Argument texts.
    pub fn arg_texts(&self) -> impl Iterator<Item = &str> {
        self.args().iter().map(|token| &*token.text)
    }

    fn directive_block(&self) -> Option<&DirectiveBlock> {
        match &self.tail {
            Tail::More(more) => more.block.as_ref(),
            Tail::Bare | Tail::One(_) => None,
        }
    }

    /// The opening `{`, when the directive has a block.
    pub fn open_brace(&self) -> Option<&CaddyToken> {
        self.directive_block().map(|block| &block.open_brace)
    }

    /// The closing `}`, when the directive has a block and it is closed.
    pub fn close_brace(&self) -> Option<&CaddyToken> {
        self.directive_block()
            .and_then(|block| block.close_brace.as_ref())
    }

    /// Nested directives (empty without a block).
    pub fn block(&self) -> &[Directive] {
        self.directive_block()
            .map_or(&[], |block| &block.directives[..])
    }

    /// Nested directives with this name.
    pub fn sub<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Directive> + 'a {
        self.block().iter().filter(move |d| &*d.name.text == name)
    }

    /// Bytes from the name through the closing brace (or last argument), when all of them are
    /// in the name's file; otherwise the name's bytes.
    pub fn range(&self) -> TextRange {
        let mut range = self.name.range();
        let file = self.name.file();
        let last = self.close_brace().or(self.args().last());
        if let Some(last) = last {
            if last.file() == file && last.range().end() >= range.start() {
                range = range.cover(last.range());
            }
        }
        range
    }

    /// The file of the name token.
    pub fn file(&self) -> FileId {
        self.name.file()
    }
}

/// The global options block.
#[derive(Clone, Debug)]
pub struct GlobalOptions {
    /// The opening `{`.
    pub open_brace: CaddyToken,
    /// The closing `}`.
    pub close_brace: Option<CaddyToken>,
    /// The options in order.
    pub options: Box<[Directive]>,
}

impl GlobalOptions {
    /// Options with this name.
    pub fn option<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Directive> + 'a {
        self.options.iter().filter(move |d| &*d.name.text == name)
    }
}

/// One site address key, parsed.
///
/// The parsed address is not stored whole: its text is the key token's, so only where its parts
/// lie in it is kept (a site address is 40 bytes, where the token and an address with its own
/// handle on the same text were 56). [`SiteAddress::parsed`] puts the two together.
#[derive(Clone, Debug)]
pub struct SiteAddress {
    /// The key token (its text without a trailing comma).
    pub token: CaddyToken,
    /// Where the address's parts lie in the token's text; [`Parts::NONE`] when Caddy refuses
    /// the address.
    parts: Parts,
}

impl SiteAddress {
    /// The site address of the key `token`, parsed and checked as Caddy's adapter does.
    fn new(token: CaddyToken) -> (SiteAddress, Result<(), String>) {
        let checked = site_parts(&token.text);
        let parts = checked.as_ref().map_or(Parts::NONE, |parts| *parts);
        (SiteAddress { token, parts }, checked.map(|_| ()))
    }

    /// Whether Caddy refuses the address (then [`SiteAddress::parsed`] is its error); cheaper
    /// than building the address to ask.
    pub fn is_refused(&self) -> bool {
        self.parts == Parts::NONE
    }

    /// The parsed address (sharing the key token's text), or Caddy's error.
    pub fn parsed(&self) -> Result<Address, String> {
        if self.is_refused() {
            // Refused keys are rare: the error is worded again rather than kept.
            return site_address(&self.token);
        }
        Ok(Address::from_parts(&self.token.text, self.parts))
    }

    /// The parsed address borrowed from the key token's text, or `None` when Caddy refuses it
    /// ([`SiteAddress::parsed`] words the error). Nothing is built or shared: the way to read
    /// the addresses of every site.
    pub fn view(&self) -> Option<AddressView<'_>> {
        if self.is_refused() {
            return None;
        }
        let text: &str = &self.token.text;
        Some(AddressView::new(&text[..cut_len(text)], self.parts))
    }
}

/// Caddy's parse and check of the site key `key`.
fn site_address(key: &CaddyToken) -> Result<Address, String> {
    parse_address_text(&key.text)
        .and_then(|address| check_address(&address, "80", "443").map(|()| address))
}

/// [`site_address`] without building the address: where its parts lie in `key`, or Caddy's
/// error (the same error, the same parts).
fn site_parts(key: &str) -> Result<Parts, String> {
    let text = &key[..cut_len(key)];
    let parts = parse_parts(text)?;
    check_view(AddressView::new(text, parts), "80", "443")?;
    Ok(parts)
}

/// A site block: its addresses and directives. Its braces are not kept (no rule reads them;
/// a site is two boxed slices, 32 bytes, where the two brace tokens were 64 more).
#[derive(Clone, Debug)]
pub struct Site {
    /// Its addresses.
    pub addresses: Box<[SiteAddress]>,
    /// Its directives.
    pub directives: Box<[Directive]>,
}

impl Site {
    /// Directives with this name, at the top level of the site.
    pub fn directive<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Directive> + 'a {
        self.directives
            .iter()
            .filter(move |d| &*d.name.text == name)
    }

    /// Every directive of the site, depth first (sub-blocks included).
    pub fn walk(&self) -> Vec<&Directive> {
        let mut out = Vec::new();
        let mut stack: Vec<&Directive> = self.directives.iter().rev().collect();
        while let Some(directive) = stack.pop() {
            out.push(directive);
            stack.extend(directive.block().iter().rev());
        }
        out
    }

    /// The first key token (where site-level findings point).
    pub fn first_key(&self) -> Option<&CaddyToken> {
        self.addresses.first().map(|a| &a.token)
    }
}

/// A named route `&(name) { … }`.
#[derive(Clone, Debug)]
pub struct NamedRoute {
    /// The name token (its text is the bare name).
    pub name: CaddyToken,
    /// Directives inside.
    pub directives: Box<[Directive]>,
}

/// Typed view of the server blocks, plus the adapter-level structural errors.
#[derive(Clone, Debug, Default)]
pub struct Model {
    /// Global options, if the first block is keyless.
    pub global: Option<GlobalOptions>,
    /// Sites in order.
    pub sites: Vec<Site>,
    /// Named routes.
    pub named_routes: Vec<NamedRoute>,
    /// Structural errors found while building the view.
    pub errors: Vec<ParseError>,
}

/// Build the typed view from server blocks, consuming them: each block is freed once its
/// directives are built, so the blocks and the view are not both whole in memory.
pub fn build(blocks: Vec<ServerBlock>) -> Model {
    let mut builder = Builder::default();
    for block in blocks {
        builder.push(block);
    }
    builder.finish()
}

/// The typed view built one server block at a time, in file order (the parser hands each block
/// over as soon as it is complete, see [`crate::parser::parse_into`]).
#[derive(Debug, Default)]
pub struct Builder {
    model: Model,
    /// Server blocks seen so far (the global options block must be the first).
    blocks: usize,
}

impl Builder {
    /// Add the next server block.
    pub fn push(&mut self, block: ServerBlock) {
        let index = self.blocks;
        self.blocks += 1;
        let model = &mut self.model;
        let directives: Box<[Directive]> = block
            .segments
            .iter()
            .map(|segment| segment_directive(segment))
            .collect();
        if block.keys.is_empty() {
            let Some(open) = block
                .open_brace
                .clone()
                .or_else(|| block.segments.first().and_then(|s| s.first().cloned()))
            else {
                return;
            };
            if index != 0 || model.global.is_some() {
                if block.segments.is_empty() {
                    // Caddy silently drops an empty keyless block wherever it is.
                    return;
                }
                model.errors.push(error_at(&open, "server block without any key is global configuration, and if used, it must be first"));
                return;
            }
            model.global = Some(GlobalOptions {
                open_brace: open,
                close_brace: block.close_brace.clone(),
                options: directives,
            });
            return;
        }
        if block.is_named_route {
            // The single segment is: name, `{`, body…, `}`.
            let body: Vec<CaddyToken> = block
                .segments
                .first()
                .map(|s| s.iter().skip(2).cloned().collect())
                .unwrap_or_default();
            let body = match body.last() {
                Some(last) if last.is_close_brace() => body[..body.len() - 1].to_vec(),
                _ => body,
            };
            model.named_routes.push(NamedRoute {
                name: block.keys[0].clone(),
                directives: split_lines(&body, 0).into_boxed_slice(),
            });
            return;
        }
        let mut addresses = Vec::with_capacity(block.keys.len());
        for key in &block.keys {
            let (address, parsed) = SiteAddress::new(key.clone());
            if let Err(message) = parsed {
                model.errors.push(error_at(key, message));
            }
            addresses.push(address);
        }
        model.sites.push(Site {
            addresses: addresses.into_boxed_slice(),
            directives,
        });
    }

    /// The typed view of every block pushed.
    pub fn finish(self) -> Model {
        self.model
    }
}

fn error_at(token: &CaddyToken, message: impl Into<String>) -> ParseError {
    ParseError {
        kind: ParseErrorKind::Syntax,
        message: message.into(),
        file: token.file(),
        range: token.range(),
        line: token.line,
        chain: Arc::clone(token.chain()),
    }
}

/// Turn one segment (a directive line plus its block) into a directive.
fn segment_directive(segment: &[CaddyToken]) -> Directive {
    let mut position = 0;
    parse_directive(segment, &mut position, 0)
}

fn parse_directive(tokens: &[CaddyToken], position: &mut usize, depth: usize) -> Directive {
    let name = tokens[*position].clone();
    *position += 1;
    let mut args = Args::None;
    let mut block = None;
    while *position < tokens.len()
        && !is_next_on_new_line(&tokens[*position - 1], &tokens[*position])
    {
        let token = &tokens[*position];
        if token.is_open_brace() && block.is_none() {
            *position += 1;
            let (directives, close_brace) = parse_block(tokens, position, depth + 1);
            block = Some(DirectiveBlock {
                open_brace: token.clone(),
                close_brace,
                directives: directives.into_boxed_slice(),
            });
            // Tokens after the closing brace on the same line still belong to the directive.
            continue;
        }
        // Counted only when a second argument comes (see `Args::push`).
        args.push(token.clone(), || 1 + plain_args(tokens, *position));
        *position += 1;
    }
    Directive::new(name, args, block)
}

/// How many tokens from `position` on continue the line of the token before it, up to a `{`.
fn plain_args(tokens: &[CaddyToken], position: usize) -> usize {
    tokens[position..]
        .iter()
        .zip(&tokens[position - 1..])
        .take_while(|(token, previous)| {
            !token.is_open_brace() && !is_next_on_new_line(previous, token)
        })
        .count()
}

/// A directive's arguments as they are read: a single one is not put in a list (see
/// [`Directive`]), so a directive with one argument allocates nothing for it.
enum Args {
    None,
    One(CaddyToken),
    Many(Vec<CaddyToken>),
}

impl Args {
    /// Add the next argument; `expected` says how many the line holds before any block, so
    /// the list, when one is needed, is allocated once at its size (a block in the middle of
    /// the line is rare; then it grows).
    fn push(&mut self, token: CaddyToken, expected: impl FnOnce() -> usize) {
        *self = match std::mem::replace(self, Args::None) {
            Args::None => Args::One(token),
            Args::One(first) => {
                let mut all = Vec::with_capacity(expected().max(2));
                all.push(first);
                all.push(token);
                Args::Many(all)
            }
            Args::Many(mut all) => {
                all.push(token);
                Args::Many(all)
            }
        };
    }

    /// The arguments as a boxed slice (exact when `expected` was right, so boxing does not
    /// reallocate).
    fn into_boxed_slice(self) -> Box<[CaddyToken]> {
        match self {
            Args::None => Box::default(),
            Args::One(arg) => Box::new([arg]),
            Args::Many(all) => all.into_boxed_slice(),
        }
    }
}

fn parse_block(
    tokens: &[CaddyToken],
    position: &mut usize,
    depth: usize,
) -> (Vec<Directive>, Option<CaddyToken>) {
    let mut block = Vec::new();
    if depth > MAX_DIRECTIVE_DEPTH {
        // Skip to the matching brace without building the nested view.
        let mut nesting = 1usize;
        while *position < tokens.len() {
            let token = &tokens[*position];
            *position += 1;
            if token.is_open_brace() {
                nesting += 1;
            } else if token.is_close_brace() {
                nesting -= 1;
                if nesting == 0 {
                    return (block, Some(token.clone()));
                }
            }
        }
        return (block, None);
    }
    while *position < tokens.len() {
        if tokens[*position].is_close_brace() {
            let close = tokens[*position].clone();
            *position += 1;
            return (block, Some(close));
        }
        block.push(parse_directive(tokens, position, depth));
    }
    (block, None)
}

/// Split a flat token list (a named route body) into directives line by line.
fn split_lines(tokens: &[CaddyToken], depth: usize) -> Vec<Directive> {
    let mut position = 0;
    let mut out = Vec::new();
    while position < tokens.len() {
        if tokens[position].is_close_brace() {
            position += 1;
            continue;
        }
        out.push(parse_directive(tokens, &mut position, depth));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_directive_is_a_name_and_an_inline_argument() {
        // One argument or none needs no heap block: the tail is the argument token itself,
        // and a pointer to the rare longer tail fits beside the token's quote byte.
        assert_eq!(std::mem::size_of::<Directive>(), 48);
    }

    #[test]
    fn a_site_address_is_its_token_and_offsets() {
        assert_eq!(std::mem::size_of::<SiteAddress>(), 40);
    }
}
