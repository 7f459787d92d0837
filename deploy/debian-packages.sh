#!/usr/bin/env bash
# Installs the Debian packages that the tests and deploy/local-cluster.sh use, when they are
# missing: postgresql (initdb, pg_ctl, psql; no cluster is created or started here), nginx, and
# chromium + chromium-driver (headless, for the browser tests of the learner's page). Needs root
# (CI runs as root); does nothing when all are already there.
set -euo pipefail

missing=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null || missing+=(postgresql)
command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] || missing+=(nginx)
[[ -x /usr/bin/chromium ]] || missing+=(chromium)
[[ -x /usr/bin/chromedriver ]] || missing+=(chromium-driver)
[[ ${#missing[@]} -eq 0 ]] && exit 0

if [[ "$(id -u)" != 0 ]]; then
  echo "debian-packages: missing ${missing[*]}; install as root: apt-get install ${missing[*]}" >&2
  exit 1
fi
echo "debian-packages: installing ${missing[*]} ..." >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
