//! A step's `run:` script as simple commands: words split on blanks with `'…'`, `"…"` and `\`
//! quoting, `\`-newline joined, `#` comments dropped, and commands separated by newlines,
//! `;`, `&`, `&&`, `||` and `|`. Expansions (`$X`, `${{ … }}`, `$(…)`) stay as written: the
//! rules compare them as text. Enough to find `scp`, `ssh HOST 'systemctl stop …'` and `cp`
//! in a deploy script; no more of the shell is modelled.

/// One word and where it starts in the script (byte offset).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Word {
    /// The word with its quotes removed.
    pub text: String,
    /// Byte offset of its first character in the script.
    pub offset: usize,
}

/// A simple command: its words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Command {
    /// The words, in order (leading `VAR=value` assignments, `sudo` and its options, `exec`,
    /// `time` and `env` removed: `words[0]` is the program).
    pub words: Vec<Word>,
    /// Byte offset of the command's first word in the script (before any removal).
    pub offset: usize,
}

impl Command {
    /// The program's name without its folder (`/usr/bin/scp` → `scp`).
    pub fn program(&self) -> &str {
        self.words
            .first()
            .map(|w| w.text.rsplit('/').next().unwrap_or(&w.text))
            .unwrap_or("")
    }

    /// The words after the program, as text.
    pub fn args(&self) -> impl Iterator<Item = &str> {
        self.words.iter().skip(1).map(|w| w.text.as_str())
    }
}

/// Split a script into simple commands.
pub fn commands(script: &str) -> Vec<Command> {
    let mut out = Vec::new();
    let mut words: Vec<Word> = Vec::new();
    let bytes = script.as_bytes();
    let mut at = 0;
    let finish = |words: &mut Vec<Word>, out: &mut Vec<Command>| {
        if let Some(first) = words.first() {
            let offset = first.offset;
            let words = strip_prefixes(std::mem::take(words));
            if !words.is_empty() {
                out.push(Command { words, offset });
            }
        }
    };
    while at < bytes.len() {
        match bytes[at] {
            b' ' | b'\t' | b'\r' => at += 1,
            b'\\' if bytes.get(at + 1) == Some(&b'\n') => at += 2,
            b'\n' | b';' | b'&' | b'|' | b'(' | b')' => {
                finish(&mut words, &mut out);
                at += 1;
            }
            b'#' => {
                while at < bytes.len() && bytes[at] != b'\n' {
                    at += 1;
                }
            }
            _ => {
                let (word, end) = read_word(script, at);
                words.push(Word {
                    text: word,
                    offset: at,
                });
                at = end;
            }
        }
    }
    finish(&mut words, &mut out);
    out
}

/// One word from `start`: up to an unquoted blank or operator.
fn read_word(script: &str, start: usize) -> (String, usize) {
    let bytes = script.as_bytes();
    let mut word = String::new();
    let mut at = start;
    while at < bytes.len() {
        match bytes[at] {
            b' ' | b'\t' | b'\r' | b'\n' | b';' | b'&' | b'|' | b'(' | b')' => break,
            // A `${{ … }}` expression is replaced by the forge before the shell runs: one word.
            b'$' if script[at..].starts_with("${{") => {
                let close = script[at..].find("}}").map_or(script.len(), |i| at + i + 2);
                word.push_str(&script[at..close]);
                at = close;
            }
            b'\'' => {
                let close = script[at + 1..]
                    .find('\'')
                    .map_or(script.len(), |i| at + 1 + i);
                word.push_str(&script[at + 1..close]);
                at = (close + 1).min(script.len());
            }
            b'"' => {
                at += 1;
                while at < bytes.len() && bytes[at] != b'"' {
                    if bytes[at] == b'\\' && at + 1 < bytes.len() {
                        at += 1;
                    }
                    let ch = script[at..].chars().next().unwrap_or(' ');
                    word.push(ch);
                    at += ch.len_utf8();
                }
                at += 1;
            }
            b'\\' if at + 1 < bytes.len() => {
                if bytes[at + 1] == b'\n' {
                    at += 2;
                    continue;
                }
                let ch = script[at + 1..].chars().next().unwrap_or(' ');
                word.push(ch);
                at += 1 + ch.len_utf8();
            }
            _ => {
                let ch = script[at..].chars().next().unwrap_or(' ');
                word.push(ch);
                at += ch.len_utf8();
            }
        }
    }
    (word, at.min(script.len()))
}

/// Drop what runs the program rather than being it: `A=b`, `sudo [-u user] [-E]…`, `exec`,
/// `time`, `env [A=b]…`, `nohup`.
fn strip_prefixes(mut words: Vec<Word>) -> Vec<Word> {
    loop {
        let Some(first) = words.first() else {
            return words;
        };
        let text = first.text.as_str();
        let assignment = text.split_once('=').is_some_and(|(name, _)| {
            !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        });
        if assignment || matches!(text, "exec" | "time" | "env" | "nohup" | "command") {
            words.remove(0);
            continue;
        }
        if text == "sudo" {
            words.remove(0);
            while let Some(option) = words.first().map(|w| w.text.clone()) {
                if !option.starts_with('-') {
                    break;
                }
                words.remove(0);
                // Options of sudo that take a value.
                if matches!(
                    option.as_str(),
                    "-u" | "-g" | "-C" | "-D" | "-h" | "-p" | "-r" | "-t" | "-U"
                ) && !words.is_empty()
                {
                    words.remove(0);
                }
            }
            continue;
        }
        return words;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(script: &str) -> Vec<Vec<String>> {
        commands(script)
            .into_iter()
            .map(|c| c.words.into_iter().map(|w| w.text).collect())
            .collect()
    }

    #[test]
    fn splits_like_the_shell() {
        assert_eq!(
            texts("ssh -i k gbuser@system 'sudo systemctl stop system' && \\\n  sudo -u gbuser scp a b:/c # copy\nX=1 cp \"a b\" c|tee\nscp a u@${{ secrets.HOST }}:/x"),
            [
                vec!["ssh", "-i", "k", "gbuser@system", "sudo systemctl stop system"],
                vec!["scp", "a", "b:/c"],
                vec!["cp", "a b", "c"],
                vec!["tee"],
                vec!["scp", "a", "u@${{ secrets.HOST }}:/x"],
            ]
        );
        let script = "echo hi\n  scp x y:/z\n";
        let scp = &commands(script)[1];
        assert_eq!(&script[scp.offset..scp.offset + 3], "scp");
        assert_eq!(scp.program(), "scp");
    }
}
