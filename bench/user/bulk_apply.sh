#!/usr/bin/env bash
# `sesame apply -f` of 10,000 Sandbox documents through the CLI against a
# running controller (a fresh SESAME_HOME each round), alternated round by
# round with its anchor: the sqlite3 CLI inserting the same 10,000 rows
# (namespace, name, spec JSON) into a fresh WAL database in one transaction.
# The sandboxes use e2b without credentials, so the controller writes one
# status each and starts nothing; it is stopped after each round.
#
# Usage: bench/user/bulk_apply.sh [BUILD_DIR] [ROUNDS] [N]
set -u
BUILD=$(cd "${1:-build}" && pwd)
ROUNDS=${2:-5}
N=${3:-10000}
SESAME="$BUILD/sesame"
WORK=$(mktemp -d /tmp/sesame-bulk-bench-XXXXXX)
CONTROLLER_PID=""

now_us() { echo $(( $(date +%s%N) / 1000 )); }
median() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
load() { cut -d' ' -f1-3 /proc/loadavg; }

stop_controller() {
  [ -n "$CONTROLLER_PID" ] && kill "$CONTROLLER_PID" 2>/dev/null && wait "$CONTROLLER_PID" 2>/dev/null
  CONTROLLER_PID=""
}
trap 'stop_controller; rm -rf "$WORK"' EXIT

start_controller() {  # in a fresh home; returns once it serves
  export SESAME_HOME="$WORK/home-$1"
  "$SESAME" controller --listen 127.0.0.1:0 --resync 1h >"$WORK/controller-$1.log" 2>&1 &
  CONTROLLER_PID=$!
  for _ in $(seq 1 400); do
    grep -q 'http://127.0.0.1:[0-9]*' "$WORK/controller-$1.log" && return 0
    sleep 0.05
  done
  echo "the controller did not start:"; cat "$WORK/controller-$1.log"; exit 1
}

spec='{"provider":"e2b","image":"base"}'
for i in $(seq 1 "$N"); do
  printf -- '---\napiVersion: sesame.dev/v1alpha1\nkind: Sandbox\nmetadata: {name: bulk-%d, labels: {bench: bulk}}\nspec: %s\n' "$i" "$spec"
done >"$WORK/many.yaml"
{
  echo "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
  echo "CREATE TABLE t(ns TEXT, name TEXT, body TEXT, PRIMARY KEY(ns, name));"
  echo "BEGIN;"
  for i in $(seq 1 "$N"); do echo "INSERT INTO t VALUES('default','bulk-$i','$spec');"; done
  echo "COMMIT;"
} >"$WORK/floor.sql"

apply_us() {  # one round of the CLI apply
  start_controller "$1"
  local s=$(now_us)
  "$SESAME" apply -f "$WORK/many.yaml" >/dev/null || echo "apply failed" >&2
  local t=$(( $(now_us) - s ))
  stop_controller
  echo "$t"
}

floor_us() {  # one round of the anchor
  local s=$(now_us)
  sqlite3 "$WORK/floor-$1.db" <"$WORK/floor.sql" >/dev/null
  echo $(( $(now_us) - s ))
}

echo "machine: $(nproc) cores, load $(load); $(date -u +%FT%TZ); $N documents"
ours="" floors="" ratios=""
for r in $(seq 1 "$ROUNDS"); do
  if [ $((r % 2)) -eq 1 ]; then a=$(apply_us "$r"); f=$(floor_us "$r"); else f=$(floor_us "$r"); a=$(apply_us "$r"); fi
  ours="$ours $a" floors="$floors $f" ratios="$ratios $(awk -v a="$a" -v f="$f" 'BEGIN{printf "%.2f", a/f}')"
  echo "round $r: sesame apply -f $(awk -v a="$a" 'BEGIN{printf "%.0f", a/1000}') ms, sqlite3 $(awk -v f="$f" 'BEGIN{printf "%.0f", f/1000}') ms (load $(load))"
done
a=$(echo "$ours" | median) f=$(echo "$floors" | median)
echo "median: sesame apply -f $(awk -v a="$a" 'BEGIN{printf "%.0f", a/1000}') ms, sqlite3 CLI $(awk -v f="$f" 'BEGIN{printf "%.0f", f/1000}') ms; median ratio $(echo "$ratios" | median)x (load $(load))"
