#!/usr/bin/env bash
# Writes go.mod's replace lines for k8s.io/kubernetes's staging modules.
#
# Why: k8s.io/kubernetes requires each of its staging modules (k8s.io/api, k8s.io/client-go, ...) at
# v0.0.0 and replaces them with local folders, so a module that depends on it must map every one of
# them to its published version (v0.<minor>.<patch>). The list changes between releases, so it is read
# from the release's own go.mod, never copied by hand.
set -euo pipefail
cd "$(dirname "$0")"
. ./release.sh
staging_version="v0.${release#v1.}"
upstream_mod=$(go mod download -json "k8s.io/kubernetes@${release}" | python3 -c 'import json, sys; print(json.load(sys.stdin)["GoMod"])')
go mod edit -json "$upstream_mod" | python3 -c '
import json, sys
for r in json.load(sys.stdin)["Require"]:
    if r["Version"] == "v0.0.0":
        print(r["Path"])' | while read -r module; do
  go mod edit -replace "${module}=${module}@${staging_version}"
done
