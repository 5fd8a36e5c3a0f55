"""The intake API through Flask's test client: the contract, every refusal, the spool."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from intake import create_app
from tests.conftest import Repo, draft

BODY = """
### Article 1. Scope

1. This regulation applies to all operators.

### Article 2. Fees

1. The operator shall publish:
1) the tariff;
2) the schedule.

2. A reply is due within 15 working days of the request.
"""
OPEN = {"opens": "2026-01-01", "closes": "2099-12-31"}
CLOSED = {"opens": "2020-01-01", "closes": "2020-02-01"}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> tuple[Repo, str, str]:
    """A repository with a draft open for comment and one whose window has closed."""
    repo = Repo(tmp_path_factory.mktemp("api") / "project")
    first = repo.revise("fees", draft(BODY.replace("15 working", "30"), discussion=OPEN))
    repo.revise("fees", draft(BODY, discussion=OPEN))
    other = repo.revise("closed", draft(BODY, discussion=CLOSED))
    return repo, first, other


@pytest.fixture
def app(project: tuple[Repo, str, str], tmp_path: Path) -> Iterator[Flask]:
    """The intake app on that repository with an empty spool."""
    repo, _, _ = project
    yield create_app(
        {
            "REPO": str(repo.root),
            "SPOOL_DIR": str(tmp_path / "spool"),
            "REFRESH_SECONDS": 0,
            "RATE_LIMIT": "10000 per minute",
        }
    )


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client of an app whose spool files exist (a first request creates them)."""
    client = app.test_client()
    assert client.get("/api/v1/health").status_code == 200
    return client


def head(project: tuple[Repo, str, str]) -> str:
    return project[0].git("rev-parse", "HEAD~1")


def valid(project: tuple[Repo, str, str], **changes: Any) -> dict[str, Any]:
    """A valid submission on the open draft's latest revision, with fields replaced."""
    body: dict[str, Any] = {
        "draft": "fees",
        "revision": head(project),
        "author": {"name": "Ann Citizen", "organization": "Riders' Union"},
        "contact": {"email": "ann@example.org"},
        "comments": [
            {
                "target": {
                    "eid": "art_2__para_2",
                    "quote": {"exact": "15 working days", "prefix": "due within ", "suffix": " of"},
                },
                "body": "Fifteen working days is too long for a refund.",
                "suggestion": "within 5 working days",
                "rationale": "Other regulators answer in 5.",
            }
        ],
        "website": "",
    }
    body.update(changes)
    return body


def with_comment(project: tuple[Repo, str, str], **changes: Any) -> dict[str, Any]:
    body = valid(project)
    body["comments"][0].update(changes)
    return body


def with_target(project: tuple[Repo, str, str], **changes: Any) -> dict[str, Any]:
    body = valid(project)
    body["comments"][0]["target"].update(changes)
    return body


def spool_bytes(app: Flask) -> dict[str, bytes]:
    """The journals' contents (empty ones count as absent: opening one creates it)."""
    root = Path(app.config["SPOOL_DIR"])
    journals = root.glob("*.journal") if root.exists() else []
    return {p.name: p.read_bytes() for p in journals if p.stat().st_size}


def post(client: FlaskClient, body: Any, **kwargs: Any) -> Any:
    data = body if isinstance(body, (bytes, str)) else json.dumps(body)
    kwargs.setdefault("content_type", "application/json")
    return client.post("/api/v1/reviews", data=data, **kwargs)


