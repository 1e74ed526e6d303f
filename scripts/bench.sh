#!/usr/bin/env bash
# Benchmarks (issue 8): cross-replica fan-out, capacity, many threads, cold start — Jockey side by side with a
# Socket.IO + Redis adapter peer, on loopback only. Writes bench/results/<time>.json and the tables in
# docs/benchmarks.md. Fan-out and capacity alone take about 70 minutes on 2 cores; run it on an otherwise idle machine.
#   ./scripts/bench.sh                       every scenario, 3 repetitions
#   ./scripts/bench.sh fanout capacity       some scenarios (fanout capacity threads narration agent preview library coldstart redisbreak)
#   ./scripts/bench.sh --reps 1              fewer repetitions; also --subscribers 100,1000 --capacity N --threads N
#                                            --sizes 100,1000,10000 (the agent's library sweep)
#                                            and --only sse,signalr,socketio; --api-env NAME=VALUE (repeatable) sets
#                                            an environment variable of the API replicas, e.g. DOTNET_gcServer=0
#   ./scripts/bench.sh fanout --profile      also perf-records the servers (and dotnet-counters the .NET ones) during one
#                                            extra fixed-rate run and ten saturation runs per case; summaries in
#                                            bench/results/profile-*.md
#                                            (installs linux-perf, restores the dotnet tools)
#   ./scripts/bench.sh fanout --wire         also tcpdumps loopback during one extra fixed-rate run per case: when each
#                                            event left each process, and what the bench's clients add after it;
#                                            summaries in bench/results/wire-*.md (installs tcpdump; needs root)
set -euo pipefail
source "$(dirname "$0")/lib.sh"

"$ROOT/scripts/bootstrap.sh"

if [[ " $* " == *" --profile "* ]]; then
  if ! command -v perf >/dev/null 2>&1; then
    step "Installing linux-perf (for --profile)"
    as_root apt-get install -y -qq --no-install-recommends linux-perf >/dev/null
  fi
  step "Restoring dotnet-counters and dotnet-trace (local tools, .config/dotnet-tools.json)"
  (cd "$ROOT" && dotnet tool restore >/dev/null)
fi

if [[ " $* " == *" --wire "* ]] && ! command -v tcpdump >/dev/null 2>&1; then
  step "Installing tcpdump (for --wire)"
  as_root apt-get install -y -qq --no-install-recommends tcpdump >/dev/null
fi

peer="$ROOT/bench/peer-socketio"
stamp="$peer/node_modules/.jockey-lock-hash"
hash="$(sha256sum "$peer/package-lock.json" | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$hash" ]; then
  step "npm ci in bench/peer-socketio (socket.io + @socket.io/redis-adapter)"
  (cd "$peer" && npm ci --no-fund --no-audit --loglevel=error)
  echo "$hash" >"$stamp"
fi

step "Building the bench tool and the API (Release)"
dotnet build "$ROOT/bench/Jockey.Bench" -c Release --no-restore -nologo -clp:ErrorsOnly --verbosity quiet

# 10,000 connections per server process, and as many client sockets in the bench process.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
[ "$(ulimit -n)" -ge 12000 ] || note "open-file limit is $(ulimit -n); the 10,000-connection scenario may fail to connect everyone (raise it with ulimit -n)"

step "Load now: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores (figures are only comparable on an idle machine)"
export JOCKEY_COMMIT="${JOCKEY_COMMIT:-$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)}"
exec dotnet "$ROOT/bench/Jockey.Bench/bin/Release/net10.0/linux-x64/Jockey.Bench.dll" --root "$ROOT" "$@"
