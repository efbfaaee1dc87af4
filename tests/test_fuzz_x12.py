"""Fuzz the X12 readers: the tokenizer, the 835 reader with every renderer of ``edi837 remit``
and a reconcile into a ledger that sent the claims, the acknowledgment readers (TA1, 999,
277CA) recorded into that ledger as ``edi837 ack`` does with every renderer, and the 837P reader.

Inputs are the fixtures (fixtures/835, fixtures/ack, the demo's answers, the 837P goldens) damaged segment by segment (a segment
repeated hundreds of times, dropped, two merged, an element replaced by a hostile value: 5,000
digits, a Unicode digit, an escape sequence, member data, a delimiter) and then character by
character. Whatever the input, only :class:`EdiError` may escape (a one-line refusal, exit 2),
nothing may take longer than :data:`SECONDS`, and the 835 pipeline's peak memory stays within a
bound of the input's size.

Seeded (``derandomize``) and bounded, so ``make test`` stays fast and repeatable;
``make fuzz`` runs the longer campaign (``EDI837_FUZZ_EXAMPLES``, as for the records' fuzzing in
test_fuzz_inputs.py), whose figures are in docs/benchmarks.md.
"""

from __future__ import annotations

import io
import shutil
import tempfile
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import date
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from edi837.claim837.reader import read_claim_file
from edi837.errors import EdiError
from edi837.ledger.store import Ledger
from edi837.remit835 import RemittanceReader
from edi837.render.acks import FORMATS as ACK_FORMATS
from edi837.render.acks import AckView, summary
from edi837.render.remit import FORMATS, render
from edi837.services.acks import AckRun, record_acks
from edi837.services.queue import queue
from edi837.services.reconcile import import_remittances
from edi837.x12.tokenizer import SegmentReader

from .conftest import FIXTURES
from .helpers import build_file
from .test_fuzz_inputs import fuzz, mutate, time_limit

SEEDS_835 = [*sorted((FIXTURES / "835").glob("**/*.835")), FIXTURES / "demo" / "remit.835"]
SEEDS_837 = [FIXTURES / "golden" / name for name in ("demo.837", "all-codes.837")]
SEEDS_ACK = sorted((FIXTURES / "ack").iterdir()) + sorted((FIXTURES / "demo").glob("claims.*"))
TEXTS = {
    f"{path.parent.name}/{path.name}": path.read_text(encoding="utf-8")
    for path in SEEDS_835 + SEEDS_837 + SEEDS_ACK
}
# How long an input may take: what the quadratic code took minutes for, linear code does in a
# second or two even on a loaded machine (the typical input takes milliseconds; one of 27,000
# repeated segments, read and written four times, up to 3.5 s with the test suite running).
SECONDS = 20
BYTES_PER_SECOND = 256 << 10  # and this much longer per byte
MEMORY_FLOOR = 24 << 20  # bytes any input may take (caches, one claim, the renderers' state)
MEMORY_PER_BYTE = 64  # and this much per byte of input on top

NUMBERS = [
    "9" * 5000,  # more digits than int() converts from text
    "²",  # a digit to str.isdigit, not to int()
    "1E+999999",
    "99999999999999999999",
    "00000000000000000000000000001",
    "-0",
    "-400.00",
    ".5",
    "20260231",
]
WORDS = ["DOE", "90000001A", "\x1b]0;x\x07", "=1+1", "X" * 9000, ""]
DELIMITERS = ["~", "*", ":", "^", "\x00", "\r\n"]
SEGMENTS = [
    "ISA",
    "IEA*1*000000101",
    "SE*1*0001",
    "GE*1*1",
    "ST*835*0002",
    "ST*837*0002*005010X222A1",
    "GS*HP*A*B*20260301*0900*1*X*005010X221A1",
    "LX*2",
    "TS3*1234567893*11*20261231*1*400",
    "TS2*400*400",
    "CLP*X*4*1*0**MC*Y*11*1",
    "SVC*HC:G9008*1*1**1",
    "CAS*CO*45*1",
    "PLB*1234567893*20261231*WO:1*-1",
    "HL*9*1*22*0",
    "CLM*N9*1***11:B:1*Y*A*Y*Y",
    "SV1*HC:G9008*1*UN*1***1:2:3:4:5",
]
some_text = st.text(alphabet="0123456789.-*:~^ABCDEFGHIJKLMNOPQRSTUVWXYZ \r\n", max_size=12)
hostile = st.one_of(
    st.sampled_from(NUMBERS),
    st.sampled_from(WORDS),
    st.sampled_from(DELIMITERS),
    st.sampled_from(SEGMENTS),
    some_text,
    st.text(max_size=6),
)

