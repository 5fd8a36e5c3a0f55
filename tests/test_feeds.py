"""Atom feeds: every draft's revisions and stage changes, each entry in its draft's language,
linking to pages that exist, the same bytes at every build."""

from __future__ import annotations

import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from site_builder.urls import SITE_FEED, draft_feed_path
from tests.conftest import Build, Repo, draft
from tests.test_doc_commands import checkout
from tests.test_languages import kazakh, revise

SITE_URL = "https://drafts.example.org/consult/"
A = "{http://www.w3.org/2005/Atom}"
LANG = "{http://www.w3.org/XML/1998/namespace}lang"
WINDOW = {"opens": "2026-01-10", "closes": "2026-02-10"}
RU_1 = "### Статья 1. Предмет\n\n1. Вода охраняется.\n\n### Статья 2. Сроки\n\n1. Срок 30 дней.\n"
RU_2 = RU_1.replace("30 дней", "20 дней")
RU_3 = RU_2.replace("Вода охраняется.", "Вода охраняется законом.")


def russian(body: str, **fields: object) -> str:
    return draft(
        body, title="О воде", agency="Министерство водных ресурсов", language="ru", **fields
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Repo, dict[str, str], Build]:
    """An English site with a Russian draft (revisions, stage moves, a window-only commit)
    and an English one; the shas by what each commit did."""
    repo = Repo(tmp_path_factory.mktemp("feeds") / "project")
    config = repo.root / "mkdocs.yml"
    config.write_text(f"site_url: {SITE_URL}\n" + config.read_text(), encoding="utf-8")
    shas = {
        "initiated": repo.revise(
            "water", russian(RU_1, stage="initiated", discussion=None), "Первая редакция"
        ),
        "roads": repo.revise(
            "roads",
            draft("### Article 1. Scope\n\n1. Roads.\n", stage="initiated", discussion=None),
            "Initial text of the roads order",
        ),
        "discussion": repo.revise(
            "water",
            russian(RU_2, discussion=WINDOW),
            "Вынесение на обсуждение\n\nСрок сокращён до 20 дней.",
        ),
        "window": repo.revise(
            "water",
            russian(RU_2, discussion={**WINDOW, "closes": "2026-02-20"}),
            "Обсуждение продлено",
        ),
    }
    repo.clock += 60 * 86_400  # after the window closed: no rule is broken
    shas["revision"] = repo.revise(
        "water",
        russian(RU_2, stage="revision", discussion={**WINDOW, "closes": "2026-02-20"}),
        "Доработка по итогам обсуждения",
    )
    shas["revised"] = repo.revise(
        "water",
        russian(RU_3, stage="revision", discussion={**WINDOW, "closes": "2026-02-20"}),
        "Статья 1: охрана законом",
    )
    built = repo.build()
    assert built.returncode == 0, built.output
    return repo, shas, built


def feed(built: Build, path: str) -> ET.Element:
    """A built feed, parsed: it must be well-formed XML."""
    return ET.fromstring((built.site / path).read_bytes())


def built_file(built: Build, url: str) -> Path:
    """The file of the built site an absolute address of it names."""
    assert url.startswith(SITE_URL), url
    path = built.site / url.removeprefix(SITE_URL)
    return path / "index.html" if url.endswith("/") else path


def test_a_drafts_feed_lists_its_revisions_and_stage_moves_newest_first(
    site: tuple[Repo, dict[str, str], Build],
) -> None:
    """Each commit that changed the text or the stage is an entry, newest first; a commit
    that only extended the window is not; the title and summary are the commit message."""
    _, shas, built = site
    root = feed(built, "drafts/water/feed.xml")
    assert root.tag == f"{A}feed"
    entries = root.findall(f"{A}entry")
    ids = [e.findtext(f"{A}id") for e in entries]
    expected = ["revised", "revision", "discussion", "initiated"]
    assert ids == [f"{SITE_URL}drafts/water/rev/{shas[kind][:10]}/" for kind in expected]
    assert [e.findtext(f"{A}title") for e in entries] == [
        "Статья 1: охрана законом",
        "Доработка по итогам обсуждения",
        "Вынесение на обсуждение",
        "Первая редакция",
    ]
    assert (
        entries[2].findtext(f"{A}summary") == "Вынесение на обсуждение\n\nСрок сокращён до 20 дней."
    )
    stages = [[c.get("term") for c in e.findall(f"{A}category")] for e in entries]
    assert stages == [[], ["revision"], ["discussion"], ["initiated"]]
    assert entries[1].find(f"{A}category").get("label") == "Under revision"
    assert root.findtext(f"{A}updated") == entries[0].findtext(f"{A}updated")
    assert [e.findtext(f"{A}author/{A}name") for e in entries] == ["Test Drafter"] * 4


