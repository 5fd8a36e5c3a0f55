"""Revisions of every draft, read from git in one pass.

The only module that runs git. However many drafts and revisions there are, a build runs
a fixed number of git processes: one `git log --raw` names every version of every
`draft.md` and of every parallel language version beside it (`draft.kk.md`), and one
persistent `git cat-file --batch` (GitPython's) reads their contents. One `git log -n1` per
file, as most MkDocs git plugins do, costs seconds at 1,000 files.

A draft's language versions are versioned together: a revision is a commit that changes
any of them, and it carries the text of each of them as that commit left it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

import git

from site_builder.errors import LawtrailError
from site_builder.urls import DRAFT_FILE, language_of, short_sha

# Fields of one commit header; \x1e opens a commit, \x1f separates fields, \x1d ends the
# message so the raw diff lines that follow cannot be mistaken for it.
_FORMAT = "%x1e%H%x1f%at%x1f%an%x1f%ae%x1f%B%x1d"
_RAW_LINE = re.compile(
    r"^:\d+ \d+ [0-9a-f]+ (?P<blob>[0-9a-f]+) (?P<status>[A-Z])\d*\t(?P<path>.+)$"
)


class _Commit:
    """What revisions and removals say of their commit: its sha and message, shortened."""

    sha: str
    message: str

    @property
    def short(self) -> str:
        """The abbreviated sha used in URLs and on pages."""
        return short_sha(self.sha)

    @property
    def subject(self) -> str:
        """The first line of the commit message."""
        return self.message.split("\n", 1)[0]


@dataclass(frozen=True)
class Revision(_Commit):
    """One committed version of one draft."""

    sha: str
    date: datetime  # author date, UTC
    author: str
    email: str
    message: str
    text: str  # the whole draft.md as committed
    # The parallel language versions at this commit, language -> the whole draft.<lang>.md
    # (those not changed by it too): {"kk": "---\ntitle: ..."}.
    languages: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Removal(_Commit):
    """A commit that deleted a draft's `draft.md`: a step of its public record, not its end."""

    sha: str
    date: datetime  # author date, UTC
    author: str
    message: str
    after: int  # how many revisions of the draft came before it


