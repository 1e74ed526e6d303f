#!/usr/bin/env bash
# Lists Jockey's prerequisites as found or missing, with versions. Changes nothing.
set -uo pipefail
source "$(dirname "$0")/lib.sh"

missing=0
report() { # name, version-or-empty, fix
  if [ -n "$2" ]; then printf '  \033[32mfound\033[0m    %-18s %s\n' "$1" "$2"
  else printf '  \033[31mmissing\033[0m  %-18s %s\n' "$1" "$3"; missing=$((missing + 1)); fi
}
first_line() { "$@" 2>/dev/null | head -n 1; }

echo "Jockey prerequisites:"
report dotnet "$(first_line dotnet --version)" "install the .NET 10 SDK"
if node_version_ok; then report node "$(first_line node --version)" ""
elif command -v node >/dev/null 2>&1; then report node "" "$(node --version) is too old: Vite needs $NODE_NEEDED; install Node.js 22 LTS (NodeSource or nodejs.org)"
else report node "" "run ./scripts/dev.sh, which installs it (Vite needs $NODE_NEEDED)"; fi
report npm "$(first_line npm --version)" "install npm (comes with Node.js)"
report redis-server "$(first_line redis-server --version | awk '{print $3}')" "run ./scripts/dev.sh, which installs it"
report ffmpeg "$(first_line ffmpeg -version | awk '{print $3}')" "run ./scripts/dev.sh, which installs it"
report ffprobe "$(first_line ffprobe -version | awk '{print $3}')" "run ./scripts/dev.sh, which installs it"
report espeak-ng "$(first_line espeak-ng --version | awk '{print $4}')" "run ./scripts/dev.sh, which installs it"
report fonts-dejavu-core "$(dpkg-query -W -f='${Status} ${Version}' fonts-dejavu-core 2>/dev/null | sed -n 's/^install ok installed //p')" "run ./scripts/dev.sh, which installs it (the sample videos' titles use it)"
azurite="$ROOT/node_modules/azurite/package.json"
report azurite "$( [ -f "$azurite" ] && node -p "require('$azurite').version" 2>/dev/null)" "run ./scripts/dev.sh, which runs npm ci"
report web-packages "$( [ -d "$ROOT/src/Jockey.Web/node_modules/vite" ] && echo installed)" "run ./scripts/dev.sh, which runs npm ci"
report chromium "$(first_line chromium --version 2>/dev/null | awk '{print $2}')" "(tests only) run ./scripts/test.sh, which installs it"
if [ -n "${Jockey__Url:-}" ]; then note "Jockey__Url=$Jockey__Url: the AppHost uses that Jockey server instead of the local agent"; fi
[ "$missing" -eq 0 ] && echo "All prerequisites found." || echo "$missing missing."
exit 0
