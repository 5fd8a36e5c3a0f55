"""Lawtrail speaks kk, ru and en: complete catalogs, right plurals, the API's language, and
no English left on a page or in the widget of a ru or kk site."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po
from bs4 import BeautifulSoup, Tag

from intake import create_app
from site_builder.i18n import (
    LOCALE_DIR,
    SOURCE_LANGUAGE,
    format_day,
    languages,
    negotiate,
    plural_categories,
    translations,
)
from site_builder.ids import full_label
from tests.conftest import Build, Repo, build_sample, draft, serve

ROOT = Path(__file__).resolve().parent.parent
# The sample site is built and read in these; every catalog is checked for completeness.
TRANSLATED = ["ru", "kk"]
CATALOGS = [language for language in languages() if language != SOURCE_LANGUAGE]
# Text a page shows that Lawtrail did not write: the public's comments and the agency's
# answers (in whatever language their authors used), quotes, commit ids.
NOT_OURS = (
    "script, style, code, q, blockquote, .lt-comment__body, .lt-comment__suggestion, "
    ".lt-comment__rationale, .lt-answer__text, .lt-proposals td:nth-child(3) > :not(a), "
    ".lt-proposals td:nth-child(4), .lt-proposals td:nth-child(6) > :not(span), "
    ".lt-thread__list, .md-copyright__highlight, "
    # The agency's other ways to comment, in the words of the site's mkdocs.yml.
    ".lt-channels"
)


def make_translation(locales: Path, language: str) -> subprocess.CompletedProcess[str]:
    """The translator's command, `make translation LOCALE=xx`, into another catalog folder."""
    return subprocess.run(
        [
            "make",
            "--no-print-directory",
            "-o",
            ".venv/.installed",
            "translation",
            f"LOCALE={language}",
            f"LOCALES={locales}",
            f"BIN={Path(sys.executable).parent}",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture(scope="module")
def updated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped catalogs updated from today's sources, as a translator's command would."""
    locales = tmp_path_factory.mktemp("locale")
    shutil.copytree(LOCALE_DIR, locales, dirs_exist_ok=True)
    for language in CATALOGS:
        done = make_translation(locales, language)
        assert done.returncode == 0, done.stdout + done.stderr
    return locales


@pytest.mark.parametrize("language", CATALOGS)
def test_every_message_of_the_sources_is_translated(updated: Path, language: str) -> None:
    """No template, script or Python string lacks a translation, and none is fuzzy."""
    with (updated / language / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalog = read_po(po, locale=language)
    untranslated = [
        message.id
        for message in catalog
        if message.id
        and (
            message.fuzzy
            or not message.string
            or (isinstance(message.string, tuple) and not all(message.string))
        )
    ]
    assert untranslated == []
    problems = [(message.id, errors) for message, errors in catalog.check()]
    assert problems == []


def test_the_shipped_languages_are_those_with_a_catalog() -> None:
    """English is the source; ru and kk ship because their catalogs are there, as does any
    language a translator adds with `make translation` (nothing else lists languages)."""
    catalogs = {path.parent.parent.name for path in LOCALE_DIR.glob("*/LC_MESSAGES/messages.po")}
    assert languages() == tuple(sorted({"en", *catalogs}))
    assert {"kk", "ru"} <= catalogs


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("ru", {1: "1 комментарий", 2: "2 комментария", 5: "5 комментариев", 21: "21 комментарий"}),
        ("kk", {1: "1 пікір", 2: "2 пікір", 5: "5 пікір", 21: "21 пікір"}),
        ("en", {1: "1 comment", 2: "2 comments", 5: "5 comments", 21: "21 comments"}),
    ],
)
def test_plural_forms_follow_the_language(language: str, expected: dict[int, str]) -> None:
    """Russian has three forms, Kazakh one (numbers take the singular), English two."""
    tr = translations(language)
    found = {
        n: tr.ngettext("%(count)d comment", "%(count)d comments", n) % {"count": n}
        for n in expected
    }
    assert found == expected


def test_the_script_gets_the_catalogs_plural_rule_by_cldr_category() -> None:
    """The page script maps Intl.PluralRules' categories to the catalog's forms."""
    assert plural_categories("ru") == {"few": 1, "many": 2, "one": 0}
    assert plural_categories("kk") == {"one": 0, "other": 0}
    assert plural_categories("en") == {"one": 0, "other": 1}


def test_labels_and_dates_are_in_the_language_asked_for() -> None:
    """Element labels and days come from the catalogs and Babel's locale data."""
    path = [("art", "5"), ("para", "2.")]
    assert full_label(path, "kk") == "5-бап, 2-тармақ"
    assert full_label(path, "ru") == "Статья 5, пункт 2"
    assert format_day("2026-11-12", "ru") == "12 ноября 2026\u202fг."
    assert format_day("2026-11-12", "en") == "November 12, 2026"
    assert "қараша" in format_day("2026-11-12", "kk")


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("ru-RU,ru;q=0.9,en;q=0.8", "ru"),
        ("kk-KZ", "kk"),
        ("de-DE,kk;q=0.5,ru;q=0.7", "ru"),
        ("fr", "en"),
        ("", "en"),
        (None, "en"),
        ("ru;q=0", "en"),
    ],
)
def test_the_api_language_is_negotiated_among_the_shipped_ones(
    header: str | None, expected: str
) -> None:
    """The reader's most preferred shipped language wins; English is the fallback."""
    assert negotiate(header) == expected


