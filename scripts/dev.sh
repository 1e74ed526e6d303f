#!/usr/bin/env bash
# The whole app on embedded defaults: Redis, Azurite, the local Jockey agent, two API replicas and the web app.
#   ./scripts/dev.sh           set up what is missing, then run the AppHost (Ctrl-C stops everything)
#   ./scripts/dev.sh --check   list each prerequisite as found or missing; changes nothing
set -euo pipefail
source "$(dirname "$0")/lib.sh"

if [ "${1:-}" = "--check" ]; then
  exec "$ROOT/scripts/check.sh"
fi

"$ROOT/scripts/bootstrap.sh"
step "Building"
dotnet build "$ROOT/src/Jockey.AppHost" --no-restore --verbosity quiet -nologo -clp:ErrorsOnly
step "Starting the AppHost (Ctrl-C stops everything)"
exec dotnet run --project "$ROOT/src/Jockey.AppHost" --no-build --no-launch-profile -- "$@"
