"""A new revision of a draft, committed for a drafter who does not use git.

`lawtrail drafts revise SLUG -m MESSAGE` takes what the drafter saved in
`drafts/<slug>/draft.md` (and its language versions, `draft.<lang>.md`), checks it as the
build would (front matter, the structure lint, language versions that must match the
primary element by element), says what it changes against the last commit (articles
inserted, amended, renumbered, deleted), and commits exactly those files.

Stage and window moves are not revisions: they keep the rules of `lifecycle`, through
`lawtrail drafts stage`, so a revise that would change them is refused.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from intake.workspace import Identity, ModerationError, Workspace
from site_builder.drafts import Draft, DraftError, load_draft
from site_builder.frontmatter import SLUG
from site_builder.history import read_history
from site_builder.options import SiteOptions
from site_builder.redline import summarize_changes
from site_builder.render import Edition, Published, Renderer, publish
from site_builder.urls import DRAFT_FILE, language_of


@dataclass
class Proposal:
    """The drafter's saved edits to one draft, checked, with what they change."""

    slug: str
    files: list[Path]  # the draft's files with uncommitted changes, to commit
    summary: list[str] = field(default_factory=list)  # lines for the drafter
    warnings: list[str] = field(default_factory=list)  # the build's warnings on the text
    revision: bool = True  # False when only front matter changed: no new revision
    contents: dict[Path, bytes | None] = field(default_factory=dict)  # as checked


def propose(ws: Workspace, site: SiteOptions, slug: str, today: dt.date) -> Proposal:
    """Check a draft's uncommitted edits as the build would, and summarise them.

    Args:
        ws: the project checkout.
        site: the site's options (its Markdown extensions render the text).
        slug: the draft.
        today: the day in the site's time zone, for the window rule.

    Raises:
        ModerationError: no such draft, nothing changed, the text fails the build's
            checks, or the edits move the stage or the window.
    """
    folder = ws.drafts_dir / slug
    if not SLUG.fullmatch(slug) or not (folder / DRAFT_FILE).is_file():
        raise ws.no_draft(slug)
    files = [ws.root / path for path in ws.changed([folder]) if _is_text(path, folder, ws)]
    source = ws.label(folder / DRAFT_FILE)
    if not files:
        raise ModerationError(
            f"{source} has no changes to commit: edit and save it (or a language version "
            f"beside it) first. Its last revision is '{_last_subject(ws, folder)}'."
        )
    history = read_history(ws.drafts_dir)
    try:
        draft, warnings, _ = load_draft(folder, source, history.revisions.get(slug, []))
        renderer = Renderer(list(site.markdown_extensions), dict(site.mdx_configs), site.language)
        published = publish(draft, renderer)
    except DraftError as err:
        raise ModerationError(
            "The draft would not build, so nothing was committed; fix this and run the "
            "command again:\n  " + "\n  ".join(err.messages)
        ) from err
    # Printed as `lawtrail check` prints them: the structure lint's as file:line: warning:.
    lint = {str(finding): finding.warning() for finding in draft.findings}
    warnings = [lint.get(warning, f"warning: {warning}") for warning in warnings]
    proposal = Proposal(slug, sorted(files), warnings=warnings)
    proposal.contents = {path: _content(path) for path in proposal.files}
    labels = [ws.label(path) for path in proposal.files]
    proposal.summary, proposal.revision = _summary(published, labels)
    _check_lifecycle(draft, source, today, proposal.revision)
    return proposal


def commit_revision(ws: Workspace, proposal: Proposal, message: str, who: Identity) -> str:
    """Commit the proposal's files as they are in the work tree; returns the sha.

    Call under `ws.locked()`, after `propose` and `ws.ready([], own=proposal.files)`.

    Raises:
        ModerationError: an empty message, or the files changed since `propose` read them.
    """
    if any(_content(path) != data for path, data in proposal.contents.items()):
        raise ModerationError(
            f"The files of {proposal.slug} changed since they were checked; nothing was "
            "committed. Run the command again to check and commit what is there now."
        )
    return ws.commit_files(proposal.files, check_message(message), who)


def check_message(message: str) -> str:
    """A revision's message, stripped; refused when empty.

    Raises:
        ModerationError: the message is empty.
    """
    message = message.strip()
    if not message:
        raise ModerationError(
            '-m is empty; say what changed and why, e.g. -m "Shorten the notice period in '
            'Article 4(2) after comments". Readers see it first on the timeline.'
        )
    return message


def _content(path: Path) -> bytes | None:
    return path.read_bytes() if path.is_file() else None


def _is_text(path: str, folder: Path, ws: Workspace) -> bool:
    """Whether a changed path is draft.md or a language version in the draft's folder."""
    full = ws.root / path
    return full.parent == folder and (full.name == DRAFT_FILE or language_of(full.name) is not None)


def _check_lifecycle(draft: Draft, source: str, today: dt.date, text_changed: bool) -> None:
    """Refuse edits that move the stage or window (those are `drafts stage`'s), and a text
    changed after its discussion closed without a new window (`lawtrail check`'s
    `changed-after-close`)."""
    latest = draft.latest
    if latest is None:
        return
    meta = draft.meta
    if (meta.stage, meta.discussion) != (latest.stage, latest.window):
        raise ModerationError(
            f"{source}: the edits change 'stage:' or 'discussion:' in the front matter; a "
            "revision changes the text only. Put them back as they were and move the draft "
            f"with 'lawtrail drafts stage {draft.slug} ...', which checks the window rules."
        )
    window = meta.discussion
    closed = window is not None and today > window.closes
    if meta.stage == "discussion" and window is not None and closed and text_changed:
        raise ModerationError(
            f"{source}: its discussion closed on {window.closes}; a changed text needs a new "
            f"window, or the stage revision first: 'lawtrail drafts stage {draft.slug} "
            "revision' (or 'discussion --opens YYYY-MM-DD --closes YYYY-MM-DD')."
        )


def _summary(published: Published, changed: list[str]) -> tuple[list[str], bool]:
    """What the edits change, unit by unit, per changed file, against the last commit; and
    whether any text changed (else the commit is no new revision)."""
    draft = published.draft
    latest = draft.latest
    last = f"the last commit, {latest.revision.short} '{latest.revision.subject}'" if latest else ""
    against = f"against {last}" if latest else "a new draft, never committed"
    pairs: list[tuple[str, Edition | None, Edition | None]] = [
        (draft.source, published.in_force(latest) if latest else None, published.current)
    ]
    for parallel in published.languages.values():
        old = parallel.in_force(latest) if latest else None
        pairs.append((parallel.source, old, parallel.current))
    lines: list[str] = []
    text_changed = False
    for source, old, new in pairs:
        if source not in changed:
            continue
        if new is None or old is None:
            text_changed = True
            what = "deleted" if new is None else "new, every article inserted"
            lines.append(f"{source} ({against}): {what}")
            continue
        changes = summarize_changes(old, new)
        same = old.rendering.html == new.rendering.html
        text_changed = text_changed or not same
        if not changes:
            what = "only the front matter changed" if same else "text outside articles changed"
            lines.append(f"{source} ({against}): {what}")
            continue
        lines.append(f"{source} ({against}):")
        for change in changes:
            was = f", was {change['was']}" if change["was"] else ""
            heading = f" ({change['heading']})" if change["heading"] else ""
            lines.append(f"  {change['kind']:<11} {change['label']}{was}{heading}")
    return lines, text_changed


def _last_subject(ws: Workspace, folder: Path) -> str:
    last = ws.last_commit(folder / DRAFT_FILE)
    return ws.git("log", "-1", "--format=%s", last) if last else "(none)"
