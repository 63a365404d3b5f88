# Sourced by the other scripts here: the k8s.io/kubernetes release go.mod requires, as `release`.
release=$(go mod edit -json | python3 -c '
import json, sys
for r in json.load(sys.stdin)["Require"]:
    if r["Path"] == "k8s.io/kubernetes":
        print(r["Version"])')
