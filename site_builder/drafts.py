"""Drafts: loading and validating `drafts/<slug>/draft.md`, its parallel language versions
(`draft.<lang>.md`) and their committed revisions."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from site_builder.frontmatter import SAFE_LOADER as SAFE_LOADER
from site_builder.frontmatter import SLUG, STAGES, DiscussionWindow, DraftMeta, LanguageMeta
from site_builder.frontmatter import DraftError as DraftError
from site_builder.frontmatter import split_front_matter as split_front_matter
from site_builder.frontmatter import validate_language_meta as validate_language_meta
from site_builder.frontmatter import validate_meta as validate_meta
from site_builder.history import History, Removal, Revision
from site_builder.lint import Finding, lint_body
from site_builder.urls import DRAFT_FILE, language_file, language_of


@dataclass(frozen=True)
class Version:
    """A committed version of a draft: one step of its public record, with the stage and
    window it declared.

    Every commit that changes `draft.md` or a language version (`draft.<lang>.md`) is a
    version, but only one that changes a text (the Markdown body of the primary or of any
    language version, or adds or deletes a language version), or the first, is a revision:
    moving the stage or the window is a step of the lifecycle, not a new text to read or
    redline.
    """

    number: int  # the revision in force: 1 for the first, one more for each changed text
    revision: Revision  # the commit
    stage: str | None  # None when that commit's front matter was unreadable
    window: DiscussionWindow | None
    # Where the Markdown body starts in the revision's text: a copy of every body of every
    # revision would double the memory a long code's history takes.
    body_start: int
    changes_text: bool = True  # the first version, or a body differs from the one before
    # The same for each parallel language version the revision has: language -> start.
    language_starts: Mapping[str, int] = field(default_factory=dict)

    @property
    def body(self) -> str:
        """The Markdown body of this revision, without its front matter."""
        return self.revision.text[self.body_start :]

    def body_of(self, language: str) -> str | None:
        """The body of this revision's version in `language`, or None when it has none."""
        start = self.language_starts.get(language)
        if start is None:
            return None
        return self.revision.languages[language][start:]


@dataclass(frozen=True)
class LanguageText:
    """A parallel language version of a draft's current text: `draft.<language>.md`."""

    language: str
    source: str  # the path shown in messages, e.g. drafts/water-code/draft.kk.md
    meta: LanguageMeta
    body: str


@dataclass
class Draft:
    """One draft: its current front matter and text, and its committed versions."""

    slug: str
    source: str  # the path shown in messages, e.g. drafts/water-code/draft.md
    meta: DraftMeta
    body: str
    versions: list[Version] = field(default_factory=list)
    dirty: bool = False  # the work tree differs from the last commit
    removals: list[Removal] = field(default_factory=list)  # every commit that deleted it
    # The parallel language versions in the work tree, by language, sorted.
    languages: dict[str, LanguageText] = field(default_factory=dict)
    # What the structure lint found in the current texts (draft.md, then its versions).
    findings: list[Finding] = field(default_factory=list)

    @property
    def removed(self) -> Removal | None:
        """The commit that deleted the draft, while it stays deleted; else None."""
        if self.removals and self.removals[-1].after == len(self.versions):
            return self.removals[-1]
        return None

    @property
    def latest(self) -> Version | None:
        """The newest committed version (a revision, or a stage or window move)."""
        return self.versions[-1] if self.versions else None

    @property
    def revisions(self) -> list[Version]:
        """The versions that changed the text, oldest first: the revisions readers see."""
        return [version for version in self.versions if version.changes_text]

    @property
    def in_force(self) -> Version | None:
        """The newest revision: the text readers comment on."""
        return next((v for v in reversed(self.versions) if v.changes_text), None)


def load_drafts(drafts_dir: Path, history: History, label: str) -> tuple[list[Draft], list[str]]:
    """Load and validate every draft folder.

    Args:
        drafts_dir: the folder of drafts.
        history: committed revisions per slug.
        label: how to name `drafts_dir` in messages (relative to mkdocs.yml).

    Returns:
        The drafts sorted by slug, and warnings.

    Raises:
        DraftError: with every problem of every draft, so one build shows them all.
    """
    if not drafts_dir.is_dir():
        raise DraftError(
            [f"{label}: the drafts folder does not exist; create it or set the plugin "
             "option 'drafts_dir' in mkdocs.yml."]
        )  # fmt: skip
    drafts: list[Draft] = []
    present: set[str] = set()
    errors: list[str] = []
    warnings: list[str] = []
    for folder in sorted(p for p in drafts_dir.iterdir() if p.is_dir()):
        source = f"{label}/{folder.name}/{DRAFT_FILE}"
        if folder.name.startswith("."):
            continue
        if not SLUG.match(folder.name):
            errors.append(
                f"{label}/{folder.name}: the folder name is not a valid slug; expected lowercase "
                "letters, digits and hyphens (e.g. water-code); rename it with 'git mv'."
            )
            continue
        if not (folder / "draft.md").is_file():
            if folder.name not in history.revisions:
                warnings.append(
                    f"{label}/{folder.name}: no draft.md in this folder; it is skipped."
                )
            continue  # a removed draft: published from its history below
        present.add(folder.name)  # in the work tree, whether its text loads or not
        try:
            draft, found, past = load_draft(folder, source, history.revisions.get(folder.name, []))
        except DraftError as err:
            errors.extend(err.messages)
            continue
        draft.removals = history.removals.get(folder.name, [])
        drafts.append(draft)
        warnings.extend([*found, *past])
    for slug, revisions in history.revisions.items():
        if slug not in present and SLUG.match(slug):
            draft = _removed_draft(slug, f"{label}/{slug}/draft.md", revisions, history, warnings)
            drafts.append(draft)
    if errors:
        failed = DraftError(errors)
        failed.findings = [f for d in sorted(drafts, key=lambda d: d.slug) for f in d.findings]
        raise failed
    return sorted(drafts, key=lambda d: d.slug), warnings


