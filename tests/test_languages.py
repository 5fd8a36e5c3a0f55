"""Parallel language versions: draft.md and draft.kk.md versioned, linked and published together."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from intake import create_app
from intake.submissions import Rejection, validate_submission
from site_builder.corpus import load_corpus
from site_builder.drafts import DraftError, load_drafts
from site_builder.history import read_history
from site_builder.reviews import dump_review
from tests.conftest import Build, Repo, draft

OPEN = {"opens": "2026-01-01", "closes": "2099-12-31"}
RU_1 = """
### Статья 1. Сфера действия

1. Настоящие правила применяются ко всем перевозчикам.

### Статья 2. Тарифы

1. Перевозчик публикует:
1) тариф;
2) расписание.

2. Ответ даётся в течение 15 рабочих дней.
"""
KK_1 = """
### 1-бап. Қолданылу саласы

1. Осы қағидалар барлық тасымалдаушыларға қолданылады.

### 2-бап. Тарифтер

1. Тасымалдаушы мыналарды жариялайды:
1) тарифті;
2) кестені.

2. Жауап 15 жұмыс күні ішінде беріледі.
"""
# Revision 3 inserts an article before the others (renumbering them) and shortens the term.
RU_3 = "\n### Статья 1. Цели\n\n1. Правила защищают пассажиров.\n" + RU_1.replace(
    "Статья 2", "Статья 3"
).replace("Статья 1. Сфера", "Статья 2. Сфера").replace("15 рабочих", "10 рабочих")
KK_3 = "\n### 1-бап. Мақсаттар\n\n1. Қағидалар жолаушыларды қорғайды.\n" + KK_1.replace(
    "2-бап", "3-бап"
).replace("1-бап. Қолданылу", "2-бап. Қолданылу").replace("15 жұмыс", "10 жұмыс")


def kazakh(body: str, **fields: Any) -> str:
    """A draft.kk.md: its own title and summary, then the body."""
    meta = {"title": "Сынақ қағидалары", "summary": "Қарапайым түйіндеме.", **fields}
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False)
    return f"---\n{front}---\n\n{body.lstrip()}"


def revise(repo: Repo, message: str, ru: str | None = None, kk: str | None = None) -> str:
    """Commit the given versions of drafts/fees together; returns the sha."""
    folder = repo.root / "drafts" / "fees"
    folder.mkdir(parents=True, exist_ok=True)
    if ru is not None:
        (folder / "draft.md").write_text(ru, encoding="utf-8")
    if kk is not None:
        (folder / "draft.kk.md").write_text(kk, encoding="utf-8")
    repo.git("add", "-A")
    return repo.commit(message)


def russian(body: str, **fields: Any) -> str:
    return draft(body, language="ru", discussion=OPEN, **fields)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Repo, list[str], Build]:
    """Revision 1 in Russian only; revision 2 adds Kazakh; revision 3 renumbers both.

    One review was made on the Russian text of revision 2, one on its Kazakh text."""
    repo = Repo(tmp_path_factory.mktemp("languages") / "project")
    first = revise(repo, "Initiate", ru=russian(RU_1))
    second = revise(repo, "Add the Kazakh version", kk=kazakh(KK_1))
    folder = repo.root / "drafts" / "fees" / "reviews"
    folder.mkdir()
    for rid, language, exact in (
        ("20260105-aaaaaaaaaa", None, "всем перевозчикам"),
        ("20260105-bbbbbbbbbb", "kk", "барлық тасымалдаушыларға"),
    ):
        target = {"eid": "art_1__para_1", "wid": "art_1__para_1", "quote": {"exact": exact}}
        review = {
            "id": rid,
            "draft": "fees",
            "revision": second,
            **({"language": language} if language else {}),
            "submitted": "2026-01-05T10:00:00Z",
            "comments": [{"id": f"{rid}-1", "target": target, "body": f"About {exact}."}],
            "moderation": {"status": "merged", "by": "Mo Derator", "date": "2026-01-06"},
        }
        (folder / f"{rid}.yml").write_text(dump_review(review), encoding="utf-8")
    repo.git("add", "-A")
    repo.commit("Merge reviews")
    third = revise(repo, "Add the aims; shorten the term", ru=russian(RU_3), kk=kazakh(KK_3))
    built = repo.build()
    assert built.returncode == 0, built.output
    return repo, [first, second, third], built


def test_language_versions_are_revisions_of_one_draft(repo: Repo) -> None:
    """A commit that changes any language version is a revision carrying every version;
    a version that starts later is absent from the revisions before it."""
    first = revise(repo, "Initiate", ru=russian(RU_1))
    second = revise(repo, "Add Kazakh", kk=kazakh(KK_1))
    third = revise(repo, "Reword the Kazakh", kk=kazakh(KK_1.replace("Жауап", "Жауап та")))
    revisions = read_history(repo.root / "drafts").revisions["fees"]
    assert [r.sha for r in revisions] == [first, second, third]
    assert revisions[0].languages == {}
    assert "Жауап 15" in revisions[1].languages["kk"]
    assert "Жауап та 15" in revisions[2].languages["kk"]
    assert revisions[1].text == revisions[2].text == russian(RU_1)


def test_both_languages_are_published_with_a_switch(site: tuple[Repo, list[str], Build]) -> None:
    """/drafts/fees/ and /drafts/fees/kk/ each link to the other, in its own language."""
    _, _, built = site
    primary, kazakh_page = built.html("drafts/fees/"), built.html("drafts/fees/kk/")
    switch = primary.select_one("nav.lt-languages")
    assert switch.a["href"] == "kk/" and switch.a["hreflang"] == "kk"
    assert switch.a.text == "Қазақша"
    assert switch.select_one("[aria-current=page]").text == "Русский"
    back = kazakh_page.select_one("nav.lt-languages a")
    assert (back["href"], back.text) == ("../", "Русский")
    assert kazakh_page.select_one(".lt-text")["lang"] == "kk"
    assert kazakh_page.h1.text == "Сынақ қағидалары"
    assert "Қағидалар жолаушыларды қорғайды" in kazakh_page.select_one(".lt-text").text
    assert "Қарапайым түйіндеме." in kazakh_page.select_one(".lt-summary").text


def test_the_same_eids_and_wids_in_both(site: tuple[Repo, list[str], Build]) -> None:
    """Every element has the same eId and wId in both languages; wIds traced on draft.md."""
    _, _, built = site

    def ids(page: str) -> list[tuple[str, str]]:
        return [(el["id"], el["data-wid"]) for el in built.html(page).select("[data-wid]")]

    assert ids("drafts/fees/") == ids("drafts/fees/kk/")
    assert ("art_2", "art_1") in ids("drafts/fees/kk/")  # renumbered, still itself
    assert ("art_1", "art_1-v3") in ids("drafts/fees/kk/")


def test_revisions_and_redlines_exist_per_language(site: tuple[Repo, list[str], Build]) -> None:
    """Each language has its revision and redline pages; none before it existed."""
    _, (first, second, third), built = site
    kk = built.site / "drafts" / "fees" / "kk"
    assert not (kk / "rev" / first[:10]).exists()
    assert (kk / "rev" / second[:10] / "index.html").is_file()
    redline = built.html(f"drafts/fees/kk/compare/{second[:10]}..{third[:10]}/")
    assert [i.text for i in redline.select(".lt-redline ins")].count("10") == 1
    assert "15" in [d.text for d in redline.select(".lt-redline del")]
    assert "Қағидалар жолаушыларды қорғайды" in redline.select_one(".lt-redline").text
    assert not (kk / "compare" / f"{first[:10]}..{second[:10]}").exists()
    # Revision 2 changed only the Kazakh text: draft.md's redline of revision 3 starts at 1,
    # and its switch leads to the Kazakh redline of revision 3.
    assert not (
        built.site / "drafts" / "fees" / "compare" / f"{first[:10]}..{second[:10]}"
    ).exists()
    russian_redline = built.html(f"drafts/fees/compare/{first[:10]}..{third[:10]}/")
    assert "Правила защищают пассажиров" in russian_redline.select_one(".lt-redline").text
    switch = russian_redline.select_one("nav.lt-languages a")
    assert switch["href"] == f"../../kk/compare/{second[:10]}..{third[:10]}/"
    # The timeline of the Kazakh page links to Kazakh revisions, and to revision 1 in Russian.
    links = [a["href"] for a in built.html("drafts/fees/kk/").select(".lt-event--revision a")]
    assert f"../rev/{first[:10]}/" in links
    assert f"rev/{third[:10]}/" in links
    assert built.html(f"drafts/fees/rev/{first[:10]}/").select_one("nav.lt-languages") is None


def test_a_comment_is_shown_on_both_languages(site: tuple[Repo, list[str], Build]) -> None:
    """Comments on an element show on it in each language, linking to their reviews."""
    _, _, built = site
    for page, prefix in (("drafts/fees/", ""), ("drafts/fees/kk/", "../")):
        thread = built.html(page).find(id="art_2__para_1").select_one("details.lt-thread")
        assert thread.summary.text == "2 comments", page
        links = sorted(a["href"] for a in thread.select("a"))
        assert links == [
            f"{prefix}reviews/20260105-aaaaaaaaaa/",
            f"{prefix}reviews/20260105-bbbbbbbbbb/",
        ]


def test_a_comment_on_the_kazakh_text_follows_it(site: tuple[Repo, list[str], Build]) -> None:
    """A quote in Kazakh is traced through the Kazakh revisions, not looked for in Russian."""
    _, _, built = site
    page = built.html("drafts/fees/reviews/20260105-bbbbbbbbbb/")
    assert page.select_one(".lt-comment--moved") is not None, page.text
    assert page.select_one(".lt-comment__where a")["href"].endswith("/kk/#art_2__para_1")


def test_a_structure_mismatch_fails_the_build_naming_both_files(repo: Repo) -> None:
    """The build refuses a current language version whose elements differ, naming the
    revision and the first element that differs."""
    revise(repo, "Initiate", ru=russian(RU_1), kk=kazakh(KK_1))
    sha = revise(repo, "Drop a paragraph", kk=kazakh(KK_1.split("\n2. Жауап")[0]))
    built = repo.build()
    assert built.returncode != 0
    assert (
        f"drafts/fees/draft.kk.md at revision {sha[:10]}: element art_2__para_2 is missing; "
        "drafts/fees/draft.md has it." in built.output
    )
    (repo.root / "drafts" / "fees" / "draft.kk.md").write_text(
        kazakh(KK_1 + "\n3. Артық тармақ.\n"), encoding="utf-8"
    )
    built = repo.build()
    assert (
        "drafts/fees/draft.kk.md in the work tree: element art_2__para_3 is not in "
        "drafts/fees/draft.md." in built.output
    )


def test_a_mismatch_in_an_older_revision_only_warns(repo: Repo) -> None:
    """History is published as it is: that revision's language version is left out."""
    revise(repo, "Initiate", ru=russian(RU_1), kk=kazakh(KK_1.split("\n2. Жауап")[0]))
    bad = repo.git("rev-parse", "HEAD")
    revise(repo, "Fix the Kazakh", kk=kazakh(KK_1))
    built = repo.build()
    assert built.returncode == 0, built.output
    assert f"drafts/fees/draft.kk.md at revision {bad[:10]}: element" in built.output
    assert not (built.site / "drafts" / "fees" / "kk" / "rev" / bad[:10]).exists()
    assert (built.site / "drafts" / "fees" / "kk" / "index.html").is_file()


