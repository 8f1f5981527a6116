//! The rules gblint knows, with what `gblint rules` and `gblint explain` show of them.

use crate::{Category, Error, Severity};

/// A rule's metadata.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct RuleInfo {
    /// Stable code, e.g. `CDY001`.
    pub code: &'static str,
    /// Kebab-case name, e.g. `storage-not-configured`.
    pub name: &'static str,
    /// The kind of file it checks (`caddyfile`, `systemd`, …), or `None` for cross-format rules.
    pub kind: Option<&'static str>,
    /// Its category.
    pub category: Category,
    /// Severity unless configured otherwise.
    pub default_severity: Severity,
    /// Whether it runs without being selected.
    pub enabled_by_default: bool,
    /// Whether it can offer fixes: `none`, `sometimes` or `always`.
    pub fix: &'static str,
    /// The first line of its documentation.
    pub summary: String,
    /// Whether a `# gblint: ignore[CODE] reason` comment can silence it.
    pub suppressible_inline: bool,
    /// Its documentation.
    pub doc: String,
}

impl RuleInfo {
    /// What `gblint explain CODE` prints: a heading, the rule's traits, its documentation.
    pub fn explain(&self) -> String {
        let mut traits = vec![
            format!("default severity: {}", self.default_severity),
            format!("category: {}", self.category),
        ];
        if !self.fix_label().is_empty() {
            traits.push(self.fix_label().to_owned());
        }
        if !self.enabled_by_default {
            traits.push("off by default".to_owned());
        }
        if !self.suppressible_inline {
            traits.push("cannot be suppressed inline".to_owned());
        }
        format!(
            "# {} {}\n\n{}\n\n{}",
            self.code,
            self.name,
            traits.join(" · "),
            self.doc
        )
    }
}

impl RuleInfo {
    /// How `gblint rules` shows [`RuleInfo::fix`]: `fix`, `fix (sometimes)`, or nothing.
    pub fn fix_label(&self) -> &'static str {
        match self.fix {
            "sometimes" => "fix (sometimes)",
            "always" => "fix",
            _ => "",
        }
    }
}

/// The rule a person asks for by code or by name, as `gblint explain QUERY` finds it: an
/// unknown query is an error with the nearest code or name suggested, and a name several
/// formats share (`syntax-error`) must be asked for by code.
///
/// ```
/// assert_eq!(gblint::lookup_rule("storage-not-configured")?.code, "CDY001");
/// let error = gblint::lookup_rule("CDY0001").unwrap_err();
/// assert!(matches!(error, gblint::Error::UnknownRule { .. }));
/// # Ok::<(), gblint::Error>(())
/// ```
pub fn lookup_rule(query: &str) -> Result<RuleInfo, Error> {
    let all = gblint_lint::registry::all();
    let named: Vec<String> = all
        .iter()
        .filter(|rule| rule.meta().name == query)
        .map(|rule| rule.meta().code.to_owned())
        .collect();
    if named.len() > 1 {
        return Err(Error::AmbiguousRule {
            query: query.to_owned(),
            codes: named,
        });
    }
    rule(query).ok_or_else(|| {
        let candidates = all
            .iter()
            .flat_map(|rule| [rule.meta().code, rule.meta().name]);
        Error::UnknownRule {
            query: query.to_owned(),
            message: format!(
                "unknown rule `{query}`{}",
                gblint_lint::settings::did_you_mean(query, candidates)
            ),
        }
    })
}

/// Every rule, in code order.
pub fn rules() -> Vec<RuleInfo> {
    gblint_lint::registry::all()
        .iter()
        .map(|rule| info(rule.meta()))
        .collect()
}

/// The rule with this code (or name), if there is one.
pub fn rule(code: &str) -> Option<RuleInfo> {
    gblint_lint::registry::by_code(code)
        .or_else(|| {
            gblint_lint::registry::all()
                .iter()
                .copied()
                .find(|rule| rule.meta().name == code)
        })
        .map(|rule| info(rule.meta()))
}

fn info(meta: &gblint_lint::RuleMeta) -> RuleInfo {
    RuleInfo {
        code: meta.code,
        name: meta.name,
        kind: meta.kind.map(gblint_lint::FileKind::name),
        category: meta.category,
        default_severity: meta.default_severity,
        enabled_by_default: meta.enabled_by_default,
        fix: match meta.fix {
            gblint_lint::FixAvailability::None => "none",
            gblint_lint::FixAvailability::Sometimes => "sometimes",
            gblint_lint::FixAvailability::Always => "always",
        },
        suppressible_inline: meta.suppressible_inline,
        summary: meta.summary(),
        doc: meta.doc_text(),
    }
}
