"""The package's imports run one way, down the floors the README draws: a module never imports
one of a higher stage (a function-level import counts too), so each stage can be read, tested and
replaced without the ones above it."""

from __future__ import annotations

import ast
from pathlib import Path

import hfdaily

PACKAGE = Path(hfdaily.__file__).parent

# floor of each top-level module or stage folder; a module may import its own floor or lower ones
FLOORS = {
    "errors": 0, "text": 0, "fileio": 0, "arguments": 0, "http": 0, "redaction": 0, "__init__": 0,
    "models": 1, "outputs": 1, "config": 1, "fields": 1, "providers": 1,
    "sources": 2, "archive": 2,
    "enrich": 3,
    "make": 4, "rank": 4,
    "publish": 5,
    "deliver": 6,
    "workspace": 7, "pipeline": 7, "testing": 7, "commands": 8, "doctor": 8, "demo": 8, "cli": 9, "__main__": 9,
}


def _stage(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _imports(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("hfdaily"):
            found.append((node.lineno, node.module))
            if node.module == "hfdaily":
                found += [(node.lineno, f"hfdaily.{alias.name}") for alias in node.names]
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.startswith("hfdaily.")]
    return found


def test_every_module_has_a_floor():
    stages = {p.stem if p.parent == PACKAGE else p.relative_to(PACKAGE).parts[0] for p in PACKAGE.rglob("*.py")}
    assert stages <= set(FLOORS), f"give these a floor in FLOORS: {stages - set(FLOORS)}"


def test_no_import_runs_upward():
    upward = []
    for path in sorted(PACKAGE.rglob("*.py")):
        own = path.stem if path.parent == PACKAGE else path.relative_to(PACKAGE).parts[0]
        for line, module in _imports(path):
            target = _stage(module)
            if target in FLOORS and FLOORS[target] > FLOORS[own]:
                upward.append(f"{path.relative_to(PACKAGE)}:{line} imports {module} ({own} {FLOORS[own]} → {target} {FLOORS[target]})")
    assert not upward, "\n".join(upward)
