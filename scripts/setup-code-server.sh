#!/usr/bin/env bash
# Installs code-server (the real VS Code workbench, served to a browser) for the e2e tests.
#
# It lives in a cache directory outside the repository so that it never mixes with the project's
# node_modules and survives `git clean`. A plain `npm install code-server` fails where only the npm
# registry is reachable (a root postinstall, and a nested ripgrep download from GitHub), so the
# install is done step by step, in the order measured to work with Node 20 on Debian 12.
#
# Idempotent: a stamp file marks a finished install, and a second run only prints the path.
# Concurrent first runs (parallel e2e jobs) wait for each other on a lock file.
# Prints the install directory on stdout; code-server's entry point is <dir>/entry.js.
#
#   LOCKORDER_CACHE   cache root (default: $HOME/.cache/lockorder)
set -euo pipefail

readonly VERSION=4.100.3
readonly CACHE_ROOT="${LOCKORDER_CACHE:-$HOME/.cache/lockorder}"
readonly INSTALL_DIR="$CACHE_ROOT/code-server-$VERSION"
readonly STAMP="$INSTALL_DIR/.lockorder-installed"

if [[ -f "$STAMP" ]]; then
  echo "$INSTALL_DIR"
  exit 0
fi

log() { echo "setup-code-server: $*" >&2; }

mkdir -p "$CACHE_ROOT"
exec 9>"$CACHE_ROOT/.code-server-$VERSION.lock"
flock 9
if [[ -f "$STAMP" ]]; then # another run finished it while we waited
  echo "$INSTALL_DIR"
  exit 0
fi

# --- Debian prerequisites, installed only when something is missing --------------------------------
missing=()
[[ -x /usr/bin/chromium ]] || missing+=(chromium)
command -v rg >/dev/null || missing+=(ripgrep)
dpkg -s libkrb5-dev >/dev/null 2>&1 || missing+=(libkrb5-dev)  # headers for the `kerberos` build
command -v make >/dev/null && command -v g++ >/dev/null || missing+=(build-essential)
command -v python3 >/dev/null || missing+=(python3)              # node-gyp
if ((${#missing[@]})); then
  log "installing Debian packages: ${missing[*]}"
  sudo=""
  [[ $(id -u) -eq 0 ]] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >&2
fi

# --- code-server, built in a staging directory and moved into place when complete -------------------
STAGE="$(mktemp -d "$CACHE_ROOT/.code-server-$VERSION.XXXXXX")"
trap 'rm -rf "$STAGE"' EXIT

npm_quiet=(--no-audit --no-fund --loglevel=error)
start=$SECONDS

log "npm install code-server@$VERSION (without its install scripts)"
echo '{ "private": true }' >"$STAGE/package.json"
(cd "$STAGE" && npm install "${npm_quiet[@]}" --ignore-scripts "code-server@$VERSION" >&2)

log "building argon2 from source"
(cd "$STAGE" && npm rebuild "${npm_quiet[@]}" argon2 --build-from-source >&2)

VSCODE="$STAGE/node_modules/code-server/lib/vscode"
log "installing the workbench's runtime dependencies"
(cd "$VSCODE" && npm install "${npm_quiet[@]}" --omit=dev --ignore-scripts >&2)
# node-pty's install script runs `npx node-gyp`, which must not stop to ask (a user's npmrc may say
# yes=false).
(cd "$VSCODE" && npm_config_yes=true npm rebuild "${npm_quiet[@]}" node-pty @vscode/spdlog native-watchdog kerberos >&2)

# @vscode/ripgrep normally downloads its binary from GitHub; Debian's works the same.
mkdir -p "$VSCODE/node_modules/@vscode/ripgrep/bin"
ln -sf "$(command -v rg)" "$VSCODE/node_modules/@vscode/ripgrep/bin/rg"

# Release builds load modules from an asar archive; the plain directory serves the same purpose.
ln -sfn node_modules "$VSCODE/node_modules.asar"

log "installing the built-in extensions' dependencies"
(cd "$VSCODE/extensions" && npm install "${npm_quiet[@]}" --omit=dev --ignore-scripts >&2)

# The runners start code-server through this stable path.
ln -sfn node_modules/code-server/out/node/entry.js "$STAGE/entry.js"

echo "$VERSION installed in $((SECONDS - start)) s" >"$STAGE/.lockorder-installed"
rm -rf "$INSTALL_DIR"
mv "$STAGE" "$INSTALL_DIR"
trap - EXIT
log "done in $((SECONDS - start)) s, $(du -sh "$INSTALL_DIR" | cut -f1)"
echo "$INSTALL_DIR"
