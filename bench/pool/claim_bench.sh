#!/usr/bin/env bash
# Claim -> Ready against a cold create of the same spec, as a user sees
# them: `sesame apply --wait` of one Sandbox, timed from before the CLI
# starts until it returns, alternating the two in one run against one
# controller. The pool keeps --replicas warm sandboxes (enough that a claim
# never waits for a refill); each run deletes its sandbox before the next.
#
#   bench/pool/claim_bench.sh [--runs 30] [--provider filesystem|docker] [--image IMAGE] [--sesame build/sesame]
#
# Prints p50/p90/min/max of each in milliseconds, beside `sesame version`
# (the CLI's own start) and, for docker, `docker run -d` of the same image.
set -euo pipefail
runs=30 provider=filesystem image=sesame-test-busybox:latest
sesame="$(cd "$(dirname "$0")/../.." && pwd)/build/sesame"
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    --provider) provider=$2; shift 2 ;;
    --image) image=$2; shift 2 ;;
    --sesame) sesame=$2; shift 2 ;;
    *) echo "unknown flag $1" >&2; exit 2 ;;
  esac
done
home=$(mktemp -d "${TMPDIR:-/tmp}/sesame-claim-bench-XXXXXX")
export SESAME_HOME=$home
controller_pid=
cleanup() {
  [ -n "$controller_pid" ] && kill "$controller_pid" 2>/dev/null && wait "$controller_pid" 2>/dev/null || true
  "$sesame" delete sandboxes -l bench=claim >/dev/null 2>&1 || true
  for pid in $(pgrep -f "$home/run/" || true); do kill -9 "$pid" 2>/dev/null || true; done
  if [ "$provider" = docker ]; then
    docker ps -aq --filter label=dev.sesame.bench="$home" | xargs -r docker rm -f >/dev/null 2>&1 || true
  fi
  rm -rf "$home"
}
trap cleanup EXIT INT TERM

template="provider: $provider"
[ "$provider" = docker ] && template="$template, image: $image"
replicas=$((runs + 2))
"$sesame" controller --listen 127.0.0.1:0 --resync 60s >"$home/controller.log" 2>&1 &
controller_pid=$!
"$sesame" apply -f - >/dev/null <<YAML
apiVersion: sesame.dev/v1alpha1
kind: SandboxPool
metadata: {name: bench}
spec:
  replicas: $replicas
  template: {$template}
YAML
echo "filling the pool ($replicas warm $provider sandboxes)..." >&2
for _ in $(seq 1 600); do
  warm=$("$sesame" get pool bench -o json | python3 -c 'import json,sys; print(json.load(sys.stdin).get("status",{}).get("warm",0))')
  [ "$warm" -ge "$replicas" ] && break
  sleep 0.5
done

now() { date +%s%N; }
ms() { echo $(( ($2 - $1) / 1000 )); }  # microseconds
claim_times=() cold_times=() cli_times=() docker_times=()
for i in $(seq 0 "$runs"); do
  t0=$(now)
  "$sesame" apply --wait --timeout 60s -f - >/dev/null <<YAML
apiVersion: sesame.dev/v1alpha1
kind: Sandbox
metadata: {name: claim-$i, labels: {bench: claim}}
spec: {poolRef: bench, command: [sleep, "3600"]}
YAML
  t1=$(now)
  "$sesame" apply --wait --timeout 60s -f - >/dev/null <<YAML
apiVersion: sesame.dev/v1alpha1
kind: Sandbox
metadata: {name: cold-$i, labels: {bench: claim}}
spec: {$template, command: [sleep, "3600"]}
YAML
  t2=$(now)
  "$sesame" version >/dev/null 2>&1 || true
  t3=$(now)
  claimed=$("$sesame" get sandbox "claim-$i" -o json | python3 -c 'import json,sys; print([c["status"] for c in json.load(sys.stdin)["status"]["conditions"] if c["type"]=="Claimed"][0])')
  if [ "$claimed" != True ]; then echo "claim-$i was not claimed warm" >&2; exit 1; fi
  if [ "$provider" = docker ]; then
    t4=$(now)
    docker run -d --init --label dev.sesame.bench="$home" "$image" sleep 3600 >/dev/null
    t5=$(now)
  fi
  "$sesame" delete sandbox "claim-$i" >/dev/null
  "$sesame" delete sandbox "cold-$i" >/dev/null
  [ "$i" -eq 0 ] && continue  # warm-up
  claim_times+=("$(ms "$t0" "$t1")") cold_times+=("$(ms "$t1" "$t2")") cli_times+=("$(ms "$t2" "$t3")")
  [ "$provider" = docker ] && docker_times+=("$(ms "$t4" "$t5")")
done
report() {
  python3 - "$@" <<'PY'
import statistics, sys
name, values = sys.argv[1], sorted(int(v) / 1000 for v in sys.argv[2:])
p = lambda q: values[min(len(values) - 1, int(q * len(values)))]
print(f"{name:42s} p50 {statistics.median(values):7.1f} ms  p90 {p(0.9):7.1f}  min {values[0]:7.1f}  max {values[-1]:7.1f}  (n={len(values)})")
PY
}
echo "provider $provider, $runs runs alternated, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
report "claim -> Ready (apply --wait, poolRef)" "${claim_times[@]}"
report "cold create -> Ready (apply --wait)" "${cold_times[@]}"
report "sesame version (CLI start)" "${cli_times[@]}"
[ "$provider" = docker ] && report "docker run -d --init" "${docker_times[@]}"
exit 0
