"""The public record on the built site: comments on elements, the proposals table, review
pages, re-anchoring after a revision, safe rendering, accountability and the rules."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from site_builder.reviews import dump_review
from tests.conftest import Build, Repo, draft

REV1 = """
### Article 1. Scope

1. This regulation applies to all operators.

### Article 2. Fees

1. The operator shall publish the tariff online.

2. A reply is due within 15 working days of the request.

3. Complaints go to the regulator.
"""
# An article inserted before article 2 (which becomes 3), a word changed in paragraph 3(2)
# outside the quoted words, paragraph 2(1) rewritten, paragraph 2(3) deleted.
REV2 = """
### Article 1. Scope

1. This regulation applies to all operators.

### Article 2. Definitions

1. An operator is a carrier.

### Article 3. Fees

1. The operator shall print the tariff at every stop.

2. A written reply is due within 15 working days of the request.
"""
WINDOW = {"opens": "2026-01-01", "closes": "2026-01-20"}
XSS = '<script>alert("x")</script><img src=x onerror=alert(1)> [click](javascript:alert(2))'


def review(
    review_id: str, sha: str, comments: list[dict[str, Any]], **extra: Any
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": review_id,
        "draft": "fees",
        "revision": sha,
        "submitted": "2026-01-05T10:00:00Z",
        "author": {"name": "Ann Citizen", "organization": "Riders' Union"},
        "comments": comments,
        "moderation": {"status": "merged", "by": "Mo Derator", "date": "2026-01-06"},
    }
    data.update(extra)
    return data


def comment(n: int, review_id: str, eid: str, body: str, **extra: Any) -> dict[str, Any]:
    return {"id": f"{review_id}-{n}", "target": {"eid": eid, "wid": eid}, "body": body, **extra}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Repo, list[str], Build]:
    """A draft commented on at revision 1, answered, then revised."""
    repo = Repo(tmp_path_factory.mktemp("record") / "project")
    first = repo.revise("fees", draft(REV1, discussion=WINDOW), "Open discussion")
    rid = "20260105-aaaaaaaaaa"
    quote = {"exact": "15 working days", "prefix": "due within ", "suffix": " of the request"}
    comments = [
        comment(
            1,
            rid,
            "art_2__para_2",
            "Too slow.",
            suggestion="within 5 working days",
            target={"eid": "art_2__para_2", "wid": "art_2__para_2", "quote": quote},
        ),
        comment(
            2,
            rid,
            "art_2__para_1",
            "Where is it published?",
            target={
                "eid": "art_2__para_1",
                "wid": "art_2__para_1",
                "quote": {"exact": "publish the tariff online"},
            },
        ),
        comment(3, rid, "art_2__para_3", "Which one? See [the list](https://example.org/list)."),
        comment(
            4,
            rid,
            "art_1",
            XSS,
            rationale=XSS,
            response={
                "disposition": "noted",
                "text": XSS,
                "by": "Drafting team",
                "date": "2026-01-25",
            },
        ),
    ]
    folder = repo.root / "drafts" / "fees" / "reviews"
    folder.mkdir(parents=True)
    (folder / f"{rid}.yml").write_text(dump_review(review(rid, first, comments)))
    (folder / "rejected.yml").write_text("reasons:\n  spam: 3\n  off topic: 1\n")
    # Hostile text in every field a reader or moderator can fill.
    hostile = "20260105-xxxxxxxxxx"
    attack = comment(
        1,
        hostile,
        "art_1__para_1",
        XSS,
        suggestion=XSS,
        rationale=XSS,
        target={
            "eid": "art_1__para_1",
            "wid": "art_1__para_1",
            "quote": {"exact": "applies", "prefix": XSS, "suffix": XSS},
        },
    )
    (folder / f"{hostile}.yml").write_text(
        dump_review(review(hostile, first, [attack], author={"name": XSS, "organization": XSS}))
    )
    repo.git("add", "-A")
    repo.commit("Merge review")
    second = repo.revise("fees", draft(REV2, stage="revision", discussion=WINDOW), "Revise")
    built = repo.build()
    assert built.returncode == 0, built.output
    return repo, [first, second], built


def statuses(built: Build) -> dict[str, tuple[str, str]]:
    rows = built.html("drafts/fees/comments/").select(".lt-proposals tbody tr")
    found = {}
    for row in rows:
        cells = row.find_all("td")
        link = row.select_one("a.lt-more")["href"]
        found[link.split("#comment-")[1]] = (
            cells[0].select_one(".lt-anchor").text,
            cells[0].a.text if cells[0].a else cells[0].text.split("\n")[0],
        )
    return found


def test_comments_are_reanchored_onto_the_new_revision(
    site: tuple[Repo, list[str], Build],
) -> None:
    """Each comment is current, moved, outdated or orphaned on the revised text."""
    _, _, built = site
    found = statuses(built)
    rid = "20260105-aaaaaaaaaa"
    assert found[f"{rid}-1"] == ("Moved with its text", "Article 3, paragraph 2")
    assert found[f"{rid}-2"][0] == "Outdated: the text has changed"
    assert found[f"{rid}-3"][0] == "Orphaned: the text is gone"
    assert found[f"{rid}-4"] == ("On the current text", "Article 1")
    assert found["20260105-xxxxxxxxxx-1"] == ("On the current text", "Article 1, paragraph 1")


def test_an_element_shows_its_comment_count_and_opens_them(
    site: tuple[Repo, list[str], Build],
) -> None:
    """The current text carries 'N comments' on each commented element, opening without JS."""
    _, _, built = site
    page = built.html("drafts/fees/")
    thread = page.find(id="art_3__para_2").select_one("details.lt-thread")
    assert thread.summary.text == "1 comment"
    assert thread.a["href"] == "reviews/20260105-aaaaaaaaaa/"
    assert page.find(id="art_2__para_1").select_one("details.lt-thread") is None
    moved = page.find(id="art_3__para_1").select_one("details.lt-thread .lt-anchor--outdated")
    assert moved is not None and "Outdated" in moved.text
    assert (
        "1 comment refers to text no longer in this draft" in page.select_one(".lt-orphaned").text
    )


def test_the_proposals_table_has_every_column(site: tuple[Repo, list[str], Build]) -> None:
    """Element, quote, comment, suggested wording as a redline, author, answer, revision."""
    _, _, built = site
    page = built.html("drafts/fees/comments/")
    headers = [th.text for th in page.select(".lt-proposals thead th")]
    assert headers == [
        "Element",
        "Quote",
        "Comment",
        "Suggested wording",
        "Author",
        "Answer",
        "Addressed in",
    ]
    first = page.select(".lt-proposals tbody tr")[0].find_all("td")
    assert first[1].text == "15 working days"
    assert first[3].decode_contents() == "<del>15</del><ins>within 5</ins> working days"
    assert first[4].text == "Ann Citizen (Riders' Union)"
    assert "Awaiting answer" in first[5].text
    assert "4 reviews" not in page.text and "3 reviews (spam)" in page.text


def test_each_review_has_a_page_at_its_tracking_number(
    site: tuple[Repo, list[str], Build],
) -> None:
    """/drafts/fees/reviews/<id>/ shows the review's comments and answers."""
    _, shas, built = site
    page = built.html("drafts/fees/reviews/20260105-aaaaaaaaaa/")
    assert page.h1.text == "Review 20260105-aaaaaaaaaa"
    assert len(page.select("article.lt-comment")) == 4
    assert page.select_one(".lt-revmeta a")["href"].endswith(f"rev/{shas[0][:10]}/")


