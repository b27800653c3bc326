"""
The project's packages depend on each other in one direction only, counting
imports inside functions: shared machinery (the page cache, the text
pipeline, single-row settings, security) imports no app, apps import no
project package that imports them back, and nothing imports ``strategist``,
which only composes.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = sorted(
    path.name
    for path in ROOT.iterdir()
    if (path / "__init__.py").exists() and path.name not in {"tests", "bench"}
)
SHARED = {
    "pagecache",
    "markup",
    "singletons",
    "security",
    "schema",
    "autosave",
    "maintenance",
    "prepared",
}


def imported_packages(package: str) -> set[str]:
    """Project packages imported anywhere in ``package`` (module level or inside functions)."""
    found = set()
    for path in (ROOT / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            found |= {name.split(".")[0] for name in names}
    return (found & set(PACKAGES)) - {package}


GRAPH = {package: imported_packages(package) for package in PACKAGES}


def test_the_expected_packages_are_checked():
    assert {"strategist", "posts", "comments", "wordpress", *SHARED} <= set(PACKAGES)


def test_no_two_packages_import_each_other_even_through_others():
    def reachable(start):
        seen, stack = set(), [start]
        while stack:
            for target in GRAPH[stack.pop()]:
                if target not in seen:
                    seen.add(target)
                    stack.append(target)
        return seen

    cycles = [package for package in PACKAGES if package in reachable(package)]
    assert cycles == [], {package: GRAPH[package] for package in cycles}


@pytest.mark.parametrize("package", sorted(SHARED))
def test_shared_machinery_knows_no_app(package):
    assert GRAPH[package] <= SHARED - {package}, GRAPH[package]


def test_nothing_imports_the_project_package():
    assert [package for package in PACKAGES if "strategist" in GRAPH[package]] == []