@pytest.mark.parametrize(
    ("ru", "kk", "message"),
    [
        (
            draft(RU_1),
            kazakh(KK_1),
            "drafts/fees/draft.md: front matter field 'language' is missing; a draft with "
            "language versions (draft.kk.md) must say which language draft.md is in",
        ),
        (
            russian(RU_1),
            kazakh(KK_1, stage="adopted"),
            "drafts/fees/draft.kk.md: front matter field 'stage' belongs in draft.md only",
        ),
        (
            russian(RU_1),
            kazakh(KK_1, language="ru"),
            "drafts/fees/draft.kk.md: front matter field 'language' is 'ru', but the file "
            "name says 'kk'",
        ),
        (
            russian(RU_1),
            kazakh(KK_1, title=None),
            "drafts/fees/draft.kk.md: front matter field 'title' is missing",
        ),
    ],
)
def test_language_front_matter_is_checked(tmp_path: Path, ru: str, kk: str, message: str) -> None:
    """A language version says its own words; stage and window are the primary's."""
    folder = tmp_path / "drafts" / "fees"
    folder.mkdir(parents=True)
    (folder / "draft.md").write_text(ru, encoding="utf-8")
    (folder / "draft.kk.md").write_text(kk.replace("title: null\n", ""), encoding="utf-8")
    with pytest.raises(DraftError) as caught:
        load_drafts(tmp_path / "drafts", read_history(tmp_path / "drafts"), "drafts")
    assert any(m.startswith(message) for m in caught.value.messages), caught.value.messages


