"""TA1, the interchange acknowledgment: did the payer's front door read our interchange at all?

A TA1 stands outside any transaction set (the stream hands it over with the key ``("", "TA1")``),
one per interchange answered, alone in its own interchange or before the 999s of another.
TA101 is our ISA13, TA102/TA103 the date and time of our interchange, TA104 the answer (A, E, R),
TA105 the note code saying what was wrong (000 when nothing).
"""

from __future__ import annotations

from edi837 import catalogue
from edi837.ack.codes import interchange_verdict
from edi837.ack.fields import Fields, code, is_test
from edi837.codes import descriptions as codelists
from edi837.model.acks import InterchangeAck, Verdict
from edi837.x12.log import shown, shown_number
from edi837.x12.spec import picker
from edi837.x12.transactions import Placed

TA1 = picker("TA1", "TA101", "TA102", "TA104", "TA105")


def decode(placed: Placed, isa: list[str], fields: Fields) -> InterchangeAck:
    """One TA1 segment; ``isa`` is the ISA of the interchange it came in."""
    control, on, answer, note = (value.strip() for value in TA1(placed.elements))
    position = placed.position
    verdict = interchange_verdict(answer)
    if verdict is None:
        fields.log.record(
            catalogue.ACK_CODE,
            f"TA104 {shown(answer)} is not A, E or R; the interchange "
            f"{shown_number(control) if control else '?'} is read "
            "as rejected",
            position,
            "TA1",
        )
        verdict = Verdict.REJECTED
    codes = [code("TA104", answer, codelists.TA104)]
    if note:
        codes.append(code("TA105", note, codelists.TA105))
    return InterchangeAck(
        position=position,
        control_number=control,
        verdict=verdict,
        codes=tuple(codes),
        on=fields.date(on, "TA102", position),
        test=is_test(isa),
    )
