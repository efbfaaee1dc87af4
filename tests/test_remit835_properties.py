"""Whatever the bytes, the 835 reader raises X12ParseError or reads them; nothing else escapes.

Extends the tokenizer's properties (tests/test_x12_tokenizer.py) to the whole 835 path: envelope
walk, loop walker, decoder, balances, and the four renderers, on arbitrary bytes and on real
835 text (our fixtures, and the corpus when present) mutated the ways files get damaged.
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from edi837.cli import main
from edi837.errors import X12ParseError
from edi837.remit835 import read_remittances
from edi837.render.remit import FORMATS, render

from .conftest import FIXTURES, corpus_files

SAMPLES = sorted((FIXTURES / "835").glob("*.835")) + corpus_files("835")
TEXTS = [p.read_bytes() for p in SAMPLES]
X12ISH = st.sampled_from(list("*~:^>|\n\r 0123456789.-ABCDEGHILMNOPQRSTUVXYZ\x00\ufffd"))


def read_everything(data: bytes) -> None:
    """Read every event, or raise X12ParseError; anything else fails the property."""
    with contextlib.suppress(X12ParseError):
        for _ in read_remittances(data):
            pass


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    """A real 835 with a few of the damages files suffer: cuts, insertions, dropped, doubled
    or swapped segments, a changed character."""
    data = bytearray(draw(st.sampled_from(TEXTS)))
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["cut", "insert", "drop", "double", "swap", "flip"]))
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if kind == "cut":
            del data[at : at + draw(st.integers(1, 40))]
        elif kind == "insert":
            data[at:at] = draw(st.text(X12ISH, min_size=1, max_size=12)).encode("utf-8")
        elif kind == "flip" and data:
            data[at] = draw(st.integers(0, 255))
        else:
            segments = bytes(data).split(b"~")
            i = draw(st.integers(0, len(segments) - 1))
            j = draw(st.integers(0, len(segments) - 1))
            if kind == "drop":
                del segments[i]
            elif kind == "double":
                segments.insert(i, segments[i])
            else:
                segments[i], segments[j] = segments[j], segments[i]
            data = bytearray(b"~".join(segments))
    return bytes(data)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=800))
def test_arbitrary_bytes_raise_only_the_parse_error(data: bytes) -> None:
    read_everything(data)


@settings(max_examples=200, deadline=None)
@given(st.text(X12ISH, max_size=400))
def test_x12ish_text_after_a_real_isa_raises_only_the_parse_error(text: str) -> None:
    isa = TEXTS[0][: TEXTS[0].index(b"~") + 1]
    read_everything(isa + text.encode("utf-8"))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutated_real_835s_raise_only_the_parse_error(data: bytes) -> None:
    read_everything(data)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated(), st.sampled_from(FORMATS))
def test_mutated_real_835s_render_or_raise_only_the_parse_error(data: bytes, fmt: str) -> None:
    with contextlib.suppress(X12ParseError):
        render(read_remittances(data), fmt, io.BytesIO())


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("mutated")


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(mutated(), st.sampled_from(FORMATS))
def test_the_cli_never_shows_a_traceback(
    scratch: Path, capsys: pytest.CaptureFixture[str], data: bytes, fmt: str
) -> None:
    source = scratch / "input.835"
    source.write_bytes(data)
    code = main(["remit", str(source), "--format", fmt, "--out", str(scratch / "out")])
    err = capsys.readouterr().err
    assert code in (0, 2), err
    assert "internal error" not in err and "Traceback" not in err
