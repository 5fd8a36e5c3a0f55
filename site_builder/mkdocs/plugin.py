"""The `lawtrail` MkDocs plugin: lifecycle hooks only; the work is in the core modules.

The hooks convert MkDocs' config into the core's options once (`on_config`) and turn the
core's errors (`LawtrailError`) into `PluginError`s that name the files concerned.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import logging
import os
import re
import time
from pathlib import Path
from typing import Any

from jinja2 import Environment
from mkdocs.config.config_options import ExtraScriptValue
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel, file_sort_key
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc
from mkdocs.utils import nest_paths
from mkdocs.utils.templates import TemplateContext

from site_builder.accountability import check_rules
from site_builder.discussion import Discussion, gather
from site_builder.drafts import Draft, DraftError, load_drafts
from site_builder.glossary import GlossaryError, load_glossary
from site_builder.history import HistoryError, read_history
from site_builder.i18n import N_, CatalogError, format_day, script_messages, shipped, translations
from site_builder.mkdocs.config import LawtrailConfig, to_options
from site_builder.mkdocs.context import PageSpec, SiteContext
from site_builder.mkdocs.draft_pages import draft_specs
from site_builder.mkdocs.feeds import advertise, feed_files
from site_builder.mkdocs.indexes import filters, index_specs, listed_language, ordered
from site_builder.mkdocs.nav import slim_nav
from site_builder.mkdocs.privacy import keep_readers_private
from site_builder.mkdocs.record import record_specs
from site_builder.mkdocs.tracking import tracking_specs
from site_builder.options import LawtrailOptions, OptionsError
from site_builder.render import Published, Renderer, publish
from site_builder.review_schema import read_reviews
from site_builder.reviews import ReviewError
from site_builder.urls import ACCOUNTABILITY_SRC, TRACK_SRC, draft_src, reviews_dir, short_sha

log = logging.getLogger("mkdocs.plugins.lawtrail")
_PARAGRAPH_TAGS = re.compile(r"\s*(?:</p>\s*<p>|</?p>)\s*")
# Where search splits words, unless mkdocs.yml sets the search plugin's `separator`:
# Material's default splits only at spaces and hyphens, and drops only the punctuation of
# the languages its `lang` list names, so «Интернет» or (өтемдік) in a kk or ru text could
# not be found. This splits at the punctuation of laws in all three languages (a dot only
# where no digit follows: "1.2" stays whole) and keeps every letter, Kazakh's included.
SEARCH_SEPARATOR = r'[\s\-–—,:;!?()\[\]{}«»„“”"/…]+|\.(?!\d)|&(?:lt|gt|amp);'

PACKAGE = Path(__file__).parent.parent  # site_builder: templates/ and assets/
ASSETS = (
    "assets/lawtrail/lawtrail.css",
    "assets/lawtrail/lawtrail.js",
    "assets/lawtrail/comment.css",
    "assets/lawtrail/track.css",
    "assets/lawtrail/track.js",
    "assets/lawtrail/theme.css",
    "assets/lawtrail/theme.js",
)
# The comment widget: ES modules served as they are. Pages load main.js, which imports the rest.
WIDGET = "assets/lawtrail/comment/main.js"
MODULES = tuple(
    f"assets/lawtrail/comment/{path.name}"
    for path in sorted((PACKAGE / "assets" / "comment").glob("*.js"))
)
# The page script's messages in the site's language, from the same catalog as the pages'.
MESSAGES = "assets/lawtrail/i18n/{language}.js"
# The names of the palette toggle that the sample mkdocs.yml gives (Material has no words
# of its own for them): translated like the default nav title; a site's own are kept.
PALETTE_NAMES = (N_("Switch to the dark palette"), N_("Switch to the light palette"))


class LawtrailPlugin(BasePlugin[LawtrailConfig]):
    """Publishes drafts from git: current texts, revisions, redlines and timelines."""

    def __init__(self) -> None:
        self.drafts: list[Draft] = []
        self.published: list[Published] = []
        self.specs: dict[str, PageSpec] = {}
        self._slim_navs: dict[str, Navigation] = {}
        self.site: SiteContext | None = None
        self.filters: dict[str, Any] = {}
        self.drafts_dir = Path("drafts")
        self.today = dt.date(1970, 1, 1)
        self.stats: dict[str, float] = {}
        self.options = LawtrailOptions()
        self.glossary: dict[str, str] = {}
        self.language = "en"
        # Pages whose text is in another language than the site's: their search entries say so.
        self.search_languages: dict[str, str] = {}

    # Before the search plugin, which reads the theme's language partial: kk's is ours.
    @event_priority(50)
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        try:
            self.options = to_options(self.config)
        except OptionsError as err:
            raise PluginError(str(err)) from err
        base = Path(config.config_file_path or ".").resolve().parent
        drafts_dir = (base / self.options.drafts_dir).resolve()
        started = time.perf_counter()
        try:
            history = read_history(drafts_dir)
        except HistoryError as err:
            raise PluginError(str(err)) from err
        self.stats["history_seconds"] = time.perf_counter() - started
        for warning in history.warnings:
            log.warning(warning)
        self.drafts_dir = drafts_dir
        # Overdue answers are counted up to the newest commit, not the clock: a rebuild of
        # the same commit gives the same page.
        self.today = (history.head_date or dt.datetime.now(dt.UTC)).date()
        try:
            self.drafts, warnings = load_drafts(drafts_dir, history, self.options.drafts_dir)
        except DraftError as err:
            raise PluginError(
                f"{len(err.messages)} problem(s) in drafts:\n  " + "\n  ".join(err.messages)
            ) from err
        for warning in warnings:
            log.warning(warning)
        if self.options.glossary:
            try:
                self.glossary = load_glossary(base / self.options.glossary, self.options.glossary)
            except GlossaryError as err:
                raise PluginError(str(err)) from err
        if history.head_date is not None:
            # Dates come from commits: MkDocs stamps the sitemap with the build time
            # unless SOURCE_DATE_EPOCH says otherwise.
            os.environ.setdefault("SOURCE_DATE_EPOCH", str(int(history.head_date.timestamp())))
        config.theme.dirs.append(str(PACKAGE / "templates"))
        # Fixes to Material's own partials go before Material's folder and after the
        # site's custom_dir, which still wins.
        first = 1 if config.theme.custom_dir else 0
        config.theme.dirs.insert(first, str(PACKAGE / "templates" / "overrides"))
        # Material's own strings follow theme.language; Lawtrail's follow it too.
        self.language = str(config.theme.get("language") or "en")
        try:
            translations(self.language)
        except CatalogError as err:
            raise PluginError(str(err)) from err
        config.extra_javascript.append(MESSAGES.format(language=shipped(self.language)))
        _translate_palette(config.theme.get("palette"), translations(self.language).gettext)
        for asset in ASSETS:
            target = config.extra_css if asset.endswith(".css") else config.extra_javascript
            target.append(asset)
        config.extra_javascript.append(_module_script(WIDGET))
        search = config.plugins.get("material/search") or config.plugins.get("search")
        if search is not None and not getattr(search.config, "separator", True):
            search.config.separator = SEARCH_SEPARATOR
        for warning in keep_readers_private(config):
            log.warning(warning)
        self.site = SiteContext(
            self.options.timezone, config.use_directory_urls, self.options.intake_url, self.language
        )
        return config

    def on_env(self, env: Environment, /, *, config: MkDocsConfig, files: Files) -> Environment:
        # Lawtrail's templates translate with gettext (`_()`, `ngettext()`) from the catalog of
        # the site's language, and write days with `| day` (the ISO form stays in datetime).
        env.add_extension("jinja2.ext.i18n")
        env.install_gettext_translations(  # type: ignore[attr-defined]
            translations(self.language), newstyle=True
        )
        env.filters["day"] = lambda value: format_day(value, self.language) if value else ""
        env.filters["short_sha"] = short_sha  # as revision addresses show a commit
        return env

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        assert self.site is not None
        renderer = Renderer(config.markdown_extensions, config.mdx_configs, self.language)
        self.published = []
        self.search_languages = {}
        problems: list[str] = []
        for draft in self.drafts:
            try:
                self.published.append(publish(draft, renderer, self.glossary))
            except DraftError as err:
                problems.extend(err.messages)
        if problems:
            raise PluginError(f"{len(problems)} problem(s) in drafts:\n  " + "\n  ".join(problems))
        for published in self.published:
            for warning in published.warnings:
                log.warning(warning)
        discussions = self._discussions()
        threads = {slug: d.by_element for slug, d in discussions.items()}
        self.specs = {}
        self._slim_navs = {}
        self.filters = filters(self.site, self.published)
        specs = index_specs(self.site, self.published, self.options.home)
        specs += draft_specs(self.site, self.published, threads)
        specs += record_specs(self.site, self.published, discussions)
        specs += tracking_specs(self.site, self.published)
        for spec in specs:
            if files.get_file_from_path(spec.src_uri) is not None:
                hint = (
                    " or set the plugin option 'home: false'" if spec.src_uri == "index.md" else ""
                )
                raise PluginError(
                    f"{config.docs_dir}/{spec.src_uri} collides with a page Lawtrail "
                    f"generates; rename or remove it{hint}."
                )
            inclusion = InclusionLevel.INCLUDED if spec.in_nav else InclusionLevel.NOT_IN_NAV
            files.append(
                File.generated(config, spec.src_uri, content=spec.source(), inclusion=inclusion)
            )
            self.specs[spec.src_uri] = spec
        self._feeds(files, config)
        for asset in (*ASSETS, *MODULES):
            source = PACKAGE / "assets" / asset.removeprefix("assets/lawtrail/")
            files.append(File.generated(config, asset, abs_src_path=str(source)))
        messages, text = _script_messages(self.language)
        files.append(File.generated(config, messages, content=text))
        config.nav = self._nav(files, config)
        return files

    def on_page_markdown(
        self, markdown: str, page: Page, config: MkDocsConfig, files: Files
    ) -> str:
        spec = self.specs.get(page.file.src_uri)
        if spec is not None and spec.updated is not None:
            page.update_date = spec.updated.date().isoformat()
        return markdown

    @event_priority(100)  # before the search plugins index page.content
    def on_page_context(
        self, context: TemplateContext, /, *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> TemplateContext:
        # Generated pages get their HTML here, one page at a time, rather than when MkDocs
        # reads every page before building any: a long code's revisions and redlines would
        # otherwise all be held in memory at once.
        spec = self.specs.get(page.file.src_uri)
        if spec is not None:
            assert self.site is not None
            if spec.search and spec.lang:
                self.search_languages[page.url] = spec.lang
            page.content, data = spec.build()
            if spec.toc_tokens is not None:
                page.toc = get_toc(spec.toc_tokens)  # type: ignore[arg-type]
            if spec.nav_draft is not None:
                context["nav"] = self._slim_nav(nav, spec.nav_draft)
            context["lawtrail"] = {  # type: ignore[typeddict-unknown-key]
                **data,
                "filters": self.filters,
                "timezone": self.site.timezone,
                "other_channels": self.options.other_channels,
            }
        return context

    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str:
        if page.file.src_uri in self.specs:
            page.content = None  # written: let it go
        return output

    @event_priority(-100)  # after the search plugin has written its index
    def on_post_build(self, config: MkDocsConfig) -> None:
        index = Path(config.site_dir) / "search" / "search_index.json"
        if index.is_file():
            # The search plugin escapes every non-ASCII character: Cyrillic text takes
            # ~2.7x the bytes. JSON is UTF-8 by definition, so write it as such.
            data = json.loads(index.read_text(encoding="utf-8"))
            for doc in data.get("docs", []):
                # Paragraph tags are a tenth of the index and search needs only the words.
                doc["text"] = _PARAGRAPH_TAGS.sub(" ", doc.get("text", "")).strip()
                # Material shows a result's title and text as HTML, and its tokenizer skips
                # tags: a draft's words keep their language there too (WCAG 3.1.2).
                code = self.search_languages.get(doc.get("location", "").split("#")[0])
                for key in ("title", "text"):
                    if code and doc.get(key):
                        doc[key] = f'<span lang="{html.escape(code)}">{doc[key]}</span>'
            index.write_text(
                json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
            )

    def _discussions(self) -> dict[str, Discussion]:
        """Each draft's merged comments anchored onto its current text; rule breaches."""
        assert self.site is not None
        discussions: dict[str, Discussion] = {}
        errors: list[str] = []
        breaches: list[str] = []
        for published in self.published:
            slug = published.draft.slug
            label = f"{self.options.drafts_dir}/{slug}/reviews"
            try:
                reviews, rejected = read_reviews(reviews_dir(self.drafts_dir, slug), slug, label)
            except ReviewError as err:
                errors.extend(err.messages)
                continue
            discussions[slug] = gather(
                published,
                reviews,
                rejected,
                self.today,
                self.options.overdue_days,
                self.site.directory_urls,
                self.language,
            )
            found = check_rules(
                published, reviews, self.options.min_discussion_days, self.options.timezone
            )
            breaches.extend(breach.message for breach in found)
        if errors:
            raise PluginError(
                f"{len(errors)} problem(s) in review files:\n  " + "\n  ".join(errors)
            )
        if breaches and self.options.strict:
            raise PluginError(
                f"{len(breaches)} breach(es) of the consultation rules (plugin option "
                "'strict'):\n  " + "\n  ".join(breaches)
            )
        for message in breaches:
            log.warning(message)
        return discussions

    def _slim_nav(self, nav: Navigation, draft: str) -> Navigation:
        """The nav of a page under `draft` (its source path) that lists no other draft."""
        slim = self._slim_navs.get(draft)
        if slim is None:
            drafts = {draft_src(p.draft.slug) for p in self.published}
            slim = self._slim_navs[draft] = slim_nav(nav, drafts, draft)
        return slim

    def _feeds(self, files: Files, config: MkDocsConfig) -> None:
        """The Atom feeds, written as files of the site, and advertised on its pages."""
        assert self.site is not None
        if not config.site_url:
            # Atom ids and links are absolute addresses: without the site's, no feed.
            log.info("No Atom feeds: set site_url in mkdocs.yml to publish them.")
            return
        feeds = feed_files(self.site, self.published, config.site_name, config.site_url)
        for path, content in sorted(feeds.items()):
            if files.get_file_from_path(path) is not None:
                raise PluginError(
                    f"{config.docs_dir}/{path} collides with a feed Lawtrail generates; "
                    "rename or remove it."
                )
            files.append(File.generated(config, path, content=content))
        advertise(self.specs.values(), set(feeds), self.site)

    def _nav(self, files: Files, config: MkDocsConfig) -> list[Any]:
        """The site's nav plus a section listing the drafts (never their revisions)."""
        assert self.site is not None
        nav = config.nav
        index: list[Any] = []
        # Each draft by its text in the site's language, where it has a version in it.
        listed = {
            p.draft.slug: draft_src(p.draft.slug, listed_language(self.site, p))
            for p in self.published
        }
        if nav is None:
            drafts = set(listed.values())
            drafts |= {ACCOUNTABILITY_SRC, TRACK_SRC}
            if self.options.home:
                # The index leads the section of drafts rather than standing beside it under
                # the same name: "Drafts" once, then "All drafts" and each draft.
                drafts.add("index.md")
                index = [{self.site.gettext("All drafts"): "index.md"}]
            pages = sorted(files.documentation_pages(), key=file_sort_key)
            nav = nest_paths(
                f.src_uri for f in pages if f.inclusion.is_in_nav() and f.src_uri not in drafts
            )
        entries = [self.specs[listed[p.draft.slug]] for p in ordered(self.site, self.published)]
        if entries:
            # The default title is a msgid ("Drafts"); a title of the site's own is kept.
            title = self.site.gettext(self.options.nav_title)
            section = [*index, *({s.title: s.src_uri} for s in entries)]
            nav = [*nav, {title: section}]
            nav.append({self.site.gettext("Accountability"): ACCOUNTABILITY_SRC})
        elif index:
            nav = [*index, *nav]
        if TRACK_SRC in self.specs:
            nav = [*nav, {self.specs[TRACK_SRC].title: TRACK_SRC}]
        return list(nav)


def _script_messages(language: str) -> tuple[str, str]:
    """The page script's catalog as a script that runs before lawtrail.js: its path, text."""
    assets = PACKAGE / "assets"
    sources = [*assets.glob("*.js"), *(assets / "comment").glob("*.js")]
    data = json.dumps(script_messages(language, sources), ensure_ascii=False, sort_keys=True)
    return MESSAGES.format(language=shipped(language)), f"window.lawtrailMessages = {data};\n"


def _translate_palette(palette: Any, gettext: Any) -> None:
    """Say the palette toggle's names in the site's language where they are Lawtrail's
    messages (`PALETTE_NAMES`, the sample's); other names are the site's words."""
    for scheme in palette if isinstance(palette, list) else [palette]:
        toggle = scheme.get("toggle") if isinstance(scheme, dict) else None
        if isinstance(toggle, dict) and toggle.get("name") in PALETTE_NAMES:
            toggle["name"] = gettext(toggle["name"])


def _module_script(path: str) -> ExtraScriptValue:
    """A `<script type="module">` entry of `extra_javascript`."""
    script = ExtraScriptValue(path)
    script.type = "module"
    return script
