"""Dependencies point down only: X12 syntax <- transaction <- payer rules <- services <- CLI."""

from __future__ import annotations

import ast

from .conftest import REPO

# lower number = lower layer; a module may import only from its own layer or lower ones
LAYERS = {
    "edi837.errors": 0,
    "edi837.issues": 0,
    "edi837.catalogue": 0,
    "edi837.codelists": 0,
    "edi837.resources": 0,
    "edi837.phi": 0,
    "edi837.perf": 0,
    "edi837.progress": 0,
    "edi837.outputs": 0,
    "edi837.faults": 0,
    "edi837.x12": 0,
    "edi837.codes": 0,
    "edi837.model": 1,
    "edi837.claim837": 1,
    "edi837.remit835": 1,
    "edi837.ack": 1,
    "edi837.oracle": 1,
    "edi837.payer": 2,
    "edi837.rules": 2,
    "edi837.lifecycle": 2,
    "edi837.ingest": 3,
    "edi837.ledger": 3,
    "edi837.services": 3,
    "edi837.reconcile": 3,
    "edi837.render": 3,
    "edi837.api": 4,
    "edi837.commands": 4,
    "edi837.cli": 4,
}


def layer_of(module: str) -> int | None:
    best = None
    for prefix, layer in LAYERS.items():
        if (module == prefix or module.startswith(prefix + ".")) and (
            best is None or len(prefix) > len(best[0])
        ):
            best = (prefix, layer)
    return best[1] if best else None


def test_no_lower_layer_imports_a_higher_one() -> None:
    problems = []
    unplaced = []
    for path in sorted((REPO / "edi837").rglob("*.py")):
        module = ".".join(path.relative_to(REPO).with_suffix("").parts).removesuffix(".__init__")
        own = layer_of(module)
        if own is None:
            if module not in {"edi837", "edi837.__main__"}:
                unplaced.append(module)
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets = [node.module]
            elif isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                continue
            for target in targets:
                theirs = layer_of(target)
                if theirs is not None and theirs > own:
                    problems.append(f"{module} (layer {own}) imports {target} (layer {theirs})")
    assert not unplaced, f"modules with no layer in tests/test_layers.py: {unplaced}"
    assert not problems, "\n".join(problems)
