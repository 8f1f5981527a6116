//! The tenant inventory: one TOML file that describes everything `gblint render` generates.
//!
//! Every table rejects unknown keys (a typo must not silently fall back to a default), and
//! every default is the value the production operations guide prescribes, so a short
//! inventory renders a compliant tenant. Values that later checks point at are kept with
//! their byte span ([`Spanned`]) so an error names the inventory line, not a rendered file.
//! `docs/inventory.schema.json` is the published schema of this model; a test keeps the two
//! in step.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::port::Port;

/// A whole tenant.
#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Inventory {
    /// Tenant name: machine folders are `<tenant>-<role>`.
    pub tenant: Spanned<String>,
    /// Fixed time stamp of the generated files (`YYYY-MM-DDTHH:MM:SS`, local time): written
    /// into the iptables-save headers and the default zone serial, so that rendering twice
    /// gives the same bytes.
    pub generated_at: Spanned<String>,
    /// The LXD host.
    pub host: Host,
    /// Networks and ports shared by several formats.
    #[serde(default)]
    pub network: Network,
    /// Containers by role.
    pub machines: BTreeMap<Spanned<String>, Machine>,
    /// Zones the tenant's DNS container serves.
    #[serde(default)]
    pub domains: Vec<Domain>,
    /// systemd services by unit name (`<name>.service`).
    #[serde(default)]
    pub services: BTreeMap<Spanned<String>, Service>,
    /// The edge proxy.
    pub caddy: Caddy,
    /// The DNS container.
    #[serde(default)]
    pub coredns: CoreDns,
    /// The proxy's flood jail.
    #[serde(default)]
    pub fail2ban: Fail2ban,
    /// The email container's jails (rendered when `[machines]` has an `email` role).
    #[serde(default)]
    pub email: Email,
    /// How each daily job is scheduled: a `/etc/cron.d` file or a systemd timer and service.
    #[serde(default)]
    pub schedule: Schedule,
    /// Code repositories whose deploy workflow `render --code-repo NAME` writes.
    #[serde(default)]
    pub code_repos: BTreeMap<Spanned<String>, CodeRepo>,
    /// `[write]` of the rendered gblint.toml, which `render` follows too.
    #[serde(default)]
    pub write: Option<Write>,
}

/// How files of the tree are rewritten.
#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Write {
    /// Keep each replaced or pruned file as `<file>.bak-YYYYMMDDHHMM`.
    #[serde(default = "yes")]
    pub backup: bool,
}

/// The LXD host.
#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Host {
    /// Public IPv4 address: every public A record points here.
    pub public_ipv4: Spanned<String>,
    /// LXD bridge interface.
    #[serde(default = "default_bridge")]
    pub bridge: Spanned<String>,
    /// The bridge's subnet.
    pub bridge_cidr: Spanned<String>,
    /// `/etc/default/ufw`.
    #[serde(default)]
    pub ufw: Ufw,
    /// The host's `jail.local`.
    #[serde(default)]
    pub fail2ban: HostFail2ban,
}

/// `/etc/default/ufw` policies (the operations guide: forwarding must be ACCEPT).
#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Ufw {
    /// `IPV6`.
    #[serde(default = "yes")]
    pub ipv6: bool,
    /// `DEFAULT_INPUT_POLICY`.
    #[serde(default = "policy_drop")]
    pub default_input: Spanned<String>,
    /// `DEFAULT_OUTPUT_POLICY`.
    #[serde(default = "policy_accept")]
    pub default_output: Spanned<String>,
    /// `DEFAULT_FORWARD_POLICY`.
    #[serde(default = "policy_accept")]
    pub default_forward: Spanned<String>,
    /// `DEFAULT_APPLICATION_POLICY`.
    #[serde(default = "policy_skip")]
    pub default_application: Spanned<String>,
    /// `MANAGE_BUILTINS`: no, so LXD's own chains survive a reload.
    #[serde(default)]
    pub manage_builtins: bool,
    /// `IPT_MODULES`.
    #[serde(default)]
    pub ipt_modules: Vec<Spanned<String>>,
}

