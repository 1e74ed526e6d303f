#!/usr/bin/env bash
# Starts Jockey from this folder: Redis and Azurite (unless ConnectionStrings__redis / __blobs point at your own),
# the local Jockey agent (unless Jockey__Url names a real Jockey server), the API and the web app.
# Ctrl-C stops everything. Settings: see README.md next to this script.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
data="${JOCKEY_DATA:-$here/data}"
web_port="${WEB_PORT:-5173}" api_port="${API_PORT:-9000}" agent_port="${AGENT_PORT:-8123}"
redis_port="${REDIS_PORT:-6380}" blob_port="${BLOB_PORT:-10000}"

step() { printf '\033[1;36m==>\033[0m %s\n' "$*"; }
die() { printf '\033[1;31merror:\033[0m %s\n' "$*" >&2; exit 1; }
need() { command -v "$1" >/dev/null 2>&1 || die "$1 not found: $2"; }

pids=()
stop() {
  trap - EXIT INT TERM
  [ "${#pids[@]}" -gt 0 ] || return 0
  kill "${pids[@]}" 2>/dev/null || true
  # Azurite closes its server on SIGTERM but can linger; give everything 10 s, then insist.
  for _ in $(seq 20); do kill -0 "${pids[@]}" 2>/dev/null || break; sleep 0.5; done
  kill -KILL "${pids[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap stop EXIT INT TERM

# Waits until a URL answers 2xx, or the process behind it has died.
wait_for() { # name url pid seconds
  local deadline=$((SECONDS + $4))
  until curl -fsS -o /dev/null "$2" 2>/dev/null; do
    kill -0 "$3" 2>/dev/null || die "$1 exited during start-up (its output is above)"
    [ "$SECONDS" -lt "$deadline" ] || die "$1 did not answer $2 within $4 s"
    sleep 1
  done
  printf '    %s ready at %s\n' "$1" "${2%/*}"
}

need curl "install curl (apt-get install curl)"
mkdir -p "$data"

if [ -z "${ConnectionStrings__redis:-}" ]; then
  need redis-server "install Redis (apt-get install redis-server) or set ConnectionStrings__redis=host:port,password=…"
  step "Starting Redis on 127.0.0.1:$redis_port"
  password="$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"
  mkdir -p "$data/redis"
  redis-server --bind 127.0.0.1 --port "$redis_port" --requirepass "$password" --dir "$data/redis" \
    --save 60 1 --logfile "$data/redis/redis.log" &
  pids+=($!)
  export ConnectionStrings__redis="127.0.0.1:$redis_port,password=$password"
fi

if [ -z "${ConnectionStrings__blobs:-}" ]; then
  need node "install Node.js 20 or newer, or set ConnectionStrings__blobs to an Azure Storage connection string or blob URI"
  step "Starting Azurite (Blob Storage) on 127.0.0.1:$blob_port"
  node "$here/tools/node_modules/azurite/dist/src/blob/main.js" --blobHost 127.0.0.1 --blobPort "$blob_port" \
    --location "$data/azurite" --skipApiVersionCheck --disableTelemetry --silent &
  pids+=($!)
  # Azurite's well-known development account (https://learn.microsoft.com/azure/storage/common/storage-use-azurite).
  export ConnectionStrings__blobs="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:$blob_port/devstoreaccount1;"
fi

if [ -n "${Jockey__Url:-}" ]; then
  step "Using the Jockey server at $Jockey__Url (Jockey__Url)"
else
  step "Starting the local Jockey agent on 127.0.0.1:$agent_port (library: ${LocalAgent__DataPath:-$data/library})"
  (cd "$here/jockey" && LocalAgent__DataPath="${LocalAgent__DataPath:-$data/library}" \
    ASPNETCORE_URLS="http://127.0.0.1:$agent_port" OTEL_SERVICE_NAME=jockey exec ./Jockey.LocalAgent) &
  pids+=($!)
  # The first start generates the sample library with ffmpeg, which takes a little while.
  wait_for "Jockey agent" "http://127.0.0.1:$agent_port/alive" "${pids[-1]}" 300
  export services__jockey__http__0="http://127.0.0.1:$agent_port"
fi

step "Starting the API on 127.0.0.1:$api_port"
(cd "$here/apiservice" && ASPNETCORE_URLS="http://127.0.0.1:$api_port" OTEL_SERVICE_NAME=apiservice \
  exec ./Jockey.ApiService) &
pids+=($!)
wait_for "API" "http://127.0.0.1:$api_port/health" "${pids[-1]}" 120

if node -e "process.exit(require('$here/web/package.json').scripts?.start ? 0 : 1)" 2>/dev/null; then
  step "Starting the web app on 127.0.0.1:$web_port"
  (cd "$here/web" && PORT="$web_port" services__apiservice__http__0="http://127.0.0.1:$api_port" NODE_ENV=production \
    exec npm start --silent) &
  pids+=($!)
  wait_for "Web app" "http://127.0.0.1:$web_port/" "${pids[-1]}" 60
  step "Jockey is running: open http://127.0.0.1:$web_port (Ctrl-C stops it)"
else
  printf '\033[1;33mwarning:\033[0m web/package.json has no "start" script, so the web app is not served.\n' >&2
  step "The API is running at http://127.0.0.1:$api_port (Ctrl-C stops it)"
fi

# Stop everything as soon as one part exits, so a half-running Jockey never lingers.
wait -n "${pids[@]}" || true
die "a Jockey process exited; stopping the rest"
