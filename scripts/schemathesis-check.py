#!/usr/bin/env python3
"""Runs schemathesis against a running gateway: `schemathesis-check.py SPEC URL [MAX_EXAMPLES]`.

Signs up an organizer (register, then login) so that the routes that need a bearer token are
tested too, then runs `st run` with the checks that must hold for every request: no 5xx, only
declared status codes, JSON where JSON is declared, responses and headers that match their
schemas, 405 for undeclared methods, and invalid requests refused. (Not `positive_data_acceptance`:
a schema-valid request may still be refused by the service's own rules, such as an event that
ends before it starts, or an opaque cursor that is not one of ours.) Exit: schemathesis's status;
3 when schemathesis is missing.
"""
import json
import shutil
import subprocess
import sys
import tempfile
import urllib.request
import uuid

CHECKS = ",".join([
    "not_a_server_error", "status_code_conformance", "content_type_conformance", "response_schema_conformance",
    "response_headers_conformance", "unsupported_method", "negative_data_rejection",
])


def post(url, body):
    request = urllib.request.Request(url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def main():
    spec, base = sys.argv[1], sys.argv[2].rstrip("/")
    max_examples = sys.argv[3] if len(sys.argv) > 3 else "10"
    st = shutil.which("st") or shutil.which("schemathesis")
    if st is None:
        print("schemathesis is not installed (pip install schemathesis)", file=sys.stderr)
        return 3
    email, password = f"fuzz-{uuid.uuid4().hex[:8]}@example.com", "fuzzing password 1"
    post(f"{base}/auth/register", {"email": email, "password": password, "role": "organizer"})
    token = post(f"{base}/auth/login", {"email": email, "password": password})["accessToken"]
    with tempfile.TemporaryDirectory() as folder:
        config = f"{folder}/schemathesis.toml"
        with open(config, "w") as file:
            file.write("[auth]\nauto-signup = false\n")
        command = [
            st, "--config-file", config, "run", spec, "--url", base, "--checks", CHECKS, "--max-examples", max_examples,
            "--workers", "1", "--phases", "examples,coverage,fuzzing", "--seed", "1", "--no-color",
            "-H", f"Authorization: Bearer {token}",
        ]
        # In the temporary folder: schemathesis leaves a .schemathesis/ cache where it runs.
        return subprocess.run(command, timeout=600, cwd=folder).returncode


if __name__ == "__main__":
    sys.exit(main())