impl Default for Ufw {
    fn default() -> Self {
        Ufw {
            ipv6: true,
            default_input: policy_drop(),
            default_output: policy_accept(),
            default_forward: policy_accept(),
            default_application: policy_skip(),
            manage_builtins: false,
            ipt_modules: Vec::new(),
        }
    }
}

/// The host's `jail.local`: `[DEFAULT]` values and the jails it enables.
#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct HostFail2ban {
    /// `bantime` in `[DEFAULT]`.
    #[serde(default = "default_host_bantime")]
    pub bantime: Spanned<String>,
    /// `findtime` in `[DEFAULT]`.
    #[serde(default = "default_host_findtime")]
    pub findtime: Spanned<String>,
    /// `maxretry` in `[DEFAULT]`.
    #[serde(default = "default_host_maxretry")]
    pub maxretry: u32,
    /// `backend` (Debian 12 hosts log to the journal only).
    #[serde(default = "default_host_backend")]
    pub backend: Spanned<String>,
    /// `ignoreip`: loopback is never banned.
    #[serde(default = "default_ignoreip")]
    pub ignoreip: Vec<Spanned<String>>,
    /// Jails, in file order.
    #[serde(default = "default_host_jails")]
    pub jails: Vec<Jail>,
}

impl Default for HostFail2ban {
    fn default() -> Self {
        HostFail2ban {
            bantime: default_host_bantime(),
            findtime: default_host_findtime(),
            maxretry: default_host_maxretry(),
            backend: default_host_backend(),
            ignoreip: default_ignoreip(),
            jails: default_host_jails(),
        }
    }
}

/// One jail of the host.
#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Jail {
    /// Section name (a jail of fail2ban's `jail.conf`).
    pub name: Spanned<String>,
    /// `enabled`.
    #[serde(default = "yes")]
    pub enabled: bool,
    /// `maxretry`, when it differs from `[DEFAULT]`.
    #[serde(default)]
    pub maxretry: Option<u32>,
    /// `port`: ports or /etc/services names the ban closes. Left out, a host jail keeps
    /// jail.conf's, and a mail jail (`stalwart`, `postfix`, `dovecot`) gets the mail ports
    /// its filter reads ([`mail_jail_ports`]).
    #[serde(default)]
    pub port: Vec<Spanned<String>>,
    /// Comment written above the section.
    #[serde(default)]
    pub comment: Option<Spanned<String>>,
}

/// The email container.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Email {
    /// Its `jail.local`.
    #[serde(default)]
    pub fail2ban: MailFail2ban,
}

/// The email container's `jail.local`: the jails of the mail services its LXD proxy devices
/// publish (SMTP 25/465/587; IMAP, POP3 and ManageSieve 143/993/110/995/4190). The tenant's
/// mail server is Stalwart, so the default is one `stalwart` jail over Stalwart's own log
/// with the `filter.d/stalwart.conf` render writes; fail2ban's stock `postfix` and `dovecot`
/// jails stay selectable for a container that runs those instead.
#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MailFail2ban {
    /// `backend` in `[DEFAULT]` (Debian 12 containers log to the journal only): what the
    /// stock `postfix` and `dovecot` jails read. The `stalwart` jail reads a file and sets
    /// its own `backend = auto`.
    #[serde(default = "default_host_backend")]
    pub backend: Spanned<String>,
    /// The file Stalwart's `log` tracer writes (its `path` joined with its `prefix`, with
    /// `rotate = "never"`): the `logpath` of the `stalwart` jail. Default: the role's logs
    /// folder, `/opt/gbo/logs/stalwart.log`.
    #[serde(default = "default_stalwart_log")]
    pub logpath: Spanned<String>,
    /// Jails, in file order: `stalwart` by default.
    #[serde(default = "default_mail_jails")]
    pub jails: Vec<Jail>,
}