@dataclass
class History:
    """All revisions of all drafts under one folder, oldest first per draft.

    A draft deleted from the repository keeps its revisions: the deletion is recorded in
    `removals`, and a draft added again under the same slug continues the same history.
    """

    revisions: dict[str, list[Revision]] = field(default_factory=dict)
    removals: dict[str, list[Removal]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    head_date: datetime | None = None  # date of the newest commit, for reproducible builds
    head: str | None = None  # sha of the commit read (HEAD), for readiness reports
    root: Path | None = None  # top of the git work tree, or None outside git


class HistoryError(LawtrailError):
    """Git history could not be read."""


def read_history(drafts_dir: Path) -> History:
    """Read every committed version of `drafts_dir/<slug>/draft.md` and `draft.<lang>.md`.

    Args:
        drafts_dir: the folder holding one folder per draft.

    Returns:
        The revisions per draft slug, oldest first, with warnings (no repository, a
        shallow clone) that the caller should show.
    """
    history = History()
    try:
        repo = git.Repo(drafts_dir, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        history.warnings.append(
            f"{drafts_dir} is not inside a git repository: drafts are published without "
            "revisions, timeline or redlines. Run 'git init' and commit the drafts to get them."
        )
        return history
    with repo:
        root = Path(repo.working_tree_dir or drafts_dir).resolve()
        history.root = root
        try:
            prefix = PurePosixPath(drafts_dir.resolve().relative_to(root).as_posix())
            if not repo.head.is_valid():
                history.warnings.append(f"{root}: the repository has no commits yet.")
                return history
            if repo.git.rev_parse("--is-shallow-repository") == "true":
                history.warnings.append(
                    f"{root} is a shallow clone: revisions older than its depth are missing "
                    "from timelines and redlines. Run 'git fetch --unshallow' to publish the "
                    "whole history."
                )
            log = repo.git.log(
                "--raw",
                "--no-abbrev",
                "--no-renames",
                "--topo-order",
                "--reverse",
                f"--format={_FORMAT}",
                "--",
                str(prefix / "*" / DRAFT_FILE),
                str(prefix / "*" / "draft.*.md"),
            )
            versions = _parse_log(log, prefix)
            history.revisions, history.removals = _read_texts(repo, versions)
            history.head_date = datetime.fromtimestamp(repo.head.commit.committed_date, UTC)
            history.head = repo.head.commit.hexsha
        except git.GitCommandError as err:
            raise HistoryError(f"{root}: reading git history failed: {err.stderr.strip()}") from err
    return history


@dataclass(frozen=True)
class _Version:
    """One commit's change to one file of a draft."""

    slug: str
    language: str | None  # None for draft.md, else the language of draft.<language>.md
    sha: str
    date: datetime
    author: str
    email: str
    message: str
    blob: str | None  # None when the commit deleted the file


def _parse_log(log: str, prefix: PurePosixPath) -> list[_Version]:
    versions: list[_Version] = []
    for record in log.split("\x1e")[1:]:
        header, _, raw = record.partition("\x1d")
        sha, stamp, author, email, message = header.split("\x1f", 4)
        date = datetime.fromtimestamp(int(stamp), UTC)
        for line in raw.splitlines():
            found = _RAW_LINE.match(line)
            if not found:
                continue
            path = PurePosixPath(found["path"])
            if path.parent.parent != prefix:
                continue  # a deeper file, not a draft of this folder
            language = language_of(path.name)
            if path.name != DRAFT_FILE and language is None:
                continue  # draft.notes.md and the like: not a language version
            blob = None if found["status"] == "D" else found["blob"]
            versions.append(
                _Version(
                    path.parent.name, language, sha, date, author, email, message.strip(), blob
                )
            )
    return versions


@dataclass
class _Files:
    """The blobs of one draft's files as the commits so far left them."""

    primary: str | None = None
    languages: dict[str, str] = field(default_factory=dict)


def _read_texts(
    repo: git.Repo, versions: list[_Version]
) -> tuple[dict[str, list[Revision]], dict[str, list[Removal]]]:
    """Contents of every version through one persistent `git cat-file --batch`, and the
    commits that deleted a draft."""
    revisions: dict[str, list[Revision]] = defaultdict(list)
    removals: dict[str, list[Removal]] = defaultdict(list)
    texts: dict[str, str] = {}
    files: dict[str, _Files] = defaultdict(_Files)

    def text(blob: str) -> str:
        if blob not in texts:
            data = repo.git.get_object_data(blob)[3]
            texts[blob] = data.decode("utf-8", errors="replace")
        return texts[blob]

    # The log lists a commit's files together: each commit's changes to one draft are
    # applied at once, then the draft's new state is a revision, a removal or nothing.
    for (slug, sha), group in _by_commit(versions):
        state = files[slug]
        had_primary = state.primary is not None
        for change in group:
            if change.language is None:
                state.primary = change.blob
            elif change.blob is None:
                state.languages.pop(change.language, None)
            else:
                state.languages[change.language] = change.blob
        version = group[0]
        previous = revisions.get(slug)
        if state.primary is None:
            if had_primary and previous:  # a public record is never erased: one more step
                removals[slug].append(
                    Removal(sha, version.date, version.author, version.message, len(previous))
                )
            continue  # a language version without draft.md is no revision yet
        languages = {lang: text(blob) for lang, blob in sorted(state.languages.items())}
        removed = removals.get(slug)
        readded = removed is not None and removed[-1].after == len(previous or ())
        if (
            previous
            and not readded
            and text(state.primary) == previous[-1].text
            and languages == previous[-1].languages
        ):
            continue  # a mode change or a revert-and-redo commit: no text changed
        revisions[slug].append(
            Revision(
                sha=sha,
                date=version.date,
                author=version.author,
                email=version.email,
                message=version.message,
                text=text(state.primary),
                languages=languages,
            )
        )
    return dict(sorted(revisions.items())), dict(sorted(removals.items()))


def _by_commit(versions: list[_Version]) -> list[tuple[tuple[str, str], list[_Version]]]:
    """Changes grouped by draft and commit, in the order of the log."""
    groups: dict[tuple[str, str], list[_Version]] = {}
    for version in versions:
        groups.setdefault((version.slug, version.sha), []).append(version)
    return list(groups.items())
