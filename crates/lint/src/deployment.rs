//! The deployment model every rule reads: machines with roles, input files with formats, and
//! the parsed form of each file gblint understands.

use std::collections::HashMap;
use std::ops::Index;
use std::path::PathBuf;

use gblint_caddyfile::Caddyfile;
use gblint_diagnostics::{FileId, TextRange};

use crate::file_kind::FileKind;

/// An input file: its index in [`Deployment::files`]. Not a [`FileId`]: the source map also
/// holds files that only an input imports, and files read only for the secret scan.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct InputId(pub usize);

/// A machine of a deployment tree: its index in [`Deployment::machines`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MachineId(pub usize);

impl Index<InputId> for Vec<InputFile> {
    type Output = InputFile;

    fn index(&self, input: InputId) -> &InputFile {
        &self[input.0]
    }
}

impl Index<MachineId> for Vec<Machine> {
    type Output = Machine;

    fn index(&self, machine: MachineId) -> &Machine {
        &self[machine.0]
    }
}

/// One machine folder of a deployment tree.
#[derive(Clone, Debug)]
pub struct Machine {
    /// Folder name (`pragmatismo-proxy`).
    pub name: String,
    /// The folder.
    pub dir: PathBuf,
    /// Role (`proxy`, `host`, …) from the name or `[machines.NAME] role`; `None` when unknown.
    pub role: Option<String>,
}

/// One file given to gblint (or found in a deployment tree).
#[derive(Clone, Debug)]
pub struct InputFile {
    /// The file in the source map.
    pub file: FileId,
    /// Its kind.
    pub kind: FileKind,
    /// The machine it belongs to, in deployment mode.
    pub machine: Option<MachineId>,
    /// Its absolute path on that machine (`/opt/gbo/conf/config`), in deployment mode.
    pub machine_path: Option<String>,
    /// Where it was found on disk (absolute, not resolved; for standard input, the path it is
    /// reported under): imports are taken relative to it.
    pub disk: Option<PathBuf>,
    /// The folder its imports may not leave (and where absolute imports point).
    pub fence: Option<Fence>,
}

/// The folder an input file's imports may not leave: the deployment tree's machine folder, the
/// folder given on the command line, or (for a lone file) the working directory or its own
/// folder. In deployment mode an absolute import (`/etc/caddy/x`) is taken inside the machine
/// folder, [`Fence::absolute_base`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fence {
    /// The folder (resolved).
    pub root: PathBuf,
    /// Where absolute import paths point, in deployment mode.
    pub absolute_base: Option<PathBuf>,
}

impl Fence {
    /// The fence of a file outside a deployment tree: absolute paths mean themselves.
    pub fn lone(root: PathBuf) -> Fence {
        Fence {
            root,
            absolute_base: None,
        }
    }
}

/// A parsed root Caddyfile (files only ever imported by another are not roots).
#[derive(Clone, Debug)]
pub struct CaddyDoc {
    /// Index into [`Deployment::files`].
    pub input: InputId,
    /// The parse.
    pub caddyfile: Caddyfile,
}

/// A parsed iptables rules file with its replayed ruleset.
#[derive(Clone, Debug)]
pub struct IptablesDoc {
    /// Index into [`Deployment::files`].
    pub input: InputId,
    /// The file.
    pub file: FileId,
    /// The parse.
    pub rules: gblint_iptables::RulesFile,
    /// The chains after replaying it.
    pub ruleset: gblint_iptables::ruleset::Ruleset,
    /// Loaded on top of rules gblint cannot see (ufw's files, `--noflush` input).
    pub fragment: bool,
}

/// A parsed Corefile, with what several rules read computed once.
#[derive(Clone, Debug)]
pub struct CorefileDoc {
    /// Index into [`Deployment::files`].
    pub input: InputId,
    /// The file.
    pub file: FileId,
    /// The parse.
    pub corefile: gblint_corefile::Corefile,
    /// Every `acl` directive with its parse (as the acl plugin's setup reads it).
    pub acls: Vec<AclDirective>,
    /// Every `file` directive with a zone file argument: where the file is and what it serves.
    pub zone_files: Vec<ZoneFileRef>,
}

impl CorefileDoc {
    /// The `acl` directives of server block `block`, in order, with their parses.
    pub fn acls_of(
        &self,
        block: usize,
    ) -> impl Iterator<
        Item = (
            &gblint_corefile::Directive,
            &Result<gblint_corefile::acl::Acl, gblint_corefile::acl::AclError>,
        ),
    > + '_ {
        self.acls
            .iter()
            .filter(move |acl| acl.block == block)
            .map(|acl| {
                (
                    &self.corefile.blocks[acl.block].directives[acl.directive],
                    &acl.parsed,
                )
            })
    }
}

/// An `acl` directive of a Corefile and its parse.
#[derive(Clone, Debug)]
pub struct AclDirective {
    /// Index of its server block in [`gblint_corefile::Corefile::blocks`].
    pub block: usize,
    /// Index of the directive in that block's directives.
    pub directive: usize,
    /// The parse, or the acl plugin's setup error.
    pub parsed: Result<gblint_corefile::acl::Acl, gblint_corefile::acl::AclError>,
}

