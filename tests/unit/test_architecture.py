"""The shape of app/ (DESIGN §7): small modules, and imports that run one way only; and
of tests/: small modules that import no other test module."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MAX_LINES = 400
# Every package and top-level module of app/, and the workers, are held to MAX_LINES: listed
# from the disk, so a new package is checked the day it lands.
PACKAGES_CHECKED = sorted(
    str(path.relative_to(ROOT)) for path in [*(ROOT / "app").iterdir(), ROOT / "workers"]
    if (path.is_dir() and (path / "__init__.py").exists()) or path.suffix == ".py")
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _modules(path: Path) -> list[Path]:
    return [path] if path.is_file() else sorted(path.rglob("*.py"))


def test_the_check_covers_every_domain() -> None:
    for name in ("app/auth", "app/catalogue", "app/orders", "app/assignment",
                 "app/notifications", "app/vendors", "app/common", "app/api.py", "workers"):
        assert name in PACKAGES_CHECKED


@pytest.mark.parametrize("package", PACKAGES_CHECKED)
def test_no_module_is_over_400_lines(package: str) -> None:
    too_long = {str(module.relative_to(ROOT)): lines
                for module in _modules(ROOT / package)
                if (lines := len(module.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert too_long == {}


def test_no_test_module_is_over_400_lines_either() -> None:
    too_long = {str(module.relative_to(ROOT)): lines
                for module in _modules(ROOT / "tests")
                if (lines := len(module.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert too_long == {}


_TEST_MODULE_IMPORT = re.compile(r"^\s*(?:from|import)\s+tests\.(?:[\w.]+\.)?test_\w+", re.M)


def test_no_test_module_imports_another() -> None:
    """Shared fixtures live in conftest.py and shared helpers in support modules, so that
    collecting one test module never runs (or hides) the tests of another."""
    importing = sorted(str(module.relative_to(ROOT)) for module in _modules(ROOT / "tests")
                       if _TEST_MODULE_IMPORT.search(module.read_text(encoding="utf-8")))
    assert importing == []


def _lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(root / "pyproject.toml"), "--no-cache"],
        cwd=root, capture_output=True, text=True, timeout=300, check=False)


def _copy_of_the_code(tmp_path: Path) -> Path:
    copy = tmp_path / "repo"
    copy.mkdir()
    only_code = shutil.ignore_patterns("__pycache__", "templates", "static", "translations")
    for package in ("app", "workers", "config"):
        shutil.copytree(ROOT / package, copy / package, ignore=only_code)
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    return copy


def test_the_import_contracts_hold() -> None:
    result = _lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(("module", "upward"), [
    ("app/common/money.py", "app.orders"),  # common may import no domain
    ("app/catalogue/models.py", "app.orders"),  # nor a domain one above it
])
def test_one_upward_import_breaks_them(tmp_path: Path, module: str, upward: str) -> None:
    copy = _copy_of_the_code(tmp_path)
    with (copy / module).open("a", encoding="utf-8") as source:
        # Inside a function: hidden from the import-time cycle, not from the contract.
        source.write(f"\n\ndef _upward() -> None:\n    from {upward} import services  # noqa\n")
    result = _lint_imports(copy)
    assert result.returncode != 0
    name = module.removesuffix(".py").replace("/", ".")
    assert f"{name} -> {upward}.services" in result.stdout
