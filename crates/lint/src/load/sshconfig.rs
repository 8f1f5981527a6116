//! OpenSSH client configurations: `~/.ssh/config` (`/root/.ssh/config`,
//! `/home/<user>/.ssh/config`) and `/etc/ssh/ssh_config` with its `ssh_config.d/*.conf`.

use gblint_diagnostics::{FileId, SourceMap};

use crate::deployment::{Deployment, InputId, MachineId};
use crate::file_kind::FileKind;

/// A parsed client configuration.
#[derive(Clone, Debug)]
pub struct SshConfigDoc {
    /// Its input file.
    pub input: InputId,
    /// The file.
    pub file: FileId,
    /// Its machine, in deployment mode.
    pub machine: Option<MachineId>,
    /// The parse.
    pub config: gblint_sshconfig::Config,
}

/// Whether the path is an ssh client configuration.
pub fn detect(full: &str, name: &str) -> Option<FileKind> {
    let user_config = full.ends_with("/.ssh/config") || full == ".ssh/config";
    let system = full.ends_with("/etc/ssh/ssh_config")
        || (full.contains("/etc/ssh/ssh_config.d/") && name.ends_with(".conf"));
    (user_config || system).then_some(FileKind::SshConfig)
}

/// Parse every ssh client configuration input.
pub fn load(deployment: &mut Deployment, loader: &mut super::Loader<'_>) {
    let sources: &SourceMap = loader.sources;
    let inputs: Vec<(InputId, crate::deployment::InputFile)> = deployment
        .inputs()
        .map(|(input, file)| (input, file.clone()))
        .collect();
    for (input, file) in &inputs {
        let (input, file) = (*input, file);
        if file.kind != FileKind::SshConfig {
            continue;
        }
        let config = gblint_sshconfig::parse(sources.get(file.file).text());
        deployment.ssh_configs.push(SshConfigDoc {
            input,
            file: file.file,
            machine: file.machine,
            config,
        });
    }
}