/// A `file DBFILE [ZONES]` directive of a Corefile: which zone file it names.
#[derive(Clone, Debug)]
pub struct ZoneFileRef {
    /// Index of its server block in [`gblint_corefile::Corefile::blocks`].
    pub block: usize,
    /// Index of the directive in that block's directives.
    pub directive: usize,
    /// The zone file's path as the machine sees it: `DBFILE` taken relative to the block's
    /// `root`, else to the Corefile's folder (not normalised).
    pub path: String,
    /// The first zone it is served as: the first of `ZONES`, else the block's first key.
    pub zone: Option<String>,
}

impl ZoneFileRef {
    /// The `DBFILE` token.
    pub fn db<'a>(
        &self,
        corefile: &'a gblint_corefile::Corefile,
    ) -> &'a gblint_corefile::lexer::Token {
        corefile.blocks[self.block].directives[self.directive].args()[0]
    }
}

/// A parsed zone file and the origin it was read with.
#[derive(Clone, Debug)]
pub struct ZoneDoc {
    /// Index into [`Deployment::files`].
    pub input: InputId,
    /// The file.
    pub file: FileId,
    /// Origin (FQDN): the zone a Corefile serves it as, else `$ORIGIN` or the file name.
    pub origin: String,
    /// The parse.
    pub zone: gblint_corefile::zone::ZoneFile,
}

/// One fail2ban configuration folder (`/etc/fail2ban/` of a machine).
#[derive(Clone, Debug)]
pub struct Fail2banDoc {
    /// Its machine, in deployment mode.
    pub machine: Option<MachineId>,
    /// The folder, as shown (`/etc/fail2ban/`).
    pub base: String,
    /// Each file, by its path inside the folder (`jail.local`), with its parse (shared with
    /// `config`, which parsed it).
    pub files:
        std::collections::BTreeMap<String, (FileId, std::sync::Arc<gblint_fail2ban::IniFile>)>,
    /// The merged view fail2ban would build.
    pub config: gblint_fail2ban::Config,
    /// Why each jail of `config.jail_views()` is skipped, by position, worked out on first
    /// ask: several rules ask it of every enabled jail (`rules::fail2ban::skipped`).
    pub skips: std::sync::OnceLock<JailSkips>,
}

/// One lazily worked-out [`SkipReason`] (or none) per jail view.
pub type JailSkips = Box<[std::sync::OnceLock<Option<SkipReason>>]>;

/// Why fail2ban's jail reader skips a jail: the option at fault and fail2ban's own words.
#[derive(Clone, Debug)]
pub struct SkipReason {
    /// `filter` or `action`.
    pub option: &'static str,
    /// fail2ban's error lines, joined.
    pub message: String,
}

impl Fail2banDoc {
    /// The source file of a path inside the folder.
    pub fn file_of(&self, relative: &str) -> Option<FileId> {
        self.files.get(relative).map(|(file, _)| *file)
    }
}

/// A systemd unit with its drop-ins.
#[derive(Clone, Debug)]
pub struct UnitDoc {
    /// Its machine, in deployment mode.
    pub machine: Option<MachineId>,
    /// Unit name (`ui.service`).
    pub name: String,
    /// Input index of the unit file itself (`None` when only drop-ins exist).
    pub main: Option<InputId>,
    /// The unit file then its drop-ins: (label = path as shown, file, parse).
    pub files: Vec<(String, FileId, gblint_systemd::UnitFile)>,
    /// The merged view.
    pub merged: gblint_systemd::Merged,
}

impl UnitDoc {
    /// The source file of a merged value's label.
    pub fn file_of(&self, label: &str) -> Option<FileId> {
        self.files
            .iter()
            .find(|(l, _, _)| l == label)
            .map(|(_, file, _)| *file)
    }
}

/// `/etc/default/ufw`.
#[derive(Clone, Debug)]
pub struct UfwDoc {
    /// Index into [`Deployment::files`].
    pub input: InputId,
    /// The file.
    pub file: FileId,
    /// Its assignments.
    pub assignments: Vec<gblint_systemd::EnvAssignment>,
    /// Its parse problems.
    pub problems: Vec<gblint_systemd::Problem>,
}

/// ufw's ruleset as ufw-init loads it (see [`crate::load::ufw`]).
#[derive(Clone, Debug)]
pub struct UfwAssembly {
    /// Its machine, in deployment mode.
    pub machine: Option<MachineId>,
    /// Address family (`before.rules` … or `before6.rules` …).
    pub family: gblint_iptables::Family,
    /// Indexes into [`Deployment::iptables`] of `before`, `user` and `after`: a rule's
    /// `source` n is `files[n - 1]`; 0 is ufw-init's own commands.
    pub files: Vec<usize>,
    /// Index into [`Deployment::ufw`] of the `/etc/default/ufw` whose policies it uses.
    pub defaults: usize,
    /// The replayed tables.
    pub ruleset: gblint_iptables::ruleset::Ruleset,
}

