"""Validates response bodies against the schemas of openapi.yaml (OpenAPI 3.1 = JSON Schema 2020-12).

Usage: check-response-schemas.py openapi.yaml cases.json
cases.json is a list of {"name": ..., "schema": "<components/schemas name>", "body": <JSON>}. Prints one
line per case and exits 1 when any body does not match its schema.
"""
import json
import sys

import jsonschema
import yaml
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012


def main() -> int:
    spec = yaml.safe_load(open(sys.argv[1]))
    cases = json.load(open(sys.argv[2]))
    resource = Resource.from_contents(spec, default_specification=DRAFT202012)
    registry = Registry().with_resource("openapi.yaml", resource)
    failures = 0
    for case in cases:
        schema = {"$ref": f"openapi.yaml#/components/schemas/{case['schema']}"}
        validator = jsonschema.Draft202012Validator(schema, registry=registry)
        errors = sorted(validator.iter_errors(case["body"]), key=lambda e: list(e.path))
        if errors:
            failures += 1
            for error in errors[:5]:
                print(f"FAIL {case['name']} ({case['schema']}): {'/'.join(map(str, error.path))}: {error.message}")
        else:
            print(f"ok   {case['name']} ({case['schema']})")
    print(f"{len(cases) - failures} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
