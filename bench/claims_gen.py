"""A synthetic 837P of any number of claims, streamed (never held in memory or written to disk),
for the conformance engine's memory benchmark: the same claim shape as a built batch (a member,
one claim, two service lines), each claim with its own member and claim ID, 5,000 claims per
transaction set. Every claim is one the engine accepts: valid NPIs, diagnoses billable on its
dates of service, its total the sum of its lines."""

from __future__ import annotations

import io

ISA = (
    "ISA*00*          *00*          *ZZ*NCCC0001       *ZZ*PHCTEST01      *260202*0900*^*00501*"
    "000000001*0*T*:~\n"
)
PER_SET = 5_000
_HEADER = (
    "ST*837*{st:04d}*005010X222A1~\nBHT*0019*00*{st:09d}*20260202*0900*CH~\n"
    "NM1*41*2*NORTH COAST CARE COLLABORATIVE*****46*NCCC0001~\nPER*IC*BILLING DESK*TE*7075550100~\n"
    "NM1*40*2*PARTNERSHIP HEALTHPLAN OF CALIFORNIA*****46*PHCTEST01~\nHL*1**20*1~\n"
    "PRV*BI*PXC*251S00000X~\nNM1*85*2*NORTH COAST CARE COLLABORATIVE*****XX*1234567893~\n"
    "N3*100 MAIN ST~\nN4*SANTA ROSA*CA*954011234~\nREF*EI*941234567~\n"
)
_CLAIM = (
    "HL*{hl}*1*22*0~\nSBR*P*18*******MC~\nNM1*IL*1*MEMBER*ANA****MI*{member}~\n"
    "N3*1 ELM ST~\nN4*EUREKA*CA*95501~\nDMG*D8*19800101*F~\n"
    "NM1*PR*2*PARTNERSHIP HEALTHPLAN OF CALIFORNIA*****PI*PHCTEST~\n"
    "CLM*{claim}*150***12:B:1*Y*A*Y*Y~\nHI*ABK:Z5901*ABF:F329~\n"
    "LX*1~\nSV1*HC:G9012:U8*50*UN*1***1:2~\nDTP*472*D8*20260105~\nREF*6R*{claim}L01~\n"
    "LX*2~\nSV1*HC:G9012:U8*100*UN*2***1~\nDTP*472*D8*20260112~\nREF*6R*{claim}L02~\n"
)
SEGMENTS_PER_CLAIM = _CLAIM.count("~")
HEADER_SEGMENTS = _HEADER.count("~")


class SyntheticBatch(io.RawIOBase):
    """``claims`` claims as one interchange, produced a transaction set at a time."""

    def __init__(self, claims: int) -> None:
        self.claims = claims
        self._chunks = self._generate()
        self._pending = b""

    def readable(self) -> bool:
        return True

    def _generate(self):  # type: ignore[no-untyped-def]
        yield ISA + "GS*HC*NCCC0001*PHCTEST01*20260202*0900*1*X*005010X222A1~\n"
        sets = 0
        done = 0
        while done < self.claims:
            sets += 1
            count = min(PER_SET, self.claims - done)
            parts = [_HEADER.format(st=sets)]
            for n in range(count):
                number = done + n + 1
                parts.append(
                    _CLAIM.format(hl=n + 2, member=f"{number:09d}A", claim=f"S{number:08d}")
                )
            segments = HEADER_SEGMENTS + count * SEGMENTS_PER_CLAIM + 1
            parts.append(f"SE*{segments}*{sets:04d}~\n")
            yield "".join(parts)
            done += count
        yield f"GE*{sets}*1~\nIEA*1*000000001~\n"

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def,override]
        while not self._pending:
            chunk = next(self._chunks, None)
            if chunk is None:
                return 0
            self._pending = chunk.encode("ascii")
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size


def stream(claims: int) -> io.BufferedReader:
    return io.BufferedReader(SyntheticBatch(claims), buffer_size=1 << 20)
