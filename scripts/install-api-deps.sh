#!/usr/bin/env bash
# Installs what the API tests (Tests/api/) need when it is missing: schemathesis from PyPI (it brings
# hypothesis, jsonschema and requests), PyYAML to read docs/openapi.yaml, and openapi-spec-validator to
# check it. Only what is missing, with pip, without upgrading what is there. Safe to run again: when
# everything imports it does nothing.
set -euo pipefail
command -v python3 >/dev/null 2>&1 || {
    echo "python3 is missing; install it with: sudo apt-get install python3 python3-pip" >&2
    exit 1
}
missing=()
python3 -c 'import schemathesis' >/dev/null 2>&1 || missing+=("schemathesis>=4,<5")
python3 -c 'import yaml' >/dev/null 2>&1 || missing+=(PyYAML)
python3 -c 'import requests' >/dev/null 2>&1 || missing+=(requests)
python3 -c 'import jsonschema' >/dev/null 2>&1 || missing+=(jsonschema)
python3 -c 'import openapi_spec_validator' >/dev/null 2>&1 || missing+=(openapi-spec-validator)
if [ ${#missing[@]} -gt 0 ]; then
    echo "install-api-deps: installing ${missing[*]} with pip"
    # A Debian python3 refuses pip outside a virtual environment (PEP 668) unless told otherwise.
    python3 -m pip install --quiet "${missing[@]}" 2>/dev/null \
        || python3 -m pip install --quiet --break-system-packages "${missing[@]}"
fi
python3 -c 'import schemathesis, yaml, requests, jsonschema, openapi_spec_validator' || {
    echo "the API test dependencies are still missing for $(command -v python3); install them with: python3 -m pip install 'schemathesis>=4,<5' PyYAML openapi-spec-validator" >&2
    exit 1
}
