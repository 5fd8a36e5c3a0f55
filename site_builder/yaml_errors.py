"""YAML errors said the way a drafter can act on them: the line where the problem starts,
and a hint that fits it.

PyYAML reports where it gave up, which is often far below the mistake: an unclosed quote on
line 2 swallows the lines after it and fails at the end of the front matter. The start is
found from the error's context (the quote, the brace, the key it was reading) and, for a
quote, confirmed by closing it and parsing again.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import yaml

# A line's value when it opens a quote: `key: "...` or `- '...`.
_OPENING_QUOTE = re.compile(r"""^\s*(?:-\s+|[^\s#:'"][^:#]*:\s+)(?P<quote>["'])(?P<rest>.*)$""")
_KEY_VALUE = re.compile(r"^(?P<indent>\s*)(?P<key>[^\s#:'\"][^:#]*?):\s+(?P<value>.+?)\s*$")


@dataclass(frozen=True)
class YamlProblem:
    """Where a YAML text goes wrong and what to do."""

    line: int  # 1-based, in the text given (before the caller's offset)
    problem: str  # PyYAML's words: "found unexpected end of stream"
    hint: str  # the fix, for a person: "close the quote..."


def explain(err: yaml.YAMLError, text: str, parse: Callable[[str], object]) -> YamlProblem:
    """The line where the YAML problem in `text` starts, and a hint that fits it.

    Args:
        err: what `parse(text)` raised.
        text: the YAML text.
        parse: the loader that raised it, to confirm a fix (an unclosed quote).

    Returns:
        The problem; line 1 when PyYAML gives no position.
    """
    problem_mark = getattr(err, "problem_mark", None)
    context_mark = getattr(err, "context_mark", None)
    problem = str(getattr(err, "problem", None) or err)
    context = str(getattr(err, "context", None) or "")
    lines = text.splitlines()
    end = problem_mark.line if problem_mark is not None else len(lines) - 1
    tab = next((n for n, line in enumerate(lines[: end + 1]) if "\t" in _indent(line)), None)
    if tab is not None:
        return YamlProblem(
            tab + 1, problem, "YAML does not allow tabs for indentation; use spaces instead"
        )
    quote = _unclosed_quote(lines, end, parse)
    if quote is not None:
        number, mark = quote
        return YamlProblem(
            number + 1,
            problem,
            f"close the quote: the value that starts with {mark} on this line needs a "
            f"closing {mark}",
        )
    if "quoted scalar" in context and context_mark is not None:
        return YamlProblem(context_mark.line + 1, problem, _escape_hint(problem))
    start = context_mark if _from_context(context) and context_mark is not None else problem_mark
    line = start.line if start is not None else 0
    if _indented_under_value(lines, line):
        hint = (
            "this line is indented under a field that already has a value; start it at the "
            "same column as the other fields"
        )
        return YamlProblem(line + 1, problem, hint)
    return YamlProblem(line + 1, problem, _hint(problem, context, lines[line] if lines else ""))


def _unclosed_quote(
    lines: list[str], end: int, parse: Callable[[str], object]
) -> tuple[int, str] | None:
    """The first line up to `end` that opens a quote it does not close, if closing it there
    makes the text parse; with its quote mark."""
    for number, line in enumerate(lines[: end + 1]):
        found = _OPENING_QUOTE.match(line)
        if found is None or _closes(found["rest"], found["quote"]):
            continue
        mark = found["quote"]
        fixed = [*lines[:number], line.rstrip() + mark, *lines[number + 1 :]]
        try:
            parse("\n".join(fixed) + "\n")
        except yaml.YAMLError:
            continue
        return number, mark
    return None


def _indented_under_value(lines: list[str], number: int) -> bool:
    """Whether line `number` is a 'name: value' line indented deeper than the field before
    it, which has a value of its own (so it cannot hold fields)."""
    found = _KEY_VALUE.match(lines[number]) if number < len(lines) else None
    before = [line for line in lines[:number] if line.strip() and not line.lstrip().startswith("#")]
    if found is None or not before:
        return False
    above = _KEY_VALUE.match(before[-1])
    return above is not None and len(found["indent"]) > len(above["indent"])


def _closes(rest: str, quote: str) -> bool:
    """Whether the rest of a line after an opening quote holds its closing quote."""
    if quote == "'":
        return "'" in rest.replace("''", "")
    return re.search(r'(?<!\\)(?:\\\\)*"', rest) is not None


def _from_context(context: str) -> bool:
    """Errors whose start is where PyYAML began reading what failed, not where it stopped."""
    return any(
        what in context for what in ("flow mapping", "flow sequence", "simple key", "quoted")
    )


def _hint(problem: str, context: str, line: str) -> str:
    if "mapping values are not allowed" in problem:
        return _quote_hint(line)
    if "flow mapping" in context:
        return "close the '{' with a '}', e.g. {opens: 2026-01-01, closes: 2026-02-01}"
    if "flow sequence" in context:
        return "close the '[' with a ']', e.g. [transport, budget]"
    if "simple key" in context:
        return (
            "write each field as 'name: value', with a colon and a space after the name; "
            "indent the lines that continue a long value"
        )
    if "alias" in problem or "anchor" in problem:
        return "a value that starts with '*' or '&' must be quoted"
    if "cannot start any token" in problem:
        return "a value that starts with '@', '`' or '%' must be quoted, e.g. title: \"@value\""
    if "block end" in problem or "expected key" in problem:
        return (
            "check this line: every field starts at the beginning of a line as 'name: value', "
            "and text after a closing quote belongs inside the quotes"
        )
    return "check this line; quote a value that contains ': ' or starts with a special character"


def _quote_hint(line: str) -> str:
    """'quote the value' with this line's own value quoted."""
    found = _KEY_VALUE.match(line)
    if found is None:
        return "a value that contains ': ' must be quoted"
    value = found["value"].replace("\\", "\\\\").replace('"', '\\"')
    return f"a value that contains ': ' must be quoted: {found['key']}: \"{value}\""


def _escape_hint(problem: str) -> str:
    if "escape" in problem:
        return (
            "inside double quotes a backslash starts an escape; write \\\\ for a backslash, "
            "or use single quotes"
        )
    return "close the quote"


def _indent(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" \t"))]
