"""Render a stream of remittance events as ``table``, ``json``, ``csv`` or ``xml``.

The reader yields, per payment (ST..SE), a header, its claims one at a time, then its totals;
:func:`payments` groups that flat stream back into payments without holding more than one claim,
and each renderer writes as the claims go by. So ``edi837 remit`` on a file of any size keeps
flat memory whatever the format.
"""

from __future__ import annotations

import importlib
import io
from collections.abc import Callable, Iterable, Iterator
from typing import BinaryIO

from edi837.model.remittance import ClaimPayment, RemitEvent, Remittance, RemittanceTotals

FORMATS = ("table", "json", "csv", "xml")
TEXT_CHUNK = 1 << 20  # bytes of text the text layer holds before it writes them


class PaymentStream:
    """One payment being rendered: its header now, its claims as they are read, then totals."""

    def __init__(self, header: Remittance, events: Iterator[RemitEvent]) -> None:
        self.header = header
        self._events = events
        self._totals: RemittanceTotals | None = None

    def claims(self) -> Iterator[ClaimPayment]:
        """The claims, read on demand; once they are exhausted :attr:`totals` is known."""
        if self._totals is not None:
            return
        for event in self._events:
            if isinstance(event, ClaimPayment):
                yield event
            elif isinstance(event, RemittanceTotals):
                self._totals = event
                return
            else:
                raise ValueError("a payment header came before the previous payment's totals")
        raise ValueError("the events ended inside a payment (no totals)")

    @property
    def totals(self) -> RemittanceTotals:
        for _ in self.claims():  # claims nobody rendered are skipped to reach the totals
            pass
        assert self._totals is not None
        return self._totals


def payments(events: Iterable[RemitEvent]) -> Iterator[PaymentStream]:
    stream = iter(events)
    for event in stream:
        if not isinstance(event, Remittance):
            raise ValueError(f"expected a payment header, got {type(event).__name__}")
        payment = PaymentStream(event, stream)
        yield payment
        payment.totals  # noqa: B018 - finish this payment before the next header


def render(events: Iterable[RemitEvent], fmt: str, out: BinaryIO) -> None:
    """Write ``events`` to the binary stream ``out`` in ``fmt`` (one of :data:`FORMATS`)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    # only the renderer asked for is imported: XML's brings lxml, a tenth of a small run
    writer: Callable[[Iterable[RemitEvent], BinaryIO], None] = importlib.import_module(
        f"edi837.render.remit_{fmt}"
    ).write
    writer(events, out)


def write_text(out: BinaryIO, write: Callable[[io.TextIOWrapper], None], newline: str) -> None:
    """Run ``write`` on a UTF-8 text layer over the binary ``out``, then flush and detach it
    (``out`` stays open: the command decides where it goes)."""
    text = io.TextIOWrapper(out, encoding="utf-8", newline=newline)
    # its pending text is encoded and written to ``out`` once per TEXT_CHUNK, not per 8 KiB: a
    # staged file takes such a chunk as it is (outputs.Staged.binary(buffered=False))
    text._CHUNK_SIZE = TEXT_CHUNK  # type: ignore[attr-defined]
    try:
        write(text)
        text.flush()
    finally:
        text.detach()
