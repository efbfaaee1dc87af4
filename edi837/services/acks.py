"""Recording acknowledgments (TA1, 999, 277CA) in the ledger: all the files of one run in one
transaction, each file once (by its SHA-256)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from pathlib import Path

from edi837.errors import InputError
from edi837.ledger.acks import AckImport, AckTally, ack_file_known
from edi837.ledger.store import Ledger
from edi837.ledger.submissions import file_sha256
from edi837.model.acks import AckEvent

Reader = Callable[[Path], Iterable[AckEvent]]


def import_acks(
    ledger: Ledger, paths: Sequence[Path], read: Reader, *, imported_at: date
) -> AckTally:
    """Record the answers ``read`` finds in each file. A file that cannot be read leaves the
    ledger exactly as it was (the reader raises before the transaction commits)."""
    tally = AckTally()
    with ledger.write():
        for path in paths:
            sha = file_sha256(path)
            if sha is None:
                raise InputError(f"cannot read {path}")
            if ack_file_known(ledger, sha):
                tally.files_already += 1
                continue
            recording = AckImport(ledger, str(path), sha, imported_at, tally)
            recording.feed(read(path))
        AckImport.refresh_claims(ledger, tally)
    return tally
