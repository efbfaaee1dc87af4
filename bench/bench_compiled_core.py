"""Would a compiled core bring the 835 reader within 5x of the split? Measured with mypyc.

Issue 12 asks how close pure Python comes and whether a compiled core is the next step. This
module answers by measurement (docs/decisions/0011-compiled-core.md has the figures and the
decision): it copies the repository to a scratch directory, compiles the reader's hot modules
there with mypyc (:data:`HOT_MODULES`: the tokenizer, envelopes, loop walker and transaction
stream of ``edi837/x12`` and the whole of ``edi837/remit835``), runs the reader's tests against
the compiled copy, and times, side by side and in fresh interpreters, the plain split, the
pure-Python reader and the compiled one on bench_remit's 100,000-claim file (best of
:data:`ROUNDS` rounds each). The package itself is never compiled or changed: the compiled copy
lives only in the bench's temporary directory.

Where valgrind is installed it also counts each layer's instructions for 4,000 claims in both
builds (:func:`instructions`), the figure the machine's load does not move.

Not part of ``make bench`` (``SEPARATE``): the build takes about a minute on 2 cores, and the
whole run about ten. Run it with ``python -m bench --only compiled_core``. Without mypyc, setuptools, a C compiler or the
Python headers it reports why and measures nothing.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

from bench import bench_remit

SEPARATE = True  # bench/__main__.py runs it only when --only names it
REPO = Path(__file__).resolve().parent.parent
ROUNDS = 3
TARGET_RATIO = bench_remit.TARGET_RATIO

# What the reader runs per segment and per claim. The model (edi837/model/remittance.py) stays
# interpreted: its attrs fields with masked reprs fail mypyc's checks at import (see the doc).
HOT_MODULES = (
    "edi837/x12/tokenizer.py",
    "edi837/x12/delimiters.py",
    "edi837/x12/envelope.py",
    "edi837/x12/loops.py",
    "edi837/x12/transactions.py",
    "edi837/x12/log.py",
    "edi837/x12/datatypes.py",
    "edi837/x12/spec.py",
    "edi837/x12/declarations.py",
    "edi837/remit835/reader.py",
    "edi837/remit835/decoder.py",
    "edi837/remit835/claim_payments.py",
    "edi837/remit835/header.py",
    "edi837/remit835/fields.py",
    "edi837/remit835/balance.py",
)

# What mypyc does not compile as written, and the smallest change that lets it, applied to the
# scratch copy only: (file, text, replacement). Each must apply exactly once, so a change to the
# source that moves one is reported rather than silently measuring something else.
_ATTRS_FIELD = ("= attrs.field(", "= _field(")
_FIELD_ALIAS = ("\nimport attrs\n", "\nimport attrs\n\n_field: Any = attrs.field\n")
PATCHES: tuple[tuple[str, str, str], ...] = (
    # "Inheriting from most builtin types is unimplemented": Gathered is a list subclass (built
    # in C per claim and line), so it has to stay a non-native (ordinary Python) class
    (
        "edi837/x12/transactions.py",
        "\nimport attrs\n",
        "\nimport attrs\nfrom mypy_extensions import mypyc_attr\n",
    ),
    (
        "edi837/x12/transactions.py",
        "\nclass Gathered(list[Segment]):",
        "\n@mypyc_attr(native_class=False)\nclass Gathered(list[Segment]):",
    ),
    # attrs.field() is typed as returning the field's type, so the compiled class body checks
    # the _CountingAttr it returns against dict / list / frozenset and fails at import; through
    # an Any alias it is not checked
    ("edi837/x12/spec.py", *_FIELD_ALIAS),
    ("edi837/x12/spec.py", *_ATTRS_FIELD),
    ("edi837/x12/declarations.py", *_FIELD_ALIAS),
    (
        "edi837/x12/declarations.py",
        "= attrs.field(factory=list)",
        "= _field(factory=list)",
    ),
    ("edi837/x12/declarations.py", "= attrs.field(factory=dict)", "= _field(factory=dict)"),
    ("edi837/x12/declarations.py", "= attrs.field(init=False)", "= _field(init=False)"),
    # frozenset - dict_keys is a set at run time (dict_keys.__rsub__) but a frozenset to
    # typeshed; the compiled frozenset() call checks its argument and refuses the set
    (
        "edi837/x12/loops.py",
        "frozenset(loop.segment_ids - loop.openers.keys())",
        "loop.segment_ids.difference(loop.openers)",
    ),
)

_SETUP = """
import os
import re
from setuptools import setup
from mypyc.build import mypycify
setup(name="edi837-compiled-scratch", packages=[], py_modules=[],
      ext_modules=mypycify(os.environ["HOT_MODULES"].split(), opt_level="3"))
"""

# One round for one build, in a fresh interpreter: the split, each layer of the reader alone,
# the whole reader (bench_remit.read, as make bench times it), and which files were imported.
_CHILD = """
import json, sys, time
from pathlib import Path
from bench.bench_remit import baseline, read
from edi837.issues import IssueList
from edi837.remit835 import reader as remit_reader
from edi837.x12 import tokenizer, transactions
from edi837.x12.tokenizer import SegmentReader
from edi837.x12.transactions import REMITTANCE_835, TransactionStream

