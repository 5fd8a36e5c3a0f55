"""The core's typed options: plain frozen dataclasses, checked when they are made.

`LawtrailOptions` holds the `lawtrail` plugin's options and their one set of defaults: the
MkDocs layer takes its `config_options` defaults from it and converts its config into it;
`config_file` builds it from mkdocs.yml for the intake and the CLI. `SiteOptions` adds
what the core needs of the site itself (URL style, Markdown extensions).
"""

from __future__ import annotations

import dataclasses
import zoneinfo
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from site_builder.errors import LawtrailError


class OptionsError(LawtrailError):
    """An option or the site's configuration file is wrong; the message says how to fix it."""


def timezone_problem(value: object) -> str | None:
    """What is wrong with a time zone option, or None when it is an IANA name."""
    try:
        zoneinfo.ZoneInfo(str(value))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return f"'{value}' is not a time zone; expected an IANA name such as UTC or Asia/Almaty"
    return None


@dataclass(frozen=True)
class Channel:
    """A way to comment other than the page's form (which needs JavaScript): an address, a
    form or a phone line the agency names, shown on the banner of a draft in discussion."""

    text: str  # what the reader sees, e.g. "By e-mail to comments@example.org"
    link: str | None = None  # mailto:, tel:, http(s):// or a page of the site; unset, plain text


@dataclass(frozen=True)
class LawtrailOptions:
    """Options of the `lawtrail` plugin (docs/plugin.md has a row for each)."""

    drafts_dir: str = "drafts"  # folder of drafts, relative to mkdocs.yml
    home: bool = True  # generate the drafts index as the site's home page
    nav_title: str = "Drafts"  # title of the nav section listing the drafts
    timezone: str = "UTC"  # IANA time zone for dates and the day a discussion closes
    min_discussion_days: int = 10  # legal minimum window, both ends counted
    overdue_days: int = 30  # days after closing when an unanswered comment is overdue
    strict: bool = False  # rule breaches are build errors instead of warnings
    intake_url: str | None = None  # base URL of the comment API; unset, no commenting
    glossary: str | None = None  # site-wide glossary file relative to mkdocs.yml; unset, none
    # other ways to comment, for readers without JavaScript; as written in mkdocs.yml (a
    # list of `{text, link}` or of plain texts), kept as Channels
    other_channels: tuple[Channel, ...] = ()

    def __post_init__(self) -> None:
        problems = []
        for name, check in _CHECKS.items():
            problem = check(getattr(self, name))
            if problem:
                problems.append(f"lawtrail option '{name}': {problem}")
        if problems:
            raise OptionsError(problems)
        # Frozen: the checked list from mkdocs.yml becomes Channels once, here.
        object.__setattr__(self, "other_channels", to_channels(self.other_channels))

    @classmethod
    def from_mapping(cls, raw: Mapping[str, Any]) -> LawtrailOptions:
        """Options from a mapping as written under `- lawtrail:` in mkdocs.yml.

        Names the plugin does not know are left out, as MkDocs only warns about them.

        Raises:
            OptionsError: naming each wrong option and what it expects.
        """
        known = {f.name for f in dataclasses.fields(cls)}
        return cls(**{key: value for key, value in raw.items() if key in known})


def default(name: str) -> Any:
    """The default of one `LawtrailOptions` field: the one definition of it."""
    found = {f.name: f.default for f in dataclasses.fields(LawtrailOptions)}
    return found[name]


def _is(kind: type, expected: str) -> Callable[[object], str | None]:
    def check(value: object) -> str | None:
        # bool is an int to Python, not to a reader of mkdocs.yml
        if isinstance(value, kind) and (kind is bool or not isinstance(value, bool)):
            return None
        return f"is {value!r}; expected {expected}"

    return check


def _days(minimum: int) -> Callable[[object], str | None]:
    def check(value: object) -> str | None:
        if isinstance(value, int) and not isinstance(value, bool) and value >= minimum:
            return None
        return f"is {value!r}; expected a whole number of days, at least {minimum}"

    return check


def _folder(value: object) -> str | None:
    if isinstance(value, str) and value.strip():
        return None
    return f"is {value!r}; expected a folder relative to mkdocs.yml, e.g. drafts"