impl Default for MailFail2ban {
    fn default() -> Self {
        MailFail2ban {
            backend: default_host_backend(),
            logpath: default_stalwart_log(),
            jails: default_mail_jails(),
        }
    }
}

/// The name of the jail (and of the filter render writes for it) that reads Stalwart's log.
pub const STALWART_JAIL: &str = "stalwart";

/// The ports a mail jail closes when the inventory names none: the mail services of the
/// email role's proxy devices whose logins its filter reads. `stalwart` closes all of them:
/// one server answers SMTP submission and mailbox access, and its `auth.failed` event is
/// the same for every listener. For the stock filters, `postfix` closes mail submission
/// (smtp, submissions, submission: 25, 465, 587), `dovecot` mailbox access (imap, imaps,
/// pop3, pop3s and ManageSieve's sieve: 143, 993, 110, 995, 4190; its filter matches
/// `managesieve-login` too, so no separate jail is needed — fail2ban's stock `sieve` filter
/// is Cyrus timsieved's). jail.conf's `dovecot` also lists the submission ports; leaving
/// them to `postfix` keeps each kind of service behind exactly one jail, so turning one jail
/// off is what F2B008 reports.
pub fn mail_jail_ports(name: &str) -> Option<&'static str> {
    match name {
        STALWART_JAIL => Some("smtp,submission,submissions,imap,imaps,pop3,pop3s,sieve"),
        "postfix" => Some("smtp,submissions,submission"),
        "dovecot" => Some("imap,imaps,pop3,pop3s,sieve"),
        _ => None,
    }
}

/// How the daily jobs of the operations guide are scheduled.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Schedule {
    /// The host's daily ZFS snapshots with 7-day retention (`host`).
    #[serde(default)]
    pub zfs_snapshots: Scheduler,
    /// The CI runner's daily sccache and cargo registry clean-up (`alm-ci`).
    #[serde(default)]
    pub ci_cache_clean: Scheduler,
}

/// What runs a daily job.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Scheduler {
    /// A file in `/etc/cron.d/`.
    #[default]
    Cron,
    /// `/etc/systemd/system/<job>.timer` and the oneshot `<job>.service` it starts.
    Timer,
}

/// A code repository gblint renders the deploy workflow of.
#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CodeRepo {
    /// `forgejo` (`.forgejo/workflows/`) or `github` (`.github/workflows/`).
    #[serde(default = "default_forge")]
    pub forge: Spanned<String>,
    /// Workflow file name without `.yaml` (default: the repository's name).
    #[serde(default)]
    pub workflow: Option<Spanned<String>>,
    /// Branch whose pushes deploy.
    #[serde(default = "default_branch")]
    pub branch: Spanned<String>,
    /// `runs-on` label of the tenant's CI runner.
    #[serde(default = "default_runs_on")]
    pub runs_on: Spanned<String>,
    /// The services it deploys, in start order (stopped in reverse order).
    pub deploy: Vec<Deploy>,
}

/// One service a workflow deploys: its binary (the program of its `exec`, built by the cargo
/// package of the same name) is copied over SSH to its machine after the unit is stopped.
#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Deploy {
    /// A key of `[services]`.
    pub service: Spanned<String>,
    /// Path the health check asks on the service's port.
    #[serde(default = "default_health")]
    pub health: Spanned<String>,
    /// Port of the health check; default: the service's `PORT` or `*_PORT` environment value.
    #[serde(default)]
    pub port: Option<Spanned<Port>>,
}

/// Networks and ports shared by several formats.
#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Network {
    /// Internal networks: CoreDNS answers anything to them and forwards only for them.
    #[serde(default = "default_internal")]
    pub internal: Vec<Spanned<String>>,
}

impl Default for Network {
    fn default() -> Self {
        Network {
            internal: default_internal(),
        }
    }
}

