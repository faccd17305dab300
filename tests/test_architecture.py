"""The package's layers, read from its imports: arrows point down only, no cycles, no hidden imports.

From the top: the entry points (the package itself and `__main__`), `demo`, `testing`, `adapters`, `api`, then
`serving`, `training` and `store` (which never import one another), `resources`, `recipes`, `data`, `protocol`,
and at the bottom `errors` and `settings`. A module may import its own package and any layer below its own.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "personalize_emulator"
LAYERS = [
    {"errors", "settings"},
    {"protocol"},
    {"data"},
    {"recipes"},
    {"resources"},
    {"serving", "training", "store"},
    {"api"},
    {"adapters"},
    {"testing"},
    {"demo"},
    {"__init__", "__main__"},
]


def rank(part: str) -> int:
    return next(i for i, layer in enumerate(LAYERS) if part in layer)


def modules() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        out[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return out


def imports(path: Path) -> list[tuple[str, int, bool]]:
    """(imported module, line, at module level) for every import of the package in `path`."""
    tree = ast.parse(path.read_text())
    top = {id(node) for node in tree.body}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [f"{node.module}.{a.name}" for a in node.names] if node.level == 0 else []
            found += [(n, node.lineno, id(node) in top) for n in names or [node.module]]
        elif isinstance(node, ast.Import):
            found += [(a.name, node.lineno, id(node) in top) for a in node.names]
    return found


def package_of(module: str) -> str:
    """The layer name of a module of the package: `personalize_emulator.api.control.x` -> `api`."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def resolve(name: str, known: dict[str, Path]) -> str | None:
    """The package module an imported name refers to (a module, or the module defining the name)."""
    while name and name not in known:
        name = name.rpartition(".")[0]
    return name or None


def loads_torch(name: str, known: dict[str, Path]) -> bool:
    """PyTorch loads on the first training, not when the emulator is imported: the one import allowed inside a
    function is of torch, or of a module of ours that imports it."""
    if name.split(".")[0] == "torch":
        return True
    target = resolve(name, known)
    return target is not None and any(n.split(".")[0] == "torch" and top for n, _, top in imports(known[target]))


def violations(known: dict[str, Path] | None = None) -> list[str]:
    known = known or modules()
    found = []
    for module, path in known.items():
        own = package_of(module)
        for name, line, module_level in imports(path):
            if not module_level and not loads_torch(name, known):
                found.append(f"{module}:{line} imports {name} inside a function")
            if not name.startswith("personalize_emulator"):
                continue
            target = resolve(name, known)
            other = package_of(target)
            if other != own and rank(other) >= rank(own):
                found.append(f"{module}:{line} imports {target}, which is not below {own}")
    return found


def cycles() -> list[list[str]]:
    known = modules()
    graph = {
        m: {resolve(n, known) for n, _, top in imports(p) if top and n.startswith("personalize_emulator")} - {None, m}
        for m, p in known.items()
    }
    # Packages import their parent package implicitly; only module-to-module edges count.
    found, state = [], {}

    def visit(node: str, stack: list[str]) -> None:
        state[node] = "open"
        for nxt in sorted(graph.get(node, ())):
            if nxt == "personalize_emulator":
                continue
            if state.get(nxt) == "open":
                found.append(stack[stack.index(nxt) :] + [nxt])
            elif nxt not in state:
                visit(nxt, [*stack, nxt])
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    return found


def test_arrows_point_down_only():
    assert violations() == []


def test_no_import_cycle():
    assert cycles() == []


def test_recipes_know_nothing_of_resources_or_handlers():
    for module, path in modules().items():
        if package_of(module) == "recipes":
            for name, line, _ in imports(path):
                assert not name.startswith(("personalize_emulator.resources", "personalize_emulator.api")), (
                    module,
                    line,
                )


def test_the_rules_catch_an_upward_import_and_a_hidden_one(tmp_path):
    """The check itself can fail: a data module importing a handler, or importing inside a function, is reported."""
    probe = tmp_path / "probe.py"
    probe.write_text(
        "from personalize_emulator.api.runtime import get_recommendations\n"
        "def later():\n    from personalize_emulator.errors import JobFailed\n"
    )
    found = violations(modules() | {"personalize_emulator.data.probe": probe})
    assert found == [
        "personalize_emulator.data.probe:1 imports personalize_emulator.api.runtime, which is not below data",
        "personalize_emulator.data.probe:3 imports personalize_emulator.errors.JobFailed inside a function",
    ]


@pytest.mark.parametrize("layer", sorted(set().union(*LAYERS) - {"__init__", "__main__"}))
def test_every_layer_exists(layer):
    assert (PACKAGE / layer).is_dir() or (PACKAGE / f"{layer}.py").is_file()
