#!/usr/bin/env bash
# System tools some tests drive: Blender (imports the capture's .glb and .bvh), Node.js with
# the Khronos glTF validator, and Debian's chromium (the web app's browser tests; Playwright
# cannot download its own browser here). Installs what is missing with apt when it can.
set -euo pipefail
cd "$(dirname "$0")/.."
packages=(blender python3-numpy nodejs npm chromium)
missing=()
command -v blender >/dev/null || missing+=(blender)
dpkg -s python3-numpy >/dev/null 2>&1 || missing+=(python3-numpy)
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
command -v chromium >/dev/null || missing+=(chromium)
if ((${#missing[@]})); then
  if [[ $(id -u) -eq 0 ]]; then sudo=""; elif command -v sudo >/dev/null; then sudo="sudo"; else
    echo "missing system packages: ${missing[*]}; install them with:" >&2
    echo "  apt-get install -y --no-install-recommends ${packages[*]}" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -q
  $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
if [[ ! -d tests/export/node/node_modules ]]; then
  npm ci --prefix tests/export/node --no-audit --no-fund
fi
