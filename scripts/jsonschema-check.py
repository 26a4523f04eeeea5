#!/usr/bin/env python3
"""Checks payloads against Switchboard's exported JSON Schema with Python's jsonschema.

Reads {"schema": <exported document>, "cases": [{"type": "ns.Name", "payload": ...}, ...]} on stdin
and prints a JSON array with one boolean per case (valid or not), in order. Formats are asserted
(FormatChecker), as Switchboard asserts them.
"""
import json
import sys

from jsonschema import Draft202012Validator, FormatChecker


def main() -> None:
    request = json.load(sys.stdin)
    document = request["schema"]
    checker = FormatChecker()
    missing = {"date", "date-time", "ipv4", "ipv6", "uuid"} - set(checker.checkers)
    if missing:
        sys.exit(f"jsonschema cannot check the formats {sorted(missing)}: install rfc3339-validator")
    validators = {}
    verdicts = []
    for case in request["cases"]:
        name = case["type"]
        if name not in validators:
            root = dict(document, **{"$ref": f"#/$defs/{name}"})
            Draft202012Validator.check_schema(root)
            validators[name] = Draft202012Validator(root, format_checker=checker)
        verdicts.append(validators[name].is_valid(case["payload"]))
    json.dump(verdicts, sys.stdout)


if __name__ == "__main__":
    main()
