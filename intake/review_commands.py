"""`lawtrail reviews`: moderators list and read pending reviews, then merge each one into
the public record or reject it with a reason (docs/moderation.md).

Every merge or rejection first finishes what an interrupted run left half-done (`settle`)
and checks every id, group and the work tree, so a typo changes nothing.
"""

from __future__ import annotations

import unicodedata

import click

from intake.moderation import (
    check_reason,
    merge,
    merge_group,
    pending_group,
    pending_review,
    reject,
    settle,
)
from intake.project import Settings, identity_options
from intake.spool import Spool
from intake.workspace import Identity, ModerationError, Workspace, did_you_mean
from site_builder.reviews import Review, dump_review, timestamp
from site_builder.urls import reviews_dir

PREVIEW_CHARS = 60
LISTED_IDS = 3  # a campaign's line shows this many tracking numbers, then a count


@click.group()
def reviews() -> None:
    """List, show, merge or reject pending reviews."""


@reviews.command("list")
@click.option("--draft", "slug", metavar="SLUG", help="Only the reviews of this draft.")
@click.pass_obj
def list_reviews(settings: Settings, slug: str | None) -> None:
    """List pending reviews, duplicates grouped.

    One line per group of identical copies, oldest first: the group id (for
    'reviews merge --group' and 'respond'), the ids, draft, submission time, count and
    the first words of the first comment.
    """
    unmade = settings.unmade_spool()
    if unmade is not None:
        click.echo(
            f"No pending reviews: the intake has stored none yet ({unmade} does not exist). "
            "If it runs with LAWTRAIL_SPOOL_DIR set, pass that folder as --spool."
        )
        return
    spool = settings.spool()
    groups = spool.groups(slug)
    if not groups:
        click.echo("No pending reviews" + (f" of draft {slug}." if slug else "."))
        meant = did_you_mean(slug, _slugs(settings, spool)) if slug else ""
        if meant:
            click.echo(meant.strip(), err=True)
        return
    click.echo("GROUP  ID(S)  DRAFT  SUBMITTED  COUNT  COMMENT")
    for group in groups:
        sample = group.sample
        ids = ",".join(group.review_ids[:LISTED_IDS])
        if group.count > LISTED_IDS:
            ids += f",+{group.count - LISTED_IDS}"
        submitted = timestamp(sample.submitted)
        click.echo(
            f"{group.key}  {ids}  {group.draft}  {submitted}  {group.count}  {_preview(sample)}"
        )
    total = sum(group.count for group in groups)
    click.echo(f"{total} pending review(s) in {len(groups)} group(s).", err=True)


@reviews.command("show")
@click.argument("review_id", metavar="ID")
@click.option(
    "--with-contact",
    is_flag=True,
    help="Also print the contact data kept with it (never commit or publish it).",
)
@click.pass_obj
def show_review(settings: Settings, review_id: str, with_contact: bool) -> None:
    """Print a review as YAML.

    The contact data stored with it is left out unless --with-contact is given.
    """
    spool = settings.spool()
    try:
        review = pending_review(spool, review_id).to_data()
        note = ""
    except ModerationError:
        found = spool.get(review_id)
        done = spool.decision(review_id)
        if found is None or done is None:
            raise
        review = found.to_data()
        decision = done.decision
        into = f" with its copies as review {done.into}" if done.into else ""
        note = f"# {decision.status}{into} by {decision.by} on {decision.date}\n"
    if with_contact:
        review["contact"] = spool.contact(review_id)
    click.echo(note + dump_review(review), nl=False)


