#!/usr/bin/env bash
# The whole suite, N times in a row (default 3), while every core is kept busy — what a shared CI machine does to
# the tests. A test that depends on which of two racing things finishes first fails here long before it fails in
# CI. Not run by CI (it takes N × the suite's time); run it before you trust a change to the tests.
#   ./scripts/test-under-load.sh [runs]
set -uo pipefail
source "$(dirname "$0")/lib.sh"

runs="${1:-3}"
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || die "runs must be a positive number, not '$runs'"

# stress-ng when it is installed (Debian's stress-ng), else one busy loop per core: the same load either way.
load_pids=()
stop_load() { [ "${#load_pids[@]}" -gt 0 ] && kill "${load_pids[@]}" 2>/dev/null; wait 2>/dev/null; }
trap stop_load EXIT
if command -v stress-ng >/dev/null 2>&1; then
  step "Loading every core with stress-ng --cpu $(nproc)"
  stress-ng --cpu "$(nproc)" --quiet &
  load_pids+=($!)
else
  step "Loading every core with $(nproc) busy loops (install stress-ng for a steadier load)"
  for _ in $(seq "$(nproc)"); do
    (while :; do :; done) &
    load_pids+=($!)
  done
fi

results=()
status=0
for run in $(seq "$runs"); do
  step "Run $run of $runs"
  log="$(mktemp)"
  "$ROOT/scripts/test.sh" 2>&1 | tee "$log"
  code="${PIPESTATUS[0]}"
  results+=("run $run: $(grep -E '^tests: ' "$log" | tail -1 || echo 'no summary') (exit $code)")
  rm -f "$log"
  [ "$code" -eq 0 ] || status=1
done

step "Under load, $runs run(s):"
printf '    %s\n' "${results[@]}"
exit "$status"
