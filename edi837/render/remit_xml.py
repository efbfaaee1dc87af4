"""``--format xml``: the JSON document as XML, written incrementally with lxml's ``xmlfile``.

``<payments>`` holds one ``<payment>`` per transaction set; every JSON key is an element of the
same name; a list is an element holding one child per item (``<claims><claim>``,
``<adjustments><adjustment>``, ``<lines><line>``, ``<remarks><remark>``,
``<modifiers><modifier>``, ``<provider_adjustments><provider_adjustment>``,
``<warnings><warning>``); a JSON ``null`` is an empty element with ``nil="true"``; a control character XML cannot carry reads U+FFFD. Each claim is
built as a small element tree and written as soon as it is read, so memory stays flat.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, BinaryIO

from lxml import etree

from edi837.model.remittance import RemitEvent
from edi837.render import remit_data
from edi837.render.remit import payments

# Characters XML 1.0 cannot carry at all (C0 controls but tab, LF, CR; U+FFFE/U+FFFF). A sender's
# stray control character is shown as U+FFFD instead of failing the whole output; JSON, which can
# carry it, escapes it instead.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

# the element name of one item of each list
_ITEMS = {
    "payments": "payment",
    "claims": "claim",
    "adjustments": "adjustment",
    "remarks": "remark",
    "lines": "line",
    "modifiers": "modifier",
    "provider_adjustments": "provider_adjustment",
    "warnings": "warning",
}


def _fill(parent: Any, name: str, value: Any) -> None:
    """Append ``<name>`` for ``value`` (a scalar, a dict or a list) to ``parent``."""
    child = etree.SubElement(parent, name)
    _set(child, name, value)


def _set(element: Any, name: str, value: Any) -> None:
    if value is None:
        element.set("nil", "true")
    elif isinstance(value, dict):
        for key, item in value.items():
            _fill(element, key, item)
    elif isinstance(value, list):
        for item in value:
            _fill(element, _ITEMS[name], item)
    else:
        element.text = _NOT_XML.sub("\ufffd", str(value))


def _element(name: str, value: Any) -> Any:
    element = etree.Element(name)
    _set(element, name, value)
    return element


def write(events: Iterable[RemitEvent], out: BinaryIO) -> None:
    # The declaration and the final newline go straight to the stream: lxml's xmlfile raises a
    # bare IndexError when asked to write text outside the root element.
    out.write(b'<?xml version="1.0" encoding="UTF-8"?>\n')
    with etree.xmlfile(out, encoding="utf-8") as xf, xf.element("payments"):
        for payment in payments(events):
            xf.write("\n  ")
            with xf.element("payment"):
                for key, value in remit_data.header(payment.header).items():
                    xf.write("\n    ")
                    xf.write(_element(key, value))
                xf.write("\n    ")
                with xf.element("claims"):
                    any_claim = False
                    for claim in payment.claims():
                        xf.write("\n      ")
                        element = _element("claim", remit_data.claim(claim))
                        etree.indent(element, space="  ", level=3)
                        xf.write(element)
                        any_claim = True
                    if any_claim:
                        xf.write("\n    ")
                for key, value in remit_data.trailer(payment.totals).items():
                    xf.write("\n    ")
                    element = _element(key, value)
                    etree.indent(element, space="  ", level=2)
                    xf.write(element)
                xf.write("\n  ")
        xf.write("\n")
    out.write(b"\n")
