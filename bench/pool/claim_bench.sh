#!/usr/bin/env bash
# Claim -> Ready against a cold create of the same spec, as a user sees
# them: `sesame apply --wait` of one Sandbox, timed from before the CLI
# starts until it returns, alternated in one run against one controller
# (for docker, also `docker run -d --init` of the same image, and the CLI's
# own start, `sesame version`). The pool keeps more warm sandboxes than the
# run claims, so a claim never waits for a refill; every sandbox is deleted
# after its round. OS sandboxing is whatever the host's default is (on, for
# filesystem, unless SANDBOX_SECURITY_ENABLED=false); the first claim's
# SecurityEnforced condition is printed. Also printed: the controller's part
# of each (the object's Ready transition minus its creation, as stored,
# millisecond resolution), which leaves out the CLI's start and wait.
# After each claim the script waits until the pool is full again, and after
# each round until its sandboxes are gone, so that no claim or create
# shares the host with an earlier one's refill or clean-up.
# --perf FILE records the controller with `perf record -g` during the
# rounds (read it with `perf report -i FILE --no-children`).
#
#   bench/pool/claim_bench.sh [--runs 30] [--provider filesystem|docker] [--image IMAGE] [--sesame build/sesame] [--perf FILE]
set -euo pipefail
runs=30 provider=filesystem image=sesame-test-busybox:latest perf_out=
sesame="$(cd "$(dirname "$0")/../.." && pwd)/build/sesame"
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    --provider) provider=$2; shift 2 ;;
    --image) image=$2; shift 2 ;;
    --sesame) sesame=$2; shift 2 ;;
    --perf) perf_out=$2; shift 2 ;;
    *) echo "unknown flag $1" >&2; exit 2 ;;
  esac
done
ns=claimbench$$
source "$(dirname "$0")/lib.sh"
trap cleanup EXIT INT TERM

template="provider: $provider"
[ "$provider" = docker ] && template="$template, image: $image"
replicas=$((runs + 3))
start_controller
"$sesame" apply -f - >/dev/null <<YAML
apiVersion: sesame.dev/v1alpha1
kind: SandboxPool
metadata: {name: bench, namespace: $ns}
spec:
  replicas: $replicas
  template: {$template}
YAML
echo "filling the pool ($replicas warm $provider sandboxes)..." >&2
for _ in $(seq 1 1200); do
  [ "$(json_field pool bench 'o.get("status",{}).get("warm",0)')" -ge "$replicas" ] && break
  sleep 0.5
done

# The controller's part: Ready's lastTransitionTime minus creationTimestamp, in microseconds.
server_part() {
  json_field sandbox "$1" 'int(__import__("datetime").datetime.fromisoformat([c["lastTransitionTime"] for c in o["status"]["conditions"] if c["type"]=="Ready"][0].replace("Z","+00:00")).timestamp()*1e6 - __import__("datetime").datetime.fromisoformat(o["metadata"]["creationTimestamp"].replace("Z","+00:00")).timestamp()*1e6)'
}
# The sandboxes named gone (finalizers done), and the pool full again.
settle() {
  for _ in $(seq 1 600); do
    { [ $# -eq 0 ] || [ -z "$("$sesame" get sandbox "$@" -n "$ns" -o name 2>/dev/null)" ]; } &&
      [ "$(json_field pool bench 'o.get("status",{}).get("warm",0)')" -ge "$replicas" ] && return
    sleep 0.2
  done
}
perf_pid=
if [ -n "$perf_out" ]; then
  perf record -F 999 -g -p "$controller_pid" -o "$perf_out" >/dev/null 2>&1 &
  perf_pid=$!
fi
claim_times=() cold_times=() cli_times=() docker_times=() claim_server=() cold_server=()
for i in $(seq 0 "$runs"); do
  now_into t0
  "$sesame" apply --wait --timeout 60s -f - >/dev/null <<YAML
apiVersion: sesame.dev/v1alpha1
kind: Sandbox
metadata: {name: claim-$i, namespace: $ns}
spec: {poolRef: bench, command: [sleep, "3600"]}
YAML
  now_into claimed_at
  settle
  now_into t1
  "$sesame" apply --wait --timeout 60s -f - >/dev/null <<YAML
apiVersion: sesame.dev/v1alpha1
kind: Sandbox
metadata: {name: cold-$i, namespace: $ns}
spec: {$template, command: [sleep, "3600"]}
YAML
  now_into t2
  "$sesame" version >/dev/null 2>&1 || true
  now_into t3
  if [ "$provider" = docker ]; then
    docker run -d --init --name "sesame-$ns-run-$i" "$image" sleep 3600 >/dev/null
    now_into t4
    docker_times+=("$((t4 - t3))")
  fi
  cond='[c["status"] + "/" + c.get("reason","") for c in o.get("status",{}).get("conditions",[]) if c["type"]=="TYPE"]'
  claimed=$(json_field sandbox "claim-$i" "${cond/TYPE/Claimed}")
  case "$claimed" in *True/Claimed*) ;; *) echo "claim-$i was not claimed warm: $claimed" >&2; exit 1 ;; esac
  [ "$i" -eq 0 ] && echo "claim-0 SecurityEnforced: $(json_field sandbox claim-0 "${cond/TYPE/SecurityEnforced}")"
  claim_server+=("$(server_part "claim-$i")") cold_server+=("$(server_part "cold-$i")")
  "$sesame" delete sandbox "claim-$i" "cold-$i" -n "$ns" >/dev/null
  settle "claim-$i" "cold-$i"
  [ "$i" -eq 0 ] && continue  # warm-up
  claim_times+=("$((claimed_at - t0))") cold_times+=("$((t2 - t1))") cli_times+=("$((t3 - t2))")
done
[ -n "$perf_pid" ] && kill -INT "$perf_pid" && wait "$perf_pid" 2>/dev/null || true
[ "$provider" = docker ] && docker_times=("${docker_times[@]:1}")
claim_server=("${claim_server[@]:1}") cold_server=("${cold_server[@]:1}")
echo "provider $provider, $runs rounds alternated, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
report "claim -> Ready (apply --wait, poolRef)" "${claim_times[@]}"
report "cold create -> Ready (apply --wait)" "${cold_times[@]}"
report "sesame version (the CLI's start)" "${cli_times[@]}"
report "  controller's part of a claim" "${claim_server[@]}"
report "  controller's part of a cold create" "${cold_server[@]}"
[ "$provider" = docker ] && report "docker run -d --init" "${docker_times[@]}"
python3 -c "import statistics,sys; a=[int(x) for x in sys.argv[1].split()]; b=[int(x) for x in sys.argv[2].split()]; print(f'cold / claim (p50): {statistics.median(b)/statistics.median(a):.1f}x')" "${claim_times[*]}" "${cold_times[*]}"
