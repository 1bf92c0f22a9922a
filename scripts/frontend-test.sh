#!/usr/bin/env bash
# The web client's tests: Vitest components, then Playwright end to end in Debian's Chromium.
set -euo pipefail
if [ ! -x /usr/bin/chromium ]; then
  echo "installing Debian's Chromium for the browser tests"
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium fonts-liberation;
  else sudo apt-get update -qq && sudo apt-get install -y -qq chromium fonts-liberation; fi
fi
"$(dirname "$0")/frontend-build.sh"
cd "$(dirname "$0")/../frontend"
echo "=== Front end: types generated from schema.graphql are current ==="
npm run --silent codegen
git diff --exit-code -- src/gql || { echo "frontend/src/gql is stale: run npm run codegen and commit"; exit 1; }
npm run --silent typecheck
echo "=== Front end: Vitest ==="
npm test
echo "=== Front end: Playwright in Chromium ==="
npm run test:e2e
