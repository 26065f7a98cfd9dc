"""The OpenAPI document of the contract: served as kept in the repo, and the sandbox fuzzed against it.

Requests are drawn from the document's own schemas (valid, half-valid and junk) with hypothesis; every
answer must be documented for its operation, match the documented schema, and never be a 5xx.
"""
from __future__ import annotations

import copy
import json
import string
import uuid
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import requests
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from tests.lapor_client.samples import CONTENT, new_report

DOCUMENT = Path(__file__).resolve().parents[2] / "lapor_client" / "openapi.yaml"
SPEC = yaml.safe_load(DOCUMENT.read_text(encoding="utf-8"))


def resolve(node: Any) -> Any:
    """The document with every local $ref replaced by what it points at."""
    if isinstance(node, dict):
        if "$ref" in node:
            target: Any = SPEC
            for part in node["$ref"].removeprefix("#/").split("/"):
                target = target[part]
            return resolve(target)
        return {k: resolve(v) for k, v in node.items()}
    if isinstance(node, list):
        return [resolve(v) for v in node]
    return node


PATHS = resolve(SPEC["paths"])
OPERATIONS = [(path, method) for path, item in PATHS.items() for method in item]

junk = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)
header_text = st.text(alphabet=string.ascii_letters + string.digits + "-_:.", min_size=1, max_size=80)


def mostly(likely: st.SearchStrategy, other: st.SearchStrategy) -> st.SearchStrategy:
    """Three draws in four from `likely`."""
    return st.integers(0, 3).flatmap(lambda n: likely if n < 3 else other)


def from_schema(schema: dict[str, Any]) -> st.SearchStrategy:
    """Values of a (resolved) JSON schema: the subset the document uses."""
    if schema.get("examples"):  # mostly the document's own examples, so that calls also succeed
        return mostly(st.sampled_from(schema["examples"]), from_schema({**schema, "examples": None}))
    if "oneOf" in schema:
        return st.one_of([from_schema(s) for s in schema["oneOf"]])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    kind = schema.get("type", "object")
    if isinstance(kind, list):
        return st.one_of([from_schema({**schema, "type": k}) for k in kind])
    if kind == "null":
        return st.none()
    if kind == "boolean":
        return st.booleans()
    if kind == "integer":
        return st.integers(schema.get("minimum"), schema.get("maximum"))
    if kind == "number":
        return st.floats(schema.get("minimum"), schema.get("maximum"), allow_nan=False)
    if kind == "string":
        if schema.get("format") == "date":
            return st.dates(date.today() - timedelta(days=3650), date.today()).map(date.isoformat)
        if schema.get("format") == "date-time":
            return st.datetimes(timezones=st.just(timezone.utc)).map(datetime.isoformat)
        return st.text(min_size=schema.get("minLength", 0), max_size=min(schema.get("maxLength", 200), 200))
    if kind == "array":
        return st.lists(from_schema(schema.get("items", {})), max_size=min(schema.get("maxItems", 3), 3))
    properties = schema.get("properties", {})
    required = set(schema.get("required", ()))
    return st.fixed_dictionaries(
        {name: from_schema(s) for name, s in properties.items() if name in required},
        optional={name: from_schema(s) for name, s in properties.items() if name not in required},
    )


def json_bodies(schema: dict[str, Any]) -> st.SearchStrategy:
    """Valid bodies, bodies with one field spoiled, and junk (NaN and Infinity included)."""
    valid = from_schema(schema)
    spoiled = st.tuples(valid, st.sampled_from(sorted(schema.get("properties", {"x": None}))), junk).map(
        lambda t: {**t[0], t[1]: t[2]})
    return st.one_of(valid, spoiled, junk)


@pytest.fixture(scope="module")
def http(sandbox):
    with requests.Session() as session:
        session.headers["Authorization"] = f"Bearer {sandbox.token}"
        yield session


@pytest.fixture(scope="module")
def tracking_ids(sandbox, http) -> list[str]:
    answer = http.post(f"{sandbox.url}/api/v1/reports", json=new_report().to_dict(),
                       headers={"Idempotency-Key": str(uuid.uuid4())})
    assert answer.status_code == 201
    return [answer.json()["tracking_id"]]


def request_for(path: str, method: str, operation: dict[str, Any], tracking_ids: list[str]) -> st.SearchStrategy:
    """Draws (url path, query, headers, request kwargs) for one operation."""
    parameters = operation.get("parameters", [])

    @st.composite
    def draw(draw_value):
        url_path, query, headers = path, {}, {}
        for parameter in parameters:
            if parameter["in"] == "path":
                value = draw_value(mostly(st.sampled_from(tracking_ids), from_schema(parameter["schema"])))
                url_path = url_path.replace("{%s}" % parameter["name"], requests.utils.quote(value, safe=""))
            elif parameter["in"] == "query":
                value = draw_value(st.none() | from_schema(parameter["schema"]).map(str) | st.text(max_size=10))
                if value is not None:
                    query[parameter["name"]] = value
            elif draw_value(st.booleans()):
                headers[parameter["name"]] = draw_value(header_text)
        content = operation.get("requestBody", {}).get("content", {})
        if "application/json" in content:
            raw = json_bodies(content["application/json"]["schema"]).map(lambda body: json.dumps(body).encode())
            kwargs = {"data": draw_value(raw | st.binary(max_size=50)), "headers": {"Content-Type": "application/json"}}
        elif "multipart/form-data" in content:
            payload = st.sampled_from(sorted(CONTENT.values())) | st.binary(max_size=300)
            kwargs = {"files": {draw_value(st.sampled_from(["file", "berkas"])):
                                (draw_value(st.text(max_size=30)) or "x", draw_value(payload))}}
        else:
            kwargs = {}
        return url_path, query, headers, kwargs

    return draw()


@pytest.mark.parametrize("path, method", OPERATIONS, ids=[f"{m.upper()} {p}" for p, m in OPERATIONS])
def test_fuzzed_requests_get_documented_answers(sandbox, http, tracking_ids, path, method):
    operation = PATHS[path][method]

    @settings(max_examples=40, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
    @given(request=request_for(path, method, operation, tracking_ids))
    def check(request):
        url_path, query, headers, kwargs = copy.deepcopy(request)
        headers.update(kwargs.pop("headers", {}))
        response = http.request(method.upper(), sandbox.url + url_path, params=query, headers=headers,
                                timeout=10, **kwargs)
        assert response.status_code < 500, response.text
        documented = operation["responses"].get(str(response.status_code))
        if documented is None:  # a path that no longer names this operation, e.g. an id with a slash
            assert response.status_code in (404, 405) and response.json()["error"]["code"]
            return
        Draft202012Validator(documented["content"]["application/json"]["schema"]).validate(response.json())

    check()


def test_the_sandbox_serves_the_document_kept_in_the_repo(sandbox):
    assert requests.get(f"{sandbox.url}/openapi.yaml", timeout=5).text == DOCUMENT.read_text(encoding="utf-8")
    served = requests.get(f"{sandbox.url}/openapi.json", timeout=5).json()
    assert served == SPEC and served["openapi"].startswith("3.")
    contract = {("/api/v1/categories", "get"), ("/api/v1/agencies", "get"), ("/api/v1/attachments", "post"),
                ("/api/v1/reports", "post"), ("/api/v1/reports/{tracking_id}", "get"), ("/api/v1/events", "get"),
                ("/api/v1/reports/{tracking_id}/replies", "post"), ("/api/v1/reports/{tracking_id}/rating", "post")}
    assert contract <= set(OPERATIONS)