def test_each_part_of_a_feed_carries_its_language(
    site: tuple[Repo, dict[str, str], Build],
) -> None:
    """The feed is in the site's language; an entry, and a draft feed's title and author,
    in the draft's; what Lawtrail writes in an entry (its content, link titles, stage
    label) in the site's again (WCAG 3.1.2)."""
    _, _, built = site
    water = feed(built, "drafts/water/feed.xml")
    assert water.get(LANG) == "en"
    assert water.find(f"{A}title").get(LANG) == "ru"
    assert water.findtext(f"{A}title") == "О воде"
    assert water.find(f"{A}author").get(LANG) == "ru"
    assert water.find(f"{A}subtitle").get(LANG) is None
    for entry in water.findall(f"{A}entry"):
        assert entry.get(LANG) == "ru"
        content = entry.find(f"{A}content")
        assert content.get(LANG) == "en" and content.get("type") == "html"
        assert "Read revision" in content.text
        assert all(link.get(LANG) == "en" for link in entry.findall(f"{A}link"))
        assert all(link.get("hreflang") == "ru" for link in entry.findall(f"{A}link"))
    every = feed(built, "feed.xml")
    assert every.get(LANG) == "en"
    langs = {e.findtext(f"{A}id").split("/")[-4]: e.get(LANG) for e in every.findall(f"{A}entry")}
    assert langs == {"water": "ru", "roads": "en"}


def test_the_site_feed_merges_every_draft_newest_first(
    site: tuple[Repo, dict[str, str], Build],
) -> None:
    """The site's feed holds every draft's entries by date, each titled with its draft."""
    _, shas, built = site
    entries = feed(built, "feed.xml").findall(f"{A}entry")
    ids = [e.findtext(f"{A}id").rstrip("/").rsplit("/", 1)[-1] for e in entries]
    order = ["revised", "revision", "discussion", "roads", "initiated"]
    assert ids == [shas[kind][:10] for kind in order]
    assert (
        entries[3].findtext(f"{A}title")
        == "Regulation on Test Matters — Initial text of the roads order"
    )
    assert entries[0].findtext(f"{A}title") == "О воде — Статья 1: охрана законом"


def test_every_link_of_a_feed_leads_to_a_built_page(
    site: tuple[Repo, dict[str, str], Build],
) -> None:
    """The feeds' own addresses, the pages they follow, each entry's revision and
    redline, and the links in its content are files of the built site."""
    _, shas, built = site
    for path in ("feed.xml", "drafts/water/feed.xml", "drafts/roads/feed.xml"):
        root = feed(built, path)
        assert root.findtext(f"{A}id") == SITE_URL + path
        hrefs = [link.get("href") for link in root.iter(f"{A}link")]
        assert SITE_URL + path in hrefs
        for entry in root.findall(f"{A}entry"):
            content = ET.fromstring(f"<div>{entry.findtext(f'{A}content')}</div>")
            hrefs += [a.get("href") for a in content.iter("a")]
        missing = [h for h in hrefs if not built_file(built, h).is_file()]
        assert missing == []
    water = feed(built, "drafts/water/feed.xml").findall(f"{A}entry")
    related = [[link.get("href") for link in e.findall(f"{A}link[@rel='related']")] for e in water]
    step = f"{shas['discussion'][:10]}..{shas['revised'][:10]}"
    # A stage move without a new text has no redline; the first revision neither.
    assert related[0] == [f"{SITE_URL}drafts/water/compare/{step}/"]
    assert related[1] == [] and related[3] == []
    # A stage move leads to the text in force: the revision before it.
    alternate = water[1].find(f"{A}link[@rel='alternate']").get("href")
    assert alternate == f"{SITE_URL}drafts/water/rev/{shas['discussion'][:10]}/"


def test_pages_advertise_their_feeds(site: tuple[Repo, dict[str, str], Build]) -> None:
    """The index links the site's feed in its head and visibly; a draft's page its own
    and the site's; other pages none."""
    _, shas, built = site

    def advertised(page: str) -> list[Path]:
        html = built.html(page)
        links = html.select('head link[rel="alternate"][type="application/atom+xml"]')
        base = (built.site / page).resolve()
        return [(base / str(link["href"])).resolve() for link in links]

    assert advertised("") == [built.site.resolve() / "feed.xml"]
    assert advertised("drafts/water/") == [
        built.site.resolve() / "drafts/water/feed.xml",
        built.site.resolve() / "feed.xml",
    ]
    assert advertised(f"drafts/water/rev/{shas['revised'][:10]}/") == []
    visible = built.html("drafts/water/").select_one(".lt-feed-link a")
    assert visible is not None and visible["href"] == "feed.xml"
    assert visible.get_text(strip=True) == "Follow this draft (Atom feed)"


