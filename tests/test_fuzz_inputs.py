"""Fuzz the readers of what people give edi837: the records (CSV, JSON, xlsx), the profile and
the TAR list, each mutated from a good file and generated from scratch. Whatever the input,
the only exception that may escape is :class:`EdiError` (a one-line refusal, exit 2), and
nothing may hang. Records go on through pricing and every rule, and some through a build, so a
value a reader lets through cannot crash what comes after it (``1E+999999`` once passed
``check`` and crashed ``build``).

Seeded (``derandomize``) and bounded, so ``make test`` stays fast and repeatable; set
``EDI837_FUZZ_EXAMPLES`` to run a longer campaign (e.g. 5000).
"""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import tempfile
import tomllib
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import date
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from edi837.errors import EdiError
from edi837.ingest.profile import load_profile, parse_profile
from edi837.ingest.records import read_records
from edi837.ingest.tars import read_tars
from edi837.issues import Report
from edi837.model.records import DateFormat
from edi837.rules.history import NoHistory
from edi837.services.prepare import prepare

from .conftest import FIXTURES
from .helpers import build_file
from .xlsx import workbook

EXAMPLES = int(os.environ.get("EDI837_FUZZ_EXAMPLES", "0")) or None
SECONDS = 5  # one input, read, priced and checked: far more than any real month takes
PROFILE = load_profile(FIXTURES / "profile.toml")
RECORDS = (FIXTURES / "records.csv").read_text(encoding="utf-8")
TARS = (FIXTURES / "tars.csv").read_text(encoding="utf-8")
PROFILE_TEXT = (FIXTURES / "profile.toml").read_text(encoding="utf-8")
HEADER = RECORDS.splitlines()[0].split(",")


