"""The OpenAPI document of the HTTP API (issue 14, item 1): schemathesis runs every operation
against the app in process with data generated from the document, and every response must be
one the document describes (no 5xx, status, content type, headers and body as documented);
each action kind's facts are a schema of their own with Chinese titles; the docs page needs
nothing from the network; the README's routes table lists every route."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import hypothesis
import pytest
import schemathesis
from fastapi import FastAPI
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from gongkai.check.checker import Checker
from gongkai.config import Settings
from gongkai.facts import ACTIONS
from gongkai.journal.decisionlog import open_log
from gongkai.service.auth import KNOWN_RPCS
from gongkai.service.core import Service
from gongkai.service.docs import docs_page
from gongkai.service.http import OPEN, ROUTES, create_app, openapi_document
from tests.conftest import ROOT

EXAMPLES = 25  # per operation: enough to reach every branch of the body, bounded for CI


# The app is made at import, for schemathesis to read its document while collecting; the rules
# and the log it serves are given to it by the fixture below, before any test calls it.
SERVICE = Service(Settings())
APP = create_app(SERVICE)
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@pytest.fixture(scope="module", autouse=True)
def serving(checker: Checker, tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    journal = open_log(tmp_path_factory.mktemp("log"), durability="normal")
    SERVICE.checker, SERVICE.journal, SERVICE.serving = checker, journal, True
    yield
    SERVICE.checker, SERVICE.journal, SERVICE.serving = None, None, False
    journal.close()


@pytest.fixture
def app() -> FastAPI:
    return APP


def call_and_validate(case: Any) -> None:
    # All of schemathesis' checks but one: data valid by the document may still name a
    # division code not in GB/T 2260, an agency no pack binds, a pack that does not exist or
    # dates in an order that cannot be — tables and rules a schema cannot hold. Each is a
    # documented 400 or 422 (problem details), which the other checks hold the answer to.
    excluded = [positive_data_acceptance]
    if case.operation.path == "/v1/check-batch":
        # a batch answers each request on its own, as CheckBatch does over gRPC: one invalid by
        # the document gets its own error in the 200 (the schema conformance check reads it)
        excluded.append(negative_data_rejection)
    case.call_and_validate(excluded_checks=excluded)


SETTINGS = {
    "deadline": None,  # a shared machine: no timing
    "database": None,  # nothing written beside the tests
    "suppress_health_check": list(hypothesis.HealthCheck),
    "derandomize": True,  # the same examples every run: a failure reproduces
}


@schema.parametrize()
@hypothesis.settings(max_examples=EXAMPLES, phases=[hypothesis.Phase.generate], **SETTINGS)
def test_every_response_is_one_the_document_describes(case: Any) -> None:
    """Valid and invalid data generated from the document, every operation."""
    call_and_validate(case)


@schema.include(method="GET").parametrize()
@hypothesis.settings(phases=[hypothesis.Phase.explicit], **SETTINGS)
def test_every_boundary_of_every_parameter_is_answered_as_documented(case: Any) -> None:
    """Schemathesis' coverage phase: each parameter's boundaries and the values beside them
    (for the check bodies it makes hundreds of cases a minute apart: the generated ones above
    reach their branches)."""
    call_and_validate(case)


def test_the_document_is_openapi_3_1_with_each_action_kinds_facts_as_a_chinese_schema(app: FastAPI) -> None:
    document = app.openapi()
    assert document["openapi"].startswith("3.1")
    schemas = document["components"]["schemas"]
    for kind, model in ACTIONS.items():
        facts = schemas[model.__name__]
        assert facts["title"] == model.term
        assert facts["additionalProperties"] is False
        assert set(facts["properties"]) == set(model.model_fields)
        for name, field in model.model_fields.items():
            assert facts["properties"][name]["title"] == field.title  # the Chinese term
        request = schemas[f"Check.{kind}"]
        assert request["properties"]["action"]["enum"] == [kind, model.term]
        assert request["properties"]["facts"] == {"$ref": f"#/components/schemas/{model.__name__}"}
    body = document["paths"]["/v1/check"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert [one["$ref"].rsplit("/", 1)[1] for one in body["oneOf"]] == [f"Check.{kind}" for kind in ACTIONS]
    answer = schemas["AnswerRequest"]["properties"]
    assert answer["received_on"]["title"] == "收到申请之日"
    assert answer["answered_on"]["not_before"] == ["received_on"]


def test_every_status_answered_is_documented_with_problem_details(app: FastAPI) -> None:
    document = app.openapi()
    check = document["paths"]["/v1/check"]["post"]["responses"]
    assert {"200", "400", "413", "422", "500", "503", "504"} <= set(check)
    assert check["422"]["content"]["application/problem+json"]["schema"]["$ref"].endswith("/ProblemDetails")
    problem = document["components"]["schemas"]["ProblemDetails"]
    assert {"type", "title", "status", "detail", "code"} <= set(problem["required"])
    assert "HTTPValidationError" not in document["components"]["schemas"]  # FastAPI's 422, never answered
    assert "bearer" not in document["components"].get("securitySchemes", {})  # no tokens: none asked


def test_with_tokens_the_document_asks_for_a_bearer_token_and_lists_401_and_403(checker: Checker) -> None:
    service = Service(Settings(), checker)
    document = openapi_document(create_app(service), tokens=True)
    assert document["components"]["securitySchemes"]["bearer"] == {"type": "http", "scheme": "bearer"}
    check = document["paths"]["/v1/check"]["post"]
    assert check["security"] == [{"bearer": []}] and {"401", "403"} <= set(check["responses"])
    assert "security" not in document["paths"]["/healthz"]["get"]  # health is open


def test_the_docs_page_lists_every_route_and_schema_and_loads_nothing_from_the_network(app: FastAPI) -> None:
    document = app.openapi()
    page = docs_page(document)
    for path, methods in document["paths"].items():
        for method in methods:
            assert f'{method.upper()}</span>\n<span class="path">{path}</span>' in page
    assert 'id="schema-AnswerRequest"' in page and "收到申请之日" in page
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)  # no CDN, no remote script or style


def test_the_readme_routes_table_lists_every_route_of_the_document(app: FastAPI) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("### JSON over HTTP", 1)[1].split("\n\n", 3)[3]
    listed = set(re.findall(r"^\| `(GET|POST) (/[^`]*)`", table, re.MULTILINE))
    documented = {(m.upper(), p) for p, methods in app.openapi()["paths"].items() for m in methods}
    assert documented | {("GET", "/openapi.json"), ("GET", "/docs")} == listed


def test_every_route_but_the_open_ones_names_an_rpc_a_token_may_be_given(app: FastAPI) -> None:
    routes = {(m.upper(), p) for p, methods in app.openapi()["paths"].items() for m in methods}
    assert set(ROUTES) == {(m, p) for m, p in routes if p not in OPEN}
    assert set(ROUTES.values()) <= set(KNOWN_RPCS)


def test_the_readme_settings_table_names_the_http_and_metrics_ports() -> None:
    readme = Path(ROOT / "README.md").read_text(encoding="utf-8")
    for name in ("http_port", "metrics_port"):
        assert f"| `{name}` | `GONGKAI_{name.upper()}` |" in readme
        assert name in Settings.model_fields
