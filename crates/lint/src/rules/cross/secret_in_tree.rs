use gblint_diagnostics::{Diagnostic, TextRange};

use crate::context::Context;
use crate::declare_rule;
use crate::rule::{Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Reports files in the checked tree that hold secrets: Vault unseal key files (any name
    /// containing `unseal`), Vault's init output whatever its name (JSON with
    /// `unseal_keys_b64`, `unseal_keys_hex` or a `root_token` value, or the text form with
    /// `Unseal Key 1:` and `Initial Root Token:`), and private keys (a PEM
    /// `-----BEGIN … PRIVATE KEY-----` line anywhere in the file, OpenSSH and PuTTY keys).
    ///
    /// Every file of the tree is searched, whole (up to the `max-file-bytes` limit), whatever
    /// its format: hidden files and folders (`root/.ssh/id_rsa`, `.hidden_key`), renamed
    /// copies (`key.pem.bak-old`), and the files at the top of a deployment tree. Only
    /// `.git/` (compressed objects), `target/` and `node_modules/` (build output and
    /// downloaded dependencies) are not entered.
    ///
    /// The secret itself is never printed, in any output format. A file this rule reports is
    /// not linted otherwise: its other findings are replaced by this one, so it never appears
    /// in a snippet, a `--diff`, a `--fix` or a backup, and an `import` of it (Caddyfile or
    /// Corefile) is refused without reading it into the report.
    ///
    /// ## Why is this bad
    /// A deployment tree is committed, copied into CI and shared. Unseal keys and the root
    /// token open every secret of the tenant; a private key lets anyone impersonate the
    /// server. The operations guide keeps them off the machines' config folders entirely.
    ///
    /// ## Example
    /// Vault's init output saved on the vault machine:
    ///
    /// `pragmatismo-vault/opt/gbo/conf/vault-unseal-keys.txt`:
    /// ```text
    /// Unseal Key 1: EXAMPLE-NOT-A-KEY
    /// Initial Root Token: EXAMPLE-NOT-A-TOKEN
    /// ```
    ///
    /// ## Use instead
    /// Keep unseal keys with their custodians (offline, split), and private keys only on the
    /// machine that uses them, outside the tree gblint checks (or in a secrets manager).
    ///
    /// ## Fix safety
    /// No automatic fix: removing the file is not enough — the secret must be rotated.
    pub struct SecretInTree {
        code: "GBL002",
        name: "secret-in-tree",
        severity: Error,
        category: Security,
        fix: None,
        kind: None,
    }
}

impl Rule for SecretInTree {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for secret in &ctx.deployment.secrets {
            out.push(
                Self::META
                    .diagnostic(secret.file, TextRange::empty(0), format!("this file holds {}", secret.reason))
                    .with_label("secret in the deployment tree")
                    .with_help("remove it from the tree and rotate the secret: anyone who saw the tree has it"),
            );
        }
    }
}
