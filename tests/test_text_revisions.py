"""Revisions are text: stage and window moves are timeline events, never revisions or empty
redlines; their old addresses redirect, and comments made on them still anchor."""

from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup

from intake import create_app
from intake.spool import Spool
from site_builder.reviews import dump_review
from tests.conftest import Build, Repo, draft
from tests.test_build import REV1, REV2, REV3

WINDOW = {"opens": "2026-01-04", "closes": "2026-01-20"}
EXTENDED = {**WINDOW, "closes": "2026-01-25"}


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> tuple[Repo, dict[str, str], Build]:
    """Three text revisions and four stage or window moves, each its own commit."""
    repo = Repo(tmp_path_factory.mktemp("text") / "project")
    shas = {
        "r1": repo.revise("fees", draft(REV1, stage="initiated", discussion=None), "Initiate"),
        "open": repo.revise("fees", draft(REV1, discussion=WINDOW), "Open the discussion"),
        "r2": repo.revise("fees", draft(REV2, discussion=WINDOW), "Shorten the reply period"),
        "extend": repo.revise("fees", draft(REV2, discussion=EXTENDED), "Extend the discussion"),
    }
    repo.clock += 30 * 86_400
    shas["revise"] = repo.revise(
        "fees", draft(REV2, stage="revision", discussion=EXTENDED), "Move to revision"
    )
    shas["r3"] = repo.revise(
        "fees", draft(REV3, stage="revision", discussion=EXTENDED), "Add definitions"
    )
    shas["adopt"] = repo.revise("fees", draft(REV3, stage="adopted", discussion=EXTENDED), "Adopt")
    built = repo.build()
    assert built.returncode == 0, built.output
    return repo, shas, built


def test_only_text_changes_are_counted_as_revisions(
    history: tuple[Repo, dict[str, str], Build],
) -> None:
    """Three text revisions and four moves make "3 revisions", each "of 3"."""
    _, shas, built = history
    card = built.html("index.html").select_one(".lt-card__foot")
    assert card is not None and card.text.startswith("3 revisions")
    for n, key in enumerate(("r1", "r2", "r3"), 1):
        page = built.html(f"drafts/fees/rev/{shas[key][:10]}/")
        assert page.h1 is not None and page.h1.text == f"Revision {n} of 3"


def test_no_redline_is_empty(history: tuple[Repo, dict[str, str], Build]) -> None:
    """Redlines join text revisions only; no page says nothing changed."""
    _, shas, built = history
    r1, r2, r3 = (shas[k][:10] for k in ("r1", "r2", "r3"))
    for old, new in ((r1, r2), (r2, r3), (r1, r3)):
        page = built.html(f"drafts/fees/compare/{old}..{new}/")
        assert page.select_one(".lt-redline ins, .lt-redline del") is not None
    for page in built.site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "0 words inserted, 0 deleted" not in html, page
        assert "No article changed" not in html, page


def _redirect(built: Build, page: str) -> tuple[str, BeautifulSoup]:
    soup = built.html(page)
    refresh = soup.find("meta", attrs={"http-equiv": "refresh"})
    assert refresh is not None, page
    target = str(refresh["content"]).split("url=", 1)[1]
    canonical = soup.find("link", rel="canonical")
    assert canonical is not None and canonical["href"] == target
    robots = soup.find("meta", attrs={"name": "robots"})
    assert robots is not None and robots["content"] == "noindex"
    assert soup.body is not None and soup.body.a is not None and soup.body.a["href"] == target
    return target, soup


def test_a_moves_old_address_redirects_to_the_revision_in_force(
    history: tuple[Repo, dict[str, str], Build],
) -> None:
    """A stage or window move's revision page leads to the revision in force at it, and its
    old redlines to the redline between the revisions in force; none is searched or in nav."""
    _, shas, built = history
    short = {key: sha[:10] for key, sha in shas.items()}
    for move, revision, n in (("open", "r1", 1), ("extend", "r2", 2), ("adopt", "r3", 3)):
        target, soup = _redirect(built, f"drafts/fees/rev/{short[move]}/")
        assert target == f"../{short[revision]}/"
        assert soup.body is not None and soup.body.a is not None
        assert soup.body.a.text == f"revision {n}"
    target, _ = _redirect(built, f"drafts/fees/compare/{short['open']}..{short['r2']}/")
    assert target == f"../{short['r1']}..{short['r2']}/"
    target, _ = _redirect(built, f"drafts/fees/compare/{short['r1']}..{short['open']}/")
    assert target == f"../../rev/{short['r1']}/"
    index = json.loads((built.site / "search" / "search_index.json").read_text("utf-8"))
    assert not any(short["open"] in doc["location"] for doc in index["docs"])
    nav = built.html("drafts/fees/").select(".md-nav a")
    assert not any(short["open"] in str(a.get("href")) for a in nav)


