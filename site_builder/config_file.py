"""Reading a site's mkdocs.yml without MkDocs: the one configuration loader of the intake
and the CLI.

Loading the configuration through MkDocs would load every plugin through its entry point,
so each intake worker would run the site engine. This reads the file as YAML and takes
only what the core needs (`SiteOptions`). MkDocs' own tags are understood as MkDocs does:
`!ENV` reads environment variables, `!!python/name:` names an object (a Markdown
extension's helper, e.g. an emoji index) and is imported if it can be, and any other tag
keeps its plain value. `INHERIT:` merges a parent file first, as MkDocs does.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from site_builder.options import LawtrailOptions, OptionsError, SiteOptions
from site_builder.yaml_errors import explain

# The extensions MkDocs always enables, before the site's own (mkdocs.config.defaults).
BUILTIN_EXTENSIONS = ("toc", "tables", "fenced_code")
PLUGIN = "lawtrail"


def load_site_options(config_file: Path) -> SiteOptions:
    """The site's options and the lawtrail plugin's, read from `config_file`.

    Args:
        config_file: the site's mkdocs.yml.

    Raises:
        OptionsError: the file is missing, not YAML, does not enable the plugin, or an
            option is wrong; the message names the file and the fix.
    """
    data = _read(config_file)
    raw = _plugin_options(data.get("plugins"), config_file)
    try:
        lawtrail = LawtrailOptions.from_mapping(raw)
    except OptionsError as err:
        raise OptionsError([f"{config_file}: {message}" for message in err.messages]) from err
    theme = data.get("theme")
    language = theme.get("language") if isinstance(theme, Mapping) else None
    extensions, configs = _extensions(data.get("markdown_extensions") or [], config_file)
    return SiteOptions(
        config_file=config_file,
        lawtrail=lawtrail,
        site_url=str(data.get("site_url") or "/"),
        use_directory_urls=bool(data.get("use_directory_urls", True)),
        language=str(language or "en"),
        markdown_extensions=extensions,
        mdx_configs=configs,
    )


def _read(config_file: Path) -> dict[str, Any]:
    try:
        text = config_file.read_text(encoding="utf-8")
    except FileNotFoundError as err:
        raise OptionsError(
            f"There is no {config_file}; point to the site's mkdocs.yml (the folder that "
            "holds it and drafts/)."
        ) from err
    try:
        data = _parse(text)
    except yaml.YAMLError as err:
        problem = explain(err, text, _parse)
        raise OptionsError(
            f"{config_file}, line {problem.line}: not valid YAML ({problem.problem}): "
            f"{problem.hint}."
        ) from err
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise OptionsError(f"{config_file}: expected 'name: value' lines at the top level.")
    found: dict[str, Any] = data
    parent = found.pop("INHERIT", None)
    if parent is not None:
        found = _merge(_read(config_file.parent / str(parent)), found)
    return found


def _parse(text: str) -> Any:
    return yaml.load(text, Loader=_Loader)


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """`override` over `base`, mappings merged key by key (as MkDocs' INHERIT)."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _plugin_options(plugins: object, config_file: Path) -> Mapping[str, Any]:
    """The options under `- lawtrail:`; plugins may be a list or a mapping, as in MkDocs."""
    items: list[tuple[object, object]] = []
    if isinstance(plugins, Mapping):
        items = list(plugins.items())
    elif isinstance(plugins, list):
        for item in plugins:
            if isinstance(item, Mapping):
                items.extend(item.items())
            else:
                items.append((item, None))
    for name, options in items:
        if name == PLUGIN:
            if options is not None and not isinstance(options, Mapping):
                raise OptionsError(
                    f"{config_file}: the lawtrail plugin's options are {options!r}; "
                    "expected 'name: value' lines under '- lawtrail:'."
                )
            return options or {}
    raise OptionsError(
        f"{config_file} does not enable the lawtrail plugin; add '- lawtrail' under plugins."
    )


def _extensions(value: object, config_file: Path) -> tuple[tuple[str, ...], dict[str, Any]]:
    """Markdown extension names (MkDocs' built-ins first, no repeats) and their configs."""
    names = list(BUILTIN_EXTENSIONS)
    configs: dict[str, Any] = {}
    entries = list(value.items()) if isinstance(value, Mapping) else value
    if not isinstance(entries, list):
        raise OptionsError(f"{config_file}: markdown_extensions is not a list of extensions.")
    for entry in entries:
        if isinstance(entry, Mapping) and len(entry) == 1:
            entry = next(iter(entry.items()))
        name, config = entry if isinstance(entry, tuple) else (entry, None)
        if not isinstance(name, str):
            raise OptionsError(f"{config_file}: '{name}' is not a Markdown extension name.")
        if config:
            configs[name] = config
        if name not in names:
            names.append(name)
    return tuple(names), configs


class _Loader(yaml.SafeLoader):
    """Safe YAML plus MkDocs' tags; unknown tags keep their plain value."""


def _env(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    """`!ENV NAME` or `!ENV [NAME, OTHER, default]`, as MkDocs (pyyaml-env-tag) reads it."""
    default = None
    if isinstance(node, yaml.SequenceNode):
        children = node.value
        if len(children) > 1:
            default = loader.construct_object(children[-1])
            children = children[:-1]
        names = [loader.construct_scalar(child) for child in children]
    else:
        names = [loader.construct_scalar(node)]  # type: ignore[arg-type]
    for name in names:
        if name in os.environ:
            value = os.environ[name]
            tag = loader.resolve(yaml.ScalarNode, value, (True, False))  # type: ignore[no-untyped-call]
            return loader.construct_object(yaml.ScalarNode(tag, value))
    return default


def _python_name(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    """The object `!!python/name:module.attr` names, or the name if it cannot be imported."""
    module, _, attr = suffix.rpartition(".")
    try:
        return getattr(importlib.import_module(module), attr)
    except (ImportError, AttributeError, ValueError):
        return suffix


def _plain(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.MappingNode):
        return loader.construct_mapping(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_scalar(node)  # type: ignore[arg-type]


_Loader.add_constructor("!ENV", _env)
_Loader.add_multi_constructor("tag:yaml.org,2002:python/name:", _python_name)
_Loader.add_multi_constructor("!", _plain)
_Loader.add_multi_constructor("tag:", _plain)
