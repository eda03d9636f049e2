#!/usr/bin/env bash
# Installs what snaplake needs to build, test and run its demo on Debian bookworm:
# Debian packages (apt-get), the test readers from npm, and the tests' AWS tools (the AWS CLI
# from Debian, moto_server and cfn-lint from PyPI). Idempotent and quiet when all is there.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$here/scripts/tools-path.sh"

packages=(
  g++ cmake make pkg-config git python3 curl
  libpq-dev libcurl4-openssl-dev libssl-dev zlib1g-dev libzstd-dev libsnappy-dev libsqlite3-dev
  nlohmann-json3-dev libfmt-dev libcli11-dev libtomlplusplus-dev libpugixml-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  postgresql-15 postgresql-client-15
  mariadb-server mariadb-client libmariadb-dev
  time  # /usr/bin/time, for the benchmarks' peak RSS
  # The deployment packages (scripts/package-lambda) and their tests: zip, and an empty root to
  # run them in (bwrap, with a static /bin/sh), openssl for a test endpoint's certificate.
  zip unzip bubblewrap busybox-static openssl
  # The status page of `run --listen`, loaded headless by tests/e2e/ops_listen.test.mjs.
  chromium
)
# Node.js may come from elsewhere (e.g. NodeSource, whose nodejs bundles npm and conflicts with
# Debian's npm package): install Debian's only when the commands are missing.
command -v node >/dev/null || packages+=(nodejs)
command -v npm >/dev/null || packages+=(npm)
# The tests' AWS tools, wherever they come from (pyenv, pip, Debian): the AWS CLI, an independent
# S3 client, and moto_server, the AWS emulator. Missing, the CLI comes from Debian and moto from
# PyPI (below), which needs pip and venv.
command -v aws >/dev/null || packages+=(awscli)
need_moto=false
# cfn-lint (which moto[server] installs too) validates the CloudFormation template.
if ! command -v moto_server >/dev/null || ! command -v cfn-lint >/dev/null; then
  need_moto=true
  packages+=(python3-pip python3-venv)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "snaplake: installing Debian packages: ${missing[*]}" >&2
  sudo=""; [[ $(id -u) == 0 ]] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
  # The Debian packages start a system cluster and a system MariaDB; snaplake never uses them.
  $sudo systemctl disable --now postgresql >/dev/null 2>&1 || true
  $sudo systemctl disable --now mariadb >/dev/null 2>&1 || true
fi

if [[ ! -d $here/tests/node_modules/@duckdb/node-api ]] ||
   [[ $here/tests/package.json -nt $here/tests/node_modules/.package-lock.json ]]; then
  echo "snaplake: installing the test readers from npm (DuckDB, hyparquet, parquet-wasm, nodejs-polars)" >&2
  (cd "$here/tests" && npm install --no-audit --no-fund --loglevel=error >/dev/null)
fi

if $need_moto; then
  echo "snaplake: installing moto_server and cfn-lint from PyPI (moto[server], cfn-lint)" >&2
  # pip into the Python on PATH where it may install (its scripts on PATH); where it refuses
  # (PEP 668: Debian's own Python is EXTERNALLY-MANAGED) or its scripts are elsewhere, into
  # snaplake's own virtual environment, which tools-path.sh puts on PATH for scripts/test.
  if ! python3 -m pip install --quiet --disable-pip-version-check 'moto[server]' cfn-lint >/dev/null 2>&1 ||
     ! command -v moto_server >/dev/null || ! command -v cfn-lint >/dev/null; then
    mkdir -p "$(dirname "$snaplake_tools_venv")"
    python3 -m venv "$snaplake_tools_venv"
    "$snaplake_tools_venv/bin/pip" install --quiet --disable-pip-version-check 'moto[server]' cfn-lint
    source "$here/scripts/tools-path.sh"
  fi
  command -v moto_server >/dev/null || { echo "snaplake: moto_server is still missing" >&2; exit 1; }
  command -v cfn-lint >/dev/null || { echo "snaplake: cfn-lint is still missing" >&2; exit 1; }
fi