def test_api_errors_speak_the_readers_language(tmp_path: Path) -> None:
    """A refusal's message follows Accept-Language; its code and field do not."""
    repo = Repo(tmp_path / "project")
    repo.revise("fees", draft("### Article 1. Scope\n\n1. The operator shall publish.\n"))
    app = create_app({"REPO": str(repo.root), "SPOOL_DIR": str(tmp_path / "spool")})
    client = app.test_client()
    answers = {}
    for language in ("en", "ru", "kk"):
        response = client.post(
            "/api/v1/reviews",
            json={"draft": "nothing-here", "revision": "0" * 40, "comments": []},
            headers={"Accept-Language": f"{language},en;q=0.1"},
        )
        assert response.status_code == 404
        assert response.headers["Content-Language"] == language
        assert "Accept-Language" in response.headers["Vary"]
        answers[language] = response.get_json()["error"]
    assert answers["en"]["message"] == "There is no draft 'nothing-here'."
    assert answers["ru"]["message"] == "Проекта «nothing-here» нет."
    assert answers["kk"]["message"] == "«nothing-here» жобасы жоқ."
    assert {a["code"] for a in answers.values()} == {"unknown_draft"}
    assert {a["field"] for a in answers.values()} == {"draft"}


def test_an_invisible_character_is_named_without_english(tmp_path: Path) -> None:
    """A refused bidi control is named by its code point in every language, and by its
    English Unicode name only in English."""
    repo = Repo(tmp_path / "project")
    sha = repo.revise(
        "fees",
        draft(
            "### Article 1. Scope\n\n1. The operator shall publish.\n",
            stage="discussion",
            discussion={"opens": "2026-01-01", "closes": "2099-12-31"},
        ),
    )
    app = create_app({"REPO": str(repo.root), "SPOOL_DIR": str(tmp_path / "spool")})
    review = {
        "draft": "fees",
        "revision": sha,
        "author": {"name": "evil\u202eexe.txt"},
        "comments": [{"target": {"eid": "art_1"}, "body": "Fine."}],
    }
    for language in ("en", "ru", "kk"):
        answer = app.test_client().post(
            "/api/v1/reviews", json=review, headers={"Accept-Language": language}
        )
        error = answer.get_json()["error"]
        assert (answer.status_code, error["code"]) == (422, "invalid_character")
        assert "U+202E" in error["message"]
        assert ("RIGHT-TO-LEFT OVERRIDE" in error["message"]) == (language == "en")


# No English left ------------------------------------------------------------------------


