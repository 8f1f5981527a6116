//! The kinds of file gblint reads, and how a file's kind is told from its path or content.
//!
//! "Kind" is what a file is (a Caddyfile, a zone file, a systemd unit); "format" is kept for
//! formatting (`gblint fmt`), so the two never share a name.

use std::fmt;
use std::path::Path;

/// A kind of configuration file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FileKind {
    /// Caddy v2 Caddyfile.
    Caddyfile,
    /// CoreDNS Corefile.
    Corefile,
    /// RFC 1035 zone file.
    Zone,
    /// iptables-save / iptables-restore input.
    Iptables,
    /// fail2ban jail, filter or action file.
    Fail2ban,
    /// systemd unit or drop-in.
    Systemd,
    /// `/etc/default/ufw`.
    Ufw,
    /// crontab: `/etc/crontab`, `/etc/cron.d/*`, `/var/spool/cron/crontabs/*`.
    Crontab,
    /// OpenSSH client configuration (`~/.ssh/config`, `/etc/ssh/ssh_config`).
    SshConfig,
    /// Forgejo or GitHub Actions workflow (`.forgejo/workflows/*.yaml`, `.github/workflows/*.yml`).
    Workflow,
    /// An LXD instance: LXD's `backup.yaml`, or an `lxc config show` export.
    Lxd,
}

impl FileKind {
    /// Every format, in a stable order.
    pub const ALL: [FileKind; 11] = [
        FileKind::Caddyfile,
        FileKind::Corefile,
        FileKind::Zone,
        FileKind::Iptables,
        FileKind::Fail2ban,
        FileKind::Systemd,
        FileKind::Ufw,
        FileKind::Crontab,
        FileKind::SshConfig,
        FileKind::Workflow,
        FileKind::Lxd,
    ];

    /// The name used by `--kind`.
    pub fn name(self) -> &'static str {
        match self {
            FileKind::Caddyfile => "caddyfile",
            FileKind::Corefile => "corefile",
            FileKind::Zone => "zone",
            FileKind::Iptables => "iptables",
            FileKind::Fail2ban => "fail2ban",
            FileKind::Systemd => "systemd",
            FileKind::Ufw => "ufw",
            FileKind::Crontab => "crontab",
            FileKind::SshConfig => "ssh-config",
            FileKind::Workflow => "workflow",
            FileKind::Lxd => "lxd",
        }
    }

    /// Parse a `--kind` value.
    pub fn from_name(name: &str) -> Option<FileKind> {
        FileKind::ALL.into_iter().find(|kind| kind.name() == name)
    }

    /// Whether this version of gblint parses and lints the format (the others are recognised,
    /// reported as skipped, and never silently called clean).
    pub fn is_checked(self) -> bool {
        matches!(
            self,
            FileKind::Caddyfile
                | FileKind::Iptables
                | FileKind::Corefile
                | FileKind::Zone
                | FileKind::Fail2ban
                | FileKind::Systemd
                | FileKind::Ufw
                | FileKind::Crontab
                | FileKind::SshConfig
                | FileKind::Workflow
                | FileKind::Lxd
        )
    }
}