/// An LXD instance's configuration (see [`crate::load::lxd`]).
#[derive(Clone, Debug)]
pub struct LxdDoc {
    /// Its input file.
    pub input: InputId,
    /// The file.
    pub file: FileId,
    /// The instance name (`pragmatismo-system`), from the file's path.
    pub name: String,
    /// Its role, from its name as for machine folders (or `[machines.NAME] role`).
    pub role: Option<String>,
    /// The tenant: the name before `-<role>`.
    pub tenant: Option<String>,
    /// The parse.
    pub instance: gblint_lxd::Instance,
}

/// A file that holds a secret (GBL002).
#[derive(Clone, Debug)]
pub struct SecretFile {
    /// The file (in the source map, with no text: its content is never shown).
    pub file: FileId,
    /// What was found.
    pub reason: String,
}

/// A file recognised but not checked by this version of gblint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SkippedFile {
    /// Path as reported.
    pub path: PathBuf,
    /// Its kind.
    pub kind: FileKind,
}

/// A problem reading a file that still got into the source map (invalid UTF-8, NUL bytes).
#[derive(Clone, Debug)]
pub struct ReadProblem {
    /// The file.
    pub file: FileId,
    /// Where (the first offending byte).
    pub range: TextRange,
    /// What.
    pub message: String,
    /// The file's kind (decides which `X000` code reports it).
    pub kind: FileKind,
}

/// Everything a run looks at.
#[derive(Clone, Debug, Default)]
pub struct Deployment {
    /// The deployment root, in deployment mode.
    pub root: Option<PathBuf>,
    /// Machines, in deployment mode.
    pub machines: Vec<Machine>,
    /// Input files.
    pub files: Vec<InputFile>,
    /// Parsed root Caddyfiles.
    pub caddyfiles: Vec<CaddyDoc>,
    /// Parsed iptables rules files.
    pub iptables: Vec<IptablesDoc>,
    /// Parsed Corefiles.
    pub corefiles: Vec<CorefileDoc>,
    /// Parsed zone files.
    pub zones: Vec<ZoneDoc>,
    /// Files holding secrets.
    pub secrets: Vec<SecretFile>,
    /// fail2ban configurations.
    pub fail2ban: Vec<Fail2banDoc>,
    /// systemd units.
    pub units: Vec<UnitDoc>,
    /// ufw defaults.
    pub ufw: Vec<UfwDoc>,
    /// ufw's assembled rulesets.
    pub ufw_rulesets: Vec<UfwAssembly>,
    /// crontabs.
    pub crontabs: Vec<crate::load::cron::CrontabDoc>,
    /// ssh client configurations.
    pub ssh_configs: Vec<crate::load::sshconfig::SshConfigDoc>,
    /// CI workflows.
    pub workflows: Vec<crate::load::workflow::WorkflowDoc>,
    /// LXD instances.
    pub lxd: Vec<LxdDoc>,
    /// Recognised but unchecked files.
    pub skipped: Vec<SkippedFile>,
    /// Files in no format gblint knows (found by walking folders): not checked, and named
    /// as such in the output so that no file is silently called clean.
    pub unknown: Vec<PathBuf>,
    /// Reading problems.
    pub read_problems: Vec<ReadProblem>,
    /// Canonical disk path of every file read from disk (inputs and imported files); fixes
    /// and `fmt` write there.
    pub disk_paths: HashMap<FileId, PathBuf>,
    /// The file read from standard input, if any (never written back).
    pub stdin: Option<FileId>,
}

impl Deployment {
    /// The machine of an input file.
    pub fn machine_of(&self, input: InputId) -> Option<&Machine> {
        self.files
            .get(input.0)
            .and_then(|file| file.machine)
            .and_then(|machine| self.machines.get(machine.0))
    }

    /// Every input file with its id.
    pub fn inputs(&self) -> impl Iterator<Item = (InputId, &InputFile)> + '_ {
        self.files
            .iter()
            .enumerate()
            .map(|(index, file)| (InputId(index), file))
    }

    /// The path of an input file as its machine sees it (`/opt/gbo/data/x.zone`), or as given.
    pub fn shown_path(&self, input: InputId, sources: &gblint_diagnostics::SourceMap) -> String {
        let file = &self.files[input];
        file.machine_path.clone().unwrap_or_else(|| {
            gblint_diagnostics::path_display::slashed(sources.get(file.file).path())
        })
    }

    /// The root Caddyfile of a machine ("the Caddyfile of this machine"), if it has one.
    pub fn machine_caddyfile(&self, machine: MachineId) -> Option<&CaddyDoc> {
        self.caddyfiles
            .iter()
            .find(|doc| self.files[doc.input].machine == Some(machine))
    }

    /// The index of the machine with role `role`, in deployment mode.
    pub fn machines_with_role<'a>(&'a self, role: &'a str) -> impl Iterator<Item = MachineId> + 'a {
        self.machines
            .iter()
            .enumerate()
            .filter(move |(_, m)| m.role.as_deref() == Some(role))
            .map(|(i, _)| MachineId(i))
    }

    /// The role of an input file's machine.
    pub fn role_of(&self, input: InputId) -> Option<&str> {
        self.machine_of(input)
            .and_then(|machine| machine.role.as_deref())
    }
}
