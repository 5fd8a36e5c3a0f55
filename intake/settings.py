"""The intake's settings: every `LAWTRAIL_*` name with its default, in one place.

The Flask app (`create_app`) and the `lawtrail` command read the same names with the same
defaults from here; docs/api.md has a row for each. The site's own options come from its
mkdocs.yml through `site_builder.config_file`, which both use too.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask.sansio.scaffold import find_package

from intake.spool import MIN_FREE
from site_builder.errors import LawtrailError

PREFIX = "LAWTRAIL"
# Defaults, each overridable by a LAWTRAIL_<NAME> environment variable (docs/api.md).
DEFAULTS: dict[str, Any] = {
    "REPO": ".",  # the project: mkdocs.yml and drafts/
    "CONFIG_FILE": "mkdocs.yml",  # relative to REPO
    "SPOOL_DIR": None,  # default: <instance folder>/spool
    "ALLOWED_ORIGINS": "",  # comma-separated origins allowed besides the intake's own
    "RATE_LIMIT": "10 per minute;200 per day",  # per client address, on POST /reviews
    "RATE_LIMIT_STORAGE_URI": "memory://",  # per worker; redis://host:6379 for a shared one
    "PROXIES": 0,  # trusted proxies in front: X-Forwarded-For is read only behind them
    "REFRESH_SECONDS": 5,  # how often a worker checks git for new revisions (0: never)
    "SITE_DIR": None,  # if set, also serve the built site from here (make run)
    "SITE_URL": None,  # the site's address in status answers; default: the request's origin
    "MAX_BODY_BYTES": 64 * 1024,
    "MIN_FREE_BYTES": MIN_FREE,  # below this free space, POSTs answer 503 storage_full
    "SPOOL_RETENTION_DAYS": 30,  # decided reviews leave the spool this long after (0: never)
}


def setting(name: str) -> Any:
    """`LAWTRAIL_<name>` from the environment, else its default (as a string, as set)."""
    return os.environ.get(f"{PREFIX}_{name}", DEFAULTS[name])


def instance_path() -> Path:
    """The intake's instance folder: LAWTRAIL_INSTANCE_PATH, else Flask's default for the
    `intake` package (`instance/` beside it in a checkout, where `make run` keeps its
    spool; `<prefix>/var/intake-instance` when installed)."""
    configured = os.environ.get(f"{PREFIX}_INSTANCE_PATH")
    if configured:
        return Path(configured)
    prefix, package_path = find_package("intake")
    if prefix is None:
        return Path(package_path) / "instance"
    return Path(prefix) / "var" / "intake-instance"


def spool_dir(configured: str | Path | None) -> Path:
    """The spool: the configured folder (LAWTRAIL_SPOOL_DIR), else `<instance>/spool`."""
    return Path(configured) if configured else instance_path() / "spool"


def config_file(repo: str | Path, name: str | None = None) -> Path:
    """The site's mkdocs.yml in `repo` (LAWTRAIL_CONFIG_FILE names it, relative to it)."""
    return Path(repo) / (name or setting("CONFIG_FILE"))


class StartupError(LawtrailError):
    """The intake cannot start: a setting is wrong; the message names it and the fix."""


def check_project(repo: Path, config: Path) -> None:
    """Refuse to start on a project that is not there, before anything else is loaded.

    Raises:
        StartupError: naming the setting (LAWTRAIL_REPO, LAWTRAIL_CONFIG_FILE) and the fix.
    """
    if not repo.is_dir():
        raise StartupError(
            f"LAWTRAIL_REPO: {repo} is not a folder; set it to the project folder (the one "
            "with mkdocs.yml and drafts/)."
        )
    if not config.is_file():
        raise StartupError(
            f"LAWTRAIL_CONFIG_FILE: {config} does not exist; set LAWTRAIL_REPO to the project "
            "folder, or LAWTRAIL_CONFIG_FILE to its mkdocs.yml (relative to LAWTRAIL_REPO)."
        )


def check_site_url(site_url: object) -> None:
    """LAWTRAIL_SITE_URL, when set, must be an http(s) address.

    Raises:
        StartupError: naming the setting and an example.
    """
    if site_url is None or site_url == "":
        return
    if not isinstance(site_url, str) or not site_url.startswith(("http://", "https://")):
        raise StartupError(
            f"LAWTRAIL_SITE_URL: {site_url!r} is not an http(s) address; set it to where the "
            "site is published, e.g. https://drafts.example.org/, or leave it unset to link "
            "to the address each request came to."
        )


def retention_days(value: Any) -> int:
    """LAWTRAIL_SPOOL_RETENTION_DAYS as a number of days; 0 keeps decided reviews forever.

    Raises:
        StartupError: not a whole number of days, or below 0 (the message says the fix).
    """
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise StartupError(
            f"LAWTRAIL_SPOOL_RETENTION_DAYS: {value!r} is not a number of days; set it to a "
            "whole number such as 30 (a decided review leaves the spool that many days after "
            "its decision), or to 0 to keep decided reviews forever."
        )
    return value
