//! An LXD instance read from `backup.yaml` (the instance under `container:`) or from an
//! `lxc config show [--expanded]` export (the instance at the top level): its config and
//! devices, local and expanded, every key and value with its range.

use gblint_diagnostics::TextRange;

use crate::config_keys::{check_config, InstanceType};
use crate::devices::check_device;
use crate::yaml::{self, Node, NodeKind};

/// Which file the instance came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// LXD's own `backup.yaml` in the instance's storage folder.
    Backup,
    /// `lxc config show [--expanded] NAME` output, as `lxc config edit NAME` reads it.
    Export,
}

/// A `key: value` with both ranges.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The key.
    pub key: String,
    /// Where the key is.
    pub key_range: TextRange,
    /// The value as LXD reads it into a string (`""` for null).
    pub value: String,
    /// Where the value is (empty at the end of the key for a missing value).
    pub value_range: TextRange,
}

/// One device: its name and its options (`type` included).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Device {
    /// The device name (`port-80`).
    pub name: String,
    /// Where the name is.
    pub name_range: TextRange,
    /// Its options in file order.
    pub entries: Vec<Entry>,
}

impl Device {
    /// The value of an option (the last one written, as LXD reads it).
    pub fn get(&self, key: &str) -> Option<&Entry> {
        self.entries.iter().rev().find(|entry| entry.key == key)
    }

    /// The device type (`proxy`, `disk`, …), empty when not set.
    pub fn kind(&self) -> &str {
        self.get("type").map_or("", |entry| entry.value.as_str())
    }
}

/// A `config:` or `devices:` section: where its key is, and what it holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Section<T> {
    /// Where the section's key is.
    pub key_range: TextRange,
    /// Its items.
    pub items: Vec<T>,
}

/// Something in the file LXD cannot read, or refuses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// Where.
    pub range: TextRange,
    /// LXD's words.
    pub message: String,
}

/// An instance as gblint reads it.
#[derive(Clone, Debug)]
pub struct Instance {
    /// Which file it came from.
    pub shape: Shape,
    /// `name:` in a backup (exports have none; the file name says it).
    pub name: Option<String>,
    /// Container or virtual machine (`type:`; a container when not written).
    pub instance_type: InstanceType,
    /// `config:`.
    pub config: Option<Section<Entry>>,
    /// `devices:`.
    pub devices: Option<Section<Device>>,
    /// `expanded_config:` (backups).
    pub expanded_config: Option<Section<Entry>>,
    /// `expanded_devices:` (backups).
    pub expanded_devices: Option<Section<Device>>,
    /// Where the instance's mapping starts (findings about the whole instance point there).
    pub anchor: TextRange,
    /// Why LXD could not read the file as an instance (YAML errors, wrong types).
    pub syntax: Vec<Problem>,
}

impl Instance {
    /// The configuration in force: the expanded one when the file has it (profiles applied),
    /// else the instance's own. For an `--expanded` export, `config:` already is expanded.
    pub fn effective_config(&self) -> Option<&Section<Entry>> {
        self.expanded_config.as_ref().or(self.config.as_ref())
    }

    /// The devices in force, likewise.
    pub fn effective_devices(&self) -> Option<&Section<Device>> {
        self.expanded_devices.as_ref().or(self.devices.as_ref())
    }

    /// A config value in force: taken from the instance's own `config:` when it sets the
    /// same value there, so that findings point at what the instance itself sets.
    pub fn config_value(&self, key: &str) -> Option<&Entry> {
        let effective = find_entry(self.effective_config()?, key)?;
        let own = self
            .config
            .as_ref()
            .and_then(|section| find_entry(section, key));
        Some(
            own.filter(|own| own.value == effective.value)
                .unwrap_or(effective),
        )
    }

