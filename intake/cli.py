"""The `lawtrail` command: moderators merge or reject pending reviews, drafters answer
comments and move drafts through their stages, and `lawtrail check` applies the rules.

Here: the global options, the error handling every command shares, `respond` and `check`.
The groups live beside it: `reviews` (`review_commands.py`), `drafts` (`drafting.py`) and
`spool` (`spool_commands.py`). Each change is one git commit in the project at `--repo`, on
`--branch`; see docs/moderation.md for the workflow.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import click

from intake.answers import respond
from intake.drafting import drafts
from intake.lifecycle import SUMMARY_PLACEHOLDER
from intake.project import Settings, identity_options, min_days_option
from intake.review_commands import reviews
from intake.settings import DEFAULTS
from intake.spool import SpoolError
from intake.spool_commands import spool
from site_builder.drafts import DraftError
from site_builder.errors import LawtrailError
from site_builder.options import default
from site_builder.reviews import DISPOSITIONS, ReviewError


class _Commands(click.Group):
    """A group that turns the core's and moderation's errors (`LawtrailError`), a failing
    spool or file system into a message and exit status 1, not a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (LawtrailError, SpoolError) as err:
            raise click.ClickException(str(err)) from err
        except BrokenPipeError:
            raise  # click handles `lawtrail reviews list | head` itself
        except OSError as err:
            where = f"{err.filename}: " if err.filename else ""
            raise click.ClickException(f"{where}{err.strerror or err}") from err


@click.group(cls=_Commands)
@click.option(
    "--repo",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="LAWTRAIL_REPO",
    default=DEFAULTS["REPO"],
    show_default=True,
    show_envvar=True,
    help="The project: its mkdocs.yml, drafts and git repository; or any folder in it "
    "(lawtrail looks up to the top of the git repository for mkdocs.yml).",
)
@click.option(
    "--spool",
    "spool_dir",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="LAWTRAIL_SPOOL_DIR",
    show_envvar=True,
    help="The intake's spool of pending reviews. [default: the intake's, <instance>/spool]",
)
@click.option(
    "--branch",
    envvar="LAWTRAIL_BRANCH",
    default="main",
    show_default=True,
    show_envvar=True,
    help="The branch commits go to; lawtrail refuses to commit on any other.",
)
@click.pass_context
def main(ctx: click.Context, repo: Path, spool_dir: Path | None, branch: str) -> None:
    """Moderate reviews, answer comments and move drafts through their stages."""
    ctx.obj = Settings(repo, spool_dir, branch)


@main.command("respond")
@click.argument("comment_id", metavar="COMMENT-ID|GROUP")
@click.option(
    "--disposition",
    type=click.Choice(DISPOSITIONS),
    required=True,
    help="What was done with the comment.",
)
@click.option("--text", required=True, help="The public answer: what was done and why.")
@click.option(
    "--addressed-in",
    metavar="SHA",
    help="The revision (a commit) that acted on the comment.",
)
@click.option(
    "--amend",
    is_flag=True,
    help="Replace an answer already given; needs --reason. The earlier answer stays public.",
)
@click.option(
    "--reason",
    metavar="TEXT",
    help="With --amend: why the answer changed, published beneath the new answer.",
)
@identity_options
@click.pass_obj
def respond_command(
    settings: Settings,
    comment_id: str,
    disposition: str,
    text: str,
    addressed_in: str | None,
    amend: bool,
    reason: str | None,
    by: str | None,
    email: str | None,
) -> None:
    """Answer a comment of a merged review, or every copy of a campaign at once.

    COMMENT-ID is a tracking number and the comment's number (20261120-7k2mq9xw4r-1);
    GROUP is a group id from 'reviews list' (g-3f9a1c2b7d, or g-3f9a1c2b7d-2 for the
    second comment of copies that have several). The answer is public: it is written into
    the review files and committed, once. An answered comment is changed only with
    --amend and a public --reason.
    """
    if amend and reason is None:
        raise click.UsageError(
            "--amend needs --reason TEXT: a public reason why the answer changed."
        )
    if reason is not None and not amend:
        raise click.UsageError("--reason goes with --amend, to change an answer already given.")
    ws = settings.workspace()
    who = ws.identity(by, email)
    done = respond(ws, comment_id, disposition, text, addressed_in, who, settings.today(), reason)
    what = f"comment {comment_id}"
    if comment_id.startswith("g-"):
        count = done.answered + done.amended
        what = f"group {comment_id} ({_count(count, 'comment')} in {_count(done.files, 'file')})"
    if done.amended and not done.answered:
        click.echo(
            f"Amended the answer to {what}: {disposition} ({done.sha[:10]}); "
            "the earlier answer stays on the record."
        )
    elif done.amended:
        click.echo(
            f"Answered {what}: {disposition}, amending {done.amended} earlier answer(s) "
            f"({done.sha[:10]})."
        )
    else:
        click.echo(f"Answered {what}: {disposition} ({done.sha[:10]}).")


