#!/usr/bin/env bash
# 100 claims at once on a pool of 20 (maxReplicas 20, so nothing refills
# while they arrive): 100 `sesame apply` processes started together, each
# with one Sandbox naming the pool. Then waits until all are Ready and
# checks that exactly 20 say Claimed=True, 80 say Claimed=False/PoolEmpty,
# every Sandbox has its own uid and its own provider resource (filesystem:
# a supervisor of its own; docker: a container of its own), and nothing else
# runs. Prints the counts and the time from the first apply to all Ready.
#
#   bench/pool/claim_storm.sh [--claims 100] [--warm 20] [--provider filesystem|docker] [--image IMAGE] [--sesame build/sesame]
set -euo pipefail
claims=100 warm=20 provider=filesystem image=sesame-test-busybox:latest
sesame="$(cd "$(dirname "$0")/../.." && pwd)/build/sesame"
while [ $# -gt 0 ]; do
  case "$1" in
    --claims) claims=$2; shift 2 ;;
    --warm) warm=$2; shift 2 ;;
    --provider) provider=$2; shift 2 ;;
    --image) image=$2; shift 2 ;;
    --sesame) sesame=$2; shift 2 ;;
    *) echo "unknown flag $1" >&2; exit 2 ;;
  esac
done
ns=stormbench$$
source "$(dirname "$0")/lib.sh"
trap cleanup EXIT INT TERM

template="provider: $provider"
[ "$provider" = docker ] && template="$template, image: $image"
start_controller
"$sesame" apply -f - >/dev/null <<YAML
apiVersion: sesame.dev/v1alpha1
kind: SandboxPool
metadata: {name: storm, namespace: $ns}
spec:
  replicas: $warm
  maxReplicas: $warm
  template: {$template}
YAML
for _ in $(seq 1 1200); do
  [ "$(json_field pool storm 'o.get("status",{}).get("warm",0)')" -ge "$warm" ] && break
  sleep 0.5
done
echo "pool full: $warm warm, $(live_sandboxes) live" >&2

t0=$(now)
pids=()
for i in $(seq 1 "$claims"); do
  "$sesame" apply -f - >"$home/apply-$i.out" 2>&1 <<YAML &
apiVersion: sesame.dev/v1alpha1
kind: Sandbox
metadata: {name: c$i, namespace: $ns, labels: {bench: storm}}
spec: {poolRef: storm, command: [sleep, "3600"]}
YAML
  pids+=($!)
done
failed=0
for pid in "${pids[@]}"; do wait "$pid" || failed=$((failed + 1)); done
t1=$(now)
ready_count() {
  "$sesame" get sandboxes -n "$ns" -l bench=storm -o json | python3 -c 'import json,sys
print(sum(any(c["type"] == "Ready" and c["status"] == "True" for c in s.get("status", {}).get("conditions", []))
          for s in json.load(sys.stdin)["items"]))'
}
for _ in $(seq 1 2400); do [ "$(ready_count)" -ge "$claims" ] && break; sleep 0.2; done
t2=$(now)
sleep 3  # a reconcile or two more: no refill may appear (maxReplicas)
"$sesame" get sandboxes -n "$ns" -l bench=storm -o json | python3 -c '
import json, sys
items = json.load(sys.stdin)["items"]
claimed = fallback = ready = 0
for s in items:
    conds = {c["type"]: c for c in s.get("status", {}).get("conditions", [])}
    c = conds.get("Claimed", {})
    claimed += c.get("status") == "True"
    fallback += c.get("status") == "False" and c.get("reason") == "PoolEmpty"
    ready += conds.get("Ready", {}).get("status") == "True"
uids = {s["metadata"]["uid"] for s in items}
print(f"{len(items)} claims: {claimed} claimed warm, {fallback} fell back (PoolEmpty), {ready} Ready, {len(uids)} distinct uids")
' | tee "$home/result"
live=$(live_sandboxes)
echo "live sandboxes on the host: $live (want $claims); apply failures: $failed"
echo "all $claims applies returned in $(( (t1 - t0) / 1000 )) ms; all Ready after $(( (t2 - t0) / 1000 )) ms; $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
grep -q "^$claims claims: $warm claimed warm, $((claims - warm)) fell back (PoolEmpty), $claims Ready, $claims distinct uids" "$home/result" &&
  [ "$live" -eq "$claims" ] && [ "$failed" -eq 0 ]