def test_two_builds_write_the_same_feeds(site: tuple[Repo, dict[str, str], Build]) -> None:
    """Dates come from commits: a build under a clock years away and another time zone
    writes the same feed bytes."""
    repo, _, first = site
    faketime = shutil.which("faketime")
    if faketime is None:
        pytest.skip("faketime is not installed (apt-get install faketime; CI installs it)")
    assert "SOURCE_DATE_EPOCH" not in os.environ
    second = repo.build(
        "site-again", env={"TZ": "Pacific/Kiritimati"}, wrap=[faketime, "-f", "+900d"]
    )
    assert second.returncode == 0, second.output
    feeds = sorted(p.relative_to(first.site) for p in first.site.rglob("feed.xml"))
    assert len(feeds) == 3
    assert [
        p for p in feeds if (first.site / p).read_bytes() != (second.site / p).read_bytes()
    ] == []


def test_a_feed_keeps_the_newest_fifty(repo: Repo) -> None:
    """A draft revised more than fifty times: its feed and the site's hold the newest 50."""
    config = repo.root / "mkdocs.yml"
    config.write_text(f"site_url: {SITE_URL}\n" + config.read_text(), encoding="utf-8")
    for number in range(1, 53):
        repo.revise("busy", draft(f"### Article 1. Term\n\n1. {number} days.\n"), f"Term {number}")
    built = repo.build()
    assert built.returncode == 0, built.output
    for path in ("feed.xml", "drafts/busy/feed.xml"):
        titles = [e.findtext(f"{A}title") for e in feed(built, path).findall(f"{A}entry")]
        assert len(titles) == 50
        assert titles[0].endswith("Term 52") and titles[-1].endswith("Term 3")


def test_without_a_site_url_there_is_no_feed(repo: Repo) -> None:
    """Atom needs absolute addresses: with no site_url the build says so and writes no
    feed, and no page links to one."""
    repo.revise("roads", draft("### Article 1. Scope\n\n1. Roads.\n"))
    built = repo.build()
    assert built.returncode == 0, built.output
    assert "set site_url in mkdocs.yml" in built.output
    assert list(built.site.rglob("feed.xml")) == []
    assert built.html("").select('link[type="application/atom+xml"]') == []
    assert built.html("drafts/roads/").select(".lt-feed-link") == []


def test_the_feed_addresses_are_documented() -> None:
    """docs/plugin.md names both feeds' addresses as urls.py makes them."""
    doc = (Path(__file__).resolve().parent.parent / "docs" / "plugin.md").read_text("utf-8")
    assert f"| `/{SITE_FEED}` |" in doc
    assert f"| `/{draft_feed_path('<slug>')}` |" in doc


def test_a_control_character_in_a_commit_message_leaves_the_feed_readable(repo: Repo) -> None:
    """XML forbids most control characters; a message carrying one (a terminal's escape
    code pasted into it) is written without it rather than breaking the feed."""
    config = repo.root / "mkdocs.yml"
    config.write_text(f"site_url: {SITE_URL}\n" + config.read_text(), encoding="utf-8")
    repo.revise("roads", draft("### Article 1. Scope\n\n1. Roads.\n"), "Scope\x1b[0m of\x0c roads")
    built = repo.build()
    assert built.returncode == 0, built.output
    entry = feed(built, "drafts/roads/feed.xml").find(f"{A}entry")
    assert entry is not None and entry.findtext(f"{A}summary") == "Scope[0m of roads"


# A draft with a Kazakh version --------------------------------------------------------

KK_1 = "### 1-бап. Нысана\n\n1. Су қорғалады.\n\n### 2-бап. Мерзімдер\n\n1. Мерзімі 20 күн.\n"
KK_2 = KK_1.replace("Су қорғалады.", "Су заңмен қорғалады.")


