"""Real builds of a scripted history: pages, redlines, wIds, timeline, search and nav."""

from __future__ import annotations

import itertools
import json
import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import Build, Repo, draft

REV1 = """
## Chapter 1. General

### Article 1. Scope

1. This regulation applies to all operators.

### Article 2. Fees

1. The operator shall publish:
1) the tariff;
2) the schedule;
3) the complaints procedure.

2. A reply is due within 30 days of the request.

### Article 3. Entry into force

This regulation enters into force on publication.
"""
REV2 = REV1.replace("within 30 days", "within 15 working days")
REV3 = (
    REV2.replace(
        "### Article 2. Fees",
        "### Article 2. Definitions\n\n1. An operator is a carrier.\n\n### Article 3. Fees",
    )
    .replace(
        "2) the schedule;\n3) the complaints procedure.",
        "2) the holiday timetable;\n3) the schedule;\n4) the complaints procedure.",
    )
    .replace("### Article 3. Entry into force", "### Article 4. Entry into force")
)
REV4 = REV3.replace("### Article 1. Scope\n\n1. This regulation applies to all operators.\n\n", "")
for n in (2, 3, 4):
    REV4 = REV4.replace(f"### Article {n}.", f"### Article {n - 1}.")

RUSSIAN = """
## Глава 1. Общие положения

### Статья 1. Предмет

1. Настоящий закон защищает зелёные насаждения.
"""


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> tuple[Repo, list[str], Build]:
    """One draft through four stages, a Russian draft, and a draft withdrawn early."""
    repo = Repo(tmp_path_factory.mktemp("build") / "project")
    window = {"opens": "2026-01-10", "closes": "2026-02-10"}
    shas = [
        repo.revise("fees", draft(REV1, stage="initiated", discussion=None), "Initiate"),
        repo.revise("fees", draft(REV2, stage="discussion", discussion=window), "Open discussion"),
        repo.revise("fees", draft(REV3, stage="revision", discussion=window), "Revise"),
        repo.revise("fees", draft(REV4, stage="adopted", discussion=window), "Adopt"),
    ]
    repo.revise("trees", draft(RUSSIAN, title="О деревьях", agency="Минэкологии", language="ru"))
    repo.revise("old", draft("Nothing here.\n", stage="withdrawn", discussion=None))
    built = repo.build()
    assert built.returncode == 0, built.output
    return repo, shas, built


def test_every_revision_and_redline_has_a_page(history: tuple[Repo, list[str], Build]) -> None:
    """Each revision has its own page; redlines link consecutive revisions and first→latest."""
    _, shas, built = history
    for sha in shas:
        assert (built.site / "drafts/fees/rev" / sha[:10] / "index.html").is_file()
    pairs = [*itertools.pairwise(shas), (shas[0], shas[-1])]
    compare = built.site / "drafts/fees/compare"
    assert sorted(p.name for p in compare.iterdir()) == sorted(
        f"{a[:10]}..{b[:10]}" for a, b in pairs
    )


def test_revision_page_shows_the_text_as_it_was(history: tuple[Repo, list[str], Build]) -> None:
    """The first revision's page has the first wording, the current page the last."""
    _, shas, built = history
    old = built.html(f"drafts/fees/rev/{shas[0][:10]}/").find(id="art_2__para_2")
    assert old is not None and "within 30 days" in old.text
    current = built.html("drafts/fees/").find(id="art_2__para_2")
    assert current is not None and "within 15 working days" in current.text


def test_redline_of_a_reworded_phrase_is_exact(history: tuple[Repo, list[str], Build]) -> None:
    """Rewording '30' to '15 working' shows exactly that deletion and insertion."""
    _, shas, built = history
    page = built.html(f"drafts/fees/compare/{shas[0][:10]}..{shas[1][:10]}/")
    block = page.find(id="art_2__para_2")
    assert block is not None
    assert block.decode_contents() == (
        "2. A reply is due within <del>30</del><ins>15 working</ins> days of the request."
    )
    assert len(page.select(".lt-redline ins")) == 1
    assert len(page.select(".lt-redline del")) == 1


