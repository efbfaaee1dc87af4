"""``--format json``: ``{"schema_version": 1, "payments": [...]}``, streamed
(``edi837/schemas/remit.schema.json``).

The bytes are exactly those of ``json.dumps(document, indent=2)`` followed by a newline (a test
holds us to it), but the document is never built whole: each claim is dumped on its own and
indented into place, so memory stays flat for any number of claims.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from typing import Any, BinaryIO

from edi837.model.remittance import RemitEvent
from edi837.render import remit_data
from edi837.render.remit import payments

SCHEMA_VERSION = 1  # of remit.schema.json: raised with any change a script would notice

# indentation of the nesting levels: document, payments list, payment, its lists' items
_PAYMENT = " " * 4
_FIELD = " " * 6
_ITEM = " " * 8


def _nested(value: Any, pad: str) -> str:
    """``value`` dumped with indent=2 as it appears nested at the indentation ``pad``."""
    return json.dumps(value, indent=2).replace("\n", "\n" + pad)


def write(events: Iterable[RemitEvent], out: BinaryIO) -> None:
    text = io.TextIOWrapper(out, encoding="utf-8", newline="\n", write_through=True)
    try:
        _write(events, text)
        text.flush()
    finally:
        text.detach()


def _write(events: Iterable[RemitEvent], out: io.TextIOWrapper) -> None:
    out.write(f'{{\n  "schema_version": {SCHEMA_VERSION},\n  "payments": [')
    any_payment = False
    for payment in payments(events):
        out.write(f"{',' if any_payment else ''}\n{_PAYMENT}{{")
        any_payment = True
        for key, value in remit_data.header(payment.header).items():
            out.write(f"\n{_FIELD}{json.dumps(key)}: {json.dumps(value)},")
        out.write(f'\n{_FIELD}"claims": [')
        any_claim = False
        for claim in payment.claims():
            out.write(
                f"{',' if any_claim else ''}\n{_ITEM}{_nested(remit_data.claim(claim), _ITEM)}"
            )
            any_claim = True
        out.write(f"\n{_FIELD}]" if any_claim else "]")
        for key, value in remit_data.trailer(payment.totals).items():
            out.write(f",\n{_FIELD}{json.dumps(key)}: {_nested(value, _FIELD)}")
        out.write(f"\n{_PAYMENT}}}")
    out.write("\n  ]\n}\n" if any_payment else "]\n}\n")
