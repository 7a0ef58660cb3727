"""Services never depend on cooperation with an investigation: the services network (care, intake,
screening) never imports the justice app, and the justice app never imports care. The separation is
the proof: no rule, screen or service can be made to wait on cooperation if it cannot see it."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]  # the `continuum` package
SERVICES = ("continuum.care", "continuum.intake", "continuum.screening")
JUSTICE = "continuum.justice"

# (importing package, forbidden package)
FORBIDDEN = [(service, JUSTICE) for service in SERVICES] + [(JUSTICE, service) for service in SERVICES]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_files() -> Iterator[Path]:
    for path in sorted(ROOT.glob("*/**/*.py")):
        if "tests" in path.relative_to(ROOT).parts:
            continue
        yield path


def imported_modules(source: str, module: str, *, is_package: bool = False) -> Iterator[tuple[int, str]]:
    """Every module that `source` (the text of `module`) imports, relative imports resolved, and
    every module or app label it names as a string to importlib.import_module, __import__ or
    apps.get_model / get_app_config."""
    tree = ast.parse(source)
    package = module if is_package else module.rsplit(".", 1)[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            yield node.lineno, target
            for alias in node.names:
                yield node.lineno, f"{target}.{alias.name}"
        elif isinstance(node, ast.Call) and node.args:
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            first = node.args[0]
            if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
                continue
            if name in {"import_module", "__import__"}:
                yield node.lineno, first.value
            elif name in {"get_model", "get_app_config", "get_models"}:
                # An app label ("care", "justice.Charge"), as continuum.<label>.
                yield node.lineno, f"continuum.{first.value.split('.')[0]}"


def is_within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def violations() -> list[str]:
    found = []
    for path in project_files():
        source = module_name(path)
        text = path.read_text(encoding="utf-8")
        for lineno, target in imported_modules(text, source, is_package=path.name == "__init__.py"):
            for importer, forbidden in FORBIDDEN:
                if is_within(source, importer) and is_within(target, forbidden):
                    found.append(f"{path.relative_to(ROOT.parent)}:{lineno} imports {target}")
    return sorted(set(found))


def test_the_services_network_and_justice_do_not_import_each_other() -> None:
    assert violations() == []


def test_the_scan_sees_the_project() -> None:
    modules = {module_name(p) for p in project_files()}
    assert "continuum.justice.actions" in modules
    assert "continuum.intake.actions" in modules
    assert not any(".tests." in m for m in modules)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from continuum.justice import actions", "continuum.justice"),
        ("import continuum.justice.models", "continuum.justice.models"),
        ("from ..justice.models import Arrest", "continuum.justice.models"),
        ("from .. import justice", "continuum.justice"),
        ("importlib.import_module('continuum.justice.selectors')", "continuum.justice.selectors"),
        ("apps.get_model('justice.Arrest')", "continuum.justice"),
    ],
)
def test_the_scan_would_catch_an_import_of_justice_from_intake(source, expected) -> None:
    imported = [target for _, target in imported_modules(source, "continuum.intake.probe")]
    assert expected in imported
    assert any(is_within(target, JUSTICE) for target in imported)
