//! The table of every rule, and rule selection by code, prefix or category (`CDY001`, `CDY0`,
//! `CDY`, `load`, `ALL`).

use gblint_diagnostics::Category;

use crate::rule::{Rule, RuleMeta};
use crate::rules;

/// Every rule, in code order. Codes are stable and never reused.
pub fn all() -> &'static [&'static dyn Rule] {
    static ALL: &[&dyn Rule] = &[
        &rules::caddy::syntax_error::SyntaxError,
        &rules::caddy::storage_not_configured::StorageNotConfigured,
        &rules::caddy::storage_root_mismatch::StorageRootMismatch,
        &rules::caddy::duplicate_site_address::DuplicateSiteAddress,
        &rules::caddy::undefined_import::UndefinedImport,
        &rules::caddy::admin_api_disabled::AdminApiDisabled,
        &rules::caddy::comment_continues_line::CommentContinuesLine,
        &rules::caddy::not_formatted::NotFormatted,
        &rules::caddy::vhost_count_regressed::VhostCountRegressed,
        &rules::caddy::invalid_upstream::InvalidUpstream,
        &rules::caddy::import_not_followed::ImportNotFollowed,
        &rules::caddy::unknown_directive::UnknownDirective,
        &rules::caddy::subject_not_certifiable::SubjectNotCertifiable,
        &rules::iptables::syntax_error::SyntaxError,
        &rules::iptables::loopback_dropped::LoopbackDropped,
        &rules::iptables::internal_port_exposed::InternalPortExposed,
        &rules::iptables::shadowed_rule::ShadowedRule,
        &rules::iptables::restore_will_fail::RestoreWillFail,
        &rules::dns::syntax_error::SyntaxError,
        &rules::dns::acl_missing::AclMissing,
        &rules::dns::acl_allows_any_publicly::AclAllowsAnyPublicly,
        &rules::dns::acl_blocks_caa::AclBlocksCaa,
        &rules::dns::open_resolver::OpenResolver,
        &rules::dns::zone_file_missing::ZoneFileMissing,
        &rules::dns::soa_missing::SoaMissing,
        &rules::dns::unknown_plugin::UnknownPlugin,
        &rules::dns::plugin_setup::PluginSetup,
        &rules::fail2ban::syntax_error::SyntaxError,
        &rules::fail2ban::http_flood_jail_missing::HttpFloodJailMissing,
        &rules::fail2ban::sshd_jail_without_sshd::SshdJailWithoutSshd,
        &rules::fail2ban::enabled_not_boolean::EnabledNotBoolean,
        &rules::fail2ban::jail_logpath_mismatch::JailLogpathMismatch,
        &rules::fail2ban::loopback_bannable::LoopbackBannable,
        &rules::fail2ban::jail_skipped::JailSkipped,
        &rules::fail2ban::host_sshd_jail_missing::HostSshdJailMissing,
        &rules::fail2ban::mail_jails_missing::MailJailsMissing,
        &rules::systemd::syntax_error::SyntaxError,
        &rules::systemd::botserver_url_not_local::BotserverUrlNotLocal,
        &rules::systemd::botserver_port_mismatch::BotserverPortMismatch,
        &rules::systemd::service_runs_as_root::ServiceRunsAsRoot,
        &rules::systemd::unknown_key::UnknownKey,
        &rules::ufw::forward_policy_not_accept::ForwardPolicyNotAccept,
        &rules::cron::syntax_error::SyntaxError,
        &rules::cron::ci_cache_cleanup_missing::CiCacheCleanupMissing,
        &rules::cron::zfs_snapshots_missing::ZfsSnapshotsMissing,
        &rules::ssh::syntax_error::SyntaxError,
        &rules::ssh::system_host_alias_missing::SystemHostAliasMissing,
        &rules::workflow::syntax_error::SyntaxError,
        &rules::workflow::overwrites_running_program::OverwritesRunningProgram,
        &rules::workflow::deploy_through_container_mount::DeployThroughContainerMount,
        &rules::lxd::syntax_error::SyntaxError,
        &rules::lxd::invalid_instance_config::InvalidInstanceConfig,
        &rules::lxd::system_not_privileged::SystemNotPrivileged,
        &rules::lxd::public_proxy_device_missing::PublicProxyDeviceMissing,
        &rules::lxd::proxy_device_removed::ProxyDeviceRemoved,
        &rules::lxd::ci_shares_disk::CiSharesDisk,
        &rules::lxd::internal_role_listens_publicly::InternalRoleListensPublicly,
        &rules::cross::vhost_without_dns_record::VhostWithoutDnsRecord,
        &rules::cross::secret_in_tree::SecretInTree,
        &rules::suppressions::unused_suppression::UnusedSuppression,
        &rules::suppressions::invalid_suppression::InvalidSuppression,
    ];
    ALL
}