path = Path(sys.argv[1])
split = baseline(path)[0]
started = time.perf_counter()
for _ in SegmentReader(path):
    pass
tokens = time.perf_counter() - started
started = time.perf_counter()
sink = IssueList()
for _ in TransactionStream(SegmentReader(path, sink=sink), sink, kinds=(REMITTANCE_835,),
                           gather=("2100",)):
    pass
stream = time.perf_counter() - started
seconds, claims, warnings, paid = read(path)
files = [m.__file__ for m in (tokenizer, transactions, remit_reader)]
print(json.dumps({"split": split, "tokenizer": tokens, "stream": stream, "reader": seconds,
                  "claims": claims, "warnings": warnings, "paid": str(paid), "files": files}))
"""

# Every event the reader yields, every field (member data included, which repr would mask),
# hashed: the two builds must agree on all of it.
_DIGEST = """
import hashlib, sys
import attrs
from edi837.remit835 import read_remittances
digest = hashlib.sha256()
for event in read_remittances(sys.argv[1]):
    digest.update(repr(attrs.astuple(event)).encode())
print(digest.hexdigest())
"""

# One layer alone over a file, for valgrind to count: each includes the layers before it.
_LAYER = """
import sys
from pathlib import Path
from edi837.issues import IssueList
from edi837.remit835 import read_remittances
from edi837.x12.envelope import walk_envelopes
from edi837.x12.tokenizer import SegmentReader
from edi837.x12.transactions import REMITTANCE_835, TransactionStream
layer, path, sink = sys.argv[1], Path(sys.argv[2]), IssueList()
if layer == "split":
    for segment in path.read_text(encoding="ascii").split("~"):
        segment.split("*")
elif layer == "tokenizer":
    for _ in SegmentReader(path):
        pass
elif layer == "envelopes":
    for _ in walk_envelopes(SegmentReader(path, sink=sink), sink):
        pass
elif layer == "stream":
    for _ in TransactionStream(SegmentReader(path, sink=sink), sink, kinds=(REMITTANCE_835,),
                               gather=("2100",)):
        pass
else:
    for _ in read_remittances(path):
        pass
