//! crontabs: `/etc/crontab` and `/etc/cron.d/*` (system crontabs, with a user field) and
//! `/var/spool/cron/crontabs/<user>` (what `crontab -e` writes, without).

use gblint_cron::{Crontab, Kind};
use gblint_diagnostics::{FileId, SourceMap};

use crate::deployment::{Deployment, InputId};
use crate::file_kind::FileKind;

/// A parsed crontab.
#[derive(Clone, Debug)]
pub struct CrontabDoc {
    /// Its input file.
    pub input: InputId,
    /// The file.
    pub file: FileId,
    /// System or user crontab.
    pub kind: Kind,
    /// The parse.
    pub crontab: Crontab,
    /// A file in `/etc/cron.d` whose name cron skips (anything but letters, digits, `_`, `-`).
    pub skipped_name: bool,
}

impl CrontabDoc {
    /// Whether cron runs this file's jobs: it refuses the whole file for one bad line.
    pub fn runs(&self) -> bool {
        self.crontab.errors.is_empty() && !self.skipped_name
    }
}

/// The crontab kind of a path, if it is one.
fn kind_of(full: &str, name: &str) -> Option<Kind> {
    if full.ends_with("/etc/crontab") || full == "etc/crontab" {
        return Some(Kind::System);
    }
    let parent = full.rsplit_once('/').map_or("", |(dir, _)| dir);
    if parent.ends_with("/etc/cron.d") || parent == "etc/cron.d" {
        return Some(Kind::System);
    }
    if (parent.ends_with("/var/spool/cron/crontabs") || parent == "var/spool/cron/crontabs")
        && !name.is_empty()
    {
        return Some(Kind::User);
    }
    None
}

/// Whether the path is a crontab.
pub fn detect(full: &str, name: &str) -> Option<FileKind> {
    kind_of(full, name).map(|_| FileKind::Crontab)
}

/// Parse every crontab input.
pub fn load(deployment: &mut Deployment, loader: &mut super::Loader<'_>) {
    let sources: &SourceMap = loader.sources;
    let inputs: Vec<(InputId, crate::deployment::InputFile)> = deployment
        .inputs()
        .map(|(input, file)| (input, file.clone()))
        .collect();
    for (input, file) in &inputs {
        let (input, file) = (*input, file);
        if file.kind != FileKind::Crontab {
            continue;
        }
        let shown = deployment.shown_path(input, sources);
        let name = shown.rsplit('/').next().unwrap_or_default().to_owned();
        // A file named as a crontab on the command line with no telling path is a system
        // one when it has a user field's shape; the path decides everywhere else.
        let kind = kind_of(&shown, &name).unwrap_or(Kind::System);
        let in_cron_d = shown.contains("/cron.d/") || shown.starts_with("cron.d/");
        let skipped_name = in_cron_d
            && !name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        let crontab = gblint_cron::parse(sources.get(file.file).text(), kind);
        deployment.crontabs.push(CrontabDoc {
            input,
            file: file.file,
            kind,
            crontab,
            skipped_name,
        });
    }
}