    /// LXD's refusals of this instance's config and devices (`lxc config edit` and LXD's
    /// import validate both), each message as LXD prints it. Expanded keys and devices that
    /// the instance's own sections also hold are checked once, where the instance sets them.
    pub fn validate(&self) -> Vec<Problem> {
        let mut out = Vec::new();
        let own_keys: Vec<&str> = self
            .config
            .iter()
            .flat_map(|s| &s.items)
            .map(|e| e.key.as_str())
            .collect();
        let expanded_only = self
            .expanded_config
            .iter()
            .flat_map(|s| &s.items)
            .filter(|e| !own_keys.contains(&e.key.as_str()));
        for entry in self
            .config
            .iter()
            .flat_map(|s| &s.items)
            .chain(expanded_only)
        {
            if let Err(error) = check_config(&entry.key, &entry.value, self.instance_type) {
                let range = if error.starts_with("Unknown configuration key") {
                    entry.key_range
                } else {
                    entry.value_range
                };
                out.push(Problem {
                    range,
                    message: format!("Invalid config: {error}"),
                });
            }
        }
        let own_devices: Vec<&str> = self
            .devices
            .iter()
            .flat_map(|s| &s.items)
            .map(|d| d.name.as_str())
            .collect();
        let expanded_only = self
            .expanded_devices
            .iter()
            .flat_map(|s| &s.items)
            .filter(|d| !own_devices.contains(&d.name.as_str()));
        for device in self
            .devices
            .iter()
            .flat_map(|s| &s.items)
            .chain(expanded_only)
        {
            let options: Vec<(&str, &str)> = device
                .entries
                .iter()
                .map(|e| (e.key.as_str(), e.value.as_str()))
                .collect();
            for error in check_device(&device.name, &options) {
                let range = option_range(device, &error).unwrap_or(device.name_range);
                out.push(Problem {
                    range,
                    message: format!(
                        "Invalid devices: Device validation failed for {}: {error}",
                        crate::go::quote(&device.name)
                    ),
                });
            }
        }
        // Two local disks on one path: each is refused (lxd/device/disk.go counts the
        // instance's own devices).
        let own_disks: Vec<(&Device, &str)> = self
            .devices
            .iter()
            .flat_map(|section| &section.items)
            .filter(|device| device.kind() == "disk")
            .filter_map(|device| Some((device, device.get("path")?.value.as_str())))
            .filter(|(_, path)| !path.is_empty())
            .collect();
        let mut shared_root = false;
        for (device, path) in &own_disks {
            if own_disks.iter().filter(|(_, other)| other == path).count() > 1 {
                shared_root |= *path == "/";
                out.push(Problem {
                    range: device.get("path").map_or(device.name_range, |e| e.value_range),
                    message: format!(
                        "Invalid devices: Device validation failed for {}: More than one disk device uses the same path {}",
                        crate::go::quote(&device.name),
                        crate::go::quote(path)
                    ),
                });
            }
        }
        // LXD's `shared.GetRootDiskDevice` over the expanded devices.
        let roots: Vec<&Device> = self
            .effective_devices()
            .iter()
            .flat_map(|section| &section.items)
            .filter(|device| {
                device.kind() == "disk" && device.get("path").is_some_and(|p| p.value == "/")
            })
            .collect();
        if let Some(second) = roots.get(1).filter(|_| !shared_root) {
            out.push(Problem {
                range: second.name_range,
                message: "Invalid expanded devices: Failed detecting root disk device: More than one root device found".into(),
            });
        }
        out
    }
}

/// The last entry of `key` in a section (the one LXD keeps).
fn find_entry<'a>(section: &'a Section<Entry>, key: &str) -> Option<&'a Entry> {
    section.items.iter().rev().find(|entry| entry.key == key)
}

/// The range a device problem points at: the option it names (its value for a bad value, its
/// key for an unknown one), else the device name.
fn option_range(device: &Device, error: &str) -> Option<TextRange> {
    let named = |prefix: &str| {
        let rest = error.strip_prefix(prefix)?;
        let rest = rest.strip_prefix('"')?;
        let end = rest.find('"')?;
        Some(rest[..end].to_owned())
    };
    if let Some(key) = named("Invalid value for device option ") {
        return device.get(&key).map(|e| e.value_range);
    }
    if let Some(key) = named("Invalid device option ") {
        return device.get(&key).map(|e| e.key_range);
    }
    None
}

/// Read an instance from `text`.
pub fn read(text: &str, shape: Shape) -> Instance {
    let document = yaml::parse(text);
    let mut instance = Instance {
        shape,
        name: None,
        instance_type: InstanceType::Container,
        config: None,
        devices: None,
        expanded_config: None,
        expanded_devices: None,
        anchor: TextRange::empty(0),
        syntax: Vec::new(),
    };
    if let Some((range, message)) = document.error {
        instance.syntax.push(Problem {
            range,
            message: format!("yaml: {message}"),
        });
        return instance;
    }
    let Some(root) = document.root else {
        return instance;
    };
    let body = match shape {
        Shape::Export => &root,
        Shape::Backup => match root.get("container") {
            Some((_, container)) => container,
            None => {
                instance.syntax.push(Problem {
                    range: first_line(text),
                    message: "no `container:` mapping: not an LXD backup.yaml".into(),
                });
                return instance;
            }
        },
    };
    instance.anchor = TextRange::empty(body.range.start());
    if body.as_mapping().is_none() {
        if !matches!(body.kind, NodeKind::Null) {
            instance.syntax.push(unmarshal(body, "api.Instance"));
        }
        return instance;
    }
    if let Some((_, name)) = body.get("name") {
        instance.name = name.as_str().map(str::to_owned);
    }
    if let Some((_, kind)) = body.get("type") {
        if kind.as_str() == Some("virtual-machine") {
            instance.instance_type = InstanceType::VirtualMachine;
        }
    }
    let mut syntax = Vec::new();
    instance.config = body
        .get("config")
        .and_then(|(key, value)| config_section(key, value, &mut syntax));
    instance.devices = body
        .get("devices")
        .and_then(|(key, value)| device_section(key, value, &mut syntax));
    instance.expanded_config = body
        .get("expanded_config")
        .and_then(|(key, value)| config_section(key, value, &mut syntax));
    instance.expanded_devices = body
        .get("expanded_devices")
        .and_then(|(key, value)| device_section(key, value, &mut syntax));
    instance.syntax = syntax;
    instance
}

