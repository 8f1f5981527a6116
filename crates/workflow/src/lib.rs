//! Forgejo and GitHub Actions workflow files (`.forgejo/workflows/*.yaml`,
//! `.github/workflows/*.yml`): the jobs and their steps in order, each with its place in the
//! file, and the commands of a step's `run:` script ([`shell`]). Workflow syntax is
//! actionlint's job: a file that is YAML but not a valid workflow is read as far as it goes
//! (jobs without `steps` have none), and only YAML that does not load at all is an error.
//!
//! YAML comes from `saphyr` (`MarkedYaml`, spans in characters; converted to byte ranges here).
#![deny(missing_docs)]

pub mod shell;

use gblint_diagnostics::TextRange;
use saphyr::{LoadableYamlNode, MarkedYaml, Scalar, YamlData};

/// A parsed workflow.
#[derive(Clone, Debug, Default)]
pub struct Workflow {
    /// Jobs, in file order.
    pub jobs: Vec<Job>,
    /// YAML that does not load (Forgejo and GitHub refuse the file).
    pub error: Option<Error>,
}

/// One job.
#[derive(Clone, Debug)]
pub struct Job {
    /// Its id (the key under `jobs:`).
    pub id: String,
    /// The id's range.
    pub range: TextRange,
    /// Its steps, in order.
    pub steps: Vec<Step>,
}

/// One step.
#[derive(Clone, Debug)]
pub struct Step {
    /// `name:`, if any.
    pub name: Option<String>,
    /// The step's mapping.
    pub range: TextRange,
    /// `run:`, if any.
    pub run: Option<Run>,
    /// `uses:`, if any.
    pub uses: Option<String>,
}

/// A `run:` script.
#[derive(Clone, Debug)]
pub struct Run {
    /// The script, as the runner hands it to the shell.
    pub script: String,
    /// The scalar's range in the file.
    pub range: TextRange,
}

/// YAML that does not load.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    /// Where the YAML parser stopped.
    pub range: TextRange,
    /// The parser's words.
    pub message: String,
}

/// Character index → byte offset, for the parser's character-based markers.
struct Offsets(Vec<usize>);

impl Offsets {
    fn new(text: &str) -> Offsets {
        let mut offsets: Vec<usize> = text.char_indices().map(|(at, _)| at).collect();
        offsets.push(text.len());
        Offsets(offsets)
    }

    fn byte(&self, index: usize) -> usize {
        self.0
            .get(index)
            .copied()
            .unwrap_or_else(|| self.0.last().copied().unwrap_or(0))
    }

    fn range(&self, node: &MarkedYaml<'_>) -> TextRange {
        let start = self.byte(node.span.start.index());
        let end = self.byte(node.span.end.index()).max(start);
        TextRange::from_usize(start, end)
    }
}

/// Parse a workflow file.
pub fn parse(text: &str) -> Workflow {
    let offsets = Offsets::new(text);
    let docs = match MarkedYaml::load_from_str(text) {
        Ok(docs) => docs,
        Err(error) => {
            let at = offsets.byte(error.marker().index());
            return Workflow {
                jobs: Vec::new(),
                error: Some(Error {
                    range: TextRange::from_usize(at, at),
                    message: error.info().to_owned(),
                }),
            };
        }
    };
    let mut workflow = Workflow::default();
    let Some(root) = docs.first() else {
        return workflow;
    };
    let Some(jobs) = get(root, "jobs") else {
        return workflow;
    };
    let YamlData::Mapping(jobs) = &jobs.data else {
        return workflow;
    };
    for (key, job) in jobs {
        let Some(id) = as_str(key) else { continue };
        let mut steps = Vec::new();
        if let Some(YamlData::Sequence(items)) = get(job, "steps").map(|s| &s.data) {
            for item in items {
                steps.push(Step {
                    name: get(item, "name").and_then(as_str).map(str::to_owned),
                    range: offsets.range(item),
                    run: get(item, "run").and_then(|run| {
                        Some(Run {
                            script: as_str(run)?.to_owned(),
                            range: offsets.range(run),
                        })
                    }),
                    uses: get(item, "uses").and_then(as_str).map(str::to_owned),
                });
            }
        }
        workflow.jobs.push(Job {
            id: id.to_owned(),
            range: offsets.range(key),
            steps,
        });
    }
    workflow
}

/// The value of `key` in a mapping node.
fn get<'a, 'input>(node: &'a MarkedYaml<'input>, key: &str) -> Option<&'a MarkedYaml<'input>> {
    let YamlData::Mapping(map) = &node.data else {
        return None;
    };
    map.iter()
        .find(|(k, _)| as_str(k) == Some(key))
        .map(|(_, value)| value)
}

/// A scalar as text (numbers and booleans as written are not scripts or names).
fn as_str<'a>(node: &'a MarkedYaml<'_>) -> Option<&'a str> {
    match &node.data {
        YamlData::Value(Scalar::String(text)) => Some(text),
        YamlData::Representation(text, _, _) => Some(text),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jobs_and_steps_with_spans() {
        let text = "name: deploy\non:\n  push:\njobs:\n  build:\n    runs-on: gbo\n    steps:\n      - uses: actions/checkout@v4\n      - name: Deploy ünïcode\n        run: |\n          ssh system 'systemctl stop system'\n          scp a system:/opt/gbo/bin/botserver\n";
        let workflow = parse(text);
        assert!(workflow.error.is_none());
        let job = &workflow.jobs[0];
        assert_eq!(job.id, "build");
        assert_eq!(&text[job.range.as_range()], "build");
        assert_eq!(job.steps.len(), 2);
        assert_eq!(job.steps[0].uses.as_deref(), Some("actions/checkout@v4"));
        let run = job.steps[1].run.as_ref().expect("run");
        assert!(run.script.starts_with("ssh system"));
        assert!(text[run.range.as_range()].contains("scp a system:/opt/gbo/bin/botserver"));
    }

    #[test]
    fn yaml_that_does_not_load_is_an_error() {
        let workflow = parse("jobs:\n  a: [\n");
        let error = workflow.error.expect("error");
        assert!(!error.message.is_empty());
    }
}