/// A container, keyed by role.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Machine {
    /// Bridge address (upstream of the proxy's vhosts).
    #[serde(default)]
    pub ip: Option<Spanned<String>>,
    /// Ports reachable only over loopback: each gets a DROP after `-i lo -j ACCEPT` in the
    /// machine's rules.v4 and rules.v6.
    #[serde(default)]
    pub internal_ports: Vec<Port>,
}

/// A zone.
#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Domain {
    /// Zone apex, without the final dot.
    pub name: Spanned<String>,
    /// Extra header lines of the zone file.
    #[serde(default)]
    pub comment: Option<Spanned<String>>,
    /// Words after the zone's name in the Corefile heading comment.
    #[serde(default)]
    pub corefile_note: Option<Spanned<String>>,
    /// `$TTL`.
    #[serde(default = "default_ttl")]
    pub ttl: u32,
    /// Start of authority.
    pub soa: Soa,
    /// Name servers (absolute names).
    pub ns: Vec<Spanned<String>>,
    /// CAA policy.
    #[serde(default)]
    pub caa: Option<Caa>,
    /// Mail exchangers.
    #[serde(default)]
    pub mx: Vec<Mx>,
    /// Apex TXT records (SPF), written with the mail records.
    #[serde(default)]
    pub txt: Vec<Spanned<String>>,
    /// A records pointing at the host's public IP.
    #[serde(default)]
    pub a: AddressRecords,
    /// Any other records, written last.
    #[serde(default)]
    pub records: Vec<Record>,
}

/// The SOA record.
#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Soa {
    /// Primary name server (absolute).
    pub mname: Spanned<String>,
    /// Mailbox of the person responsible (absolute, `@` written as `.`).
    pub rname: Spanned<String>,
    /// `YYYYMMDDNN`; defaults to the date of `generated_at` and `01`.
    #[serde(default)]
    pub serial: Option<Spanned<u64>>,
    /// Refresh (seconds).
    #[serde(default = "default_refresh")]
    pub refresh: u32,
    /// Retry (seconds).
    #[serde(default = "default_retry")]
    pub retry: u32,
    /// Expire (seconds).
    #[serde(default = "default_expire")]
    pub expire: u32,
    /// Negative-caching TTL (seconds).
    #[serde(default = "default_minimum")]
    pub minimum: u32,
}

/// CAA records at the apex.
#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Caa {
    /// CAs allowed to issue.
    pub issue: Vec<Spanned<String>>,
    /// `issuewild` value; `";"` forbids wildcard certificates.
    #[serde(default)]
    pub issuewild: Option<Spanned<String>>,
    /// Comment above the records.
    #[serde(default)]
    pub comment: Option<Spanned<String>>,
}

/// An MX record at the apex.
#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Mx {
    /// Preference.
    pub preference: u16,
    /// Exchanger, relative to the zone or absolute.
    pub host: Spanned<String>,
}

/// A records that point at the host's public IP.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AddressRecords {
    /// Comment above the records.
    #[serde(default)]
    pub comment: Option<Spanned<String>>,
    /// Owner names relative to the zone (`@` for the apex).
    #[serde(default)]
    pub names: Vec<Spanned<String>>,
}

/// Any other record.
#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Record {
    /// Owner name relative to the zone.
    pub name: Spanned<String>,
    /// Record type.
    #[serde(rename = "type")]
    pub rtype: Spanned<String>,
    /// RDATA as written in a zone file.
    pub value: Spanned<String>,
}