/// The rule with this exact code.
pub fn by_code(code: &str) -> Option<&'static dyn Rule> {
    all()
        .iter()
        .copied()
        .find(|rule| rule.meta().code.eq_ignore_ascii_case(code))
}

/// Whether `selector` selects `code`: `ALL`, the exact code, or a prefix of it.
pub(crate) fn selects(selector: &str, code: &str) -> bool {
    selector.eq_ignore_ascii_case("ALL")
        || (code.len() >= selector.len() && code[..selector.len()].eq_ignore_ascii_case(selector))
}

/// Whether `selector` selects the rule: [`selects`] its code, or names its category (`load`,
/// `security`, …). Codes are upper-case letters and digits and categories lower-case words, so
/// the two never collide.
pub(crate) fn selects_rule(selector: &str, meta: &RuleMeta) -> bool {
    selects(selector, meta.code) || Category::parse(selector) == Some(meta.category)
}

/// Whether a selector selects at least one rule.
pub(crate) fn matches_any(selector: &str) -> bool {
    !selector.is_empty() && all().iter().any(|rule| selects_rule(selector, rule.meta()))
}

/// Reject a selector (`CDY001`, `CDY`, `CDY0`, `load`, `ALL`) that matches no rule.
pub fn check_selector(selector: &str, place: &str) -> Result<(), String> {
    if matches_any(selector) {
        return Ok(());
    }
    let codes = all()
        .iter()
        .map(|rule| rule.meta().code)
        .chain(gblint_diagnostics::Category::ALL.map(|category| category.as_str()));
    Err(format!(
        "{place}: `{selector}` matches no rule{}",
        crate::settings::did_you_mean(selector, codes)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_and_names_are_unique_and_well_formed() {
        let mut codes = HashSet::new();
        let mut names = HashSet::new();
        for rule in all() {
            let meta = rule.meta();
            assert!(codes.insert(meta.code), "duplicate code {}", meta.code);
            assert!(
                names.insert((&meta.code[..3], meta.name)),
                "duplicate name {} in {}",
                meta.name,
                &meta.code[..3]
            );
            assert_eq!(meta.code.len(), 6, "{}", meta.code);
            assert!(
                meta.code[3..].bytes().all(|b| b.is_ascii_digit()),
                "{}",
                meta.code
            );
            assert!(
                meta.name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b == b'-'),
                "{}",
                meta.name
            );
            // Names describe the hazard, never the remedy (ruff's convention).
            for banned in ["no-", "disallow", "banned", "use-"] {
                assert!(
                    !meta.name.starts_with(banned),
                    "{} starts with {banned}",
                    meta.name
                );
            }
            let doc = meta.doc_text();
            for section in [
                "## What it does",
                "## Why is this bad",
                "## Example",
                "## Use instead",
                "## Fix safety",
            ] {
                assert!(
                    doc.contains(section),
                    "{} lacks a '{section}' section",
                    meta.code
                );
            }
            assert!(!meta.summary().is_empty(), "{} has no summary", meta.code);
        }
    }

    #[test]
    fn selection_by_prefix() {
        assert!(selects("CDY", "CDY001"));
        assert!(selects("cdy00", "CDY001"));
        assert!(selects("ALL", "GBL900"));
        assert!(!selects("CDY01", "CDY001"));
        assert!(matches_any("CDY0"));
        assert!(!matches_any("XYZ"));
        assert!(matches_any("load"));
        assert!(matches_any("Security"));
        let load = by_code("CDY000").expect("CDY000").meta();
        assert!(selects_rule("load", load));
        assert!(!selects_rule("style", load));
    }
}
