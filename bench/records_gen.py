"""Synthetic service records for the benchmarks (no real data): a plausible month of ECM and
Community Supports billing for many members."""

from __future__ import annotations

import csv
import random
from pathlib import Path

HEADER = [
    "record_id", "member_id", "member_last_name", "member_first_name", "member_dob", "member_sex",
    "service_date", "hcpcs", "modifiers", "minutes", "units", "charge", "service_end_date",
    "tar_number", "enrollment_date", "member_address1", "member_city", "member_state",
    "member_zip", "member_present", "diagnosis_codes",
]  # fmt: skip
LAST = [
    "SMITH",
    "GARCIA",
    "NGUYEN",
    "JOHNSON",
    "LOPEZ",
    "CHEN",
    "WILLIAMS",
    "MARTINEZ",
    "DAVIS",
    "KIM",
]
FIRST = ["ANA", "JOSE", "MARY", "LI", "JAMES", "ROSA", "DAVID", "MAI", "JOHN", "SOFIA"]
# billable in ICD-10-CM FY2024 to FY2027 (Z59.1 became a category on 2023-10-01: Z59.811 here)
DX = ["Z5901", "Z5902", "F329", "F1020", "I509", "E119", "Z59811", "Z742"]


def member_id(n: int) -> str:
    return f"{n:08d}{chr(65 + n % 26)}"


def write_records(
    path: Path, count: int, *, year: int = 2026, month: int = 1, seed: int = 7
) -> int:
    """About ``count`` records for count/10 members, one calendar month; returns the member count."""
    rng = random.Random(seed)
    members = max(1, count // 10)
    written = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(HEADER)
        m = 0
        while written < count:
            n = 10_000_000 + m % members
            m += 1
            base = [
                member_id(n),
                LAST[n % 10],
                FIRST[(n // 10) % 10],
                f"19{50 + n % 40}-0{1 + n % 9}-1{n % 9}",
                "FM"[n % 2],
            ]
            address = ["1 MAIN ST", "EUREKA", "CA", "95501"] if n % 5 else ["", "", "", ""]
            tar = f"T{n}"
            ecm = n % 3 != 0
            rows: list[list[str]] = []
            if ecm:
                # outreach attempts before enrollment on day 2-9, then the PMPM and the MDT
                for day in rng.sample(range(2, 10), 4):
                    rows.append(
                        [
                            f"{year}-{month:02d}-{day:02d}",
                            "G9012" if day % 2 else "G9008",
                            "U8 GQ" if day % 3 == 0 else "U8",
                            str(rng.choice([5, 10, 20, 35])),
                            "",
                            "",
                            "",
                            "",
                            f"{year}-{month:02d}-10",
                            "N" if day % 3 == 0 else "Y",
                        ]
                    )
                rows.append(
                    [
                        f"{year}-{month:02d}-{12 + n % 10}",
                        "G9008",
                        "U1",
                        "",
                        "",
                        "",
                        "",
                        tar,
                        f"{year}-{month:02d}-10",
                        "Y",
                    ]
                )
                for day in (14, 21, 28):
                    rows.append(
                        [
                            f"{year}-{month:02d}-{day}",
                            "G9007",
                            "",
                            "60",
                            "",
                            "",
                            "",
                            tar,
                            f"{year}-{month:02d}-10",
                            "",
                        ]
                    )
                rows.append(
                    [
                        f"{year}-{month:02d}-{22 + n % 5}",
                        "S5130",
                        "U6",
                        str(rng.choice([45, 60, 95])),
                        "",
                        "",
                        "",
                        tar,
                        "",
                        "",
                    ]
                )
                rows.append(
                    [
                        f"{year}-{month:02d}-{15 + n % 5}",
                        "T1019",
                        "U6",
                        "120",
                        "",
                        "",
                        "",
                        tar,
                        "",
                        "",
                    ]
                )
            else:
                rows.append([f"{year}-{month:02d}-05", "H0043", "U6", "", "", "", "", tar, "", ""])
                rows.append([f"{year}-{month:02d}-12", "T2040", "U6", "", "1", "", "", tar, "", ""])
                rows.append([f"{year}-{month:02d}-19", "T2041", "U6", "", "1", "", "", tar, "", ""])
                rows.append(
                    [
                        f"{year}-{month:02d}-03",
                        "T2033",
                        "U6",
                        "",
                        "",
                        "",
                        f"{year}-{month:02d}-09",
                        tar,
                        "",
                        "",
                    ]
                )
                for day in (13, 14, 15, 16, 20, 21):
                    rows.append(
                        [f"{year}-{month:02d}-{day}", "T2020", "U6", "", "8", "", "", tar, "", ""]
                    )
            for date_, code, mods, minutes, units, charge, end, tar_n, enroll, present in rows:
                if written >= count:
                    break
                written += 1
                out.writerow(
                    [
                        f"R{written}",
                        *base,
                        date_,
                        code,
                        mods,
                        minutes,
                        units,
                        charge,
                        end,
                        tar_n,
                        enroll,
                        *address,
                        present,
                        ";".join(DX[(n + k) % 8] for k in range(1 + n % 2)),
                    ]
                )
    return members