# Where an edit lands: any segment, or (as often) the first segment of an ID that matters, so
# that a hostile value reaches a count, an amount or a loop trigger often enough to be found.
IDS = ["ISA", "GS", "ST", "BPR", "TRN", "N1", "LX", "TS3", "CLP", "NM1", "CAS", "SVC", "DTM"]
IDS += ["REF", "AMT", "PLB", "SE", "GE", "IEA", "HL", "DMG", "CLM", "HI", "SV1", "DTP", "LQ"]
where = st.one_of(st.integers(0, 1 << 16), st.sampled_from(IDS))
# (what, where, how many segments or which element, how many times, a value)
segment_edits = st.lists(
    st.tuples(
        st.sampled_from(["repeat", "drop", "element", "merge", "insert"]),
        where,
        st.one_of(st.integers(0, 3), st.integers(0, 8)),
        st.one_of(st.integers(0, 8), st.integers(0, 3000)),
        hostile,
    ),
    max_size=5,
)
char_edits = st.lists(st.tuples(st.integers(0, 1 << 20), st.integers(0, 8), hostile), max_size=3)
Edits = list[tuple[str, int | str, int, int, str]]


def _index(parts: list[str], at: int | str) -> int:
    if isinstance(at, int):
        return at % len(parts)
    for i, part in enumerate(parts):
        if part.lstrip().startswith(at + "*"):
            return i
    return len(parts) // 2


def damage(text: str, segments: Edits, chars: list[tuple[int, int, str]]) -> bytes:
    """``text`` with the segment edits, then the character edits, applied."""
    parts = text.split("~")
    for what, at, span, times, value in segments:
        i = _index(parts, at)
        if what == "repeat":  # a run of segments (a claim and its lines, say), again and again
            run = parts[i : i + span + 1]
            parts[i:i] = run * times
        elif what == "drop":
            del parts[i : i + span + 1]
            parts = parts or [""]  # an empty file is an input too
        elif what == "element":
            elements = parts[i].split("*")
            elements.extend([""] * (span + 1 - len(elements)))
            elements[span] = value
            parts[i] = "*".join(elements)
        elif what == "merge" and i + 1 < len(parts):
            parts[i : i + 2] = [parts[i] + value + parts[i + 1]]
        elif what == "insert":
            parts[i:i] = [value] * min(times + 1, 3000)
    return mutate("~".join(parts), chars).encode("utf-8", errors="surrogatepass")


def survives(call: Callable[[bytes], object], data: bytes) -> None:
    """``call(data)`` returns, or refuses with EdiError, in a time linear in the input's size;
    anything else fails the test (a hang is a TimeoutError)."""
    with time_limit(SECONDS + len(data) / BYTES_PER_SECOND), suppress(EdiError):
        call(data)


def remit_everything(data: bytes) -> None:
    """What ``edi837 remit`` does, in every format."""
    for fmt in FORMATS:
        render(RemittanceReader(data, name="fuzzed.835"), fmt, io.BytesIO())


@pytest.fixture(scope="module")
def sent_ledger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A ledger that sent the claims fixtures/835/reconcile answers."""
    folder = tmp_path_factory.mktemp("sent")
    path = folder / "ledger.sqlite"
    build_file(FIXTURES / "records.csv", folder / "demo.837", path, tars=FIXTURES / "tars.csv")
    return path


@contextmanager
def a_copy_of(ledger: Path) -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "ledger.sqlite"
        shutil.copyfile(ledger, copy)
        yield copy


def acknowledge(data: bytes, ledger: Path) -> None:
    """What ``edi837 ack`` does: record the answers, then show them in every format."""

    def show(run: AckRun) -> None:
        view = AckView(run)
        for write in ACK_FORMATS.values():
            write(io.StringIO(), view, "2026-03-05")
        list(summary(view))

    with a_copy_of(ledger) as copy, tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzzed.999"
        path.write_bytes(data)
        with Ledger(copy, create=False) as book:
            record_acks(book, [path], imported_at=date(2026, 2, 4), show=show)


def reconcile(data: bytes, ledger: Path) -> None:
    """What ``edi837 reconcile`` does: record the file, then list every claim's state."""
    with a_copy_of(ledger) as copy, tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzzed.835"
        path.write_bytes(data)
        with Ledger(copy, create=False) as book:
            import_remittances(book, [path], imported_at=date(2026, 3, 5))
            list(queue(book, as_of=date(2026, 3, 5)))