/// A systemd service.
#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Service {
    /// Role of the machine it runs on.
    pub machine: Spanned<String>,
    /// Comment written above `[Unit]`.
    #[serde(default)]
    pub comment: Option<Spanned<String>>,
    /// `Description=`.
    pub description: Spanned<String>,
    /// `Documentation=`.
    #[serde(default)]
    pub documentation: Option<Spanned<String>>,
    /// `After=`.
    #[serde(default = "default_after")]
    pub after: Vec<Spanned<String>>,
    /// `Wants=`.
    #[serde(default = "default_after")]
    pub wants: Vec<Spanned<String>>,
    /// `Type=`.
    #[serde(default = "default_type", rename = "type")]
    pub service_type: Spanned<String>,
    /// `User=`: never root (SYD003).
    #[serde(default = "default_user")]
    pub user: Spanned<String>,
    /// `Group=`; defaults to the user.
    #[serde(default)]
    pub group: Option<Spanned<String>>,
    /// `WorkingDirectory=`.
    #[serde(default = "default_workdir")]
    pub working_directory: Spanned<String>,
    /// `Environment=` entries, in order.
    #[serde(default)]
    pub environment: Vec<EnvVar>,
    /// `ExecStart=`.
    pub exec: Spanned<String>,
    /// `ExecReload=`.
    #[serde(default)]
    pub exec_reload: Option<Spanned<String>>,
    /// `TimeoutStopSec=`.
    #[serde(default)]
    pub timeout_stop: Option<Spanned<String>>,
    /// `LimitNOFILE=`.
    #[serde(default)]
    pub limit_nofile: Option<u64>,
    /// Ambient and bounding capabilities.
    #[serde(default)]
    pub capabilities: Vec<Spanned<String>>,
    /// `StandardOutput=append:` file.
    #[serde(default)]
    pub stdout: Option<Spanned<String>>,
    /// `StandardError=append:` file.
    #[serde(default)]
    pub stderr: Option<Spanned<String>>,
    /// `Restart=`.
    #[serde(default = "default_restart")]
    pub restart: Spanned<String>,
    /// `RestartSec=` (seconds).
    #[serde(default = "default_restart_sec")]
    pub restart_sec: u32,
    /// `WantedBy=`.
    #[serde(default = "default_wanted_by")]
    pub wanted_by: Spanned<String>,
}

/// One `Environment=` assignment.
#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct EnvVar {
    /// Variable name.
    pub name: Spanned<String>,
    /// Value.
    pub value: Spanned<String>,
}

/// The edge proxy's Caddyfile.
#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Caddy {
    /// Role of the proxy machine.
    #[serde(default = "default_proxy_role")]
    pub machine: Spanned<String>,
    /// Path of the Caddyfile on the proxy.
    #[serde(default = "default_caddy_config")]
    pub config: Spanned<String>,
    /// Extra header lines of the Caddyfile.
    #[serde(default)]
    pub comment: Option<Spanned<String>>,
    /// `storage file_system` root: certificates survive restarts.
    #[serde(default = "default_storage_root")]
    pub storage_root: Spanned<String>,
    /// JSON access log read by the flood jail.
    #[serde(default = "default_access_log")]
    pub access_log: Spanned<String>,
    /// `tls { protocols … }` of the `(tls_config)` snippet.
    #[serde(default = "default_tls_protocols")]
    pub tls_protocols: Vec<Spanned<String>>,
    /// Headers of the `(security_headers)` snippet, in order.
    #[serde(default = "default_headers")]
    pub headers: Vec<Header>,
    /// `min-vhosts` written to gblint.toml (CDY010).
    #[serde(default)]
    pub min_vhosts: Option<u32>,
    /// Site blocks, in file order.
    pub vhosts: Vec<Vhost>,
}

/// A response header of `(security_headers)`; without a value it is removed (`-Server`).
#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Header {
    /// Header name (prefix `-` to delete).
    pub name: Spanned<String>,
    /// Value.
    #[serde(default)]
    pub value: Option<Spanned<String>>,
}

