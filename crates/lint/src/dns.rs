//! How gblint reads a deployment's DNS: every Corefile, and every zone file with the origin a
//! Corefile serves it as (`file DBFILE [ZONES]`), else its `$ORIGIN` or its file name.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use gblint_corefile::keys;
use gblint_diagnostics::SourceMap;

use crate::deployment::{CorefileDoc, Deployment, ZoneDoc};
use crate::format::Format;

/// Parse the Corefiles and zone files of `deployment` (whose inputs are already read).
pub(crate) fn parse_dns(
    deployment: &mut Deployment,
    sources: &SourceMap,
    env: gblint_caddyfile::env::EnvLookup<'_>,
    fences: &[Option<PathBuf>],
    max_file_bytes: u64,
) {
    let env_fn = |name: &str| env(name);
    for (input, file) in deployment.files.iter().enumerate() {
        if file.format != Format::Corefile {
            continue;
        }
        let source = sources.get(file.file);
        let disk = deployment.disk_paths.get(&file.file).cloned();
        let options = gblint_corefile::ImportOptions {
            base: disk
                .as_ref()
                .and_then(|d| d.parent().map(Path::to_path_buf)),
            fence: fences.get(input).cloned().flatten(),
            env: &env_fn,
            max_file_bytes,
            secret_scan: Some(crate::secrets::scan),
        };
        let corefile = gblint_corefile::parse(source.path(), source.text(), &options);
        deployment.corefiles.push(CorefileDoc {
            input,
            file: file.file,
            corefile,
        });
    }
    // Which zone each zone file is served as.
    let served = served_zone_files(deployment, sources);
    for (input, file) in deployment.files.iter().enumerate() {
        if file.format != Format::Zone {
            continue;
        }
        let shown = deployment.shown_path(input, sources);
        let text = sources.get(file.file).text();
        let origin = served
            .get(&normalize_path(&shown))
            .cloned()
            .or_else(|| origin_directive(text))
            .unwrap_or_else(|| origin_from_name(&shown));
        let zone = gblint_corefile::zone::parse(text, &origin);
        deployment.zones.push(ZoneDoc {
            input,
            file: file.file,
            origin,
            zone,
        });
    }
}

/// `file` directives: the zone file path (as the machine sees it) → the first zone it serves.
fn served_zone_files(deployment: &Deployment, sources: &SourceMap) -> HashMap<String, String> {
    let mut out = HashMap::new();
    for doc in &deployment.corefiles {
        let corefile_path = deployment.shown_path(doc.input, sources);
        let corefile_dir = corefile_path
            .rsplit_once('/')
            .map_or(String::new(), |(dir, _)| dir.to_owned());
        for block in &doc.corefile.blocks {
            let root = block
                .directive("root")
                .next()
                .and_then(|d| d.args().first().map(|t| t.text.clone()));
            for file in block.directive("file") {
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
                let Some(zone) = zone else { continue };
                out.insert(
                    normalize_path(&resolve(&db.text, root.as_deref(), &corefile_dir)),
                    zone,
                );
            }
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
pub(crate) fn normalize_path(path: &str) -> String {
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