def _submission(sha: str, quote: str, **fields: Any) -> dict[str, Any]:
    target = {"eid": "art_2__para_2", "quote": {"exact": quote}}
    return {
        "draft": "fees",
        "revision": sha,
        "comments": [{"target": target, "body": "Too slow."}],
        **fields,
    }


def test_the_intake_takes_quotes_in_the_language_the_reader_saw(repo: Repo) -> None:
    """With `language: kk` a quote must be in the Kazakh element; without, in draft.md."""
    sha = revise(repo, "Initiate", ru=russian(RU_1), kk=kazakh(KK_1))
    corpus = load_corpus(repo.root / "drafts", ["toc"], {})
    now = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    kazakh_quote = _submission(sha, "15 жұмыс күні", language="kk")
    accepted = validate_submission(kazakh_quote, corpus, now, "20260301-aaaaaaaaaa")
    assert accepted.review.language == "kk"
    assert accepted.review.comments[0].target.wid == "art_2__para_2"
    own = validate_submission(
        _submission(sha, "15 рабочих дней", language="ru"), corpus, now, "20260301-aaaaaaaaab"
    )
    assert own.review.language is None  # the draft's own language needs no mark
    for body, code in (
        (_submission(sha, "15 жұмыс күні"), "quote_not_found"),
        (_submission(sha, "15 рабочих дней", language="kk"), "quote_not_found"),
        (_submission(sha, "15 рабочих дней", language="de"), "unknown_language"),
    ):
        with pytest.raises(Rejection) as caught:
            validate_submission(body, corpus, now, "20260301-aaaaaaaaac")
        assert caught.value.code == code
    assert "it has ru, kk" in str(caught.value)


