"""The git workspace moderation commits to: one lock, one branch, the git CLI, whole files.

Crash guarantees. Every change is written whole (a temporary file, fsync, rename, fsync of
the folder) and committed with the git CLI, which checks the branch it moves; GitPython's
`index.commit` reads HEAD and moves it without checking. On an error, even Ctrl-C, the
files and the index are put back as they were. A process killed between writing the files
and the commit leaves them uncommitted: `ready()` then refuses to go on and names them.

Every write holds an exclusive `flock` on `<git common dir>/lawtrail.lock` around the whole
read-check-write-add-commit, so two moderators (or drafters) at once lose nothing: the
second waits, then sees the first one's commit. The lock is released with the process.
"""

from __future__ import annotations

import difflib
import fcntl
import os
import re
import shlex
import subprocess
from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from intake.journal import fsync_dir
from site_builder.errors import LawtrailError

LOCK_FILE = "lawtrail.lock"
LISTED_DRAFTS = 10  # an unknown slug's error lists the drafts up to this many
_BY = re.compile(r"\s*(?P<name>[^<>\r\n]+?)\s*(?:<(?P<email>[^<>\s]*)>)?\s*")
_EMAIL = re.compile(r"[^@<>\s]+@[^@<>\s]+")


class ModerationError(LawtrailError):
    """A moderation command cannot go ahead; the message says why and what to do."""


@dataclass(frozen=True)
class Identity:
    """Who a commit is by: the moderator or drafter acting."""

    name: str
    email: str


