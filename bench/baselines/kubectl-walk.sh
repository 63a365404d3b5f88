#!/usr/bin/env bash
# The seed's manual partition walk, automated the way people script it: for each partition of the plan, patch
# the StatefulSet, then wait until the pods at or above the partition run the new revision and are Ready, either
# with `kubectl rollout status` (a watch) or by polling `kubectl get` every 2 s.
# Usage: kubectl-walk.sh <rollout-status|poll> <statefulset> <partition>...   (KUBECONFIG and CACHE_DIR set)
set -euo pipefail
mode=$1 sts=$2
shift 2
k() { kubectl --cache-dir "$CACHE_DIR" "$@"; }

for partition in "$@"; do
  k patch sts "$sts" -p "{\"spec\":{\"updateStrategy\":{\"type\":\"RollingUpdate\",\"rollingUpdate\":{\"partition\":$partition}}}}" >/dev/null
  if [ "$mode" = rollout-status ]; then
    k rollout status sts "$sts" --timeout=10m >/dev/null
    continue
  fi
  while :; do
    # Slash-separated: the API omits zero counts, and an empty field must stay in its place.
    IFS=/ read -r generation observed replicas updated ready < <(k get sts "$sts" \
      -o jsonpath='{.metadata.generation}/{.status.observedGeneration}/{.spec.replicas}/{.status.updatedReplicas}/{.status.readyReplicas}{"\n"}')
    if [ "$observed" = "$generation" ] && [ "${updated:-0}" -ge $((replicas - partition)) ] && [ "${ready:-0}" -eq "$replicas" ]; then
      break
    fi
    sleep 2
  done
done