@pytest.fixture(scope="module")
def bilingual(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, str], Build]:
    """An English site with a Russian draft that gains a Kazakh version at its third commit;
    later commits change the Russian text only, the Kazakh only, and the stage."""
    repo = Repo(tmp_path_factory.mktemp("feeds-kk") / "project")
    config = repo.root / "mkdocs.yml"
    config.write_text(f"site_url: {SITE_URL}\n" + config.read_text(), encoding="utf-8")
    window = {"opens": "2026-01-10", "closes": "2026-01-12"}
    shas = {
        "initiated": revise(
            repo, "Первая редакция", ru=russian(RU_1, stage="initiated", discussion=None)
        ),
        "discussion": revise(repo, "Вынесение на обсуждение", ru=russian(RU_2, discussion=window)),
        "kazakh": revise(repo, "Текст на казахском языке", kk=kazakh(KK_1, title="Су туралы")),
    }
    repo.clock += 30 * 86_400  # after the window closed: no rule is broken
    shas["russian"] = revise(repo, "Статья 1: охрана законом", ru=russian(RU_3, discussion=window))
    shas["kk-text"] = revise(repo, "Казахский текст статьи 1", kk=kazakh(KK_2, title="Су туралы"))
    shas["revision"] = revise(
        repo, "Доработка", ru=russian(RU_3, stage="revision", discussion=window)
    )
    built = repo.build()
    assert built.returncode == 0, built.output
    return shas, built


def test_a_language_version_has_its_own_feed_in_its_language(
    bilingual: tuple[dict[str, str], Build],
) -> None:
    """/drafts/<slug>/kk/feed.xml follows the Kazakh text: its title, Lawtrail's words in
    Kazakh (on an English site too), the commits since it exists that changed its text or
    moved the stage, each linking to its Kazakh pages; the messages stay Russian."""
    shas, built = bilingual
    root = feed(built, "drafts/fees/kk/feed.xml")
    assert root.get(LANG) == "kk"
    assert root.findtext(f"{A}title") == "Су туралы" and root.find(f"{A}title").get(LANG) == "kk"
    assert root.findtext(f"{A}author/{A}name") == "Министерство водных ресурсов"
    assert root.find(f"{A}author").get(LANG) == "ru"  # the Kazakh text names none of its own
    follows = root.find(f"{A}link[@rel='alternate']")
    assert follows is not None and follows.get("href") == f"{SITE_URL}drafts/fees/kk/"
    entries = root.findall(f"{A}entry")
    # Not the commits before the Kazakh text existed, nor one that changed only the Russian.
    assert [e.findtext(f"{A}title") for e in entries] == [
        "Доработка",
        "Казахский текст статьи 1",
        "Текст на казахском языке",
    ]
    for entry in entries:
        assert entry.get(LANG) == "ru"
        content = entry.find(f"{A}content")
        assert content.get(LANG) == "kk" and "редакция" in content.text
        for link in entry.findall(f"{A}link"):
            assert link.get("hreflang") == "kk" and link.get(LANG) == "kk"
            assert (
                "/drafts/fees/kk/" in link.get("href")
                and built_file(built, link.get("href")).is_file()
            )
    assert entries[0].find(f"{A}category").get("label") == "Пысықталуда"
    redline = entries[1].find(f"{A}link[@rel='related']")
    step = f"{shas['kazakh'][:10]}..{shas['kk-text'][:10]}"
    assert (
        redline is not None and redline.get("href") == f"{SITE_URL}drafts/fees/kk/compare/{step}/"
    )


def test_each_version_advertises_its_own_feed(bilingual: tuple[dict[str, str], Build]) -> None:
    """The Kazakh text's page offers the Kazakh feed, the Russian text's the Russian one; the
    draft.md feed and the site's keep every revision and lead to the Russian pages."""
    shas, built = bilingual
    kk = built.html("drafts/fees/kk/").select('head link[type="application/atom+xml"]')
    assert [link["href"] for link in kk] == ["feed.xml", "../../../feed.xml"]
    ru = built.html("drafts/fees/").select('head link[type="application/atom+xml"]')
    assert [link["href"] for link in ru] == ["feed.xml", "../../feed.xml"]
    primary = feed(built, "drafts/fees/feed.xml").findall(f"{A}entry")
    assert len(primary) == len(shas)
    for path in ("drafts/fees/feed.xml", "feed.xml"):
        for link in feed(built, path).iter(f"{A}link"):
            assert "/kk/" not in link.get("href")


def test_make_run_writes_the_address_it_serves_on_into_feeds_and_sitemap(tmp_path: Path) -> None:
    """The sample's absolute links (feeds, sitemap) name the port `make run` serves on,
    not a fixed one: followed from a reader's feed reader, they must lead to the site."""
    clone = checkout(tmp_path / "clone")  # with this work tree's changes, set up
    env = {k: v for k, v in os.environ.items() if not k.startswith("LAWTRAIL_")}
    done = subprocess.run(
        ["make", "site", "PORT=8123"], cwd=clone, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    site = clone / "site"
    for name in ("feed.xml", "sitemap.xml", "drafts/open-budget-data/feed.xml"):
        text = (site / name).read_text(encoding="utf-8")
        assert "http://127.0.0.1:8123/" in text, name
        assert ":8000/" not in text, name
