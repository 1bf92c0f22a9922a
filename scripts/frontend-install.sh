#!/usr/bin/env bash
# Installs the front end's locked dependencies when package-lock.json changed since the last install.
set -euo pipefail
cd "$(dirname "$0")/../frontend"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
