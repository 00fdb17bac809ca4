#!/usr/bin/env bash
# Starts Writ for local development (embedded Temporal dev server, worker, console) after
# making sure the machine is set up. Extra arguments go to `writ dev`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
exec node dist/examples/demo/main.js "$@"
