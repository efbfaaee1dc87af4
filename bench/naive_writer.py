"""The floor for ``make bench``: a naive f-string 837P writer over the same records.

It reads the CSV and writes the same loops and segments the real build writes (envelope,
billing provider, one subscriber loop per member, one claim per member and month, a service
line per record) with f-strings and no checks at all: no validation, no rules, no rounding
policy, no ledger. Our build, with all of that, is measured against it in the same run.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

RATES = {"G9008": Decimal("400"), "G9012": Decimal("5"), "G9007": Decimal("0.01"), "S5130": Decimal("8.25"),
         "T1019": Decimal("8.25"), "H0043": Decimal("386"), "T2040": Decimal("222"), "T2041": Decimal("222"),
         "T2033": Decimal("204"), "T2020": Decimal("7")}  # fmt: skip


def naive_write(records: Path, out: Path) -> int:
    members: dict[str, list[list[str]]] = defaultdict(list)
    with records.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        next(reader)
        for row in reader:
            members[row[1]].append(row)
    segments = 0
    with out.open("w", encoding="ascii") as f:
        f.write(
            "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *260202*0000*^*00501*000000001*0*T*:~\n"
        )
        f.write(
            "GS*HC*SENDER*RECEIVER*20260202*0000*1*X*005010X222A1~\nST*837*0001*005010X222A1~\n"
        )
        f.write(
            "BHT*0019*00*1*20260202*0000*CH~\nNM1*41*2*SUBMITTER*****46*S1~\nPER*IC*DESK*TE*7075550100~\n"
        )
        f.write("NM1*40*2*RECEIVER*****46*R1~\nHL*1**20*1~\nPRV*BI*PXC*251S00000X~\n")
        f.write(
            "NM1*85*2*PROVIDER*****XX*1234567893~\nN3*100 MAIN ST~\nN4*SANTA ROSA*CA*954011234~\nREF*EI*941234567~\n"
        )
        segments += 13
        hl = 1
        for claim, (member, rows) in enumerate(members.items(), 1):
            hl += 1
            first = rows[0]
            f.write(
                f"HL*{hl}*1*22*0~\nSBR*P*18*******MC~\nNM1*IL*1*{first[2]}*{first[3]}****MI*{member}~\n"
            )
            f.write(f"N3*{first[15] or '200 SHELTER WAY'}~\nN4*{first[16] or 'EUREKA'}*CA*95501~\n")
            f.write(f"DMG*D8*{first[4].replace('-', '')}*{first[5]}~\nNM1*PR*2*PAYER*****PI*P1~\n")
            segments += 7
            total = Decimal(0)
            lines = []
            for number, row in enumerate(rows, 1):
                units = row[10] or str(max(1, int(row[9]) // 15)) if row[9] or row[10] else "1"
                charge = RATES.get(row[7], Decimal(1)) * Decimal(units)
                total += charge
                mods = ":".join(row[8].split())
                proc = f"{row[7]}:{mods}" if mods else row[7]
                lines.append(
                    f"LX*{number}~\nSV1*HC:{proc}*{charge}*UN*{units}***1~\n"
                    f"DTP*472*D8*{row[6].replace('-', '')}~\nREF*6R*C{claim}L{number}~\n"
                )
                segments += 4
            f.write(f"CLM*C{claim}*{total}***12:B:1*Y*A*Y*Y~\nHI*ABK:{row[20].split(';')[0]}~\n")
            f.write("".join(lines))
            segments += 2
        f.write(f"SE*{segments - 1}*0001~\nGE*1*1~\nIEA*1*000000001~\n")
    return segments
