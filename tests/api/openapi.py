"""Check API responses against the OpenAPI schema the project publishes (as Zulip does).

Every response an API test receives from /api/v1/ goes through :func:`validate_response`: a
successful response must be documented for its path, method and status, and its body must
match the documented schema exactly (no undocumented fields: objects are closed). Error
responses are checked against their schema where one is documented.
"""

from __future__ import annotations

import functools
import json
import re
from typing import Any

import jsonschema
from django.http import HttpResponse
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer


@functools.cache
def openapi_schema() -> dict[str, Any]:
    generator = SchemaGenerator()
    schema = generator.get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(schema, renderer_context={}))


def _to_json_schema(node: Any) -> Any:
    """OpenAPI 3.0 → JSON Schema: ``nullable`` becomes a null alternative, objects are closed."""
    if isinstance(node, list):
        return [_to_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: _to_json_schema(value) for key, value in node.items()}
    if converted.get("type") == "object" and "properties" in converted:
        converted.setdefault("additionalProperties", False)
    if "$ref" in converted:
        converted["$ref"] = converted["$ref"].replace("#/components/schemas/", "#/$defs/")
    if converted.pop("nullable", False):
        return {"anyOf": [converted, {"type": "null"}]}
    return converted


@functools.cache
def _definitions() -> dict[str, Any]:
    return _to_json_schema(openapi_schema()["components"]["schemas"])


@functools.cache
def _path_patterns() -> list[tuple[re.Pattern[str], str]]:
    patterns = []
    for template in openapi_schema()["paths"]:
        regex = re.sub(r"\{[^}/]+\}", r"[^/]+", re.escape(template).replace(r"\{", "{").replace(r"\}", "}"))
        patterns.append((re.compile(f"^{regex}$"), template))
    # Literal paths first: /people/search/ must not be taken for /people/{pk}/.
    patterns.sort(key=lambda item: item[1].count("{"))
    return patterns


def operation_for(path: str, method: str) -> dict[str, Any]:
    for pattern, template in _path_patterns():
        if pattern.match(path):
            operations = openapi_schema()["paths"][template]
            if method.lower() not in operations:
                raise AssertionError(f"{method} {path}: the schema documents no such operation ({template})")
            return operations[method.lower()]
    raise AssertionError(f"{method} {path}: not in the OpenAPI schema")


def validate_response(method: str, path: str, response: HttpResponse) -> None:
    if not path.startswith("/api/v1/") or response.status_code == 405:
        return
    operation = operation_for(path, method)
    documented = operation.get("responses", {})
    code = str(response.status_code)
    if code not in documented:
        if response.status_code < 400:
            raise AssertionError(f"{method} {path}: status {code} is not documented ({sorted(documented)})")
        return
    content = documented[code].get("content")
    if not content:
        return
    media = content.get("application/json")
    assert media is not None, f"{method} {path} {code}: no JSON body documented"
    body = json.loads(response.content) if response.content else None
    error = jsonschema.exceptions.best_match(_validator(json.dumps(media["schema"], sort_keys=True)).iter_errors(body))
    if error is not None:
        raise AssertionError(f"{method} {path} {code}: response does not match the schema: {error.message}")


@functools.cache
def _validator(schema_json: str) -> jsonschema.protocols.Validator:
    schema = _to_json_schema(json.loads(schema_json))
    schema["$defs"] = _definitions()
    return jsonschema.Draft202012Validator(schema)
