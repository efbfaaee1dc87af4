from __future__ import annotations

import codecs
import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from edi837.errors import X12ParseError
from edi837.x12.tokenizer import SegmentReader, read_segments

ISA = "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *250115*1200*^*00501*000000101*0*T*:~"
BODY = "GS*HC*S*R*20250115*1200*101*X*005010X222A1~ST*837*0001~SE*2*0001~GE*1*101~IEA*1*000000101~"


def ids(segments: list[list[str]]) -> list[str]:
    return [s[0] for s in segments]


def test_reads_delimiters_from_the_isa() -> None:
    reader = SegmentReader((ISA + BODY).encode())
    segments = list(reader)
    assert ids(segments) == ["ISA", "GS", "ST", "SE", "GE", "IEA"]
    assert reader.delimiters.element == "*"
    assert reader.delimiters.component == ":"
    assert reader.delimiters.repetition == "^"
    assert reader.delimiters.segment == "~"
    assert segments[0][16] == ":"
    assert reader.warnings == []


@pytest.mark.parametrize(
    "transform",
    [
        lambda t: t.replace("~", "~\n"),
        lambda t: t.replace("~", "~\r\n"),
        lambda t: "\n\n   " + t,
        lambda t: t.replace("~", "~\n    "),  # indented
    ],
)
def test_line_breaks_and_whitespace_are_not_data(transform) -> None:  # type: ignore[no-untyped-def]
    assert ids(read_segments(transform(ISA + BODY).encode())) == [
        "ISA",
        "GS",
        "ST",
        "SE",
        "GE",
        "IEA",
    ]


def test_newline_as_the_terminator() -> None:
    text = (ISA[:-1] + "\n" + BODY.replace("~", "\n")).encode()
    assert ids(read_segments(text)) == ["ISA", "GS", "ST", "SE", "GE", "IEA"]


def test_byte_order_mark_and_utf16() -> None:
    text = ISA + BODY
    assert len(read_segments(codecs.BOM_UTF8 + text.encode())) == 6
    assert len(read_segments(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))) == 6
    assert len(read_segments(text.encode("utf-16-le"))) == 6


def test_other_delimiters() -> None:
    isa = ISA.replace("*", "|").replace(":~", ">!")
    text = isa + BODY.replace("*", "|").replace("~", "!")
    reader = SegmentReader(text.encode())
    assert ids(list(reader)) == ["ISA", "GS", "ST", "SE", "GE", "IEA"]
    assert (reader.delimiters.element, reader.delimiters.component, reader.delimiters.segment) == (
        "|",
        ">",
        "!",
    )


def test_each_interchange_brings_its_own_delimiters() -> None:
    second = ISA.replace("*", "|").replace(":~", ">~") + BODY.replace("*", "|")
    segments = read_segments((ISA + BODY + second).encode())
    assert ids(segments) == ["ISA", "GS", "ST", "SE", "GE", "IEA"] * 2
    assert segments[7][1] == "HC"


def test_unpadded_isa_is_read_and_reported() -> None:
    text = "ISA*00**00**ZZ*S*ZZ*R*250115*1200*^*00501*000000101*0*T*:~" + BODY
    reader = SegmentReader(text.encode())
    assert len(list(reader)) == 6
    assert [w.rule_id for w in reader.warnings] == ["X12-ISA-WIDTH"]


def test_missing_final_terminator_is_a_warning() -> None:
    reader = SegmentReader((ISA + BODY.rstrip("~")).encode())
    assert len(list(reader)) == 6
    assert [w.rule_id for w in reader.warnings] == ["X12-TERMINATOR"]


def test_small_chunks_give_the_same_segments() -> None:
    data = (ISA + BODY).replace("~", "~\n").encode()
    assert read_segments(data) == list(SegmentReader(data, chunk_size=7))


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"", "empty"),
        (b"   \n", "empty"),
        (b"ST*835*0001~SE*2*0001~", "envelope is missing"),
        (b"hello world", "does not start with an ISA"),
        (b"ISA*00*", "incomplete"),
        ((ISA + "GS*\x00\x01\x02~").encode(), "binary"),
    ],
)
def test_unreadable_input_is_one_clear_error(data: bytes, fragment: str) -> None:
    with pytest.raises(X12ParseError) as caught:
        read_segments(data)
    assert fragment in str(caught.value)


def test_printable_junk_between_segments_is_skipped_with_a_warning() -> None:
    reader = SegmentReader((ISA + "GS*HC~resnCode>adj*5~ST*835*1~").encode())
    assert ids(list(reader)) == ["ISA", "GS", "ST"]
    assert [(w.rule_id, w.location.segment) for w in reader.warnings] == [("X12-SEGMENT-ID", 3)]


@settings(max_examples=400, deadline=None)
@given(st.binary(max_size=600))
def test_arbitrary_bytes_raise_only_the_parse_error(data: bytes) -> None:
    with contextlib.suppress(X12ParseError):
        read_segments(data)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("ISA*~:^\n\r 0123456789ABCGSTE|>"), max_size=400))
def test_arbitrary_x12ish_text_raises_only_the_parse_error(text: str) -> None:
    for prefix in ("", ISA):
        with contextlib.suppress(X12ParseError):
            read_segments((prefix + text).encode())


def test_nul_padding_after_the_last_segment_is_ignored() -> None:
    reader = SegmentReader((ISA + BODY).encode() + b"\x00" * 300)
    assert ids(list(reader)) == ["ISA", "GS", "ST", "SE", "GE", "IEA"]
    assert [w.rule_id for w in reader.warnings] == ["X12-PADDING"]
    with pytest.raises(X12ParseError, match="binary"):
        read_segments((ISA + "GS*HC\x00*X~" + BODY).encode())


def test_every_id_a_lane_can_hold_passes_the_id_check() -> None:
    """The lean path sends a lane's segments on before asking whether their ID was seen (and
    checked) before: the same only while every ID a lane can hold (a loop's staying segments,
    less the envelopes) is one the check accepts and never ISA."""
    from edi837.x12.envelope import ENVELOPE_IDS
    from edi837.x12.transactions import KINDS

    reader = SegmentReader(b"")
    for kind in KINDS:
        spec = kind.spec()
        for loop in (spec.root, *spec.loops):
            for seg_id in loop.segment_ids - ENVELOPE_IDS:
                assert seg_id != "ISA"
                assert reader._check_id(seg_id, seg_id), (kind.stem, loop.id, seg_id)
