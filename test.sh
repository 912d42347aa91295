#!/usr/bin/env bash
# The test command (README, CI): installs what the tests need (.ci/prepare.sh, idempotent), then runs every test.
# Extra arguments go to `dotnet test`, for example: ./test.sh --filter FullyQualifiedName~Handshake
set -euo pipefail
cd "$(dirname "$0")"
if [ -f .ci/prepare.sh ]; then
  bash .ci/prepare.sh
fi
exec dotnet test codec.sln -c Release "$@"
