#!/usr/bin/env bash
# Installs what the test suite needs beyond the .NET SDK. Idempotent: a second run only checks.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v dotnet >/dev/null 2>&1; then
  echo "the .NET 10 SDK is required (dotnet on PATH)" >&2
  exit 1
fi
