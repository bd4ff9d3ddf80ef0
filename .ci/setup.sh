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

jupyter_packages=(jupyter-server jupyter-notebook python3-nbconvert jupyter-nbconvert python3-nbclient python3-ipykernel python3-jupyter-kernel-test)
browser_packages=(chromium fonts-dejavu-core fonts-noto-color-emoji)  # emoji: the seed helper prints 🟢
debian_packages=("${jupyter_packages[@]}" "${browser_packages[@]}")
# Conda route: an active environment with Jupyter, or conda installed (PARAMLAB_NO_CONDA=1 opts
# out) -> the "paramlab" environment from environment.yml (JupyterLab 4, nbconvert >= 7.7,
# Node 20); paramlab's report and `npm start` find its jupyter. Debian then only adds Chromium.
conda_route=""
if [ -n "${CONDA_PREFIX:-}" ] && [ -x "$CONDA_PREFIX/bin/jupyter" ]; then
  conda_route="active"
elif [ "${PARAMLAB_NO_CONDA:-}" != "1" ] && command -v conda >/dev/null 2>&1; then
  conda_route="create"
fi
if [ -n "$conda_route" ]; then debian_packages=("${browser_packages[@]}"); fi
missing=()
for pkg in "${debian_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ "$conda_route" = "create" ]; then
  if conda env list | awk '{print $1}' | grep -qx paramlab; then
    echo "setup: updating the conda environment 'paramlab' from environment.yml"
    conda env update -n paramlab -f environment.yml
  else
    echo "setup: creating the conda environment 'paramlab' from environment.yml"
    conda env create -n paramlab -f environment.yml
  fi
fi
if [ "$conda_route" = "active" ]; then
  echo "setup: using Jupyter from the conda environment at $CONDA_PREFIX"
fi
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
else
  echo "setup: Debian packages already installed"
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm dependencies"
  npm ci --no-audit --no-fund
fi
echo "setup: building"
npm run build --silent

# 3. The paramlab kernelspec, installed through the Python whose Jupyter will run it. Root and
#    conda installs go to sys.prefix (/usr/share/jupyter/kernels on Debian, or the conda env),
#    which every user's Jupyter searches; a normal user cannot write there, so gets --user.
kernel_install=(--sys-prefix)
if [ "$conda_route" = "active" ]; then
  kernel_install+=(--python "$CONDA_PREFIX/bin/python")
elif [ "$conda_route" = "create" ] && [ -x "$(conda info --base)/envs/paramlab/bin/python" ]; then
  kernel_install+=(--python "$(conda info --base)/envs/paramlab/bin/python")
elif [ "$(id -u)" -ne 0 ]; then
  kernel_install=(--user)
fi
echo "setup: installing the paramlab kernelspec (${kernel_install[*]})"
node dist/kernel/cli.js install "${kernel_install[@]}"