def test_redline_summary_names_changed_articles(history: tuple[Repo, list[str], Build]) -> None:
    """The summary says which article was inserted, amended and renumbered, with links."""
    _, shas, built = history
    page = built.html(f"drafts/fees/compare/{shas[1][:10]}..{shas[2][:10]}/")
    changes = [
        (li.select_one(".lt-change__kind").text, li.a.text, li.a["href"])
        for li in page.select(".lt-change")
    ]
    assert changes == [
        ("inserted", "Article 2. Definitions", "#art_2"),
        ("amended", "Article 3. Fees", "#art_3"),
        ("renumbered", "Article 4. Entry into force", "#art_4"),
    ]
    for _, _, href in changes:
        assert page.find(id=href[1:]) is not None
    inserted = page.find(id="art_2")
    assert inserted is not None and "lt-rl-new" in inserted["class"]


def test_redline_shows_a_deleted_article(history: tuple[Repo, list[str], Build]) -> None:
    """Deleting an article lists it as deleted and links to its struck-out text."""
    _, shas, built = history
    page = built.html(f"drafts/fees/compare/{shas[2][:10]}..{shas[3][:10]}/")
    deleted = [li for li in page.select(".lt-change--deleted")]
    assert [li.a.text for li in deleted] == ["Article 1. Scope"]
    block = page.find(id="old-art_1")
    assert block is not None and "lt-rl-old" in block["class"]
    assert block.find("del") is not None


def test_wids_survive_an_inserted_article_and_a_renumbered_point(
    history: tuple[Repo, list[str], Build],
) -> None:
    """Old article 2 keeps wId art_2 as article 3, then 2 again; its renumbered point too."""
    _, shas, built = history
    rev3 = built.html(f"drafts/fees/rev/{shas[2][:10]}/")
    assert rev3.find(id="art_3")["data-wid"] == "art_2"  # Fees, renumbered 2 -> 3
    assert rev3.find(id="art_4")["data-wid"] == "art_3"  # Entry into force, 3 -> 4
    assert rev3.find(id="art_2")["data-wid"] == "art_2-v3"  # Definitions, new
    schedule = rev3.find(id="art_3__para_1__point_3")
    assert "schedule" in schedule.text
    assert schedule["data-wid"] == "art_2__para_1__point_2"
    holiday = rev3.find(id="art_3__para_1__point_2")
    assert "holiday" in holiday.text
    assert holiday["data-wid"] == "art_2__para_1__point_2-v3"
    current = built.html("drafts/fees/")
    assert current.find(id="art_2")["data-wid"] == "art_2"  # Fees again, after art 1 deleted
    assert current.find(id="art_2__para_1__point_3")["data-wid"] == "art_2__para_1__point_2"


def test_timeline_lists_stages_and_revisions_in_order(
    history: tuple[Repo, list[str], Build],
) -> None:
    """The draft's timeline runs from initiation to adoption, each stage before its revision."""
    _, shas, built = history
    items = built.html("drafts/fees/").select(".lt-event")
    events = [li.strong.text if "lt-event--stage" in li["class"] else li.a.text for li in items]
    assert events == [
        "Initiated",
        "Revision 1",
        "In public discussion",
        "Revision 2",
        "Under revision",
        "Revision 3",
        "Adopted",
        "Revision 4",
    ]
    dates = [li.time["datetime"] for li in items]
    assert dates == sorted(dates)
    assert "comments from January 10, 2026 to February 10, 2026" in items[2].text
    assert [t["datetime"] for t in items[2].select("span time")] == ["2026-01-10", "2026-02-10"]
    assert items[3].a["href"] == f"rev/{shas[1][:10]}/"
    assert "Open discussion" in items[3].text


def test_index_lists_open_drafts_first_and_filters_without_javascript(
    history: tuple[Repo, list[str], Build],
) -> None:
    """The index shows every draft; stage and agency filters are plain pages."""
    _, _, built = history
    titles = [a.text for a in built.html("index.html").select(".lt-card__title a")]
    assert set(titles) == {"Regulation on Test Matters", "О деревьях"}  # withdrawn too
    assert titles[0] == "О деревьях"  # in discussion, so first
    adopted = built.html("stage/adopted/").select(".lt-card__title a")
    assert [a["href"] for a in adopted] == ["../../drafts/fees/"]
    agency = built.html("agency/minekologii/").select(".lt-card__title a")
    assert [a.text for a in agency] == ["О деревьях"]
    filters = built.html("index.html").select(".lt-filters a")
    assert any(a["href"] == "stage/withdrawn/" for a in filters)


