#!/usr/bin/env bash
# Regenerates the wrangler `d1 export` fixtures in this folder from scratch against a LOCAL D1
# (Miniflare; no Cloudflare account needed). Not run by the tests.
#
# Requirements: Node >= 20, npm (registry access), bash.
# Usage:  ./regenerate.sh [output-dir]        (default output-dir: this script's folder)
#
# Note: values written by CURRENT_TIMESTAMP defaults and d1_migrations.applied_at are wall-clock
# times, so regenerated files differ from the committed ones in those values only.
set -euo pipefail

WRANGLER_VERSION=4.80.0
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUT="${1:-$HERE}"
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"

export WRANGLER_SEND_METRICS=false CI=1

WORK="$(mktemp -d -t vd-wrangler-XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"

npm init -y >/dev/null
npm install --no-audit --no-fund "wrangler@${WRANGLER_VERSION}" >/dev/null
npx wrangler --version

cp "$HERE/wrangler.toml" "$HERE/data.sql" "$HERE/data-2.sql" .
cp -r "$HERE/migrations" ./migrations

# 1. schema (creates d1_migrations too)
npx wrangler d1 migrations apply vibesdk --local
# 2. first data batch
npx wrangler d1 execute vibesdk --local --file data.sql
# 3. exports of the first state
npx wrangler d1 export vibesdk --local --output "$OUT/vibesdk-full.sql"
npx wrangler d1 export vibesdk --local --no-schema --output "$OUT/vibesdk-no-schema.sql"
npx wrangler d1 export vibesdk --local --no-data --output "$OUT/vibesdk-no-data.sql"
npx wrangler d1 export vibesdk --local --table ops_events --output "$OUT/vibesdk-ops-events-table.sql"
# 4. second batch (20 new ops_events, app_blog -> completed, one auth attempt), then a later overlapping export
npx wrangler d1 execute vibesdk --local --file data-2.sql
npx wrangler d1 export vibesdk --local --output "$OUT/vibesdk-full-2.sql"

echo "Fixtures written to $OUT"
