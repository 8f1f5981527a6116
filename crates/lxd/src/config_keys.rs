//! LXD 5.0's instance configuration keys and their value checks, after `shared/instance.go`
//! (`InstanceConfigKeysAny`, `InstanceConfigKeysContainer`, `InstanceConfigKeysVM`,
//! `ConfigKeyChecker`) and `shared/validate`. Errors read as LXD's do.
//!
//! Where LXD's check needs more than the value (a CPU set, a cron schedule, cloud-init data,
//! `raw.lxc` lines, a UUID, an expiry), the value is accepted here: gblint never calls a value
//! wrong that LXD might take.

use crate::go::{parse_int, parse_uint, quote};

/// Whether the instance is a container or a virtual machine (keys differ).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InstanceType {
    /// `type: container` (and what an export without `type` is taken for).
    Container,
    /// `type: virtual-machine`.
    VirtualMachine,
}

/// How a key's value is checked.
#[derive(Clone, Copy, Debug)]
enum Check {
    /// Anything (or a check gblint does not repeat).
    Any,
    /// `validate.Optional(validate.IsBool)`.
    Bool,
    /// `validate.Optional(validate.IsInt64)`.
    Int64,
    /// `validate.Optional(validate.IsUint32)`.
    Uint32,
    /// `validate.Optional(validate.IsPriority)`: 0 to 10.
    Priority,
    /// `validate.Optional(validate.IsSize)`.
    Size,
    /// `validate.Optional(validate.IsOneOf(…))`.
    OneOf(&'static [&'static str]),
    /// `limits.memory`'s own check.
    Memory,
    /// `limits.cpu.allowance`'s own check.
    CpuAllowance,
}

const ANY_TYPE: &[(&str, Check)] = &[
    ("boot.autostart", Check::Bool),
    ("boot.autostart.delay", Check::Int64),
    ("boot.autostart.priority", Check::Int64),
    ("boot.stop.priority", Check::Int64),
    ("boot.host_shutdown_timeout", Check::Int64),
    ("cloud-init.network-config", Check::Any),
    ("cloud-init.user-data", Check::Any),
    ("cloud-init.vendor-data", Check::Any),
    (
        "cluster.evacuate",
        Check::OneOf(&["auto", "migrate", "live-migrate", "stop"]),
    ),
    ("limits.cpu", Check::Any),
    ("limits.disk.priority", Check::Priority),
    ("limits.memory", Check::Memory),
    ("limits.network.priority", Check::Priority),
    ("raw.apparmor", Check::Any),
    ("security.devlxd", Check::Bool),
    ("security.protection.delete", Check::Bool),
    ("snapshots.schedule", Check::Any),
    ("snapshots.schedule.stopped", Check::Bool),
    ("snapshots.pattern", Check::Any),
    ("snapshots.expiry", Check::Any),
    ("volatile.apply_template", Check::Any),
    ("volatile.base_image", Check::Any),
    ("volatile.cloud-init.instance-id", Check::Any),
    ("volatile.evacuate.origin", Check::Any),
    ("volatile.last_state.idmap", Check::Any),
    ("volatile.last_state.power", Check::Any),
    ("volatile.idmap.base", Check::Any),
    ("volatile.idmap.current", Check::Any),
    ("volatile.idmap.next", Check::Any),
    ("volatile.apply_quota", Check::Any),
    ("volatile.uuid", Check::Any),
    ("volatile.vsock_id", Check::Int64),
    ("raw.idmap", Check::Any),
];

