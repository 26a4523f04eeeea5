#!/usr/bin/env bash
# Installs the Debian packages given as arguments when any is missing (apt-get update first),
# and Python's jsonschema (used by the tests to check the exported JSON Schema) when missing.
# An argument --pip=MODULE:PACKAGE pip-installs PACKAGE when `import MODULE` fails in $PYTHON
# (make bench: --pip=nats:nats-py).
set -euo pipefail

missing=()
pip_missing=()
python=${PYTHON:-python3}
for package in "$@"; do
    if [[ $package == --pip=* ]]; then
        spec=${package#--pip=}
        "$python" -c "import ${spec%%:*}" 2>/dev/null || pip_missing+=("${spec#*:}")
        continue
    fi
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
    echo "installing ${missing[*]}"
    sudo=""
    [[ $(id -u) -ne 0 ]] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if ((${#pip_missing[@]})); then
    echo "installing Python's ${pip_missing[*]}"
    "$python" -m pip install --quiet "${pip_missing[@]}" || {
        echo "pip could not install ${pip_missing[*]} into $python; use a virtual environment:" >&2
        echo "  python3 -m venv --system-site-packages .venv && make bench PYTHON=\$PWD/.venv/bin/python" >&2
        exit 1
    }
fi

if ! "$python" -c "import jsonschema, rfc3339_validator" 2>/dev/null; then
    echo "installing Python's jsonschema"
    "$python" -m pip install --quiet jsonschema rfc3339-validator || {
        sudo=""
        [[ $(id -u) -ne 0 ]] && sudo="sudo"
        $sudo apt-get install -y -qq python3-jsonschema >/dev/null
    }
fi

# nats-py: the independent client that the NATS interoperability tests talk to.
if ! "$python" -c "import nats" 2>/dev/null; then
    echo "installing Python's nats-py"
    "$python" -m pip install --quiet nats-py
fi
