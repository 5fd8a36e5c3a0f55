"""Writing a feed as an Atom document (RFC 4287), byte for byte the same at every build.

Languages of parts: the feed is in the language of Lawtrail's words in it (`xml:lang` on
`<feed>`: the site's, or a language version's own); each entry carries its draft's (its
title and the commit message, its summary, are the drafter's words); and the entry's
content, which Lawtrail writes ("Revision 3", the date, links), and the stage label say the
feed's again. Where an entry's draft title is in another language than its commit message
(a Kazakh version listed on a Kazakh site, its commits written in Russian), the site's
feed titles the entry with the draft's title alone, marked with its language. feedgen (1.0)
sets `xml:lang` only on the feed itself (`FeedGenerator.language`), never on an entry, a
title or a content element, so the document is written here with the standard library's
ElementTree.

Ids are the permanent addresses of what an entry is about: the feed's own URL for a feed,
the commit's revision page for an entry (a stage move's leads on to the text in force).
Dates are commits' author dates; nothing comes from the clock.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable

from site_builder.feeds import Feed, FeedEntry
from site_builder.i18n import format_day, translations

ATOM = "http://www.w3.org/2005/Atom"
_LANG = "{http://www.w3.org/XML/1998/namespace}lang"  # written as xml:lang
MEDIA_TYPE = "application/atom+xml"
# Characters XML 1.0 does not allow at all: a commit message may hold them (a terminal's
# escape codes), and one would make the whole feed unreadable.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def write_atom(
    feed: Feed, absolute: Callable[[str], str], language: str, stage_label: Callable[[str], str]
) -> bytes:
    """The feed as an Atom document in UTF-8.

    Args:
        feed: what to write.
        absolute: the absolute address of a site-relative path or a page's source path.
        language: the site's language: the feed's, and that of Lawtrail's own words in it.
        stage_label: a stage's name in that language.
    """
    root = ET.Element("feed", {"xmlns": ATOM, _LANG: language})
    _text(root, "id", absolute(feed.path))
    _text(root, "title", feed.title, feed.title_language)
    _text(root, "subtitle", feed.subtitle)
    _text(root, "updated", _stamp(feed.entries[0].date))
    ET.SubElement(root, "link", {"rel": "self", "type": MEDIA_TYPE, "href": absolute(feed.path)})
    ET.SubElement(
        root, "link", {"rel": "alternate", "type": "text/html", "href": absolute(feed.page)}
    )
    author = ET.SubElement(root, "author", _lang(feed.author_language))
    _text(author, "name", feed.author)
    _text(root, "generator", "Lawtrail")
    for entry in feed.entries:
        _entry(root, entry, feed.several, absolute, language, stage_label)
    ET.indent(root)
    document: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return document + b"\n"


def _entry(
    root: ET.Element,
    entry: FeedEntry,
    several: bool,
    absolute: Callable[[str], str],
    language: str,
    stage_label: Callable[[str], str],
) -> None:
    """One entry: the drafter's words in the draft's language, Lawtrail's in the site's."""
    _ = translations(language).gettext
    code = entry.language or language  # the commit message's
    pages = entry.text_language or code  # the pages' and the draft title's
    element = ET.SubElement(root, "entry", {_LANG: code})
    _text(element, "id", absolute(entry.address))
    if not several:
        _text(element, "title", entry.subject)
    elif pages == code:
        _text(element, "title", f"{entry.draft_title} — {entry.subject}")
    else:  # a title is in one language: the draft's, and the summary says what changed
        _text(element, "title", entry.draft_title, pages)
    _text(element, "updated", _stamp(entry.date))
    _text(element, "published", _stamp(entry.date))
    author = ET.SubElement(element, "author")
    _text(author, "name", entry.author)
    page = absolute(entry.page)
    read = _("Read revision %(number)d") % {"number": entry.number}
    ET.SubElement(
        element,
        "link",
        {
            "rel": "alternate",
            "type": "text/html",
            "hreflang": pages,
            "href": page,
            "title": read,
            _LANG: language,
        },
    )
    links = [f'<a href="{html.escape(page)}">{html.escape(read)}</a>']
    if entry.redline is not None and entry.before is not None:
        redline = absolute(entry.redline)
        changes = _("Changes from revision %(old)d to revision %(new)d") % {
            "old": entry.before,
            "new": entry.number,
        }
        ET.SubElement(
            element,
            "link",
            {
                "rel": "related",
                "type": "text/html",
                "hreflang": pages,
                "href": redline,
                "title": changes,
                _LANG: language,
            },
        )
        links.append(f'<a href="{html.escape(redline)}">{html.escape(changes)}</a>')
    what: list[str] = []
    if entry.revision:
        what.append(_("Revision %(number)d") % {"number": entry.number})
    if entry.stage is not None:
        label = stage_label(entry.stage)
        what.append(_("New stage: %(stage)s") % {"stage": label})
        ET.SubElement(element, "category", {"term": entry.stage, "label": label, _LANG: language})
    _text(element, "summary", entry.message)
    by = _("by %(author)s") % {"author": entry.author}
    content = "".join(
        f"<p>{' · '.join(html.escape(part) for part in parts)}</p>"
        for parts in (what, [format_day(entry.day, language), by])
    )
    content += f"<p>{' · '.join(links)}</p>"
    _text(element, "content", content, language).set("type", "html")


def _text(parent: ET.Element, tag: str, text: str, language: str | None = None) -> ET.Element:
    element = ET.SubElement(parent, tag, _lang(language))
    element.text = _NOT_XML.sub("", text)
    return element


def _lang(language: str | None) -> dict[str, str]:
    return {_LANG: language} if language else {}


def _stamp(moment: dt.datetime) -> str:
    """An RFC 3339 date in UTC, to the second."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
