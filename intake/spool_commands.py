"""`lawtrail spool`: looking after the intake's spool itself (docs/moderation.md).

The intake compacts its spool by itself (`intake/state.py`); `lawtrail spool compact` does
the same on demand, for an operator who needs the space or the privacy now.
"""

from __future__ import annotations

import datetime as dt

import click

from intake.project import Settings
from intake.settings import retention_days, setting


@click.group()
def spool() -> None:
    """Look after the intake's spool."""


@spool.command("compact")
@click.option(
    "--days",
    type=click.IntRange(min=1),
    help="Drop reviews decided more than this many days ago. "
    "[default: LAWTRAIL_SPOOL_RETENTION_DAYS, 30]",
)
@click.pass_obj
def compact_command(settings: Settings, days: int | None) -> None:
    """Drop decided reviews and their contacts from the spool; cut old honeypot catches.

    Only reviews whose decision's commit is on --branch go; pending reviews always stay.
    Safe while the intake runs.
    """
    if days is None:
        days = retention_days(setting("SPOOL_RETENTION_DAYS"))
        if days == 0:
            raise click.ClickException(
                "LAWTRAIL_SPOOL_RETENTION_DAYS is 0: decided reviews are kept forever. "
                "Pass --days N to drop those decided more than N days ago anyway."
            )
    spool = settings.spool()
    ws = settings.workspace()
    before = settings.today() - dt.timedelta(days=days)
    done = spool.compact(before, lambda commits: ws.reachable(commits, ws.branch))
    assert done is not None  # it waits for any other compaction
    click.echo(
        f"Dropped {done.reviews} review(s) decided before {before}, with the contact data of "
        f"{done.contacts}; cut {done.suspects} honeypot catch(es) received before then to "
        "their tracking number, draft and date."
    )
    if done.orphans:
        click.echo(
            f"Dropped the contact data of {done.orphans} submission(s) whose review was never "
            "stored (an older version stored the contact first, then failed to store the "
            "review)."
        )
    if done.unsettled:
        click.echo(
            f"{done.unsettled} review(s) decided before {before} stay until their commit is on "
            f"branch {ws.branch}: a rejection whose count is not committed yet (the next "
            "'lawtrail reviews merge' or 'reject' commits it), or a commit not pulled here.",
            err=True,
        )
    click.echo(f"Spool journals: {_size(done.bytes_before)} before, {_size(done.bytes_after)} now.")


def _size(count: int) -> str:
    return f"{count / 1e6:.1f} MB" if count >= 100_000 else f"{count} bytes"
