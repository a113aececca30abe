#!/usr/bin/env bash
# Startup cost of the default image, the way a user sees it: `sesame apply
# -f box.yaml --wait` of a docker sandbox without `image` (so on
# sesame-sandbox:latest), through a running `sesame controller`, next to
# `docker run -d --init sesame-sandbox:latest sleep infinity` through the
# docker CLI on the same engine, alternated in one run.
#
#   bench/docker/default_image_startup.sh [RUNS]     (default 20)
#
# Each run: apply one sandbox and time until --wait returns (Ready); delete
# it and wait until it is gone (untimed); then time `docker run -d` until
# the CLI returns (the container is started), and `docker rm -f` it
# (untimed). One warm-up run of each first. Prints every pair and the
# medians. The sandbox has the controller's default security (hardened
# when the controller may harden: root, and the admin setting on); pass
# SECURITY=false to compare unhardened. Needs build/sesame (scripts/build),
# the image (scripts/build-image) and root for hardened sandboxes.
# Only this run's containers are touched (its own $SESAME_HOME and label).
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS="${1:-20}"
SESAME="${SESAME:-$PWD/build/sesame}"
IMAGE="${IMAGE:-sesame-sandbox:latest}"
SECURITY="${SECURITY:-}"
label="dev.sesame.bench=startup-$$"

home="$(mktemp -d)"
export SESAME_HOME="$home"
"$SESAME" controller --listen 127.0.0.1:0 >"$home/controller.log" 2>&1 &
controller=$!
cleanup() {
  for name in $("$SESAME" get sandboxes -n bench-startup -o name 2>/dev/null); do
    name="${name#*/}"
    "$SESAME" delete sandbox "$name" -n bench-startup >/dev/null 2>&1 || true
    "$SESAME" wait "sandbox/$name" -n bench-startup --for=delete --timeout 60s >/dev/null 2>&1 || true
  done
  kill "$controller" 2>/dev/null || true
  wait "$controller" 2>/dev/null || true
  docker ps -aq --filter "label=$label" | xargs -r docker rm -f >/dev/null 2>&1 || true
  rm -rf "$home"
}
trap cleanup EXIT

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

manifest() {
  cat <<EOF
apiVersion: sesame.dev/v1alpha1
kind: Sandbox
metadata: {name: $1, namespace: bench-startup}
spec:
  provider: docker
$( [ -n "$SECURITY" ] && echo "  security: {enabled: $SECURITY}" )
EOF
}

sesame_once() {  # prints apply --wait milliseconds
  manifest "$1" >"$home/$1.yaml"
  local t0 t1
  t0=$(now_ms)
  "$SESAME" apply -f "$home/$1.yaml" --wait >/dev/null
  t1=$(now_ms)
  "$SESAME" delete sandbox "$1" -n bench-startup >/dev/null
  "$SESAME" wait "sandbox/$1" -n bench-startup --for=delete --timeout 120s >/dev/null
  echo $(( t1 - t0 ))
}

docker_once() {  # prints docker run -d milliseconds
  local t0 t1 id
  t0=$(now_ms)
  id="$(docker run -d --init --label "$label" "$IMAGE" sleep infinity)"
  t1=$(now_ms)
  docker rm -f "$id" >/dev/null
  echo $(( t1 - t0 ))
}

median() { sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

sesame_once warmup >/dev/null
docker_once >/dev/null
: >"$home/sesame.ms"
: >"$home/docker.ms"
echo "run  apply--wait(ms)  docker-run-d(ms)"
for i in $(seq 1 "$RUNS"); do
  s=$(sesame_once "box-$i")
  d=$(docker_once)
  echo "$s" >>"$home/sesame.ms"
  echo "$d" >>"$home/docker.ms"
  printf '%3d  %16d  %16d\n' "$i" "$s" "$d"
done
ms=$(median <"$home/sesame.ms")
md=$(median <"$home/docker.ms")
echo "median: sesame apply --wait ${ms} ms, docker run -d ${md} ms, ratio $(awk -v a="$ms" -v b="$md" 'BEGIN {printf "%.2f", a/b}')x"
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
