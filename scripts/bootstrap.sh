#!/usr/bin/env bash
# Installs what Jockey needs and nothing that is already there. Safe to run any number of times.
#   ./scripts/bootstrap.sh          what `dev.sh` needs
#   ./scripts/bootstrap.sh --test   plus what the tests need (Chromium, the LangGraph server in tests/langgraph-server)
set -euo pipefail
source "$(dirname "$0")/lib.sh"

with_test=0
[ "${1:-}" = "--test" ] && with_test=1

# Debian packages (plus nodejs and npm when those commands are missing).
packages=(redis-server ffmpeg espeak-ng fonts-dejavu-core)
[ "$with_test" -eq 1 ] && packages+=(chromium)
missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
# Node.js and npm may come from elsewhere (NodeSource, nvm), so they are looked for as commands.
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ "${#missing[@]}" -gt 0 ]; then
  command -v apt-get >/dev/null 2>&1 || die "missing ${missing[*]} and apt-get is not available: install them with your package manager"
  step "Installing Debian packages: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  step "Debian packages present: ${packages[*]}"
fi

command -v dotnet >/dev/null 2>&1 || die "dotnet not found: install the .NET 10 SDK (https://dot.net), then run this script again"
node_version_ok || die "Node.js $(node --version 2>/dev/null) is too old: the web app (Vite) needs $NODE_NEEDED, newer than some Debian releases ship (Debian 12 has 18). Install Node.js 22 LTS from NodeSource (https://github.com/nodesource/distributions) or https://nodejs.org, check that 'node --version' shows it, then run this script again"

# npm ci only when the lock file changed since the last install; it wipes node_modules each time.
npm_ci() {
  local dir="$1" stamp="$1/node_modules/.jockey-lock-hash" hash
  hash="$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$hash" ]; then
    step "npm packages up to date in ${dir#"$ROOT"/}"
    return
  fi
  step "npm ci in ${dir#"$ROOT"/}"
  (cd "$dir" && npm ci --no-fund --no-audit --loglevel=error)
  echo "$hash" >"$stamp"
}
npm_ci "$ROOT"
npm_ci "$ROOT/src/Jockey.Web"
# The real LangGraph JS API server the conformance tests run the API against.
[ "$with_test" -eq 1 ] && npm_ci "$ROOT/tests/langgraph-server"

step "dotnet restore"
dotnet restore "$ROOT/Jockey.sln" --verbosity quiet