"""
LAYERS = ("split", "tokenizer", "envelopes", "stream", "reader")
INSTRUCTION_CLAIMS = (4_000, 8_000)  # counted is the difference: imports and start-up cancel

# The reader's tests, and the syntax layer's it stands on, run against the compiled copy.
READER_TESTS = (
    "tests/test_remit835_*.py",
    "tests/test_remit_render_claims.py",
    "tests/test_remittance_adjustment_text.py",
    "tests/test_x12_*.py",
    "tests/test_fuzz_x12.py",
    "tests/test_phi_x12.py",
)


def missing_toolchain() -> str | None:
    """Why the compiled build cannot be made here, or None when it can."""
    for module in ("mypyc", "setuptools"):
        if importlib.util.find_spec(module) is None:
            return f"{module} is not installed (it comes with the dev extras)"
    compiler = (sysconfig.get_config_var("CC") or "cc").split()[0]
    if shutil.which(compiler) is None:
        return f"no C compiler ({compiler}) on the path"
    if not (Path(sysconfig.get_paths()["include"]) / "Python.h").is_file():
        return "the Python headers (Python.h) are not installed"
    return None


def prepare(copy: Path) -> None:
    """A scratch copy of the repository in ``copy`` with :data:`PATCHES` applied."""
    skip = shutil.ignore_patterns(".git", ".venv", "build", "__pycache__", "*.so", ".*_cache")
    shutil.copytree(REPO, copy, ignore=skip)  # the tests read docs/ and fixtures/ too
    apply_patches(copy)


def apply_patches(copy: Path) -> None:
    """:data:`PATCHES`, each exactly once, to the sources under ``copy``."""
    for name, old, new in PATCHES:
        target = copy / name
        text = target.read_text(encoding="utf-8")
        if text.count(old) != 1:
            raise RuntimeError(f"the mypyc patch for {name} no longer applies: {old!r}")
        target.write_text(text.replace(old, new), encoding="utf-8")


def build(copy: Path) -> float:
    """Compile :data:`HOT_MODULES` in place in ``copy``; the seconds it took."""
    started = time.perf_counter()
    env = {**os.environ, "HOT_MODULES": " ".join(HOT_MODULES)}
    done = subprocess.run(
        [sys.executable, "-c", _SETUP, "build_ext", "--inplace"],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"the mypyc build failed:\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
    suffix = sysconfig.get_config_var("EXT_SUFFIX")
    missing = [m for m in HOT_MODULES if not (copy / m).with_suffix(suffix).is_file()]
    if missing:
        raise RuntimeError(f"mypyc built no extension for {missing}")
    return time.perf_counter() - started


def _python(*args: str, path: Path) -> str:
    """Run this interpreter with ``path`` first on the import path (then the repository, for
    the bench package); its standard output."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join((str(path), str(REPO)))}
    done = subprocess.run(
        [sys.executable, *args], cwd=path, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"{args[:2]} failed:\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
    return done.stdout


def reader_tests(copy: Path) -> str:
    """The pytest summary line of :data:`READER_TESTS` run against the compiled copy."""
    files = sorted({str(p.relative_to(copy)) for g in READER_TESTS for p in copy.glob(g)})
    out = _python("-m", "pytest", "-q", "-p", "no:cacheprovider", *files, path=copy)
    return out.strip().splitlines()[-1]


def rounds(big: Path, copy: Path) -> dict[str, dict[str, float]]:
    """Best of :data:`ROUNDS` for each build, the builds alternating within every round."""
    best: dict[str, dict[str, float]] = {"python": {}, "compiled": {}}
    for _ in range(ROUNDS):
        for build_name, path in (("python", REPO), ("compiled", copy)):
            figures = json.loads(_python("-c", _CHILD, str(big), path=path))
            compiled = all(
                f.endswith(sysconfig.get_config_var("EXT_SUFFIX")) for f in figures["files"]
            )
            if compiled != (build_name == "compiled"):
                raise RuntimeError(f"the {build_name} round imported {figures['files']}")
            for key in ("split", "tokenizer", "stream", "reader"):
                best[build_name][key] = min(best[build_name].get(key, float("inf")), figures[key])
            best[build_name]["claims"] = figures["claims"]
    return best


def instructions(work: Path, copy: Path) -> dict[str, object]:
    """Instructions (valgrind's callgrind) per layer to read 4,000 claims, for both builds: the
    figure the machine's load does not move. Empty without valgrind."""
    if shutil.which("valgrind") is None:
        return {"instructions": "not counted: valgrind is not installed"}
    files = []
    for claims in INSTRUCTION_CLAIMS:
        files.append(work / f"remit-{claims}.835")
        bench_remit.generate(files[-1], claims)
    counted: dict[str, dict[str, int]] = {"python": {}, "compiled": {}}
    for name, path in (("python", REPO), ("compiled", copy)):
        for layer in LAYERS:
            small, big = (_collected(path, layer, file) for file in files)
            counted[name][layer] = big - small
    split = counted["python"]["split"]
    figures: dict[str, object] = {"instructions_split_4000_claims": split}
    for name, layers in counted.items():
        for layer in LAYERS[1:]:
            figures[f"instructions_{name}_{layer}_4000_claims"] = layers[layer]
            figures[f"instructions_{name}_{layer}_x_split"] = round(layers[layer] / split, 2)
    return figures


_VALGRIND = ("valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null")


def _collected(path: Path, layer: str, file: Path) -> int:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join((str(path), str(REPO)))}
    done = subprocess.run(
        [*_VALGRIND, sys.executable, "-c", _LAYER, layer, str(file)],
        cwd=path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    found = re.search(r"Collected : (\d+)", done.stderr)
    if found is None:
        raise RuntimeError(f"valgrind counted nothing:\n{done.stderr[-2000:]}")
    return int(found.group(1))


def run(work: Path) -> dict[str, object]:
    reason = missing_toolchain()
    if reason is not None:
        return {"skipped": f"no compiled build: {reason}"}
    copy = work / "compiled"
    prepare(copy)
    if (REPO.parent / "shared").is_dir():  # the corpus tests read ../shared beside the copy
        (work / "shared").symlink_to(REPO.parent / "shared")
    build_seconds = build(copy)
    tests = reader_tests(copy)
    big = work / "remit-100k.835"
    bench_remit.generate(big, bench_remit.CLAIMS)
    digests = {
        name: _python("-c", _DIGEST, str(big), path=p).strip()
        for name, p in (("python", REPO), ("compiled", copy))
    }
    best = rounds(big, copy)
    split = min(best["python"]["split"], best["compiled"]["split"])
    python, compiled = best["python"], best["compiled"]
    figures: dict[str, object] = {
        "claims": python["claims"],
        "compiled_modules": len(HOT_MODULES),
        "mypyc_patches": len(PATCHES),
        "build_seconds": round(build_seconds, 1),
        "reader_tests_against_compiled": tests,
        "events_identical": digests["python"] == digests["compiled"],
        "split_seconds": round(split, 3),
    }
    for name, layers in (("python", python), ("compiled", compiled)):
        for layer in ("tokenizer", "stream", "reader"):
            figures[f"{name}_{layer}_seconds"] = round(layers[layer], 3)
            figures[f"{name}_{layer}_x_split"] = round(layers[layer] / split, 2)
    figures["reader_speedup_compiled_over_python"] = round(python["reader"] / compiled["reader"], 2)
    figures["target_python_reader_within_5x_of_split"] = bench_remit.verdict(
        python["reader"] / split, TARGET_RATIO
    )
    figures["target_compiled_reader_within_5x_of_split"] = bench_remit.verdict(
        compiled["reader"] / split, TARGET_RATIO
    )
    figures.update(instructions(work, copy))
    return figures
