//! Caddy's `Dispenser`: a cursor over a token list that steps through it by line and by block.
//! One type serves both lists the parser walks: the file's token stream (which `import`
//! splices while the cursor stands in it, so the list is passed to each call rather than held)
//! and the tokens of an import's block (for `{blocks.KEY}`).

use crate::token::{is_next_on_new_line, CaddyToken};

/// Cursor and brace nesting of a walk over a token list (`cursor` -1: before the first token).
#[derive(Clone, Copy, Debug)]
pub struct Dispenser {
    /// Index of the current token; -1 before the first.
    pub cursor: isize,
    /// Block nesting as [`Dispenser::next_block`] counts it.
    pub nesting: i64,
}

impl Default for Dispenser {
    fn default() -> Self {
        Dispenser {
            cursor: -1,
            nesting: 0,
        }
    }
}

fn len(tokens: &[CaddyToken]) -> isize {
    isize::try_from(tokens.len()).unwrap_or(isize::MAX)
}

impl Dispenser {
    /// The current token.
    pub fn token<'t>(&self, tokens: &'t [CaddyToken]) -> Option<&'t CaddyToken> {
        usize::try_from(self.cursor)
            .ok()
            .and_then(|i| tokens.get(i))
    }

    /// Step to the next token, if any (Caddy's `Next`).
    pub fn next(&mut self, tokens: &[CaddyToken]) -> bool {
        if self.cursor < len(tokens) - 1 {
            self.cursor += 1;
            true
        } else {
            false
        }
    }

    /// Whether the current token starts a line (Caddy's `isNewLine`).
    pub fn is_new_line(&self, tokens: &[CaddyToken]) -> bool {
        if self.cursor < 1 {
            return true;
        }
        if self.cursor > len(tokens) - 1 {
            return false;
        }
        let i = self.cursor as usize;
        is_next_on_new_line(&tokens[i - 1], &tokens[i])
    }

    /// Whether the token after the current one starts a line (Caddy's `isNextOnNewLine`).
    pub fn is_next_on_new_line(&self, tokens: &[CaddyToken]) -> bool {
        if self.cursor < 0 {
            return false;
        }
        if self.cursor >= len(tokens) - 1 {
            return true;
        }
        let i = self.cursor as usize;
        is_next_on_new_line(&tokens[i], &tokens[i + 1])
    }

    /// Step to the next token when it is on the same line (Caddy's `NextArg` without the
    /// brace check).
    pub fn next_on_same_line(&mut self, tokens: &[CaddyToken]) -> bool {
        if self.cursor < 0 {
            self.cursor += 1;
            return true;
        }
        if self.cursor >= len(tokens) - 1 {
            return false;
        }
        if !self.is_next_on_new_line(tokens) {
            self.cursor += 1;
            return true;
        }
        false
    }

    /// Step to the next argument on the line: not past the line's end, not onto a `{`
    /// (Caddy's `NextArg`).
    pub fn next_arg(&mut self, tokens: &[CaddyToken]) -> bool {
        if !self.next_on_same_line(tokens) {
            return false;
        }
        if self.token(tokens).is_some_and(CaddyToken::is_open_brace) {
            self.cursor -= 1;
            return false;
        }
        true
    }

    /// Step through the block the line opens, while nesting stays above `initial` (Caddy's
    /// `NextBlock`).
    pub fn next_block(&mut self, tokens: &[CaddyToken], initial: i64) -> bool {
        if self.nesting > initial {
            if !self.next(tokens) {
                return false;
            }
            let current = self.token(tokens);
            if current.is_some_and(CaddyToken::is_close_brace) && self.is_next_on_new_line(tokens) {
                self.nesting -= 1;
            } else if current.is_some_and(CaddyToken::is_open_brace)
                && self.is_next_on_new_line(tokens)
            {
                self.nesting += 1;
            }
            return self.nesting > initial;
        }
        if !self.next_on_same_line(tokens) {
            return false;
        }
        if !self.token(tokens).is_some_and(CaddyToken::is_open_brace) {
            self.cursor -= 1;
            return false;
        }
        self.next(tokens);
        if self.token(tokens).is_some_and(CaddyToken::is_close_brace) {
            return false;
        }
        self.nesting += 1;
        true
    }
}