# -- the tokenizer -------------------------------------------------------------------------------


@fuzz(150)
@given(seed=st.sampled_from(sorted(TEXTS)), segments=segment_edits, chars=char_edits)
def test_damaged_x12_never_crashes_the_tokenizer(
    seed: str, segments: Edits, chars: list[tuple[int, int, str]]
) -> None:
    data = damage(TEXTS[seed], segments, chars)
    survives(lambda data: sum(1 for _ in SegmentReader(data)), data)


# -- the 835 -------------------------------------------------------------------------------------

SEEDS = sorted(f"{path.parent.name}/{path.name}" for path in SEEDS_835)


@fuzz(120)
@given(seed=st.sampled_from(SEEDS), segments=segment_edits, chars=char_edits)
def test_damaged_835s_never_crash_remit_in_any_format(
    seed: str, segments: Edits, chars: list[tuple[int, int, str]]
) -> None:
    data = damage(TEXTS[seed], segments, chars)
    survives(remit_everything, data)


@fuzz(40)
@given(
    seed=st.sampled_from(
        [
            "reconcile/reconcile-a.835",
            "reconcile/reconcile-b.835",
            "835/reversal.835",
            "demo/remit.835",
        ]
    ),
    segments=segment_edits,
    chars=char_edits,
)
def test_damaged_835s_never_crash_reconcile(
    sent_ledger: Path,
    seed: str,
    segments: Edits,
    chars: list[tuple[int, int, str]],
) -> None:
    data = damage(TEXTS[seed], segments, chars)
    survives(lambda data: reconcile(data, sent_ledger), data)


@pytest.fixture(scope="module")
def warm() -> None:
    """What is loaded once and kept (code lists, the renderers' modules) is no input's cost."""
    for seed in SEEDS:
        remit_everything(TEXTS[seed].encode())


@fuzz(30)
@given(seed=st.sampled_from(SEEDS), segments=segment_edits, chars=char_edits)
def test_the_835_pipeline_takes_memory_bounded_by_the_input(
    warm: None, seed: str, segments: Edits, chars: list[tuple[int, int, str]]
) -> None:
    data = damage(TEXTS[seed], segments, chars)
    assume(len(data) <= 256 << 10)  # tracemalloc is slow; how long larger inputs take is above
    tracemalloc.start()
    try:
        with suppress(EdiError):
            remit_everything(data)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak <= MEMORY_FLOOR + MEMORY_PER_BYTE * len(data), f"{peak:,} bytes for {len(data):,}"


# -- the acknowledgments ---------------------------------------------------------------------------


@fuzz(80)
@given(
    seed=st.sampled_from(sorted(f"{p.parent.name}/{p.name}" for p in SEEDS_ACK)),
    segments=segment_edits,
    chars=char_edits,
)
def test_damaged_acknowledgments_never_crash_ack(
    sent_ledger: Path,
    seed: str,
    segments: Edits,
    chars: list[tuple[int, int, str]],
) -> None:
    data = damage(TEXTS[seed], segments, chars)
    survives(lambda data: acknowledge(data, sent_ledger), data)


# -- the 837P ------------------------------------------------------------------------------------


@fuzz(100)
@given(
    seed=st.sampled_from([f"golden/{path.name}" for path in SEEDS_837]),
    segments=segment_edits,
    chars=char_edits,
)
def test_damaged_837ps_never_crash_the_reader(
    seed: str, segments: Edits, chars: list[tuple[int, int, str]]
) -> None:
    data = damage(TEXTS[seed], segments, chars)
    survives(lambda data: read_claim_file(data, name="fuzzed.837"), data)
