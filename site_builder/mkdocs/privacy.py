"""No page tells a third party who reads it: what a site's configuration would send out.

Material for MkDocs loads its fonts from fonts.googleapis.com unless `theme.font` is false,
so every page view would tell Google which draft was read, from which address. A
government site must not, so the plugin turns web fonts off on every site and pages use
the reader's own system fonts (nothing to download on a cheap phone, and they cover
Cyrillic and Kazakh letters). A site that wants a typeface serves its files itself.

Everything else that would load from another origin is a setting the site chose
(analytics, a stylesheet or script by absolute URL, a logo or favicon elsewhere): the build
warns about each by name rather than dropping it. The repository facts Material fetches
from api.github.com for `repo_url` are off in the template
(`templates/overrides/partials/source.html`), which keeps the plain link.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from mkdocs.config.defaults import MkDocsConfig

# Material's own default (mkdocs_theme.yml): what `theme.font` is when a site names none.
MATERIAL_FONT = {"text": "Roboto", "code": "Roboto Mono"}
_FONTS_HELP = "docs/plugin.md, 'Fonts and other sites'"


def keep_readers_private(config: MkDocsConfig) -> list[str]:
    """Turn Material's web fonts off; warnings naming what else would load from elsewhere.

    Args:
        config: the site's config, changed in place (`theme.font` becomes false).

    Returns:
        One warning per setting that makes pages request another site.
    """
    warnings = []
    font = config.theme.get("font")
    if isinstance(font, dict) and font and font != MATERIAL_FONT:
        named = ", ".join(str(v) for v in font.values() if v)
        warnings.append(
            f"theme.font names {named}: Material would load it from fonts.googleapis.com, "
            "which tells Google who reads which page. Lawtrail turns web fonts off and pages "
            f"use the reader's system fonts; to use {named}, serve its files from the site "
            f"({_FONTS_HELP})."
        )
    config.theme["font"] = False
    analytics = config.extra.get("analytics") if config.extra else None
    if isinstance(analytics, dict) and analytics.get("provider"):
        warnings.append(
            f"extra.analytics (provider {analytics['provider']}) sends every page view to "
            "another site; remove it unless readers are told and agree."
        )
    for setting, path in _addresses(config):
        if _elsewhere(path):
            warnings.append(
                f"{setting} '{path}' is loaded from another site on every page view, which "
                "tells it who reads which page; serve a copy from docs_dir instead."
            )
    return warnings


def _addresses(config: MkDocsConfig) -> Iterable[tuple[str, str]]:
    """Every address a page loads as the site configured it: (setting, address)."""
    for path in config.extra_css:
        yield "extra_css", str(path)
    for script in config.extra_javascript:
        yield "extra_javascript", str(getattr(script, "path", script))
    for key in ("logo", "favicon"):
        value: Any = config.theme.get(key)
        if isinstance(value, str):
            yield f"theme.{key}", value


def _elsewhere(path: str) -> bool:
    """Whether an address names another origin (`https://…` or `//host/…`)."""
    parts = urlsplit(path)
    return bool(parts.netloc) or parts.scheme in ("http", "https")
