#!/usr/bin/env python3
"""caddy-findings-expect.py GBLINT CORPUS OUT -- write the expectation file of the conformance
test `caddy_findings`: for every Caddyfile input of the corpus and tests/realworld (and two
generated ones), the exit code, the number of findings and an FNV-1a 64 hash of the JSON
output of `GBLINT check --format caddyfile --output-format json NAME`, run in the file's folder.
Made with main's binary before the Caddy token rework, so the test shows that the findings did
not change."""
import json, os, subprocess, sys

gblint, corpus, out = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2]), sys.argv[3]
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def fnv1a64(data: bytes) -> int:
    h = 0xCBF29CE484222325
    for b in data:
        h = ((h ^ b) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


def inputs():
    skip = (".json", ".md", ".tsv")
    for base, label in ((corpus, "corpus"), (root, "repo")):
        tops = ["caddyfile", "realworld/caddyfile", "realworld/caddyfile-tree", "generalbots/caddy"] if label == "corpus" else ["tests/realworld/caddyfile"]
        for top in tops:
            for dirpath, _, files in os.walk(os.path.join(base, top)):
                for name in files:
                    if not name.endswith(skip):
                        path = os.path.join(dirpath, name)
                        yield f"{label}/{os.path.relpath(path, base)}", path


def sites(n):
    # The hostile suite's and gen_caddy.py's site shape, without a global block.
    return "".join(
        f"\nsite{i}.example.com {{\n\treverse_proxy 10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}:8080\n\tencode gzip\n\tlog\n}}\n"
        for i in range(1, n + 1)
    )


rows = []
for key, path in sorted(inputs()):
    run = subprocess.run([gblint, "check", "--format", "caddyfile", "--output-format", "json", os.path.basename(path)],
                         cwd=os.path.dirname(path), capture_output=True)
    findings = len(json.loads(run.stdout)) if run.stdout.strip().startswith(b"[") else -1
    rows.append(f"{key}\t{run.returncode}\t{findings}\t{fnv1a64(run.stdout):016x}")
import tempfile
for n in (1000, 10000):
    with tempfile.TemporaryDirectory() as tmp:
        with open(os.path.join(tmp, "Caddyfile"), "w") as f:
            f.write(sites(n))
        run = subprocess.run([gblint, "check", "--format", "caddyfile", "--output-format", "json", "Caddyfile"], cwd=tmp, capture_output=True)
        findings = len(json.loads(run.stdout)) if run.stdout.strip().startswith(b"[") else -1
        rows.append(f"generated/{n}-sites\t{run.returncode}\t{findings}\t{fnv1a64(run.stdout):016x}")
with open(out, "w") as f:
    f.write("# input\texit\tfindings\tfnv1a64(stdout); made by scripts/caddy-findings-expect.py with main's binary (0985af7)\n")
    f.write("\n".join(rows) + "\n")