def test_comment_markdown_is_sanitised(site: tuple[Repo, list[str], Build]) -> None:
    """No script, no event handler, no javascript: link survives; links are nofollow ugc."""
    _, _, built = site
    for page in (
        "drafts/fees/",
        "drafts/fees/comments/",
        "drafts/fees/reviews/20260105-aaaaaaaaaa/",
        "drafts/fees/reviews/20260105-xxxxxxxxxx/",
    ):
        soup = built.html(page)
        handlers = [
            (tag.name, attr)
            for tag in soup.find_all(True)
            for attr in tag.attrs
            if attr.lower().startswith("on")
        ]
        assert handlers == [], page
        assert [s for s in soup.find_all("script") if "alert" in s.text] == [], page
        assert [a for a in soup.find_all("a") if "javascript:" in a.get("href", "")] == []
        assert soup.find("img", src="x") is None
    review = built.html("drafts/fees/reviews/20260105-xxxxxxxxxx/")
    assert "<img src=x onerror=alert(1)>" in review.select_one(".lt-comment__head strong").text
    links = built.html("drafts/fees/comments/").select(".lt-proposals td a[href^='https:']")
    assert links and all(a["rel"] == ["nofollow", "ugc"] for a in links)


def test_accountability_counts_per_agency_and_draft(
    site: tuple[Repo, list[str], Build],
) -> None:
    """Received, answered, response rate, median days and overdue, counted to the last commit."""
    _, _, built = site
    row = built.html("accountability/").select(".lt-figures-table tbody tr")[0]
    cells = [cell.text for cell in row.find_all(["th", "td"])]
    # One of five answered, 20 days after submission; the window closed 2026-01-20 and the
    # newest commit is days later, under the 30-day default: nothing overdue yet.
    assert cells == ["Ministry of Tests", "1", "5", "1", "20%", "20", "0"]


