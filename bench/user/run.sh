#!/usr/bin/env bash
# What a user sees, measured through the `sesame` CLI and the HTTP API of a
# real `sesame controller`, each figure alternated with its anchor in the
# same run so that the machine's load weighs on both. Prints one line per
# figure (value, anchor, ratio) and the load average.
#
# Usage: bench/user/run.sh [BUILD_DIR] [WHAT...]
#   WHAT: apply-wait docker-wait list watch many rest opens memory
#   (default: all but memory)
# Needs: curl; wrk (list); bwrap and npm's @anthropic-ai/sandbox-runtime
# (apply-wait anchors; installed into $SRT_DIR when npm can); docker with
# the image sesame-test-busybox:latest (docker-wait).
set -u
BUILD=$(cd "${1:-build}" && pwd)
shift || true
WHAT=${*:-apply-wait docker-wait list watch many rest opens}
SESAME="$BUILD/sesame"
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d /tmp/sesame-user-bench-XXXXXX)
export SESAME_HOME="$WORK/home"
CONTROLLER_PID=""
URL=""

now_us() { echo $(( $(date +%s%N) / 1000 )); }
median() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
pct() { tr ' ' '\n' | grep . | sort -n | awk -v p="$1" '{a[NR]=$1} END {i=int(NR*p/100+0.999); if(i<1)i=1; print a[i]}'; }
ms() { awk '{printf "%.1f ms", $1/1000}'; }
load() { cut -d' ' -f1-3 /proc/loadavg; }
cpu_ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
threads() { ls "/proc/$1/task" | wc -l; }

start_controller() {
  "$SESAME" controller --listen 127.0.0.1:0 --resync 1h "$@" >"$WORK/controller.log" 2>&1 &
  CONTROLLER_PID=$!
  for _ in $(seq 1 200); do
    URL=$(grep -o 'http://127.0.0.1:[0-9]*' "$WORK/controller.log" | head -1)
    [ -n "$URL" ] && return 0
    sleep 0.05
  done
  echo "the controller did not start:"; cat "$WORK/controller.log"; exit 1
}

stop_controller() {
  [ -n "$CONTROLLER_PID" ] && kill "$CONTROLLER_PID" 2>/dev/null && wait "$CONTROLLER_PID" 2>/dev/null
  CONTROLLER_PID=""
}

# Deletes every sandbox and waits until they are gone.
delete_all() {
  "$SESAME" delete sandbox -l bench=user >/dev/null 2>&1
  for _ in $(seq 1 600); do
    [ -z "$("$SESAME" get sandboxes -o name 2>/dev/null)" ] && return 0
    sleep 0.2
  done
}

cleanup() {
  [ -n "$CONTROLLER_PID" ] && delete_all
  stop_controller
  rm -rf "$WORK"
}
trap cleanup EXIT

# Writes N sandbox documents named PREFIX-i to stdout.
sandboxes() {
  local prefix=$1 n=$2 spec=$3 i
  for i in $(seq 1 "$n"); do
    printf -- '---\napiVersion: sesame.dev/v1alpha1\nkind: Sandbox\nmetadata: {name: %s-%d, labels: {bench: user}}\nspec: %s\n' \
      "$prefix" "$i" "$spec"
  done
}

srt_binary() {
  SRT_DIR=${SRT_DIR:-/tmp/sesame-bench-srt}
  if [ ! -x "$SRT_DIR/node_modules/.bin/srt" ]; then
    mkdir -p "$SRT_DIR"
    (cd "$SRT_DIR" && npm install --silent --no-audit --no-fund @anthropic-ai/sandbox-runtime >/dev/null 2>&1) || true
  fi
  local srt="$SRT_DIR/node_modules/.bin/srt"
  [ -x "$srt" ] && "$srt" -c true >/dev/null 2>&1 && echo "$srt"
}

