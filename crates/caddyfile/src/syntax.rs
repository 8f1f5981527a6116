//! The lossless syntax tree: every byte of the file belongs to exactly one [`TreeToken`], and
//! the tokens, read in tree order, print the file back byte for byte.
//!
//! Trivia (whitespace, newlines, comments, stray backslashes, and the bytes Caddy silently drops
//! such as a lone `"` at end of file) are tokens too. Significant tokens keep their raw text (with
//! quotes, escapes and heredoc markers) and point at the [`RawToken`] Caddy would see. Structure is
//! deliberately shallow: statements (one Caddy line plus the block it opens) and blocks.

use gblint_diagnostics::TextRange;

use crate::lexer::{Lexed, Quote, RawToken};

/// Deepest node nesting the tree builds (statement and block levels both count).
pub const MAX_TREE_DEPTH: usize = 256;

/// What a syntax token is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SyntaxKind {
    /// A leading U+FEFF, which Caddy skips.
    Bom,
    /// Spaces, tabs, `\r` and other Unicode whitespace except `\n`.
    Whitespace,
    /// One `\n`.
    Newline,
    /// `#` to the end of the line (without the newline).
    Comment,
    /// A backslash outside any token: a line continuation before a newline, otherwise dropped.
    Escape,
    /// Bytes Caddy reads and discards without a token (an unterminated empty quote, an empty
    /// heredoc at end of file).
    Dropped,
    /// An unquoted word (other than a lone brace).
    Word,
    /// A `"…"` token.
    Quoted,
    /// A `` `…` `` token.
    Backtick,
    /// A `<<MARKER … MARKER` token.
    Heredoc,
    /// A structural `{`.
    LBrace,
    /// A structural `}`.
    RBrace,
}

impl SyntaxKind {
    /// Whether the token carries meaning for Caddy (as opposed to trivia).
    pub fn is_significant(self) -> bool {
        matches!(
            self,
            SyntaxKind::Word
                | SyntaxKind::Quoted
                | SyntaxKind::Backtick
                | SyntaxKind::Heredoc
                | SyntaxKind::LBrace
                | SyntaxKind::RBrace
        )
    }
}

/// A leaf of the lossless tree: a significant token (pointing at its [`RawToken`]) or trivia
/// (whitespace, newline, comment, line-continuing backslash, byte-order mark).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TreeToken {
    /// Kind.
    pub kind: SyntaxKind,
    /// Raw bytes.
    pub range: TextRange,
    /// Index into [`Lexed::tokens`] for significant tokens.
    pub lexed: Option<u32>,
}

/// What a node groups.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NodeKind {
    /// The whole file.
    Root,
    /// One logical line (Caddy's notion, so continuations join lines) and the block it opens.
    Statement,
    /// `{` … `}` including both braces (the `}` is missing when the file ends first).
    Block,
}

/// A child of a node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SyntaxElement {
    /// Index into [`SyntaxTree::tokens`].
    Token(u32),
    /// A nested node.
    Node(SyntaxNode),
}

/// An inner node of the tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxNode {
    /// Kind.
    pub kind: NodeKind,
    /// Bytes covered by all descendants.
    pub range: TextRange,
    /// Children in source order.
    pub children: Vec<SyntaxElement>,
}

/// The lossless tree of one file.
#[derive(Clone, Debug)]
pub struct SyntaxTree {
    /// Every token of the file in order; their ranges tile the text.
    pub tokens: Vec<TreeToken>,
    /// The root node.
    pub root: SyntaxNode,
}

impl SyntaxTree {
    /// Build the tree of `text` from its lexer output.
    pub fn build(text: &str, lexed: &Lexed) -> SyntaxTree {
        SyntaxTree::from_tokens(text, &lexed.tokens, lexed.bom)
    }

    /// Build the tree of `text` from lexed tokens kept apart from their [`Lexed`] (a parsed
    /// [`crate::Caddyfile`]'s); `bom`: the text starts with a byte-order mark.
    pub fn from_tokens(text: &str, lexed: &[RawToken], bom: bool) -> SyntaxTree {
        let tokens = tile_tokens(text, lexed, bom);
        let root = Builder::new(&tokens, lexed).run();
        SyntaxTree { tokens, root }
    }

    /// Print the tree back: concatenating tokens in tree order must give the original text.
    pub fn print(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        self.print_node(&self.root, text, &mut out);
        out
    }

    fn print_node(&self, node: &SyntaxNode, text: &str, out: &mut String) {
        for child in &node.children {
            match child {
                SyntaxElement::Token(index) => {
                    let token = self.tokens[*index as usize];
                    out.push_str(&text[token.range.as_range()]);
                }
                SyntaxElement::Node(inner) => self.print_node(inner, text, out),
            }
        }
    }

