"""The import contracts that hold the layers cover every module of the core."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENGINE = "site_builder.mkdocs"


def _contracts() -> dict[str, dict[str, list[str]]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return {c["name"]: c for c in config["tool"]["importlinter"]["contracts"]}


def test_core_contract_lists_every_core_module() -> None:
    """Each module or package of site_builder but the engine layer is a source of the contract."""
    package = ROOT / "site_builder"
    found = {
        f"site_builder.{p.stem}"
        for p in package.iterdir()
        if (p.suffix == ".py" and p.stem != "__init__") or (p / "__init__.py").is_file()
    } - {ENGINE}
    contract = next(c for c in _contracts().values() if ENGINE in c["forbidden_modules"])
    assert set(contract["source_modules"]) == found


def test_core_contract_forbids_every_engine_and_framework() -> None:
    """The core may import neither MkDocs, Material, Flask and its extensions, click, nor intake."""
    forbidden = {"mkdocs", "material", "flask", "limits", "flask_cors", "click", "intake"}
    contract = next(c for c in _contracts().values() if ENGINE in c["forbidden_modules"])
    assert forbidden <= set(contract["forbidden_modules"])
