//! LXD 5.0's device checks for the device types gblint's rules read (`proxy`, `disk`; after
//! `lxd/device/{proxy,disk,device_utils_proxy}.go` and `lxd/device/config/devices.go`), and
//! the list of device types LXD loads at all. Other types' options are not checked.

use std::net::IpAddr;

use crate::config_keys::{byte_size, is_bool};
use crate::go::{parse_int, parse_uint, quote, split_host_port};

/// The device types LXD 5.0 loads (`lxd/device/device_load.go`).
pub const DEVICE_TYPES: &[&str] = &[
    "nic",
    "infiniband",
    "gpu",
    "proxy",
    "usb",
    "unix-char",
    "unix-block",
    "unix-hotplug",
    "disk",
    "none",
    "tpm",
    "pci",
];

/// How a device option's value is checked.
#[derive(Clone, Copy)]
enum Option_ {
    Any,
    Bool,
    Uint32,
    Size,
    Address,
    Bind,
}

const PROXY: &[(&str, Option_)] = &[
    ("listen", Option_::Address),
    ("connect", Option_::Address),
    ("bind", Option_::Bind),
    ("mode", Option_::Any),
    ("nat", Option_::Bool),
    ("gid", Option_::Any),
    ("uid", Option_::Any),
    ("security.uid", Option_::Any),
    ("security.gid", Option_::Any),
    ("proxy_protocol", Option_::Bool),
];

const DISK: &[(&str, Option_)] = &[
    ("required", Option_::Bool),
    ("optional", Option_::Bool),
    ("readonly", Option_::Bool),
    ("recursive", Option_::Bool),
    ("shift", Option_::Bool),
    ("source", Option_::Any),
    ("limits.read", Option_::Any),
    ("limits.write", Option_::Any),
    ("limits.max", Option_::Any),
    ("size", Option_::Size),
    ("size.state", Option_::Size),
    ("pool", Option_::Any),
    ("propagation", Option_::Any),
    ("raw.mount.options", Option_::Any),
    ("ceph.cluster_name", Option_::Any),
    ("ceph.user_name", Option_::Any),
    ("boot.priority", Option_::Uint32),
    ("path", Option_::Any),
];

/// A proxy device's `listen` or `connect` address, as `ProxyParseAddr` reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProxyAddress {
    /// `tcp`, `udp` or `unix`.
    pub protocol: String,
    /// The host part (`0.0.0.0`, `::`, a unix socket path); empty means every address.
    pub address: String,
    /// The ports, ranges expanded (none for `unix`).
    pub ports: Vec<u64>,
}

/// `ProxyParseAddr`: read `tcp:0.0.0.0:80`, `udp:[::]:53`, `tcp:1.2.3.4:8000-8002,9000` or
/// `unix:/path`, with LXD's errors.
pub fn parse_proxy_address(value: &str) -> Result<ProxyAddress, String> {
    let (protocol, rest) = match value.split_once(':') {
        Some((protocol, rest)) => (protocol, Some(rest)),
        None => (value, None),
    };
    if !["tcp", "udp", "unix"].contains(&protocol) {
        return Err(format!("Unknown protocol type {}", quote(protocol)));
    }
    let rest = match rest {
        Some(rest) if !rest.is_empty() => rest,
        _ => return Err("Missing address".into()),
    };
    if protocol == "unix" {
        return Ok(ProxyAddress {
            protocol: protocol.into(),
            address: rest.into(),
            ports: Vec::new(),
        });
    }
    let (host, port) = split_host_port(rest)?;
    if !host.is_empty() && host.parse::<IpAddr>().is_err() {
        return Err(format!("Not an IP address {}", quote(host)));
    }
    let mut ports = Vec::new();
    for part in port.split(',') {
        let pieces: Vec<&str> = part.split('-').collect();
        if pieces.len() > 2 {
            return Err(format!("Invalid port range {}", quote(part)));
        }
        let base = parse_int(pieces[0], "strconv.ParseInt")?;
        let mut size = 1;
        if let Some(end) = pieces.get(1) {
            let end = parse_int(end, "strconv.ParseInt")?;
            if end <= base {
                return Err("End port should be higher than start port".into());
            }
            size = end - base + 1;
        }
        // LXD keeps the ports as uint64; a negative one wraps there and is refused later by
        // the kernel, not by validation.
        ports.extend((0..size).map(|i| (base + i) as u64));
    }
    Ok(ProxyAddress {
        protocol: protocol.into(),
        address: host.into(),
        ports,
    })
}

/// LXD's verdict on one device (its options in file order, `type` included): every reason it
/// refuses it, each as LXD words it after `Device validation failed for "NAME": `.
pub fn check_device(name: &str, options: &[(&str, &str)]) -> Vec<String> {
    let get = |key: &str| {
        options
            .iter()
            .rev()
            .find(|(k, _)| *k == key)
            .map_or("", |(_, v)| *v)
    };
    let kind = get("type");
    if kind.is_empty() {
        return vec![format!(
            "Failed loading device {}: Missing device type in config",
            quote(name)
        )];
    }
    if !DEVICE_TYPES.contains(&kind) {
        return vec![format!(
            "Failed loading device {}: Unsupported device type",
            quote(name)
        )];
    }
    let rules = match kind {
        "proxy" => PROXY,
        "disk" => DISK,
        "none" => &[],
        _ => return Vec::new(),
    };
    let mut problems = Vec::new();
    for (key, rule) in rules {
        if let Err(error) = check_option(*rule, get(key)) {
            problems.push(format!(
                "Invalid value for device option {}: {error}",
                quote(key)
            ));
        }
    }
    for (key, _) in options {
        let known =
            *key == "type" || key.starts_with("user.") || rules.iter().any(|(k, _)| k == key);
        if !known {
            problems.push(format!("Invalid device option {}", quote(key)));
        }
    }
    if !problems.is_empty() {
        return problems;
    }
    match kind {
        "proxy" => proxy_rules(get),
        "disk" => disk_rules(get),
        _ => Vec::new(),
    }
}

