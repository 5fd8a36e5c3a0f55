"""The tracking page: where a reader types a tracking number and reads where the comment
stands (pending, published with its answers, or not published and why).

The page is static; its script (`assets/track.js`) asks the intake's status API. It is
generated twice: at `/track/` (in the nav), and at `UNBUILT_REVIEW_SRC`, the depth of a
review's own page, which the intake serves at the address of a review merged but not yet
built, so that its relative links work there too.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from site_builder.discussion import DISPOSITION_LABELS
from site_builder.mkdocs.context import PageSpec, SiteContext
from site_builder.mkdocs.indexes import listing, ordered
from site_builder.render import Published
from site_builder.urls import TRACK_SRC, UNBUILT_REVIEW_SRC, comments_src


def tracking_specs(site: SiteContext, drafts: Sequence[Published]) -> list[PageSpec]:
    """The tracking page and its copy for unbuilt review pages; none without an intake.

    Args:
        site: the site's context (its intake address, language and URL style).
        drafts: the published drafts; those that ever took comments are listed, each
            with its comments page, for readers without JavaScript.
    """
    if site.intake_url is None:
        return []
    _ = site.gettext
    listed = [
        {
            "slug": p.draft.slug,
            **listing(site, p),  # in the site's language where the draft has it
            "comments_url": site.url(comments_src(p.draft.slug)),
        }
        for p in ordered(site, drafts)
        if p.draft.meta.discussion is not None
    ]
    data: dict[str, Any] = {
        "intake": site.intake_url,
        "drafts": listed,
        # The script shows an answer's disposition in the words the pages use.
        "dispositions": json.dumps(
            {"pending": _("Awaiting answer")}
            | {key: _(label) for key, label in DISPOSITION_LABELS.items()},
            ensure_ascii=False,
            sort_keys=True,
        ),
    }
    title = _("Follow a comment")
    return [
        PageSpec(TRACK_SRC, title, "lawtrail/track.html", "", in_nav=True, data=data),
        PageSpec(
            UNBUILT_REVIEW_SRC,
            title,
            "lawtrail/track.html",
            "",
            data={**data, "unbuilt": True},
            noindex=True,
        ),
    ]
