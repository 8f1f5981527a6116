//! Durations as fail2ban's `MyTime.str2seconds` reads them.
//!
//! fail2ban rewrites the text with regular expressions (`1d12h` → `1*86400+12*3600`) and
//! then hands it to Python's `eval`. We do the same rewriting step by step, then evaluate
//! the result with a small arithmetic evaluator that accepts exactly the numeric subset of
//! Python expressions (`+ - * / // % **`, parentheses, int and float literals): everything
//! a duration can sensibly be, and never arbitrary code.

use crate::ini::is_py_space;

/// Unit words in the order fail2ban substitutes them, each with the alternatives of its
/// regular expression expanded in the order the regex engine tries them, and the multiplier
/// text it inserts (months and years are Python floats: `(365*3+366)*24*60*60/4/12`).
const UNITS: [(&[&str], &str); 7] = [
    (&["days", "day", "da", "dd", "d"], "*86400"),
    (&["weeks", "week", "wee", "we", "ww", "w"], "*604800"),
    (&["months", "month", "mon", "mo"], "*2629800.0"),
    (&["years", "year", "yea", "ye", "yy", "y"], "*31557600.0"),
    (&["seconds", "second", "sec", "se", "ss", "s"], "*1"),
    (&["minutes", "minute", "min", "mi", "mm", "m"], "*60"),
    (&["hours", "hour", "hou", "ho", "hh", "h"], "*3600"),
];

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// `re.sub(r"(?i)(?<=[a-z])(\d)", r" \1", val)`: `1d12h` → `1d 12h`.
fn separate_groups(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 4);
    let mut prev: Option<char> = None;
    for c in text.chars() {
        if c.is_ascii_digit() && prev.is_some_and(|p| p.is_ascii_alphabetic()) {
            out.push(' ');
        }
        out.push(c);
        prev = Some(c);
    }
    out
}

/// One `re.sub(r"(?i)(?<=[\d\s])(alternatives)\b", multiplier, val)` pass.
fn replace_unit(text: &str, words: &[&str], multiplier: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut prev: Option<char> = None;
    let mut i = 0;
    'scan: while i < text.len() {
        let rest = &text[i..];
        let Some(c) = rest.chars().next() else { break };
        if prev.is_some_and(|p| p.is_ascii_digit() || is_py_space(p)) {
            for word in words {
                let Some(candidate) = rest.get(..word.len()) else {
                    continue;
                };
                if !candidate.eq_ignore_ascii_case(word) {
                    continue;
                }
                let after = rest[word.len()..].chars().next();
                if after.is_none_or(|a| !is_word(a)) {
                    out.push_str(multiplier);
                    // The lookbehind of the next match looks at the original text.
                    prev = candidate.chars().next_back();
                    i += word.len();
                    continue 'scan;
                }
            }
        }
        out.push(c);
        prev = Some(c);
        i += c.len_utf8();
    }
    out
}

/// `re.sub(r"(\d)\s+(\d)", r"\1+\2", val)`: juxtaposed groups add. Non-overlapping, as
/// `re.sub` is, so `1 2 3` becomes `1+2 3` (which Python then rejects).
fn join_groups(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_ascii_digit() {
            let mut j = i + 1;
            while j < chars.len() && is_py_space(chars[j]) {
                j += 1;
            }
            if j > i + 1 && j < chars.len() && chars[j].is_ascii_digit() {
                out.push(c);
                out.push('+');
                out.push(chars[j]);
                i = j + 1;
                continue;
            }
        }
        out.push(c);
        i += 1;
    }
    out
}

/// The text fail2ban passes to `eval` for `text`.
pub fn rewrite_duration(text: &str) -> String {
    let mut value = separate_groups(text);
    for (words, multiplier) in UNITS {
        value = replace_unit(&value, words, multiplier);
    }
    join_groups(&value)
}

/// A Python number: arbitrary-precision ints are approximated by `i128` (overflow is an
/// error here, never a wrong value).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Number {
    /// A Python `int`.
    Int(i128),
    /// A Python `float`.
    Float(f64),
}

impl Number {
    fn as_f64(self) -> f64 {
        match self {
            Number::Int(i) => i as f64,
            Number::Float(f) => f,
        }
    }
}

