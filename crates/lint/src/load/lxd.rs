//! LXD instances: which files hold one, and reading them into [`LxdDoc`]s.
//!
//! Two places hold an instance's configuration (docs/lxd.md):
//! - LXD's own `backup.yaml`, which LXD rewrites at every change, in the instance's storage
//!   folder on the host: `/var/snap/lxd/common/lxd/storage-pools/<pool>/containers/<name>/`
//!   for the snap, `/var/lib/lxd/storage-pools/<pool>/containers/<name>/` for Debian's
//!   package (`virtual-machines/` for VMs);
//! - an export, `lxc config show --expanded <name> > /etc/gblint/lxd/<name>.yaml` on the host,
//!   the file `lxc config edit <name>` reads back.
//!
//! The instance's name comes from that path; its role and tenant from its name, as for
//! machine folders (`<tenant>-<role>`, or `[machines.NAME] role`).

use gblint_diagnostics::SourceMap;
use gblint_lxd::Shape;

use crate::deployment::{Deployment, InputId, LxdDoc};
use crate::discovery::role_from_name;
use crate::file_kind::FileKind;
use crate::settings::Settings;

/// The instance name and file shape a path on a machine (or as given) holds, if it is an LXD
/// instance file.
pub fn instance_of_path(path: &str) -> Option<(String, Shape)> {
    let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    let n = parts.len();
    if n >= 6
        && parts[n - 1] == "backup.yaml"
        && matches!(parts[n - 3], "containers" | "virtual-machines")
        && parts[n - 5] == "storage-pools"
        && parts[n - 6] == "lxd"
    {
        return Some((parts[n - 2].to_owned(), Shape::Backup));
    }
    if n >= 4 && parts[n - 4] == "etc" && parts[n - 3] == "gblint" && parts[n - 2] == "lxd" {
        let name = parts[n - 1]
            .strip_suffix(".yaml")
            .or_else(|| parts[n - 1].strip_suffix(".yml"))?;
        if !name.is_empty() && !name.starts_with('.') {
            return Some((name.to_owned(), Shape::Export));
        }
    }
    None
}

/// Read every LXD input of `deployment`.
pub fn load(deployment: &mut Deployment, loader: &mut super::Loader<'_>) {
    let (sources, settings): (&SourceMap, &Settings) = (loader.sources, loader.settings);
    let inputs: Vec<(InputId, crate::deployment::InputFile)> = deployment
        .inputs()
        .map(|(input, file)| (input, file.clone()))
        .collect();
    for (input, file) in &inputs {
        let (input, file) = (*input, file);
        if file.kind != FileKind::Lxd {
            continue;
        }
        let shown = deployment.shown_path(input, sources);
        // A file named with `--kind lxd` outside the usual places is read as an export
        // named after the file.
        let (name, shape) = instance_of_path(&shown).unwrap_or_else(|| {
            let stem = std::path::Path::new(&shown)
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            (stem, Shape::Export)
        });
        let role = settings
            .machine_roles
            .get(&name)
            .cloned()
            .or_else(|| role_from_name(&name).map(str::to_owned));
        let tenant = role.as_deref().and_then(|role| {
            name.strip_suffix(role)
                .and_then(|rest| rest.strip_suffix('-'))
                .filter(|tenant| !tenant.is_empty())
                .map(str::to_owned)
        });
        let instance = gblint_lxd::read(sources.get(file.file).text(), shape);
        deployment.lxd.push(LxdDoc {
            input,
            file: file.file,
            name,
            role,
            tenant,
            instance,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instance_paths() {
        assert_eq!(
            instance_of_path(
                "/var/snap/lxd/common/lxd/storage-pools/default/containers/acme-system/backup.yaml"
            ),
            Some(("acme-system".into(), Shape::Backup))
        );
        assert_eq!(
            instance_of_path("/var/lib/lxd/storage-pools/zfs/virtual-machines/vm1/backup.yaml"),
            Some(("vm1".into(), Shape::Backup))
        );
        assert_eq!(
            instance_of_path("host/etc/gblint/lxd/acme-proxy.yaml"),
            Some(("acme-proxy".into(), Shape::Export))
        );
        assert_eq!(instance_of_path("/srv/backup.yaml"), None);
        assert_eq!(instance_of_path("/etc/gblint/lxd/.yaml"), None);
        assert_eq!(
            instance_of_path("/var/lib/lxd/storage-pools/p/images/x/backup.yaml"),
            None
        );
    }
}
