"""The intake and the CLI read mkdocs.yml as MkDocs does, without loading MkDocs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from site_builder.config_file import load_site_options
from site_builder.options import LawtrailOptions, OptionsError, default
from tests.conftest import Repo, draft


def write(tmp_path: Path, text: str, name: str = "mkdocs.yml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_options_and_extensions_match_mkdocs(tmp_path: Path) -> None:
    """The lawtrail options, URL style and Markdown extensions are those MkDocs loads."""
    from mkdocs.config import load_config

    path = write(
        tmp_path,
        "site_name: t\nsite_url: https://example.org/laws/\nuse_directory_urls: false\n"
        "theme: {name: material, language: ru}\n"
        "plugins:\n  - search\n  - lawtrail:\n      timezone: Asia/Almaty\n      home: false\n"
        "markdown_extensions:\n  - toc:\n      permalink: true\n  - tables\n  - attr_list\n",
    )
    (tmp_path / "docs").mkdir()
    site = load_site_options(path)
    mkdocs = load_config(str(path))
    assert list(site.markdown_extensions) == mkdocs.markdown_extensions
    assert dict(site.mdx_configs) == mkdocs.mdx_configs
    assert site.lawtrail == LawtrailOptions(timezone="Asia/Almaty", home=False)
    assert (site.site_url, site.use_directory_urls, site.language) == (
        "https://example.org/laws/",
        False,
        "ru",
    )
    assert site.drafts_dir == (tmp_path / "drafts").resolve()


def test_mkdocs_tags_are_understood(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`!ENV` reads the environment, `!!python/name:` is imported, unknown tags stay plain."""
    monkeypatch.setenv("LT_TEST_ZONE", "Europe/Berlin")
    path = write(
        tmp_path,
        "site_url: !ENV [LT_TEST_UNSET, https://fallback.example/]\n"
        "plugins:\n  - lawtrail:\n      timezone: !ENV LT_TEST_ZONE\n"
        "markdown_extensions:\n  - toc:\n"
        "      slugify: !!python/name:markdown.extensions.toc.slugify\n"
        "      title: !custom Contents\n",
    )
    site = load_site_options(path)
    from markdown.extensions.toc import slugify

    assert site.lawtrail.timezone == "Europe/Berlin"
    assert site.site_url == "https://fallback.example/"
    assert site.mdx_configs["toc"] == {"slugify": slugify, "title": "Contents"}


def test_inherit_merges_the_parent_first(tmp_path: Path) -> None:
    """`INHERIT:` takes the parent's values, overridden by the file's own."""
    write(tmp_path, "site_url: https://parent.example/\nplugins: [lawtrail]\n", "base.yml")
    path = write(tmp_path, "INHERIT: base.yml\nuse_directory_urls: false\n")
    site = load_site_options(path)
    assert (site.site_url, site.use_directory_urls) == ("https://parent.example/", False)
    assert site.lawtrail == LawtrailOptions()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("plugins: [search]\n", "does not enable the lawtrail plugin; add '- lawtrail'"),
        ("plugins: [lawtrail\n", "not valid YAML"),
        (
            "plugins:\n  - lawtrail:\n      timezone: Mars/Olympus\n",
            "lawtrail option 'timezone': 'Mars/Olympus' is not a time zone; expected an IANA",
        ),
        (
            "plugins:\n  - lawtrail:\n      overdue_days: -1\n",
            "lawtrail option 'overdue_days': is -1; expected a whole number of days, at least 0",
        ),
        (
            "plugins:\n  - lawtrail:\n      home: 'no'\n",
            "lawtrail option 'home': is 'no'; expected true or false",
        ),
    ],
)
def test_bad_configuration_is_named(tmp_path: Path, text: str, message: str) -> None:
    """A broken mkdocs.yml is refused with the file, the option and what is expected."""
    path = write(tmp_path, text)
    with pytest.raises(OptionsError) as caught:
        load_site_options(path)
    assert message in str(caught.value)
    assert str(path) in str(caught.value)


def test_plugin_defaults_have_one_definition() -> None:
    """The MkDocs options take their defaults from the core's options dataclass."""
    from site_builder.mkdocs.config import LawtrailConfig

    config = LawtrailConfig()
    config.load_dict({})
    failed, _ = config.validate()
    assert failed == []
    for name, _ in LawtrailConfig._schema:
        assert config[name] == default(name), name


def test_corpus_loads_without_mkdocs(repo: Repo) -> None:
    """Loading the corpus as the intake does imports neither MkDocs nor the plugin layer."""
    repo.write("water", draft("### Article 1. Scope\n\n1. Text.\n"))
    repo.git("add", "-A")
    repo.commit("Draft")
    root = repo.root
    script = (
        "import sys; from pathlib import Path\n"
        "from site_builder.config_file import load_site_options\n"
        "from site_builder.corpus import load_site_corpus\n"
        f"load_site_corpus(load_site_options(Path({str(root / 'mkdocs.yml')!r})))\n"
        "import intake, intake.cli\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('mkdocs', 'material')"
        " or m.startswith('site_builder.mkdocs'))\n"
        "print(loaded)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]", done.stdout
