#!/usr/bin/env bash
# kubectl against Sesame, measured as a user sees it: the wall time of
# `kubectl get sandboxes` (tables, two pages of 500) and `-o json` with
# 1,000 sandboxes in one namespace, alternated in the same run with the
# anchors `sesame get sandboxes --server URL` and a plain
# `curl /v1/namespaces/default/sandboxes`. The sandboxes are suspended, so
# no process runs. Prints the median and range of each, in ms.
#
#   bench/kube/kubectl_list.sh [build/sesame] [runs=9] [count=1000]
set -euo pipefail
sesame="$(realpath "${1:-build/sesame}")"
runs="${2:-9}"
count="${3:-1000}"
work="$(mktemp -d)"
trap 'kill "$controller" 2>/dev/null; wait "$controller" 2>/dev/null; rm -rf "$work"' EXIT
export SESAME_HOME="$work/home" HOME="$work/home-kubectl" KUBECONFIG="$work/kubeconfig"
for ((i = 0; i < count; i++)); do
  printf -- '---\napiVersion: sesame.dev/v1alpha1\nkind: Sandbox\nmetadata: {name: b-%d}\nspec: {provider: filesystem, suspend: true}\n' "$i"
done > "$work/many.yaml"
"$sesame" apply -f "$work/many.yaml" > /dev/null
"$sesame" controller --listen 127.0.0.1:0 --kube-listen 127.0.0.1:0 > "$work/controller.log" 2>&1 &
controller=$!
for _ in $(seq 100); do grep -q 'API listening on http' "$work/controller.log" && break; sleep 0.1; done
url="$(grep -o 'API listening on http://[0-9.:]*' "$work/controller.log" | awk '{print $4}')"
"$sesame" kubeconfig > "$KUBECONFIG"
kubectl get sb > /dev/null  # warm the discovery cache, as a user's second command would

ms() { local start; start=$(date +%s%N); "$@" > /dev/null 2>&1; echo $(( ($(date +%s%N) - start) / 1000000 )); }
declare -A times
names=(curl-v1 sesame-get kubectl-get kubectl-get-json)
for ((r = 0; r < runs; r++)); do
  times[curl-v1]+="$(ms curl -sf "$url/v1/namespaces/default/sandboxes") "
  times[sesame-get]+="$(ms "$sesame" get sandboxes --server "$url") "
  times[kubectl-get]+="$(ms kubectl get sandboxes) "
  times[kubectl-get-json]+="$(ms kubectl get sandboxes -o json) "
done
echo "$count sandboxes, $runs runs each, alternated; load: $(cut -d' ' -f1-3 /proc/loadavg)"
for n in "${names[@]}"; do
  sorted=($(tr ' ' '\n' <<< "${times[$n]}" | grep . | sort -n))
  printf '%-18s median %5d ms   range %d-%d ms\n' "$n" "${sorted[$((${#sorted[@]} / 2))]}" "${sorted[0]}" "${sorted[-1]}"
done