class Workspace:
    """The project checkout moderation commits to, on one branch.

    Args:
        project: the folder holding mkdocs.yml, inside a git work tree.
        drafts_dir: the drafts folder (the plugin's `drafts_dir`).
        branch: the branch every commit must go to.

    Raises:
        ModerationError: the folder is missing or not in a git work tree.
    """

    def __init__(self, project: Path, drafts_dir: Path, branch: str) -> None:
        self.project = project.resolve()
        self.drafts_dir = drafts_dir.resolve()
        self.branch = branch
        if not self.project.is_dir():
            raise ModerationError(f"{project} is not a folder; pass --repo the project folder.")
        self.root = self.project
        found = self._run("rev-parse", "--show-toplevel")
        if found.returncode:
            raise ModerationError(
                f"{self.project} is not a git repository: moderation records every decision "
                "as a commit. Pass --repo a git checkout of the project (or run 'git init')."
            )
        self.root = Path(found.stdout.strip()).resolve()
        common = self.git("rev-parse", "--path-format=absolute", "--git-common-dir")
        self.lock_path = Path(common) / LOCK_FILE

    def git(self, *args: str, env: Mapping[str, str] | None = None) -> str:
        """Run git in the work tree; its output, stripped.

        Raises:
            ModerationError: git failed (its message included).
        """
        done = self._run(*args, env=env)
        if done.returncode:
            output = (done.stderr or done.stdout).strip()
            raise ModerationError(f"git {args[0]} failed in {self.root}: {output}")
        return done.stdout.strip()

    def label(self, path: Path) -> str:
        """`path` as messages name it: relative to the project folder when inside it."""
        try:
            return path.relative_to(self.project).as_posix()
        except ValueError:
            return str(path)

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the repository's lawtrail lock (closing the file releases it, even on a crash)."""
        fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)

    def ready(self, paths: Sequence[Path], own: Sequence[Path] = ()) -> None:
        """Check the work tree is on the branch, clean, and has no stray file under `paths`.

        Args:
            paths: files and folders lawtrail will write; untracked files there are refused.
            own: files whose uncommitted changes the command itself commits
                (`drafts revise`); changes anywhere else are refused.

        Raises:
            ModerationError: naming the problem and the git command that fixes it.
        """
        current = self._run("symbolic-ref", "--quiet", "--short", "HEAD")
        if current.returncode:
            raise ModerationError(
                f"{self.root} has a detached HEAD; run 'git switch {self.branch}' first."
            )
        branch = current.stdout.strip()
        if branch != self.branch:
            raise ModerationError(
                f"{self.root} is on branch '{branch}', not '{self.branch}'; run "
                f"'git switch {self.branch}', or pass --branch {branch} to commit there."
            )
        status = self._run("--no-optional-locks", "status", "--porcelain=v1", "-z", "-uall")
        if status.returncode:
            raise ModerationError(f"git status failed in {self.root}: {status.stderr.strip()}")
        changed, untracked = _parse_status(status.stdout)
        mine = {self._relative(path) for path in own}
        changed = [path for path in changed if path not in mine]
        if changed:
            raise ModerationError(
                f"{self.root} has uncommitted changes ({_names(changed)}); lawtrail's commit "
                "must hold only its own change. Set them aside with "
                f"'git -C {_quoted(str(self.root))} stash push -- {_quoted(*changed)}' (and "
                "bring them back afterwards with 'git stash pop'), or commit them first with "
                f"'git -C {_quoted(str(self.root))} commit -m \"...\" -- {_quoted(*changed)}'."
            )
        prefixes = [self._relative(p) for p in paths]
        stray = [u for u in untracked if any(_under(u, prefix) for prefix in prefixes)]
        if stray:
            raise ModerationError(
                f"Untracked files where lawtrail would write ({_names(stray)}); set them aside "
                f"with 'git -C {_quoted(str(self.root))} stash push --include-untracked -- "
                f"{_quoted(*stray)}', or move or delete them first."
            )

    def identity(self, by: str | None, email: str | None = None) -> Identity:
        """Who acts: `--by "Name"` or `--by "Name <email>"` and `--email`, else git's
        user.name and user.email.

        Raises:
            ModerationError: nobody named, `by` is not a name, or no e-mail address (a
                commit by "Name <>" would name nobody to ask).
        """
        name, given = "", None
        if by is not None:
            match = _BY.fullmatch(by)
            if match is None:
                raise ModerationError(
                    f"--by {by!r} is not a name; expected 'Jane Doe' or "
                    "'Jane Doe <jane@example.org>'."
                )
            name, given = match["name"], match["email"]
        if given is not None and email is not None and given != email:
            raise ModerationError(
                f"--by names the e-mail {given!r} and --email {email!r}; give it once."
            )
        name = name or self.config("user.name")
        if not name:
            raise ModerationError(
                'Who is acting? Pass --by "Your Name" and --email you@example.org, or set '
                'them once for this repository: git config user.name "Your Name" and '
                "git config user.email you@example.org."
            )
        address = (email if email is not None else given) or self.config("user.email")
        if not address or not _EMAIL.fullmatch(address):
            found = f"{address!r} is not an e-mail address" if address else "there is no e-mail"
            raise ModerationError(
                f"The commit needs its author's e-mail, and {found}. Pass --email "
                "you@example.org, or set it once for this repository: "
                "git config user.email you@example.org."
            )
        return Identity(name, address)

    def slugs(self) -> list[str]:
        """The drafts in the work tree: the folders of `drafts_dir` holding a draft.md."""
        if not self.drafts_dir.is_dir():
            return []
        return sorted(p.name for p in self.drafts_dir.iterdir() if (p / "draft.md").is_file())

    def no_draft(self, slug: str) -> ModerationError:
        """The error for a draft that is not there, with the likeliest one meant."""
        path = self.label(self.drafts_dir / slug / "draft.md")
        known = self.slugs()
        if not known:
            listed = "There are no drafts yet."
        elif len(known) <= LISTED_DRAFTS:
            listed = f"The drafts are: {', '.join(known)}."
        else:
            listed = f"See {self.label(self.drafts_dir)}/ for the {len(known)} drafts."
        return ModerationError(
            f"There is no draft '{slug}' ({path} does not exist).{did_you_mean(slug, known)} "
            f"{listed} Start a new one with 'lawtrail drafts new'."
        )

    def resolve_commit(self, revision: str) -> str:
        """The full sha of an existing commit named by `revision` (a sha, tag or branch).

        Raises:
            ModerationError: no such commit.
        """
        found = self._run(
            "rev-parse", "--verify", "--quiet", "--end-of-options", revision + "^{commit}"
        )
        if found.returncode or not revision.strip():
            raise ModerationError(
                f"--addressed-in {revision!r} is not a commit of {self.root}; pass the sha of "
                "the revision that acted on the comment (see 'git log')."
            )
        return found.stdout.strip()

    def has_head(self) -> bool:
        """Whether the branch has a commit yet."""
        return self.head() is not None

    def head(self) -> str | None:
        """The sha of HEAD, or None before the first commit."""
        found = self._run("rev-parse", "--verify", "--quiet", "HEAD")
        return found.stdout.strip() if found.returncode == 0 else None

    def committed(self, path: Path) -> bool:
        """Whether `path` is in the commit at HEAD (not merely in the work tree)."""
        spec = f"HEAD:{self._relative(path)}"
        return self._run("cat-file", "-e", spec).returncode == 0

    def last_commit(self, path: Path) -> str | None:
        """The newest commit that changed `path`, or None."""
        return self.git("log", "-1", "--format=%H", "--", self._relative(path)) or None

    def reachable(self, commits: Collection[str], ref: str) -> set[str]:
        """Those of `commits` in the history of `ref` (a branch, or HEAD): one git process.

        Raises:
            ModerationError: `ref` names no commit (git's message included).
        """
        return set(commits) & set(self.git("rev-list", ref, "--").split())

    def commits_since(self, base: str | None, path: Path) -> list[tuple[str, str]]:
        """(sha, subject) of the commits after `base` (all if None) that changed `path`."""
        if not self.has_head():
            return []
        span = "HEAD" if base is None else f"{base}..HEAD"
        out = self.git("log", "--format=%H %s", span, "--", self._relative(path))
        pairs = (line.split(" ", 1) for line in out.splitlines() if line)
        return [(sha, subject) for sha, subject in pairs]

    def commit(self, changes: Mapping[Path, bytes], message: str, who: Identity) -> str:
        """Write files whole, then commit exactly them; returns the new commit's sha.

        On any failure the files and the index are put back as they were. Call under
        `locked()`, after `ready()`.
        """
        old = {path: path.read_bytes() if path.is_file() else None for path in changes}
        if all(old[path] == data for path, data in changes.items()):
            raise ModerationError(f"Nothing to commit: {message!r} changes no file.")
        relative = [self._relative(path) for path in changes]
        created: list[Path] = []
        try:
            for path, data in changes.items():
                created.extend(_make_dirs(path.parent))
                write_atomic(path, data)
            self.git("add", "--", *relative)
            self.git("commit", "--quiet", f"--message={message}", "--", *relative, env=_ident(who))
        except BaseException:  # Ctrl-C too: never leave a half-made change behind
            self._undo(old, relative, created)
            raise
        return self.git("rev-parse", "HEAD")

    def commit_files(self, paths: Sequence[Path], message: str, who: Identity) -> str:
        """Commit exactly `paths` as they are in the work tree (edited, new or deleted);
        returns the new commit's sha. On failure the index is put back; the files are
        the drafter's and stay as they are. Call under `locked()`, after `ready()`."""
        relative = [self._relative(path) for path in paths]
        try:
            self.git("add", "--all", "--", *relative)
            self.git("commit", "--quiet", f"--message={message}", "--", *relative, env=_ident(who))
        except BaseException:
            self._undo({}, relative, [])
            raise
        return self.git("rev-parse", "HEAD")

    def changed(self, paths: Sequence[Path]) -> list[str]:
        """The files under `paths` that differ from HEAD (edited, new, deleted), relative
        to the top of the work tree."""
        relative = [self._relative(path) for path in paths]
        status = self._run(
            "--no-optional-locks", "status", "--porcelain=v1", "-z", "-uall", "--", *relative
        )
        if status.returncode:
            raise ModerationError(f"git status failed in {self.root}: {status.stderr.strip()}")
        changed, untracked = _parse_status(status.stdout)
        return sorted({*changed, *untracked})

    def _undo(
        self, old: Mapping[Path, bytes | None], relative: list[str], created: list[Path]
    ) -> None:
        for path, data in old.items():
            if data is None:
                path.unlink(missing_ok=True)
            else:
                write_atomic(path, data)
        if self.has_head():
            self._run("reset", "--quiet", "--", *relative)
        else:
            self._run("rm", "--cached", "--quiet", "--ignore-unmatch", "--", *relative)
        for folder in reversed(created):
            with suppress(OSError):  # something else was put in it meanwhile
                folder.rmdir()

    def _relative(self, path: Path) -> str:
        try:
            return path.resolve().relative_to(self.root).as_posix()
        except ValueError:
            raise ModerationError(
                f"{path} is outside the git work tree {self.root}; check the plugin option "
                "'drafts_dir' in mkdocs.yml."
            ) from None

    def config(self, key: str) -> str:
        """A git setting of the repository (`git config --get`), or ''."""
        return self._run("config", "--get", key).stdout.strip()

    def _run(
        self, *args: str, env: Mapping[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["git", *args],
            cwd=self.root,
            capture_output=True,
            encoding="utf-8",
            errors="surrogateescape",
            env={**os.environ, "GIT_TERMINAL_PROMPT": "0", **(env or {})},
            check=False,
        )


def _ident(who: Identity) -> dict[str, str]:
    """The environment that makes `who` a commit's author and committer."""
    return {
        "GIT_AUTHOR_NAME": who.name,
        "GIT_AUTHOR_EMAIL": who.email,
        "GIT_COMMITTER_NAME": who.name,
        "GIT_COMMITTER_EMAIL": who.email,
    }


def write_atomic(path: Path, data: bytes, mode: int = 0o644) -> None:
    """Write a file whole or not at all: a temporary file, fsync, rename, fsync the folder."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, mode)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


def _parse_status(output: str) -> tuple[list[str], list[str]]:
    """Changed tracked paths and untracked paths from `git status --porcelain -z`."""
    changed: list[str] = []
    untracked: list[str] = []
    entries = iter(output.split("\0"))
    for entry in entries:
        if len(entry) < 4:
            continue
        code, path = entry[:2], entry[3:]
        if code == "??":
            untracked.append(path)
        elif code != "!!":
            changed.append(path)
            if "R" in code or "C" in code:
                next(entries, None)  # a rename's source path follows
    return changed, untracked


def did_you_mean(word: str, known: Sequence[str]) -> str:
    """ " Did you mean 'x'?" with the closest of `known`, or "" when none is close."""
    close = closest(word, known)
    return f" Did you mean '{close}'?" if close else ""


def closest(word: str, known: Sequence[str]) -> str | None:
    """The one of `known` that `word` is most likely a typo of, or None."""
    close = difflib.get_close_matches(word, known, n=1, cutoff=0.6)
    return close[0] if close else None


def _quoted(*words: str) -> str:
    return " ".join(shlex.quote(word) for word in words)


def _under(path: str, prefix: str) -> bool:
    return path == prefix or path.startswith(prefix.rstrip("/") + "/")


def _names(paths: list[str]) -> str:
    shown = ", ".join(paths[:5])
    return shown + (f" and {len(paths) - 5} more" if len(paths) > 5 else "")


def _make_dirs(folder: Path) -> list[Path]:
    """Create `folder` and missing parents, each made durable; returns those created."""
    missing = []
    while not folder.is_dir():
        missing.append(folder)
        folder = folder.parent
    for path in reversed(missing):
        path.mkdir(exist_ok=True)
        fsync_dir(path.parent)
    return list(reversed(missing))
