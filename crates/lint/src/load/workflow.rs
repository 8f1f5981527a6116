//! CI workflows of a code repository: `.forgejo/workflows/*.y{a,}ml` (Forgejo also reads
//! `.gitea/workflows/` and `.github/workflows/`) and `.github/workflows/*.y{a,}ml`.

use gblint_diagnostics::{FileId, SourceMap};

use crate::deployment::{Deployment, InputId};
use crate::file_kind::FileKind;

/// A parsed workflow.
#[derive(Clone, Debug)]
pub struct WorkflowDoc {
    /// Its input file.
    pub input: InputId,
    /// The file.
    pub file: FileId,
    /// The parse.
    pub workflow: gblint_workflow::Workflow,
}

/// Whether the path is a workflow: a `.yml`/`.yaml` file directly in `workflows/` of
/// `.forgejo`, `.gitea` or `.github`.
pub fn detect(full: &str, name: &str) -> Option<FileKind> {
    if !(name.ends_with(".yml") || name.ends_with(".yaml")) {
        return None;
    }
    let parent = full.rsplit_once('/').map_or("", |(dir, _)| dir);
    [
        ".forgejo/workflows",
        ".gitea/workflows",
        ".github/workflows",
    ]
    .iter()
    .any(|dir| parent == *dir || parent.ends_with(&format!("/{dir}")))
    .then_some(FileKind::Workflow)
}

/// Parse every workflow input.
pub fn load(deployment: &mut Deployment, loader: &mut super::Loader<'_>) {
    let sources: &SourceMap = loader.sources;
    let inputs: Vec<(InputId, crate::deployment::InputFile)> = deployment
        .inputs()
        .map(|(input, file)| (input, file.clone()))
        .collect();
    for (input, file) in &inputs {
        let (input, file) = (*input, file);
        if file.kind != FileKind::Workflow {
            continue;
        }
        let workflow = gblint_workflow::parse(sources.get(file.file).text());
        deployment.workflows.push(WorkflowDoc {
            input,
            file: file.file,
            workflow,
        });
    }
}