/// Seconds for a fail2ban time value (`bantime`, `findtime`, `bantime.maxtime`, …), as
/// `str2seconds` computes them; floats (`1.5h`, months, years) are truncated toward zero.
/// `-1` (a permanent ban) is `Ok(-1)`. The error is a short reason (Python would print a
/// `SyntaxError` or `NameError`).
pub fn parse_duration(text: &str) -> Result<i64, String> {
    match eval_duration(text)? {
        Number::Int(i) => i64::try_from(i).map_err(|_| "duration out of range".to_string()),
        Number::Float(f) if f.is_finite() && f.abs() < 9.2e18 => Ok(f.trunc() as i64),
        Number::Float(_) => Err("duration out of range".to_string()),
    }
}

/// The exact number `str2seconds` evaluates `text` to (int or float).
pub fn eval_duration(text: &str) -> Result<Number, String> {
    let expr = rewrite_duration(text);
    let tokens = tokenize(&expr)?;
    let mut parser = Parser { tokens, pos: 0 };
    let value = parser.expr()?;
    if parser.pos != parser.tokens.len() {
        return Err(format!("invalid syntax in {expr:?}"));
    }
    Ok(value)
}

#[derive(Clone, Debug, PartialEq)]
enum Token {
    Num(Number),
    Op(&'static str),
    Open,
    Close,
}

fn tokenize(expr: &str) -> Result<Vec<Token>, String> {
    let chars: Vec<char> = expr.chars().collect();
    let mut tokens = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    // eval() ignores leading blanks; a line break only inside parentheses.
    while i < chars.len() {
        let c = chars[i];
        if c == '\n' && depth == 0 && !tokens.is_empty() {
            if chars[i..].iter().all(|&c| is_py_space(c)) {
                break;
            }
            return Err("invalid syntax (line break)".to_string());
        }
        if c == ' ' || c == '\t' || c == '\x0c' || (c == '\n' && (depth > 0 || tokens.is_empty())) {
            i += 1;
            continue;
        }
        if c.is_ascii_digit() || (c == '.' && chars.get(i + 1).is_some_and(char::is_ascii_digit)) {
            let start = i;
            while i < chars.len()
                && (chars[i].is_ascii_alphanumeric() || chars[i] == '.' || chars[i] == '_')
            {
                // An exponent sign belongs to the literal: `1e-3`.
                if (chars[i] == 'e' || chars[i] == 'E')
                    && matches!(chars.get(i + 1), Some('+' | '-'))
                {
                    i += 1;
                }
                i += 1;
            }
            let literal: String = chars[start..i].iter().collect();
            tokens.push(Token::Num(number_literal(&literal)?));
            continue;
        }
        let two: String = chars[i..chars.len().min(i + 2)].iter().collect();
        let op: &'static str = match two.as_str() {
            "**" => "**",
            "//" => "//",
            _ => match c {
                '+' => "+",
                '-' => "-",
                '*' => "*",
                '/' => "/",
                '%' => "%",
                '~' => "~",
                '(' => {
                    depth += 1;
                    tokens.push(Token::Open);
                    i += 1;
                    continue;
                }
                ')' => {
                    depth = depth.saturating_sub(1);
                    tokens.push(Token::Close);
                    i += 1;
                    continue;
                }
                other => return Err(format!("unexpected {other:?} in {expr:?}")),
            },
        };
        tokens.push(Token::Op(op));
        i += op.len();
    }
    Ok(tokens)
}

/// A Python numeric literal (decimal ints without leading zeros, floats, `_` separators).
fn number_literal(literal: &str) -> Result<Number, String> {
    let bad = || format!("invalid decimal literal {literal:?}");
    if literal.starts_with('_') || literal.ends_with('_') || literal.contains("__") {
        return Err(bad());
    }
    let clean: String = literal.chars().filter(|&c| c != '_').collect();
    if clean.contains(['.', 'e', 'E']) {
        return clean.parse::<f64>().map(Number::Float).map_err(|_| bad());
    }
    if clean.len() > 1 && clean.starts_with('0') && clean.chars().any(|c| c != '0') {
        return Err("leading zeros in decimal integer literals are not permitted".to_string());
    }
    clean.parse::<i128>().map(Number::Int).map_err(|_| bad())
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
}

