"""Every size limit of a submission, at the limit and one character over it."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from intake import create_app
from site_builder.limits import MAX_BODY, MAX_CONTEXT, MAX_EID, MAX_EMAIL, MAX_NAME, MAX_QUOTE
from tests.conftest import Repo, draft

# A paragraph longer than the longest quote a reader may select.
LONG = " ".join(f"word{n:04d}" for n in range(300))
BODY = f"### Article 1. Scope\n\n1. {LONG}.\n"
OPEN = {"opens": "2026-01-01", "closes": "2099-12-31"}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> tuple[Repo, str]:
    """A draft open for comment whose paragraph is longer than MAX_QUOTE."""
    repo = Repo(tmp_path_factory.mktemp("limits") / "project")
    return repo, repo.revise("long", draft(BODY, discussion=OPEN))


@pytest.fixture
def client(project: tuple[Repo, str], tmp_path: Path) -> FlaskClient:
    app = create_app(
        {
            "REPO": str(project[0].root),
            "SPOOL_DIR": str(tmp_path / "spool"),
            "REFRESH_SECONDS": 0,
            "RATE_LIMIT": "10000 per minute",
        }
    )
    return app.test_client()


def submission(sha: str) -> dict[str, Any]:
    return {
        "draft": "long",
        "revision": sha,
        "author": {"name": "Ann", "organization": "Union"},
        "contact": {"email": "ann@example.org"},
        "comments": [
            {
                "target": {"eid": "art_1__para_1", "quote": {"exact": "word0001"}},
                "body": "Too long.",
            }
        ],
    }


def _author(key: str) -> Callable[[dict[str, Any], int], None]:
    return lambda body, n: body["author"].__setitem__(key, "n" * n)


def _comment(key: str) -> Callable[[dict[str, Any], int], None]:
    return lambda body, n: body["comments"][0].__setitem__(key, "b" * n)


def _quote(key: str) -> Callable[[dict[str, Any], int], None]:
    def change(body: dict[str, Any], n: int) -> None:
        quote = body["comments"][0]["target"]["quote"]
        # The exact quote must be words of the paragraph; prefix and suffix are only context.
        quote[key] = LONG[:n] if key == "exact" else "c" * n

    return change


def _email(body: dict[str, Any], n: int) -> None:
    domain = "@example.org"
    body["contact"]["email"] = "a" * (n - len(domain)) + domain


def _eid(body: dict[str, Any], n: int) -> None:
    body["comments"][0]["target"]["eid"] = "art_1__para_" + "9" * (n - len("art_1__para_"))


LIMITS = [
    # (field, its limit, how to make it that long)
    ("author.name", MAX_NAME, _author("name")),
    ("author.organization", MAX_NAME, _author("organization")),
    ("contact.email", MAX_EMAIL, _email),
    ("comments[0].body", MAX_BODY, _comment("body")),
    ("comments[0].suggestion", MAX_BODY, _comment("suggestion")),
    ("comments[0].rationale", MAX_BODY, _comment("rationale")),
    ("comments[0].target.quote.exact", MAX_QUOTE, _quote("exact")),
    ("comments[0].target.quote.prefix", MAX_CONTEXT, _quote("prefix")),
    ("comments[0].target.quote.suffix", MAX_CONTEXT, _quote("suffix")),
    ("comments[0].target.eid", MAX_EID, _eid),
]


def post(client: FlaskClient, body: dict[str, Any]) -> Any:
    return client.post("/api/v1/reviews", data=json.dumps(body), content_type="application/json")


@pytest.mark.parametrize(
    ("field", "limit", "change"), LIMITS, ids=[field for field, _, _ in LIMITS]
)
def test_a_field_at_its_limit_passes_and_one_over_is_refused_naming_it(
    client: FlaskClient,
    project: tuple[Repo, str],
    field: str,
    limit: int,
    change: Callable[[dict[str, Any], int], None],
) -> None:
    """At the limit the length is accepted; one character more is a 422 naming the field,
    its length and the limit."""
    at, over = submission(project[1]), submission(project[1])
    change(at, limit)
    change(over, limit + 1)
    accepted = post(client, at)
    if field.endswith(".eid"):
        # No element has an id that long: past the length check, the id is looked up.
        assert accepted.status_code == 422, accepted.get_json()
        assert accepted.get_json()["error"]["code"] == "unknown_element"
    else:
        assert accepted.status_code == 201, accepted.get_json()
    refused = post(client, over)
    assert refused.status_code == 422
    error = refused.get_json()["error"]
    assert (error["code"], error["field"]) == ("invalid_length", field)
    assert f"{limit + 1} characters; at most {limit}" in error["message"]