BAD: list[tuple[str, Any, int, str, str | None]] = [
    # (name, body or a function of the project, status, code, field)
    ("malformed json", b"{", 400, "malformed_json", None),
    ("invalid utf-8", b'{"draft": "\xff\xfe"}', 400, "invalid_encoding", None),
    (
        "100 KB of brackets, over the size limit",
        b"[" * 50_000 + b"]" * 50_000,
        413,
        "too_large",
        None,
    ),
    ("10,000 nested arrays", b"[" * 10_000 + b"]" * 10_000, 400, "malformed_json", None),
    ("30,000 nested arrays", b"[" * 30_000 + b"]" * 30_000, 400, "malformed_json", None),
    (
        "10,000 nested arrays as the comments",
        lambda p: json.dumps(valid(p, comments=None)).replace("null", "[" * 10_000 + "]" * 10_000),
        400,
        "malformed_json",
        None,
    ),
    ("top-level list", [], 422, "invalid_type", None),
    ("top-level string", '"hello"', 422, "invalid_type", None),
    (
        "missing draft",
        lambda p: {k: v for k, v in valid(p).items() if k != "draft"},
        422,
        "missing_field",
        "draft",
    ),
    (
        "missing revision",
        lambda p: {k: v for k, v in valid(p).items() if k != "revision"},
        422,
        "missing_field",
        "revision",
    ),
    (
        "missing comments",
        lambda p: {k: v for k, v in valid(p).items() if k != "comments"},
        422,
        "missing_field",
        "comments",
    ),
    ("unknown field", lambda p: valid(p, email="x@example.org"), 422, "unknown_field", "email"),
    ("draft not a string", lambda p: valid(p, draft=5), 422, "invalid_type", "draft"),
    (
        "path traversal in slug",
        lambda p: valid(p, draft="../../etc/passwd"),
        422,
        "invalid_field",
        "draft",
    ),
    ("unknown draft", lambda p: valid(p, draft="no-such-draft"), 404, "unknown_draft", "draft"),
    ("revision not hex", lambda p: valid(p, revision="HEAD"), 422, "unknown_revision", "revision"),
    ("revision too short", lambda p: valid(p, revision="abc"), 422, "unknown_revision", "revision"),
    (
        "unknown revision",
        lambda p: valid(p, revision="deadbeef" * 5),
        422,
        "unknown_revision",
        "revision",
    ),
    (
        "revision of another draft",
        lambda p: valid(p, revision=p[2]),
        422,
        "unknown_revision",
        "revision",
    ),
    (
        "window closed",
        lambda p: valid(p, draft="closed", revision=p[2]),
        409,
        "discussion_closed",
        "draft",
    ),
    (
        "comments not a list",
        lambda p: valid(p, comments={"body": "x"}),
        422,
        "invalid_type",
        "comments",
    ),
    ("no comments", lambda p: valid(p, comments=[]), 422, "invalid_length", "comments"),
    (
        "51 comments",
        lambda p: valid(p, comments=valid(p)["comments"] * 51),
        422,
        "invalid_length",
        "comments",
    ),
    (
        "comment without body",
        lambda p: valid(p, comments=[{"target": {"eid": "art_1"}}]),
        422,
        "missing_field",
        "comments[0].body",
    ),
    (
        "unknown comment field",
        lambda p: with_comment(p, vote="+1"),
        422,
        "unknown_field",
        "comments[0].vote",
    ),
    (
        "target not an object",
        lambda p: with_comment(p, target="art_1"),
        422,
        "invalid_type",
        "comments[0].target",
    ),
    (
        "target without eid",
        lambda p: with_comment(p, target={"quote": {"exact": "x"}}),
        422,
        "missing_field",
        "comments[0].target.eid",
    ),
    (
        "unknown eid",
        lambda p: with_target(p, eid="art_99"),
        422,
        "unknown_element",
        "comments[0].target.eid",
    ),
    (
        "eid with path traversal",
        lambda p: with_target(p, eid="../../art_1"),
        422,
        "unknown_element",
        "comments[0].target.eid",
    ),
    (
        "quote not in element",
        lambda p: with_target(p, quote={"exact": "30 days"}),
        422,
        "quote_not_found",
        "comments[0].target.quote.exact",
    ),
    (
        "quote from another element",
        lambda p: with_target(p, quote={"exact": "the tariff"}),
        422,
        "quote_not_found",
        "comments[0].target.quote.exact",
    ),
    (
        "quote with unknown key",
        lambda p: with_target(p, quote={"exact": "15", "start": 3}),
        422,
        "unknown_field",
        "comments[0].target.quote.start",
    ),
    (
        "blank body",
        lambda p: with_comment(p, body="   \n "),
        422,
        "invalid_length",
        "comments[0].body",
    ),
    (
        "body over 5000",
        lambda p: with_comment(p, body="x" * 5001),
        422,
        "invalid_length",
        "comments[0].body",
    ),
    (
        "body not a string",
        lambda p: with_comment(p, body=["x"]),
        422,
        "invalid_type",
        "comments[0].body",
    ),
    (
        "bell in body",
        lambda p: with_comment(p, body="ring\x07"),
        422,
        "invalid_character",
        "comments[0].body",
    ),
    (
        "escape sequence",
        lambda p: with_comment(p, body="\x1b[31mred"),
        422,
        "invalid_character",
        "comments[0].body",
    ),
    (
        "NUL in name",
        lambda p: valid(p, author={"name": "A\x00B"}),
        422,
        "invalid_character",
        "author.name",
    ),
    (
        "newline in name",
        lambda p: valid(p, author={"name": "A\nB"}),
        422,
        "invalid_character",
        "author.name",
    ),
    (
        "lone surrogate in the name",
        lambda p: json.dumps(valid(p)).replace("Ann Citizen", "Ann \\ud800Citizen"),
        422,
        "invalid_character",
        "author.name",
    ),
    (
        "unknown field holding a lone surrogate",
        b'{"draft": "fees", "x": "\\ud800"}',
        422,
        "unknown_field",
        "x",
    ),
    ("author not an object", lambda p: valid(p, author="Ann"), 422, "invalid_type", "author"),
    (
        "author with e-mail",
        lambda p: valid(p, author={"email": "a@b.c"}),
        422,
        "unknown_field",
        "author.email",
    ),
    (
        "name over 200",
        lambda p: valid(p, author={"name": "n" * 201}),
        422,
        "invalid_length",
        "author.name",
    ),
    (
        "bad e-mail",
        lambda p: valid(p, contact={"email": "not an address"}),
        422,
        "invalid_field",
        "contact.email",
    ),
    (
        "contact with phone",
        lambda p: valid(p, contact={"email": "a@b.co", "phone": "1"}),
        422,
        "unknown_field",
        "contact.phone",
    ),
    ("honeypot not a string", lambda p: valid(p, website=1), 422, "invalid_type", "website"),
]


