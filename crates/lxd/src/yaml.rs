//! A YAML document as a tree whose every node keeps its byte range, built from the events of
//! `saphyr-parser`. Only what LXD's files need: mappings, sequences and scalars; aliases are
//! kept as such (LXD never writes them, and Go's yaml.v2 expands them, so nothing is checked
//! behind one).

use gblint_diagnostics::TextRange;
use saphyr_parser::{Event, Marker, Parser, ScalarStyle};

/// One node with its range in the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Node {
    /// What it is.
    pub kind: NodeKind,
    /// Where it is (for a mapping or sequence, from its first to its last byte as the parser
    /// saw them).
    pub range: TextRange,
}

/// The kinds of node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NodeKind {
    /// A scalar that is not null: its value after unquoting and folding.
    Scalar(String),
    /// `~`, `null`, `Null`, `NULL` or nothing at all, unquoted.
    Null,
    /// Key-value pairs in the order written.
    Mapping(Vec<(Node, Node)>),
    /// Items in order.
    Sequence(Vec<Node>),
    /// `*anchor`.
    Alias,
}

impl Node {
    /// The scalar's text, if this is a scalar.
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Scalar(value) => Some(value),
            _ => None,
        }
    }

    /// The pairs of a mapping.
    pub fn as_mapping(&self) -> Option<&[(Node, Node)]> {
        match &self.kind {
            NodeKind::Mapping(pairs) => Some(pairs),
            _ => None,
        }
    }

    /// The value of `key` in a mapping (the last one, as Go's yaml.v2 keeps it).
    pub fn get(&self, key: &str) -> Option<&(Node, Node)> {
        self.as_mapping()?
            .iter()
            .rev()
            .find(|(k, _)| k.as_str() == Some(key))
    }

    /// The YAML tag Go's yaml.v2 names this node by in "cannot unmarshal !!map into string".
    pub fn tag(&self) -> &'static str {
        match &self.kind {
            NodeKind::Scalar(_) => "!!str",
            NodeKind::Null => "!!null",
            NodeKind::Mapping(_) => "!!map",
            NodeKind::Sequence(_) => "!!seq",
            NodeKind::Alias => "alias",
        }
    }
}

/// A parsed YAML stream: its first document, and the first error if the text is not YAML.
#[derive(Clone, Debug, Default)]
pub struct Document {
    /// The first document's root (`None` for an empty stream or when parsing failed).
    pub root: Option<Node>,
    /// Where and why the text is not YAML.
    pub error: Option<(TextRange, String)>,
}

/// Parse `text`. A syntax error stops the parse; what was built before it is dropped, since
/// LXD refuses the whole file.
pub fn parse(text: &str) -> Document {
    let lines = LineStarts::new(text);
    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<Partial> = Vec::new();
    let mut root: Option<Node> = None;
    while let Some(next) = parser.next_event() {
        let (event, span) = match next {
            Ok(pair) => pair,
            Err(error) => {
                let at = lines.offset(text, error.marker());
                return Document {
                    root: None,
                    error: Some((
                        TextRange::from_usize(at, next_char_end(text, at)),
                        error.info().to_owned(),
                    )),
                };
            }
        };
        let start = lines.offset(text, &span.start);
        let end = lines.offset(text, &span.end).max(start);
        let node = match event {
            Event::StreamEnd | Event::DocumentEnd => {
                if root.is_some() {
                    break;
                }
                continue;
            }
            Event::MappingStart(..) => {
                stack.push(Partial::Mapping(start, Vec::new(), None));
                continue;
            }
            Event::SequenceStart(..) => {
                stack.push(Partial::Sequence(start, Vec::new()));
                continue;
            }
            Event::MappingEnd => match stack.pop() {
                Some(Partial::Mapping(open, pairs, _)) => {
                    let last = pairs
                        .last()
                        .map_or(end, |(_, v): &(Node, Node)| v.range.end() as usize);
                    Node {
                        kind: NodeKind::Mapping(pairs),
                        range: TextRange::from_usize(open, end.max(last)),
                    }
                }
                _ => continue,
            },
            Event::SequenceEnd => match stack.pop() {
                Some(Partial::Sequence(open, items)) => {
                    let last = items.last().map_or(end, |v: &Node| v.range.end() as usize);
                    Node {
                        kind: NodeKind::Sequence(items),
                        range: TextRange::from_usize(open, end.max(last)),
                    }
                }
                _ => continue,
            },
            Event::Scalar(value, style, _, _) => {
                let null = style == ScalarStyle::Plain
                    && matches!(value.as_ref(), "" | "~" | "null" | "Null" | "NULL");
                Node {
                    kind: if null {
                        NodeKind::Null
                    } else {
                        NodeKind::Scalar(value.into_owned())
                    },
                    range: TextRange::from_usize(start, end),
                }
            }
            Event::Alias(_) => Node {
                kind: NodeKind::Alias,
                range: TextRange::from_usize(start, end),
            },
            _ => continue,
        };
        match stack.last_mut() {
            Some(Partial::Mapping(_, pairs, key)) => match key.take() {
                Some(k) => pairs.push((k, node)),
                None => *key = Some(node),
            },
            Some(Partial::Sequence(_, items)) => items.push(node),
            None => {
                if root.is_none() {
                    root = Some(node);
                }
            }
        }
    }
    Document { root, error: None }
}

