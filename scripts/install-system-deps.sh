#!/usr/bin/env bash
# Installs what the real-VS-Code tests need, skipping whatever is already there (idempotent;
# ~0.3 s when everything is present):
#   1. Debian packages: chromium (headless browser for the workbench), slurm-wlm + munge (the
#      one-node SLURM the rerun tests start), python3-rdflib + python3-prov (export validation), snakemake (the exported Snakefile is run), libkrb5-dev (code-server's
#      native `kerberos` module compiles against gssapi.h), ripgrep (seeds @vscode/ripgrep, see
#      below), plus the compiler toolchain native modules build with (g++, make, python3).
#   2. code-server 4.100.3 (= VS Code 1.100.3 server + web workbench) into
#      scripts/vscode-runtime/node_modules with `npm ci` from the committed lockfile — kept out of
#      the extension's own package.json so `npm ci` of the project stays light.
#
# Works as root on a fresh Debian 12 machine with Node 20 that can reach only the npm registry and
# Debian's apt repositories (uses sudo when not root). Why each environment fix is needed:
#   npm_config_unsafe_perm=true  code-server's postinstall refuses to run as root without it.
#   npm_config_yes=true          node-pty's install runs `npx node-gyp`; a `yes=false` npmrc cancels it.
#   TMPDIR=<seed>                @vscode/ripgrep downloads rg from GitHub (offline: fails after ~30 s
#                                of retries) unless $TMPDIR/vscode-ripgrep-cache-<ver>/<asset> exists;
#                                we put Debian's rg into that tarball.
# Environment: CLEW_SKIP_APT=1 skips step 1, CLEW_SKIP_CODE_SERVER=1 skips step 2,
#              CLEW_FORCE_CODE_SERVER=1 reinstalls code-server even if the stamp matches.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runtime_dir="$root/scripts/vscode-runtime"
stamp="$runtime_dir/node_modules/.clew-runtime-stamp"
code_server_version="4.100.3"
# @vscode/ripgrep version and ripgrep release tag used by code-server 4.100.3's bundled VS Code.
ripgrep_pkg_version="1.15.11"
ripgrep_tag="v13.0.0-10"

log() { printf '[install-system-deps] %s\n' "$*"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else log "need root (or sudo) to run: $*"; exit 1
  fi
}

is_installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

# ---- 1. Debian packages ----------------------------------------------------------------------
if [ "${CLEW_SKIP_APT:-0}" != "1" ]; then
  if ! command -v dpkg-query >/dev/null 2>&1; then
    log "not a Debian/Ubuntu system: install chromium, libkrb5-dev (krb5 headers), ripgrep, g++, make, python3 yourself, then set CLEW_SKIP_APT=1"
    exit 1
  fi
  missing=()
  for pkg in chromium libkrb5-dev ripgrep g++ make python3 slurm-wlm munge python3-rdflib python3-prov snakemake; do
    is_installed "$pkg" || missing+=("$pkg")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    log "apt-get install ${missing[*]}"
    started=$SECONDS
    export DEBIAN_FRONTEND=noninteractive
    as_root apt-get update -qq
    as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    log "apt packages installed in $((SECONDS - started)) s"
  else
    log "apt packages present (chromium, libkrb5-dev, ripgrep, g++, make, python3, slurm-wlm, munge, python3-rdflib, python3-prov, snakemake)"
  fi
fi

# ---- 2. code-server into scripts/vscode-runtime ----------------------------------------------
if [ "${CLEW_SKIP_CODE_SERVER:-0}" = "1" ]; then
  log "code-server skipped (CLEW_SKIP_CODE_SERVER=1)"
  exit 0
fi

lock_hash="$(sha256sum "$runtime_dir/package-lock.json" | cut -d' ' -f1)"
if [ "${CLEW_FORCE_CODE_SERVER:-0}" != "1" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$lock_hash" ] \
   && [ -x "$runtime_dir/node_modules/.bin/code-server" ]; then
  log "code-server $code_server_version present in scripts/vscode-runtime"
  exit 0
fi

if ! command -v rg >/dev/null 2>&1; then
  log "ripgrep (rg) is required to seed @vscode/ripgrep offline; install it or drop CLEW_SKIP_APT"
  exit 1
fi
seed="$(mktemp -d "${TMPDIR:-/tmp}/clew-cs-install.XXXXXX")"
trap 'rm -rf "$seed"' EXIT
if [ "$(uname -m)" = "x86_64" ]; then
  rg_asset="ripgrep-${ripgrep_tag}-x86_64-unknown-linux-musl.tar.gz"
  mkdir -p "$seed/vscode-ripgrep-cache-$ripgrep_pkg_version"
  tar czf "$seed/vscode-ripgrep-cache-$ripgrep_pkg_version/$rg_asset" -C "$(dirname "$(command -v rg)")" rg
else
  log "no ripgrep seed for $(uname -m): @vscode/ripgrep will try to download rg from GitHub"
fi

# Native modules build against the local Node's headers; without a nodedir node-gyp would try to
# download them from nodejs.org (offline: fails). Point it at the installed headers if npm has none.
if [ -z "${npm_config_nodedir:-}" ] && ! (cd "$runtime_dir" && npm config get nodedir 2>/dev/null | grep -q '^/'); then
  node_prefix="$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")"
  if [ -f "$node_prefix/include/node/node_api.h" ]; then export npm_config_nodedir="$node_prefix"; fi
fi

log "installing code-server $code_server_version (npm ci in scripts/vscode-runtime; native builds take ~1.5 min)"
started=$SECONDS
rm -f "$stamp"
(
  cd "$runtime_dir"
  TMPDIR="$seed" npm_config_unsafe_perm=true npm_config_yes=true \
    npm ci --no-audit --no-fund --loglevel=error
)
printf 'auth: none\n' > "$seed/code-server.yaml"   # an existing --config keeps ~/.config untouched
installed_version="$(XDG_CONFIG_HOME="$seed" XDG_DATA_HOME="$seed" "$runtime_dir/node_modules/.bin/code-server" \
  --config "$seed/code-server.yaml" --version 2>/dev/null | grep -m1 -E '^[0-9]+\.[0-9]+\.[0-9]+' || true)"
case "$installed_version" in
  "$code_server_version"*) ;;
  *) log "code-server did not install correctly (--version said: '${installed_version}')"; exit 1 ;;
esac
printf '%s' "$lock_hash" > "$stamp"
log "code-server ready: $installed_version ($((SECONDS - started)) s)"
