"""A draft's public record of comments: each merged comment anchored onto the current text,
with its answer and the answers it replaced, ready for the pages that show them.

Each comment's entry is built once, here, complete with its links (from `urls`); the pages
read it and never add to it. The copies of a campaign (`site_builder.campaigns`) that
carry the same answer are one row of the comments table, with their count and authors,
whether they were merged one by one or as one file.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import markdown
import nh3

from site_builder.accountability import Figures, answer_delays, figures
from site_builder.anchoring import Anchor, Reanchorer, Target
from site_builder.campaigns import group_id
from site_builder.diff import diff_words, render_ops
from site_builder.i18n import N_, translations
from site_builder.render import Edition, Published
from site_builder.reviews import Author, Comment, Response, Review
from site_builder.urls import (
    comment_anchor,
    draft_src,
    relative_url,
    review_src,
    revision_src,
    url_of,
)

# English msgids: `gather` shows them in the site's language.
DISPOSITION_LABELS = {
    "accepted": N_("Accepted"),
    "partly-accepted": N_("Partly accepted"),
    "rejected": N_("Rejected"),
    "noted": N_("Noted"),
}
STATUS_LABELS = {
    "current": N_("On the current text"),
    "moved": N_("Moved with its text"),
    "outdated": N_("Outdated: the text has changed"),
    "orphaned": N_("Orphaned: the text is gone"),
}


@dataclass
class Discussion:
    """Everything the pages show about the comments on one draft."""

    reviews: list[Review]
    rejected: dict[str, int]
    comments: list[dict[str, Any]] = field(default_factory=list)  # one per review's comment
    rows: list[dict[str, Any]] = field(default_factory=list)  # copies with one answer merged
    by_element: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    figures: Figures | None = None
    delays: list[int] = field(default_factory=list)


def gather(
    published: Published,
    reviews: list[Review],
    rejected: dict[str, int],
    today: dt.date,
    overdue_days: int,
    use_directory_urls: bool = True,
    site_language: str = "en",
) -> Discussion:
    """Anchor every merged comment of a draft onto its current text.

    Args:
        published: the draft with its editions.
        reviews: its merged reviews.
        rejected: counts of rejected reviews by reason.
        today: the day overdue answers are counted from (the newest commit's, in a build).
        overdue_days: how long after the window closed an unanswered comment is overdue.
        use_directory_urls: the site's URL style, for the links in each entry.
        site_language: the site's language, of labels and notes.
    """
    discussion = Discussion(reviews, rejected)
    # Every commit of the draft, a stage move's too: the primary text in force at it.
    revisions = published.by_sha()
    anchorers: dict[tuple[str | None, str], Reanchorer] = {}
    shas: dict[str | None, dict[str, Edition]] = {None: revisions}
    catalog = translations(site_language)
    gettext = catalog.gettext
    rows: dict[tuple[Any, ...], dict[str, Any]] = {}
    for review in sorted(reviews, key=lambda r: (r.submitted, r.id)):
        language, old, current, quoted = _texts_of(published, review, shas)
        group = group_id(review)
        for number, comment in enumerate(review.comments):
            anchor = _anchor(comment, old, current, anchorers, language, quoted, site_language)
            entry = _entry(review, comment, anchor, old, current, revisions, gettext)
            entry.update(
                _links(published.draft.slug, entry, revisions, language, use_directory_urls)
            )
            if review.copies is not None:
                entry["author"] = _copies_label(catalog.ngettext, entry["copies"])
            discussion.comments.append(entry)
            key = (group, number, comment.response, comment.earlier_responses)
            if key in rows:
                _add_copies(rows[key], entry)
            else:
                rows[key] = {**entry, "authors": list(entry["authors"])}
    discussion.rows = list(rows.values())
    for row in discussion.rows:
        if row["copies"] > 1:
            row["author"] = _copies_label(catalog.ngettext, row["copies"])
        # Comments whose text is gone are kept under "" for the note below the text.
        eid = row["eid"] if row["eid"] and row["status"] != "orphaned" else ""
        discussion.by_element.setdefault(eid, []).append(row)
    window = published.draft.meta.discussion
    discussion.figures = figures(reviews, window.closes if window else None, today, overdue_days)
    discussion.delays = answer_delays(reviews)
    return discussion


def inject_threads(
    content: str, by_element: dict[str, list[dict[str, Any]]], here: str, language: str = "en"
) -> str:
    """Put a "N comments" disclosure after the first block of each commented element.

    A <details> element opens without JavaScript and is reachable by keyboard. Every
    language version of a draft shows the same threads: its elements have the same eIds.
    The threads are in the site's `language`, inside a text that may be in another one.

    Args:
        content: a draft page's text.
        by_element: the comments on each element, from `gather`.
        here: the site-relative URL of the page, which the links are made relative to.
        language: the site's language.
    """
    for eid, entries in sorted(by_element.items()):
        if not eid:
            continue  # comments on text that is gone: the page lists them apart
        marker = f'id="{eid}"'
        at = content.find(marker)
        if at < 0:
            continue
        closing = min(
            (i for i in (content.find("</p>", at), content.find("</h", at)) if i >= 0),
            default=-1,
        )
        if closing < 0:
            continue
        end = content.find(">", closing) + 1
        content = content[:end] + _thread(entries, here, language) + content[end:]
    return content


def _thread(entries: list[dict[str, Any]], here: str, language: str) -> str:
    count = sum(e["copies"] for e in entries)
    items = "".join(
        f'<li><a href="{html.escape(relative_url(e["review_url"], here))}">'
        f"{html.escape(e['author'])}</a>: "
        f'{html.escape(e["excerpt"])} <span class="lt-disposition lt-disposition--'
        f'{e["disposition"] or "pending"}">{html.escape(e["disposition_label"])}</span>'
        + (
            ""
            if e["status"] == "current"
            else f' <span class="lt-anchor lt-anchor--{e["status"]}">'
            f"{html.escape(e['status_label'])}. {html.escape(e['note'])}</span>"
        )
        + "</li>"
        for e in entries
    )
    summary = translations(language).ngettext("%(count)d comment", "%(count)d comments", count)
    return (
        f'<details class="lt-thread" lang="{html.escape(language)}">'
        f"<summary>{html.escape(summary % {'count': count})}</summary>"
        f'<ul class="lt-thread__list">{items}</ul></details>'
    )


def _texts_of(
    published: Published, review: Review, shas: dict[str | None, dict[str, Edition]]
) -> tuple[str | None, Edition | None, Edition, bool]:
    """The texts a review's comments are anchored on: its language (None: the primary),
    the edition it was made on, the current one, and whether its quotes can be used.

    A comment made on a language version is anchored on that version's texts: its quote
    is in that language. Where that version is not published (no longer, or not at that
    revision), the comment follows its element alone in the primary text: the eIds and
    wIds are the same in every version, the words are not.

    A review's revision may be any commit of the draft, a stage or window move too: its
    comments were made on the text in force at that commit, in that language.

    `shas` caches, for each language, the edition in force at every commit by its sha.
    """

    def made_on(language: str | None) -> tuple[Edition | None, Edition | None]:
        if language not in shas:
            shas[language] = published.by_sha(language)
        return shas[language].get(review.revision), published.editions(language)[1]

    language = review.language if review.language in published.languages else None
    if language is not None:
        old, current = made_on(language)
        if old is not None and current is not None:
            return language, old, current, True
    old, current = made_on(None)
    assert current is not None
    return None, old, current, review.language in (None, published.draft.meta.language)


def _anchor(
    comment: Comment,
    old: Edition | None,
    current: Edition,
    anchorers: dict[tuple[str | None, str], Reanchorer],
    language: str | None,
    quoted: bool,
    site_language: str,
) -> Anchor:
    if old is None or old.version is None:
        note = translations(site_language).gettext("The revision it was made on is not in history.")
        return Anchor("orphaned", None, None, None, None, note)
    key = (language, old.version.revision.sha)
    if key not in anchorers:
        anchorers[key] = Reanchorer(old, current, site_language)
    if not quoted:
        return anchorers[key].anchor(Target(comment.eid, comment.wid))
    target = Target(comment.eid, comment.wid, comment.exact, comment.prefix, comment.suffix)
    return anchorers[key].anchor(target)


def _entry(
    review: Review,
    comment: Comment,
    anchor: Anchor,
    old: Edition | None,
    current: Edition,
    editions: dict[str, Edition],
    gettext: Callable[[str], str],
) -> dict[str, Any]:
    element = current.rendering.outline.find(anchor.eid) if anchor.eid else None
    was = old.rendering.outline.find(comment.eid) if old else None
    replaced = comment.exact or (was.text if was else "")
    response = comment.response
    addressed = _addressed(response, editions)
    author = _author(review.author, gettext) if review.author else gettext("Anonymous")
    authors = [_author(a, gettext) for a in review.copies.authors] if review.copies else []
    anonymous = review.copies.anonymous if review.copies else 0
    if review.copies is None and review.author and (review.name or review.organization):
        authors = [author]
    elif review.copies is None:
        anonymous = 1
    body = comment.body.strip()
    return {
        "id": comment.id,
        "anchor": comment_anchor(comment.id),
        "review_id": review.id,
        "author": author,
        "copies": review.weight,
        "authors": authors,
        "anonymous": anonymous,
        "files": 1,
        "submitted": review.submitted.date().isoformat(),
        "last_submitted": review.copies.last.date().isoformat() if review.copies else None,
        "revision": review.revision,
        "was_label": was.full_label if was else comment.eid,
        "was_eid": comment.eid,
        "eid": anchor.eid,
        "label": element.full_label if element else None,
        "status": anchor.status,
        "status_label": gettext(STATUS_LABELS[anchor.status]),
        "note": anchor.note,
        "quote": comment.exact,
        "new_quote": anchor.quote,
        "body_html": render_comment(body),
        "excerpt": body if len(body) <= 120 else body[:117].rsplit(" ", 1)[0] + "…",
        "suggestion_html": render_ops(diff_words(replaced, comment.suggestion))
        if comment.suggestion
        else None,
        "rationale_html": render_comment(comment.rationale) if comment.rationale else None,
        "disposition": response.disposition if response else None,
        "disposition_label": _label(response, gettext),
        "answer_html": render_comment(response.text) if response else None,
        "answered_by": response.by if response else None,
        "answered_on": response.date.isoformat() if response else None,
        "addressed_in": addressed,
        "first_answered": comment.first_answered.isoformat() if comment.first_answered else None,
        "amendment_reason": response.reason if response and comment.earlier_responses else None,
        "earlier_answers": _earlier(comment, editions, gettext),
    }


def _earlier(
    comment: Comment, editions: dict[str, Edition], gettext: Callable[[str], str]
) -> list[dict[str, Any]]:
    """The answers a comment's current one replaced, newest first, each with the date and
    public reason of the answer that replaced it."""
    answers = [*comment.earlier_responses, comment.response]
    earlier = []
    for before, after in itertools.pairwise(answers):
        assert before is not None and after is not None
        earlier.append(
            {
                "disposition": before.disposition,
                "disposition_label": _label(before, gettext),
                "answer_html": render_comment(before.text),
                "answered_by": before.by,
                "answered_on": before.date.isoformat(),
                "addressed_in": _addressed(before, editions),
                "replaced_on": after.date.isoformat(),
                "replaced_by": after.by,
                "reason": after.reason or "",
            }
        )
    return earlier[::-1]


def _add_copies(row: dict[str, Any], entry: dict[str, Any]) -> None:
    """Count another review's copies of the same comment, with the same answer, in `row`."""
    row["copies"] += entry["copies"]
    row["files"] += 1
    row["anonymous"] += entry["anonymous"]
    row["authors"].extend(a for a in entry["authors"] if a not in row["authors"])
    row["last_submitted"] = max(
        row["last_submitted"] or row["submitted"], entry["last_submitted"] or entry["submitted"]
    )


def _copies_label(ngettext: Callable[[str, str, int], str], count: int) -> str:
    """How the author of a campaign's copies is named: "5 identical copies"."""
    return ngettext("%(count)d identical copy", "%(count)d identical copies", count) % {
        "count": count
    }


def _author(author: Author, gettext: Callable[[str], str]) -> str:
    name = author.name or gettext("Anonymous")
    return f"{name} ({author.organization})" if author.organization else name


def _label(response: Response | None, gettext: Callable[[str], str]) -> str:
    if response is None or response.disposition not in DISPOSITION_LABELS:
        return gettext("Awaiting answer")
    return gettext(DISPOSITION_LABELS[response.disposition])


def _addressed(response: Response | None, editions: dict[str, Edition]) -> str | None:
    """The full sha of the revision an answer names, when history has it."""
    if response is None or not response.addressed_in:
        return None
    match = [sha for sha in editions if sha.startswith(response.addressed_in)]
    return match[0] if match else response.addressed_in


def _links(
    slug: str,
    entry: dict[str, Any],
    editions: dict[str, Edition],
    language: str | None,
    directory_urls: bool,
) -> dict[str, str | None]:
    """Site-relative URLs for the templates (which make them relative with `| url`), in
    the language version the comment was made on."""
    draft_url = url_of(draft_src(slug, language), directory_urls)
    sha = entry["addressed_in"]
    return {
        "review_url": url_of(review_src(slug, entry["review_id"]), directory_urls),
        "element_url": f"{draft_url}#{entry['eid']}" if entry["eid"] else None,
        "addressed_url": url_of(revision_src(slug, sha), directory_urls)
        if sha in editions
        else None,
    }


@functools.lru_cache(maxsize=4096)
def render_comment(markdown_text: str) -> str:
    """A comment's Markdown as safe HTML: no scripts, handlers or javascript: links.

    nh3 (Rust's ammonia) whitelists tags, attributes and URL schemes, and marks every link
    `rel="nofollow ugc"` so comment spam earns no search ranking. Cached: campaigns and
    stock answers repeat the same text many times.
    """
    html = _comment_markdown().reset().convert(markdown_text)
    return nh3.clean(
        html,
        tags=_COMMENT_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow ugc",
    )


@functools.lru_cache(maxsize=1)
def _comment_markdown() -> markdown.Markdown:
    """One Markdown converter for all comments: building one costs more than converting."""
    return markdown.Markdown(extensions=[], output_format="html")


_COMMENT_TAGS = {
    "p", "br", "strong", "em", "b", "i", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "del", "ins", "sub", "sup",
}  # fmt: skip