def test_the_api_accepts_a_comment_quoting_the_kazakh_text(repo: Repo, tmp_path: Path) -> None:
    """POST /api/v1/reviews with `language: kk` and a Kazakh quote answers 201."""
    sha = revise(repo, "Initiate", ru=russian(RU_1), kk=kazakh(KK_1))
    app = create_app(
        {
            "REPO": str(repo.root),
            "SPOOL_DIR": str(tmp_path / "spool"),
            "REFRESH_SECONDS": 0,
            "RATE_LIMIT": "10000 per minute",
        }
    )
    body = _submission(sha, "Жауап 15 жұмыс күні", language="kk")
    answer = app.test_client().post("/api/v1/reviews", json=body)
    assert answer.status_code == 201, answer.get_json()


def test_a_commit_that_changes_only_a_language_text_is_a_revision(repo: Repo) -> None:
    """Revisions are text in every language: a changed Kazakh body is a revision, a changed
    Kazakh title or a moved window is not."""
    revise(repo, "Initiate", ru=russian(RU_1))
    revise(repo, "Add Kazakh", kk=kazakh(KK_1))
    revise(repo, "Reword the Kazakh", kk=kazakh(KK_1.replace("Жауап", "Жауап та")))
    revise(repo, "Retitle the Kazakh", kk=kazakh(KK_1.replace("Жауап", "Жауап та"), title="Жаңа"))
    revise(repo, "Extend", ru=russian(RU_1).replace("2099-12-31", "2100-01-31"))
    drafts, _ = load_drafts(repo.root / "drafts", read_history(repo.root / "drafts"), "drafts")
    versions = drafts[0].versions
    assert [v.changes_text for v in versions] == [True, True, True, False, False]
    assert [v.number for v in versions] == [1, 2, 3, 3, 3]