impl fmt::Display for FileKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Tell a file's format from its path on the machine (`/opt/gbo/conf/config`) and its name.
/// `machine_path` is the path below the machine folder with a leading `/`, when known;
/// `role` the machine's role.
pub fn detect_by_path(
    path: &Path,
    machine_path: Option<&str>,
    role: Option<&str>,
) -> Option<FileKind> {
    let name = path.file_name()?.to_string_lossy();
    let full = machine_path
        .map(str::to_owned)
        .unwrap_or_else(|| gblint_diagnostics::path_display::slashed(path));
    if name == "Caddyfile"
        || name.starts_with("Caddyfile.")
        || name.ends_with(".caddyfile")
        || name.ends_with(".Caddyfile")
    {
        return Some(FileKind::Caddyfile);
    }
    // The General Bots proxy keeps its Caddyfile at /opt/gbo/conf/config; on other machines
    // that path holds other things, so only the proxy role (or a plain folder) counts.
    if full.ends_with("/opt/gbo/conf/config") && (role == Some("proxy") || machine_path.is_none()) {
        return Some(FileKind::Caddyfile);
    }
    if full.ends_with("/etc/caddy/Caddyfile") {
        return Some(FileKind::Caddyfile);
    }
    if name == "Corefile" || name.starts_with("Corefile.") || name.ends_with(".corefile") {
        return Some(FileKind::Corefile);
    }
    if name.ends_with(".zone") || name.starts_with("db.") {
        return Some(FileKind::Zone);
    }
    if name == "rules.v4" || name == "rules.v6" || name.ends_with(".rules") {
        return Some(FileKind::Iptables);
    }
    if full.ends_with("/etc/default/ufw") {
        return Some(FileKind::Ufw);
    }
    if let Some(kind) = crate::load::detect(&full, &name) {
        return Some(kind);
    }
    if full.contains("/fail2ban/") {
        let in_subdir = ["/jail.d/", "/filter.d/", "/action.d/"]
            .iter()
            .any(|dir| full.contains(dir));
        // Every .conf/.local directly in the fail2ban folder is read (paths-debian.conf is
        // included by jail.conf's [INCLUDES]).
        let top = full
            .rsplit_once('/')
            .is_some_and(|(dir, _)| dir.ends_with("/fail2ban") || dir == "fail2ban")
            && (name.ends_with(".conf") || name.ends_with(".local"));
        if (in_subdir && (name.ends_with(".conf") || name.ends_with(".local"))) || top {
            return Some(FileKind::Fail2ban);
        }
    }
    let unit_suffixes = [
        ".service",
        ".socket",
        ".timer",
        ".mount",
        ".path",
        ".target",
        ".automount",
        ".slice",
        ".scope",
        ".swap",
        ".device",
    ];
    if unit_suffixes.iter().any(|suffix| name.ends_with(suffix)) {
        return Some(FileKind::Systemd);
    }
    if name.ends_with(".conf") {
        if let Some(parent) = path.parent().and_then(|p| p.file_name()) {
            let parent = parent.to_string_lossy();
            if unit_suffixes
                .iter()
                .any(|suffix| parent.ends_with(&format!("{suffix}.d")))
            {
                return Some(FileKind::Systemd);
            }
        }
    }
    None
}

/// Guess a format from content, for files whose name says nothing. Conservative: only
/// shapes that no other format has.
pub fn sniff(text: &str) -> Option<FileKind> {
    let meaningful: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#') && !line.starts_with(';'))
        .take(40)
        .collect();
    let first = *meaningful.first()?;
    if first.starts_with('*')
        && ["*filter", "*nat", "*mangle", "*raw", "*security"].contains(&first)
    {
        return Some(FileKind::Iptables);
    }
    if first.starts_with('[') && first.ends_with(']') {
        let unit_sections = [
            "[Unit]",
            "[Service]",
            "[Install]",
            "[Socket]",
            "[Timer]",
            "[Mount]",
            "[Path]",
        ];
        if unit_sections.contains(&first) {
            return Some(FileKind::Systemd);
        }
        return Some(FileKind::Fail2ban);
    }
    if first.starts_with("$ORIGIN") || first.starts_with("$TTL") {
        return Some(FileKind::Zone);
    }
    let caddy_words = [
        "reverse_proxy",
        "file_server",
        "encode",
        "respond",
        "root",
        "tls",
        "storage",
        "import",
        "handle",
        "header",
    ];
    let looks_caddy = meaningful.iter().any(|line| {
        let word = line.split_whitespace().next().unwrap_or("");
        caddy_words.contains(&word)
    }) && meaningful.iter().any(|line| line.ends_with('{'));
    if looks_caddy {
        return Some(FileKind::Caddyfile);
    }
    let coredns_words = [
        "forward", "cache", "errors", "log", "file", "acl", "bind", "reload", "hosts",
    ];
    let looks_coredns = meaningful.iter().all(|line| {
        let word = line.split_whitespace().next().unwrap_or("");
        coredns_words.contains(&word) || line.ends_with('{') || *line == "}"
    });
    if looks_coredns && meaningful.iter().any(|line| line.ends_with('{')) {
        return Some(FileKind::Corefile);
    }
    None
}