def test_rule_breaches_warn_and_strict_fails(tmp_path: Path) -> None:
    """A short window and an adopted draft with unanswered comments warn; strict fails."""
    repo = Repo(tmp_path / "project")
    # Set on its first day, and adopted after it closed: only these two rules are broken.
    short = {"opens": "2026-01-03", "closes": "2026-01-04"}
    sha = repo.revise("fees", draft(REV1, discussion=short))
    rid = "20260105-bbbbbbbbbb"
    folder = repo.root / "drafts" / "fees" / "reviews"
    folder.mkdir(parents=True)
    (folder / f"{rid}.yml").write_text(
        dump_review(review(rid, sha, [comment(1, rid, "art_1", "Unanswered.")]))
    )
    repo.git("add", "-A")
    repo.commit("Merge")
    repo.revise("fees", draft(REV1, stage="adopted", discussion=short), "Adopt")
    built = repo.build()
    assert built.returncode == 0, built.output
    assert "the discussion window 2026-01-03 to 2026-01-04 is 2 days; the minimum is 10" in (
        built.output
    )
    assert "adopted with 1 comment(s) unanswered (20260105-bbbbbbbbbb-1)" in built.output
    yml = repo.root / "mkdocs.yml"
    yml.write_text(
        yml.read_text().replace("drafts_dir: drafts", "drafts_dir: drafts\n      strict: true")
    )
    strict = repo.build(site="strict")
    assert strict.returncode == 1
    assert "2 breach(es) of the consultation rules" in strict.output


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda r: r.update(revision="HEAD"), "field 'revision' is 'HEAD'; expected a full"),
        (
            lambda r: r["comments"][0].update(
                response={"disposition": "maybe", "text": "x", "by": "y", "date": "2026-01-02"}
            ),
            "field 'comments[0].response.disposition' is 'maybe'; expected one of accepted",
        ),
        (lambda r: r.update(id="20260105-cccccccccc"), "field 'id' is '20260105-cccccccccc'"),
        (lambda r: r.pop("moderation"), "field 'moderation' is None"),
        (lambda r: r["comments"][0].pop("body"), "field 'comments[0].body' is None"),
    ],
)
def test_a_broken_review_file_fails_the_build_naming_the_field(
    tmp_path: Path, change: Any, message: str
) -> None:
    """A hand-edited review file with a mistake stops the build, naming file and field."""
    repo = Repo(tmp_path / "project")
    sha = repo.revise("fees", draft(REV1, discussion=WINDOW))
    rid = "20260105-dddddddddd"
    data = review(rid, sha, [comment(1, rid, "art_1", "Text.")])
    change(data)
    folder = repo.root / "drafts" / "fees" / "reviews"
    folder.mkdir(parents=True)
    (folder / f"{rid}.yml").write_text(dump_review(data))
    built = repo.build()
    assert built.returncode == 1
    assert f"drafts/fees/reviews/{rid}.yml: {message}" in built.output
    assert "Traceback" not in built.output


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("reasons: [spam\n", "not a readable count of rejected reviews"),
        ("reasons:\n  spam: many\n", "field 'reasons' must map each reason to a count"),
    ],
)
def test_a_broken_count_of_rejections_fails_the_build_naming_the_file(
    tmp_path: Path, text: str, message: str
) -> None:
    """A hand-edited rejected.yml stops the build with its name and the fix, never a
    traceback."""
    repo = Repo(tmp_path / "project")
    repo.revise("fees", draft(REV1, discussion=WINDOW))
    folder = repo.root / "drafts" / "fees" / "reviews"
    folder.mkdir(parents=True)
    (folder / "rejected.yml").write_text(text)
    built = repo.build()
    assert built.returncode == 1
    assert f"drafts/fees/reviews/rejected.yml: {message}" in built.output
    assert "restore it from git" in built.output
    assert "Traceback" not in built.output


