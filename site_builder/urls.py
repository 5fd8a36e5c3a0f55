"""Every URL and source path Lawtrail uses: the one owner of addresses.

Two kinds of path live here. Source paths (`drafts/<slug>/index.md`) are where the engine
generates a page; `url_of` turns one into the site-relative URL the page gets. Review files
(`<drafts>/<slug>/reviews/<id>.yml`) are where a merged review is kept in git. The engine
layer, the intake and the CLI all take them from here, so a page and the link to it
cannot disagree.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

from site_builder.ids import clean_number

ACCOUNTABILITY_SRC = "accountability/index.md"
TRACK_SRC = "track/index.md"  # where a tracking number is asked for and answered
SITE_FEED = "feed.xml"  # the Atom feed of every draft's revisions and stage changes
REVIEWS_DIR = "reviews"  # a draft's merged review files, beside its draft.md
DRAFT_FILE = "draft.md"  # a draft's text in its primary language
# A parallel language version beside it: draft.kk.md. Its pages live in a folder named
# after the language (/drafts/<slug>/kk/), so the code must not be one of a draft's own
# page folders.
LANGUAGE_CODE = re.compile(r"[a-z]{2,3}(?:-[a-z0-9]{2,8})*")  # lower case: it is a path
_LANGUAGE_FILE = re.compile(rf"^draft\.(?P<language>{LANGUAGE_CODE.pattern})\.md$")
PAGE_FOLDERS = frozenset({"rev", "compare", "comments", "reviews"})


# How many hex digits of a commit sha name a revision in URLs and on pages.
SHORT_SHA = 10


def short_sha(sha: str) -> str:
    """A commit sha as revision URLs and pages show it."""
    return sha[:SHORT_SHA]


def language_file(language: str) -> str:
    """The file name of a draft's parallel language version: `draft.kk.md`."""
    return f"draft.{language}.md"


def language_of(name: str) -> str | None:
    """The language of a file named `draft.<language>.md`, else None (also for draft.md)."""
    found = _LANGUAGE_FILE.match(name)
    if found is None or found["language"] in PAGE_FOLDERS:
        return None
    return found["language"]


def draft_src(slug: str, language: str | None = None) -> str:
    """Source path of a draft's current text; `language` names a parallel version."""
    return f"{_draft_folder(slug, language)}/index.md"


def revision_src(slug: str, sha: str, language: str | None = None) -> str:
    """Source path of the text of one revision (in a parallel `language`, if given)."""
    return f"{_draft_folder(slug, language)}/rev/{short_sha(sha)}/index.md"


def compare_src(slug: str, old: str, new: str, language: str | None = None) -> str:
    """Source path of the redline between two revisions (of a parallel `language`)."""
    return f"{_draft_folder(slug, language)}/compare/{short_sha(old)}..{short_sha(new)}/index.md"


def draft_feed_path(slug: str, language: str | None = None) -> str:
    """Path (and site-relative URL) of a draft's Atom feed, a file, not a page; `language`
    names the feed of a parallel version (its pages, its title, its words)."""
    return f"{_draft_folder(slug, language)}/feed.xml"


def comments_src(slug: str) -> str:
    """Source path of a draft's comments and answers."""
    return f"drafts/{slug}/comments/index.md"


def review_src(slug: str, review_id: str) -> str:
    """Source path of one merged review: where its tracking number leads."""
    return f"drafts/{slug}/reviews/{review_id}/index.md"


# The tracking page once more, at the depth of a review's page: what the intake serves at
# the address of a review merged but not built yet. Its relative links then resolve as
# they would from the review's own page. "_" is no draft's slug and no tracking number.
UNBUILT_REVIEW_SRC = review_src("_", "_")


def review_page_of(path: str, use_directory_urls: bool) -> tuple[str, str] | None:
    """The draft slug and tracking number a site-relative address names when it is where a
    review's page is (`drafts/<slug>/reviews/<id>/`), else None.

    The address may lack the page's last part (`index.html`, or the final `/`): a reader
    may type it so. The tracking number is not checked here, only that it could be one.
    """
    template = re.escape(url_of(review_src("{slug}", "{id}"), use_directory_urls))
    pattern = template.replace(r"\{slug\}", "(?P<slug>[a-z0-9]+(?:-[a-z0-9]+)*)").replace(
        r"\{id\}", "(?P<id>[0-9a-z]+-[0-9a-z]+)"
    )
    path = path.lstrip("/")
    if use_directory_urls:
        path = path.removesuffix("index.html").rstrip("/") + "/"
    found = re.fullmatch(pattern, path)
    return (found["slug"], found["id"]) if found else None


def comment_anchor(comment_id: str) -> str:
    """The fragment naming a comment on its review's page: `comment-<id>`."""
    return f"comment-{comment_id}"


def stage_src(stage: str) -> str:
    """Source path of the index filtered to one stage."""
    return f"stage/{stage}/index.md"


def agency_src(agency: str) -> str:
    """Source path of the index filtered to one agency."""
    return f"agency/{slugify(agency)}/index.md"


def slugify(text: str) -> str:
    """A URL-safe slug; Cyrillic is transliterated so agency URLs stay readable."""
    words = re.findall(r"\w+", text.lower())
    return "-".join(clean_number(word) for word in words) or "agency"


def url_of(src_uri: str, use_directory_urls: bool) -> str:
    """The site-relative URL a page generated at `src_uri` gets.

    Args:
        src_uri: a source path such as `drafts/water/index.md`.
        use_directory_urls: `drafts/water/` when true, `drafts/water/index.html` when false.
    """
    stem = src_uri[: -len(".md")]
    if use_directory_urls and (stem == "index" or stem.endswith("/index")):
        return stem[: -len("index")] or "./"
    return f"{stem}.html"


def public_url(site_url: str, src_uri: str, use_directory_urls: bool) -> str:
    """The absolute address of a page, for links from outside the site (the API)."""
    return site_url.rstrip("/") + "/" + url_of(src_uri, use_directory_urls)


def relative_url(url: str, here: str) -> str:
    """`url` relative to the page at `here` (both site-relative), as a link in that page.

    The last part of `here` is dropped when it names a file (has a dot), as browsers do.
    """
    folder, _, name = here.rpartition("/")
    if "." in name:
        here = folder
    base, target = _parts(here), _parts(url)
    common = 0
    for a, b in zip(base, target, strict=False):
        if a != b:
            break
        common += 1
    relative = "/".join([".."] * (len(base) - common) + target[common:]) or "."
    return relative + "/" if url.endswith("/") else relative


def reviews_dir(drafts_dir: Path, slug: str) -> Path:
    """The folder of a draft's merged review files: `<drafts>/<slug>/reviews`."""
    return drafts_dir / slug / REVIEWS_DIR


def review_file(drafts_dir: Path, slug: str, review_id: str) -> Path:
    """Where a merged review is kept in git: `<drafts>/<slug>/reviews/<id>.yml`."""
    return reviews_dir(drafts_dir, slug) / f"{review_id}.yml"


def _draft_folder(slug: str, language: str | None) -> str:
    return f"drafts/{slug}/{language}" if language else f"drafts/{slug}"


def _parts(path: str) -> list[str]:
    normal = posixpath.normpath("/" + path.lstrip("/"))[1:]
    return normal.split("/") if normal else []