def test_nav_lists_drafts_but_no_revisions(history: tuple[Repo, list[str], Build]) -> None:
    """The navigation links each draft once and never a revision or redline page."""
    _, _, built = history
    nav = built.html("drafts/fees/").select_one(".md-nav--primary")
    links = [a["href"] for a in nav.select("a[href]")]
    assert "../trees/" in links
    assert not [href for href in links if "/rev/" in href or "/compare/" in href]
    revision = built.html(next((built.site / "drafts/fees/rev").iterdir()).as_posix() + "/")
    slim = [a["href"] for a in revision.select(".md-nav--primary a[href]")]
    assert "../../" in slim and "../../../trees/" not in slim  # its own draft, no other


def test_search_covers_current_texts_only_in_utf8(history: tuple[Repo, list[str], Build]) -> None:
    """Search indexes current texts (Russian unescaped), not revisions or redlines."""
    _, _, built = history
    raw = (built.site / "search/search_index.json").read_text(encoding="utf-8")
    assert "зелёные насаждения" in raw
    assert "\\u04" not in raw
    index = json.loads(raw)
    locations = {doc["location"].split("#")[0] for doc in index["docs"]}
    assert "drafts/fees/" in locations and "drafts/trees/" in locations
    assert not [loc for loc in locations if "/rev/" in loc or "/compare/" in loc]
    assert index["config"]["lang"] == ["en", "ru"]


def test_stage_banner_states_the_window_without_baking_in_today(
    history: tuple[Repo, list[str], Build],
) -> None:
    """The banner gives the dates; days left are left to the browser."""
    _, _, built = history
    banner = built.html("drafts/trees/").select_one(".lt-banner")
    assert "January 10, 2026" in banner.text and "February 10, 2026" in banner.text
    assert [t["datetime"] for t in banner.select("time")] == ["2026-01-10", "2026-02-10"]
    days = banner.select_one(".lt-days")
    assert days["data-closes"] == "2026-02-10" and days.text == ""


def test_the_comment_widget_is_served_as_es_modules(
    history: tuple[Repo, list[str], Build],
) -> None:
    """Pages load the widget's entry module; every module it may import is in the site."""
    _, _, built = history
    scripts = built.html("drafts/trees/").select('script[type="module"]')
    assert [s["src"].rsplit("/", 3)[-3:] for s in scripts] == [["lawtrail", "comment", "main.js"]]
    served = {p.name for p in (built.site / "assets" / "lawtrail" / "comment").glob("*.js")}
    shipped = Path(__file__).parent.parent / "site_builder" / "assets" / "comment"
    assert served == {p.name for p in shipped.glob("*.js")}


def test_two_builds_of_one_commit_are_byte_identical(
    history: tuple[Repo, list[str], Build],
) -> None:
    """Dates come from commits, not the clock: a build under a system clock years away
    (Debian's faketime) gives the same bytes in every file."""
    repo, _, first = history
    faketime = shutil.which("faketime")
    if faketime is None:
        pytest.skip("faketime is not installed (apt-get install faketime; CI installs it)")
    # The plugin must take it from the commits; inherited, it would hide a clock leak.
    assert "SOURCE_DATE_EPOCH" not in os.environ
    second = repo.build(site="site-again", wrap=[faketime, "-f", "+1500d"])
    assert second.returncode == 0, second.output

    def files(root: Path) -> dict[str, bytes]:
        return {
            p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()
        }

    a, b = files(first.site), files(second.site)
    assert a.keys() == b.keys()
    assert [name for name in a if a[name] != b[name]] == []


def test_the_comment_form_reads_its_limit_from_the_page(repo: Repo) -> None:
    """A draft open for comment carries the body limit of site_builder.limits as data."""
    from site_builder.limits import MAX_BODY

    yml = repo.root / "mkdocs.yml"
    yml.write_text(yml.read_text().replace("drafts_dir: drafts", "intake_url: /api/v1"))
    repo.revise("open", draft("### Article 1. Scope\n\n1. Text.\n"))
    built = repo.build()
    assert built.returncode == 0, built.output
    page = built.html("drafts/open/")
    text = page.select_one(".lt-text[data-lt-intake]")
    assert text is not None and text["data-lt-max-body"] == str(MAX_BODY)
    assert page.find(id="lt-comment-template") is not None
    assert f"{MAX_BODY} characters left" in str(page.find(id="lt-comment-template"))
