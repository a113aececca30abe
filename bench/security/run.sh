#!/bin/sh
# Sandbox security figures: bench_security (secured/unsecured start through
# the provider, proxy throughput) and, in the same run, `srt -c true` from
# npm @anthropic-ai/sandbox-runtime when npm can install it (srt needs bwrap
# and socat on Linux; without them its figure is reported as unavailable).
# Usage: bench/security/run.sh [build dir] [runs]
set -u
BUILD=${1:-build}
RUNS=${2:-30}
"$BUILD/bench/security/bench_security" "$RUNS" || exit 1
SRT_DIR=${SRT_DIR:-/tmp/sesame-bench-srt}
if [ ! -x "$SRT_DIR/node_modules/.bin/srt" ]; then
  mkdir -p "$SRT_DIR"
  (cd "$SRT_DIR" && npm install --silent --no-audit --no-fund @anthropic-ai/sandbox-runtime >/dev/null 2>&1) || true
fi
SRT="$SRT_DIR/node_modules/.bin/srt"
if [ ! -x "$SRT" ]; then
  echo "srt -c true: unavailable (npm could not install @anthropic-ai/sandbox-runtime)"
  exit 0
fi
if ! "$SRT" -c true >/dev/null 2>&1; then
  echo "srt -c true: fails here ($("$SRT" -c true 2>&1 | head -1))"
  exit 0
fi
times=""
i=0
while [ $i -lt "$RUNS" ]; do
  s=$(date +%s%N); "$SRT" -c true >/dev/null 2>&1; e=$(date +%s%N)
  times="$times $(( (e - s) / 1000 ))"
  i=$((i + 1))
done
median=$(echo $times | tr ' ' '\n' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
echo "srt -c true (median of $RUNS): $(echo "$median" | awk '{printf "%.2f ms", $1/1000}')"