    /// Comment tokens in order.
    pub fn comments(&self) -> impl Iterator<Item = &TreeToken> {
        self.tokens
            .iter()
            .filter(|token| token.kind == SyntaxKind::Comment)
    }

    /// The statement that follows the comment at `comment_start` in the same container, if the
    /// comment is on a line of its own: the scope of a `# gblint: ignore[…]` suppression.
    pub fn statement_after(&self, comment_start: u32) -> Option<TextRange> {
        fn walk(node: &SyntaxNode, tokens: &[TreeToken], at: u32) -> Option<TextRange> {
            let mut seen_comment = false;
            for child in &node.children {
                match child {
                    SyntaxElement::Token(index) => {
                        let token = tokens[*index as usize];
                        if token.range.start() == at {
                            seen_comment = true;
                        }
                    }
                    SyntaxElement::Node(inner) => {
                        if seen_comment && inner.kind == NodeKind::Statement {
                            return Some(inner.range);
                        }
                        if inner.range.contains(at) {
                            if let Some(found) = walk(inner, tokens, at) {
                                return Some(found);
                            }
                        }
                    }
                }
            }
            None
        }
        walk(&self.root, &self.tokens, comment_start)
    }
}

/// Cover the text with tokens: significant tokens from the lexer, trivia in the gaps. The
/// flat sequence [`SyntaxTree::build`] nests.
pub fn tile(text: &str, lexed: &Lexed) -> Vec<TreeToken> {
    tile_tokens(text, &lexed.tokens, lexed.bom)
}

/// [`tile`] over lexed tokens kept apart from their [`Lexed`] (`bom`: the text starts with a
/// byte-order mark the lexer skipped).
pub fn tile_tokens(text: &str, tokens: &[RawToken], bom: bool) -> Vec<TreeToken> {
    let mut out = Vec::with_capacity(tokens.len() * 2 + 2);
    let mut cursor = 0usize;
    if bom {
        let len = '\u{feff}'.len_utf8();
        out.push(TreeToken {
            kind: SyntaxKind::Bom,
            range: TextRange::from_usize(0, len),
            lexed: None,
        });
        cursor = len;
    }
    for (index, token) in tokens.iter().enumerate() {
        let range = token.range.as_range();
        trivia(text, cursor, range.start, &mut out);
        let kind = match token.quote {
            Quote::Double => SyntaxKind::Quoted,
            Quote::Backtick => SyntaxKind::Backtick,
            Quote::Heredoc => SyntaxKind::Heredoc,
            Quote::None if &*token.text == "{" => SyntaxKind::LBrace,
            Quote::None if &*token.text == "}" => SyntaxKind::RBrace,
            Quote::None => SyntaxKind::Word,
        };
        out.push(TreeToken {
            kind,
            range: token.range,
            lexed: Some(u32::try_from(index).unwrap_or(u32::MAX)),
        });
        cursor = range.end;
    }
    trivia(text, cursor, text.len(), &mut out);
    out
}

fn trivia(text: &str, start: usize, end: usize, out: &mut Vec<TreeToken>) {
    let gap = &text.as_bytes()[start..end];
    let mut i = 0;
    while i < gap.len() {
        let at = start + i;
        let (kind, len) = match gap[i] {
            b'\n' => (SyntaxKind::Newline, 1),
            b'#' => (
                SyntaxKind::Comment,
                gap[i..]
                    .iter()
                    .position(|b| *b == b'\n')
                    .unwrap_or(gap.len() - i),
            ),
            b'\\' => (SyntaxKind::Escape, 1),
            _ => {
                let rest = &text[at..end];
                let mut len = 0;
                for ch in rest.chars() {
                    if ch == '\n' || !ch.is_whitespace() {
                        break;
                    }
                    len += ch.len_utf8();
                }
                if len > 0 {
                    (SyntaxKind::Whitespace, len)
                } else {
                    // Bytes that are neither whitespace nor a comment: dropped by Caddy. Run to
                    // the next newline so the token stays on character boundaries.
                    let len = rest.find('\n').unwrap_or(rest.len());
                    (SyntaxKind::Dropped, len.max(1))
                }
            }
        };
        out.push(TreeToken {
            kind,
            range: TextRange::from_usize(at, at + len),
            lexed: None,
        });
        i += len;
    }
}

struct Frame {
    node: SyntaxNode,
}

