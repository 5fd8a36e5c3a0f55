"""The OpenAPI document is valid and true: every route and every documented status, as
the app really answers them, matches its schema."""

from __future__ import annotations

import copy
import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from flask.testing import FlaskClient
from openapi_spec_validator import validate

from intake import create_app
from intake.openapi import openapi_document
from tests.conftest import Repo, draft

BODY = "### Article 1. Fees\n\n1. A reply is due within 15 working days.\n"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> tuple[Repo, str, str]:
    repo = Repo(tmp_path_factory.mktemp("openapi") / "project")
    sha = repo.revise(
        "fees", draft(BODY, discussion={"opens": "2026-01-01", "closes": "2099-12-31"})
    )
    closed = repo.revise(
        "old", draft(BODY, discussion={"opens": "2020-01-01", "closes": "2020-01-31"})
    )
    return repo, sha, closed


def review(sha: str, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "draft": "fees",
        "revision": sha,
        "comments": [{"target": {"eid": "art_1__para_1"}, "body": "Too slow."}],
    }
    body.update(changes)
    return body


def _client(project: tuple[Repo, str, str], spool: Path, **config: Any) -> FlaskClient:
    settings = {
        "REPO": str(project[0].root),
        "SPOOL_DIR": str(spool),
        "REFRESH_SECONDS": 0,
        "RATE_LIMIT": "1000 per minute",
    }
    return create_app({**settings, **config}).test_client()


def _broken_spool(project: tuple[Repo, str, str], spool: Path) -> FlaskClient:
    """An app whose spool directory was replaced by a file after start-up."""
    client = _client(project, spool)
    shutil.rmtree(spool)
    spool.write_text("not a directory")
    return client


Exercise = Callable[[tuple[Repo, str, str], Path], Any]


def _post(body: Any, **kwargs: Any) -> Callable[[FlaskClient], Any]:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    kwargs.setdefault("content_type", "application/json")
    return lambda client: client.post("/api/v1/reviews", data=data, **kwargs)


def _limited(project: tuple[Repo, str, str], spool: Path) -> Any:
    client = _client(project, spool, RATE_LIMIT="1 per minute")
    _post(review(project[1]))(client)
    return _post(review(project[1]))(client)


def _status_of_new(project: tuple[Repo, str, str], spool: Path) -> Any:
    client = _client(project, spool)
    created = _post(review(project[1]))(client).get_json()
    return client.get(created["status_url"])


EVIL = {"Origin": "https://evil.example"}
CASES: dict[tuple[str, str, str], Exercise] = {
    ("post", "/api/v1/reviews", "201"): lambda p, s: _post(review(p[1]))(_client(p, s)),
    ("post", "/api/v1/reviews", "400"): lambda p, s: _post(b"{")(_client(p, s)),
    ("post", "/api/v1/reviews", "403"): lambda p, s: _post(review(p[1]), headers=EVIL)(
        _client(p, s)
    ),
    ("post", "/api/v1/reviews", "404"): lambda p, s: _post(review(p[1], draft="nope"))(
        _client(p, s)
    ),
    ("post", "/api/v1/reviews", "409"): lambda p, s: _post(review(p[2], draft="old"))(
        _client(p, s)
    ),
    ("post", "/api/v1/reviews", "413"): lambda p, s: _post(b"[" + b" " * 70_000 + b"]")(
        _client(p, s)
    ),
    ("post", "/api/v1/reviews", "415"): lambda p, s: _post(b"x", content_type="text/plain")(
        _client(p, s)
    ),
    ("post", "/api/v1/reviews", "422"): lambda p, s: _post(
        review(p[1], comments=[{"target": {"eid": "art_9"}, "body": "x"}])
    )(_client(p, s)),
    ("post", "/api/v1/reviews", "429"): _limited,
    ("post", "/api/v1/reviews", "503"): lambda p, s: _post(review(p[1]))(_broken_spool(p, s)),
    ("get", "/api/v1/reviews/{review_id}", "200"): _status_of_new,
    ("get", "/api/v1/reviews/{review_id}", "403"): lambda p, s: _client(p, s).get(
        "/api/v1/reviews/20260101-0000000000", headers=EVIL
    ),
    ("get", "/api/v1/reviews/{review_id}", "404"): lambda p, s: _client(p, s).get(
        "/api/v1/reviews/20260101-0000000000"
    ),
    ("get", "/api/v1/reviews/{review_id}", "503"): lambda p, s: _broken_spool(p, s).get(
        "/api/v1/reviews/20260101-0000000000"
    ),
    ("get", "/api/v1/drafts/{slug}", "200"): lambda p, s: _client(p, s).get("/api/v1/drafts/fees"),
    ("get", "/api/v1/drafts/{slug}", "403"): lambda p, s: _client(p, s).get(
        "/api/v1/drafts/fees", headers=EVIL
    ),
    ("get", "/api/v1/drafts/{slug}", "404"): lambda p, s: _client(p, s).get("/api/v1/drafts/nope"),
    ("get", "/api/v1/health", "200"): lambda p, s: _client(p, s).get("/api/v1/health"),
    ("get", "/api/v1/health", "403"): lambda p, s: _client(p, s).get(
        "/api/v1/health", headers=EVIL
    ),
    ("get", "/api/v1/health", "503"): lambda p, s: _broken_spool(p, s).get("/api/v1/health"),
    ("get", "/api/v1/ready", "200"): lambda p, s: _client(p, s).get("/api/v1/ready"),
    ("get", "/api/v1/ready", "403"): lambda p, s: _client(p, s).get("/api/v1/ready", headers=EVIL),
    ("get", "/api/v1/ready", "503"): lambda p, s: _broken_spool(p, s).get("/api/v1/ready"),
    ("get", "/api/v1/openapi.json", "200"): lambda p, s: _client(p, s).get("/api/v1/openapi.json"),
    ("get", "/api/v1/openapi.json", "403"): lambda p, s: _client(p, s).get(
        "/api/v1/openapi.json", headers=EVIL
    ),
}


