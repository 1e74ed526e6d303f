#!/usr/bin/env bash
# Deploys Jockey to Azure Container Apps with the Azure Developer CLI: `azd up` provisions infra/ and deploys the
# three services listed in azure.yaml (images are built remotely in the registry: no local Docker needed).
#   ./scripts/deploy.sh                       azd up (asks for an environment name, subscription and region the first time)
#   ./scripts/deploy.sh --jockey-url URL      the API uses that Jockey (LangGraph) server instead of the local agent
#   ./scripts/deploy.sh -- <azd up flags>     anything after -- goes to azd up (e.g. -e staging)
# See docs/deploy.md.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

jockey_url=""
while [ $# -gt 0 ]; do
  case "$1" in
    --jockey-url) [ $# -ge 2 ] || die "--jockey-url needs a URL"; jockey_url="$2"; shift 2 ;;
    --) shift; break ;;
    *) die "unknown option $1 (see the top of $0)" ;;
  esac
done

if ! command -v azd >/dev/null 2>&1; then
  die "azd (Azure Developer CLI) not found. Install it, then run this script again:
    Linux/macOS:  curl -fsSL https://aka.ms/install-azd.sh | bash
    Windows:      winget install microsoft.azd
    (https://learn.microsoft.com/azure/developer/azure-developer-cli/install-azd)"
fi
note "$(azd version 2>/dev/null | head -n 1)"

cd "$ROOT"
if ! azd auth login --check-status >/dev/null 2>&1; then
  step "Signing in to Azure (azd auth login)"
  azd auth login
fi

if [ -n "$jockey_url" ]; then
  # main.parameters.json maps JOCKEY_URL to the jockeyUrl parameter; it needs an environment to live in.
  azd env get-values >/dev/null 2>&1 || azd env new
  step "Pointing the API at the Jockey server $jockey_url (azd env set JOCKEY_URL)"
  azd env set JOCKEY_URL "$jockey_url"
fi

step "azd up: provision infra/ and deploy apiservice, jockey and web"
azd up "$@"
step "Done. The web app's address is SERVICE_WEB_URI:"
azd env get-value SERVICE_WEB_URI || true