# Secured filesystem sandbox: apply --wait -> Ready, alternated with
# `srt -c true` and a bare bwrap running true.
bench_apply_wait() {
  local runs=${RUNS:-30} srt ours="" srts="" bw="" i s
  srt=$(srt_binary)
  start_controller
  for i in $(seq 1 "$runs"); do
    sandboxes aw$i 1 '{provider: filesystem, command: [sleep, "3600"]}' >"$WORK/one.yaml"
    s=$(now_us); "$SESAME" apply -f "$WORK/one.yaml" --wait >/dev/null || echo "apply --wait failed"; ours="$ours $(( $(now_us) - s ))"
    if [ -n "$srt" ]; then s=$(now_us); "$srt" -c true >/dev/null 2>&1; srts="$srts $(( $(now_us) - s ))"; fi
    s=$(now_us); bwrap --ro-bind / / --dev /dev --proc /proc --unshare-all --die-with-parent true; bw="$bw $(( $(now_us) - s ))"
  done
  local m=$(echo $ours | median)
  echo "apply --wait -> Ready, secured filesystem, median of $runs: $(echo $m | ms) (load $(load))"
  echo "  bare bwrap true: $(echo $bw | median | ms)"
  if [ -n "$srt" ]; then
    local ms_srt=$(echo $srts | median)
    echo "  srt -c true: $(echo $ms_srt | ms); srt / sesame = $(awk -v a=$ms_srt -v b=$m 'BEGIN{printf "%.1fx", a/b}')"
  else
    echo "  srt -c true: unavailable (npm could not install @anthropic-ai/sandbox-runtime, or it fails here)"
  fi
  delete_all; stop_controller
}

# Docker sandbox: apply --wait -> Ready, alternated with `docker run -d` of
# the same image. DOCKER_IMAGE=default: a sandbox without `image` (the
# default sesame-sandbox:latest); SANDBOX_SECURITY_ENABLED=true hardens it.
bench_docker_wait() {
  local runs=${DOCKER_RUNS:-20} ours="" theirs="" i s id
  local image=${DOCKER_IMAGE:-sesame-test-busybox:latest} image_field
  image_field="image: \"$image\", "
  if [ "$image" = default ]; then image=sesame-sandbox:latest; image_field=""; fi
  start_controller
  for i in $(seq 1 "$runs"); do
    sandboxes dw$i 1 "{provider: docker, ${image_field}command: [sleep, \"3600\"]}" >"$WORK/one.yaml"
    s=$(now_us); "$SESAME" apply -f "$WORK/one.yaml" --wait >/dev/null || echo "apply --wait failed"; ours="$ours $(( $(now_us) - s ))"
    s=$(now_us); id=$(docker run -d "$image" sleep 3600); theirs="$theirs $(( $(now_us) - s ))"
    docker rm -f "$id" >/dev/null
  done
  local a=$(echo $ours | median) b=$(echo $theirs | median)
  echo "docker apply --wait -> Ready ($image, security ${SANDBOX_SECURITY_ENABLED:-default}), median of $runs: $(echo $a | ms); docker run -d: $(echo $b | ms);" \
       "ratio $(awk -v a=$a -v b=$b 'BEGIN{printf "%.2fx", a/b}') (load $(load))"
  delete_all; stop_controller
}

# 1,000 stored sandboxes (e2b without credentials: one status each, no
# retries), listed by 64 connections; /healthz alternated as the anchor.
bench_list() {
  start_controller
  sandboxes ls 1000 '{provider: e2b, image: base}' >"$WORK/many.yaml"
  "$SESAME" apply -f "$WORK/many.yaml" >/dev/null
  for _ in $(seq 1 600); do  # until every one has its status
    [ "$(curl -s "$URL/v1/namespaces/default/sandboxes" | grep -o '"phase"' | wc -l)" -ge 1000 ] && break
    sleep 0.2
  done
  local before=$(rss_kb $CONTROLLER_PID) idle_threads=$(threads $CONTROLLER_PID) list="$URL/v1/namespaces/default/sandboxes" round
  echo "list of 1,000 sandboxes ($(curl -s "$list" | wc -c) bytes), wrk 64 connections, 10 s each, alternated:"
  for round in 1 2; do
    echo "  /healthz:   $(wrk -t2 -c64 -d10s "$URL/healthz" | awk '/Requests\/sec/ {print $2}') requests/s (load $(load))"
    echo "  list:       $(wrk -t2 -c64 -d10s --latency "$list" | awk '/Requests\/sec/ {r=$2} /^ +99%/ {p=$2} END {print r " requests/s, p99 under load " p}') (load $(load))"
  done
  local after=$(rss_kb $CONTROLLER_PID) busy_threads=$(threads $CONTROLLER_PID) singles="" i s
  sleep 2
  for i in $(seq 1 200); do
    singles="$singles $(curl -s -o /dev/null -w '%{time_total}' "$list" | awk '{printf "%d", $1*1000000}')"
  done
  local settled=$(rss_kb $CONTROLLER_PID)
  echo "  single GET (one at a time, 200): p50 $(echo $singles | pct 50 | ms), p99 $(echo $singles | pct 99 | ms)"
  echo "  controller RSS: $((before / 1024)) MB before the load, $((after / 1024)) MB right after, $((settled / 1024)) MB after the single GETs"
  echo "  controller threads: $idle_threads before the load, $busy_threads right after"
  delete_all; stop_controller
}

