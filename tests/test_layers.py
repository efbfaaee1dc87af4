"""Dependencies point down only: X12 syntax <- transactions <- payer packs <- ledger and input <-
services <- renderers <- commands."""

from __future__ import annotations

import ast

from .conftest import REPO

# lower number = lower layer; a module may import only from its own layer or lower ones. The floors
# are those of docs/structure-review.md (c): the syntax layer and the shared vocabulary at the
# bottom, the transactions on it, the payer packs, the stores and the input, the services, the
# renderers, the commands. Prefixes for modules still to come (ack, conformance, lifecycle,
# outputs) say where they will stand.
LAYERS = {
    "edi837.errors": 0,
    "edi837.issues": 0,
    "edi837.catalogue": 0,
    "edi837.resources": 0,
    "edi837.phi": 0,
    "edi837.perf": 0,
    "edi837.progress": 0,
    "edi837.outputs": 0,
    "edi837.writer_thread": 0,
    "edi837.faults": 0,
    "edi837.x12": 0,
    "edi837.codes": 0,
    "edi837.model": 1,
    "edi837.claim837": 1,
    "edi837.remit835": 1,
    "edi837.ack": 1,
    "edi837.conformance": 1,
    "edi837.oracle": 1,
    "edi837.payer": 2,
    "edi837.rules": 2,
    "edi837.lifecycle": 2,
    "edi837.ingest": 3,
    "edi837.ledger": 3,
    "edi837.services": 4,
    "edi837.reconcile": 4,
    "edi837.render": 5,
    "edi837.api": 6,
    "edi837.commands": 6,
    "edi837.cli": 6,
}
# Pairs that must not meet even where the floors allow it: one transaction does not lean on another.
NEVER = {
    ("edi837.claim837", "edi837.remit835"),
    ("edi837.remit835", "edi837.claim837"),
    ("edi837.x12", "edi837.model"),
}


def layer_of(module: str) -> int | None:
    best = None
    for prefix, layer in LAYERS.items():
        if (module == prefix or module.startswith(prefix + ".")) and (
            best is None or len(prefix) > len(best[0])
        ):
            best = (prefix, layer)
    return best[1] if best else None


def _within(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def refused(module: str, target: str) -> str | None:
    """Why ``module`` may not import ``target``, or None when it may."""
    own, theirs = layer_of(module), layer_of(target)
    if own is not None and theirs is not None and theirs > own:
        return f"{module} (layer {own}) imports {target} (layer {theirs})"
    for low, high in NEVER:
        if _within(module, low) and _within(target, high):
            return f"{module} imports {target}: {low} never uses {high}"
    return None


def test_the_floors_refuse_what_the_guide_forbids() -> None:
    assert refused("edi837.x12.loops", "edi837.model.claims")
    assert refused("edi837.ledger.store", "edi837.services.build")
    assert refused("edi837.services.build", "edi837.render.summary")
    assert refused("edi837.claim837.reader", "edi837.remit835.decoder")
    assert refused("edi837.render.remit", "edi837.commands.remit")
    assert refused("edi837.services.build", "edi837.ledger.store") is None
    assert refused("edi837.commands.build", "edi837.services.build") is None


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
            problems += [p for target in targets if (p := refused(module, target))]
    assert not unplaced, f"modules with no layer in tests/test_layers.py: {unplaced}"
    assert not problems, "\n".join(problems)
