#!/usr/bin/env bash
# Starts Writ for local development (embedded Temporal dev server, worker, console) after
# making sure the machine is set up. Extra arguments go to `writ dev`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# The Node set-up installs when the machine's is too old (see setup.sh).
export PATH="$PWD/.tools/node/bin:$PATH"
bash scripts/setup.sh
exec node dist/examples/demo/main.js "$@"