# 100 watchers x 1,000 changes through the HTTP API.
bench_watch() {
  start_controller
  "$BUILD/bench/user/bench_watch_fanout" "$URL" 100 1000
  echo "  (load $(load))"
  stop_controller
}

# 1,000 filesystem sandboxes from one apply -> all Ready, unsecured then
# secured; anchor: 1,000 `setsid sleep` started from bash.
bench_many() {
  local n=${MANY:-1000} s t mode
  local pids=()
  s=$(now_us)
  for _ in $(seq 1 "$n"); do setsid sleep 3600 </dev/null >/dev/null 2>&1 & pids+=($!); done
  t=$(( $(now_us) - s ))
  kill "${pids[@]}" 2>/dev/null
  echo "anchor: $n setsid sleep from bash: $(echo $t | ms) (load $(load))"
  for mode in false true; do
    SANDBOX_SECURITY_ENABLED=$mode start_controller
    sandboxes many "$n" '{provider: filesystem, command: [sleep, "3600"]}' >"$WORK/many.yaml"
    local c0=$(cpu_ticks $CONTROLLER_PID)
    s=$(now_us); "$SESAME" apply -f "$WORK/many.yaml" --wait --timeout 10m >/dev/null || echo "apply --wait failed"
    t=$(( $(now_us) - s ))
    echo "$n filesystem sandboxes (security $mode), one apply -> all Ready: $(echo $t | ms)," \
         "controller CPU $(( ($(cpu_ticks $CONTROLLER_PID) - c0) * 10 )) ms (load $(load))"
    [ "$mode" = true ] && rest_with_running "$n"
    s=$(now_us); delete_all; t=$(( $(now_us) - s ))
    echo "  all gone: $(echo $t | ms)"
    stop_controller
  done
}

# With sandboxes running: the controller's CPU over 30 s and its memory,
# against an empty controller; supervisors' PSS against a bare sleep.
rest_with_running() {
  local n=$1 c0 c1
  sleep 5
  c0=$(cpu_ticks $CONTROLLER_PID); sleep 30; c1=$(cpu_ticks $CONTROLLER_PID)
  echo "  at rest with $n running: controller CPU $(awk -v t=$((c1 - c0)) 'BEGIN{printf "%.2f%%", t/30}') of a core, RSS $(( $(rss_kb $CONTROLLER_PID) / 1024 )) MB"
  local pss=0 count=0 pid
  for pid in $(pgrep -f "$WORK"); do  # this run's processes only
    grep -q supervis "/proc/$pid/comm" 2>/dev/null && [ -r /proc/$pid/smaps_rollup ] || continue
    pss=$((pss + $(awk '/^Pss:/ {print $2}' /proc/$pid/smaps_rollup))); count=$((count + 1))
  done
  sleep 3600 & local sp=$!; sleep 0.2
  echo "  supervisor PSS: $([ $count -gt 0 ] && echo $((pss / count)) || echo ?) KiB each ($count); bare sleep: $(awk '/^Pss:/ {print $2}' /proc/$sp/smaps_rollup) KiB"
  kill $sp
}

