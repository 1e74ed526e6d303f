#!/usr/bin/env bash
# Builds a self-contained Jockey into ./dist (or the folder given): the .NET services published for linux-x64 with
# their runtime, the built web app with its production packages, Azurite, a start script and a README.
# Copy the folder to any linux-x64 machine with Node.js, redis-server and ffmpeg, then run ./start.sh.
#   ./scripts/build.sh            writes ./dist
#   ./scripts/build.sh /opt/jockey
set -euo pipefail
source "$(dirname "$0")/lib.sh"

out="$(realpath -m "${1:-$ROOT/dist}")"
started=$SECONDS
"$ROOT/scripts/bootstrap.sh"

step "Writing a fresh ${out#"$ROOT"/}"
rm -rf "$out"
mkdir -p "$out"

publish() { # project folder → dist folder
  step "Publishing $1 for linux-x64 (self-contained) → $2/"
  dotnet publish "$ROOT/src/$1" -c Release -r linux-x64 --self-contained true -p:DebugType=none \
    -o "$out/$2" -nologo --verbosity quiet -clp:ErrorsOnly
  note "$(du -sh "$out/$2" | cut -f1)"
}
publish Jockey.ApiService apiservice
publish Jockey.LocalAgent jockey

step "Building the web app"
(cd "$ROOT/src/Jockey.Web" && npm run build --silent)
step "Copying the web app with its production packages → web/"
mkdir -p "$out/web"
(cd "$ROOT/src/Jockey.Web" && tar --exclude=./node_modules -cf - .) | tar -xf - -C "$out/web"
(cd "$out/web" && npm ci --omit=dev --no-fund --no-audit --loglevel=error)
note "$(du -sh "$out/web" | cut -f1)"

step "Adding Azurite (local Blob Storage) → tools/ (npm install, about a minute)"
azurite_version="$(node -p "require('$ROOT/package.json').devDependencies.azurite")"
mkdir -p "$out/tools"
(cd "$out/tools" && npm init -y >/dev/null && npm install --omit=dev --no-fund --no-audit --loglevel=error "azurite@$azurite_version")

step "Writing start.sh and README.md"
cp "$ROOT/scripts/dist-template/start.sh" "$out/start.sh"
cp "$ROOT/scripts/dist-template/README.md" "$out/README.md"
chmod +x "$out/start.sh"

step "Done in $((SECONDS - started)) s: $(du -sh "$out" | cut -f1) in ${out}"
note "Run it: $out/start.sh   (see $out/README.md)"
