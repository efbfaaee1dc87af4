"""``edi837 reconcile``: record 835 remittances in the ledger, then report every claim's state.

All the files of one run are imported in one ledger transaction: a file that cannot be read
(truncated, not X12) leaves the ledger exactly as it was. Importing a file again, or a payment
already recorded from another file (same payer and trace number), changes nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from edi837.errors import InputError
from edi837.ledger.remittances import ImportTally, RemittanceImport, file_already_imported
from edi837.ledger.store import Ledger
from edi837.perf import collector_paused
from edi837.remit835 import RemittanceReader


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from None
    return digest.hexdigest()


def import_remittances(ledger: Ledger, paths: Sequence[Path], *, imported_at: date) -> ImportTally:
    tally = ImportTally()
    with collector_paused(), ledger.write():
        for path in paths:
            sha = file_sha256(path)
            if file_already_imported(ledger, sha):
                tally.files_already += 1
                continue
            RemittanceImport(ledger, str(path), sha, imported_at, tally).feed(
                RemittanceReader(path)
            )
    return tally