def load_draft(
    folder: Path, source: str, revisions: list[Revision]
) -> tuple[Draft, list[str], list[str]]:
    """One draft folder: its current text checked as the build checks it, and its versions.

    Args:
        folder: the draft's folder.
        source: how to name its draft.md in messages.
        revisions: the commits that changed it, oldest first (`history.read_history`).

    Returns:
        The draft; warnings about its current texts (unknown fields, the structure lint's
        findings, which are also in `draft.findings`); and warnings about its history and
        its uncommitted changes.

    Raises:
        DraftError: the front matter of draft.md or of a language version is wrong.
    """
    text = _read(folder / DRAFT_FILE, source)
    raw, body = split_front_matter(text, source, unique=True)
    meta, warnings = validate_meta(raw, source)
    texts, languages = _load_languages(folder, source, meta, warnings)
    findings = lint_body(body, source, _first_line(text, body))
    for language, version in languages.items():
        start = _first_line(texts[language], version.body)
        findings.extend(lint_body(version.body, version.source, start))
    warnings.extend(map(str, findings))
    past: list[str] = []
    versions = _versions(revisions, source, past)
    changed = []
    if versions:
        latest = versions[-1].revision
        if _unmarked(latest.text) != _unmarked(text):
            changed.append(source)
        for language in sorted(set(texts) | set(latest.languages)):
            if _unmarked(latest.languages.get(language, "")) != _unmarked(texts.get(language, "")):
                changed.append(f"{source.removesuffix(DRAFT_FILE)}{language_file(language)}")
    for path in changed:
        past.append(
            f"{path} has uncommitted changes: the site shows them as the current text, "
            "but no revision or redline has them until they are committed."
        )
    if not versions:
        past.append(f"{source} is not committed: it is published without revisions.")
    draft = Draft(folder.name, source, meta, body, versions, bool(changed), languages=languages)
    draft.findings = findings
    return draft, warnings, past


def _first_line(text: str, body: str) -> int:
    """The line of the file `text` that its body (a suffix of it) starts on."""
    return text.count("\n", 0, len(text) - len(body)) + 1


def _versions(revisions: list[Revision], source: str, warnings: list[str]) -> list[Version]:
    """Every committed version, each numbered with the revision in force after it."""
    versions: list[Version] = []
    for revision in revisions:
        version = _version(revision, source, warnings)
        previous = versions[-1] if versions else None
        if previous is None:
            versions.append(version)
        elif _same_body(version, previous):
            versions.append(replace(version, number=previous.number, changes_text=False))
        else:
            versions.append(replace(version, number=previous.number + 1))
    return versions


def _same_body(a: Version, b: Version) -> bool:
    """Whether two versions have the same text: the primary's body and every language
    version's (one added or deleted is a changed text)."""
    if a.language_starts.keys() != b.language_starts.keys():
        return False
    texts = [(a.revision.text, a.body_start, b.revision.text, b.body_start)]
    texts += [
        (a.revision.languages[lang], start, b.revision.languages[lang], b.language_starts[lang])
        for lang, start in a.language_starts.items()
    ]
    # Lengths first: most text revisions change the length, and slicing copies the body.
    return all(
        len(x) - x_start == len(y) - y_start and x[x_start:] == y[y_start:]
        for x, x_start, y, y_start in texts
    )


