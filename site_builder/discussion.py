"""A draft's public record of comments: each merged comment anchored onto the current text,
with its answer, ready for the pages that show them.

Each comment's entry is built once, here, complete with its links (from `urls`); the pages
read it and never add to it.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from site_builder.accountability import Figures, answer_delays, figures
from site_builder.anchoring import Anchor, Reanchorer, Target
from site_builder.diff import diff_words, render_ops
from site_builder.i18n import N_, translations
from site_builder.render import Edition, Published
from site_builder.reviews import Comment, Review, render_comment
from site_builder.urls import draft_src, relative_url, review_src, revision_src, url_of

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
    comments: list[dict[str, Any]] = field(default_factory=list)
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
    gettext = translations(site_language).gettext
    for review in sorted(reviews, key=lambda r: (r.submitted, r.id)):
        language, old, current, quoted = _texts_of(published, review, shas)
        for comment in review.comments:
            anchor = _anchor(comment, old, current, anchorers, language, quoted, site_language)
            entry = _entry(review, comment, anchor, old, current, revisions, gettext)
            entry.update(
                _links(published.draft.slug, entry, revisions, language, use_directory_urls)
            )
            discussion.comments.append(entry)
            # Comments whose text is gone are kept under "" for the note below the text.
            key = anchor.eid if anchor.eid and anchor.status != "orphaned" else ""
            discussion.by_element.setdefault(key, []).append(entry)
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
    count = len(entries)
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
    addressed = None
    if response and response.addressed_in:
        match = [sha for sha in editions if sha.startswith(response.addressed_in)]
        addressed = match[0] if match else response.addressed_in
    author = review.name or gettext("Anonymous")
    if review.organization:
        author = f"{author} ({review.organization})"
    body = comment.body.strip()
    return {
        "id": comment.id,
        "review_id": review.id,
        "author": author,
        "submitted": review.submitted.date().isoformat(),
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
        "disposition_label": gettext(DISPOSITION_LABELS[response.disposition])
        if response and response.disposition in DISPOSITION_LABELS
        else gettext("Awaiting answer"),
        "answer_html": render_comment(response.text) if response else None,
        "answered_by": response.by if response else None,
        "answered_on": response.date.isoformat() if response else None,
        "addressed_in": addressed,
    }


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