@reviews.command("merge")
@click.argument("review_ids", metavar="[ID]...", nargs=-1)
@click.option(
    "--group",
    "groups",
    metavar="GROUP",
    multiple=True,
    help="Merge every pending copy of this duplicate group (from 'reviews list') as one "
    "review file in one commit. Repeatable.",
)
@identity_options
@click.pass_obj
def merge_reviews(
    settings: Settings,
    review_ids: tuple[str, ...],
    groups: tuple[str, ...],
    by: str | None,
    email: str | None,
) -> None:
    """Merge pending reviews into the public record.

    Each becomes drafts/<slug>/reviews/<id>.yml, without contact data, in its own commit.
    With --group, the copies of a campaign become one file that counts them.
    """
    if not review_ids and not groups:
        raise click.UsageError("Name the reviews to merge: ID... or --group GROUP.")
    ws, spool, ids, who = _prepare(settings, review_ids, (by, email), groups)
    today = settings.today()
    for review_id in ids:
        sha = merge(ws, spool, review_id, who, today)
        click.echo(f"Merged review {review_id} ({sha[:10]}).")
    for key in dict.fromkeys(groups):
        sha, review = merge_group(ws, spool, key, who, today)
        copies = review.weight
        noun = "copy" if copies == 1 else "copies"
        click.echo(f"Merged group {key}: {copies} {noun} as review {review.id} ({sha[:10]}).")


@reviews.command("reject")
@click.argument("review_ids", metavar="ID...", nargs=-1, required=True)
@click.option(
    "--reason",
    required=True,
    help="Why, in a few words; published as a count per reason, e.g. 'off-topic'.",
)
@identity_options
@click.pass_obj
def reject_reviews(
    settings: Settings, review_ids: tuple[str, ...], reason: str, by: str | None, email: str | None
) -> None:
    """Reject pending reviews, counting them per reason.

    The reviews stay unpublished: the public record is drafts/<slug>/reviews/rejected.yml,
    a count of rejected reviews per reason.
    """
    reason = check_reason(reason)
    ws, spool, ids, who = _prepare(settings, review_ids, (by, email))
    today = settings.today()
    for review_id in ids:
        sha = reject(ws, spool, review_id, reason, who, today)
        click.echo(f"Rejected review {review_id}: {reason} ({sha[:10]}).")


def _prepare(
    settings: Settings,
    review_ids: tuple[str, ...],
    acting: tuple[str | None, str | None],
    groups: tuple[str, ...] = (),
) -> tuple[Workspace, Spool, list[str], Identity]:
    """Finish what an interrupted run left half-done, then check every id, group and the
    work tree before the first commit, so a typo changes nothing."""
    spool = settings.spool()
    ids = list(dict.fromkeys(review_ids))
    ws = settings.workspace()
    who = ws.identity(*acting)
    with ws.locked():  # another moderator's commit may be half-way: wait for it to finish
        for note in settle(ws, spool, who):
            click.echo(note, err=True)
        folders = [reviews_dir(ws.drafts_dir, pending_review(spool, i).draft) for i in ids]
        for key in groups:
            group = pending_group(spool, key)
            overlap = sorted(set(group.review_ids) & set(ids))
            if overlap:
                raise click.UsageError(
                    f"Review {overlap[0]} is named on its own and in --group {key}; name it once."
                )
            folders.append(reviews_dir(ws.drafts_dir, group.draft))
        ws.ready(folders)
    return ws, spool, ids, who


def _slugs(settings: Settings, spool: Spool) -> list[str]:
    """The drafts with pending reviews, and those of the project if it is found."""
    slugs = {review.draft for review in spool.pending()}
    try:
        drafts_dir = settings.site().drafts_dir
    except click.ClickException:  # listing needs only the spool: no project is fine
        return sorted(slugs)
    return sorted(slugs | {p.name for p in drafts_dir.glob("*") if (p / "draft.md").is_file()})


def _preview(review: Review) -> str:
    """The first words of a review's first comment, on one line, safe for a terminal."""
    comments = review.comments
    body = comments[0].body if comments else ""
    text = " ".join(
        "".join(c for c in body if unicodedata.category(c)[0] != "C" or c in "\n\t").split()
    )
    if len(text) > PREVIEW_CHARS:
        text = text[: PREVIEW_CHARS - 1].rstrip() + "…"
    more = f" (+{len(comments) - 1} more comments)" if len(comments) > 1 else ""
    return text + more