# An empty controller at rest (the anchor of the figure above).
bench_rest() {
  start_controller
  sleep 5
  local c0=$(cpu_ticks $CONTROLLER_PID); sleep 30; local c1=$(cpu_ticks $CONTROLLER_PID)
  echo "empty controller at rest: CPU $(awk -v t=$((c1 - c0)) 'BEGIN{printf "%.2f%%", t/30}') of a core, RSS $(( $(rss_kb $CONTROLLER_PID) / 1024 )) MB (load $(load))"
  stop_controller
}

# Memory per stored object: an empty controller (the anchor), then 1,000
# unsecured filesystem sandboxes from one apply, all Running; RSS against
# the empty figure, with the controller's own breakdown (sesame_memory_bytes).
bench_memory() {
  local n=${MANY:-1000} empty full
  SANDBOX_SECURITY_ENABLED=false start_controller
  sleep 3
  empty=$(rss_kb $CONTROLLER_PID)
  local parts0=$(curl -s "$URL/metrics" | awk '/^sesame_memory_bytes/ {printf "%s %d KB  ", $1, $2/1024}')
  sandboxes mem "$n" '{provider: filesystem, command: [sleep, "3600"]}' >"$WORK/many.yaml"
  "$SESAME" apply -f "$WORK/many.yaml" --wait --timeout 10m >/dev/null || echo "apply --wait failed"
  sleep 15
  full=$(rss_kb $CONTROLLER_PID)
  echo "$n running (unsecured): controller RSS $((empty / 1024)) MB empty -> $((full / 1024)) MB:" \
       "$(( (full - empty) * 1024 / n )) bytes per object (load $(load))"
  echo "  empty:   $parts0"
  echo "  running: $(curl -s "$URL/metrics" | awk '/^sesame_memory_bytes/ {printf "%s %d KB  ", $1, $2/1024}')"
  delete_all; stop_controller
}

# 10,000 stored objects (e2b without credentials: one status
# each, no retries): memory per object and failed opens at rest.
bench_opens() {
  start_controller
  local empty=$(rss_kb $CONTROLLER_PID)
  sandboxes op 10000 '{provider: e2b, image: base}' >"$WORK/many.yaml"
  "$SESAME" apply -f "$WORK/many.yaml" >/dev/null
  for _ in $(seq 1 1200); do
    [ "$(curl -s "$URL/v1/namespaces/default/sandboxes" | grep -o '"phase"' | wc -l)" -ge 10000 ] && break
    sleep 0.5
  done
  sleep 5
  local full=$(rss_kb $CONTROLLER_PID)
  echo "10,000 stored objects: controller RSS $((empty / 1024)) MB empty -> $((full / 1024)) MB: $(( (full - empty) * 1024 / 10000 )) bytes per object (load $(load))"
  sleep 60  # at rest: idle lists dropped, memory given back after the bulk work
  full=$(rss_kb $CONTROLLER_PID)
  echo "  60 s later: $((full / 1024)) MB: $(( (full - empty) * 1024 / 10000 )) bytes per object (load $(load))"
  if command -v strace >/dev/null; then
    timeout 10 strace -f -e trace=open,openat -c -p "$CONTROLLER_PID" -o "$WORK/strace.txt" >/dev/null 2>&1
    local opens
    opens=$(awk '$NF ~ /^open/ {print $NF ": " $4 " calls, " (NF == 6 ? $5 : 0) " failed"}' "$WORK/strace.txt" | tr '\n' ' ')
    echo "  opens in 10 s at rest: ${opens:-none}"
  fi
  "$SESAME" delete sandbox -l bench=user >/dev/null 2>&1
  stop_controller
}

echo "machine: $(nproc) cores, load $(load); $(date -u +%FT%TZ)"
for w in $WHAT; do
  case $w in
    apply-wait) bench_apply_wait ;;
    docker-wait) bench_docker_wait ;;
    list) bench_list ;;
    watch) bench_watch ;;
    many) bench_many ;;
    rest) bench_rest ;;
    opens) bench_opens ;;
    memory) bench_memory ;;
    *) echo "unknown: $w" ;;
  esac
done
