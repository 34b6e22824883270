"""The OpenAPI schema is complete: every JSON route documents its answer's shape, and
every write that takes input documents its request body."""

from __future__ import annotations

import pytest

from duijie.api.web.app import create_app

# Writes that are pure actions on the record named by their path: they take no body.
BODILESS_ACTIONS = {
    ("post", "/api/challenges/recompute"),
    ("post", "/api/analysis/learn"),
    ("post", "/api/embeddings"),
    ("post", "/api/events/{event_id}/publish"),
    ("put", "/api/needs/{need_id}/shares/{expert_id}"),
    ("post", "/api/imports/{job_id}/confirm"),
    ("post", "/api/imports/{job_id}/cancel"),
}


def _operations():
    schema = create_app().openapi()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            yield method, path, operation


OPERATIONS = sorted((m, p) for m, p, _ in _operations())


def test_the_schema_lists_the_json_api():
    assert len(OPERATIONS) > 50
    assert all(path.startswith(("/api/", "/health", "/ready")) for _, path in OPERATIONS)


@pytest.mark.parametrize(("method", "path", "operation"), list(_operations()),
                         ids=[f"{m} {p}" for m, p, _ in _operations()])
def test_every_operation_documents_its_shapes(method, path, operation):
    answers = {code: answer for code, answer in operation["responses"].items()
               if code.startswith("2")}
    assert answers, f"{method} {path}: no success answer documented"
    for code, answer in answers.items():
        if code == "204":
            continue
        content = answer.get("content", {})
        assert content, f"{method} {path}: answer {code} has no content type"
        json_schema = content.get("application/json", {}).get("schema")
        if "application/json" in content:
            assert json_schema not in (None, {}), f"{method} {path}: an untyped JSON answer"
    if method in ("post", "put", "patch") and (method, path) not in BODILESS_ACTIONS:
        assert "requestBody" in operation, f"{method} {path}: its input is not documented"
