"""The shape of a claim's rows, for refresh: the claims an import names are mostly a few shapes
(the same services at the same rates, sent the same day, paid, cut by CO-45 or denied alike), and
refresh wants only which of a claim's lines change flags. A claim whose rows have the shape of
one already evaluated in the same refresh takes that claim's changes, by line position, before
any fact or event is made of its rows; each shape is still answered by the state machine (the
first claim of it goes the whole way), so no rule of the fold is spelled here.

The key is every column of the claim's rows but its identities (claim and member ID, line IDs,
the payer's claim number but whether there is one, the trace, the event's ID and its position in
the file), which lifecycle/shapes.py's key leaves out too: ``evaluate`` only copies them through.
What else the state machine reads comes from the reader itself (the batch's and transaction
set's answers, keyed by columns of the claim row; the voids and replacements), which is why a
memo lives for one :class:`~edi837.ledger.events.EventReader` pass only (a later import may add
a 999 to a batch). Only claims whose events' order the key keeps are given one: at most one
adjudication (its line payments in their order), no recoupment of the claim itself, no
original, no void or replacement, no repeated line ID, every line payment naming one of the
claim's lines. The claim's own acknowledgments join the key as the reader hands them in
(``acks``: their columns but the file and position, with where each falls among the batch's
answers, which is all their order hangs on). A rejected original (whose answer reads other claims: was it resent?) is
never remembered: the caller checks that.
"""

from __future__ import annotations

from collections.abc import Hashable

from edi837.ledger.event_rows import Raw


def row_key(raw: Raw, acks: Hashable) -> Hashable | None:
    """The claim's packed rows (``raw_claims(..., packed=True)``: each row's columns but its
    identities as one text) less its identities, or None for a claim evaluated on its own;
    ``acks`` is its acknowledgments' part of the key (``EventReader``'s, which knows the
    batch's). Equal texts are equal columns: ``json_array`` spells each TEXT, INTEGER and NULL
    value one way."""
    facts = raw.facts
    if facts[3] is not None or raw.recoupments:
        return None  # (an original named, or events ordered by IDs the key drops)
    adjudications = raw.adjudications
    if len(adjudications) > 1:
        return None
    lines = raw.lines
    positions = {line[1]: index for index, line in enumerate(lines)}
    if len(positions) != len(lines):
        return None
    payments: tuple[Hashable, ...] = ()
    adjudication: Hashable = None
    if adjudications:
        # (claim, event ID, payer claim number, [seq, trace], [status, charge, paid, patient,
        # has lines, adjustments, remarks, date, issued, remittance]): the payer's claim number
        # but whether there is one, and the last text
        row = adjudications[0]
        adjudication = (row[2] == "", row[4])
        keyed: list[Hashable] = []
        for row in raw.line_payments:  # (claim, its event, line, [charge, paid, CAS, remarks])
            line_id = row[2]
            if line_id is None:
                keyed.append((None, row[3]))
                continue
            position = positions.get(line_id)
            if position is None:
                return None
            keyed.append((position, row[3]))
        payments = tuple(keyed)
    elif raw.line_payments:
        return None
    # the claim's frequency and its text (the batch, its set and date are the batch's answers'
    # key), each line's text (the flags it holds now included)
    return facts[2], facts[4], tuple([line[2] for line in lines]), adjudication, payments, acks
