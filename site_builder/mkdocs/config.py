"""Plugin options and the schema of a draft's front matter.

Both are mkdocs `Config` subclasses, so a wrong value is reported the way MkDocs reports
its own options; the front-matter options word their errors for drafters: the bad value,
then what is accepted.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections.abc import Mapping
from typing import Any

from mkdocs.config import base
from mkdocs.config import config_options as c

STAGES = ("initiated", "discussion", "revision", "adopted", "withdrawn")
# Stages that come after a discussion has been held, so a window must be stated.
STAGES_WITH_WINDOW = frozenset({"discussion", "revision", "adopted"})
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")


class _Text(base.BaseConfigOption[str]):
    """A non-empty string."""

    def run_validation(self, value: object) -> str:
        if value is None:
            raise base.ValidationError("is missing; add it as a line 'name: text'")
        if not isinstance(value, str) or not value.strip():
            raise base.ValidationError(f"is {value!r}; expected a non-empty text")
        return value.strip()


class _Stage(base.BaseConfigOption[str]):
    def run_validation(self, value: object) -> str:
        if value is None:
            raise base.ValidationError(f"is missing; expected one of {', '.join(STAGES)}")
        if value not in STAGES:
            raise base.ValidationError(f"is {value!r}; expected one of {', '.join(STAGES)}")
        return str(value)


class _Date(base.BaseConfigOption[dt.date]):
    def run_validation(self, value: object) -> dt.date:
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        raise base.ValidationError(f"is {value!r}; expected a date as YYYY-MM-DD")


class DiscussionWindow(base.Config):
    """`discussion: {opens: YYYY-MM-DD, closes: YYYY-MM-DD}`, both days included."""

    opens = _Date()
    closes = _Date()


class _Window(base.BaseConfigOption[DiscussionWindow]):
    def run_validation(self, value: object) -> DiscussionWindow:
        if not isinstance(value, Mapping) or set(value) != {"opens", "closes"}:
            raise base.ValidationError(
                f"is {value!r}; expected {{opens: YYYY-MM-DD, closes: YYYY-MM-DD}}"
            )
        window = DiscussionWindow()
        window.load_dict(dict(value))
        failed, _ = window.validate()
        if failed:
            key, err = failed[0]
            raise base.ValidationError(f"'{key}' {err}")
        if window.closes < window.opens:
            raise base.ValidationError(
                f"closes on {window.closes}, before it opens on {window.opens}; "
                "expected 'closes' on or after 'opens'"
            )
        return window


class _Language(base.BaseConfigOption[str]):
    def run_validation(self, value: object) -> str:
        if not isinstance(value, str) or not _LANGUAGE.match(value):
            raise base.ValidationError(f"is {value!r}; expected a BCP 47 code such as en, ru, kk")
        return value


class _Tags(base.BaseConfigOption[list[str]]):
    def run_validation(self, value: object) -> list[str]:
        if not isinstance(value, list) or not all(isinstance(t, str) and t for t in value):
            raise base.ValidationError(f"is {value!r}; expected a list of topics, e.g. [transport]")
        return list(value)


class _Glossary(base.BaseConfigOption[dict[str, str]]):
    def run_validation(self, value: object) -> dict[str, str]:
        if not isinstance(value, Mapping) or not all(
            isinstance(k, str) and isinstance(v, str) and v.strip() for k, v in value.items()
        ):
            raise base.ValidationError(
                f"is {value!r}; expected terms with plain definitions, e.g. {{tariff: the fare}}"
            )
        return {str(k): str(v) for k, v in value.items()}


class DraftMeta(base.Config):
    """The front matter of `drafts/<slug>/draft.md`."""

    title = _Text()
    """The act's title."""
    agency = _Text()
    """The body that drafts it."""
    stage = _Stage()
    """initiated, discussion, revision, adopted or withdrawn."""
    discussion = c.Optional(_Window())
    """The public discussion window; required from stage `discussion` on."""
    summary = _Text()
    """A plain-language summary shown above the text."""
    language = c.Optional(_Language())
    """BCP 47 code; defaults to the site's language."""
    kind = c.Optional(_Text())
    """Type of act: law, regulation, order..."""
    tags = c.Optional(_Tags())
    """Topics."""
    glossary = c.Optional(_Glossary())
    """Terms with plain definitions."""


REQUIRED_FIELDS = ("title", "agency", "stage", "summary")


def _validate_timezone(value: str) -> str:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as err:
        raise base.ValidationError(
            f"'{value}' is not a time zone; expected an IANA name such as UTC or Asia/Almaty"
        ) from err
    return value


class _TimeZone(c.Type[str]):
    def run_validation(self, value: object) -> str:
        return _validate_timezone(super().run_validation(value))


class LawtrailConfig(base.Config):
    """Options of the `lawtrail` MkDocs plugin."""

    drafts_dir = c.Type(str, default="drafts")
    """Folder holding one folder per draft, relative to mkdocs.yml."""
    home = c.Type(bool, default=True)
    """Generate the drafts index as the site's home page (index.md)."""
    nav_title = c.Type(str, default="Drafts")
    """Title of the navigation section that lists the drafts."""
    timezone = _TimeZone(str, default="UTC")
    """IANA time zone for dates on pages and for the day a discussion closes."""
    min_discussion_days = c.Type(int, default=10)
    """The legal minimum length of a discussion window, in days (both ends counted)."""
    overdue_days = c.Type(int, default=30)
    """Days after a discussion closes when an unanswered comment counts as overdue."""
    strict = c.Type(bool, default=False)
    """Make breaches of the consultation rules build errors instead of warnings."""
    intake_url = c.Optional(c.Type(str))
    """Base URL of the comment intake API (e.g. /api/v1); unset, pages take no comments."""


def describe_errors(failed: list[tuple[str, Any]]) -> list[str]:
    """Front-matter validation failures as "field 'x' <problem>" phrases."""
    return [f"front matter field '{key}' {err}" for key, err in failed]