@main.command("check")
@click.option(
    "--strict",
    is_flag=True,
    help="Exit with status 1 when a rule is broken or the structure lint warns.",
)
@min_days_option
@click.option(
    "--overdue-days",
    type=click.IntRange(min=0),
    metavar="DAYS",
    help="Days after the window closes when an unanswered comment is overdue. "
    f"[default: the plugin's overdue_days, {default('overdue_days')}]",
)
@click.pass_obj
def check_command(
    settings: Settings, strict: bool, min_days: int | None, overdue_days: int | None
) -> None:
    """Check the drafts against the rules.

    Discussion windows of at least --min-days, no text changed after a window closed,
    no adopted draft with unanswered comments, no answer overdue by more than
    --overdue-days; and the structure of each text: headings that look like articles but
    are not ("Aricle 5"), numbered paragraphs outside any article. Breaches and structure
    warnings are warnings (exit 0) unless --strict is given.
    """
    from site_builder.accountability import check_rules, figures
    from site_builder.corpus import load_site_corpus

    options = settings.options()
    minimum = options.min_discussion_days if min_days is None else min_days
    overdue_after = options.overdue_days if overdue_days is None else overdue_days
    try:
        corpus = load_site_corpus(settings.site())
    except LawtrailError as err:
        # The drafts that did load are still linted: every problem shows in one run.
        for finding in err.findings if isinstance(err, DraftError) else ():
            click.echo(finding.warning())
        raise click.ClickException(f"The drafts cannot be loaded:\n  {_indent(err)}") from err
    today = dt.datetime.now(ZoneInfo(corpus.timezone)).date()
    errors: list[str] = []
    breaches: list[str] = []
    findings = [f for _, p in sorted(corpus.drafts.items()) for f in p.draft.findings]
    for finding in findings:
        click.echo(finding.warning())
    for slug, published in sorted(corpus.drafts.items()):
        draft = published.draft
        if draft.meta.summary == SUMMARY_PLACEHOLDER:
            click.echo(f"warning: {draft.source}: the summary is still the placeholder.", err=True)
        try:
            merged, _ = corpus.reviews(slug)
        except ReviewError as err:
            errors.extend(err.messages)
            continue
        rules = check_rules(published, merged, minimum, corpus.timezone)
        found = [f"{b.message} [{b.rule}]" for b in rules]
        window = draft.meta.discussion
        closes = window.closes if window else None
        late = figures(merged, closes, today, overdue_after).overdue
        if late:
            found.append(
                f"{draft.source}: {late} comment(s) unanswered more than {overdue_after} days "
                f"after the discussion closed on {closes}; answer each with 'lawtrail respond'. "
                "[overdue-answers]"
            )
        breaches.extend(found)
    for message in breaches:
        click.echo(message)
    if errors:
        raise click.ClickException(
            f"{len(errors)} problem(s) in review files:\n  " + "\n  ".join(errors)
        )
    summary = (
        f"{len(breaches)} breach(es) of the rules and {len(findings)} structure warning(s) "
        f"in {len(corpus.drafts)} draft(s)."
    )
    if (breaches or findings) and strict:
        raise click.ClickException(summary + " (--strict)")
    click.echo(summary, err=True)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _indent(err: Exception) -> str:
    return str(err).replace("\n", "\n  ")


main.add_command(reviews)
main.add_command(drafts)
main.add_command(spool)

if __name__ == "__main__":
    main(prog_name="lawtrail")