def _load_languages(
    folder: Path, source: str, meta: DraftMeta, warnings: list[str]
) -> tuple[dict[str, str], dict[str, LanguageText]]:
    """The parallel language versions in a draft folder: their whole texts and, checked,
    their front matter and bodies.

    Raises:
        DraftError: a version's front matter is wrong, or the primary's language is not
            declared or is one of its versions' languages.
    """
    texts: dict[str, str] = {}
    languages: dict[str, LanguageText] = {}
    errors: list[str] = []
    prefix = source.removesuffix(DRAFT_FILE)
    for path in sorted(folder.glob("draft.*.md")):
        language = language_of(path.name)
        if language is None:
            warnings.append(
                f"{prefix}{path.name} is not a language version (expected draft.<language>.md "
                "with a code such as kk or ru, not rev, compare, comments or reviews); "
                "it is ignored."
            )
            continue
        where = f"{prefix}{path.name}"
        try:
            texts[language] = _read(path, where)
            raw, body = split_front_matter(texts[language], where, unique=True)
            own, found = validate_language_meta(raw, where, language)
        except DraftError as err:
            errors.extend(err.messages)
            continue
        warnings.extend(found)
        languages[language] = LanguageText(language, where, own, body)
    if texts and meta.language is None:
        errors.append(
            f"{source}: front matter field 'language' is missing; a draft with language "
            f"versions ({', '.join(language_file(lang) for lang in texts)}) must say which "
            "language draft.md is in, e.g. 'language: ru'."
        )
    elif meta.language in texts:
        errors.append(
            f"{prefix}{language_file(meta.language)}: the draft's own language is "
            f"'{meta.language}' (draft.md); a language version must be in another language."
        )
    if errors:
        raise DraftError(errors)
    return texts, languages


def _read(path: Path, source: str) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise DraftError(
            [f"{source}: not UTF-8 text (byte {err.start}); save the file as UTF-8."]
        ) from err


def _unmarked(text: str) -> str:
    return text.lstrip("\ufeff")


def _version(revision: Revision, source: str, warnings: list[str]) -> Version:
    """A revision with the stage its front matter declared; old mistakes only warn."""
    where = f"{source} at revision {revision.short}"
    starts = _language_starts(revision, source, warnings)
    try:
        raw, body = split_front_matter(revision.text, where)
    except DraftError as err:
        warnings.extend(f"{message} (history is published as it is)" for message in err.messages)
        return Version(1, revision, None, None, 0, language_starts=starts)
    start = len(revision.text) - len(body)  # the body is what follows the front matter
    try:
        meta, _ = validate_meta(raw, where)
    except DraftError as err:
        warnings.extend(f"{message} (history is published as it is)" for message in err.messages)
        stage = raw.get("stage")
        return Version(
            1, revision, stage if stage in STAGES else None, None, start, language_starts=starts
        )
    return Version(1, revision, meta.stage, meta.discussion, start, language_starts=starts)


def _language_starts(revision: Revision, source: str, warnings: list[str]) -> dict[str, int]:
    """Where each language version's body starts in a revision; old mistakes only warn."""
    starts: dict[str, int] = {}
    prefix = source.removesuffix(DRAFT_FILE)
    for language, text in revision.languages.items():
        where = f"{prefix}{language_file(language)} at revision {revision.short}"
        try:
            raw, body = split_front_matter(text, where)
            starts[language] = len(text) - len(body)
            validate_language_meta(raw, where, language)
        except DraftError as err:
            warnings.extend(
                f"{message} (history is published as it is)" for message in err.messages
            )
            starts.setdefault(language, 0)
    return starts


def _removed_draft(
    slug: str, source: str, revisions: list[Revision], history: History, warnings: list[str]
) -> Draft:
    """A draft no longer in the work tree, published from its last committed version.

    A consultation portal must never silently erase the public record of a draft: its
    revisions, redlines, comments and answers stay published, marked as removed.
    """
    versions = _versions(revisions, source, warnings)
    removals = history.removals.get(slug, [])
    last = versions[-1]
    try:
        raw, body = split_front_matter(last.revision.text, f"{source} at {last.revision.short}")
        meta, _ = validate_meta(raw, f"{source} at {last.revision.short}")
    except DraftError as err:
        raise DraftError(
            [f"{message} (the last version of a removed draft, published from history)"
             for message in err.messages]
        ) from err  # fmt: skip
    draft = Draft(slug, source, meta, body, versions, dirty=False, removals=removals)
    draft.languages = _last_languages(last, source)
    if draft.removed is None:
        warnings.append(
            f"{source} is deleted in the work tree but not in git: the site publishes its "
            f"last committed version. Commit the deletion with 'git rm {source}' or restore "
            f"it with 'git checkout -- {source}'."
        )
    return draft


def _last_languages(last: Version, source: str) -> dict[str, LanguageText]:
    """The language versions of a removed draft, as its last revision left them (those
    whose front matter is wrong there were warned about and are left out)."""
    languages: dict[str, LanguageText] = {}
    prefix = source.removesuffix(DRAFT_FILE)
    for language, text in last.revision.languages.items():
        path = f"{prefix}{language_file(language)}"
        where = f"{path} at {last.revision.short}"
        try:
            raw, body = split_front_matter(text, where)
            meta, _ = validate_language_meta(raw, where, language)
        except DraftError:
            continue
        languages[language] = LanguageText(language, path, meta, body)
    return languages
