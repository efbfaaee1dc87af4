"""Full TR3 validation through pyx12's Python API: the one module that talks to pyx12.

Quirks of pyx12 4.0.0 handled here, and only here:
- its console script ``x12valid`` exits 1 even for a valid file, so we call
  ``x12n_document`` and read its JSON error document instead;
- it reports problems through the ``pyx12`` logger as it goes; we silence that logger for the
  call (the JSON document has everything) so nothing leaks to the user's terminal;
- it can raise instead of reporting (e.g. it fails to build a 999 for an 835: "Cannot create
  AK2"); any exception becomes one failed-validation issue, never a traceback;
- it does not say which loop a problem is in; we place each reported segment with our own loop
  walker, so every problem carries its loop as well as its position;
- its messages quote element values, member data included: we hide those where the element
  holds member data (edi837.conformance.member_data), as edi837 masks it everywhere.
"""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import attrs

from edi837 import catalogue, phi, progress
from edi837.catalogue import Family
from edi837.codes import descriptions
from edi837.conformance.member_data import holds_member_data
from edi837.errors import X12ParseError
from edi837.issues import Code, Issue, IssueList, Location, Severity
from edi837.x12.tokenizer import SegmentReader
from edi837.x12.transactions import Placed, TransactionStream

# how the transaction is named in the IDs: IG-837P-SEG8, IG-835-ELE7 (else by its set ID)
TXN_NAMES = {"837": "837P", "835": "835", "999": "999", "277": "277"}


@attrs.frozen
class Validation:
    ok: bool
    issues: tuple[Issue, ...]
    transactions: tuple[tuple[str, str, str], ...] = ()  # (set id, control number, ack code)
    ack: str | None = None  # the 999 pyx12 would return


@contextmanager
def _quiet_pyx12() -> Iterator[None]:
    logger = logging.getLogger("pyx12")
    saved = (logger.level, logger.propagate, list(logger.handlers))
    logger.handlers = [logging.NullHandler()]
    logger.propagate = False
    try:
        yield
    finally:
        logger.setLevel(saved[0])
        logger.propagate = saved[1]
        logger.handlers = saved[2]


def validate_file(path: Path, *, want_ack: bool = False, name: str | None = None) -> Validation:
    """Validate ``path`` against its TR3 with pyx12. Never raises for a bad file. ``name`` is
    what the findings call the file when it is not its path (``<stdin>``)."""
    import pyx12.params
    import pyx12.x12n_document

    name = name if name is not None else str(path)
    errors_json = io.StringIO()
    ack = io.StringIO() if want_ack else None
    try:
        # opened here, as pyx12 would (ASCII), so the progress display can watch it being read
        with (
            open(path, encoding="ascii") as source,
            progress.reading(source, "validating", size=path.stat().st_size) as watched,
            _quiet_pyx12(),
        ):
            ok = pyx12.x12n_document.x12n_document(
                param=pyx12.params.params(),
                src_file=watched,
                fd_997=ack,
                fd_html=None,
                fd_xmldoc=None,
                fd_json=errors_json,
            )
    except Exception as exc:  # pyx12 raising is a failed validation, not a crash
        return Validation(
            False,
            (
                Issue.of(
                    catalogue.VALIDATOR,
                    f"pyx12 could not validate the file: {type(exc).__name__}: {exc}",
                    Location(file=name),
                ),
            ),
        )
    text = errors_json.getvalue()
    if not text:
        return Validation(
            False,
            (
                Issue.of(
                    catalogue.VALIDATOR,
                    "pyx12 does not recognise this as an X12 file",
                    Location(file=name),
                ),
            ),
        )
    raws, transactions = _issues(json.loads(text), name)
    issues = _placed(path, raws) if raws else []
    ack_text = ack.getvalue() if ack is not None else None
    if ack_text is not None and not _complete_interchange(ack_text):
        # pyx12 stops part-way through some 999s (for an 835: "Cannot create AK2") and leaves
        # what it had written; half an acknowledgment must not reach anyone.
        ack_text = None
    return Validation(
        bool(ok) and not any(i.severity is Severity.ERROR for i in issues),
        tuple(issues),
        tuple(transactions),
        ack_text,
    )


def _complete_interchange(text: str) -> bool:
    """Does this X12 text end with the IEA that closes its interchange?"""
    segments = [
        s.strip() for s in text.strip().split(text[105] if len(text) > 105 else "~") if s.strip()
    ]
    return bool(segments) and segments[0].startswith("ISA") and segments[-1].startswith("IEA")


@attrs.frozen(slots=True)
class _Raw:
    """One problem as pyx12's JSON reports it, before it is placed and masked."""

    code: Code
    message: str
    value: str  # the element value pyx12 quotes in the message ("" when none)
    location: Location


