#!/usr/bin/env bash
# Every test: .NET (unit, integration through Aspire.Hosting.Testing, browser end-to-end) and the
# web app's unit tests. Ends with one line: `tests: N passed, N failed, N skipped`, and the real exit code.
set -uo pipefail
source "$(dirname "$0")/lib.sh"

if ! "$ROOT/scripts/bootstrap.sh" --test; then
  echo "tests: 0 passed, 1 failed, 0 skipped"
  exit 1
fi

# Every test starts apps (an API replica, the agent, their `dotnet run` wrappers) that live for seconds to minutes:
# tiered PGO's instrumented code costs CPU at each start and pays back only in long runs. Off, one app start took
# 34 s of CPU instead of 41 (the suite is CPU-bound on 2 cores); the services' behaviour is the same either way.
export DOTNET_TieredPGO=0

logs="$(mktemp -d)"
trap 'rm -rf "$logs"' EXIT
status=0

step "Building"
if ! dotnet build "$ROOT/Jockey.sln" --no-restore -nologo -clp:ErrorsOnly --verbosity quiet; then
  echo "tests: 0 passed, 1 failed, 0 skipped"
  exit 1
fi

step "Web unit tests (vitest)"
(cd "$ROOT/src/Jockey.Web" && npx vitest run --reporter=default --reporter=json --outputFile="$logs/vitest.json") || status=1

step ".NET tests"
# TEST_RESULTS_DIR=/some/dir keeps an xunit TRX file there: each test's start, end and duration, to see where time goes.
trx=()
[ -n "${TEST_RESULTS_DIR:-}" ] && trx=(-- --report-xunit-trx --results-directory "$TEST_RESULTS_DIR")
dotnet test --solution "$ROOT/Jockey.sln" --no-build --no-progress "${trx[@]}" 2>&1 | tee "$logs/dotnet.log"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1

step "Fan-out smoke (bench scenario 1, 2 replicas: nothing lost, duplicated or out of order; no timing asserted)"
dotnet "$ROOT/bench/Jockey.Bench/bin/Debug/net10.0/linux-x64/Jockey.Bench.dll" --smoke --root "$ROOT" 2>&1 | tee "$logs/smoke.log"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1

# One closing line for all suites together.
node - "$logs/vitest.json" "$logs/dotnet.log" "$logs/smoke.log" <<'JS'
const fs = require('fs')
let passed = 0, failed = 0, skipped = 0
try {
  const v = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'))
  passed += v.numPassedTests; failed += v.numFailedTests; skipped += v.numPendingTests + (v.numTodoTests ?? 0)
  failed += v.numFailedTestSuites ?? 0
} catch { failed += 1 }
const log = fs.existsSync(process.argv[3]) ? fs.readFileSync(process.argv[3], 'utf8') : ''
const grab = name => [...log.matchAll(new RegExp(`^\\s*${name}:\\s*(\\d+)`, 'gm'))].reduce((n, m) => n + Number(m[1]), 0)
if (/Test run summary/.test(log)) { passed += grab('succeeded'); failed += grab('failed'); skipped += grab('skipped') }
else failed += 1
const smoke = fs.existsSync(process.argv[4]) ? fs.readFileSync(process.argv[4], 'utf8') : ''
if (/^smoke: all \d+ runs correct$/m.test(smoke)) passed += 1; else failed += 1
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`)
JS
exit "$status"
