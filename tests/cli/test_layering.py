"""The command line calls the library's public surface and nothing below it (issue 17): readers, graph
preparation, the engine, the explanations and the pipeline are reached through ``ownership.api``.

Read with ``ast`` (nothing is imported): every import in ``cli/``, at module level or inside a function."""

from __future__ import annotations

import ast
from pathlib import Path

CLI = Path(__file__).resolve().parents[2] / "cli"

#: What the CLI may import: the API, and the plain data and renderers it hands around.
PUBLIC = ("ownership", "ownership.api", "ownership.errors", "ownership.model", "ownership.result")
PUBLIC_PACKAGES = (
    "ownership.model.",
    "ownership.policy",
    "ownership.reports",
    "ownership.writers",
    "ownership.analysis",
    "ownership.spark",  # the Spark engine's public entry points (spark_check, upstream, the session, the output)
)


def _imports(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
    return [(line, name) for line, name in found if name == "ownership" or name.startswith("ownership.")]


def _public(module: str) -> bool:
    return module in PUBLIC or module.startswith(PUBLIC_PACKAGES)


def test_the_cli_imports_only_the_public_surface() -> None:
    below = [
        f"{path.name}:{line} {module}"
        for path in sorted(CLI.glob("*.py"))
        for line, module in _imports(path)
        if not _public(module)
    ]
    assert not below, f"the CLI reaches below the API: {below}"


def test_the_check_is_a_finding_of_this_test() -> None:
    # The rule itself: a reader or the engine imported by the CLI would be caught.
    assert not _public("ownership.readers.detect")
    assert not _public("ownership.engine.cascade")
    assert not _public("ownership.pipeline")
    assert not _public("ownership.prepare.in_force")
    assert _public("ownership.reports.graph_export") and _public("ownership.model.countries")
