"""The options of the `lawtrail` MkDocs plugin, as an mkdocs `Config` subclass.

A wrong value is reported the way MkDocs reports its own options. The defaults and checks
are the core's (`site_builder.options`); `to_options` converts a validated config into the
core's `LawtrailOptions`, which is all the core ever sees.
"""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as c

from site_builder.options import (
    Channel,
    LawtrailOptions,
    channels_problem,
    default,
    timezone_problem,
    to_channels,
)


class _TimeZone(c.Type[str]):
    def run_validation(self, value: object) -> str:
        zone = super().run_validation(value)
        problem = timezone_problem(zone)
        if problem:
            raise base.ValidationError(problem)
        return zone


class _Channels(base.BaseConfigOption[tuple[Channel, ...]]):
    def __init__(self) -> None:
        super().__init__()
        self.default = default("other_channels")

    def run_validation(self, value: object) -> tuple[Channel, ...]:
        problem = channels_problem(value)
        if problem:
            raise base.ValidationError(problem)
        return to_channels(value)


class LawtrailConfig(base.Config):
    """Options of the `lawtrail` MkDocs plugin."""

    drafts_dir = c.Type(str, default=default("drafts_dir"))
    """Folder holding one folder per draft, relative to mkdocs.yml."""
    home = c.Type(bool, default=default("home"))
    """Generate the drafts index as the site's home page (index.md)."""
    nav_title = c.Type(str, default=default("nav_title"))
    """Title of the navigation section that lists the drafts."""
    timezone = _TimeZone(str, default=default("timezone"))
    """IANA time zone for dates on pages and for the day a discussion closes."""
    min_discussion_days = c.Type(int, default=default("min_discussion_days"))
    """The legal minimum length of a discussion window, in days (both ends counted)."""
    overdue_days = c.Type(int, default=default("overdue_days"))
    """Days after a discussion closes when an unanswered comment counts as overdue."""
    strict = c.Type(bool, default=default("strict"))
    """Make breaches of the consultation rules build errors instead of warnings."""
    intake_url = c.Optional(c.Type(str))
    """Base URL of the comment intake API (e.g. /api/v1); unset, pages take no comments."""
    glossary = c.Optional(c.Type(str))
    """Site-wide glossary, a YAML file of `term: plain definition` relative to mkdocs.yml."""
    other_channels = _Channels()
    """Other ways to comment (`{text, link}` or plain texts), shown to readers without
    JavaScript on the banner of a draft in discussion."""


def to_options(config: LawtrailConfig) -> LawtrailOptions:
    """The core's options from the plugin's validated config.

    Raises:
        OptionsError: a value MkDocs' types accept but the core does not (a negative
            number of days).
    """
    return LawtrailOptions(
        drafts_dir=config.drafts_dir,
        home=config.home,
        nav_title=config.nav_title,
        timezone=config.timezone,
        min_discussion_days=config.min_discussion_days,
        overdue_days=config.overdue_days,
        strict=config.strict,
        intake_url=config.intake_url,
        glossary=config.glossary,
        other_channels=config.other_channels,
    )