def english_phrases(language: str) -> list[str]:
    """The English text of every message, in pieces around its placeholders, that its
    translation does not itself contain ("application/json" stays as it is)."""
    with (LOCALE_DIR / language / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalog = read_po(po, locale=language)
    phrases: set[str] = set()
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for msgid in ids:
            for piece in re.split(r"%\(\w+\)[sd]|\{\w+\}", msgid):
                piece = piece.strip(" .,:;()—–-“”'")
                english = len(piece) >= 4 and re.search("[A-Za-z]{3}", piece)
                if english and not any(piece in s for s in strings):
                    phrases.add(piece)
    return sorted(phrases, key=len, reverse=True)


def english_left(texts: list[str], phrases: list[str]) -> list[str]:
    """The English phrases that occur as whole words in any of the texts."""
    found = set()
    for text in texts:
        for phrase in phrases:
            if re.search(rf"(?<![A-Za-z]){re.escape(phrase)}(?![A-Za-z])", text):
                found.add(f"{phrase!r} in {text.strip()[:120]!r}")
    return sorted(found)


def own_texts(soup: BeautifulSoup, language: str) -> list[str]:
    """What the page says in its own language: text outside the parts in another language
    (a draft's text, title, summary, commit messages carry theirs) and outside what the
    public wrote, plus the names controls have (aria-label, title, placeholder)."""
    body = soup.body
    assert body is not None
    for tag in body.select(NOT_OURS):
        tag.decompose()
    texts: list[str] = []

    def walk(node: Tag, current: str) -> None:
        lang = node.get("lang")
        here = str(lang) if lang else current
        for name in ("aria-label", "title", "placeholder"):
            value = node.get(name)
            if value and (here == language or "lt-link" in (node.get("class") or [])):
                texts.append(str(value))
        for child in node.children:
            if isinstance(child, Tag):
                walk(child, here)
            elif here == language and str(child).strip():
                texts.append(str(child))

    walk(body, language)
    return texts


@dataclass
class Sample:
    """The sample site built in one language."""

    build: Build
    language: str

    def html(self, page: str) -> BeautifulSoup:
        return self.build.html(page)


@pytest.fixture(scope="module", params=TRANSLATED)
def sample(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Sample:
    """The repository's own sample site (drafts/ with its history) built in ru or in kk."""
    language = request.param

    def in_language(config: str) -> str:
        config = re.sub(r"(?m)^  language: \w+$", f"  language: {language}", config)
        assert f"  language: {language}" in config
        return config

    clone = tmp_path_factory.mktemp(f"sample-{language}") / "project"
    return Sample(build_sample(clone, in_language), language)


def test_no_english_is_left_on_any_page(sample: Sample) -> None:
    """Every page of the sample site, built in ru or kk, says nothing of Lawtrail's in
    English outside the drafts' own text and what the public wrote."""
    language = sample.language
    phrases = english_phrases(language)
    assert "Comments and answers" in phrases and "In public discussion" in phrases
    assert "Made with" in phrases and "Page not found" in phrases
    assert "Switch to the dark palette" in phrases  # the sample mkdocs.yml's toggle
    pages = sorted(sample.build.site.rglob("*.html"))
    assert len(pages) > 20
    left: list[str] = []
    checked = []
    for page in pages:
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        if soup.select_one(".lt-head") is None:
            continue  # the site's own pages (content/) are not Lawtrail's
        assert soup.html is not None and soup.html.get("lang") == language
        found = english_left(own_texts(soup, language), phrases)
        left.extend(f"{page.relative_to(sample.build.site)}: {f}" for f in found)
        checked.append(page.relative_to(sample.build.site).as_posix())
    assert left == []
    # The pages the intake serves for any address with no page, the tracking page and its
    # copy for a review not built yet, are Lawtrail's too.
    assert {"404.html", "track/index.html", "drafts/_/reviews/_/index.html"} <= set(checked)
    missing = sample.html("404.html")
    heading = missing.select_one("h1")
    assert heading is not None
    assert heading.get_text(strip=True) == translations(language).gettext("Page not found")


def test_the_site_language_reaches_material_and_the_script(sample: Sample) -> None:
    """Material's own strings follow theme.language (kk through Lawtrail's partial), and the
    page script gets the same catalog as the pages."""
    language = sample.language
    page = sample.html("drafts/open-budget-data/")
    assert page.html is not None and page.html.get("lang") == language
    search = page.select_one("input.md-search__input")
    assert (
        search is not None and search.get("placeholder") == {"ru": "Поиск", "kk": "Іздеу"}[language]
    )
    script = (sample.build.site / "assets" / "lawtrail" / "i18n" / f"{language}.js").read_text(
        "utf-8"
    )
    assert translations(language).gettext("Comment on this quote") in script
    assert f"assets/lawtrail/i18n/{language}.js" in str(page)


def test_draft_parts_carry_the_drafts_language(sample: Sample) -> None:
    """An English draft on a ru or kk site: its title, summary, text and commit messages
    say lang="en" wherever they appear (WCAG 3.1.2)."""
    index = sample.html("")
    card = index.select_one('.lt-card:has(a[href$="drafts/open-budget-data/"])')
    assert card is not None
    assert card.select_one(".lt-card__title[lang=en]") is not None
    assert card.select_one(".lt-card__summary[lang=en]") is not None
    page = sample.html("drafts/open-budget-data/")
    assert page.select_one("h1[lang=en]") is not None
    assert page.select_one(".lt-text[lang=en]") is not None
    messages = page.select(".lt-event__message")
    assert messages and all(m.get("lang") == "en" for m in messages)
    assert page.select_one("time[datetime]") is not None
    # Material's nav and table of contents too (Lawtrail's overrides of their partials).
    listed = index.select_one('.md-nav--primary a[href$="drafts/open-budget-data/"] .md-ellipsis')
    assert listed is not None and listed.get("lang") == "en"
    active = "li.md-nav__item--active:not(.md-nav__item--nested) > .md-nav__link .md-ellipsis"
    titles = page.select(f".md-nav--primary {active}")
    assert len(titles) == 2 and all(t.get("lang") == "en" for t in titles)
    tocs = page.select('ul[data-md-component="toc"]')
    assert tocs and all(toc.get("lang") == "en" for toc in tocs)


XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def feed_texts(root: ET.Element) -> list[str]:
    """What a feed says in its own language (`xml:lang` of `<feed>`): elements' text (an
    entry's content is HTML: its words, not its tags) and `title` and `label` attributes."""
    texts: list[str] = []

    def walk(node: ET.Element, current: str | None) -> None:
        here = node.get(XML_LANG) or current
        if here == root.get(XML_LANG):
            texts.extend(node.get(name) or "" for name in ("title", "label"))
            texts.append(re.sub(r"<[^>]+>", " ", node.text or ""))
        for child in node:
            walk(child, here)

    walk(root, None)
    return texts


def test_no_english_is_left_in_the_feeds(sample: Sample) -> None:
    """Every feed of the sample site built in ru or kk says Lawtrail's words (its title and
    subtitle, each entry's content, links' titles, stage labels) in the feed's language."""
    feeds = sorted(sample.build.site.rglob("feed.xml"))
    assert len(feeds) >= 4  # the site's, one per draft, the Kazakh version's
    left: list[str] = []
    for path in feeds:
        root = ET.fromstring(path.read_bytes())
        language = root.get(XML_LANG)
        assert language in (sample.language, "kk")  # a Kazakh version's feed is in Kazakh
        found = english_left(feed_texts(root), english_phrases(str(language)))
        left.extend(f"{path.relative_to(sample.build.site)}: {f}" for f in found)
    assert left == []


def test_a_bilingual_draft_is_listed_in_the_sites_language(sample: Sample) -> None:
    """The Russian draft with a Kazakh version is listed by its Kazakh text on a kk site
    (its card, the nav, the comments and accountability pages, the site's feed) and by its
    Russian text on a ru site; its commit messages stay Russian (lang="ru")."""
    language = sample.language
    slug = "zelenye-nasazhdeniya"
    folder = {"ru": f"drafts/{slug}/", "kk": f"drafts/{slug}/kk/"}[language]
    title = {"ru": "О защите зелёных", "kk": "Елді мекендердегі жасыл екпелерді"}[language]
    index = sample.html("")
    card = index.select_one(f'.lt-card:has(a[href="{folder}"])')
    assert card is not None, folder
    heading = card.select_one(".lt-card__title")
    assert heading is not None and heading.get_text(strip=True).startswith(title)
    assert heading.get("lang") in (None, language)
    nav = index.select_one(f'.md-nav--primary a.md-nav__link[href="{folder}"]')
    assert nav is not None and nav.get_text(strip=True).startswith(title)
    for page in (f"drafts/{slug}/comments/", "accountability/", "track/"):
        named = [
            a.get_text(strip=True)
            for a in sample.html(page).select(f'a[href$="{slug}/comments/"], .lt-eyebrow a')
        ]
        assert any(name.startswith(title) for name in named), page
    messages = sample.html(folder).select(".lt-event__message")
    assert messages and all(m.get("lang") == "ru" for m in messages)
    # The site's feed: the draft's entries lead to the text the index lists.
    feed = ET.fromstring((sample.build.site / "feed.xml").read_bytes())
    atom, lang = "{http://www.w3.org/2005/Atom}", XML_LANG
    entries = [
        e
        for e in feed.iter(f"{atom}entry")
        if f"/drafts/{slug}/" in (e.findtext(f"{atom}id") or "")
    ]
    assert entries
    for entry in entries:
        link = entry.find(f"{atom}link[@rel='alternate']")
        assert link is not None and f"/{folder}rev/" in link.get("href", "")
        assert link.get("hreflang") == language and entry.get(lang) == "ru"
        name = entry.find(f"{atom}title")
        assert name is not None and (name.text or "").startswith(title)
        assert name.get(lang) == (None if language == "ru" else "kk")


# The widget in Chromium -----------------------------------------------------------------


@pytest.fixture(scope="module")
def served(sample: Sample) -> Iterator[tuple[str, str]]:
    """The built sample on 127.0.0.1, with its language."""
    process, url = serve(sample.build.site)
    yield url, sample.language
    process.terminate()
    process.wait()


def test_the_comment_widget_speaks_the_site_language(browser: Any, served: tuple[str, str]) -> None:
    """Buttons, the form, its messages and the days left are in ru or kk, with the right
    plural form, once the page script has run."""
    url, language = served
    if date.today() > date(2035, 12, 31):
        pytest.skip("the sample draft's discussion window has closed")
    phrases = english_phrases(language)
    page = browser.new_page(viewport={"width": 360, "height": 740})
    page.goto(url + "drafts/open-budget-data/")
    page.wait_for_selector(".lt-cbtn")
    page.locator(".lt-cbtn").first.click()
    page.wait_for_selector("#lt-comment:not([hidden])")
    page.locator(".lt-form-submit").click()  # nothing written: the form's own checks speak
    page.wait_for_selector(".lt-form-status--error")
    texts: list[str] = page.evaluate(
        """() => {
          const out = [];
          const parts = document.querySelectorAll('[data-lt-ui], .lt-days, .lt-comment-note');
          for (const el of parts) {
            out.push(el.innerText);
            for (const named of [el, ...el.querySelectorAll('*')]) {
              for (const name of ['aria-label', 'title']) {
                if (named.getAttribute(name)) out.push(named.getAttribute(name));
              }
            }
          }
          return out;
        }"""
    )
    assert english_left(texts, phrases) == []
    days = page.locator(".lt-banner .lt-days").inner_text()
    count = int(re.sub(r"\D", "", days))
    tr = translations(language)
    expected = tr.ngettext(
        "%(count)d day left, today included", "%(count)d days left, today included", count
    )
    assert days == expected % {"count": count}
    body_error = page.locator("#lt-c-body-error").inner_text()
    assert body_error == tr.gettext("Write your comment before sending.")
    # The script's plural forms are the catalog's: 1, 2, 5 and 21 as the language says them.
    singular, plural = "%(count)d day left, today included", "%(count)d days left, today included"
    counts = [1, 2, 5, 21]
    said = page.evaluate(
        "([one, other, counts]) => counts.map(c => window.lawtrail.n(one, other, c))",
        [singular, plural, counts],
    )
    assert said == [tr.ngettext(singular, plural, c) % {"count": c} for c in counts]
    page.close()


def test_the_form_shows_the_intakes_refusal_in_the_sites_language(
    browser: Any, sample: Sample, tmp_path: Path
) -> None:
    """A reader whose browser asks for English, on a ru or kk site: the intake's refusal
    the form shows is in the site's language (the widget asks for it), not the browser's."""
    from tests.test_server import Server

    if date.today() > date(2035, 12, 31):
        pytest.skip("the sample draft's discussion window has closed")
    language = sample.language
    project = sample.build.site.parent
    server = Server(
        project, tmp_path / "spool", workers=1, LAWTRAIL_SITE_DIR=str(sample.build.site)
    )
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="en-US")
    try:
        page = context.new_page()
        page.goto(server.url + "/drafts/open-budget-data/")
        assert page.evaluate("() => navigator.language") == "en-US"
        page.wait_for_selector(".lt-cbtn")
        page.locator(".lt-cbtn").first.click()
        page.fill("#lt-c-body", "Мерзім тым ұзақ\u0007")
        page.check("#lt-c-consent")
        page.locator(".lt-form-submit").click()
        status = page.wait_for_selector(".lt-form-status--error").inner_text()
    finally:
        context.close()
        server.kill()
    refusal = translations(language).gettext("%(field)s: control character %(char)s is not allowed")
    assert (refusal % {"field": "F", "char": "U+0007"}).removeprefix("F: ") in status
    assert english_left([status], english_phrases(language)) == []


def test_the_default_nav_title_is_translated_and_a_custom_one_kept(sample: Sample) -> None:
    """The nav section of drafts says "Drafts" in the site's language unless the site
    named it itself."""
    language = sample.language
    nav = sample.html("").select(".md-nav__link")
    titles = {link.get_text(" ", strip=True) for link in nav}
    assert translations(language).gettext("Drafts") in titles
    assert translations(language).gettext("Accountability") in titles


def test_the_tracking_page_speaks_the_site_language(
    browser: Any, sample: Sample, tmp_path: Path
) -> None:
    """Received, published with its answer, and an unknown number: the tracking page says
    each in ru or kk, with the element named in that language, served with the intake."""
    import json
    import urllib.request

    from tests.test_server import Server

    if date.today() > date(2035, 12, 31):
        pytest.skip("the sample draft's discussion window has closed")
    language = sample.language
    project = sample.build.site.parent
    merged = sorted((project / "drafts" / "open-budget-data" / "reviews").glob("2*.yml"))[0].stem
    server = Server(
        project, tmp_path / "spool", workers=1, LAWTRAIL_SITE_DIR=str(sample.build.site)
    )
    try:
        with urllib.request.urlopen(server.url + "/api/v1/drafts/open-budget-data") as answer:
            revision = json.loads(answer.read())["revision"]
        body = {
            "draft": "open-budget-data",
            "revision": revision,
            "comments": [{"target": {"eid": "art_1"}, "body": "Ещё вопрос."}],
        }
        request = urllib.request.Request(
            server.url + "/api/v1/reviews",
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request) as answer:
            pending = json.loads(answer.read())["id"]
        page = browser.new_page(viewport={"width": 360, "height": 740})
        texts: list[str] = []
        for number in (pending, merged, "20260101-0000000000"):
            page.goto(f"{server.url}/track/?id={number}")
            page.wait_for_selector(".lt-track__result:not([hidden]), .lt-error:not([hidden])")
            texts += page.evaluate(
                """(language) => {
                  const out = [];
                  const walk = (node, lang) => {
                    if (node.nodeType === Node.TEXT_NODE) {
                      if (lang === language && node.data.trim()) out.push(node.data);
                    } else if (node.nodeType === Node.ELEMENT_NODE
                               && !node.matches('.lt-track__answer, code, [hidden]')) {
                      const here = node.getAttribute('lang') || lang;
                      for (const child of node.childNodes) walk(child, here);
                    }
                  };
                  walk(document.querySelector('.lt-track'), language);
                  return out;
                }""",
                language,
            )
        page.close()
    finally:
        server.kill()
    tr = translations(language)
    joined = " ".join(texts)
    assert tr.gettext("Received: waiting for moderation") in joined
    assert tr.gettext("Published") in joined
    unknown = tr.gettext(
        "There is no comment with the tracking number %(number)s. Check the number and try again."
    )
    assert unknown % {"number": "20260101-0000000000"} in joined
    assert english_left(texts, english_phrases(language)) == []
