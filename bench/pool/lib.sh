# Shared by the pool benchmarks (sourced): a fresh $SESAME_HOME, a
# controller started from the built binary, counts of live sandboxes as the
# host sees them, and clean-up of everything the run made.
#
# Before sourcing: `sesame` (the binary), `provider` (filesystem|docker),
# and `ns` (a namespace of this run; docker containers are named
# sesame-NS-NAME-UID8, so it also selects this run's containers).
home=$(mktemp -d "${TMPDIR:-/tmp}/sesame-pool-bench-XXXXXX")
export SESAME_HOME=$home
controller_pid=

start_controller() {
  "$sesame" controller --listen 127.0.0.1:0 --resync 60s "$@" >>"$home/controller.log" 2>&1 &
  controller_pid=$!
}

kill9_controller() {
  kill -9 "$controller_pid" 2>/dev/null || true
  wait "$controller_pid" 2>/dev/null || true
  controller_pid=
}

# Live sandboxes of this run: filesystem, distinct state directories among
# the supervisors' command lines; docker, running containers of `ns`.
live_sandboxes() {
  if [ "$provider" = docker ]; then
    docker ps -q --filter "name=^sesame-$ns-" | wc -l
  else
    pgrep -a -f "$home/run/" 2>/dev/null | grep -o -- '--state-dir [^ ]*' | sort -u | wc -l
  fi
}

cleanup() {
  [ -n "$controller_pid" ] && kill "$controller_pid" 2>/dev/null && wait "$controller_pid" 2>/dev/null || true
  start_controller
  for resource in pools sandboxes; do
    "$sesame" get "$resource" -n "$ns" -o name 2>/dev/null | sed 's|.*/||' |
      xargs -r "$sesame" delete "$resource" -n "$ns" >/dev/null 2>&1 || true
  done
  for _ in $(seq 1 240); do  # the finalizers remove the provider resources
    [ -z "$("$sesame" get sandboxes -n "$ns" -o name 2>/dev/null)" ] && break
    sleep 0.5
  done
  kill "$controller_pid" 2>/dev/null && wait "$controller_pid" 2>/dev/null || true
  for pid in $(pgrep -f "$home/run/" || true); do kill -9 "$pid" 2>/dev/null || true; done
  if [ "$provider" = docker ]; then
    docker ps -aq --filter "name=^sesame-$ns-" | xargs -r docker rm -f >/dev/null 2>&1 || true
  fi
  rm -rf "$home"
}

# Microseconds since the epoch, from bash's own clock: no `date` process,
# whose fork and exec would be timed with what is measured. `$(now)` still
# forks a subshell (no exec); timed spans use `now_into VAR`, which does not.
now() { local t=${EPOCHREALTIME/[.,]/}; echo $((10#$t)); }
now_into() { local _now=${EPOCHREALTIME/[.,]/}; printf -v "$1" %d $((10#$_now)); }

# report NAME MICROSECONDS...: p50, p90, min and max in milliseconds.
report() {
  python3 - "$@" <<'PY'
import statistics, sys
name, values = sys.argv[1], sorted(int(v) / 1000 for v in sys.argv[2:])
p = lambda q: values[min(len(values) - 1, int(q * len(values)))]
print(f"{name:44s} p50 {statistics.median(values):8.1f} ms  p90 {p(0.9):8.1f}  min {values[0]:8.1f}  max {values[-1]:8.1f}  (n={len(values)})")
PY
}

# json_field RESOURCE NAME PYTHON-EXPRESSION-ON-o
json_field() {
  "$sesame" get "$1" "$2" -n "$ns" -o json 2>/dev/null |
    python3 -c "import json,sys
try: o = json.load(sys.stdin)
except Exception: o = {}
print($3)"
}