/// A site block.
#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Vhost {
    /// Comment written above the block.
    #[serde(default)]
    pub comment: Option<Spanned<String>>,
    /// Site host.
    pub host: Spanned<String>,
    /// Role of the upstream machine (its `ip`).
    pub role: Spanned<String>,
    /// Upstream port.
    pub port: Spanned<Port>,
    /// `encode` algorithms.
    #[serde(default)]
    pub encode: Vec<Spanned<String>>,
    /// Proxy only this path (`handle PATH`); anything else gets 404.
    #[serde(default)]
    pub handle: Option<Spanned<String>>,
}

/// The DNS container's Corefile.
#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CoreDns {
    /// Role of the DNS machine.
    #[serde(default = "default_dns_role")]
    pub machine: Spanned<String>,
    /// Path of the Corefile.
    #[serde(default = "default_corefile")]
    pub corefile: Spanned<String>,
    /// Folder of the zone files (`<zone>.zone`).
    #[serde(default = "default_zone_dir")]
    pub zone_dir: Spanned<String>,
    /// `bind` address.
    #[serde(default = "default_bind")]
    pub bind: Spanned<String>,
    /// `reload` interval.
    #[serde(default = "default_reload")]
    pub reload: Spanned<String>,
    /// Upstream resolvers of the `.` block (internal clients only).
    #[serde(default = "default_forwarders")]
    pub forwarders: Vec<Spanned<String>>,
    /// Record types the public may ask (CAA must stay or ACME fails).
    #[serde(default = "default_public_types")]
    pub public_types: Vec<Spanned<String>>,
}

impl Default for CoreDns {
    fn default() -> Self {
        CoreDns {
            machine: default_dns_role(),
            corefile: default_corefile(),
            zone_dir: default_zone_dir(),
            bind: default_bind(),
            reload: default_reload(),
            forwarders: default_forwarders(),
            public_types: default_public_types(),
        }
    }
}

/// The proxy's `caddy-http-flood` jail (operations guide thresholds).
#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Fail2ban {
    /// Client errors before a ban.
    #[serde(default = "default_flood_maxretry")]
    pub maxretry: u32,
    /// Window (seconds).
    #[serde(default = "default_flood_findtime")]
    pub findtime: u32,
    /// Ban length (seconds).
    #[serde(default = "default_flood_bantime")]
    pub bantime: u32,
    /// Ports the ban closes.
    #[serde(default = "default_flood_ports")]
    pub ports: Vec<Port>,
}

impl Default for Fail2ban {
    fn default() -> Self {
        Fail2ban {
            maxretry: default_flood_maxretry(),
            findtime: default_flood_findtime(),
            bantime: default_flood_bantime(),
            ports: default_flood_ports(),
        }
    }
}

/// A default value: no span in the inventory.
fn dflt<T>(value: T) -> Spanned<T> {
    Spanned::new(0..0, value)
}

fn s(value: &str) -> Spanned<String> {
    dflt(value.to_owned())
}

