"""The draft format: slugs, the stages of the lifecycle and the schema of the front matter.

Plain Python, so the builder, the intake and the CLI check a draft the same way without a
site engine. Each field's problem is worded for drafters: the bad value, then what is
accepted; `validate_meta` adds the file in front. Reading the front matter out of a
draft (`split_front_matter`) is here too, with its errors named at the line they start on.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import yaml

from site_builder.errors import LawtrailError
from site_builder.yaml_errors import explain

if TYPE_CHECKING:
    from site_builder.lint import Finding

# A draft's folder name, which is also its address: /drafts/<slug>/.
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
STAGES = ("initiated", "discussion", "revision", "adopted", "withdrawn")
# Stages move forward along this line; `withdrawn` may follow any of them but `adopted`.
LIFECYCLE = ("initiated", "discussion", "revision", "adopted")
FINAL_STAGES = frozenset({"adopted", "withdrawn"})
# Stages that come after a discussion has been held, so a window must be stated.
STAGES_WITH_WINDOW = frozenset({"discussion", "revision", "adopted"})
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")
# libyaml's C loader (the same safe subset) when PyYAML has it: ten times faster, and every
# revision's front matter and every review file is parsed.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_FENCE = re.compile(r"^(?:---|\.\.\.)[ \t]*\r?$", re.M)
# A top-level field of front matter: a plain name at column 0, then a colon.
_FIELD = re.compile(r"^([A-Za-z_][\w-]*)[ \t]*:(?:[ \t]|\r?$)")


class DraftError(LawtrailError):
    """One or more drafts are invalid; each message names the file and the field.

    `findings` holds the structure lint's findings on the drafts that did load, so a
    caller can show every problem in one run (`lawtrail check` does)."""

    findings: Sequence[Finding] = ()


class FieldProblem(ValueError):
    """One front-matter field is wrong; the text says how, after the field's name.

    `{name}` in the text stands for the field's name (a check does not know it)."""


@dataclass(frozen=True)
class DiscussionWindow:
    """`discussion: {opens: YYYY-MM-DD, closes: YYYY-MM-DD}`, both days included."""

    opens: dt.date
    closes: dt.date


@dataclass(frozen=True)
class DraftMeta:
    """The front matter of `drafts/<slug>/draft.md`, validated (see `FIELDS`)."""

    title: str  # the act's title
    agency: str  # the body that drafts it
    stage: str  # one of STAGES
    summary: str  # a plain-language summary shown above the text
    discussion: DiscussionWindow | None = None  # required from stage `discussion` on
    language: str | None = None  # BCP 47 code; defaults to the site's language
    kind: str | None = None  # type of act: law, regulation, order...
    tags: list[str] | None = None  # topics
    glossary: dict[str, str] | None = None  # terms with plain definitions


@dataclass(frozen=True)
class LanguageMeta:
    """The front matter of a parallel language version, `drafts/<slug>/draft.<lang>.md`.

    It holds what is said in words (see `LANGUAGE_FIELDS`); the stage, the window and the
    language of the draft are the primary version's.
    """

    title: str
    summary: str
    agency: str | None = None  # the agency's name in this language; else the primary's
    kind: str | None = None
    tags: list[str] | None = None
    glossary: dict[str, str] | None = None


def _text(value: object) -> str:
    if value is None:
        raise FieldProblem("""is missing; add a line {name}: "..." between the '---' lines""")
    if not isinstance(value, str) or not value.strip():
        raise FieldProblem(f"is {value!r}; expected a non-empty text")
    return value.strip()


def _stage(value: object) -> str:
    if value is None:
        raise FieldProblem(f"is missing; expected one of {', '.join(STAGES)}")
    if value not in STAGES:
        raise FieldProblem(f"is {value!r}; expected one of {', '.join(STAGES)}")
    return str(value)