def fuzz(examples: int) -> Callable[[Any], Any]:
    return settings(
        max_examples=EXAMPLES or examples,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


@contextmanager
def time_limit(seconds: float = SECONDS) -> Iterator[None]:
    """A hang is a failure: SIGALRM interrupts the reader after ``seconds``."""

    def expired(signum: int, frame: object) -> None:
        raise TimeoutError(f"an input took more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def survives(call: Callable[[], object]) -> None:
    """``call`` returns, or refuses with EdiError; anything else fails the test."""
    with time_limit(), suppress(EdiError):
        call()


# -- mutations of a good file ----------------------------------------------------------------------

# what breaks CSV, numbers and dates: quotes, separators, line ends, signs, exponents, NUL, BOM
SPECIAL = '",;\t\n\r$.,-+/ eE0123456789GUZ#\x00\ufeff\x1b'
insertion = st.one_of(
    st.text(alphabet=SPECIAL, max_size=12),
    st.sampled_from(
        ['"', "1E+999999", "9" * 81, "400,00", "4,0,0", "11/2/2026", "13/13/2026", "NaN", "{}"]
    ),
    st.text(max_size=8),
)
edits = st.lists(st.tuples(st.integers(0, 1 << 16), st.integers(0, 30), insertion), max_size=8)


def mutate(text: str, changes: list[tuple[int, int, str]]) -> str:
    for position, cut, insert in changes:
        at = position % (len(text) + 1)
        text = text[:at] + insert + text[at + cut :]
    return text


# cell by cell: any cell of the sample replaced by a hostile value, joined raw (so a quote or a
# comma in it breaks the row, as a careless export would) or quoted as a CSV writer would
cell_edits = st.lists(
    st.tuples(st.integers(1, 14), st.integers(0, 26), insertion), min_size=1, max_size=6
)


def replace_cells(text: str, changes: list[tuple[int, int, str]], *, quoted: bool) -> str:
    rows = [line.split(",") for line in text.splitlines()]
    for row, column, value in changes:
        rows[row % len(rows)][column % len(rows[0])] = value
    if not quoted:
        return "\n".join(",".join(r) for r in rows) + "\n"
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue()


def check_records(path: Path, date_format: DateFormat = DateFormat.ISO) -> None:
    """Read, price and run every rule, as ``edi837 check`` does."""
    profile = PROFILE
    if date_format is not DateFormat.ISO:
        import attrs

        profile = attrs.evolve(
            PROFILE, records=attrs.evolve(PROFILE.records, date_format=date_format)
        )
    survives(
        lambda: prepare(path, profile, as_of=date(2026, 2, 2), history=NoHistory(), report=Report())
    )


@contextmanager
def written(name: str, content: str | bytes) -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        if isinstance(content, str):
            path.write_text(content, encoding="utf-8", newline="")
        else:
            path.write_bytes(content)
        yield path


@fuzz(200)
@given(changes=edits, date_format=st.sampled_from(DateFormat))
def test_mutated_csv_records_never_crash_check(
    changes: list[tuple[int, int, str]], date_format: DateFormat
) -> None:
    with written("records.csv", mutate(RECORDS, changes)) as path:
        check_records(path, date_format)


@fuzz(300)
@given(changes=cell_edits, quoted=st.booleans(), date_format=st.sampled_from(DateFormat))
def test_hostile_cells_never_crash_check(
    changes: list[tuple[int, int, str]], quoted: bool, date_format: DateFormat
) -> None:
    with written("records.csv", replace_cells(RECORDS, changes, quoted=quoted)) as path:
        check_records(path, date_format)


@fuzz(60)
@given(changes=cell_edits)
def test_hostile_cells_never_crash_build(changes: list[tuple[int, int, str]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        records = Path(folder) / "records.csv"
        records.write_text(replace_cells(RECORDS, changes, quoted=True), encoding="utf-8")
        survives(
            lambda: build_file(
                records,
                Path(folder) / "out.837",
                Path(folder) / "ledger.sqlite",
                tars=FIXTURES / "tars.csv",
            )
        )


@fuzz(150)
@given(raw=st.binary(max_size=400), at=st.integers(0, len(RECORDS)))
def test_arbitrary_bytes_in_records_never_crash(raw: bytes, at: int) -> None:
    encoded = RECORDS.encode()
    with written("records.csv", encoded[:at] + raw + encoded[at:]) as path:
        check_records(path)
    with written("junk.csv", raw) as path:
        check_records(path)


# -- JSON --------------------------------------------------------------------------------------

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(max_size=20)
    | st.sampled_from(["1E+999999", "400,00", "2026-01-05", "11/2/2026", "G9008", "U8 GQ"]),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
SAMPLE_JSON = json.dumps(
    [
        dict(zip(RECORDS.splitlines()[0].split(","), line.split(","), strict=True))
        for line in RECORDS.splitlines()[1:]
    ]
)


@fuzz(80)
@given(
    records=st.lists(
        st.dictionaries(st.sampled_from([*HEADER, "DOS", "x"]), json_values),
        max_size=5,
    )
)
def test_generated_json_records_never_crash(records: list[dict[str, Any]]) -> None:
    with written("records.json", json.dumps(records)) as path:
        check_records(path)


@fuzz(150)
@given(changes=edits)
def test_mutated_json_records_never_crash(changes: list[tuple[int, int, str]]) -> None:
    with written("records.json", mutate(SAMPLE_JSON, changes)) as path:
        check_records(path)


def test_json_nested_deeper_than_python_recurses_is_refused() -> None:
    with written("deep.json", "[" * 200_000 + "]" * 200_000) as path:
        survives(lambda: read_records(path, Report()))


# -- xlsx --------------------------------------------------------------------------------------

cells = st.one_of(
    st.none(),
    st.text(max_size=12),
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(min_value=date(1900, 3, 1), max_value=date(9999, 12, 31)),
)


@fuzz(100)
@given(rows=st.lists(st.lists(cells, max_size=len(HEADER) + 2), max_size=6), header=st.booleans())
def test_generated_workbooks_never_crash(rows: list[list[Any]], header: bool) -> None:
    sheet = [HEADER, *rows] if header else rows
    with written("records.xlsx", workbook(sheet)) as path:
        check_records(path)


GOOD_BOOK = workbook([HEADER, *(line.split(",") for line in RECORDS.splitlines()[1:])])


@fuzz(100)
@given(at=st.integers(0, len(GOOD_BOOK) - 1), raw=st.binary(min_size=1, max_size=16))
def test_damaged_workbooks_never_crash(at: int, raw: bytes) -> None:
    with written("records.xlsx", GOOD_BOOK[:at] + raw + GOOD_BOOK[at + len(raw) :]) as path:
        check_records(path)


# -- the profile -------------------------------------------------------------------------------


@fuzz(200)
@given(changes=edits)
def test_mutated_profiles_never_crash(changes: list[tuple[int, int, str]]) -> None:
    with written("profile.toml", mutate(PROFILE_TEXT, changes)) as path:
        survives(lambda: load_profile(path))


toml_values = st.recursive(
    st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=20)
    | st.dates()
    | st.sampled_from(["REPLACE", "P", "1234567893", "1E+999999", "round-up"]),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=10,
)


@fuzz(200)
@given(
    replace=st.dictionaries(
        st.sampled_from([*tomllib.loads(PROFILE_TEXT), "records", "polices", "usage"]),
        st.dictionaries(
            st.sampled_from(
                ["name", "id", "npi", "usage", "zip", "rate", "S5170-U6", "date_format", "x"]
            ),
            toml_values,
            max_size=4,
        )
        | toml_values,
        max_size=4,
    )
)
def test_generated_profile_values_never_crash(replace: dict[str, Any]) -> None:
    data = tomllib.loads(PROFILE_TEXT) | replace
    survives(lambda: parse_profile(data, "fuzzed"))


# -- the TAR list ------------------------------------------------------------------------------


@fuzz(200)
@given(changes=edits, date_format=st.sampled_from(DateFormat))
def test_mutated_tar_lists_never_crash(
    changes: list[tuple[int, int, str]], date_format: DateFormat
) -> None:
    with written("tars.csv", mutate(TARS, changes)) as path:
        survives(lambda: read_tars(path, Report(), date_format=date_format))
