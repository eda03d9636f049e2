# Sourced by scripts/deps.sh and scripts/test. Where deps.sh installs moto_server (the AWS
# emulator of the tests) when no moto_server is on PATH and the system Python refuses pip
# (PEP 668): a virtual environment of snaplake's own, put first on PATH once it exists.
snaplake_tools_venv=${SNAPLAKE_TOOLS_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/snaplake/venv}
if [[ -x $snaplake_tools_venv/bin/moto_server ]]; then
  PATH=$snaplake_tools_venv/bin:$PATH
  export PATH
fi