def test_moves_are_timeline_events_and_agree_with_the_banner(
    history: tuple[Repo, dict[str, str], Build],
) -> None:
    """The timeline shows each move with its date and commit between the revisions; the
    window it ends with is the banner's."""
    _, shas, built = history
    page = built.html("drafts/fees/")
    items = page.select(".lt-event")
    assert [" ".join(li.strong.text.split()) if li.strong else li.a.text for li in items] == [
        "Initiated",
        "Revision 1",
        "In public discussion",
        "Revision 2",
        "Discussion extended to January 25, 2026",
        "Under revision",
        "Revision 3",
        "Adopted",
    ]
    opened = " ".join(items[2].text.split())
    assert "comments from January 4, 2026 to January 20, 2026" in opened
    assert "Open the discussion" in opened and shas["open"][:10] in opened
    assert items[2].time is not None and items[2].time["datetime"] == "2026-01-04"
    assert shas["extend"][:10] in items[4].text
    banner = page.select_one(".lt-banner__window")
    assert banner is not None
    assert " ".join(banner.text.split()) == (
        "Public discussion was held from January 4, 2026 to January 25, 2026 inclusive."
    )


def test_a_comment_on_a_moves_sha_is_accepted_and_anchors(tmp_path: Path) -> None:
    """The intake takes the sha of a stage move a reader saw, keeps it, and the build
    anchors its comments on the revision in force at that move."""
    repo = Repo(tmp_path / "project")
    body = "### Article 1. Scope\n\n1. This regulation applies to all operators.\n"
    repo.revise("fees", draft(body, stage="initiated", discussion=None), "Initiate")
    window = {"opens": "2026-01-04", "closes": "2099-12-31"}
    move = repo.revise("fees", draft(body, discussion=window), "Open the discussion")
    app = create_app(
        {"REPO": str(repo.root), "SPOOL_DIR": str(tmp_path / "spool"), "REFRESH_SECONDS": 0}
    )
    comment = {"target": {"eid": "art_1__para_1"}, "body": "Name the operators."}
    for seen in (move, move[:10]):
        response = app.test_client().post(
            "/api/v1/reviews", json={"draft": "fees", "revision": seen, "comments": [comment]}
        )
        assert response.status_code == 201, response.get_json()
        stored = Spool(tmp_path / "spool").get(response.get_json()["id"])
        assert stored is not None and stored.revision == move

    folder = repo.root / "drafts" / "fees" / "reviews"
    folder.mkdir()
    rid = "20260105-aaaaaaaaaa"
    review = {
        "id": rid,
        "draft": "fees",
        "revision": move,
        "submitted": "2026-01-05T10:00:00Z",
        "comments": [
            {
                "id": f"{rid}-1",
                "target": {"eid": "art_1__para_1", "wid": "art_1__para_1"},
                "body": "Who?",
            }
        ],
        "moderation": {"status": "merged", "by": "Mo", "date": "2026-01-06"},
    }
    (folder / f"{rid}.yml").write_text(dump_review(review), encoding="utf-8")
    repo.git("add", "-A")
    repo.commit("Merge review")
    built = repo.build()
    assert built.returncode == 0, built.output
    page = built.html("drafts/fees/")
    assert page.select_one(".lt-orphaned") is None
    element = page.find(id="art_1__para_1")
    assert element is not None and element.find("details", class_="lt-thread") is not None
    link = built.html(f"drafts/fees/reviews/{rid}/").select_one(f'a[href*="{move[:10]}"]')
    assert link is not None  # to the move's address, which leads to the revision in force
    assert (built.site / "drafts/fees/rev" / move[:10] / "index.html").is_file()


def test_the_sitemap_lists_no_page_that_only_leads_elsewhere(repo: Repo) -> None:
    """sitemap.xml lists revisions, redlines and the tracking page, but neither the redirect
    left at a stage move's old address nor the tracking page's copy for unbuilt reviews:
    both are `noindex`."""
    repo.take_comments("site_url: https://drafts.example.org/\n")
    r1 = repo.revise("fees", draft(REV1, stage="initiated", discussion=None), "Initiate")
    move = repo.revise("fees", draft(REV1, discussion=WINDOW), "Open the discussion")
    r2 = repo.revise("fees", draft(REV2, discussion=WINDOW), "Shorten the reply period")
    built = repo.build()
    assert built.returncode == 0, built.output
    listed = ElementTree.parse(built.site / "sitemap.xml").getroot()
    site = "https://drafts.example.org/"
    locations = {
        (loc.text or "").removeprefix(site)
        for loc in listed.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")
    }
    assert {f"drafts/fees/rev/{r1[:10]}/", f"drafts/fees/rev/{r2[:10]}/", "track/"} <= locations
    assert f"drafts/fees/compare/{r1[:10]}..{r2[:10]}/" in locations
    for page in (f"drafts/fees/rev/{move[:10]}/", "drafts/_/reviews/_/"):
        soup = built.html(page)
        robots = soup.find("meta", attrs={"name": "robots"})
        assert robots is not None and robots["content"] == "noindex", page
        assert page not in locations
    assert not [loc for loc in locations if move[:10] in loc]