fn first_line(text: &str) -> TextRange {
    TextRange::from_usize(0, text.find('\n').unwrap_or(text.len()))
}

/// Go's yaml.v2 "cannot unmarshal !!map into string" for a node of the wrong kind.
fn unmarshal(node: &Node, into: &str) -> Problem {
    let start = node.range.start() as usize;
    Problem {
        range: TextRange::from_usize(start, start.max(node.range.end() as usize)),
        message: format!("yaml: cannot unmarshal {} into {into}", node.tag()),
    }
}

/// A string-to-string mapping (`config:`, one device): its entries; wrong kinds are problems.
fn entries(node: &Node, syntax: &mut Vec<Problem>) -> Vec<Entry> {
    let mut out = Vec::new();
    for (key, value) in node.as_mapping().unwrap_or_default() {
        let Some(name) = key.as_str() else {
            syntax.push(unmarshal(key, "string"));
            continue;
        };
        let text = match &value.kind {
            NodeKind::Scalar(text) => text.clone(),
            NodeKind::Null => String::new(),
            _ => {
                syntax.push(unmarshal(value, "string"));
                continue;
            }
        };
        out.push(Entry {
            key: name.to_owned(),
            key_range: key.range,
            value: text,
            value_range: value.range,
        });
    }
    out
}

fn config_section(key: &Node, value: &Node, syntax: &mut Vec<Problem>) -> Option<Section<Entry>> {
    match value.kind {
        NodeKind::Mapping(_) => Some(Section {
            key_range: key.range,
            items: entries(value, syntax),
        }),
        NodeKind::Null => Some(Section {
            key_range: key.range,
            items: Vec::new(),
        }),
        _ => {
            syntax.push(unmarshal(value, "map[string]string"));
            None
        }
    }
}

fn device_section(key: &Node, value: &Node, syntax: &mut Vec<Problem>) -> Option<Section<Device>> {
    let pairs = match &value.kind {
        NodeKind::Mapping(pairs) => pairs.as_slice(),
        NodeKind::Null => &[],
        _ => {
            syntax.push(unmarshal(value, "map[string]map[string]string"));
            return None;
        }
    };
    let mut items = Vec::new();
    for (name, options) in pairs {
        let Some(device) = name.as_str() else {
            syntax.push(unmarshal(name, "string"));
            continue;
        };
        if !matches!(options.kind, NodeKind::Mapping(_) | NodeKind::Null) {
            syntax.push(unmarshal(options, "map[string]string"));
            continue;
        }
        items.push(Device {
            name: device.to_owned(),
            name_range: name.range,
            entries: entries(options, syntax),
        });
    }
    Some(Section {
        key_range: key.range,
        items,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const BACKUP: &str = "container:\n  config:\n    security.privileged: maybe\n  devices:\n    port-80:\n      listen: tcp:0.0.0.0:80\n      connect: tcp:127.0.0.1:80\n      type: proxy\n  expanded_config:\n    security.privileged: maybe\n    limits.cpu: \"2\"\n  expanded_devices:\n    port-80:\n      listen: tcp:0.0.0.0:80\n      connect: tcp:127.0.0.1:80\n      type: proxy\n    root:\n      path: /\n      pool: default\n      type: disk\n  name: acme-system\n  type: container\n";

    #[test]
    fn backups_are_read_under_container() {
        let instance = read(BACKUP, Shape::Backup);
        assert!(instance.syntax.is_empty(), "{:?}", instance.syntax);
        assert_eq!(instance.name.as_deref(), Some("acme-system"));
        assert_eq!(
            instance
                .config_value("limits.cpu")
                .map(|e| e.value.as_str()),
            Some("2")
        );
        let devices = instance.effective_devices().expect("devices");
        assert_eq!(devices.items.len(), 2);
        let problems = instance.validate();
        // Checked once, where the instance sets it.
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(
            problems[0].message,
            "Invalid config: Invalid value for a boolean \"maybe\""
        );
        assert_eq!(&BACKUP[problems[0].range.as_range()], "maybe");
    }

    #[test]
    fn wrong_kinds_are_syntax_problems() {
        let text = "config:\n  security.privileged: {a: 1}\ndevices: []\n";
        let instance = read(text, Shape::Export);
        let messages: Vec<&str> = instance.syntax.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "yaml: cannot unmarshal !!map into string",
                "yaml: cannot unmarshal !!seq into map[string]map[string]string"
            ]
        );
        assert!(read("container: 1\n", Shape::Backup).syntax.len() == 1);
        assert!(read("other: 1\n", Shape::Backup).syntax.len() == 1);
        assert!(read("config: \"unterminated\n", Shape::Export).syntax.len() == 1);
    }
}
