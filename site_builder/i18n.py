"""The languages Lawtrail speaks: message catalogs, plural rules and dates per locale.

The sources of every string Lawtrail shows are the gettext catalogs in `locale/`, one
`<lang>/LC_MESSAGES/messages.po` per language, extracted from the templates, the page
script and the Python code (`babel.cfg`); English is the source language and has no
catalog. A language is shipped when its catalog is there: nothing else lists them.

Catalogs are read as `.po` with Babel when first asked for, so a clean clone builds
without a compile step; the page script gets the same catalog's messages as JSON
(`script_messages`), never a second source.
"""

from __future__ import annotations

import gettext
import io
from collections.abc import Callable, Iterable
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.core import negotiate_locale
from babel.dates import format_date
from babel.messages.extract import extract_javascript
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent
from babel.support import Translations

from site_builder.errors import LawtrailError

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "messages"
SOURCE_LANGUAGE = "en"
# The page script's gettext keywords: t(msgid, params), n(singular, plural, count, params).
SCRIPT_KEYWORDS = {"t": None, "n": (1, 2)}


class CatalogError(LawtrailError):
    """A message catalog that cannot be read."""


def N_(msgid: str) -> str:
    """Mark a string for extraction where it is defined; it is translated where it is shown."""
    return msgid


@cache
def languages() -> tuple[str, ...]:
    """Every language shipped: English and each language with a catalog, sorted.

    Looked up once per process: labels ask for every element of every text."""
    found = {path.parent.parent.name for path in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po")}
    return tuple(sorted({SOURCE_LANGUAGE, *found}))


def shipped(language: str) -> str:
    """The shipped language to use for `language` ("kk-KZ" -> "kk"); English if none is."""
    available = languages()
    base = language.replace("_", "-").split("-")[0].lower()
    return language if language in available else base if base in available else SOURCE_LANGUAGE


@cache
def translations(language: str) -> gettext.NullTranslations:
    """The catalog of a shipped language (`shipped` picks one), or English's identity.

    Raises:
        CatalogError: the catalog's `.po` file is not valid.
    """
    language = shipped(language)
    path = LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    if language == SOURCE_LANGUAGE or not path.is_file():
        return gettext.NullTranslations()
    try:
        with path.open("rb") as po:
            catalog = read_po(po, locale=language, abort_invalid=True)
    except Exception as err:  # Babel raises several kinds; all mean one thing here.
        raise CatalogError(f"{path.name} of '{language}': {err}; fix the .po file.") from err
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)  # a fuzzy entry is not a translation yet
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


def negotiate(accept_language: str | None) -> str:
    """The shipped language a reader's `Accept-Language` header prefers most; else English.

    Args:
        accept_language: the header's value ("ru-RU,ru;q=0.9,en;q=0.8"), or None.
    """
    preferred: list[tuple[float, str]] = []
    for position, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        if tag and tag != "*" and quality > 0:
            preferred.append((-quality + position * 1e-6, tag.strip()))
    tags = [tag.replace("_", "-") for _, tag in sorted(preferred)]
    # Babel matches "ru-RU" to "ru" itself only through aliases; offer the bases as well.
    ordered = [t for tag in tags for t in (tag, tag.split("-")[0])]
    found = negotiate_locale(ordered, list(languages()), sep="-")
    return found or SOURCE_LANGUAGE


def format_day(day: date | str, language: str) -> str:
    """A day as a reader of `language` writes it: "12 November 2026", "12 ноября 2026 г.".

    Args:
        day: a date or an ISO date ("2026-11-12"); pages keep the ISO form in `datetime`.
        language: a language code; Babel's data decides the format.
    """
    value = date.fromisoformat(day) if isinstance(day, str) else day
    try:
        locale = Locale.parse(shipped(language))
    except (ValueError, UnknownLocaleError):
        locale = Locale.parse(SOURCE_LANGUAGE)
    return format_date(value, format="long", locale=locale)


def format_figure(value: float, language: str, share: bool = False) -> str:
    """A number as a reader of `language` writes it: "2.5" / "2,5"; a share as "40%" / "40 %"."""
    locale = Locale.parse(shipped(language))
    if share:
        return format_percent(value, locale=locale)
    return format_decimal(value, locale=locale)


def script_messages(language: str, sources: Iterable[Path]) -> dict[str, Any]:
    """The page script's messages in `language`, taken from the catalog, as JSON data.

    The msgids are the ones the script's sources use (extracted with Babel's JavaScript
    extractor, as `babel.cfg` does), so the page carries no message it does not show.

    Returns:
        `{"lang", "plural", "messages"}`: `plural` maps each CLDR plural category
        (`Intl.PluralRules`) to the index of the catalog's form; `messages` maps a msgid to
        its text, or a singular msgid to the list of plural forms.
    """
    tr = translations(language)
    messages: dict[str, str | list[str]] = {}
    for source in sorted(sources):
        with source.open("rb") as js:
            for _line, _func, msgid, _comments in extract_javascript(js, SCRIPT_KEYWORDS, [], {}):
                # Calls with something other than string literals (the helpers passing
                # their arguments on) name no message.
                if isinstance(msgid, tuple) and isinstance(msgid[0], str) and msgid[1]:
                    messages[msgid[0]] = _plural_forms(tr, msgid[0], msgid[1])
                elif isinstance(msgid, str):
                    messages[msgid] = tr.gettext(msgid)
    return {
        "lang": shipped(language),
        "plural": plural_categories(language),
        "messages": dict(sorted(messages.items())),
    }


def plural_categories(language: str) -> dict[str, int]:
    """Which of the catalog's plural forms each CLDR category of whole numbers takes.

    The catalog's `Plural-Forms` rule decides; the browser names a number's category with
    `Intl.PluralRules`, so the page script needs no rule of its own.
    """
    language = shipped(language)
    rule = _rule_of(translations(language))
    locale = Locale.parse(language)
    categories: dict[str, int] = {}
    for n in _SAMPLES:
        categories.setdefault(str(locale.plural_form(n)), rule(n))
    return dict(sorted(categories.items()))


# Whole numbers enough to meet every plural category and form of the shipped languages.
_SAMPLES = range(0, 1000)


def _plural_forms(tr: gettext.NullTranslations, singular: str, plural: str) -> list[str]:
    """Every plural form the catalog has for a message, in the catalog's order."""
    rule = _rule_of(tr)
    forms: dict[int, str] = {}
    for n in _SAMPLES:
        forms.setdefault(rule(n), tr.ngettext(singular, plural, n))
    return [forms[index] for index in sorted(forms)]


def _rule_of(tr: gettext.NullTranslations) -> Callable[[int], int]:
    """A catalog's plural rule (gettext compiles `Plural-Forms`); English's without one."""
    plural = getattr(tr, "plural", None)
    if callable(plural):
        return lambda n: int(plural(n))
    return lambda n: 0 if n == 1 else 1