struct Builder<'a> {
    tokens: &'a [TreeToken],
    lexed: &'a [RawToken],
    /// Open nodes: root, then alternating statement/block.
    stack: Vec<Frame>,
    pending: Vec<u32>,
    previous: Option<&'a RawToken>,
    /// Braces opened beyond [`MAX_TREE_DEPTH`] and not closed yet.
    flat_depth: usize,
}

impl<'a> Builder<'a> {
    fn new(tokens: &'a [TreeToken], lexed: &'a [RawToken]) -> Self {
        let root = SyntaxNode {
            kind: NodeKind::Root,
            range: TextRange::default(),
            children: Vec::new(),
        };
        Builder {
            tokens,
            lexed,
            stack: vec![Frame { node: root }],
            pending: Vec::new(),
            previous: None,
            flat_depth: 0,
        }
    }

    fn top_kind(&self) -> NodeKind {
        self.stack
            .last()
            .map_or(NodeKind::Root, |frame| frame.node.kind)
    }

    fn flush_pending(&mut self) {
        let pending = std::mem::take(&mut self.pending);
        for index in pending {
            self.push_token(index);
        }
    }

    fn push_token(&mut self, index: u32) {
        if let Some(frame) = self.stack.last_mut() {
            frame.node.children.push(SyntaxElement::Token(index));
        }
    }

    fn open(&mut self, kind: NodeKind) {
        self.stack.push(Frame {
            node: SyntaxNode {
                kind,
                range: TextRange::default(),
                children: Vec::new(),
            },
        });
    }

    fn close(&mut self) {
        if self.stack.len() <= 1 {
            return;
        }
        let Some(mut frame) = self.stack.pop() else {
            return;
        };
        frame.node.range = self.node_range(&frame.node);
        if let Some(parent) = self.stack.last_mut() {
            parent.node.children.push(SyntaxElement::Node(frame.node));
        }
    }

    fn node_range(&self, node: &SyntaxNode) -> TextRange {
        let first = node.children.first().map(|child| self.element_range(child));
        let last = node.children.last().map(|child| self.element_range(child));
        match (first, last) {
            (Some(first), Some(last)) => first.cover(last),
            _ => TextRange::default(),
        }
    }

    fn element_range(&self, element: &SyntaxElement) -> TextRange {
        match element {
            SyntaxElement::Token(index) => self.tokens[*index as usize].range,
            SyntaxElement::Node(node) => node.range,
        }
    }

    fn on_new_line(&self, token: &RawToken) -> bool {
        match self.previous {
            None => true,
            Some(previous) => previous.line.saturating_add(previous.line_breaks()) < token.line,
        }
    }

    fn run(mut self) -> SyntaxNode {
        for (index, syntax) in self.tokens.iter().enumerate() {
            let index = u32::try_from(index).unwrap_or(u32::MAX);
            let Some(lexed_index) = syntax.lexed else {
                self.pending.push(index);
                continue;
            };
            let token = &self.lexed[lexed_index as usize];
            let new_line = self.on_new_line(token);
            if syntax.kind == SyntaxKind::RBrace && self.flat_depth > 0 {
                self.flat_depth -= 1;
            } else if syntax.kind == SyntaxKind::RBrace
                && self.stack.iter().any(|f| f.node.kind == NodeKind::Block)
            {
                // Close the statement inside the block, then the block itself.
                if self.top_kind() == NodeKind::Statement {
                    self.close();
                }
                self.flush_pending();
                self.push_token(index);
                self.close(); // the block
                self.previous = Some(token);
                continue;
            }
            if syntax.kind == SyntaxKind::LBrace && self.stack.len() >= MAX_TREE_DEPTH {
                self.flat_depth += 1;
            }
            if self.top_kind() == NodeKind::Statement && new_line && self.flat_depth == 0 {
                self.close();
            }
            self.flush_pending();
            if self.top_kind() != NodeKind::Statement {
                self.open(NodeKind::Statement);
            }
            // Past MAX_TREE_DEPTH blocks stay flat (tokens are still all kept), so neither
            // building, walking nor dropping the tree can exhaust the stack on hostile input.
            if syntax.kind == SyntaxKind::LBrace && self.stack.len() < MAX_TREE_DEPTH {
                self.open(NodeKind::Block);
            }
            self.push_token(index);
            self.previous = Some(token);
        }
        // Trailing trivia belongs to the outermost container.
        while self.stack.len() > 1 {
            self.close();
        }
        self.flush_pending();
        let mut root = self
            .stack
            .pop()
            .map(|frame| frame.node)
            .unwrap_or(SyntaxNode {
                kind: NodeKind::Root,
                range: TextRange::default(),
                children: Vec::new(),
            });
        root.range =
            TextRange::from_usize(0, self.tokens.last().map_or(0, |t| t.range.end() as usize));
        root
    }
}