impl Parser {
    fn peek_op(&self) -> Option<&'static str> {
        match self.tokens.get(self.pos) {
            Some(Token::Op(op)) => Some(op),
            _ => None,
        }
    }

    /// `a + b - c`
    fn expr(&mut self) -> Result<Number, String> {
        let mut left = self.term()?;
        while let Some(op @ ("+" | "-")) = self.peek_op() {
            self.pos += 1;
            let right = self.term()?;
            left = binary(op, left, right)?;
        }
        Ok(left)
    }

    /// `a * b / c // d % e`
    fn term(&mut self) -> Result<Number, String> {
        let mut left = self.factor()?;
        while let Some(op @ ("*" | "/" | "//" | "%")) = self.peek_op() {
            self.pos += 1;
            let right = self.factor()?;
            left = binary(op, left, right)?;
        }
        Ok(left)
    }

    /// Unary `+ - ~`, binding looser than `**` on their right (`-2**2` is -4).
    fn factor(&mut self) -> Result<Number, String> {
        match self.peek_op() {
            Some(op @ ("+" | "-" | "~")) => {
                self.pos += 1;
                let value = self.factor()?;
                match (op, value) {
                    ("+", v) => Ok(v),
                    ("-", Number::Int(i)) => i.checked_neg().map(Number::Int).ok_or_else(overflow),
                    ("-", Number::Float(f)) => Ok(Number::Float(-f)),
                    (_, Number::Int(i)) => Ok(Number::Int(!i)),
                    _ => Err("bad operand type for unary ~: 'float'".to_string()),
                }
            }
            _ => self.power(),
        }
    }

    /// `a ** b`, right-associative, its right side a unary factor.
    fn power(&mut self) -> Result<Number, String> {
        let base = self.atom()?;
        if self.peek_op() == Some("**") {
            self.pos += 1;
            let exponent = self.factor()?;
            return binary("**", base, exponent);
        }
        Ok(base)
    }

    fn atom(&mut self) -> Result<Number, String> {
        let token = self.tokens.get(self.pos).cloned();
        self.pos += 1;
        match token {
            Some(Token::Num(n)) => Ok(n),
            Some(Token::Open) => {
                let value = self.expr()?;
                if self.tokens.get(self.pos) != Some(&Token::Close) {
                    return Err("'(' was never closed".to_string());
                }
                self.pos += 1;
                Ok(value)
            }
            _ => Err("invalid syntax".to_string()),
        }
    }
}

fn overflow() -> String {
    "integer overflow".to_string()
}

/// A Python binary operation on ints/floats.
fn binary(op: &str, a: Number, b: Number) -> Result<Number, String> {
    use Number::{Float, Int};
    let zero = || "division by zero".to_string();
    match (a, b) {
        (Int(x), Int(y)) => match op {
            "+" => x.checked_add(y).map(Int).ok_or_else(overflow),
            "-" => x.checked_sub(y).map(Int).ok_or_else(overflow),
            "*" => x.checked_mul(y).map(Int).ok_or_else(overflow),
            "/" if y == 0 => Err(zero()),
            "/" => Ok(Float(x as f64 / y as f64)),
            "//" | "%" if y == 0 => Err(zero()),
            "//" => {
                let q = x.checked_div(y).ok_or_else(overflow)?;
                Ok(Int(if x % y != 0 && ((x < 0) != (y < 0)) {
                    q - 1
                } else {
                    q
                }))
            }
            "%" => {
                let r = x.checked_rem(y).ok_or_else(overflow)?;
                Ok(Int(if r != 0 && ((r < 0) != (y < 0)) {
                    r + y
                } else {
                    r
                }))
            }
            "**" if y < 0 => {
                if x == 0 {
                    Err("0.0 cannot be raised to a negative power".to_string())
                } else {
                    Ok(Float((x as f64).powf(y as f64)))
                }
            }
            "**" => u32::try_from(y)
                .ok()
                .and_then(|e| x.checked_pow(e))
                .map(Int)
                .ok_or_else(overflow),
            _ => Err(format!("unknown operator {op}")),
        },
        _ => {
            let (x, y) = (a.as_f64(), b.as_f64());
            let value = match op {
                "+" => x + y,
                "-" => x - y,
                "*" => x * y,
                "/" | "//" | "%" if y == 0.0 => return Err(zero()),
                "/" => x / y,
                "//" => (x / y).floor(),
                "%" => x - y * (x / y).floor(),
                "**" => x.powf(y),
                _ => return Err(format!("unknown operator {op}")),
            };
            if value.is_finite() {
                Ok(Float(value))
            } else {
                Err("numerical result out of range".to_string())
            }
        }
    }
}