@pytest.mark.parametrize(
    ("body", "status", "code", "field"),
    [pytest.param(body, status, code, field, id=name) for name, body, status, code, field in BAD],
)
def test_bad_input_is_refused_with_status_code_and_field(
    app: Flask,
    client: FlaskClient,
    project: tuple[Repo, str, str],
    body: Any,
    status: int,
    code: str,
    field: str | None,
) -> None:
    """Each bad input gets the contract's status, an error code, the field, and no write."""
    before = spool_bytes(app)
    payload = body(project) if callable(body) else body
    response = post(client, payload)
    assert response.status_code == status, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == code
    assert error["field"] == field
    assert error["message"]
    assert spool_bytes(app) == before


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("Ann Citizen", "author.name"),
        ("Riders' Union", "author.organization"),
        ("Fifteen working days", "comments[0].body"),
        ("within 5 working days", "comments[0].suggestion"),
        ("Other regulators", "comments[0].rationale"),
        ("15 working days", "comments[0].target.quote.exact"),
        ("due within ", "comments[0].target.quote.prefix"),
    ],
)
def test_lone_surrogate_in_a_value_is_refused(
    app: Flask, client: FlaskClient, project: tuple[Repo, str, str], text: str, field: str
) -> None:
    """A JSON escape for half a UTF-16 pair cannot be stored as text: a 422 naming the
    field and the character, not a 500, and nothing stored."""
    body = json.dumps(valid(project)).replace(text, "\\ud800" + text, 1)
    assert body.count("\\ud800") == 1
    response = post(client, body)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert (error["code"], error["field"]) == ("invalid_character", field)
    assert "U+D800" in error["message"]
    assert spool_bytes(app) == {}


