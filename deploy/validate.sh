#!/usr/bin/env bash
# Checks the container and Kubernetes files with what the package registries offer (no image
# registry and no cluster are reachable here, so nothing is built or applied):
#   - the Kubernetes manifests against Kubernetes' JSON schemas (npm: kubernetes-models),
#   - every YAML file with yamllint (Debian: yamllint),
#   - the Dockerfile with dockerfilelint (npm).
# The npm packages go to ~/.cache/miniserve/validate (versions pinned below). Exit status 0 when
# every check passes.
set -euo pipefail
cd "$(dirname "$0")/.."

TOOLS="${XDG_CACHE_HOME:-$HOME/.cache}/miniserve/validate"
if [[ ! -d "$TOOLS/node_modules/kubernetes-models" || ! -d "$TOOLS/node_modules/dockerfilelint" ]]; then
  mkdir -p "$TOOLS"
  npm install --no-audit --no-fund --silent --prefix "$TOOLS" kubernetes-models@5.1.0 yaml@2.9.1 dockerfilelint@1.8.0
fi
if ! command -v yamllint >/dev/null; then
  [[ "$(id -u)" == 0 ]] || { echo "validate: yamllint is missing: apt-get install yamllint" >&2; exit 1; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q yamllint >/dev/null
fi

status=0
echo "== Kubernetes schemas (kubernetes-models $(node -p "require('$TOOLS/node_modules/kubernetes-models/package.json').version"))"
VALIDATE_MODULES="$TOOLS/node_modules" node deploy/k8s/validate.mjs || status=1
echo "== yamllint $(yamllint --version | awk '{print $2}')"
yamllint -d '{extends: default, rules: {line-length: {max: 130}, document-start: disable}}' deploy/k8s && echo "deploy/k8s: no problems" || status=1
echo "== dockerfilelint $(node -p "require('$TOOLS/node_modules/dockerfilelint/package.json').version")"
"$TOOLS/node_modules/.bin/dockerfilelint" Dockerfile || status=1
exit "$status"