def _date(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise FieldProblem(f"is {value!r}; expected a date as YYYY-MM-DD")


def _window(value: object) -> DiscussionWindow:
    if not isinstance(value, Mapping) or set(value) != {"opens", "closes"}:
        raise FieldProblem(f"is {value!r}; expected {{opens: YYYY-MM-DD, closes: YYYY-MM-DD}}")
    dates = {}
    for key in ("opens", "closes"):
        try:
            dates[key] = _date(value[key])
        except FieldProblem as err:
            raise FieldProblem(f"'{key}' {err}") from err
    window = DiscussionWindow(dates["opens"], dates["closes"])
    if window.closes < window.opens:
        raise FieldProblem(
            f"closes on {window.closes}, before it opens on {window.opens}; "
            "expected 'closes' on or after 'opens'"
        )
    return window


def _language(value: object) -> str:
    if not isinstance(value, str) or not _LANGUAGE.match(value):
        raise FieldProblem(f"is {value!r}; expected a BCP 47 code such as en, ru, kk")
    return value


def _tags(value: object) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(t, str) and t for t in value):
        raise FieldProblem(f"is {value!r}; expected a list of topics, e.g. [transport]")
    return list(value)


def _glossary(value: object) -> dict[str, str]:
    if not isinstance(value, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) and v.strip() for k, v in value.items()
    ):
        raise FieldProblem(
            f"is {value!r}; expected terms with plain definitions, e.g. {{tariff: the fare}}"
        )
    return {str(k): str(v) for k, v in value.items()}


# Every field in the order problems are reported: its check, and whether it may be absent.
FIELDS: dict[str, tuple[Callable[[object], Any], bool]] = {
    "title": (_text, False),
    "agency": (_text, False),
    "stage": (_stage, False),
    "discussion": (_window, True),
    "summary": (_text, False),
    "language": (_language, True),
    "kind": (_text, True),
    "tags": (_tags, True),
    "glossary": (_glossary, True),
}


# The fields of a language version, as in FIELDS; `language` may repeat the file's own.
LANGUAGE_FIELDS: dict[str, tuple[Callable[[object], Any], bool]] = {
    "title": (_text, False),
    "summary": (_text, False),
    "agency": (_text, True),
    "language": (_language, True),
    "kind": (_text, True),
    "tags": (_tags, True),
    "glossary": (_glossary, True),
}
# Fields only the primary version declares, for all its language versions.
SHARED_FIELDS = ("stage", "discussion")


def parse_language_meta(
    raw: Mapping[str, Any], language: str
) -> tuple[LanguageMeta | None, list[tuple[str, str]]]:
    """Check the front matter of the parallel version in `language`, every field at once.

    Returns:
        The front matter, or None when a field is wrong; and each wrong field with its
        problem, as `parse_meta` gives them.
    """
    values: dict[str, Any] = {}
    problems: list[tuple[str, str]] = []
    for name, (check, optional) in LANGUAGE_FIELDS.items():
        value = raw.get(name)
        if value is None and optional:
            continue
        try:
            values[name] = check(value)
        except FieldProblem as err:
            problems.append((name, str(err).replace("{name}", name)))
    if values.pop("language", language) != language:
        problems.append(
            ("language", f"is {raw['language']!r}, but the file name says {language!r}")
        )
    for name in SHARED_FIELDS:
        if name in raw:
            problems.append(
                (name, "belongs in draft.md only: every language version shares its value")
            )
    if problems:
        return None, problems
    return LanguageMeta(**values), problems


def parse_meta(raw: Mapping[str, Any]) -> tuple[DraftMeta | None, list[tuple[str, str]]]:
    """Check every field of a front matter, so a drafter sees every problem at once.

    Args:
        raw: the front matter as parsed YAML.

    Returns:
        The front matter, or None when a field is wrong; and each wrong field with its
        problem ("is 'dicussion'; expected one of ...").
    """
    values: dict[str, Any] = {}
    problems: list[tuple[str, str]] = []
    for name, (check, optional) in FIELDS.items():
        value = raw.get(name)
        if value is None and optional:
            values[name] = None
            continue
        try:
            values[name] = check(value)
        except FieldProblem as err:
            problems.append((name, str(err).replace("{name}", name)))
    if problems:
        return None, problems
    meta = DraftMeta(**values)
    if meta.stage in STAGES_WITH_WINDOW and meta.discussion is None:
        problems.append(
            (
                "discussion",
                f"is missing; a draft in stage '{meta.stage}' needs its window: "
                "discussion: {opens: YYYY-MM-DD, closes: YYYY-MM-DD}",
            )
        )
        return None, problems
    return meta, problems


