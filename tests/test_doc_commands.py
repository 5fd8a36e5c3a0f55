"""The commands the README and docs/ show work: every block marked runnable runs, in order,
in a fresh checkout of the repository, as a reader following that page would run it.

A block is runnable when the line before its fence is `<!-- runnable -->` (invisible when
the Markdown is rendered) and its fence says `sh` or `bash`; see docs/architecture.md.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MARKER = "<!-- runnable -->"
_FENCE = re.compile(r"^(?P<indent>\s*)(?P<fence>```+|~~~+)\s*(?P<info>[^`]*)$")
SHELLS = ("sh", "bash")
TIMEOUT = 300  # seconds for one block: a build of the sample site takes a few


@dataclass(frozen=True)
class Block:
    """A runnable block: where it is (for the failure message) and its commands."""

    doc: str  # e.g. docs/moderation.md
    line: int  # the line of its opening fence, from 1
    code: str


def runnable_blocks(path: Path) -> list[Block]:
    """The blocks of a Markdown file marked runnable, in order.

    Raises:
        ValueError: a marker that is not right before a sh or bash fence, naming its line.
    """
    name = path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else path.name
    lines = path.read_text(encoding="utf-8").splitlines()
    blocks = []
    inside: str | None = None  # the fence of the code block the line is in: examples
    for index, line in enumerate(lines):
        found = _FENCE.match(line)
        if inside is not None:
            if found and found["fence"].startswith(inside) and not found["info"].strip():
                inside = None
            continue
        if found:
            inside = found["fence"]
            continue
        if line.strip() != MARKER:
            continue
        opening = _FENCE.match(lines[index + 1]) if index + 1 < len(lines) else None
        info = opening["info"].split() if opening else []
        if opening is None or not info or info[0] not in SHELLS:
            raise ValueError(
                f"{name}:{index + 1}: '{MARKER}' must be right before a fenced sh or bash "
                "block (```sh); move it there or remove it."
            )
        indent, fence = opening["indent"], opening["fence"]
        code = []
        for number in range(index + 2, len(lines)):
            if lines[number].strip().startswith(fence):
                break
            code.append(lines[number].removeprefix(indent))
        else:
            raise ValueError(f"{name}:{index + 2}: the runnable block is never closed.")
        blocks.append(Block(name, index + 2, "\n".join(code) + "\n"))
    return blocks


def documents() -> list[Path]:
    """The README and every page of docs/."""
    return [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def checkout(dest: Path) -> Path:
    """A fresh checkout of the repository as it is now, on branch main: its history (drafts'
    revisions are commits) and the work tree's uncommitted changes as one more commit, with
    this test run's environment as `.venv` (already installed, so `make` installs nothing)."""
    subprocess.run(["git", "clone", "-q", str(ROOT), str(dest)], check=True)
    git = ["git", "-C", str(dest)]
    subprocess.run([*git, "checkout", "-q", "-B", "main"], check=True)
    subprocess.run([*git, "config", "user.name", "Doc Reader"], check=True)
    subprocess.run([*git, "config", "user.email", "reader@example.org"], check=True)
    changed = subprocess.run(
        ["git", "ls-files", "-z", "--modified", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, changed.split("\0")):
        source, target = ROOT / name, dest / name
        if source.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
        else:  # deleted in the work tree
            target.unlink(missing_ok=True)
    # Committed, as a reader's clone is clean: lawtrail refuses to commit into a dirty tree.
    status = subprocess.run([*git, "status", "--porcelain"], capture_output=True, check=True)
    if status.stdout:
        subprocess.run([*git, "add", "-A"], check=True)
        subprocess.run([*git, "commit", "-q", "-m", "The work tree as tested"], check=True)
    venv = dest / ".venv"
    venv.mkdir()
    (venv / "bin").symlink_to(Path(sys.executable).parent, target_is_directory=True)
    (venv / ".installed").touch()  # newer than pyproject.toml: make's setup step is done
    return dest


def run_blocks(blocks: list[Block], where: Path) -> None:
    """Run the blocks in order in `where`, each with `bash -e -o pipefail`; fail at the
    first that fails, naming its file and line."""
    bin_dir = str(Path(sys.executable).parent)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LAWTRAIL_", "GIT_"))}
    env |= {"PATH": bin_dir + os.pathsep + env.get("PATH", ""), "NO_MKDOCS_2_WARNING": "1"}
    # `.venv` is this run's, whose `intake` package (and so its default instance folder,
    # with the spool in it) is this repository's: point the instance at the checkout's own,
    # so the blocks see what a fresh clone holds, not this repository's spool.
    env["LAWTRAIL_INSTANCE_PATH"] = str(where / "instance")
    for block in blocks:
        done = subprocess.run(
            ["bash", "-e", "-o", "pipefail", "-c", block.code],
            cwd=where,
            env=env,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
        )
        if done.returncode != 0:
            pytest.fail(
                f"{block.doc}:{block.line}: this runnable block failed (exit "
                f"{done.returncode}):\n{block.code}--- output ---\n{done.stdout}{done.stderr}",
                pytrace=False,
            )


def _has_blocks(path: Path) -> bool:
    try:
        return bool(runnable_blocks(path))
    except ValueError:
        return True  # its test says what is wrong


RUNNABLE = {path.relative_to(ROOT).as_posix(): path for path in documents() if _has_blocks(path)}


@pytest.mark.parametrize("doc", list(RUNNABLE))
def test_the_runnable_blocks_of_a_page_run_in_a_fresh_checkout(doc: str, tmp_path: Path) -> None:
    """Each runnable block of the page runs without error, in order, in a fresh checkout."""
    blocks = runnable_blocks(RUNNABLE[doc])
    run_blocks(blocks, checkout(tmp_path / "checkout"))


def test_every_marker_stands_before_a_shell_block_and_some_do() -> None:
    """A marker anywhere else is a mistake the suite names; and the README and the docs
    do have runnable blocks, so the test above runs something."""
    found = {path.name: len(runnable_blocks(path)) for path in documents()}
    assert found["README.md"] >= 1
    assert sum(found.values()) >= 3


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (f"Intro.\n\n{MARKER}\n```sh\ntrue\nfalse\n```\n", "page.md:4: this runnable block failed"),
        (f"{MARKER}\n```python\nprint(1)\n```\n", "page.md:1: '<!-- runnable -->' must be right"),
        (f"{MARKER}\n\n```sh\ntrue\n```\n", "page.md:1: '<!-- runnable -->' must be right"),
        (
            f"````md\n{MARKER}\n```sh\nexit 1\n```\n````\n{MARKER}\n```sh\nexit 2\n```\n",
            "page.md:8: this runnable block failed (exit 2)",
        ),
        (
            f"- a step:\n\n  {MARKER}\n  ```sh\n  true\n  ```\n{MARKER}\n```bash\nexit 3\n```\n",
            "page.md:8: this runnable block failed (exit 3)",
        ),
    ],
)
def test_a_broken_block_or_marker_is_named_by_file_and_line(
    tmp_path: Path, text: str, message: str
) -> None:
    """What fails says where: the page and the line of the block (or of the marker)."""
    page = tmp_path / "page.md"
    page.write_text(text, encoding="utf-8")
    with pytest.raises((ValueError, pytest.fail.Exception), match=re.escape(message)):
        run_blocks(runnable_blocks(page), tmp_path)
