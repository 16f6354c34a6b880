# Shared by the project's scripts: paths, tool locations and an offline-safe environment.
# shellcheck shell=bash
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.tools"
DIST="$ROOT/dist/public"
# Node.js runs wrangler, the build scripts and the tests: an LTS line, installed by scripts/setup
# into .tools from npm's `node-linux-*` package (whatever Node the system has only bootstraps it).
NODE_VERSION=26.12.1
NODE_HOME="$TOOLS/node-$NODE_VERSION"
export PATH="$NODE_HOME/bin:$TOOLS/bin:$ROOT/node_modules/.bin:$PATH"

# wrangler must not phone home: this machine (and CI) reach package registries only.
export WRANGLER_SEND_METRICS=false
export WRANGLER_SEND_ERROR_REPORTS=false
export WRANGLER_HIDE_BANNER=true
export CLOUDFLARE_CF_FETCH_ENABLED=false
export NO_UPDATE_NOTIFIER=1

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# The version of a crate as locked in Cargo.lock.
locked_version() {
  awk -v name="$1" '$0 == "name = \"" name "\"" { getline; gsub(/version = |"/, ""); print; exit }' "$ROOT/Cargo.lock"
}
