#!/usr/bin/env bash
# Builds the real control plane's binaries from the Go modules pinned in go.mod/go.sum into a cache
# outside the work tree, keyed by those two files, and prints the folder that holds them.
#
#   cluster/build.sh            build if needed; the last line printed is the bin folder
#   CLUSTER_CACHE_DIR=/x ...    cache root (default: ~/.cache/cdk8s-staged-rollouts/cluster)
#
# A second call with the same go.mod/go.sum finds the binaries and returns at once. The first call
# says how long it took and how much it downloaded into the Go module cache.
set -euo pipefail
cd "$(dirname "$0")"

. ./release.sh
key=$(cat go.mod go.sum build.sh release.sh | sha256sum | cut -c1-16)
cache_root=${CLUSTER_CACHE_DIR:-${HOME}/.cache/cdk8s-staged-rollouts/cluster}
bin="${cache_root}/${key}/bin"

# tool import path -> binary name
tools=(
  "k8s.io/kubernetes/cmd/kube-apiserver kube-apiserver"
  "k8s.io/kubernetes/cmd/kube-controller-manager kube-controller-manager"
  "k8s.io/kubernetes/cmd/kube-scheduler kube-scheduler"
  "k8s.io/kubernetes/cmd/kubectl kubectl"
  "go.etcd.io/etcd/server/v3 etcd"
  "sigs.k8s.io/kwok/cmd/kwok kwok"
)

missing=0
for t in "${tools[@]}"; do
  [ -x "${bin}/${t#* }" ] || missing=1
done
if [ "$missing" = 0 ]; then
  echo "control plane binaries up to date (${release})" >&2
  echo "$bin"
  exit 0
fi

modcache=$(go env GOMODCACHE)
before=$(du -sm "$modcache" 2>/dev/null | cut -f1 || echo 0)
start=$(date +%s)
echo "building the control plane ${release} into ${bin} (the first build takes a while: see README)" >&2
go mod download
mkdir -p "${bin}.partial"
version_pkg=k8s.io/component-base/version
minor=${release#v1.}; minor=${minor%%.*}
ldflags="-s -w -X ${version_pkg}.gitVersion=${release} -X ${version_pkg}.gitMajor=1 -X ${version_pkg}.gitMinor=${minor} -X ${version_pkg}.gitTreeState=clean"
for t in "${tools[@]}"; do
  pkg=${t% *}; name=${t#* }
  echo "  go build ${pkg}" >&2
  CGO_ENABLED=0 go build -trimpath -ldflags "$ldflags" -o "${bin}.partial/${name}" "$pkg"
done
rm -rf "$bin" && mv "${bin}.partial" "$bin"
after=$(du -sm "$modcache" 2>/dev/null | cut -f1 || echo 0)
echo "built in $(( $(date +%s) - start )) s; the Go module cache grew by $(( after - before )) MiB" >&2
echo "$bin"