const CONTAINER: &[(&str, Check)] = &[
    ("limits.cpu.allowance", Check::CpuAllowance),
    ("limits.cpu.priority", Check::Priority),
    ("limits.hugepages.64KB", Check::Size),
    ("limits.hugepages.1MB", Check::Size),
    ("limits.hugepages.2MB", Check::Size),
    ("limits.hugepages.1GB", Check::Size),
    ("limits.memory.enforce", Check::OneOf(&["soft", "hard"])),
    ("limits.memory.swap", Check::Bool),
    ("limits.memory.swap.priority", Check::Priority),
    ("limits.processes", Check::Int64),
    ("linux.kernel_modules", Check::Any),
    ("migration.incremental.memory", Check::Bool),
    ("migration.incremental.memory.iterations", Check::Uint32),
    ("migration.incremental.memory.goal", Check::Uint32),
    ("nvidia.runtime", Check::Bool),
    ("nvidia.driver.capabilities", Check::Any),
    ("nvidia.require.cuda", Check::Any),
    ("nvidia.require.driver", Check::Any),
    ("raw.lxc", Check::Any),
    ("raw.seccomp", Check::Any),
    ("security.devlxd.images", Check::Bool),
    ("security.idmap.base", Check::Uint32),
    ("security.idmap.isolated", Check::Bool),
    ("security.idmap.size", Check::Uint32),
    ("security.nesting", Check::Bool),
    ("security.privileged", Check::Bool),
    ("security.protection.shift", Check::Bool),
    ("security.syscalls.allow", Check::Any),
    ("security.syscalls.blacklist_default", Check::Bool),
    ("security.syscalls.blacklist_compat", Check::Bool),
    ("security.syscalls.blacklist", Check::Any),
    ("security.syscalls.deny_default", Check::Bool),
    ("security.syscalls.deny_compat", Check::Bool),
    ("security.syscalls.deny", Check::Any),
    ("security.syscalls.intercept.bpf", Check::Bool),
    ("security.syscalls.intercept.bpf.devices", Check::Bool),
    ("security.syscalls.intercept.mknod", Check::Bool),
    ("security.syscalls.intercept.mount", Check::Bool),
    ("security.syscalls.intercept.mount.allowed", Check::Any),
    ("security.syscalls.intercept.mount.fuse", Check::Any),
    ("security.syscalls.intercept.mount.shift", Check::Bool),
    (
        "security.syscalls.intercept.sched_setscheduler",
        Check::Bool,
    ),
    ("security.syscalls.intercept.setxattr", Check::Bool),
    ("security.syscalls.whitelist", Check::Any),
];

const VIRTUAL_MACHINE: &[(&str, Check)] = &[
    ("limits.memory.hugepages", Check::Bool),
    ("migration.stateful", Check::Bool),
    ("raw.qemu", Check::Any),
    ("raw.qemu.conf", Check::Any),
    ("security.agent.metrics", Check::Bool),
    ("security.secureboot", Check::Bool),
    ("agent.nic_config", Check::Bool),
    ("volatile.apply_nvram", Check::Bool),
];

/// Suffixes of `volatile.<device>.…` keys LXD accepts with any value.
const VOLATILE_SUFFIXES: &[&str] = &[
    ".hwaddr",
    ".name",
    ".host_name",
    ".mtu",
    ".created",
    ".id",
    ".vlan",
    ".spoofcheck",
    ".last_state.vf.parent",
    ".apply_quota",
    ".ceph_rbd",
    ".driver",
    ".uuid",
];

/// Whether LXD 5.0 knows `key` for this instance type (`ConfigKeyChecker` finds a checker).
pub fn is_known_key(key: &str, instance_type: InstanceType) -> bool {
    checker(key, instance_type).is_some()
}

/// LXD's verdict on `key: value` in an instance's `config`: `Err` with the message LXD gives
/// after "Invalid config: " (`Unknown configuration key: x`, `Invalid value for a boolean
/// "maybe"`).
pub fn check_config(key: &str, value: &str, instance_type: InstanceType) -> Result<(), String> {
    let Some(check) = checker(key, instance_type) else {
        return Err(format!("Unknown configuration key: {key}"));
    };
    run(check, value)
}

fn checker(key: &str, instance_type: InstanceType) -> Option<Check> {
    let find = |table: &[(&str, Check)]| table.iter().find(|(k, _)| *k == key).map(|(_, c)| *c);
    if let Some(check) = find(ANY_TYPE) {
        return Some(check);
    }
    let own = match instance_type {
        InstanceType::Container => CONTAINER,
        InstanceType::VirtualMachine => VIRTUAL_MACHINE,
    };
    if let Some(check) = find(own) {
        return Some(check);
    }
    if key.starts_with("volatile.") && VOLATILE_SUFFIXES.iter().any(|s| key.ends_with(s)) {
        return Some(Check::Any);
    }
    let any_prefix = ["environment.", "user.", "image."]
        .iter()
        .any(|prefix| key.starts_with(prefix));
    let kernel = key.starts_with("limits.kernel.") && key.len() > "limits.kernel.".len();
    let sysctl = instance_type == InstanceType::Container && key.starts_with("linux.sysctl.");
    (any_prefix || kernel || sysctl).then_some(Check::Any)
}

fn run(check: Check, value: &str) -> Result<(), String> {
    // Every check but `Any` is wrapped in validate.Optional: an empty value is always fine.
    if value.is_empty() {
        return Ok(());
    }
    match check {
        Check::Any => Ok(()),
        Check::Bool => is_bool(value),
        Check::Int64 => parse_int(value, "strconv.ParseInt")
            .map(drop)
            .map_err(|_| format!("Invalid value for an integer {}", quote(value))),
        Check::Uint32 => parse_uint(value, 32)
            .map(drop)
            .map_err(|error| format!("Invalid value for uint32 {}: {error}", quote(value))),
        Check::Priority => {
            let number = parse_int(value, "strconv.ParseInt")
                .map_err(|_| format!("Invalid value for an integer {}", quote(value)))?;
            if (0..=10).contains(&number) {
                Ok(())
            } else {
                Err(format!(
                    "Invalid value for a limit {}. Must be between 0 and 10",
                    quote(value)
                ))
            }
        }
        Check::Size => byte_size(value).map(drop),
        Check::OneOf(valid) => {
            if valid.contains(&value) {
                Ok(())
            } else {
                Err(format!(
                    "Invalid value {} (not one of [{}])",
                    quote(value),
                    valid.join(" ")
                ))
            }
        }
        Check::Memory => memory(value),
        Check::CpuAllowance => cpu_allowance(value),
    }
}

