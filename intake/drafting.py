"""`lawtrail drafts`: start a draft, commit a revision of its text, move it through its
stages; for drafters who do not use git. Each is one commit, under the moderation lock."""

from __future__ import annotations

import datetime as dt
import sys

import click

from intake.lifecycle import move_stage, new_draft
from intake.project import Settings, identity_options, min_days_option
from intake.revision import check_message, commit_revision, propose
from site_builder.frontmatter import STAGES

_DATE = click.DateTime(formats=["%Y-%m-%d"])


@click.group()
def drafts() -> None:
    """Start drafts, commit their revisions and move them through their stages."""


@drafts.command("new")
@click.argument("slug")
@click.option("--title", required=True, help="The act's title.")
@click.option("--agency", required=True, help="The body that drafts it.")
@click.option("--summary", help="A plain-language summary. [default: a placeholder to replace]")
@click.option("--kind", help="Type of act: law, regulation, order...")
@click.option("--language", help="BCP 47 code such as en, ru, kk. [default: the site's]")
@identity_options
@click.pass_obj
def new_draft_command(
    settings: Settings,
    slug: str,
    title: str,
    agency: str,
    summary: str | None,
    kind: str | None,
    language: str | None,
    by: str | None,
    email: str | None,
) -> None:
    """Start a draft in stage initiated.

    Writes drafts/SLUG/draft.md with valid front matter and a skeleton text, and commits it.
    """
    ws = settings.workspace()
    who = ws.identity(by, email)
    given = dict(title=title, agency=agency, summary=summary, kind=kind, language=language)
    values = {key: value for key, value in given.items() if value is not None}
    sha = new_draft(ws, slug, values, who)
    click.echo(f"Created {ws.label(ws.drafts_dir / slug / 'draft.md')} ({sha[:10]}).")


@drafts.command("revise")
@click.argument("slug")
@click.option(
    "-m",
    "--message",
    required=True,
    help="What changed and why; readers see it first on the draft's timeline.",
)
@click.option("--dry-run", is_flag=True, help="Check and show the changes; commit nothing.")
@click.option("--yes", is_flag=True, help="Commit without asking, also at a terminal.")
@click.option(
    "--allow-warnings",
    is_flag=True,
    help="Commit even though the build would warn about the text (a heading that looks "
    "like an article but is not one, an unknown front-matter field).",
)
@identity_options
@click.pass_obj
def revise_command(
    settings: Settings,
    slug: str,
    message: str,
    dry_run: bool,
    yes: bool,
    allow_warnings: bool,
    by: str | None,
    email: str | None,
) -> None:
    """Commit the edited text of a draft as its next revision.

    Checks drafts/SLUG/draft.md and its language versions (draft.<lang>.md) as the build
    does, prints what changes against the last revision (articles inserted, amended,
    renumbered, deleted), asks before committing when run at a terminal (not with
    --yes), and commits exactly those files with the message given.
    """
    check_message(message)
    ws = settings.workspace()
    proposal = propose(ws, settings.site(), slug, settings.today())
    for line in proposal.summary:
        click.echo(line)
    if not proposal.revision:
        click.echo("No text changed: the commit will be a step of the timeline, no revision.")
    for warning in proposal.warnings:
        click.echo(warning, err=True)
    ws.ready([], own=proposal.files)
    if proposal.warnings and not allow_warnings:
        raise click.ClickException(
            f"{len(proposal.warnings)} warning(s) above: the build would warn about the "
            "text. Fix them and run the command again, or pass --allow-warnings to commit "
            "it as it is."
        )
    if dry_run:
        click.echo("Nothing committed (--dry-run).")
        return
    # Asked after the text is checked: a dry run, a typo in the slug or a text the build
    # would refuse are told first, without an identity.
    who = ws.identity(by, email)
    if not yes and sys.stdin.isatty() and not click.confirm("Commit this revision?"):
        click.echo("Nothing committed.")
        return
    with ws.locked():  # not while asking: other moderators would wait for the answer
        ws.ready([], own=proposal.files)
        sha = commit_revision(ws, proposal, message, who)
    click.echo(f"Committed {ws.git('log', '-1', '--format=%s', sha)} ({sha[:10]}).")


@drafts.command("stage")
@click.argument("slug")
@click.argument("stage", type=click.Choice(STAGES))
@click.option("--opens", type=_DATE, metavar="YYYY-MM-DD", help="First day of the discussion.")
@click.option("--closes", type=_DATE, metavar="YYYY-MM-DD", help="Last day of the discussion.")
@min_days_option
@click.option(
    "--force",
    is_flag=True,
    help="Close the discussion before its window ends (needs --reason).",
)
@click.option(
    "--reason",
    help="With --force: why the discussion closes early; public, in the commit and on the "
    "timeline.",
)
@identity_options
@click.pass_obj
def stage_command(
    settings: Settings,
    slug: str,
    stage: str,
    opens: dt.datetime | None,
    closes: dt.datetime | None,
    min_days: int | None,
    force: bool,
    reason: str | None,
    by: str | None,
    email: str | None,
) -> None:
    """Move a draft to another stage.

    Changes 'stage:' (and 'discussion:' when --opens and --closes are given) in the front
    matter, keeping the rest of the file byte for byte, and commits it. A discussion window
    is a promise: once it opened it can only be extended, and the draft leaves discussion
    for revision or adoption after it closed, unless --force is given with a public --reason.
    """
    if (opens is None) != (closes is None):
        raise click.ClickException("Pass both --opens and --closes, or neither.")
    if force != (reason is not None):
        raise click.ClickException(
            "Pass --force and --reason together: closing a discussion early needs a public "
            "reason, and a reason is given only for that."
        )
    window = (opens.date(), closes.date()) if opens and closes else None
    minimum = settings.options().min_discussion_days if min_days is None else min_days
    ws = settings.workspace()
    sha = move_stage(
        ws,
        slug,
        stage,
        window,
        minimum,
        ws.identity(by, email),
        settings.today(),
        reason=reason,
        timezone=settings.options().timezone,
        language=settings.site().language,
    )
    click.echo(f"{ws.git('log', '-1', '--format=%s', sha)} ({sha[:10]}).")