def _issues(doc: dict[str, Any], name: str) -> tuple[list[_Raw], list[tuple[str, str, str]]]:
    raws: list[_Raw] = []
    transactions: list[tuple[str, str, str]] = []

    def add(family: Family, rule: str, message: str, value: Any = "", **where: Any) -> None:
        raws.append(
            _Raw(family.member(rule), message, str(value or ""), Location(file=name, **where))
        )

    for isa in doc.get("interchanges", []):
        for err in isa.get("errors", []):
            add(
                catalogue.ISA_ERROR,
                f"X12-ISA-{err['err_cde']}",
                err["err_str"],
                segment=isa.get("cur_line"),
                segment_id="ISA",
            )
        for gs in isa.get("groups", []):
            for err in gs.get("errors", []):
                add(
                    catalogue.GS_ERROR,
                    f"X12-GS-{err['err_cde']}",
                    err["err_str"],
                    segment=gs.get("cur_line"),
                    segment_id="GS",
                )
            for st in gs.get("transactions", []):
                set_id = str(st.get("trn_set_id") or "")
                txn = TXN_NAMES.get(set_id, set_id)
                transactions.append(
                    (
                        set_id,
                        str(st.get("trn_set_control_num") or ""),
                        str(st.get("ack_code") or ""),
                    )
                )
                for err in st.get("errors", []):
                    add(
                        catalogue.ST_ERROR,
                        f"IG-{txn}-ST{err['err_cde']}",
                        err["err_str"],
                        segment=st.get("cur_line"),
                        segment_id="SE",
                    )
                for seg in st.get("segments", []):
                    where = {"segment": seg.get("cur_line"), "segment_id": seg.get("seg_id")}
                    for err in seg.get("errors", []):
                        code = str(err["err_cde"])
                        what = descriptions.describe(descriptions.IK304, code) or "segment error"
                        add(
                            catalogue.SEGMENT_ERROR,
                            f"IG-{txn}-SEG{code}",
                            f"{what}: {err['err_str']}",
                            err.get("err_val"),
                            **where,
                        )
                    for ele in seg.get("elements", []):
                        ref = f"{seg.get('seg_id')}{str(ele['ele_pos']).zfill(2)}"
                        if ele.get("subele_pos"):
                            ref += f"-{ele['subele_pos']}"
                        for err in ele.get("errors", []):
                            code = str(err["err_cde"])
                            what = (
                                descriptions.describe(descriptions.IK403, code) or "element error"
                            )
                            add(
                                catalogue.ELEMENT_ERROR,
                                f"IG-{txn}-ELE{code}",
                                f"{ref} {what}: {err['err_str']}",
                                err.get("err_val"),
                                element=ref,
                                **where,
                            )
    return raws, transactions


def _placed(path: Path, raws: list[_Raw]) -> list[Issue]:
    """Name the loop of each reported segment, from our own loop declaration, and mask the
    values pyx12 quotes where they are member data (names, IDs, birth dates, addresses)."""
    wanted = {r.location.segment for r in raws if r.location.segment is not None}
    seen: dict[int, tuple[str, list[str]]] = {}
    try:
        for item in TransactionStream(SegmentReader(path), IssueList()):
            assert isinstance(item, Placed)  # nothing is gathered
            if item.position not in wanted:
                continue
            if item.seg_id == "ST":
                seen[item.position] = ("ST", item.elements)
            elif item.loop is not None and item.seg_id != "SE":
                seen[item.position] = (item.path or "ST", item.elements)
            else:
                seen[item.position] = ("", item.elements)
    except X12ParseError:
        pass  # pyx12 already said what is wrong; the loops are a courtesy
    issues = []
    for raw in raws:
        location = raw.location
        loop, elements = seen.get(location.segment or 0, ("", []))
        message = raw.message
        if raw.value and _member_data(loop, elements, location):
            message = _masked(message, raw.value)
        if loop:
            location = attrs.evolve(location, loop=loop)
        issues.append(Issue.of(raw.code, message, location))
    return issues


def _member_data(loop: str, elements: list[str], location: Location) -> bool:
    """Does the quoted value belong to member data? Unknown segments count as if it did."""
    if not elements:
        return True
    ref = location.element or f"{elements[0]}03"  # a segment finding: judged by its data
    return holds_member_data(loop.rpartition("/")[2], elements, ref)


def _masked(message: str, value: str) -> str:
    """pyx12 quotes a value in parentheses or double quotes: hide it there."""
    pattern = re.compile(r"(?<=[(\"])" + re.escape(value) + r"(?=[)\"])")
    return pattern.sub(phi.HIDDEN, message)
