#!/usr/bin/env bash
# Installs the Debian packages given as arguments when any is missing (apt-get update first),
# and Python's jsonschema (used by the tests to check the exported JSON Schema) when missing.
set -euo pipefail

missing=()
for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
    echo "installing ${missing[*]}"
    sudo=""
    [[ $(id -u) -ne 0 ]] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

python=${PYTHON:-python3}
if ! "$python" -c "import jsonschema, rfc3339_validator" 2>/dev/null; then
    echo "installing Python's jsonschema"
    "$python" -m pip install --quiet jsonschema rfc3339-validator || {
        sudo=""
        [[ $(id -u) -ne 0 ]] && sudo="sudo"
        $sudo apt-get install -y -qq python3-jsonschema >/dev/null
    }
fi
