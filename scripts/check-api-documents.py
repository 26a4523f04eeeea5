#!/usr/bin/env python3
"""Checks the exported API documents: `check-api-documents.py openapi.json asyncapi.json`.

OpenAPI 3.1 goes through openapi-spec-validator (the OpenAPI Initiative's schema and rules).
AsyncAPI 3.0 has no validator on PyPI or in Debian, so its rules are checked here: the required
top-level fields, every $ref resolves, channel parameters match the address's {tokens},
operations name existing channels and only messages of their channel, replies are well formed,
and every component schema is a valid JSON Schema. Prints one line per problem; exit 1 if any.
"""
import json
import re
import sys

from jsonschema import Draft202012Validator
from openapi_spec_validator import validate as validate_openapi


def resolve(document, ref):
    if not ref.startswith("#/"):
        raise KeyError(ref)
    node = document
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def refs(node, path="#"):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield path, value
            else:
                yield from refs(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from refs(value, f"{path}/{index}")


def check_asyncapi(document):
    problems = []
    if document.get("asyncapi") != "3.0.0":
        problems.append("asyncapi is not 3.0.0")
    info = document.get("info", {})
    if not info.get("title") or not info.get("version"):
        problems.append("info needs title and version")
    for where, ref in refs(document):
        try:
            resolve(document, ref)
        except (KeyError, IndexError, TypeError):
            problems.append(f"{where}: $ref {ref} does not resolve")
    key = re.compile(r"^[A-Za-z0-9_\-]+$")
    channels = document.get("channels", {})
    for name, channel in channels.items():
        if not key.match(name):
            problems.append(f"channel key {name!r} has characters outside [A-Za-z0-9_-]")
        address = channel.get("address")
        tokens = set(re.findall(r"\{([^}]+)\}", address or ""))
        if tokens != set(channel.get("parameters", {}).keys()):
            problems.append(f"channel {name}: parameters {sorted(channel.get('parameters', {}))} != address tokens {sorted(tokens)}")
        if not channel.get("messages"):
            problems.append(f"channel {name} has no messages")
    for name, operation in document.get("operations", {}).items():
        if not key.match(name):
            problems.append(f"operation key {name!r} has characters outside [A-Za-z0-9_-]")
        if operation.get("action") not in ("send", "receive"):
            problems.append(f"operation {name}: action must be send or receive")
        channel_ref = operation.get("channel", {}).get("$ref", "")
        for message in operation.get("messages", []):
            if not message.get("$ref", "").startswith(channel_ref + "/messages/"):
                problems.append(f"operation {name}: message {message} is not one of its channel's")
        reply = operation.get("reply")
        if reply is not None:
            location = reply.get("address", {}).get("location", "")
            if not re.match(r"^\$message\.(header|payload)#(/.*)?$", location):
                problems.append(f"operation {name}: reply address location {location!r} is not a runtime expression")
    for name, message in document.get("components", {}).get("messages", {}).items():
        location = message.get("correlationId", {}).get("location")
        if location is not None and not re.match(r"^\$message\.(header|payload)#(/.*)?$", location):
            problems.append(f"message {name}: correlationId location {location!r} is not a runtime expression")
    for name, schema in document.get("components", {}).get("schemas", {}).items():
        try:
            Draft202012Validator.check_schema(schema)
        except Exception as error:  # noqa: BLE001 - report every kind of schema error
            problems.append(f"schema {name}: {error}")
    return problems


def main():
    openapi_path, asyncapi_path = sys.argv[1:3]
    problems = []
    try:
        validate_openapi(json.load(open(openapi_path)))
    except Exception as error:  # noqa: BLE001
        problems.append(f"openapi: {error}")
    problems += [f"asyncapi: {p}" for p in check_asyncapi(json.load(open(asyncapi_path)))]
    for problem in problems:
        print(problem)
    print("ok" if not problems else f"{len(problems)} problems")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
