#!/usr/bin/env bash
# Build the front-end bundles of assets/ with esbuild (a pinned devDependency in package.json) into
# static/township/build/ (gitignored; collected by collectstatic like the rest of static/).
#   assets/echarts.js -> static/township/build/echarts.min.js: ECharts trimmed to the charts our pages use,
#   minified, exposed as the global `echarts` (docs/performance.md, "Page weight").
# Needs node_modules (npm ci). scripts/install.sh runs it when assets/ or package-lock.json changed.
set -euo pipefail
cd "$(dirname "$0")/.."

esbuild=node_modules/.bin/esbuild
[ -x "$esbuild" ] || { echo "[build_assets] $esbuild missing: run npm ci (scripts/install.sh)" >&2; exit 1; }
out=static/township/build
mkdir -p "$out"
"$esbuild" assets/echarts.js --bundle --minify --format=iife --global-name=echarts \
  --target=es2017 --legal-comments=none --log-level=warning --outfile="$out/echarts.min.js"
printf '[build_assets] %s %s bytes\n' "$out/echarts.min.js" "$(wc -c < "$out/echarts.min.js")"
