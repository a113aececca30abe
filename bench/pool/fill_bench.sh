#!/usr/bin/env bash
# 20 pools x 10 replicas filled from empty while the controller is killed
# with SIGKILL five times, at 10%, 25%, 40%, 55% and 70% of the fill (each
# time restarted at once). A sampler counts the live sandboxes the host sees
# (filesystem: supervisor processes of distinct sandboxes; docker: running
# containers) every 100 ms. Prints the largest sample, the count at the
# end, the Sandbox objects, and how long the fill took. Exit 1 when the end
# is not exactly POOLS x REPLICAS or a sample exceeded it.
#
#   bench/pool/fill_bench.sh [--pools 20] [--replicas 10] [--kills 5] [--provider filesystem|docker] [--image IMAGE] [--sesame build/sesame]
set -euo pipefail
pools=20 replicas=10 kills=5 provider=filesystem image=sesame-test-busybox:latest
sesame="$(cd "$(dirname "$0")/../.." && pwd)/build/sesame"
while [ $# -gt 0 ]; do
  case "$1" in
    --pools) pools=$2; shift 2 ;;
    --replicas) replicas=$2; shift 2 ;;
    --kills) kills=$2; shift 2 ;;
    --provider) provider=$2; shift 2 ;;
    --image) image=$2; shift 2 ;;
    --sesame) sesame=$2; shift 2 ;;
    *) echo "unknown flag $1" >&2; exit 2 ;;
  esac
done
ns=fillbench$$
source "$(dirname "$0")/lib.sh"
sampler_pid=
stop_sampler() { [ -n "$sampler_pid" ] && kill "$sampler_pid" 2>/dev/null && wait "$sampler_pid" 2>/dev/null || true; }
trap 'stop_sampler; cleanup' EXIT INT TERM

total=$((pools * replicas))
template="provider: $provider"
[ "$provider" = docker ] && template="$template, image: $image"
manifest=$home/pools.yaml
for p in $(seq 1 "$pools"); do
  printf -- '---\napiVersion: sesame.dev/v1alpha1\nkind: SandboxPool\nmetadata: {name: p%d, namespace: %s}\nspec:\n  replicas: %d\n  template: {%s}\n' \
    "$p" "$ns" "$replicas" "$template" >>"$manifest"
done
( while true; do echo "$(now) $(live_sandboxes)"; sleep 0.1; done ) >"$home/samples" &
sampler_pid=$!

start_controller
t0=$(now)
"$sesame" apply -f "$manifest" >/dev/null
killed=0
for percent in 10 25 40 55 70 85 90 95; do
  [ "$killed" -ge "$kills" ] && break
  want=$((total * percent / 100))
  for _ in $(seq 1 6000); do [ "$(live_sandboxes)" -ge "$want" ] && break; sleep 0.05; done
  kill9_controller
  killed=$((killed + 1))
  echo "kill -9 #$killed at $(live_sandboxes) live" >&2
  start_controller
done
warm_total() {
  "$sesame" get pools -n "$ns" -o json | python3 -c 'import json,sys; print(sum(i.get("status",{}).get("warm",0) for i in json.load(sys.stdin)["items"]))'
}
for _ in $(seq 1 2400); do [ "$(warm_total)" -ge "$total" ] && break; sleep 0.5; done
t1=$(now)
sleep 5  # a few more reconciles: nothing more may appear
stop_sampler
sampler_pid=
end=$(live_sandboxes)
objects=$("$sesame" get sandboxes -n "$ns" -o name | wc -l)
most=$(awk 'BEGIN{m=0} {if ($2 > m) m = $2} END{print m}' "$home/samples")
samples=$(wc -l <"$home/samples")
echo "provider $provider, $pools pools x $replicas replicas, $killed kill -9 during the fill, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "filled in $(( (t1 - t0) / 1000 )) ms; largest of $samples samples: $most live (limit $total); at the end: $end live, $objects Sandbox objects, warm $(warm_total)"
[ "$end" -eq "$total" ] && [ "$most" -le "$total" ] && [ "$objects" -eq "$total" ]
