//! What kind of problem a rule reports. The category answers the question a CI gate asks first —
//! "would the real tool refuse this?" — and lets a user select whole kinds of rules
//! (`--select load`). See docs/rule-categories.md for how each rule was placed.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The kind of problem a rule reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    /// The real tool refuses the file, or skips the jail, unit or zone it belongs to.
    Load,
    /// The tool loads it, but the deployment misbehaves (certificates lost on restart, a site
    /// without a DNS record, loopback traffic dropped, a jail reading the wrong log).
    Correctness,
    /// The tool loads it and it works, but it exposes something (an open resolver, an internal
    /// port reachable from outside, a secret in the tree, a service running as root).
    Security,
    /// Probably a mistake, but a deliberate choice is possible (an unreachable rule, a key the
    /// tool ignores, a comment that swallows a line).
    Suspicious,
    /// A rule of the operations guide that the tools themselves do not care about (a configured
    /// storage root, a minimum vhost count, the flood jail's thresholds).
    Policy,
    /// Layout only: the bytes differ from the canonical formatting.
    Style,
    /// About gblint's own `# gblint:` comments.
    Suppression,
}

impl Category {
    /// Every category, in the order above.
    pub const ALL: [Category; 7] = [
        Category::Load,
        Category::Correctness,
        Category::Security,
        Category::Suspicious,
        Category::Policy,
        Category::Style,
        Category::Suppression,
    ];

    /// The lowercase name used in output, configuration and selectors.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Load => "load",
            Category::Correctness => "correctness",
            Category::Security => "security",
            Category::Suspicious => "suspicious",
            Category::Policy => "policy",
            Category::Style => "style",
            Category::Suppression => "suppression",
        }
    }

    /// The category with this name (case-insensitive).
    pub fn parse(name: &str) -> Option<Category> {
        Category::ALL
            .into_iter()
            .find(|category| category.as_str().eq_ignore_ascii_case(name))
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::Category;

    #[test]
    fn names_round_trip() {
        for category in Category::ALL {
            assert_eq!(Category::parse(category.as_str()), Some(category));
            assert_eq!(
                Category::parse(&category.as_str().to_uppercase()),
                Some(category)
            );
        }
        assert_eq!(Category::parse("loads"), None);
    }
}
