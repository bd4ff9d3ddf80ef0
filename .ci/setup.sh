#!/usr/bin/env bash
# Sets up a fresh Debian machine (Node 20 present) for paramlab, and is safe to run again:
#   1. Debian packages: Jupyter (server, classic Notebook, nbconvert, nbclient, ipykernel) and
#      Chromium for the browser tests; skipped when already installed, or when a conda
#      environment built from environment.yml is active (it brings JupyterLab instead).
#   2. npm dependencies (npm ci), then the TypeScript build (dist/).
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

debian_packages=(jupyter-server jupyter-notebook python3-nbconvert jupyter-nbconvert python3-nbclient python3-ipykernel chromium fonts-dejavu-core)
missing=()
for pkg in "${debian_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ -n "${CONDA_PREFIX:-}" ] && [ -x "$CONDA_PREFIX/bin/jupyter" ]; then
  echo "setup: using Jupyter from the conda environment at $CONDA_PREFIX"
elif [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "setup: Debian packages already installed"
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm dependencies"
  npm ci --no-audit --no-fund
fi
echo "setup: building"
npm run build --silent