@pytest.mark.parametrize("depth", [10_000, 30_000])
def test_deeply_nested_json_gets_a_clear_400(
    app: Flask, client: FlaskClient, project: tuple[Repo, str, str], depth: int
) -> None:
    """Arrays nested thousands deep (a parser's recursion limit) are a 400 saying so."""
    body = json.dumps(valid(project, comments=None)).replace("null", "[" * depth + "]" * depth)
    assert len(body) < 64 * 1024
    response = post(client, body)
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "malformed_json"
    assert "nests arrays or objects too deeply" in error["message"]
    assert spool_bytes(app) == {}


@pytest.mark.parametrize(
    ("content_type", "status"),
    [("text/plain", 415), ("application/x-www-form-urlencoded", 415), ("multipart/form-data", 415)],
)
def test_only_json_is_accepted(
    app: Flask, client: FlaskClient, project: tuple[Repo, str, str], content_type: str, status: int
) -> None:
    """Forms and text are refused with 415 (a cross-site form post cannot get through)."""
    response = post(client, valid(project), content_type=content_type)
    assert response.status_code == status
    assert response.get_json()["error"]["code"] == "unsupported_media_type"
    assert spool_bytes(app) == {}


def test_body_over_64_kb_is_refused(app: Flask, client: FlaskClient) -> None:
    """A body over the limit is refused with 413, by its declared length."""
    response = post(client, b'{"x": "' + b"a" * 70_000 + b'"}')
    assert response.status_code == 413
    assert spool_bytes(app) == {}


def test_foreign_origin_is_refused_before_anything_runs(
    app: Flask, client: FlaskClient, project: tuple[Repo, str, str]
) -> None:
    """A page on another site cannot make the intake store anything."""
    response = post(client, valid(project), headers={"Origin": "https://evil.example"})
    assert response.status_code == 403
    assert response.get_json()["error"] == {
        "code": "forbidden_origin",
        "message": "Requests from https://evil.example are not accepted.",
        "field": "Origin",
    }
    assert "Access-Control-Allow-Origin" not in response.headers
    assert spool_bytes(app) == {}