/// `validate.IsBool`.
pub fn is_bool(value: &str) -> Result<(), String> {
    let lower = value.to_lowercase();
    if ["true", "false", "yes", "no", "1", "0", "on", "off"].contains(&lower.as_str()) {
        Ok(())
    } else {
        Err(format!("Invalid value for a boolean {}", quote(value)))
    }
}

/// `shared.IsTrue`: what LXD takes for a set boolean.
pub fn is_true(value: &str) -> bool {
    ["true", "1", "yes", "on"].contains(&value.to_lowercase().as_str())
}

/// `units.ParseByteSizeString`, overflow aside.
pub fn byte_size(value: &str) -> Result<i64, String> {
    let suffix_at = value
        .bytes()
        .position(|b| !b.is_ascii_digit())
        .unwrap_or(value.len());
    if suffix_at == 0 && !value.is_empty() {
        return Err(format!("Invalid value: {value}"));
    }
    let (number, suffix) = value.split_at(suffix_at);
    let number: i64 = number
        .parse()
        .map_err(|_| format!("Invalid integer: {value}"))?;
    let known = [
        "", "B", " bytes", "kB", "MB", "GB", "TB", "PB", "EB", "KiB", "MiB", "GiB", "TiB", "PiB",
        "EiB",
    ];
    if known.contains(&suffix) {
        Ok(number)
    } else {
        Err(format!("Invalid value: {value}"))
    }
}

fn memory(value: &str) -> Result<(), String> {
    if let Some(percent) = value.strip_suffix('%') {
        let number = parse_int(percent, "strconv.ParseInt")?;
        if number == 0 {
            return Err("Memory limit can't be 0%".into());
        }
        return Ok(());
    }
    if byte_size(value)? == 0 {
        return Err("Memory limit can't be 0".into());
    }
    Ok(())
}

fn cpu_allowance(value: &str) -> Result<(), String> {
    if let Some(percent) = value.strip_suffix('%') {
        return parse_int(percent, "strconv.Atoi").map(drop);
    }
    let Some((quota, period)) = value.split_once('/') else {
        return Err(format!("Invalid allowance: {value}"));
    };
    for part in [quota, period] {
        parse_int(part.strip_suffix("ms").unwrap_or(part), "strconv.Atoi")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const C: InstanceType = InstanceType::Container;

    #[test]
    fn lxds_own_messages() {
        assert_eq!(
            check_config("security.privileged", "maybe", C),
            Err("Invalid value for a boolean \"maybe\"".into())
        );
        assert_eq!(
            check_config("security.privilegd", "true", C),
            Err("Unknown configuration key: security.privilegd".into())
        );
        assert_eq!(
            check_config("boot.autostart.delay", "5x", C),
            Err("Invalid value for an integer \"5x\"".into())
        );
        assert_eq!(
            check_config("limits.memory", "2048XB", C),
            Err("Invalid value: 2048XB".into())
        );
        assert_eq!(
            check_config("limits.cpu.priority", "11", C),
            Err("Invalid value for a limit \"11\". Must be between 0 and 10".into())
        );
    }

    #[test]
    fn accepted_values_and_prefixes() {
        for (key, value) in [
            ("security.privileged", "YES"),
            ("security.privileged", ""),
            ("limits.memory", "2048MB"),
            ("limits.memory", "50%"),
            ("limits.cpu.allowance", "100ms/100ms"),
            ("limits.cpu.allowance", "50%"),
            ("user.anything", "x"),
            ("environment.PORT", "5858"),
            ("linux.sysctl.net.ipv4.ip_forward", "1"),
            ("volatile.eth0.hwaddr", "00:16:3e:00:00:00"),
            ("limits.kernel.nofile", "1024"),
        ] {
            assert_eq!(check_config(key, value, C), Ok(()), "{key}: {value}");
        }
        assert!(check_config("limits.kernel.", "1", C).is_err());
        assert!(check_config("security.secureboot", "true", C).is_err());
        assert!(check_config("security.secureboot", "true", InstanceType::VirtualMachine).is_ok());
        assert!(check_config("linux.sysctl.x", "1", InstanceType::VirtualMachine).is_err());
    }
}
