"""The OpenAPI document of the contract: served as kept in the repo, and the sandbox fuzzed against it.

schemathesis draws requests for every operation of the document, valid and invalid, and sends them to the
sandbox; every answer must not be a 5xx, must have a status documented for its operation, and must match the
documented content type and schema.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import requests
import schemathesis
import yaml
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.support.lapor import CONTENT, new_report

DOCUMENT = Path(__file__).resolve().parents[2] / "lapor_client" / "openapi.yaml"
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
MAX_EXAMPLES = 30


@pytest.fixture(scope="module")
def tracking_id(sandbox) -> str:
    answer = requests.post(
        f"{sandbox.url}/api/v1/reports",
        json=new_report().to_dict(),
        timeout=10,
        headers={"Authorization": f"Bearer {sandbox.token}"},
    )
    assert answer.status_code == 201
    return answer.json()["tracking_id"]


@pytest.fixture(scope="module")
def lapor_schema(sandbox, tracking_id):
    config = SchemathesisConfig.from_dict(
        {
            "base-url": sandbox.url,
            "generation": {"max-examples": MAX_EXAMPLES, "database": "none"},
            "phases": {"stateful": {"enabled": False}},
        }
    )
    schema = schemathesis.openapi.from_path(DOCUMENT, config=config)

    @schema.hook
    def before_generate_path_parameters(context, strategy):
        """Many calls to a report name one that exists, so that they get past the 404."""
        if "{tracking_id}" not in context.operation.path:
            return strategy
        return st.one_of(strategy, st.just({"tracking_id": tracking_id}))

    @schema.hook
    def before_generate_body(context, strategy):
        """Many uploads carry real files (some of a disallowed type), so that some are stored."""
        if context.operation.path != "/api/v1/attachments":
            return strategy
        return st.one_of(
            strategy, st.sampled_from(sorted(CONTENT.values())).map(lambda content: {"file": content})
        )

    return schema


fuzzed = schemathesis.pytest.from_fixture("lapor_schema")


@fuzzed.parametrize()
def test_fuzzed_requests_get_documented_answers(case, sandbox):
    case.call_and_validate(headers={"Authorization": f"Bearer {sandbox.token}"}, checks=CHECKS, timeout=10)


def test_the_sandbox_serves_the_document_kept_in_the_repo(sandbox):
    kept = DOCUMENT.read_text(encoding="utf-8")
    assert requests.get(f"{sandbox.url}/openapi.yaml", timeout=5).text == kept
    served = requests.get(f"{sandbox.url}/openapi.json", timeout=5).json()
    assert served == yaml.safe_load(kept) and served["openapi"].startswith("3.")
    operations = {(path, method) for path, item in served["paths"].items() for method in item}
    contract = {
        ("/api/v1/categories", "get"),
        ("/api/v1/agencies", "get"),
        ("/api/v1/attachments", "post"),
        ("/api/v1/reports", "post"),
        ("/api/v1/reports/{tracking_id}", "get"),
        ("/api/v1/events", "get"),
        ("/api/v1/reports/{tracking_id}/replies", "post"),
        ("/api/v1/reports/{tracking_id}/rating", "post"),
    }
    assert contract <= operations
    assert not any(path.startswith("/sandbox/faults") for path, _ in operations)
