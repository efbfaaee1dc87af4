"""``edi837 reconcile``: record 835 remittances in the ledger, then report every claim's state.

All the files of one run are imported in one ledger transaction: a file that cannot be read
(truncated, not X12, not an 835) leaves the ledger exactly as it was. Importing a file again, or a
payment already recorded from another file, changes nothing. The claims the payments name are
refreshed (what counts as billed) in the same transaction.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from edi837 import faults, progress
from edi837.errors import InputError
from edi837.ledger.claim_set import ClaimSet
from edi837.ledger.events import refresh
from edi837.ledger.remittances import ImportTally, RemittanceImport, file_already_imported
from edi837.ledger.store import Ledger
from edi837.ledger.submissions import sha256_of
from edi837.model.profile import Profile
from edi837.perf import collector_paused
from edi837.remit835 import RemittanceReader
from edi837.services.inbound import require


def file_sha256(path: Path) -> str:
    """The file's SHA-256 (its identity in the ledger); a file that cannot be read is an
    input error."""
    try:
        return sha256_of(path)
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from None


def _size(path: Path) -> int | None:
    try:
        return path.stat().st_size
    except OSError:
        return None


def known_payees(ledger: Ledger, profile: Profile | None) -> tuple[set[str], set[str]] | None:
    """The NPIs and tax IDs this ledger billed under (and the profile's), or None when neither
    says (a ledger from before batches kept their parties, and no profile)."""
    npis: set[str] = set()
    tax_ids: set[str] = set()
    for (text,) in ledger.db.execute(
        "SELECT DISTINCT parties FROM batches WHERE parties IS NOT NULL"
    ):
        billing = json.loads(text)["billing_provider"]
        npis.add(billing["npi"])
        tax_ids.add(billing["ein"])
    if profile is not None:
        npis.add(profile.billing_provider.npi)
        tax_ids.add(profile.billing_provider.ein)
    return (npis, tax_ids) if npis or tax_ids else None


def import_remittances(
    ledger: Ledger,
    paths: Sequence[Path],
    *,
    imported_at: date,
    profile: Profile | None = None,
    force: bool = False,
    dry_run: bool = False,
) -> ImportTally:
    """Record the 835s. With ``dry_run`` everything is matched and counted, then rolled back."""
    # Each file is hashed once. One already recorded (its hash is in remittance_files, where
    # only 835s go) is not sniffed again: re-reading a known file costs its hash, little more.
    hashed = [(path, file_sha256(path)) for path in paths]
    for path, sha in hashed:
        if not file_already_imported(ledger, sha):
            require(path, {"835"}, "reconcile")
    tally = ImportTally()
    payees = known_payees(ledger, profile)

    class _DryRun(Exception):
        pass

    try:
        with collector_paused(), ledger.write():
            for path, sha in hashed:
                if file_already_imported(ledger, sha):
                    tally.files_already += 1
                    continue
                if not isinstance(tally.claim_ids, ClaimSet):
                    # the claims named are kept in a TEMP table of the ledger (a million claims
                    # answered is a million IDs), made once a file is to be recorded (a known
                    # file costs its hash, not a table): the caller reads them while the ledger
                    # is open (set() them to keep them)
                    tally.claim_ids = ClaimSet(ledger.db)
                recording = RemittanceImport(
                    ledger, str(path), sha, imported_at, tally, payees=payees, force=force
                )
                with (
                    path.open("rb") as source,
                    progress.reading(source, f"recording {path.name}", size=_size(path)) as read,
                ):
                    recording.feed(RemittanceReader(read, name=str(path)))
                faults.checkpoint("reconcile:file")
            refresh(ledger, tally.claim_ids)
            faults.checkpoint("reconcile:refreshed")
            if dry_run:
                tally.claim_ids = set(tally.claim_ids)  # (the rollback empties its table)
                raise _DryRun
    except _DryRun:
        pass
    return tally
