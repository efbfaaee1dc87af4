"""One claim of the work queue as JSON text, written directly: the same bytes as
``json.dumps(claim_data(item))`` at less than half the cost.

``claim_data`` (render/queue_data.py) stays the one mapping of a claim to plain data; this is its
JSON spelling for ``claims --format json`` and ``reconcile --format json``, where a 100,000-claim
queue spent a third of its time building dicts only to encode them. The parts that repeat
across claims (adjustment and remark lists with their descriptions, an acknowledgment's answer,
modifier lists) are encoded once and cached by value. Strings go through json's own C escaper
(``encode_basestring_ascii``), so every text reads exactly as ``json.dumps`` writes it. A claim
whose outcome is a shape's (lifecycle/shapes.py) is written from that shape's template, its
identities filled into the holes.
``tests/test_queue_json.py`` holds the two spellings equal over every claim of random ledgers
and of the demo month; a field added to ``claim_data`` must be added here too (that test fails
until it is).
"""

from __future__ import annotations

from collections.abc import Hashable
from decimal import Decimal
from json.encoder import encode_basestring_ascii as _quoted

from edi837 import phi
from edi837.codes.descriptions import carc, rarc
from edi837.lifecycle.events import FrontDoor, LineFacts, Reason
from edi837.lifecycle.machine import Figures, LineOutcome, State
from edi837.lifecycle.shapes import named_shape, payer_number
from edi837.render.queue_data import money, number
from edi837.render.safety import terminal_text
from edi837.services.queue import AlikeItem, QueueItem

_CACHE_LIMIT = 4096
_BOOLEAN = {True: "true", False: "false"}
_EMPTY = "[]"
_NOTHING = '""'
# each state's JSON text (a State is a str: it hashes as one, and its .value costs a call)
_STATES = {state: _quoted(state.value) for state in State}


_amounts: dict[Decimal | None, str] = {None: "null"}


def _amount(value: Decimal | None) -> str:
    found = _amounts.get(value)
    if found is None:
        if len(_amounts) >= _CACHE_LIMIT:
            _amounts.clear()
            _amounts[None] = "null"
        # money() depends on the number alone; digits, sign and point: nothing to escape
        found = _amounts[value] = f'"{money(value)}"'
    return found


def _text(value: str | None) -> str:
    return "null" if value is None else _quoted(value)


_fragments: dict[tuple[str, Hashable], str] = {}


def _cached(kind: str, value: Hashable, make: str) -> str:
    if len(_fragments) >= _CACHE_LIMIT:
        _fragments.clear()
    _fragments[(kind, value)] = make
    return make


def _reasons(reasons: tuple[Reason, ...]) -> str:
    if not reasons:
        return _EMPTY
    found = _fragments.get(("reasons", reasons))
    if found is not None:
        return found
    items = ", ".join(
        f'{{"group": {_quoted(r.group)}, "code": {_quoted(r.code)}, "amount": {_amount(r.amount)}, '
        f'"description": {_text(carc(r.code))}}}'
        for r in reasons
    )
    return _cached("reasons", reasons, f"[{items}]")


def _remarks(codes: tuple[str, ...]) -> str:
    if not codes:
        return _EMPTY
    found = _fragments.get(("remarks", codes))
    if found is not None:
        return found
    items = ", ".join(
        f'{{"code": {_quoted(code)}, "description": {_text(rarc(code))}}}' for code in codes
    )
    return _cached("remarks", codes, f"[{items}]")


def _strings(items: tuple[str, ...]) -> str:
    if not items:
        return _EMPTY
    found = _fragments.get(("strings", items))
    if found is not None:
        return found
    return _cached("strings", items, "[" + ", ".join(_quoted(item) for item in items) + "]")


def _front_door(front: FrontDoor | None) -> str:
    if front is None:
        return "null"
    found = _fragments.get(("front", front))
    if found is not None:
        return found
    on = f'"{front.on.isoformat()}"' if front.on else "null"
    return _cached(
        "front",
        front,
        f'{{"source": {_quoted(front.source)}, "outcome": {_quoted(front.outcome.value)}, '
        f'"on": {on}, "codes": {_strings(front.codes)}, '
        f'"detail": {_quoted(terminal_text(front.detail))}}}',
    )


def _line(sent: LineFacts, line: LineOutcome, line_id: str) -> str:
    # all but the line's ID repeats from claim to claim (the same service, rate, date and answer)
    key = (
        sent.procedure,
        sent.modifiers,
        sent.service_date,
        sent.end_date,
        sent.units,
        line.billed,
        line.paid,
        line.state,
        line.denied,
        line.expected_unpaid,
        line.reasons,
        line.remarks,
    )
    rest = _fragments.get(("line", key))
    if rest is None:
        end = f'"{sent.end_date.isoformat()}"' if sent.end_date else "null"
        rest = _cached(
            "line",
            key,
            f'"procedure": {_quoted(sent.procedure)}, "modifiers": {_strings(sent.modifiers)}, '
            f'"service_date": "{sent.service_date.isoformat()}", "end_date": {end}, '
            f'"units": "{number(sent.units)}", "billed": {_amount(line.billed)}, '
            f'"paid": {_amount(line.paid)}, "state": {_STATES[line.state]}, '
            f'"denied": {_BOOLEAN[line.denied]}, "expected_unpaid": {_text(line.expected_unpaid)}, '
            f'"reasons": {_reasons(line.reasons)}, "remarks": {_remarks(line.remarks)}}}',
        )
    return f'{{"line_id": {line_id}, {rest}'