@pytest.fixture(scope="module")
def moved(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, str], Build]:
    """A Kazakh-only revision, then a Kazakh title change and a window extension (no
    revisions); a Kazakh comment made on the extension. Each version has its glossary."""
    repo = Repo(tmp_path_factory.mktemp("moved") / "project")
    ru_glossary = {"перевозчик": "Компания, которая возит пассажиров."}
    kk_glossary = {"тасымалдаушы": "Жолаушыларды тасымалдайтын компания."}
    kk_2 = KK_1.replace("Жауап", "Жауап та")
    shas = {
        "r1": revise(
            repo,
            "Initiate",
            ru=russian(RU_1, glossary=ru_glossary),
            kk=kazakh(KK_1, glossary=kk_glossary),
        ),
        "r2": revise(repo, "Reword the Kazakh", kk=kazakh(kk_2, glossary=kk_glossary)),
        "title": revise(
            repo, "Retitle the Kazakh", kk=kazakh(kk_2, glossary=kk_glossary, title="Жаңа атау")
        ),
        "extend": revise(
            repo,
            "Extend the discussion",
            ru=russian(RU_1, glossary=ru_glossary).replace("2099-12-31", "2100-01-31"),
        ),
    }
    folder = repo.root / "drafts" / "fees" / "reviews"
    folder.mkdir()
    target = {"eid": "art_2__para_2", "wid": "art_2__para_2", "quote": {"exact": "Жауап та"}}
    review = {
        "id": "20260105-cccccccccc",
        "draft": "fees",
        "revision": shas["extend"],
        "language": "kk",
        "submitted": "2026-01-05T10:00:00Z",
        "comments": [{"id": "20260105-cccccccccc-1", "target": target, "body": "Қысқарақ."}],
        "moderation": {"status": "merged", "by": "Mo Derator", "date": "2026-01-06"},
    }
    (folder / "20260105-cccccccccc.yml").write_text(dump_review(review), encoding="utf-8")
    repo.git("add", "-A")
    repo.commit("Merge a review")
    built = repo.build()
    assert built.returncode == 0, built.output
    return shas, built


def test_a_language_only_revision_has_its_pages(moved: tuple[dict[str, str], Build]) -> None:
    """The Kazakh rewording is revision 2 in both languages; the moves after it are none."""
    shas, built = moved
    kk = built.html(f"drafts/fees/kk/rev/{shas['r2'][:10]}/")
    assert kk.h1 is not None and kk.h1.text == "Revision 2 of 2"
    redline = built.html(f"drafts/fees/kk/compare/{shas['r1'][:10]}..{shas['r2'][:10]}/")
    assert [i.text.strip() for i in redline.select(".lt-redline ins")] == ["та"]
    for key in ("title", "extend"):
        assert not (built.site / "drafts" / "fees" / "kk" / "rev" / shas[key][:10]).exists()
    # The Russian text did not change: no empty redline, and nothing to see changed there.
    for page in (built.site / "drafts" / "fees" / "compare").rglob("*.html"):
        assert 'http-equiv="refresh"' in page.read_text(encoding="utf-8"), page  # moves only
    russian_page = built.html(f"drafts/fees/rev/{shas['r2'][:10]}/")
    assert "what this revision changed" not in russian_page.text
    refresh = built.html(f"drafts/fees/rev/{shas['extend'][:10]}/").find(
        "meta", attrs={"http-equiv": "refresh"}
    )
    assert refresh is not None and shas["r2"][:10] in str(refresh["content"])
    assert built.html("drafts/fees/kk/").h1.text == "Жаңа атау"


