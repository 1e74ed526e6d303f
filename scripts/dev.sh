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
# The dashboard keeps its login token; choosing it here lets this script print the login URL up front.
export ASPIRE_DASHBOARD_FRONTEND_BROWSERTOKEN="${ASPIRE_DASHBOARD_FRONTEND_BROWSERTOKEN:-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')}"
step "Starting the AppHost (Ctrl-C stops everything)"
note "web:       http://127.0.0.1:5173"
note "dashboard: http://127.0.0.1:18888/login?t=$ASPIRE_DASHBOARD_FRONTEND_BROWSERTOKEN"
# The launch profile (src/Jockey.AppHost/Properties/launchSettings.json) puts the dashboard on 127.0.0.1:18888.
exec dotnet run --project "$ROOT/src/Jockey.AppHost" --no-build --launch-profile http -- "$@"