def _figures(f: Figures) -> str:
    # keyed by the amounts (money() reads a number alone): a queue's claims share a few figures
    key = (f.billed, f.paid, f.contractual, f.patient, f.denied, f.cancelled, f.open, f.overpaid)
    found = _fragments.get(("figures", key))
    if found is not None:
        return found
    return _cached(
        "figures",
        key,
        f'"billed": {_amount(f.billed)}, "paid": {_amount(f.paid)}, '
        f'"contractual": {_amount(f.contractual)}, "patient_responsibility": {_amount(f.patient)}, '
        f'"denied": {_amount(f.denied)}, "cancelled": {_amount(f.cancelled)}, '
        f'"open": {_amount(f.open)}, "overpaid": {_amount(f.overpaid)}',
    )


# A claim's text by its shape (lifecycle/shapes.py), its age and its advice: the claims of one
# shape differ in their identities alone, which are the template's holes (in the order they
# appear: claim ID, member ID, the payer's claim number, the lines' IDs). A template is kept as
# the texts between its holes (:func:`_filled` joins them with the identities: a copy, where
# ``%`` formatting read the whole template character by character). A claim that names another
# (its original, the claim it was resent as) is written whole.
_templates: dict[tuple[object, ...], list[str]] = {}
_HOLE = "\x00"  # no JSON text holds it raw: encode_basestring_ascii writes it \u0000


def _filled(pieces: list[str], identities: list[str]) -> str:
    """The template's texts with the identities in its holes, in order."""
    out = [""] * (len(pieces) + len(identities))
    out[0::2] = pieces
    out[1::2] = identities
    return "".join(out)


def claim_json(item: QueueItem | AlikeItem) -> str:
    """``json.dumps(claim_data(item))``, byte for byte (of ``item.item()`` for an AlikeItem)."""
    if isinstance(item, AlikeItem):
        return _alike_json(item)
    facts, outcome = item.facts, item.outcome
    shape = named_shape(facts, outcome)
    if shape is None:
        return _claim_text(item, _quoted(facts.claim_id), [_quoted(s.line_id) for s in facts.lines])
    age, advice = item.aging, item.advice
    key = (shape, age.days, age.bucket, age.deadline, age.days_left, advice.text, advice.done)
    template = _templates.get(key)
    if template is None:
        if len(_templates) >= _CACHE_LIMIT:
            _templates.clear()
        text = _claim_text(item, _HOLE, [_HOLE] * len(facts.lines), holes=True)
        template = _templates[key] = text.split(_HOLE)
    number = outcome.payer_claim_number
    return _filled(
        template,
        [
            _quoted(facts.claim_id),
            _quoted(phi.member_id(facts.member_id)),
            _quoted(terminal_text(number)) if number else _NOTHING,
            *[_quoted(line.line_id) for line in facts.lines],
        ],
    )


def _alike_json(entry: AlikeItem) -> str:
    """:func:`claim_json` of ``entry.item()``, from the claim's rows: its shape's template (the
    claim names no other claim) filled with its identities, as claim_json fills it."""
    alike, age, advice = entry.alike, entry.aging, entry.advice
    key = (alike.shape, age.days, age.bucket, age.deadline, age.days_left, advice.text, advice.done)
    template = _templates.get(key)
    if template is None:
        return claim_json(entry.item())  # (which makes the template)
    raw = alike.raw
    number = payer_number(alike.shape, alike.numbers)
    return _filled(
        template,
        [
            _quoted(raw.facts[0]),  # claim_id
            _quoted(phi.member_id(raw.facts[1])),
            _quoted(terminal_text(number)) if number else _NOTHING,
            *[_quoted(line[1]) for line in raw.lines],  # line IDs, in the facts' order
        ],
    )


def _claim_text(item: QueueItem, claim: str, line_ids: list[str], *, holes: bool = False) -> str:
    """The claim's text, its claim and line IDs given as JSON; ``holes``: the member ID and the
    payer's claim number left as holes too."""
    facts, outcome, age = item.facts, item.outcome, item.aging
    if holes:
        member = payer = _HOLE
    else:
        member = _quoted(phi.member_id(facts.member_id))
        number = outcome.payer_claim_number  # none until the payer answers
        payer = _quoted(terminal_text(number)) if number else _NOTHING
    lines = ", ".join(
        [
            _line(s, line, line_id)
            for s, line, line_id in zip(facts.lines, outcome.lines, line_ids, strict=True)
        ]
    )
    return (
        f'{{"claim_id": {claim}, "state": {_STATES[outcome.state]}, '
        f'"test": {_BOOLEAN[facts.test]}, "frequency": {_quoted(facts.frequency)}, '
        f'"member_id": {member}, '
        f'"category": {_quoted(facts.category)}, "service_month": {_quoted(facts.service_month)}, '
        f'"batch": {int(facts.batch_id)}, "sent_on": "{facts.sent_on.isoformat()}", '
        f"{_figures(outcome.figures)}, "
        f'"days_since_sent": {int(age.days)}, "aging_bucket": {_quoted(age.bucket)}, '
        f'"filing_deadline": "{age.deadline.isoformat()}", "filing_days_left": {int(age.days_left)}, '
        f'"payer_claim_number": {payer}, '
        f'"front_door": {_front_door(outcome.front_door)}, '
        f'"original_claim_id": {_text(facts.original_claim_id)}, '
        f'"successor": {_text(outcome.successor)}, "resent_as": {_text(facts.resent_as)}, '
        f'"flags": {_strings(outcome.flags)}, "next_action": {_quoted(item.advice.text)}, '
        f'"needs_action": {_BOOLEAN[item.needs_action]}, "reasons": {_reasons(outcome.reasons)}, '
        f'"remarks": {_remarks(outcome.remarks)}, "lines": [{lines}]}}'
    )
