"""The root of every error the core raises, so each caller converts them in one place.

The core says what went wrong, where, and how to fix it; it knows nothing of how that is
shown. The engine layer turns a `LawtrailError` into MkDocs' `PluginError`, the CLI into a
`click.ClickException` (its exit code), the API into a JSON error with a 4xx status.
"""

from __future__ import annotations


class LawtrailError(Exception):
    """A problem in the drafts, their history, review files or options.

    `messages` holds one line per problem, each naming the file (or option) concerned, so a
    caller can list them all; a single problem is a list of one.
    """

    def __init__(self, messages: str | list[str]) -> None:
        self.messages = [messages] if isinstance(messages, str) else list(messages)
        super().__init__("\n".join(self.messages))
