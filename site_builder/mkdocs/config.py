"""The options of the `lawtrail` MkDocs plugin, as an mkdocs `Config` subclass.

A wrong value is reported the way MkDocs reports its own options.
"""

from __future__ import annotations

import zoneinfo

from mkdocs.config import base
from mkdocs.config import config_options as c


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
