#!/usr/bin/env bash
# Configures and builds snaplake into build/ (Release with debug info, warnings as errors).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${SNAPLAKE_BUILD_DIR:-$here/build}
cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSNAPLAKE_WERROR=ON >/dev/null
cmake --build "$build" -j"${JOBS:-2}"
