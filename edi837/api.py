"""edi837 from Python: the month's billing as functions with types (the package ships
``py.typed``), doing exactly what the commands do. docs/api.md shows a whole month, and
``docs/examples/month.py`` runs it (a test holds it working).

::

    from edi837 import api

    profile = api.load_profile("profile.toml")
    found = api.check("january.csv", profile, ledger="ledger.sqlite", tars="tars.csv")
    if found.ok:
        batch = api.build("january.csv", profile, "january.837", ledger="ledger.sqlite")
        assert api.validate("january.837").ok
    api.reconcile(["remit-0301.835"], ledger="ledger.sqlite")
    for item in api.work_queue("ledger.sqlite", open_only=True):
        print(item.facts.claim_id, item.outcome.state, item.advice.text)

Paths may be ``str`` or :class:`~pathlib.Path`. ``as_of`` fixes "today" (filing limits, the
file's dates) as ``--as-of`` does; without it, today. Problems in the data are returned as
:class:`Issue` objects (rule ID, severity, message, location); what stops a function raises an
:class:`EdiError` whose ``exit_code`` is the command's (:class:`ExitCode`): a
:class:`BlockedError` (errors block the batch, its ``issues`` say which) or an
:class:`InputError` (an input that cannot be read, an output refused). Member data is masked in
messages unless ``edi837.phi.set_show(True)``, as with ``--show-phi``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path

from edi837.errors import BlockedError, EdiError, ExitCode, InputError
from edi837.ingest.profile import load_profile as _load_profile
from edi837.ingest.tars import read_tars as _read_tars
from edi837.issues import Issue, Location, Report, Severity
from edi837.ledger.remittances import ImportTally
from edi837.ledger.store import Ledger
from edi837.model.profile import Profile
from edi837.model.records import DateFormat
from edi837.model.remittance import RemittanceAdvice
from edi837.oracle.pyx12_validator import Validation
from edi837.remit835.reader import read_advice
from edi837.render.queue_data import claim_data
from edi837.rules.tars import TarList
from edi837.services import build as _build
from edi837.services import check as _check
from edi837.services import queue as _queue
from edi837.services import reconcile as _reconcile
from edi837.services import replace as _replace
from edi837.services import void as _void
from edi837.services.check import CheckResult
from edi837.services.clock import resolve_as_of
from edi837.services.emit import BuildResult
from edi837.services.inbound import require
from edi837.services.queue import QueueItem

__all__ = [
    "BlockedError",
    "BuildResult",
    "CheckResult",
    "EdiError",
    "ExitCode",
    "ImportTally",
    "InputError",
    "Issue",
    "Location",
    "Profile",
    "QueueItem",
    "RemittanceAdvice",
    "Severity",
    "TarList",
    "Validation",
    "build",
    "check",
    "claim_data",
    "load_profile",
    "read_remittance",
    "read_tars",
    "reconcile",
    "replace",
    "validate",
    "void",
    "work_queue",
]

PathLike = str | os.PathLike[str]


def load_profile(path: PathLike) -> Profile:
    """The provider profile (TOML), checked whole: every problem at once in a
    :class:`InputError` (a ``ConfigError``), as ``edi837 init`` documents."""
    return _load_profile(Path(path))


def read_tars(path: PathLike, profile: Profile | None = None) -> tuple[TarList, list[Issue]]:
    """The approved TAR list, and the problems found in its rows (dates are read as the
    profile's ``[records] date_format`` says)."""
    report = Report()
    dates = profile.records.date_format if profile is not None else DateFormat.ISO
    tars = _read_tars(Path(path), report, date_format=dates)
    return tars, report.sorted()


def _profile(profile: Profile | PathLike) -> Profile:
    return profile if isinstance(profile, Profile) else load_profile(profile)


def _tars(tars: TarList | PathLike | None, profile: Profile, report: Report) -> TarList | None:
    if tars is None or isinstance(tars, TarList):
        return tars
    return _read_tars(Path(tars), report, date_format=profile.records.date_format)


def check(
    records: PathLike,
    profile: Profile | PathLike,
    *,
    ledger: PathLike | None = None,
    tars: TarList | PathLike | None = None,
    as_of: date | None = None,
) -> CheckResult:
    """Every billing rule over ``records`` (CSV, JSON or a workbook), against ``ledger``'s
    history when given (it must exist); nothing is written. ``result.ok`` is what exit 0 of
    ``edi837 check`` means; ``result.issues`` every finding, sorted by row."""
    chosen = _profile(profile)
    report = Report()
    tar_list = _tars(tars, chosen, report)
    today, _ = resolve_as_of(as_of)
    return _check.check(
        Path(records),
        chosen,
        as_of=today,
        ledger=Path(ledger) if ledger is not None else None,
        tars=tar_list,
        report=report,
    )


def build(
    records: PathLike,
    profile: Profile | PathLike,
    out: PathLike,
    *,
    ledger: PathLike,
    tars: TarList | PathLike | None = None,
    as_of: date | None = None,
    allow: Iterable[str] = (),
) -> BuildResult:
    """Build ``records`` into the 837P ``out`` and record the batch in ``ledger`` (created if
    absent). Raises :class:`BlockedError` when errors block it (nothing written, the ledger
    unchanged; ``exc.issues`` lists them). ``allow`` bills despite these payer rules' errors.
    The result names the batch, its control numbers and claims (``result.batch``), and holds the
    warnings and info findings (``result.report``)."""
    chosen = _profile(profile)
    tar_report = Report()
    tar_list = _tars(tars, chosen, tar_report)
    today, created = resolve_as_of(as_of)
    with Ledger(Path(ledger)) as book, _tar_findings_first(tar_report):
        result = _build.build(
            Path(records),
            chosen,
            Path(out),
            book,
            as_of=today,
            created=created,
            allow=frozenset(rule.upper() for rule in allow),
            tars=tar_list,
        )
    result.report.extend(tar_report.issues)
    return result


@contextmanager
def _tar_findings_first(tar_report: Report) -> Iterator[None]:
    """A blocked batch's findings with the TAR list's first, as the command shows them."""
    try:
        yield
    except BlockedError as exc:
        exc.issues = [*tar_report.sorted(), *exc.issues]
        raise


def void(
    claim_ids: Sequence[str],
    profile: Profile | PathLike,
    out: PathLike,
    *,
    ledger: PathLike,
    payer_claim_numbers: dict[str, str] | None = None,
    as_of: date | None = None,
) -> BuildResult:
    """Write the 837P ``out`` voiding ``claim_ids`` (frequency 8) and record it. The payer's
    claim number of each comes from the ledger (the latest 835, else the 277CA) unless
    ``payer_claim_numbers`` gives it. Refused (:class:`InputError`) for a claim that may not be
    voided (never accepted, already voided...): docs/void.md."""
    today, created = resolve_as_of(as_of)
    ids = [c.upper() for c in claim_ids]
    numbers = {k.upper(): v for k, v in (payer_claim_numbers or {}).items()}
    with Ledger(Path(ledger), create=False) as book:
        return _void.void(
            ids, numbers, _profile(profile), Path(out), book, as_of=today, created=created
        )


def replace(
    claim_id: str,
    records: PathLike,
    profile: Profile | PathLike,
    out: PathLike,
    *,
    ledger: PathLike,
    payer_claim_number: str | None = None,
    tars: TarList | PathLike | None = None,
    as_of: date | None = None,
    allow: Iterable[str] = (),
) -> BuildResult:
    """Write the 837P ``out`` replacing ``claim_id`` (frequency 7, REF*F8) with the services in
    ``records`` (the claim's member and month as they should have been billed), checked by every
    rule without the claim it replaces, and record it (docs/replace.md). Raises
    :class:`BlockedError` when errors block it, :class:`InputError` when it is refused."""
    chosen = _profile(profile)
    tar_report = Report()
    tar_list = _tars(tars, chosen, tar_report)
    today, created = resolve_as_of(as_of)
    with Ledger(Path(ledger), create=False) as book, _tar_findings_first(tar_report):
        result = _replace.replace(
            claim_id.upper(),
            Path(records),
            payer_claim_number,
            chosen,
            Path(out),
            book,
            as_of=today,
            created=created,
            allow=frozenset(rule.upper() for rule in allow),
            tars=tar_list,
        )
    result.report.extend(tar_report.issues)
    return result


def validate(file: PathLike, *, ack: bool = False, engine: str = "own") -> Validation:
    """``file`` (any X12) against its TR3 as ``edi837 validate`` checks it: our SNIP 1-5
    engine, or ``engine="pyx12"`` (SNIP 1-2, much slower). ``result.ok``, ``result.issues``
    with segment positions and loops, ``result.transactions`` (set ID, control number, 999
    code); with ``ack``, ``result.ack`` is the 999 the engine writes (None when it cannot make
    one). Never raises for a bad file: a file that is not X12 is one finding."""
    path = Path(file)
    if engine == "pyx12":
        from edi837.oracle.pyx12_validator import validate_file

        return validate_file(path, want_ack=ack)
    if engine != "own":
        raise InputError(f"engine {engine!r} is not one of 'own', 'pyx12'")
    from edi837.conformance.ack999 import acknowledgment
    from edi837.conformance.engine import validate as conform
    from edi837.errors import X12ParseError
    from edi837.render.validation import not_x12_view, own_view

    try:
        result = conform(path, name=str(path))
    except X12ParseError as exc:
        return Validation(False, not_x12_view(str(path), exc.message).issues)
    view = own_view(result)
    transactions = tuple(
        (s.set_id, s.control_number, "A" if s.accepted else "R") for s in view.sets
    )
    text = acknowledgment(result, datetime.now()) if ack and result.interchanges else None
    return Validation(view.valid, view.issues, transactions, text)


def read_remittance(file: PathLike) -> list[RemittanceAdvice]:
    """Every payment of an 835, whole: its header, claims (``ClaimPayment``, with lines and
    adjustments) and totals with their warnings. For files too large to hold, stream
    :class:`edi837.remit835.RemittanceReader` instead. Raises :class:`InputError` for a file
    that holds no 835 (an 837, a 999...)."""
    path = Path(file)
    require(path, {"835"}, "remit")
    return read_advice(path, name=str(path))


def reconcile(
    files: Sequence[PathLike],
    *,
    ledger: PathLike,
    as_of: date | None = None,
    profile: Profile | PathLike | None = None,
    force: bool = False,
    dry_run: bool = False,
) -> ImportTally:
    """Record the 835 ``files`` in ``ledger`` (each file and each payment once, all in one
    transaction); the counts of what was recorded and matched. ``profile`` adds its billing
    provider to the payees accepted; ``force`` records a payment to another payee; ``dry_run``
    matches and counts, then records nothing."""
    today, _ = resolve_as_of(as_of)
    chosen = _profile(profile) if profile is not None else None
    with Ledger(Path(ledger), create=False) as book:
        tally = _reconcile.import_remittances(
            book,
            [Path(f) for f in files],
            imported_at=today,
            profile=chosen,
            force=force,
            dry_run=dry_run,
        )
        # the claims named were kept in the ledger's connection, which closes here
        tally.claim_ids = set(tally.claim_ids)
        return tally


def work_queue(
    ledger: PathLike,
    *,
    as_of: date | None = None,
    states: Iterable[str] = (),
    member: str | None = None,
    month: str | None = None,
    open_only: bool = False,
    test: bool | None = None,
) -> list[QueueItem]:
    """Every claim of ``ledger`` as ``edi837 claims`` shows it: ``item.facts`` (what was sent),
    ``item.outcome`` (its state and money from the claim state machine), ``item.advice`` (the
    next action) and ``item.aging`` (age, filing deadline). The filters are the command's;
    :func:`claim_data` turns an item into the dict of ``claims --format json``."""
    today, _ = resolve_as_of(as_of)
    filters = _queue.Filters(
        states=frozenset(states),
        member=member.strip().upper() if member else None,
        month=month,
        test=test,
        open_only=open_only,
    )
    with Ledger(Path(ledger), create=False) as book:
        return list(_queue.queue(book, as_of=today, filters=filters))
