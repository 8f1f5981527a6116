use gblint_diagnostics::{Diagnostic, Edit, Fix};

use crate::context::Context;
use crate::declare_rule;
use crate::file_kind::FileKind;
use crate::rule::{Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Reports `DEFAULT_FORWARD_POLICY` in `/etc/default/ufw` set to anything but `ACCEPT`
    /// on the LXD host (the `host` machine; in files mode, any such file).
    ///
    /// ## Why is this bad
    /// The tenant's containers reach the internet through the host's bridge: that traffic is
    /// *forwarded*. With the policy at DROP (ufw's default) every container loses outside
    /// access — no apt, no ACME, no outgoing mail — while the host itself works fine.
    ///
    /// ## Example
    /// ```sh
    /// DEFAULT_FORWARD_POLICY="DROP"
    /// ```
    ///
    /// ## Use instead
    /// ```sh
    /// DEFAULT_FORWARD_POLICY="ACCEPT"
    /// ```
    ///
    /// ## Fix safety
    /// The fix sets the value to `ACCEPT`, keeping its quoting. It is safe on an LXD host: the
    /// containers' own firewalls and the host's INPUT policy still apply.
    pub struct ForwardPolicyNotAccept {
        code: "UFW001",
        name: "forward-policy-not-accept",
        severity: Error,
        category: Correctness,
        fix: Always,
        kind: Some(FileKind::Ufw),
    }
}

impl Rule for ForwardPolicyNotAccept {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for doc in &ctx.deployment.ufw {
            let role = ctx.deployment.role_of(doc.input);
            if ctx.deployment.files[doc.input].machine.is_some() && role != Some("host") {
                continue;
            }
            let Some(policy) = doc
                .assignments
                .iter()
                .rev()
                .find(|a| a.name == "DEFAULT_FORWARD_POLICY")
            else {
                continue;
            };
            if policy.value.eq_ignore_ascii_case("ACCEPT") {
                continue;
            }
            let text = ctx.sources.get(doc.file).text();
            let written = &text[policy.value_range.as_range()];
            let replacement = match written.chars().next() {
                Some(q @ ('"' | '\'')) => format!("{q}ACCEPT{q}"),
                _ => "ACCEPT".to_owned(),
            };
            out.push(
                Self::META
                    .diagnostic(
                        doc.file,
                        policy.value_range,
                        format!(
                            "DEFAULT_FORWARD_POLICY is {}: the containers lose internet access",
                            policy.value
                        ),
                    )
                    .with_label("forwarded traffic is dropped")
                    .with_help("set DEFAULT_FORWARD_POLICY=\"ACCEPT\" on the LXD host")
                    .with_fix(Fix::safe(
                        "accept forwarded traffic",
                        vec![Edit::replacement(policy.value_range, replacement)],
                    )),
            );
        }
    }
}