fn yes() -> bool {
    true
}
fn default_bridge() -> Spanned<String> {
    s("lxdbr0")
}
fn policy_drop() -> Spanned<String> {
    s("DROP")
}
fn policy_accept() -> Spanned<String> {
    s("ACCEPT")
}
fn policy_skip() -> Spanned<String> {
    s("SKIP")
}
fn default_host_bantime() -> Spanned<String> {
    s("1h")
}
fn default_host_findtime() -> Spanned<String> {
    s("10m")
}
fn default_host_maxretry() -> u32 {
    5
}
fn default_host_backend() -> Spanned<String> {
    s("systemd")
}
fn default_ignoreip() -> Vec<Spanned<String>> {
    vec![s("127.0.0.1/8"), s("::1")]
}
fn default_host_jails() -> Vec<Jail> {
    ["sshd", "postfix", "dovecot"]
        .into_iter()
        .map(|name| Jail {
            name: s(name),
            enabled: true,
            maxretry: (name == "sshd").then_some(3),
            port: Vec::new(),
            comment: None,
        })
        .collect()
}
fn default_mail_jails() -> Vec<Jail> {
    vec![Jail {
        name: s(STALWART_JAIL),
        enabled: true,
        maxretry: None,
        port: Vec::new(),
        comment: None,
    }]
}
fn default_stalwart_log() -> Spanned<String> {
    s("/opt/gbo/logs/stalwart.log")
}
fn default_forge() -> Spanned<String> {
    s("forgejo")
}
fn default_branch() -> Spanned<String> {
    s("main")
}
fn default_runs_on() -> Spanned<String> {
    s("gbo")
}
fn default_health() -> Spanned<String> {
    s("/")
}
fn default_internal() -> Vec<Spanned<String>> {
    vec![s("10.0.0.0/8"), s("127.0.0.0/8")]
}
fn default_ttl() -> u32 {
    3600
}
fn default_refresh() -> u32 {
    86400
}
fn default_retry() -> u32 {
    900
}
fn default_expire() -> u32 {
    1_209_600
}
fn default_minimum() -> u32 {
    3600
}
fn default_after() -> Vec<Spanned<String>> {
    vec![s("network-online.target")]
}
fn default_type() -> Spanned<String> {
    s("simple")
}
fn default_user() -> Spanned<String> {
    s("gbuser")
}
fn default_workdir() -> Spanned<String> {
    s("/opt/gbo")
}
fn default_restart() -> Spanned<String> {
    s("always")
}
fn default_restart_sec() -> u32 {
    5
}
fn default_wanted_by() -> Spanned<String> {
    s("multi-user.target")
}
fn default_proxy_role() -> Spanned<String> {
    s("proxy")
}
fn default_caddy_config() -> Spanned<String> {
    s("/opt/gbo/conf/config")
}
fn default_storage_root() -> Spanned<String> {
    s("/opt/gbo/data/caddy")
}
fn default_access_log() -> Spanned<String> {
    s("/opt/gbo/logs/access.log")
}
fn default_tls_protocols() -> Vec<Spanned<String>> {
    vec![s("tls1.2"), s("tls1.3")]
}
fn default_headers() -> Vec<Header> {
    [
        (
            "Content-Security-Policy",
            Some(
                "default-src 'self'; script-src 'self'; object-src 'none'; frame-ancestors 'none';",
            ),
        ),
        (
            "Strict-Transport-Security",
            Some("max-age=63072000; includeSubDomains; preload"),
        ),
        ("X-Frame-Options", Some("DENY")),
        ("X-Content-Type-Options", Some("nosniff")),
        ("Referrer-Policy", Some("strict-origin-when-cross-origin")),
        (
            "Permissions-Policy",
            Some("geolocation=(), microphone=(), camera=()"),
        ),
        ("-Server", None),
    ]
    .into_iter()
    .map(|(name, value)| Header {
        name: s(name),
        value: value.map(s),
    })
    .collect()
}
fn default_dns_role() -> Spanned<String> {
    s("dns")
}
fn default_corefile() -> Spanned<String> {
    s("/opt/gbo/conf/Corefile")
}
fn default_zone_dir() -> Spanned<String> {
    s("/opt/gbo/data")
}
fn default_bind() -> Spanned<String> {
    s("0.0.0.0")
}
fn default_reload() -> Spanned<String> {
    s("6h")
}
fn default_forwarders() -> Vec<Spanned<String>> {
    vec![s("8.8.8.8"), s("1.1.1.1")]
}
fn default_public_types() -> Vec<Spanned<String>> {
    [
        "A", "AAAA", "MX", "TXT", "NS", "SOA", "SRV", "CNAME", "HTTPS", "CAA",
    ]
    .into_iter()
    .map(s)
    .collect()
}
fn default_flood_maxretry() -> u32 {
    100
}
fn default_flood_findtime() -> u32 {
    60
}
fn default_flood_bantime() -> u32 {
    3600
}
fn default_flood_ports() -> Vec<Port> {
    vec![Port::HTTP, Port::HTTPS]
}