def test_allowed_origin_gets_cors_headers(project: tuple[Repo, str, str], tmp_path: Path) -> None:
    """The site's own origin, when configured, may post and read the answer."""
    app = create_app(
        {
            "REPO": str(project[0].root),
            "SPOOL_DIR": str(tmp_path / "spool"),
            "REFRESH_SECONDS": 0,
            "ALLOWED_ORIGINS": "https://drafts.example.org",
        }
    )
    client = app.test_client()
    origin = {"Origin": "https://drafts.example.org"}
    preflight = client.options(
        "/api/v1/reviews",
        headers={
            **origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert preflight.headers["Access-Control-Allow-Origin"] == "https://drafts.example.org"
    response = post(client, valid(project), headers=origin)
    assert response.status_code == 201
    assert response.headers["Access-Control-Allow-Origin"] == "https://drafts.example.org"
    assert "Set-Cookie" not in response.headers


def test_accepted_review_is_stored_with_wid_and_full_revision(
    app: Flask, client: FlaskClient, project: tuple[Repo, str, str]
) -> None:
    """A 201 gives a tracking number; the spool holds the review, the contact apart."""
    body = valid(project, revision=head(project)[:8])
    response = post(client, body)
    assert response.status_code == 201
    created = response.get_json()
    assert created["status"] == "pending"
    assert created["status_url"] == f"/api/v1/reviews/{created['id']}"
    assert response.headers["Location"] == created["status_url"]
    spool = app.extensions["lawtrail"].spool
    review = spool.get(created["id"]).to_data()
    assert review["revision"] == head(project)
    assert review["author"] == {"name": "Ann Citizen", "organization": "Riders' Union"}
    comment = review["comments"][0]
    assert comment["id"] == f"{created['id']}-1"
    assert comment["target"] == {
        "eid": "art_2__para_2",
        "wid": "art_2__para_2",
        "quote": {"exact": "15 working days", "prefix": "due within ", "suffix": " of"},
    }
    assert "ann@example.org" not in json.dumps(review)
    assert spool.contact(created["id"]) == {"email": "ann@example.org"}
    status = client.get(created["status_url"]).get_json()
    assert status == {
        "id": created["id"],
        "status": "pending",
        "draft": "fees",
        "submitted": review["submitted"],
    }


def test_hostile_strings_round_trip_exactly(
    app: Flask, client: FlaskClient, project: tuple[Repo, str, str]
) -> None:
    """YAML-special text and right-to-left script is stored as typed (NFC), never
    interpreted (bidi controls are refused: tests/test_reliability.py)."""
    hostile = "!!python/object:os.system\n---\nyes\nno\n~\n\u2028שלום evil\n'\"{}[]&*#"
    body = with_comment(project, body=hostile, suggestion="e\u0301", rationale="%YAML 1.1")
    response = post(client, body)
    assert response.status_code == 201, response.get_json()
    review = app.extensions["lawtrail"].spool.get(response.get_json()["id"]).to_data()
    comment = review["comments"][0]
    assert comment["body"] == hostile.strip()
    assert comment["suggestion"] == "\u00e9"  # NFC
    assert comment["rationale"] == "%YAML 1.1"


def test_honeypot_gets_the_same_answer_but_is_kept_aside(
    app: Flask, client: FlaskClient, project: tuple[Repo, str, str]
) -> None:
    """A bot filling the hidden field sees a normal 201; its review is not in the queue."""
    response = post(client, valid(project, website="http://spam.example"))
    assert response.status_code == 201
    assert set(response.get_json()) == {"id", "status", "status_url"}
    assert app.extensions["lawtrail"].spool.pending() == []


def test_identical_bodies_are_grouped_not_dropped(
    app: Flask, client: FlaskClient, project: tuple[Repo, str, str]
) -> None:
    """A campaign of identical comments is one group with a count, every copy kept."""
    body = valid(project)
    del body["contact"]
    ids = [post(client, body).get_json()["id"] for _ in range(20)]
    groups = app.extensions["lawtrail"].spool.groups(draft="fees")
    assert [g.count for g in groups] == [20]
    assert sorted(groups[0].review_ids) == sorted(ids)


def test_draft_status_says_whether_it_is_open(
    client: FlaskClient, project: tuple[Repo, str, str]
) -> None:
    """GET /drafts/<slug> gives the current revision, stage and window."""
    fees = client.get("/api/v1/drafts/fees").get_json()
    assert fees["revision"] == head(project)
    assert fees["open"] is True and fees["stage"] == "discussion"
    assert fees["discussion"] == {"opens": "2026-01-01", "closes": "2099-12-31"}
    assert client.get("/api/v1/drafts/closed").get_json()["open"] is False
    missing = client.get("/api/v1/drafts/nope")
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "unknown_draft"


@pytest.mark.parametrize("review_id", ["../../etc/passwd", "20261127-zzzzzzzzzz", "x"])
def test_unknown_review_ids_are_404(client: FlaskClient, review_id: str) -> None:
    """A status request for an unknown or malformed id is a JSON 404."""
    response = client.get(f"/api/v1/reviews/{review_id}")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] in {"unknown_review", "not_found"}


def test_health_is_ok_when_the_spool_is_writable(client: FlaskClient) -> None:
    """The health check answers 200 with a writable spool."""
    assert client.get("/api/v1/health").get_json() == {"status": "ok"}


def test_unknown_route_and_method_answer_json(client: FlaskClient) -> None:
    """Even a wrong URL or method gets the contract's error shape."""
    assert client.get("/api/v1/nothing").get_json()["error"]["code"] == "not_found"
    response = client.delete("/api/v1/reviews")
    assert response.status_code == 405
    assert response.get_json()["error"]["code"] == "method_not_allowed"


def test_rate_limit_answers_429_per_client(project: tuple[Repo, str, str], tmp_path: Path) -> None:
    """Past the limit a client gets 429 with the contract's shape; the spool keeps the rest."""
    app = create_app(
        {
            "REPO": str(project[0].root),
            "SPOOL_DIR": str(tmp_path / "spool"),
            "REFRESH_SECONDS": 0,
            "RATE_LIMIT": "3 per minute",
        }
    )
    client = app.test_client()
    statuses = [post(client, valid(project)).status_code for _ in range(5)]
    assert statuses == [201, 201, 201, 429, 429]
    limited = post(client, valid(project))
    assert limited.get_json()["error"]["code"] == "rate_limited"
    assert "3 per 1 minute" in limited.get_json()["error"]["message"]
    assert 1 <= int(limited.headers["Retry-After"]) <= 60
    assert len(app.extensions["lawtrail"].spool.pending()) == 3


def test_an_unreachable_rate_limit_store_lets_comments_through(
    project: tuple[Repo, str, str], tmp_path: Path
) -> None:
    """With the shared counter's Redis down, a submission is still taken (and the log says
    the limit is not applied): a consultation does not stop for its counter."""
    app = create_app(
        {
            "REPO": str(project[0].root),
            "SPOOL_DIR": str(tmp_path / "spool"),
            "REFRESH_SECONDS": 0,
            "RATE_LIMIT": "1 per minute",
            "RATE_LIMIT_STORAGE_URI": "redis://127.0.0.1:1",  # nothing listens on port 1
        }
    )
    client = app.test_client()
    assert [post(client, valid(project)).status_code for _ in range(2)] == [201, 201]


@pytest.mark.parametrize(("proxies", "expected"), [(1, [201, 201, 429]), (0, [201, 429, 429])])
def test_forwarded_address_is_trusted_only_behind_configured_proxies(
    project: tuple[Repo, str, str], tmp_path: Path, proxies: int, expected: list[int]
) -> None:
    """Behind one proxy, X-Forwarded-For names the client; with none, it is ignored."""
    app = create_app(
        {
            "REPO": str(project[0].root),
            "SPOOL_DIR": str(tmp_path / "spool"),
            "REFRESH_SECONDS": 0,
            "RATE_LIMIT": "1 per minute",
            "PROXIES": proxies,
        }
    )
    client = app.test_client()
    statuses = [
        post(client, valid(project), headers={"X-Forwarded-For": address}).status_code
        for address in ("203.0.113.1", "203.0.113.2", "203.0.113.1")
    ]
    assert statuses == expected


def test_a_rate_limit_window_ends_when_retry_after_says(
    project: tuple[Repo, str, str], tmp_path: Path
) -> None:
    """A client refused with 429 is taken again once the seconds in Retry-After have passed."""
    import time

    app = create_app(
        {
            "REPO": str(project[0].root),
            "SPOOL_DIR": str(tmp_path / "spool"),
            "REFRESH_SECONDS": 0,
            "RATE_LIMIT": "2 per 2 seconds",
        }
    )
    client = app.test_client()
    assert [post(client, valid(project)).status_code for _ in range(3)] == [201, 201, 429]
    refused = post(client, valid(project))
    time.sleep(int(refused.headers["Retry-After"]))
    assert post(client, valid(project)).status_code == 201