def _optional_text(value: object) -> str | None:
    if value is None or isinstance(value, str):
        return None
    return f"is {value!r}; expected a URL such as /api/v1, or leave it out"


def _optional_file(value: object) -> str | None:
    if value is None or (isinstance(value, str) and value.strip()):
        return None
    return f"is {value!r}; expected a file relative to mkdocs.yml, e.g. glossary.yml"


def channels_problem(value: object) -> str | None:
    """What is wrong with `other_channels`, or None: a list whose items are texts or
    `{text, link}` mappings, each link an address a reader can follow."""
    if not isinstance(value, list | tuple):
        return f"is {value!r}; expected a list of ways to comment, e.g. {_CHANNEL_EXAMPLE}"
    for number, item in enumerate(value, 1):
        problem = _channel_problem(item)
        if problem:
            return f"item {number} {problem}"
    return None


def to_channels(value: object) -> tuple[Channel, ...]:
    """The Channels of an `other_channels` value that `channels_problem` accepts."""
    found = []
    for item in value if isinstance(value, list | tuple) else ():
        if isinstance(item, Channel):
            found.append(item)
        elif isinstance(item, str):
            found.append(Channel(item.strip()))
        elif isinstance(item, Mapping):
            link = item.get("link")
            found.append(Channel(str(item["text"]).strip(), str(link).strip() if link else None))
    return tuple(found)


_CHANNEL_EXAMPLE = "{text: By e-mail to comments@example.org, link: mailto:comments@example.org}"
_LINK_SCHEMES = ("", "mailto", "tel", "http", "https")


def _channel_problem(item: object) -> str | None:
    if isinstance(item, Channel) or (isinstance(item, str) and item.strip()):
        return None
    if not isinstance(item, Mapping):
        return f"is {item!r}; expected a text or {_CHANNEL_EXAMPLE}"
    unknown = sorted(str(key) for key in item if key not in ("text", "link"))
    if unknown:
        return f"has {', '.join(unknown)}; expected only text and link, e.g. {_CHANNEL_EXAMPLE}"
    text, link = item.get("text"), item.get("link")
    if not isinstance(text, str) or not text.strip():
        return f"has no text; expected what readers see, e.g. {_CHANNEL_EXAMPLE}"
    if link is None:
        return None
    if not isinstance(link, str) or not link.strip() or urlsplit(link).scheme not in _LINK_SCHEMES:
        return (
            f"has link {link!r}; expected a mailto:, tel: or https:// address or a page of "
            "the site, or no link"
        )
    if "@" in link and not urlsplit(link).scheme and "/" not in link:
        return f"has link {link!r}, an e-mail address; write it as mailto:{link.strip()}"
    return None


def _timezone(value: object) -> str | None:
    return _is(str, "an IANA time zone such as UTC")(value) or timezone_problem(value)


_CHECKS: dict[str, Callable[[object], str | None]] = {
    "drafts_dir": _folder,
    "home": _is(bool, "true or false"),
    "nav_title": _is(str, "a title, e.g. Drafts"),
    "timezone": _timezone,
    "min_discussion_days": _days(1),
    "overdue_days": _days(0),
    "strict": _is(bool, "true or false"),
    "intake_url": _optional_text,
    "glossary": _optional_file,
    "other_channels": channels_problem,
}


@dataclass(frozen=True)
class SiteOptions:
    """What the core needs of a site's configuration, whichever engine builds it."""

    config_file: Path  # mkdocs.yml; folders are relative to it
    lawtrail: LawtrailOptions = field(default_factory=LawtrailOptions)
    site_url: str = "/"  # where the site is published
    use_directory_urls: bool = True  # drafts/x/ rather than drafts/x/index.html
    language: str = "en"  # the theme's language: the default language of a draft
    markdown_extensions: tuple[str, ...] = ("toc", "tables", "fenced_code")
    mdx_configs: Mapping[str, Any] = field(default_factory=dict)  # per-extension options

    @property
    def drafts_dir(self) -> Path:
        """The folder of drafts, absolute."""
        return (self.config_file.parent / self.lawtrail.drafts_dir).resolve()
