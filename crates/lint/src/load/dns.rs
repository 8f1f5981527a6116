//! CoreDNS: every Corefile (with its `acl`s parsed and the zone files its `file` directives
//! name), and every zone file with the origin a Corefile serves it as (`file DBFILE [ZONES]`),
//! else its `$ORIGIN` or its file name.

use std::collections::HashMap;
use std::path::Path;

use gblint_corefile::keys;
use gblint_diagnostics::SourceMap;

use super::{inputs_of, Loader};
use crate::deployment::{AclDirective, CorefileDoc, Deployment, ZoneDoc, ZoneFileRef};
use crate::file_kind::FileKind;

/// Parse the Corefiles and zone files of `deployment`.
pub fn load(deployment: &mut Deployment, loader: &mut Loader<'_>) {
    let sources = &*loader.sources;
    let env = loader.env;
    let env_fn = |name: &str| env(name);
    for input in inputs_of(deployment, FileKind::Corefile).collect::<Vec<_>>() {
        let file = &deployment.files[input];
        let source = sources.get(file.file);
        let disk = deployment.disk_paths.get(&file.file);
        let options = gblint_corefile::ImportOptions {
            base: disk.and_then(|d| d.parent().map(Path::to_path_buf)),
            fence: file.fence.as_ref().map(|fence| fence.root.clone()),
            env: &env_fn,
            max_file_bytes: loader.max_file_bytes,
            secret_scan: Some(crate::secrets::scan),
        };
        let corefile = gblint_corefile::parse(source.path(), source.text(), &options);
        let corefile_path = deployment.shown_path(input, sources);
        let corefile_dir = corefile_path
            .rsplit_once('/')
            .map_or(String::new(), |(dir, _)| dir.to_owned());
        let acls = acl_directives(&corefile);
        let zone_files = zone_files(&corefile, &corefile_dir);
        deployment.corefiles.push(CorefileDoc {
            input,
            file: file.file,
            corefile,
            acls,
            zone_files,
        });
    }
    // Which zone each zone file is served as.
    let served = served_zone_files(deployment);
    for input in inputs_of(deployment, FileKind::Zone).collect::<Vec<_>>() {
        let file = deployment.files[input].file;
        let shown = deployment.shown_path(input, sources);
        let text = sources.get(file).text();
        let origin = served
            .get(&normalize_path(&shown))
            .cloned()
            .or_else(|| origin_directive(text))
            .unwrap_or_else(|| origin_from_name(&shown));
        let zone = gblint_corefile::zone::parse(text, &origin);
        deployment.zones.push(ZoneDoc {
            input,
            file,
            origin,
            zone,
        });
    }
}

/// Every `acl` directive of `corefile`, parsed.
fn acl_directives(corefile: &gblint_corefile::Corefile) -> Vec<AclDirective> {
    let mut out = Vec::new();
    for (block_index, block) in corefile.blocks.iter().enumerate() {
        for (index, directive) in block.directives.iter().enumerate() {
            if directive.name.text == "acl" {
                out.push(AclDirective {
                    block: block_index,
                    directive: index,
                    parsed: gblint_corefile::acl::parse(directive),
                });
            }
        }
    }
    out
}

/// Every `file` directive of `corefile` that names a zone file, resolved against the block's
/// `root` and the Corefile's folder (`corefile_dir`, as the machine sees it).
fn zone_files(corefile: &gblint_corefile::Corefile, corefile_dir: &str) -> Vec<ZoneFileRef> {
    let mut out = Vec::new();
    for (block_index, block) in corefile.blocks.iter().enumerate() {
        let root = block
            .directive("root")
            .next()
            .and_then(|d| d.args().first().map(|t| t.text.clone()));
        for (index, file) in block.directives.iter().enumerate() {
            if file.name.text != "file" {
                continue;
            }
            let args = file.args();
            let Some(db) = args.first() else { continue };
            let zone = match args.get(1) {
                Some(z) => keys::zones_of(&z.text)
                    .ok()
                    .and_then(|z| z.into_iter().next()),
                None => block
                    .keys
                    .first()
                    .and_then(|k| keys::normalize(&k.text).ok())
                    .and_then(|k| k.zones.into_iter().next()),
            };
            out.push(ZoneFileRef {
                block: block_index,
                directive: index,
                path: resolve(&db.text, root.as_deref(), corefile_dir),
                zone,
            });
        }
    }
    out
}

/// `file` directives: the zone file path (as the machine sees it, normalised) → the first zone
/// it serves (the last directive naming a path wins).
fn served_zone_files(deployment: &Deployment) -> HashMap<String, String> {
    let mut out = HashMap::new();
    for doc in &deployment.corefiles {
        for zone_file in &doc.zone_files {
            let Some(zone) = &zone_file.zone else {
                continue;
            };
            out.insert(normalize_path(&zone_file.path), zone.clone());
        }
    }
    out
}

/// Where a `file` path points, as the machine sees it: absolute as is; relative to `root`
/// when set, else to the Corefile's folder.
pub fn resolve(db: &str, root: Option<&str>, corefile_dir: &str) -> String {
    if db.starts_with('/') {
        return db.to_owned();
    }
    match root {
        Some(root) if root.starts_with('/') => format!("{}/{db}", root.trim_end_matches('/')),
        Some(root) => format!("{corefile_dir}/{root}/{db}"),
        None => format!("{corefile_dir}/{db}"),
    }
}

/// Lexically clean a `/`-separated path (`a/./b/../c` → `a/c`).
pub fn normalize_path(path: &str) -> String {
    let absolute = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    let joined = parts.join("/");
    if absolute {
        format!("/{joined}")
    } else {
        joined
    }
}

fn origin_directive(text: &str) -> Option<String> {
    text.lines().find_map(|line| {
        line.strip_prefix("$ORIGIN")
            .map(|rest| keys::fqdn(rest.split(';').next().unwrap_or("").trim()))
    })
}

/// `example.org.zone`, `db.example.org` → `example.org.`.
fn origin_from_name(path: &str) -> String {
    let name = path.rsplit('/').next().unwrap_or(path);
    let stem = name
        .strip_suffix(".zone")
        .or_else(|| name.strip_prefix("db."))
        .unwrap_or(name);
    keys::fqdn(stem)
}

/// The zone files of the deployment, by the path their machine sees.
pub fn zone_by_path<'a>(
    deployment: &'a Deployment,
    sources: &SourceMap,
    path: &str,
) -> Option<&'a ZoneDoc> {
    let wanted = normalize_path(path);
    deployment
        .zones
        .iter()
        .find(|z| normalize_path(&deployment.shown_path(z.input, sources)) == wanted)
}
