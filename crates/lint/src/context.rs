//! What a rule sees: the deployment, the settings and the sources.

use gblint_diagnostics::SourceMap;

use crate::baseline::Baseline;
use crate::deployment::Deployment;
use crate::settings::Settings;

/// The input of every rule's check.
pub struct Context<'a> {
    /// All parsed files and machines.
    pub deployment: &'a Deployment,
    /// Effective settings.
    pub settings: &'a Settings,
    /// Every file's text.
    pub sources: &'a SourceMap,
    /// The baseline to compare against (CDY010), if any.
    pub baseline: Option<&'a Baseline>,
}