fn check_option(rule: Option_, value: &str) -> Result<(), String> {
    match rule {
        Option_::Any => Ok(()),
        // `listen` and `connect` are `validate.Required`: an empty value is parsed too.
        Option_::Address => parse_proxy_address(value).map(drop),
        _ if value.is_empty() => Ok(()),
        Option_::Bool => is_bool(value),
        Option_::Uint32 => parse_uint(value, 32)
            .map(drop)
            .map_err(|error| format!("Invalid value for uint32 {}: {error}", quote(value))),
        Option_::Size => byte_size(value).map(drop),
        Option_::Bind => {
            if ["host", "instance", "guest", "container"].contains(&value) {
                Ok(())
            } else {
                Err("Invalid binding side given. Must be \"host\" or \"instance\"".into())
            }
        }
    }
}

fn proxy_rules<'a>(get: impl Fn(&str) -> &'a str) -> Vec<String> {
    let (Ok(listen), Ok(connect)) = (
        parse_proxy_address(get("listen")),
        parse_proxy_address(get("connect")),
    ) else {
        return Vec::new();
    };
    let mut problems = Vec::new();
    let unix = listen.protocol == "unix";
    if (!unix && connect.ports.len() > listen.ports.len()) || (unix && connect.ports.len() > 1) {
        problems.push("Mismatch between listen port(s) and connect port(s) count".into());
    }
    let is_true = |key: &str| crate::config_keys::is_true(get(key));
    if is_true("proxy_protocol") && (!get("connect").starts_with("tcp") || is_true("nat")) {
        problems.push("The PROXY header can only be sent to tcp servers in non-nat mode".into());
    }
    problems
}

fn disk_rules<'a>(get: impl Fn(&str) -> &'a str) -> Vec<String> {
    let (path, source) = (get("path"), get("source"));
    let mut problems: Vec<String> = Vec::new();
    if !get("required").is_empty() && !get("optional").is_empty() {
        problems.push(
            "Cannot use both \"required\" and deprecated \"optional\" properties at the same time"
                .into(),
        );
    }
    if source.is_empty() && path != "/" {
        problems.push("Disk entry is missing the required \"source\" or \"path\" property".into());
    }
    if path == "/" && !source.is_empty() {
        problems.push("Root disk entry may not have a \"source\" property set".into());
    }
    if path == "/" && get("pool").is_empty() {
        problems.push("Root disk entry must have a \"pool\" property set".into());
    }
    if !get("size").is_empty() && path != "/" {
        problems.push("Only the root disk may have a size quota".into());
    }
    let is_true = |key: &str| crate::config_keys::is_true(get(key));
    if is_true("recursive") && is_true("readonly") {
        problems.push(
            "Recursive read-only bind-mounts aren't currently supported by the kernel".into(),
        );
    }
    let ceph = source.starts_with("ceph:") || source.starts_with("cephfs:");
    if !ceph && (!get("ceph.cluster_name").is_empty() || !get("ceph.user_name").is_empty()) {
        problems.push(format!(
            "Invalid options ceph.cluster_name/ceph.user_name for source {}",
            quote(source)
        ));
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proxy_addresses() {
        let parsed = parse_proxy_address("tcp:0.0.0.0:80").expect("valid");
        assert_eq!(parsed.ports, vec![80]);
        let parsed = parse_proxy_address("udp:[::]:53,60-61").expect("valid");
        assert_eq!(
            (parsed.address.as_str(), parsed.ports),
            ("::", vec![53, 60, 61])
        );
        assert_eq!(
            parse_proxy_address(""),
            Err("Unknown protocol type \"\"".into())
        );
        assert_eq!(
            parse_proxy_address("tcp:0.0.0.0"),
            Err("address 0.0.0.0: missing port in address".into())
        );
        assert_eq!(
            parse_proxy_address("tcp:host.example:80"),
            Err("Not an IP address \"host.example\"".into())
        );
        assert!(parse_proxy_address("unix:/tmp/lxd.sock").is_ok());
    }

    #[test]
    fn device_messages() {
        let proxy = [
            ("type", "proxy"),
            ("listen", "tcp:0.0.0.0:80"),
            ("connect", "tcp:127.0.0.1:80"),
        ];
        assert!(check_device("port-80", &proxy).is_empty());
        let mut bad = proxy.to_vec();
        bad.push(("foo", "bar"));
        bad.push(("nat", "maybe"));
        let problems = check_device("port-80", &bad);
        assert!(problems.contains(&"Invalid device option \"foo\"".to_owned()));
        assert!(problems.contains(
            &"Invalid value for device option \"nat\": Invalid value for a boolean \"maybe\""
                .to_owned()
        ));
        assert_eq!(
            check_device("x", &[("type", "proxi")]),
            vec!["Failed loading device \"x\": Unsupported device type".to_owned()]
        );
        assert_eq!(
            check_device("data", &[("type", "disk"), ("path", "/opt/gbo/data")]),
            vec!["Disk entry is missing the required \"source\" or \"path\" property".to_owned()]
        );
        assert!(check_device("eth0", &[("type", "nic"), ("anything", "x")]).is_empty());
    }
}