def documented() -> list[tuple[str, str, str]]:
    document = openapi_document()
    return sorted(
        (method, path, status)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        for status in operation["responses"]
    )


def test_the_document_is_valid_openapi_3() -> None:
    """openapi-spec-validator accepts the document the app serves."""
    app = create_app({"REPO": ".", "REFRESH_SECONDS": 0})
    served = app.test_client().get("/api/v1/openapi.json").get_json()
    assert served == openapi_document()
    validate(served)


def test_every_documented_status_is_exercised() -> None:
    """The cases below cover exactly the statuses the document promises."""
    assert sorted(CASES) == documented()


@pytest.mark.parametrize("case", documented(), ids=lambda c: " ".join(c))
def test_each_documented_answer_is_real_and_matches_its_schema(
    project: tuple[Repo, str, str], tmp_path: Path, case: tuple[str, str, str]
) -> None:
    """The route really answers that status, with a body its schema accepts."""
    method, path, status = case
    response = CASES[case](project, tmp_path / "spool")
    assert str(response.status_code) == status, response.get_json()
    content = openapi_document()["paths"][path][method]["responses"][status]["content"]
    schema = _json_schema(content["application/json"]["schema"])
    jsonschema.validate(response.get_json(), schema)


def _json_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """An OpenAPI 3.0 schema as plain JSON Schema: refs inlined, `nullable` as a type."""
    components = openapi_document()["components"]["schemas"]

    def convert(node: Any) -> Any:
        if isinstance(node, list):
            return [convert(item) for item in node]
        if not isinstance(node, dict):
            return node
        if "$ref" in node:
            return convert(copy.deepcopy(components[node["$ref"].rsplit("/", 1)[-1]]))
        out = {key: convert(value) for key, value in node.items() if key != "nullable"}
        if node.get("nullable"):
            out["type"] = [node["type"], "null"]
        return out

    converted: dict[str, Any] = convert(schema)
    return converted


# docs/api.md against the document --------------------------------------------------------

API_DOC = Path(__file__).resolve().parent.parent / "docs" / "api.md"


def status_tables() -> tuple[list[str], dict[str, str]]:
    """docs/api.md's "Following a review": the statuses in its first table, and each field
    of its second with the status it comes with ("all", or one status)."""
    doc = API_DOC.read_text(encoding="utf-8")
    section = doc.split("\n## Following a review\n", 1)[1].split("\n## ", 1)[0]
    tables = [block for block in section.split("\n\n") if block.startswith("| ")]
    statuses = re.findall(r"^\| `([a-z]+)` \|", tables[0], re.M)
    fields = dict(re.findall(r"^\| `([a-z_.\[\]]+)` \| `?([a-z]+)`? \|", tables[1], re.M))
    return statuses, fields


def schema_fields(schema: dict[str, Any], prefix: str = "") -> list[str]:
    """Every field a schema describes, nested ones as `comments[].answer.text`."""
    components = openapi_document()["components"]["schemas"]
    if "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[-1]]
    found = []
    for name, prop in schema.get("properties", {}).items():
        found.append(prefix + name)
        if prop.get("type") == "array":
            found.extend(schema_fields(prop["items"], f"{prefix}{name}[]."))
        else:
            found.extend(schema_fields(prop, f"{prefix}{name}."))
    return found


def test_the_documented_statuses_and_fields_are_the_documents() -> None:
    """Every status and field docs/api.md lists for the status API is in the OpenAPI
    document, and every one the document has is listed there."""
    statuses, fields = status_tables()
    schema = openapi_document()["components"]["schemas"]["ReviewStatus"]
    assert statuses == schema["properties"]["status"]["enum"]
    assert sorted(fields) == sorted(schema_fields(schema))
    assert set(fields.values()) <= {"all", *statuses}