def answered(n: int, review_id: str, day: str | None) -> dict[str, Any]:
    """Comment `n` on Article 1, answered on `day` (or not at all)."""
    extra: dict[str, Any] = {}
    if day is not None:
        extra["response"] = {"disposition": "noted", "text": "Noted.", "by": "Team", "date": day}
    return comment(n, review_id, "art_1", f"Comment {n}.", **extra)


def test_accountability_counts_overdue_answers_per_draft_with_medians(tmp_path: Path) -> None:
    """Per draft and per agency: received, answered, the rate, the median days over several
    answers (an even count too), and unanswered comments overdue once the window closed
    more than 30 days before the newest commit."""
    repo = Repo(tmp_path / "project")
    closes = {"fees": "2026-01-20", "tolls": "2026-01-10", "roads": "2099-12-31"}
    agencies = {
        "fees": "Ministry of Tests",
        "tolls": "Ministry of Tests",
        "roads": "Ministry of Roads",
    }
    shas = {
        slug: repo.revise(
            slug,
            draft(
                REV1,
                title=f"{slug.title()} Order",
                agency=agencies[slug],
                discussion={"opens": "2026-01-01", "closes": closes[slug]},
            ),
        )
        for slug in closes
    }
    # Submitted on 2026-01-05: fees answered after 2, 5 and 9 days, one not; tolls after
    # 4 days, three not; roads (still open) not yet.
    days = {
        "fees": ["2026-01-07", "2026-01-10", "2026-01-14", None],
        "tolls": ["2026-01-09", None, None, None],
        "roads": [None],
    }
    for n, (slug, answers) in enumerate(days.items()):
        rid = f"20260105-{'abc'[n] * 10}"
        comments = [answered(i, rid, day) for i, day in enumerate(answers, 1)]
        folder = repo.root / "drafts" / slug / "reviews"
        folder.mkdir(parents=True)
        (folder / f"{rid}.yml").write_text(
            dump_review(review(rid, shas[slug], comments, draft=slug))
        )
    repo.git("add", "-A")
    repo.commit("Merge and answer")
    repo.clock += 100 * 86_400  # the newest commit: long after both windows closed
    repo.commit("Later")
    built = repo.build()
    assert built.returncode == 0, built.output
    page = built.html("accountability/")
    tables = page.select(".lt-figures-table")
    rows = {
        cells[0]: cells[1:]
        for table in tables
        for row in table.select("tbody tr")
        if (cells := [" ".join(c.text.split()) for c in row.find_all(["th", "td"])])
    }
    # Agency: drafts, received, answered, rate, median days, overdue.
    assert rows["Ministry of Tests"] == ["2", "8", "4", "50%", "4.5", "4"]
    assert rows["Ministry of Roads"][:3] == ["1", "1", "0"]
    assert rows["Ministry of Roads"][-1] == "0"
    # Draft: agency, received, answered, rate, median days, overdue.
    assert rows["Fees Order"] == ["Ministry of Tests", "4", "3", "75%", "5", "1"]
    assert rows["Tolls Order"] == ["Ministry of Tests", "4", "1", "25%", "4", "3"]
    assert rows["Roads Order"][-1] == "0"