def split_front_matter(
    text: str, source: str, *, unique: bool = False
) -> tuple[dict[str, Any], str]:
    """Split a draft into its front matter and Markdown body.

    With `unique`, a field given twice is an error: YAML keeps the last one without a
    word, so a second `title:` pasted below the first would silently win. Texts being
    written get it; past revisions do not, as history is published as it is.

    Args:
        text: the whole file.
        source: the path to name in error messages.

    Returns:
        The front matter as a dict and the body.

    Raises:
        DraftError: when the front matter is missing, not YAML or not a mapping.
    """
    text = text.lstrip("\ufeff")
    if not text.startswith("---"):
        raise DraftError(
            [
                f"{source}, line 1: no front matter; the file must start with a '---' line, "
                "then the fields (title, agency, stage, summary...), then a closing '---' line."
            ]
        )
    fences = list(_FENCE.finditer(text))
    if len(fences) < 2:
        raise DraftError(
            [f"{source}: the front matter is not closed; add a '---' line after the fields."]
        )
    raw, body = text[fences[0].end() : fences[1].start()], text[fences[1].end() :]
    try:
        meta = _parse_yaml(raw)
    except yaml.YAMLError as err:
        # `raw` starts right after the opening "---", on line 1 of the file.
        found = explain(err, raw, _parse_yaml)
        raise DraftError(
            [f"{source}, line {found.line}: the front matter is not valid YAML "
             f"({found.problem}): {found.hint}."]
        ) from err  # fmt: skip
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise DraftError(
            [f"{source}: the front matter is {type(meta).__name__}, expected 'field: value' lines."]
        )
    if unique:
        _refuse_repeated_fields(raw, source)
    return meta, body.lstrip("\n")


def _refuse_repeated_fields(raw: str, source: str) -> None:
    """A field named twice at the top level of front matter that parsed.

    Once it parsed, a line that starts at column 0 is a field (or a comment): values that
    go on over several lines are indented under their field."""
    first: dict[str, int] = {}
    problems = []
    # `raw` starts right after the opening "---", on line 1 of the file.
    for number, line in enumerate(raw.split("\n"), 1):
        found = _FIELD.match(line)
        if found is None:
            continue
        name = found.group(1)
        if name in first:
            problems.append(
                f"{source}, line {number}: field '{name}' is given twice (first on line "
                f"{first[name]}), and only this one would count; keep one of them."
            )
        else:
            first[name] = number
    if problems:
        raise DraftError(problems)


def _parse_yaml(text: str) -> Any:
    return yaml.load(text, Loader=SAFE_LOADER)


def validate_meta(raw: dict[str, Any], source: str) -> tuple[DraftMeta, list[str]]:
    """Check front matter against the schema of DESIGN.md.

    Returns:
        The validated front matter and warnings (unknown fields).

    Raises:
        DraftError: naming each bad field, its value and what is accepted.
    """
    meta, problems = parse_meta(raw)
    if meta is None:
        raise DraftError([f"{source}: front matter field '{key}' {p}" for key, p in problems])
    known = list(FIELDS)
    warnings = []
    for key in sorted(set(map(str, raw)) - set(known)):
        close = difflib.get_close_matches(key, known, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else f"; known fields: {', '.join(known)}"
        warnings.append(f"{source}: front matter field '{key}' is not known and is ignored{hint}")
    return meta, warnings


def validate_language_meta(
    raw: dict[str, Any], source: str, language: str
) -> tuple[LanguageMeta, list[str]]:
    """Check the front matter of a parallel language version (`draft.<language>.md`).

    Returns:
        The validated front matter and warnings (unknown fields).

    Raises:
        DraftError: naming each bad field, its value and what is accepted.
    """
    meta, problems = parse_language_meta(raw, language)
    if meta is None:
        raise DraftError([f"{source}: front matter field '{key}' {p}" for key, p in problems])
    known = list(LANGUAGE_FIELDS)
    warnings = []
    for key in sorted(set(map(str, raw)) - set(known) - set(SHARED_FIELDS)):
        close = difflib.get_close_matches(key, known, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else f"; known fields: {', '.join(known)}"
        warnings.append(f"{source}: front matter field '{key}' is not known and is ignored{hint}")
    return meta, warnings
