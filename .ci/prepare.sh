#!/usr/bin/env bash
# Installs what the test suite needs beyond the .NET SDK. Idempotent: a second run only checks.
#  - node + npm, and Node's ws (pinned in Shockwave.Codec.Tests/Interop/node/package-lock.json) for the interop tests
#  - Debian's chromium for the browser interop test (which fails, never skips, without it)
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v dotnet >/dev/null 2>&1; then
  echo "the .NET 10 SDK is required (dotnet on PATH)" >&2
  exit 1
fi

SUDO=""
if [ "$(id -u)" != "0" ] && command -v sudo >/dev/null 2>&1; then
  SUDO="sudo"
fi

apt_updated=0
apt_install() {
  if [ "$apt_updated" = "0" ]; then
    $SUDO apt-get update
    apt_updated=1
  fi
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@"
}

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  apt_install nodejs npm
fi

# npm ci only when node_modules does not match the lockfile (recorded by a hash of package.json + package-lock.json).
NODE_DIR=Shockwave.Codec.Tests/Interop/node
lock_hash="$(cat "$NODE_DIR/package.json" "$NODE_DIR/package-lock.json" | sha256sum | cut -d' ' -f1)"
if [ "$(cat "$NODE_DIR/node_modules/.shockwave-lock-hash" 2>/dev/null || true)" != "$lock_hash" ] \
   || [ ! -f "$NODE_DIR/node_modules/ws/package.json" ]; then
  (cd "$NODE_DIR" && npm ci --no-audit --no-fund)
  echo "$lock_hash" > "$NODE_DIR/node_modules/.shockwave-lock-hash"
fi

if [ ! -x /usr/bin/chromium ]; then
  apt_install chromium
fi