def test_a_kazakh_comment_on_a_move_anchors_on_the_kazakh_text_in_force(
    moved: tuple[dict[str, str], Build],
) -> None:
    """A comment made on a window move's commit is on the Kazakh revision in force then."""
    _, built = moved
    page = built.html("drafts/fees/reviews/20260105-cccccccccc/")
    assert page.select_one(".lt-comment--current") is not None, page.text
    assert page.select_one(".lt-comment__where a")["href"].endswith("/kk/#art_2__para_2")
    thread = built.html("drafts/fees/kk/").find(id="art_2__para_2").select_one("details")
    assert thread is not None and thread.summary.text == "1 comment"


def test_each_language_marks_its_own_glossary(moved: tuple[dict[str, str], Build]) -> None:
    """draft.kk.md's `glossary` marks its text and lists under it; draft.md's marks its own."""
    _, built = moved
    for page, term in (("drafts/fees/", "перевозчикам"), ("drafts/fees/kk/", "тасымалдаушы")):
        html = built.html(page)
        marked = [b.get_text() for b in html.select(".lt-text .lt-term")]
        listed = [dt.get_text() for dt in html.select(".lt-glossary dt")]
        assert marked and all(m.casefold().startswith(term[:10]) for m in marked), (page, marked)
        assert len(listed) == 1 and listed[0].casefold().startswith(term[:10]), (page, listed)


def test_a_language_version_without_a_glossary_takes_the_drafts(repo: Repo) -> None:
    """Without its own `glossary`, a language version is marked with the draft's."""
    revise(
        repo,
        "Initiate",
        ru=russian(RU_1, glossary={"тасымалдаушы": "Перевозчик."}),
        kk=kazakh(KK_1),
    )
    built = repo.build()
    assert built.returncode == 0, built.output
    html = built.html("drafts/fees/kk/")
    assert [b.get_text() for b in html.select(".lt-text .lt-term")] == ["Тасымалдаушы"]
    assert [dt.get_text() for dt in html.select(".lt-glossary dt")] == ["тасымалдаушы"]


def test_the_intake_takes_a_language_at_a_stage_move(repo: Repo) -> None:
    """A reader who loaded the Kazakh page at a window move quotes the Kazakh text in force."""
    revise(repo, "Initiate", ru=russian(RU_1), kk=kazakh(KK_1))
    move = revise(repo, "Extend", ru=russian(RU_1).replace("2099-12-31", "2100-01-31"))
    corpus = load_corpus(repo.root / "drafts", ["toc"], {})
    now = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    body = _submission(move, "15 жұмыс күні", language="kk")
    accepted = validate_submission(body, corpus, now, "20260301-aaaaaaaaaa")
    assert (accepted.review.revision, accepted.review.language) == (move, "kk")
    with pytest.raises(Rejection) as caught:
        validate_submission(
            _submission(move, "15 рабочих дней", language="kk"), corpus, now, "20260301-aaaaaaaaab"
        )
    assert caught.value.code == "quote_not_found"


@pytest.mark.parametrize(
    ("code", "name"),
    [("kk", "Қазақша"), ("ru", "Русский"), ("en", "English"), ("uz", "O‘zbek"), ("zz", "zz")],
)
def test_the_switch_names_each_language_in_its_own_words(code: str, name: str) -> None:
    """A version in a language Lawtrail does not list (a translator's draft.uz.md) is named
    on the switch as its readers write it, from Unicode's data; an unknown code as it is."""
    from site_builder.languages import language_name

    assert language_name(code) == name
