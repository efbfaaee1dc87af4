"""%-templates cut around the values that do not recur, for the streaming renderers.

A claim or a service line of a remittance is mostly values that recur from one to the next
(codes, fee-schedule amounts, dates, the same adjustments), with one or two that never do (a
control number). The JSON and XML renderers write each object from a %-template of its fields;
cut at the fields that do not recur, each piece between them depends only on recurring values,
so it can be filled once and cached, and the object is written by joining a few cached pieces
with its own values, instead of formatting every field of every object again (issue 12).
"""

from __future__ import annotations


def cut(template: str, *at: int) -> tuple[str, ...]:
    """``template`` (fields ``%s`` only, no other ``%``) without its fields ``at`` (numbered
    from 0, in order): the templates before, between and after them, len(at) + 1 in all.

    ``cut("a%sb%sc%sd", 1)`` is ``("a%sb", "c%sd")``: filled with the first field and with the
    last, and joined around the second, they make the whole template filled."""
    parts = template.split("%s")
    pieces, start = [], 0
    for field in at:
        if not start <= field < len(parts) - 1:
            raise ValueError(f"no field {field} to cut at, after field {start - 1}")
        pieces.append("%s".join(parts[start : field + 1]))
        start = field + 1
    pieces.append("%s".join(parts[start:]))
    return tuple(pieces)
