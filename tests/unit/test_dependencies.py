"""Two locks: requirements.lock (runtime, what production installs) and requirements-dev.lock
(the runtime lock plus tests, linters and browser tools, what ``make install`` installs)."""

from __future__ import annotations

import re
import tomllib
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[2]
DEV_ONLY = {"playwright", "pytest-playwright", "mypy", "schemathesis", "pytest", "ruff",
            "hypothesis", "import-linter", "aiosmtpd", "pikepdf"}


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(path: Path) -> dict[str, str]:
    found = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith(("#", "-r")):
            name, _, version = line.partition("==")
            found[canonical(name)] = version
    return found


def project() -> dict[str, object]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def closure(names: list[str]) -> set[str]:
    """Every distribution the named ones need (as installed here), markers evaluated."""
    seen: set[str] = set()
    stack = [(Requirement(name), ()) for name in names]
    while stack:
        requirement, _ = stack.pop()
        key = canonical(requirement.name)
        extras = tuple(requirement.extras)
        if key in seen and not extras:
            continue
        seen.add(key)
        try:
            needs = distribution(requirement.name).requires or []
        except PackageNotFoundError:
            continue
        for text in needs:
            need = Requirement(text)
            if need.marker is None or any(need.marker.evaluate({"extra": extra})
                                          for extra in ("", *extras)):
                stack.append((need, ()))
    return seen


def test_production_installs_no_test_lint_or_browser_tool() -> None:
    runtime = pins(ROOT / "requirements.lock")
    assert DEV_ONLY.isdisjoint(runtime), DEV_ONLY & set(runtime)


def test_the_development_lock_adds_to_the_runtime_lock_without_repeating_it() -> None:
    text = (ROOT / "requirements-dev.lock").read_text()
    assert "-r requirements.lock" in text.splitlines()
    dev, runtime = pins(ROOT / "requirements-dev.lock"), pins(ROOT / "requirements.lock")
    assert set(dev).isdisjoint(runtime)
    assert DEV_ONLY <= set(dev)


def test_every_direct_dependency_is_pinned_in_its_lock_at_the_same_version() -> None:
    runtime, dev = pins(ROOT / "requirements.lock"), pins(ROOT / "requirements-dev.lock")
    for text in project()["dependencies"]:  # type: ignore[attr-defined]
        requirement = Requirement(text)
        assert runtime.get(canonical(requirement.name)) == str(requirement.specifier)[2:], text
    for text in project()["optional-dependencies"]["dev"]:  # type: ignore[index]
        requirement = Requirement(text)
        assert dev.get(canonical(requirement.name)) == str(requirement.specifier)[2:], text


def test_the_runtime_lock_holds_the_whole_runtime_tree() -> None:
    needed = closure(list(project()["dependencies"]))  # type: ignore[call-overload]
    assert needed - set(pins(ROOT / "requirements.lock")) == set()
