#!/usr/bin/env bash
# The whole test suite, on a fresh Debian machine with the .NET 10 SDK and Node.js.
# Installs what the tests need when it is missing: Debian's Chromium (browser tests) and the
# pinned npm packages (ApexCharts, also restored by the build). Extra arguments go to `dotnet test`.
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v chromium >/dev/null 2>&1; then
  echo "test.sh: installing Debian's chromium for the browser tests"
  sudo_cmd=""
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd="sudo"; fi
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq chromium >/dev/null
fi

if [ ! -f wwwroot-assets/node_modules/apexcharts/dist/apexcharts.min.js ]; then
  (cd wwwroot-assets && npm ci --no-audit --no-fund --loglevel=error)
fi

rm -rf TestResults
dotnet test VibeDashboard.sln --logger "trx;LogFileName=results.trx" --results-directory TestResults "$@"
