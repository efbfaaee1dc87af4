"""Claims to plain JSON-ready data and back (for the ledger's record of what was sent).

Decimals travel as strings and dates as ISO text, so nothing is lost or rounded."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from edi837.model.claims import Claim, Member, RenderingProvider, ServiceLine
from edi837.model.common import Address, Frequency, Sex


def _address(a: Address) -> list[str]:
    return [a.line1, a.line2, a.city, a.state, a.zip]


def _rendering(r: RenderingProvider | None) -> list[str] | None:
    return None if r is None else [r.npi, r.last_name, r.first_name]


def claim_to_data(claim: Claim) -> dict[str, Any]:
    m = claim.member
    return {
        "id": claim.claim_id,
        "category": claim.category,
        "pos": claim.place_of_service,
        "dx": list(claim.diagnoses),
        "tar": claim.tar_number,
        "rendering": _rendering(claim.rendering),
        "frequency": claim.frequency.value,
        "f8": claim.payer_claim_number,
        "member": [
            m.member_id,
            m.last_name,
            m.first_name,
            m.birth_date.isoformat(),
            m.sex.value,
            _address(m.address),
        ],
        "lines": [
            [
                line.procedure,
                list(line.modifiers),
                line.service_date.isoformat(),
                line.end_date.isoformat() if line.end_date else None,
                str(line.units),
                str(line.charge),
                list(line.diagnosis_pointers),
                line.place_of_service,
                line.tar_number,
                _rendering(line.rendering),
                line.control_number,
            ]
            for line in claim.lines
        ],
    }


def _addr(data: list[str]) -> Address:
    line1, line2, city, state, zip_code = data
    return Address(line1=line1, line2=line2, city=city, state=state, zip=zip_code)


def _rend(data: list[str] | None) -> RenderingProvider | None:
    return None if data is None else RenderingProvider(*data)


def claim_from_data(data: dict[str, Any]) -> Claim:
    member_id, last, first, dob, sex, address = data["member"]
    lines = tuple(
        ServiceLine(
            procedure=procedure,
            modifiers=tuple(modifiers),
            service_date=date.fromisoformat(service_date),
            end_date=date.fromisoformat(end_date) if end_date else None,
            units=Decimal(units),
            charge=Decimal(charge),
            diagnosis_pointers=tuple(pointers),
            place_of_service=pos,
            tar_number=tar,
            rendering=_rend(rendering),
            control_number=control,
        )
        for procedure, modifiers, service_date, end_date, units, charge, pointers, pos, tar, rendering, control in data[
            "lines"
        ]
    )
    return Claim(
        claim_id=data["id"],
        member=Member(member_id, last, first, date.fromisoformat(dob), Sex(sex), _addr(address)),
        category=data["category"],
        place_of_service=data["pos"],
        diagnoses=tuple(data["dx"]),
        lines=lines,
        tar_number=data["tar"],
        rendering=_rend(data["rendering"]),
        frequency=Frequency(data["frequency"]),
        payer_claim_number=data["f8"],
    )
