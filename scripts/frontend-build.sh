#!/usr/bin/env bash
# Installs the front end's locked dependencies when they changed, then builds frontend/dist.
set -euo pipefail
"$(dirname "$0")/frontend-install.sh"
cd "$(dirname "$0")/../frontend"
npm run build