/// A mapping or sequence being built: its start, what it holds so far (and a key waiting for
/// its value).
enum Partial {
    Mapping(usize, Vec<(Node, Node)>, Option<Node>),
    Sequence(usize, Vec<Node>),
}

/// The byte offset of each line's start, to turn the parser's (line, column in characters)
/// markers into byte offsets whatever unit its `index` counts in.
struct LineStarts(Vec<usize>);

impl LineStarts {
    fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(at, _)| at + 1));
        LineStarts(starts)
    }

    fn offset(&self, text: &str, marker: &Marker) -> usize {
        let line = marker.line().saturating_sub(1);
        let Some(&start) = self.0.get(line) else {
            return text.len();
        };
        let end = self.0.get(line + 1).copied().unwrap_or(text.len());
        text[start..end]
            .char_indices()
            .nth(marker.col())
            .map_or(end, |(at, _)| start + at)
    }
}

fn next_char_end(text: &str, at: usize) -> usize {
    text[at..].chars().next().map_or(at, |c| at + c.len_utf8())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slice<'a>(text: &'a str, node: &Node) -> &'a str {
        &text[node.range.as_range()]
    }

    #[test]
    fn keys_and_values_keep_their_bytes() {
        let text = "config:\n  security.privileged: \"true\"\n  é.x: ü\n";
        let doc = parse(text);
        assert!(doc.error.is_none());
        let root = doc.root.expect("root");
        let (_, config) = root.get("config").expect("config");
        let pairs = config.as_mapping().expect("mapping");
        assert_eq!(slice(text, &pairs[0].0), "security.privileged");
        assert_eq!(slice(text, &pairs[0].1), "\"true\"");
        assert_eq!(pairs[0].1.as_str(), Some("true"));
        assert_eq!(slice(text, &pairs[1].0), "é.x");
        assert_eq!(slice(text, &pairs[1].1), "ü");
    }

    #[test]
    fn nulls_and_nesting() {
        let doc = parse("a:\nb: ~\nc: [1, {d: e}]\nf: 'null'\n");
        let root = doc.root.expect("root");
        assert_eq!(root.get("a").expect("a").1.kind, NodeKind::Null);
        assert_eq!(root.get("b").expect("b").1.kind, NodeKind::Null);
        assert_eq!(root.get("c").expect("c").1.tag(), "!!seq");
        assert_eq!(root.get("f").expect("f").1.as_str(), Some("null"));
    }

    #[test]
    fn syntax_errors_have_a_position() {
        let text = "config:\n  a: \"unterminated\n";
        let doc = parse(text);
        let (range, message) = doc.error.expect("error");
        assert!(!message.is_empty());
        assert!(range.start() as usize <= text.len());
    }
}
