#!/usr/bin/env bash
# Lists Jockey's prerequisites as found or missing, with versions. Changes nothing.
set -uo pipefail
source "$(dirname "$0")/lib.sh"

missing=0
report() { # name, version-or-empty, fix
  if [ -n "$2" ]; then printf '  \033[32mfound\033[0m    %-14s %s\n' "$1" "$2"
  else printf '  \033[31mmissing\033[0m  %-14s %s\n' "$1" "$3"; missing=$((missing + 1)); fi
}
first_line() { "$@" 2>/dev/null | head -n 1; }

echo "Jockey prerequisites:"
report dotnet "$(first_line dotnet --version)" "install the .NET 10 SDK"
report node "$(first_line node --version)" "install Node.js 20 or newer"
report npm "$(first_line npm --version)" "install npm (comes with Node.js)"
report redis-server "$(first_line redis-server --version | awk '{print $3}')" "run ./scripts/dev.sh, which installs it"
report ffmpeg "$(first_line ffmpeg -version | awk '{print $3}')" "run ./scripts/dev.sh, which installs it"
report ffprobe "$(first_line ffprobe -version | awk '{print $3}')" "run ./scripts/dev.sh, which installs it"
report espeak-ng "$(first_line espeak-ng --version | awk '{print $4}')" "run ./scripts/dev.sh, which installs it"
azurite="$ROOT/node_modules/azurite/package.json"
report azurite "$( [ -f "$azurite" ] && node -p "require('$azurite').version" 2>/dev/null)" "run ./scripts/dev.sh, which runs npm ci"
report web-packages "$( [ -d "$ROOT/src/Jockey.Web/node_modules/vite" ] && echo installed)" "run ./scripts/dev.sh, which runs npm ci"
report chromium "$(first_line chromium --version 2>/dev/null | awk '{print $2}')" "(tests only) run ./scripts/test.sh, which installs it"
if [ -n "${Jockey__Url:-}" ]; then note "Jockey__Url=$Jockey__Url: the AppHost uses that Jockey server instead of the local agent"; fi
[ "$missing" -eq 0 ] && echo "All prerequisites found." || echo "$missing missing."
exit 0
