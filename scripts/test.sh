#!/usr/bin/env bash
# Runs the whole test suite on a machine in any state: set-up first (idempotent), then jest,
# whose global set-up starts the one Temporal dev server the tests share.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# The Node set-up installs when the machine's is too old; npm, jest and every node they spawn run on it.
export PATH="$PWD/.tools/node/bin:$PATH"
bash scripts/setup.sh
npm test
