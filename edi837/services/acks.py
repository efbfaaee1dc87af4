"""Recording acknowledgments (TA1, 999, 277CA) in the ledger: all the files of one run in one
transaction, each file once (by its SHA-256).

:func:`record_acks` is what ``edi837 ack`` runs: it refuses a file that holds no acknowledgment
(an 835, an 837: saying which command reads it), reads each file with :class:`AckReader`,
records the answers, and hands the run to ``show`` (after the commit; with ``dry_run``, before
everything is rolled back). A file that cannot be read leaves the ledger exactly as it was: the
reader raises before the transaction commits. :func:`import_acks` is the recording alone, for any
reader (the tests hand it answers made by hand).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date
from pathlib import Path

import attrs

from edi837 import faults
from edi837.errors import InputError, X12ParseError
from edi837.issues import Issue
from edi837.ledger.acks import (
    AckImport,
    AckTally,
    RecordedAnswer,
    known_ack_file,
    recorded_answers,
)
from edi837.ledger.store import Ledger
from edi837.ledger.submissions import file_sha256
from edi837.model.acks import AckEvent
from edi837.perf import collector_paused

Reader = Callable[[Path], Iterable[AckEvent]]
# what `edi837 ack` reads: interchange acknowledgments, 999s and 997s, 277CAs
ACK_KINDS = frozenset({"TA1", "999", "997", "277"})


@attrs.define
class AckRun:
    """One run of ``edi837 ack``: the tally, each file's warnings, and the answers recorded."""

    ledger: Ledger
    tally: AckTally
    dry_run: bool
    issues: dict[str, list[Issue]] = attrs.field(factory=dict)  # by file name

    def answers(self) -> Iterator[RecordedAnswer]:
        """Every answer of the files read, as the ledger ties it (those read before too)."""
        files = dict.fromkeys(file_id for _, file_id, _ in self.tally.seen)  # a file named twice
        return recorded_answers(self.ledger, files)


class _DryRun(Exception):
    pass


def import_acks(
    ledger: Ledger,
    paths: Sequence[Path],
    read: Reader,
    *,
    imported_at: date,
    dry_run: bool = False,
    show: Callable[[AckTally], None] | None = None,
) -> AckTally:
    """Record the answers ``read`` finds in each file. ``show`` sees the tally while the answers
    are still in the ledger: after the commit, or (``dry_run``) before the rollback."""
    tally = AckTally()
    try:
        with collector_paused(), ledger.write():
            for path in paths:
                sha = file_sha256(path)
                if sha is None:
                    raise InputError(f"cannot read {path}")
                known = known_ack_file(ledger, sha)
                if known is not None:
                    tally.files_already += 1
                    tally.seen.append((str(path), *known))
                    continue
                recording = AckImport(ledger, str(path), sha, imported_at, tally)
                recording.feed(read(path))
                faults.checkpoint("ack:file")
            AckImport.refresh_claims(ledger, tally)
            faults.checkpoint("ack:refreshed")
            if dry_run:
                if show is not None:
                    show(tally)
                raise _DryRun
    except _DryRun:
        return tally
    if show is not None:
        show(tally)
    return tally


def record_acks(
    ledger: Ledger,
    paths: Sequence[Path],
    *,
    imported_at: date,
    dry_run: bool = False,
    show: Callable[[AckRun], None] | None = None,
) -> AckRun:
    """Read and record the acknowledgment files (see the module docstring)."""
    from edi837.ack import AckReader
    from edi837.services.inbound import require

    for path in paths:
        try:
            require(path, set(ACK_KINDS), "ack")
        except X12ParseError as exc:
            raise _in_file(path, exc) from None
    run = AckRun(ledger, AckTally(), dry_run)

    def read(path: Path) -> Iterator[AckEvent]:
        reader = AckReader(path, name=str(path))
        try:
            yield from reader
        except X12ParseError as exc:
            raise _in_file(path, exc) from None
        run.issues[str(path)] = reader.issues

    def shown(tally: AckTally) -> None:
        run.tally = tally
        if show is not None:
            show(run)

    run.tally = import_acks(
        ledger, paths, read, imported_at=imported_at, dry_run=dry_run, show=shown
    )
    return run


def _in_file(path: Path, exc: X12ParseError) -> X12ParseError:
    """The reader's refusal, saying which file (the segment and what are in its message)."""
    return X12ParseError(f"{path}: {exc.message}; nothing was recorded", hint=exc.hint)
