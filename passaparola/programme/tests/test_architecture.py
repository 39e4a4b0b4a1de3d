"""The architecture contracts (pyproject.toml, run by lint-imports in ./test) cover every app."""

import tomllib
from pathlib import Path

from django.apps import apps
from django.conf import settings

PYPROJECT = Path(settings.BASE_DIR).parent / "pyproject.toml"


def contracts() -> list[dict]:
    with PYPROJECT.open("rb") as handle:
        return tomllib.load(handle)["tool"]["importlinter"]["contracts"]


def layered_modules() -> set[str]:
    (layers,) = [contract for contract in contracts() if contract["type"] == "layers"]
    return {
        module.strip()
        for layer in layers["layers"]
        for module in layer.replace(":", "|").split("|")
    }


def test_every_app_of_ours_has_a_floor_in_the_layers_contract() -> None:
    ours = {
        config.name for config in apps.get_app_configs() if config.name.startswith("passaparola.")
    }
    # A new app left out of the layers would be free to import anything: place it on a floor.
    assert ours - layered_modules() == set()


def test_every_package_of_ours_has_a_floor_or_is_test_support() -> None:
    packages = {
        f"passaparola.{path.parent.name}"
        for path in (Path(settings.BASE_DIR)).glob("*/__init__.py")
    }
    assert packages - layered_modules() == {"passaparola.testing"}


def test_the_forbidden_rules_name_only_modules_that_exist() -> None:
    # A typo in a contract would silently forbid nothing.
    known = layered_modules() | {"passaparola.testing"}
    for contract in contracts():
        for module in contract.get("source_modules", []) + contract.get("forbidden_modules", []):
            if "*" not in module:
                assert module in known, (contract["name"], module)
