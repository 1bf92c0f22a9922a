#!/usr/bin/env bash
# ESLint on the web client (the React hooks rules included): no error, no warning.
set -euo pipefail
"$(dirname "$0")/frontend-install.sh"
cd "$(dirname "$0")/../frontend"
npm run --silent lint
