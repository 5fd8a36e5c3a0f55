"""The project a `lawtrail` command works on, found from wherever it is run.

A drafter runs `lawtrail` from the folder their editor left them in, often a draft's own
folder. The project is the nearest folder, from `--repo` (default: the current folder) up
to the top of its git repository, that holds the site's mkdocs.yml; an error names every
folder it looked in.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import click

from intake.settings import setting, spool_dir
from intake.spool import Spool, SpoolError
from intake.workspace import Workspace
from site_builder.config_file import load_site_options
from site_builder.options import LawtrailOptions, OptionsError, SiteOptions, default

F = TypeVar("F", bound=Callable[..., Any])
BY_HELP = "Who acts: 'Name' or 'Name <email>'; the commit's author. [default: git config user.name]"
EMAIL_HELP = "The e-mail of who acts, for the commit. [default: git config user.email]"


@dataclass
class Settings:
    """The global options, and what they lead to, loaded on first use."""

    start: Path  # --repo: the project folder or any folder inside it
    spool_dir: Path | None
    branch: str
    _repo: Path | None = field(default=None, repr=False)
    _site: SiteOptions | None = field(default=None, repr=False)

    @property
    def repo(self) -> Path:
        """The project folder: the nearest one from `start` up that holds mkdocs.yml."""
        if self._repo is None:
            self._repo = find_project(self.start, str(setting("CONFIG_FILE")))
        return self._repo

    @property
    def config_file(self) -> Path:
        """The site's mkdocs.yml (LAWTRAIL_CONFIG_FILE, as the intake reads it)."""
        return self.repo / str(setting("CONFIG_FILE"))

    def unmade_spool(self) -> Path | None:
        """The default spool's folder while it does not exist: the intake makes it when it
        stores its first review, so a new project has none (and nothing pending). None
        when a spool is configured (a missing one is then a wrong path) or it exists."""
        directory = spool_dir(self.spool_dir)
        return None if self.spool_dir or directory.is_dir() else directory

    def spool(self) -> Spool:
        """The intake's spool; an error if it does not exist (a wrong path, most likely)."""
        directory = spool_dir(self.spool_dir)
        if not directory.is_dir():
            raise click.ClickException(
                f"There is no spool at {directory}. Pass --spool (or set LAWTRAIL_SPOOL_DIR) "
                "to the directory the intake stores pending reviews in."
            )
        try:
            return Spool(directory)
        except SpoolError as err:
            raise click.ClickException(str(err)) from err

    def options(self) -> LawtrailOptions:
        """The lawtrail plugin's options from the site's mkdocs.yml."""
        return self.site().lawtrail

    def workspace(self) -> Workspace:
        """The project checkout to commit to."""
        return Workspace(self.repo, self.site().drafts_dir, self.branch)

    def today(self) -> dt.date:
        """Today in the site's time zone: the date decisions and answers carry."""
        return dt.datetime.now(ZoneInfo(self.options().timezone)).date()

    def site(self) -> SiteOptions:
        """The site's options, read from its mkdocs.yml once."""
        if self._site is None:
            try:
                self._site = load_site_options(self.config_file)
            except OptionsError as err:
                raise click.ClickException(str(err)) from err
        return self._site


def find_project(start: Path, config_name: str) -> Path:
    """The nearest folder from `start` up to the top of its git repository that holds
    `config_name` (the site's mkdocs.yml).

    Raises:
        click.ClickException: `start` is no folder, or no folder up to the top holds it;
            the message names the folders looked in.
    """
    if not start.is_dir():
        raise click.ClickException(
            f"There is no folder {start}: pass --repo (or set LAWTRAIL_REPO) to the project "
            "folder that holds mkdocs.yml and drafts/, or run lawtrail inside it."
        )
    here = start.resolve()
    top = _git_top(here)
    looked: list[Path] = []
    for folder in (here, *here.parents):
        looked.append(folder)
        if (folder / config_name).is_file():
            return folder
        if top is None or folder == top:
            break
    where = str(looked[0]) if len(looked) == 1 else f"{looked[0]} and the folders above it"
    upto = f" up to {top}, the top of its git repository" if top and len(looked) > 1 else ""
    raise click.ClickException(
        f"There is no {config_name} in {where}{upto}. Run lawtrail inside the project (the "
        "folder with mkdocs.yml and drafts/, or any folder in it), or pass --repo (or set "
        "LAWTRAIL_REPO) to that folder."
    )


def identity_options(command: F) -> F:
    """--by and --email: who a committing command acts as."""
    command = click.option("--email", metavar="ADDRESS", help=EMAIL_HELP)(command)
    return click.option("--by", metavar="NAME", help=BY_HELP)(command)


def min_days_option(command: F) -> F:
    """--min-days: the shortest discussion window the consultation rules allow."""
    return click.option(
        "--min-days",
        type=click.IntRange(min=1),
        metavar="DAYS",
        help="The shortest discussion window allowed, in days, both ends counted. "
        f"[default: the plugin's min_discussion_days, {default('min_discussion_days')}]",
    )(command)


def _git_top(folder: Path) -> Path | None:
    """The top folder of the git work tree `folder` is in, or None outside git."""
    done = subprocess.run(
        ["git", "rev-parse", "--show-toplevel"],
        cwd=folder,
        capture_output=True,
        encoding="utf-8",
        check=False,
    )
    return Path(done.stdout.strip()).resolve() if done.returncode == 0 else None
